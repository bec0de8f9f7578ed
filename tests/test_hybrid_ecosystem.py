"""The hybrids among scikit-learn's tools: DataFrames, feature selection, routing, class weights."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from conftest import RecordingClassifier
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import make_column_transformer
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.feature_selection import RFE, SelectFromModel
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score
from sklearn.model_selection import GroupKFold, KFold, cross_val_score
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from skdeepmine.features import NeuralFeatureExtractor
from skdeepmine.hybrid import HybridClassifier

# Trained enough to follow y, small enough to fit in a fraction of a second.
SMALL = dict(n_components=3, hidden_units=(8,), epochs=20, learning_rate=0.01, random_state=0)


@pytest.fixture(autouse=True, scope="module")
def one_openmp_thread():
    # HistGradientBoosting's OpenMP threads spin-wait on a busy 2-core machine.
    with threadpool_limits(1, user_api="openmp"):
        yield


class LabelOfNearestRow(TransformerMixin, BaseEstimator):
    """The label of the nearest training row: exact on rows it has seen."""

    def fit(self, X, y):
        self.X_, self.y_ = np.asarray(X), np.asarray(y, dtype=float)
        return self

    def transform(self, X):
        distances = ((np.asarray(X)[:, None, :] - self.X_[None]) ** 2).sum(axis=2)
        return self.y_[distances.argmin(axis=1)][:, None]


class WeightRecorder(TransformerMixin, BaseEstimator):
    """An identity extractor that keeps the sample weights of its last fit."""

    seen = []

    def fit(self, X, y, sample_weight=None):
        WeightRecorder.seen.append(None if sample_weight is None else np.array(sample_weight))
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float)


class RowCounter(TransformerMixin, BaseEstimator):
    """Column 0 of X; counts the rows of each transform since its last fit."""

    rows = []

    def fit(self, X, y):
        RowCounter.rows = []
        return self

    def transform(self, X):
        RowCounter.rows.append(len(X))
        return np.asarray(X)[:, :1]


def planted_frame(n, seed):
    """y = colour is red, or a > 0.5; b is noise."""
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame({
        "a": rng.normal(size=n),
        "b": rng.normal(size=n),
        "colour": rng.choice(["red", "green", "blue"], size=n),
    })
    y = ((frame["colour"] == "red") | (frame["a"] > 0.5)).astype(int).to_numpy()
    return frame, y


def test_dataframe_with_a_string_column_reaches_a_column_transformer_by_name():
    frame, y = planted_frame(300, seed=0)
    train, test = slice(0, 200), slice(200, None)
    extractor = make_column_transformer(
        (OneHotEncoder(sparse_output=False, handle_unknown="ignore"), ["colour"]),
        (NeuralFeatureExtractor(**SMALL), ["a", "b"]),
    )
    clf = HybridClassifier(
        extractor, DecisionTreeClassifier(max_depth=4, random_state=0), passthrough=False, cv=2
    )
    clf.fit(frame[train], y[train])
    assert list(clf.feature_names_in_) == ["a", "b", "colour"] and clf.n_features_in_ == 3
    assert list(clf.get_feature_names_out()) == [f"deep{i}" for i in range(6)]
    assert clf.score(frame[test], y[test]) >= 0.9
    assert np.mean(y[test]) < 0.75  # well above what the majority class scores
    # Importances per input column: the colour decides most rows, b is noise.
    importances = dict(zip(clf.feature_names_in_, clf.feature_importances_))
    assert importances["b"] < min(importances["a"], importances["colour"])
    assert sum(importances.values()) == pytest.approx(1)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(frame[test][["colour", "a", "b"]])

    # passthrough: the estimator gets X's own columns, so a string column is a
    # clear error naming it, and a category column works with HistGradientBoosting.
    one_hot = make_column_transformer((OneHotEncoder(sparse_output=False), ["colour"]))
    boosted = HybridClassifier(
        one_hot, HistGradientBoostingClassifier(max_iter=20, random_state=0), cv=None
    )
    with pytest.raises(ValueError, match=r"non-numeric columns: \['colour'\]"):
        boosted.fit(frame[train], y[train])
    categorical = frame.astype({"colour": "category"})
    boosted.fit(categorical[train], y[train])
    assert list(boosted.get_feature_names_out()) == ["deep0", "deep1", "deep2", "a", "b", "colour"]
    assert boosted.estimator_.is_categorical_.tolist() == [False] * 5 + [True]
    assert boosted.score(categorical[test], y[test]) >= 0.9


def test_select_from_model_and_rfe_keep_the_informative_raw_columns():
    rng = np.random.RandomState(0)
    # A deep feature's importance goes to the inputs it is computed from.
    X = rng.normal(size=(120, 3))
    y = (np.abs(X[:, 1]) > 0.7).astype(int)
    square_of_x1 = FunctionTransformer(lambda X: X[:, 1:2] ** 2)
    tree = DecisionTreeClassifier(max_depth=2, random_state=0)
    alone = HybridClassifier(square_of_x1, tree, passthrough=False, cv=None).fit(X, y)
    np.testing.assert_allclose(alone.feature_importances_, [0, 1, 0])
    # Measured on 200 training rows, fewer for wide X: 20,000 / n_features, >= 20.
    for n_features, rows in [(5, 200), (400, 50), (1000, 20)]:
        wide = HybridClassifier(RowCounter(), tree, passthrough=False, cv=None)
        wide.fit(rng.normal(size=(300, n_features)), rng.randint(0, 2, size=300))
        assert RowCounter.rows[1] == rows  # after the transform of all of X

    X = rng.normal(size=(200, 6))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)  # columns 2-5 are noise
    hybrid = HybridClassifier(
        NeuralFeatureExtractor(**SMALL),
        RandomForestClassifier(n_estimators=25, random_state=0),
        cv=None,
    )
    selector = SelectFromModel(hybrid).fit(X, y)
    np.testing.assert_array_equal(selector.get_support(indices=True), [0, 1])
    rfe = RFE(hybrid, n_features_to_select=2, step=2).fit(X, y)
    np.testing.assert_array_equal(rfe.get_support(indices=True), [0, 1])


def test_metadata_routing_sends_weights_where_requested_and_groups_to_the_splitter():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 3))
    y = rng.randint(0, 2, size=80)
    weights = rng.uniform(0.1, 3, size=80)
    with sklearn.config_context(enable_metadata_routing=True):
        # PCA takes no sample_weight: only the tree, which asked, gets them.
        tree = DecisionTreeClassifier(max_depth=3, random_state=0).set_fit_request(
            sample_weight=True
        )
        clf = HybridClassifier(PCA(n_components=2), tree, cv=None)
        clf.fit(X, y, sample_weight=weights)
        expected = DecisionTreeClassifier(max_depth=3, random_state=0).fit(
            np.hstack([clf.extractor_.transform(X), X]), y, sample_weight=weights
        )
        np.testing.assert_array_equal(clf.estimator_.tree_.value, expected.tree_.value)

        # Each group holds duplicated rows of one label.  Folds that split a
        # group let the nearest training row give the held-out label away;
        # GroupKFold, fed the groups, keeps a group together.
        groups = np.repeat(np.arange(20), 4)
        X_dup = np.repeat(rng.normal(size=(20, 3)), 4, axis=0)
        y_dup = np.repeat(rng.randint(0, 2, size=20), 4)

        def wrong_out_of_fold(cv, **params):
            hybrid = HybridClassifier(
                LabelOfNearestRow(), RecordingClassifier(), passthrough=False, cv=cv
            ).fit(X_dup, y_dup, **params)
            return np.mean(np.round(hybrid.estimator_.X_seen_[:, 0]) != y_dup)

        assert wrong_out_of_fold(KFold(4, shuffle=True, random_state=0)) < 0.1
        assert 0.25 < wrong_out_of_fold(GroupKFold(n_splits=4), groups=groups) < 0.75
        grouped = HybridClassifier(
            LabelOfNearestRow(), DecisionTreeClassifier(random_state=0), cv=GroupKFold(2)
        )
        scores = cross_val_score(
            grouped, X_dup, y_dup, cv=GroupKFold(n_splits=2), params={"groups": groups}
        )
        assert scores.shape == (2,)
        # The parts the hybrid makes itself take the weights.
        routed = HybridClassifier().get_metadata_routing().route_params(
            caller="fit", params={"sample_weight": weights}
        )
        assert routed["extractor"]["fit"]["sample_weight"] is weights
        assert routed["estimator"]["fit"]["sample_weight"] is weights
    assert not sklearn.get_config()["enable_metadata_routing"]
    with pytest.raises(ValueError, match="enable_metadata_routing=True"):
        grouped.fit(X_dup, y_dup, groups=groups)


def test_class_weight_balanced_raises_minority_recall():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(600, 2))
    y = (X[:, 0] + rng.normal(scale=0.7, size=600) > 1.6).astype(int)  # ~8 % positives
    train, test = slice(0, 400), slice(400, None)

    def recall(class_weight):
        clf = HybridClassifier(
            NeuralFeatureExtractor(**SMALL), DecisionTreeClassifier(max_depth=2, random_state=0),
            cv=None, class_weight=class_weight,
        ).fit(X[train], y[train])
        return recall_score(y[test], clf.predict(X[test]))

    plain, balanced = recall(None), recall("balanced")
    assert balanced >= plain + 0.3, (plain, balanced)

    # Where the weights go: the extractor's sample weights, the estimator's
    # own class_weight (over the encoded classes the parts learn).
    labels = np.array(["no", "yes"])[y[train]]
    WeightRecorder.seen.clear()
    clf = HybridClassifier(
        WeightRecorder(), LogisticRegression(), cv=None, class_weight="balanced"
    ).fit(X[train], labels)
    given = WeightRecorder.seen[-1]
    assert given[labels == "no"].sum() == pytest.approx(given[labels == "yes"].sum())
    positives = np.mean(labels == "yes")
    assert clf.estimator_.class_weight == pytest.approx(
        {0: 0.5 / (1 - positives), 1: 0.5 / positives}
    )
    # "balanced" counts each class by its total sample weight.
    weights = np.where(labels == "yes", 3.0, 1.0)
    clf.fit(X[train], labels, sample_weight=weights)
    given = WeightRecorder.seen[-1]
    assert given[labels == "no"].sum() == pytest.approx(given[labels == "yes"].sum())
    clf.set_params(class_weight={"yes": 5}).fit(X[train], labels)
    assert set(WeightRecorder.seen[-1][labels == "yes"]) == {5.0}
    assert clf.estimator_.class_weight == {0: 1.0, 1: 5.0}
    with pytest.raises(ValueError, match=r"class_weight names classes \['maybe'\]"):
        clf.set_params(class_weight={"maybe": 2}).fit(X[train], labels)
    with pytest.raises(TypeError, match="extractor PCA to take class_weight or sample_weight"):
        HybridClassifier(PCA(1), class_weight="balanced").fit(X[train], labels)
