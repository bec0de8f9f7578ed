"""HybridClassifier and HybridRegressor: deep features under classical estimators."""

import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import RecordingClassifier
from sklearn.base import BaseEstimator, clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_digits, make_friedman1
from sklearn.decomposition import PCA
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import (
    GridSearchCV,
    ShuffleSplit,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError
from threadpoolctl import threadpool_limits

from skdeepmine.cnn import CNNClassifier
from skdeepmine.features import (
    DenseNetworkClassifier,
    DenseNetworkRegressor,
    NeuralFeatureExtractor,
)
from skdeepmine.hybrid import HybridClassifier, HybridRegressor

TINY = dict(n_components=4, hidden_units=(8,), epochs=3, random_state=0)
FAST_HGB = dict(max_iter=20, random_state=0)


@pytest.fixture(autouse=True, scope="module")
def one_openmp_thread():
    # HistGradientBoosting's OpenMP threads spin-wait for a busy core on a
    # shared 2-core machine: one thread is ten times faster there.
    with threadpool_limits(1, user_api="openmp"):
        yield


@pytest.fixture(scope="module")
def cancer():
    """breast_cancer as loaded: raw, unscaled columns."""
    X, y = load_breast_cancer(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


class LabelOfNearestRow(BaseEstimator):
    """A leaky 'extractor': the label of the nearest training row.

    On its own training rows it returns their labels exactly; on new rows,
    an honest 1-nearest-neighbour guess.
    """

    def fit(self, X, y):
        self.X_, self.y_ = np.asarray(X), np.asarray(y, dtype=float)
        return self

    def transform(self, X):
        distances = ((np.asarray(X)[:, None, :] - self.X_[None]) ** 2).sum(axis=2)
        return self.y_[distances.argmin(axis=1)][:, None]


def test_default_hybrid_matches_trees_on_raw_breast_cancer(cancer):
    X_train, X_test, y_train, y_test = cancer
    clf = HybridClassifier(NeuralFeatureExtractor(epochs=20, random_state=0), cv=None)
    clf.fit(X_train, y_train)
    assert type(clf.estimator_) is HistGradientBoostingClassifier
    assert type(clf.extractor_.network_) is DenseNetworkClassifier
    assert clf.score(X_test, y_test) >= 0.93


def test_estimator_sees_the_extractors_features_then_the_raw_ones(cancer):
    X_train, _, y_train, _ = cancer
    clf = HybridClassifier(NeuralFeatureExtractor(**TINY), RecordingClassifier(), cv=None)
    clf.fit(X_train, y_train)
    expected = np.hstack([clf.extractor_.transform(X_train), X_train])
    np.testing.assert_allclose(clf.estimator_.X_seen_, expected)
    assert clf.n_deep_features_ == 4
    alone = clone(clf).set_params(passthrough=False).fit(X_train, y_train)
    assert alone.estimator_.X_seen_.shape == (len(X_train), 4)


def test_cv_trains_the_estimator_on_out_of_fold_features():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 3))
    y = rng.randint(0, 2, size=90)  # labels X cannot predict
    leaky = HybridClassifier(
        LabelOfNearestRow(), RecordingClassifier(), passthrough=False, cv=None
    )
    in_sample = leaky.fit(X, y).estimator_.X_seen_[:, 0]
    np.testing.assert_array_equal(in_sample, y)  # the leak cv is there to stop
    out_of_fold = leaky.set_params(cv=3).fit(X, y).estimator_.X_seen_[:, 0]
    # Each fold's nearest neighbours guess labels they never saw: ~half wrong.
    assert 0.3 < np.mean(np.round(out_of_fold) != y) < 0.7


def test_out_of_fold_features_are_aligned_to_the_final_extractor():
    # PCA's signs flip from one fit to the next; the map onto the final
    # extractor's coordinates undoes that, so a PCA of clean data gives
    # out-of-fold features equal to the final in-sample ones.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2)) @ [[3.0, 1.0], [0.0, 0.5]]
    y = (X[:, 0] > 0).astype(int)
    clf = HybridClassifier(PCA(n_components=2), RecordingClassifier(), passthrough=False, cv=4)
    seen = clf.fit(X, y).estimator_.X_seen_
    np.testing.assert_allclose(seen, clf.extractor_.transform(X), atol=1e-8)


