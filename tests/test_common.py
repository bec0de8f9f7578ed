"""scikit-learn's estimator checks over every public estimator.

Each estimator runs twice: default-constructed (what users get) and with the
fast parameters below (what the rest of the suite uses).
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeepmine import CNNClassifier, CNNRegressor

FAST_CNN = dict(filters=(4,), dense_units=(8,), random_state=0)

ESTIMATORS = [
    CNNClassifier(),
    CNNRegressor(),
    CNNClassifier(**FAST_CNN),
    CNNRegressor(**FAST_CNN),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
