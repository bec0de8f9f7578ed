"""The hybrid's blend (issue 13): it follows whichever part wins, at about two network fits."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from skdeepmine.features import DenseNetworkClassifier, NeuralFeatureExtractor
from skdeepmine.hybrid import HybridClassifier, HybridRegressor
from skdeepmine.hybrid._blend import choose_weight, resolve_strategy

# A small network; with strategy="blend" given, as an extractor passed in
# resolves "auto" to the feature stacking.
NETWORK = dict(hidden_units=(32,), n_components=8, epochs=30, learning_rate=0.01,
               random_state=0)
TREES = dict(max_iter=30, random_state=0)


@pytest.fixture(autouse=True, scope="module")
def one_openmp_thread():
    with threadpool_limits(1, user_api="openmp"):
        yield


def thresholds_table(n=600, seed=0):
    """Label from axis-aligned thresholds and an XOR: trees find it, a small network less."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 12))
    y = np.where(X[:, 2] > 0, (X[:, 0] > 0.3) ^ (X[:, 1] > -0.2), X[:, 3] > 0.8).astype(int)
    return X, y


def oblique_table(n=600, seed=1):
    """Label from one oblique hyperplane through 12 columns: a network finds it, trees less."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 12))
    y = (X @ rng.normal(size=12) > 0).astype(int)
    return X, y


def held_out_accuracies(X, y):
    train, test = slice(0, 400), slice(400, None)
    hybrid = HybridClassifier(
        NeuralFeatureExtractor(**NETWORK), HistGradientBoostingClassifier(**TREES),
        strategy="blend", random_state=0,
    ).fit(X[train], y[train])
    network = hybrid.extractor_.network_
    trees = HistGradientBoostingClassifier(**TREES).fit(X[train], y[train])
    scores = {
        name: float(np.mean(model.predict(X[test]) == y[test]))
        for name, model in [("hybrid", hybrid), ("network", network), ("trees", trees)]
    }
    return hybrid, scores


def test_blend_follows_the_trees_where_they_win_and_the_network_where_it_wins():
    X, y = thresholds_table()
    hybrid, scores = held_out_accuracies(X, y)
    assert scores["trees"] > scores["network"] + 0.05  # the planted truth holds
    assert hybrid.network_weight_ <= 0.5
    assert hybrid.final_strategy_ in ("estimator", "blend")
    assert scores["hybrid"] >= scores["trees"] - 0.02
    # The old stacking of the same parts (out-of-fold deep features) trails the trees here.

    X, y = oblique_table()
    hybrid, scores = held_out_accuracies(X, y)
    assert scores["network"] > scores["trees"] + 0.03
    assert hybrid.network_weight_ >= 0.5
    assert hybrid.final_strategy_ in ("network", "blend")
    assert scores["hybrid"] >= scores["network"] - 0.02

    # What it predicts is the blend it reports: w * network + (1 - w) * trees.
    w = hybrid.network_weight_
    expected = (
        w * hybrid.extractor_.network_.predict_proba(X[:50])
        + (1 - w) * hybrid.estimator_.predict_proba(X[:50])
    )
    np.testing.assert_allclose(hybrid.predict_proba(X[:50]), expected, rtol=1e-6)
    np.testing.assert_array_equal(hybrid.predict(X[:50]), expected.argmax(axis=1))
    assert not hasattr(hybrid, "decision_function")  # no blended decision function
    # One network, trained for its epochs plus a fifth on all rows: not one per fold.
    assert hybrid.extractor_.network_.n_iter_ <= NETWORK["epochs"] * 6 // 5
    # An estimator passed in trains as it is set (only the default stops early).
    assert hybrid.estimator_.n_iter_ == TREES["max_iter"]
    assert hybrid.deep_importance_share_ == w
    np.testing.assert_array_equal(hybrid.get_feature_names_out(), [f"x{i}" for i in range(12)])


def test_default_hybrid_blends_and_given_extractors_keep_the_feature_stacking():
    X, y = oblique_table(n=200)
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    with warnings.catch_warnings():
        # The network trained on after the weighing once drew "X has feature
        # names, but DenseNetworkClassifier was fitted without feature names".
        warnings.simplefilter("error")
        hybrid = HybridClassifier(random_state=0).fit(frame, y)
        hybrid.predict_proba(frame)
    assert hybrid.final_strategy_ in ("blend", "network") and hybrid.network_weight_ >= 0.5
    assert hybrid.feature_names_in_.tolist() == frame.columns.tolist()
    # The blend's log-probabilities, though HistGradientBoosting has no
    # predict_log_proba of its own (the method was missing).
    np.testing.assert_allclose(
        hybrid.predict_log_proba(frame[:20]), np.log(hybrid.predict_proba(frame[:20]))
    )
    # Its network is DenseNetworkClassifier() with every default, seeded from
    # random_state as fit draws the parts' seeds; the blend's fifths of epochs
    # and warm start (_blend.py) do not stay in its parameters.
    network = hybrid.extractor_.network_
    assert type(network) is DenseNetworkClassifier
    seed = int(np.random.RandomState(0).randint(2**31 - 1, size=3)[0])
    assert network.get_params() == DenseNetworkClassifier(random_state=seed).get_params()
    # The network carries the blend, whose trees are then the default trees'
    # first fit: stopped early on the 40 held-out rows, its validation rows.
    trees = hybrid.estimator_
    assert trees.early_stopping is True and trees.n_iter_ < 100
    assert len(trees.validation_score_) == trees.n_iter_ + 1
    # Any other extractor, or no held-out rows, stacks the deep features as before.
    stacked = HybridClassifier(PCA(3), HistGradientBoostingClassifier(**TREES)).fit(X, y)
    assert (stacked.final_strategy_, stacked.network_weight_) == ("features", 0.0)
    assert stacked.get_feature_names_out()[:3].tolist() == ["deep0", "deep1", "deep2"]
    unfolded = HybridClassifier(cv=None)
    assert resolve_strategy(unfolded, HistGradientBoostingClassifier()) == "features"


@pytest.mark.parametrize(
    "params, problem",
    [
        (dict(extractor=PCA(2)), "an extractor with a network head"),
        (dict(passthrough=False), "passthrough=True"),
        (dict(cv=None), "cv"),
    ],
)
def test_blend_refuses_parts_it_cannot_blend(params, problem):
    X, y = oblique_table(n=60)
    hybrid = HybridClassifier(strategy="blend", **params)
    with pytest.raises(ValueError, match=f"strategy='blend' needs {problem}"):
        hybrid.fit(X, y)


def test_regressor_blend_is_in_the_targets_units():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 6))
    y = 100 + 30 * (X @ rng.normal(size=6))  # far from unit scale: the network learns it standardised
    hybrid = HybridRegressor(
        NeuralFeatureExtractor(**NETWORK), HistGradientBoostingRegressor(**TREES),
        strategy="blend", random_state=0,
    ).fit(X[:200], y[:200])
    assert hybrid.network_weight_ >= 0.5  # a linear target: the network wins
    error = np.sqrt(np.mean((hybrid.predict(X[200:]) - y[200:]) ** 2))
    trees = HistGradientBoostingRegressor(**TREES).fit(X[:200], y[:200])
    assert error < np.sqrt(np.mean((trees.predict(X[200:]) - y[200:]) ** 2))
    assert error < 0.3 * np.std(y)


def _held_out_predictions(n_only_network, n_only_trees, n=200):
    """Binary probabilities on ``n`` held-out rows: both parts right except on planted rows.

    Where one part alone is right it is so with 0.61 (the network) or 0.9 (the
    trees) against 0.38 or 0.2 for the other, so every network weight up to
    0.5 is exactly as accurate as the trees alone, and 0.6 loses the trees'
    rows.
    """
    y = np.arange(n) % 2
    network, trees = np.full(n, 0.61), np.full(n, 0.9)
    network[:n_only_trees] = 0.2
    trees[n_only_trees:n_only_trees + n_only_network] = 0.38
    as_proba = lambda right: np.where(y[:, None] == [0, 1], right[:, None], 1 - right[:, None])
    return as_proba(network), as_proba(trees), y


def test_blend_keeps_a_part_alone_where_it_is_right_on_clearly_more_held_out_rows():
    # The trees alone right on 60 held-out rows, the network alone on 10: the
    # weights 0 to 0.5 tie on accuracy, and the tie-break towards 0.5 used to
    # blend half of the clearly worse network in; McNemar's test keeps the trees.
    network, trees, y = _held_out_predictions(n_only_network=10, n_only_trees=60)
    assert choose_weight(network, trees, y, None, classifier=True) == 0.0
    assert choose_weight(trees, network, y, None, classifier=True) == 1.0  # roles swapped
    # 12 against 10 rows is no evidence: the weight is chosen on accuracy, and
    # among equal accuracies nearest 0.5, as before.
    network, trees, y = _held_out_predictions(n_only_network=10, n_only_trees=12)
    assert choose_weight(network, trees, y, None, classifier=True) == 0.5
    # A row of weight k counts as k rows (as repeating it would).
    network, trees, y = _held_out_predictions(n_only_network=10, n_only_trees=12)
    weights = np.ones(len(y))
    weights[:12] = 5  # the trees' 12 rows count as 60
    assert choose_weight(network, trees, y, weights, classifier=True) == 0.0

    # End to end: a network of 2 epochs far behind the default trees on thresholds.
    X, y = thresholds_table()
    weak = dict(NETWORK, epochs=2, learning_rate=0.001)
    hybrid = HybridClassifier(
        NeuralFeatureExtractor(**weak), strategy="blend", random_state=0
    ).fit(X, y)
    assert (hybrid.final_strategy_, hybrid.network_weight_) == ("estimator", 0.0)
    # The trees alone, refitted on every row with their own settings (not
    # the early stopping of their first fit): exactly HistGradientBoosting.
    trees = HistGradientBoostingClassifier().fit(X, y)
    assert hybrid.estimator_.n_iter_ == trees.n_iter_ == 100
    np.testing.assert_allclose(hybrid.predict_proba(X[:50]), trees.predict_proba(X[:50]))


def test_default_trees_train_without_early_stopping_when_a_class_is_only_held_out():
    # HistGradientBoosting refuses validation labels it has not trained on.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = np.r_[np.zeros(20), np.ones(19), [2]].astype(int)
    held = np.r_[0, 1, 20, 21, 39]  # class 2's only row is held out
    split = [(np.setdiff1d(np.arange(40), held), held)]
    tiny = dict(NETWORK, hidden_units=(4,), n_components=2, epochs=2)
    hybrid = HybridClassifier(
        NeuralFeatureExtractor(**tiny), cv=split, strategy="blend", random_state=0
    ).fit(X, y)
    assert hybrid.estimator_.early_stopping == "auto"
    assert hybrid.predict_proba(X).shape == (40, 3)


def test_default_network_stops_where_its_own_validation_loss_stops_falling():
    # Random labels: the default network's loss on its own validation rows is
    # lowest after the first fifth of its 50 epochs, so it stops after the
    # second with the weights of the first (it used to train all 50, and
    # then a fifth more on all rows where it weighed more).
    from sklearn.model_selection import train_test_split

    from skdeepmine.hybrid._blend import _network_stopping_early, network_input

    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(200, 20)), rng.randint(0, 2, 200)
    default = NeuralFeatureExtractor(target="classification", random_state=0)
    probe = HybridClassifier()
    probe.classes_ = np.array([0, 1])
    stopped = _network_stopping_early(probe, default, X, y, {}, seed=0)
    assert stopped.network_.n_iter_ == 20 and stopped.network_.epochs == 50
    fit_rows, _ = train_test_split(np.arange(200), test_size=0.1, random_state=0, stratify=y)
    first_fifth = NeuralFeatureExtractor(target="classification", epochs=10, random_state=0)
    first_fifth.fit(X[fit_rows], y[fit_rows])
    np.testing.assert_allclose(
        stopped.network_.predict_proba(network_input(stopped, X)),
        first_fifth.network_.predict_proba(network_input(first_fifth, X)), rtol=1e-5,
    )
    # End to end, the default hybrid's network stops early too: fewer than its
    # 50 epochs, counting the fifth on all rows where it weighs more.
    hybrid = HybridClassifier(random_state=0).fit(X, y)
    assert hybrid.extractor_.network_.n_iter_ < 50
    assert hybrid.extractor_.get_params()["epochs"] == 50


def test_zero_weight_rows_neither_train_nor_validate_the_default_network():
    # The default network's validation rows could all weigh nothing (its
    # weighted score then divided by zero); fitted on one label after
    # sample_weight trimming, the hybrid must say it needs two classes.
    from sklearn.utils.estimator_checks import check_classifiers_one_label_sample_weights

    for seed in range(4):  # the old code failed some of these splits
        check_classifiers_one_label_sample_weights(
            "HybridClassifier", HybridClassifier(random_state=seed)
        )


def test_default_hybrid_names_text_columns_and_refuses_images_before_training():
    # A category column reached the default network as pandas' "could not
    # convert string to float: 'green'"; 4-D images failed in
    # HistGradientBoosting ("Found array with dim 4") after the network trained.
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"x1": rng.normal(size=40),
                          "colour": pd.Categorical(rng.choice(["red", "green"], 40))})
    y = np.arange(40) % 2
    with pytest.raises(ValueError, match=r"default network reads numbers, and X has "
                                         r"non-numeric columns: \['colour'\]"):
        HybridClassifier().fit(frame, y)
    images = rng.uniform(size=(40, 6, 6, 3))
    with pytest.raises(ValueError, match=r"strategy='blend' \(what strategy='auto' chose\) "
                                         r"needs rows \(X holds samples of shape \(6, 6, 3\).*"
                                         r"passthrough=False"):
        HybridClassifier().fit(images, y)