def test_grid_search_over_nested_and_own_parameters(cancer):
    X_train, X_test, y_train, y_test = cancer
    hybrid = HybridClassifier(
        NeuralFeatureExtractor(hidden_units=(8,), epochs=5, random_state=0),
        HistGradientBoostingClassifier(**FAST_HGB),
        cv=None,
    )
    grid = {
        "extractor__n_components": [2, 4],
        "estimator__max_depth": [2, 3],
        "passthrough": [True, False],
    }
    search = GridSearchCV(hybrid, grid, cv=2).fit(X_train, y_train)
    assert set(search.best_params_) == set(grid)
    assert search.best_estimator_.extractor_.n_components_ == search.best_params_[
        "extractor__n_components"
    ]
    assert search.score(X_test, y_test) >= 0.9


def test_cross_val_score_clone_and_pickle(cancer):
    X_train, X_test, y_train, _ = cancer
    hybrid = HybridClassifier(
        NeuralFeatureExtractor(**TINY), HistGradientBoostingClassifier(**FAST_HGB), cv=2
    )
    scores = cross_val_score(hybrid, X_train, y_train, cv=3)
    assert scores.shape == (3,) and scores.min() >= 0.85
    fitted = clone(hybrid).fit(X_train, y_train)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_allclose(restored.predict_proba(X_test), fitted.predict_proba(X_test))
    assert not hasattr(clone(fitted), "estimator_")


def test_probability_and_decision_methods_follow_the_estimator(cancer):
    X_train, X_test, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(**TINY)
    svc = HybridClassifier(extractor, LinearSVC())
    assert not hasattr(svc, "predict_proba")
    assert hasattr(svc, "decision_function")
    forest = HybridClassifier(extractor, RandomForestClassifier(n_estimators=10, random_state=0))
    assert hasattr(forest, "predict_proba")
    assert not hasattr(forest, "decision_function")
    proba = forest.fit(X_train, y_train).predict_proba(X_test)
    assert proba.shape == (len(X_test), 2)


def test_string_labels_come_back_as_labels(cancer):
    X_train, X_test, y_train, _ = cancer
    names = np.array(["benign", "malignant"])[y_train]
    clf = HybridClassifier(NeuralFeatureExtractor(**TINY), HistGradientBoostingClassifier(**FAST_HGB))
    clf.fit(X_train, names)
    assert list(clf.classes_) == ["benign", "malignant"]
    assert set(clf.predict(X_test)) <= {"benign", "malignant"}


def test_feature_importances_only_when_the_estimator_has_them(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(**TINY)
    forest = HybridClassifier(extractor, RandomForestClassifier(n_estimators=10, random_state=0))
    forest.fit(X_train, y_train)
    # One importance per input column of X, and the deep/raw view aligned
    # with the names of the estimator's columns.
    assert forest.feature_importances_.shape == (X_train.shape[1],)
    assert forest.feature_importances_.sum() == pytest.approx(1)
    names = forest.get_feature_names_out()
    assert list(names[:5]) == ["deep0", "deep1", "deep2", "deep3", "x0"]
    assert forest.transformed_feature_importances_.shape == names.shape == (4 + X_train.shape[1],)
    boosted = HybridClassifier(extractor, HistGradientBoostingClassifier(**FAST_HGB), cv=None)
    boosted.fit(X_train, y_train)
    assert not hasattr(boosted, "feature_importances_")
    assert not hasattr(boosted, "transformed_feature_importances_")


def test_importance_shares_follow_what_the_estimator_relies_on():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)  # an interaction the product reveals
    product = FunctionTransformer(lambda X: X[:, :1] * X[:, 1:2])
    clf = HybridClassifier(product, DecisionTreeClassifier(max_depth=2, random_state=0))
    clf.fit(X, y)
    assert clf.deep_importance_share_ > 0.9
    assert clf.deep_importance_share_ + clf.raw_importance_share_ == pytest.approx(1)
    blank = FunctionTransformer(lambda X: np.zeros((len(X), 1)))
    clf = HybridClassifier(blank, DecisionTreeClassifier(max_depth=4, random_state=0))
    assert clf.fit(X, y).raw_importance_share_ == 1.0
    alone = HybridClassifier(product, DecisionTreeClassifier(), passthrough=False).fit(X, y)
    assert (alone.deep_importance_share_, alone.raw_importance_share_) == (1.0, 0.0)


def test_cnn_extractor_with_a_forest_on_digit_images():
    X, y = load_digits(return_X_y=True)
    X = X.reshape(-1, 8, 8)[:600] / 16.0
    X_train, X_test, y_train, y_test = train_test_split(
        X, y[:600], test_size=0.25, stratify=y[:600], random_state=0
    )
    extractor = NeuralFeatureExtractor(
        n_components=16, hidden_units=(), filters=(8,), epochs=8, random_state=0
    )
    clf = HybridClassifier(extractor, RandomForestClassifier(n_estimators=50, random_state=0))
    clf.fit(X_train, y_train)
    assert type(clf.extractor_.network_) is CNNClassifier
    assert clf.n_features_in_ == 64
    assert clf.score(X_test, y_test) >= 0.9


