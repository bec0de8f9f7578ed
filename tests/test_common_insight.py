"""scikit-learn's estimator checks over InsightReporter.

It runs twice: default-constructed (what users get) and with fast parameters
(what the rest of the insight tests use).
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeepmine.insight import InsightReporter

FAST_REPORTER = dict(
    kinds=["data_quality", "target", "relationships"], max_rows=200, max_clusters=3,
    random_state=0,
)

ESTIMATORS = [InsightReporter(), InsightReporter(**FAST_REPORTER)]


@parametrize_with_checks(ESTIMATORS)
def test_insight_reporter_passes_sklearn_checks(estimator, check):
    check(estimator)
