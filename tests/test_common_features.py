"""scikit-learn's estimator checks over the feature-extraction and hybrid estimators.

Each estimator runs twice: default-constructed (what users get) and with the
fast parameters below (what the rest of the suite uses).
"""

import pytest
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from skdeepmine.features import (
    DenseNetworkClassifier,
    DenseNetworkRegressor,
    NeuralFeatureExtractor,
)
from skdeepmine.hybrid import HybridClassifier, HybridRegressor

FAST_DENSE = dict(hidden_units=(16,), epochs=10, learning_rate=0.01, random_state=0)
FAST_EXTRACTOR = dict(n_components=4, hidden_units=(8,), epochs=3, random_state=0)

# HistGradientBoosting's sample weights are not equivalent to repeated rows
# (scikit-learn marks the same check as an expected failure for it).  The
# networks pass it: the check's data fit in one batch of 64, where weights
# and repetitions give the same gradient.
_HGB_SAMPLE_WEIGHT = {
    "check_sample_weight_equivalence_on_dense_data": (
        "HistGradientBoosting's sample_weight is not equivalent to repeated rows"
    ),
}

ESTIMATORS = [
    DenseNetworkClassifier(),
    DenseNetworkRegressor(),
    NeuralFeatureExtractor(),
    HybridClassifier(),
    HybridRegressor(),
    DenseNetworkClassifier(**FAST_DENSE),
    DenseNetworkRegressor(**FAST_DENSE),
    NeuralFeatureExtractor(**FAST_EXTRACTOR),
    # cv=None: the default instances above cover the out-of-fold path.
    HybridClassifier(
        NeuralFeatureExtractor(**FAST_EXTRACTOR), DecisionTreeClassifier(random_state=0), cv=None
    ),
    HybridRegressor(
        NeuralFeatureExtractor(**FAST_EXTRACTOR), DecisionTreeRegressor(random_state=0), cv=None
    ),
]


def expected_failed_checks(estimator):
    if isinstance(estimator, (HybridClassifier, HybridRegressor)) and estimator.estimator is None:
        return _HGB_SAMPLE_WEIGHT
    return {}


@pytest.fixture(autouse=True, scope="module")
def one_openmp_thread():
    # HistGradientBoosting's OpenMP threads spin-wait for a busy core on a
    # shared 2-core machine: one thread is ten times faster there.
    with threadpool_limits(1, user_api="openmp"):
        yield


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
