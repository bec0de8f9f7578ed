import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin, clone  # noqa: E402
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: E402

from skdeepmine.features import NeuralFeatureExtractor  # noqa: E402
from skdeepmine.utils import all_estimators  # noqa: E402

# The one table of fast constructor parameters, by estimator name: the common
# checks run every estimator of skdeepmine.utils.all_estimators() with these
# (and default-constructed), and tests/test_common.py fails when an estimator
# has no entry.  Other tests build their estimators with fast_estimator().
# Estimator values are cloned for each instance.
# learning_rate=0.01: at the default 0.001 the tiny CNN ended near the score
# thresholds of check_regressors_train and check_class_weight_classifiers,
# passing on TensorFlow's initial weights and failing on JAX's or PyTorch's.
FAST_CNN = dict(filters=(4,), dense_units=(8,), learning_rate=0.01, random_state=0)
# learning_rate=0.03: at 0.01 the dense classifier ended under
# check_class_weight_classifiers' threshold from JAX's initial weights.
FAST_DENSE = dict(hidden_units=(16,), epochs=10, learning_rate=0.03, random_state=0)
FAST_EXTRACTOR = dict(n_components=4, hidden_units=(8,), epochs=3, random_state=0)

FAST_PARAMS = {
    "CNNClassifier": FAST_CNN,
    "CNNRegressor": FAST_CNN,
    "DenseNetworkClassifier": FAST_DENSE,
    "DenseNetworkRegressor": FAST_DENSE,
    "NeuralFeatureExtractor": FAST_EXTRACTOR,
    # cv=None: the default-constructed hybrids cover the out-of-fold path.
    # min_weight_fraction_leaf: what scikit-learn's check_class_weight_classifiers
    # sets on a tree, so that class weights can outweigh a pure leaf; the
    # hybrid's class_weight reaches its tree, but the check cannot set this.
    "HybridClassifier": dict(
        extractor=NeuralFeatureExtractor(**FAST_EXTRACTOR),
        estimator=DecisionTreeClassifier(random_state=0, min_weight_fraction_leaf=0.01),
        cv=None,
    ),
    "HybridRegressor": dict(
        extractor=NeuralFeatureExtractor(**FAST_EXTRACTOR),
        estimator=DecisionTreeRegressor(random_state=0), cv=None,
    ),
    "InsightReporter": dict(
        kinds=["data_quality", "target", "relationships"], max_rows=200, max_clusters=3,
        random_state=0,
    ),
}


# Set in the child processes that tests/test_backends.py runs on another
# Keras backend (its value is the backend asked for).
CHILD_BACKEND_VARIABLE = "SKDEEPMINE_TEST_BACKEND"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "backend_free: the test never runs a Keras backend (validation before any "
        "network is built, the registry); tests/test_backends.py leaves it out of "
        "its runs on JAX and PyTorch",
    )


def pytest_report_header(config):
    if os.environ.get(CHILD_BACKEND_VARIABLE):
        from skdeepmine.core._backend import backend_name

        return f"skdeepmine tests on Keras backend: {backend_name()}"
    return None


def fast_estimator(name, **overrides):
    """A new instance of skdeepmine's estimator ``name`` with the fast parameters."""
    params = {
        key: clone(value) if hasattr(value, "get_params") else value
        for key, value in {**FAST_PARAMS[name], **overrides}.items()
    }
    return dict(all_estimators())[name](**params)


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """A majority-class classifier that keeps the matrix it was trained on."""

    def fit(self, X, y):
        self.X_seen_ = np.array(X)
        self.classes_ = np.unique(y)
        self.majority_ = np.bincount(y).argmax()
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)