def test_regressor_learns_integer_targets_as_numbers():
    X, y = make_friedman1(n_samples=300, noise=0.1, random_state=0)
    y = np.round(3 * y).astype(int)
    reg = HybridRegressor(
        NeuralFeatureExtractor(n_components=4, epochs=30, random_state=0),
        RandomForestRegressor(n_estimators=30, random_state=0),
    )
    reg.fit(X[:200], y[:200])
    assert type(reg.extractor_.network_) is DenseNetworkRegressor
    assert reg.score(X[200:], y[200:]) >= 0.6
    assert reg.deep_importance_share_ + reg.raw_importance_share_ == pytest.approx(1)


def test_pipeline_with_a_one_hot_category_into_the_hybrid(cancer):
    X_train, X_test, y_train, y_test = cancer

    def frame(X):
        df = pd.DataFrame(X[:, :8], columns=[f"x{i}" for i in range(8)])
        df["size"] = np.where(X[:, 3] > 700, "large", "small")
        return df

    prepare = ColumnTransformer(
        [("category", OneHotEncoder(sparse_output=False), ["size"])], remainder="passthrough"
    )
    pipe = make_pipeline(
        prepare,
        HybridClassifier(NeuralFeatureExtractor(**TINY), HistGradientBoostingClassifier(**FAST_HGB)),
    )
    pipe.fit(frame(X_train), y_train)
    assert pipe[-1].n_features_in_ == 10
    assert pipe.score(frame(X_test), y_test) >= 0.85


@pytest.mark.backend_free
def test_wrong_estimators_are_clear_errors_naming_the_parameter(cancer):
    X_train, _, y_train, _ = cancer

    class NotSklearn:
        def fit(self, X, y):
            return self

        def predict(self, X):
            return np.zeros(len(X))

    with pytest.raises(InvalidParameterError, match="'estimator' parameter"):
        HybridClassifier(estimator="forest").fit(X_train, y_train)
    with pytest.raises(InvalidParameterError, match="'estimator' parameter.*get_params"):
        HybridClassifier(estimator=NotSklearn()).fit(X_train, y_train)
    with pytest.raises(InvalidParameterError, match="'extractor' parameter"):
        HybridClassifier(extractor=LinearRegression()).fit(X_train, y_train)
    with pytest.raises(ValueError, match="estimator must be a classifier"):
        HybridClassifier(NeuralFeatureExtractor(**TINY), LinearRegression()).fit(X_train, y_train)
    with pytest.raises(ValueError, match="estimator must be a regressor"):
        HybridRegressor(NeuralFeatureExtractor(**TINY), LinearSVC()).fit(X_train, y_train)


@pytest.mark.backend_free
def test_sample_weight_needs_both_parts_to_accept_it(cancer):
    X_train, _, y_train, _ = cancer
    weights = np.ones(len(y_train))
    clf = HybridClassifier(PCA(n_components=2), DecisionTreeClassifier())
    with pytest.raises(TypeError, match="its extractor PCA does not accept sample_weight"):
        clf.fit(X_train, y_train, sample_weight=weights)


@pytest.mark.backend_free
def test_cv_must_partition_the_samples(cancer):
    X_train, _, y_train, _ = cancer
    clf = HybridClassifier(PCA(n_components=2), DecisionTreeClassifier(), cv=ShuffleSplit(3))
    with pytest.raises(ValueError, match="cv must split the samples"):
        clf.fit(X_train, y_train)


@pytest.mark.backend_free
def test_nested_parameters_are_exposed_for_search():
    hybrid = HybridRegressor(NeuralFeatureExtractor(), DenseNetworkRegressor())
    params = hybrid.get_params()
    assert {"extractor__n_components", "extractor__epochs", "estimator__hidden_units",
            "passthrough", "cv", "random_state"} <= set(params)
    hybrid.set_params(extractor__epochs=7, cv=3, estimator__hidden_units=(4,))
    assert (hybrid.extractor.epochs, hybrid.cv, hybrid.estimator.hidden_units) == (7, 3, (4,))


def test_random_state_seeds_the_default_parts(cancer):
    X_train, X_test, y_train, _ = cancer
    first = HybridClassifier(cv=None, random_state=0).fit(X_train[:120], y_train[:120])
    second = HybridClassifier(cv=None, random_state=0).fit(X_train[:120], y_train[:120])
    assert first.extractor_.random_state == second.extractor_.random_state is not None
    np.testing.assert_allclose(first.predict_proba(X_test), second.predict_proba(X_test))
