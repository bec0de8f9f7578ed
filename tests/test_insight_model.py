"""Findings about fitted models: importance, errors, and the hybrid's deep features."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.tree import DecisionTreeClassifier

from skdeepmine.insight import InsightReport, InsightReporter


def model_findings(estimator, X, y, **params):
    report = InsightReport.from_estimator(
        estimator, X, y, kinds=[], n_repeats=3, random_state=0, **params
    )
    return {i.name: i for i in report.insights if i.kind == "model"}, report


def signal_data(n=300):
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["noise1", "signal", "noise2", "noise3"])
    y = (X["signal"] > 0).astype(int)
    return X, y


def test_permutation_importance_puts_the_signal_first_and_flags_unused_features():
    X, y = signal_data()
    found, _ = model_findings(LogisticRegression(), X, y)
    importance = found["permutation_importance"]
    assert list(importance.evidence["importances_mean"])[0] == "signal"
    assert importance.evidence["importances_mean"]["signal"] > 0.3
    assert "noise1" in importance.message.split("Shuffling", 1)[1]
    assert importance.evidence["n_rows"] == 75  # the held-out quarter


def test_class_errors_match_sklearns_confusion_matrix():
    X, y = signal_data()
    y = np.where(X["signal"] > 0.5, "high", np.where(X["signal"] < -0.5, "low", "mid"))
    model = DummyClassifier(strategy="most_frequent").fit(X, y)
    found, _ = model_findings(model, X, y)
    errors = found["class_errors"]
    labels = ["high", "low", "mid"]
    assert errors.evidence["classes"] == labels
    expected = confusion_matrix(y, model.predict(X), labels=labels)
    assert errors.evidence["confusion_matrix"] == expected.tolist()
    # Always predicting the majority ("mid") misses every other class.
    assert errors.evidence["error_rate"]["high"] == 1.0
    assert errors.evidence["error_rate"]["mid"] == 0.0
    # Always the majority: chance level, said plainly and ranked last.
    assert errors.evidence["at_chance"] and errors.strength == 0.01


def test_a_perfect_regressor_leaves_no_unexplained_variance():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    found, _ = model_findings(LinearRegression(), X, y)
    assert found["regression_errors"].evidence["r2"] == pytest.approx(1.0)
    assert found["regression_errors"].strength == pytest.approx(0.0, abs=1e-9)


def test_unfitted_estimator_is_cloned_and_fitted_on_three_quarters():
    X, y = signal_data()
    tree = DecisionTreeClassifier(random_state=0)
    _, report = model_findings(tree, X, y)
    assert not hasattr(tree, "tree_")  # the caller's estimator is left alone
    assert report.summary["trained_on"] == "225 rows, judged on 75 held-out rows"


def test_fitted_estimator_is_judged_on_the_rows_given():
    X, y = signal_data()
    tree = DecisionTreeClassifier(random_state=0).fit(X[:200], y[:200])
    before = clone(tree).fit(X[:200], y[:200]).tree_.node_count
    found, report = model_findings(tree, X[200:], y[200:])
    assert report.summary["trained_on"] == "as given (already fitted)"
    assert found["permutation_importance"].evidence["n_rows"] == 100
    assert tree.tree_.node_count == before


def test_from_estimator_needs_a_target():
    with pytest.raises(ValueError, match="needs the target"):
        InsightReport.from_estimator(LogisticRegression(), np.ones((10, 2)), None)


# ------------------------------------------------------- Keras-backed models
FAST_NETWORK = dict(n_components=4, epochs=3, random_state=0)


def test_hybrid_reports_its_deep_share_and_its_deep_features_are_mined():
    from skdeepmine.features import NeuralFeatureExtractor
    from skdeepmine.hybrid import HybridClassifier

    X, y = signal_data(n=160)
    hybrid = HybridClassifier(extractor=NeuralFeatureExtractor(**FAST_NETWORK),
                              estimator=DecisionTreeClassifier(random_state=0))
    hybrid.fit(X[:120], y[:120])
    found, report = model_findings(hybrid, X[120:], y[120:])
    share = found["deep_vs_raw_importance"]
    assert share.evidence["deep_importance_share"] == pytest.approx(hybrid.deep_importance_share_)
    assert share.evidence["raw_importance_share"] == pytest.approx(hybrid.raw_importance_share_)
    assert share.evidence["n_deep_features"] == 4
    assert report.summary["deep_features"] == 4


def test_blending_hybrid_reports_its_networks_weight_not_deep_features(tmp_path):
    from skdeepmine.features import NeuralFeatureExtractor
    from skdeepmine.hybrid import HybridClassifier

    X, y = signal_data(n=160)
    hybrid = HybridClassifier(NeuralFeatureExtractor(**FAST_NETWORK),
                              DecisionTreeClassifier(random_state=0), strategy="blend",
                              random_state=0).fit(X[:120], y[:120])
    found, report = model_findings(hybrid, X[120:], y[120:])
    # The blend's trees see the raw features only: the finding once said they
    # put the network's weight "of their reliance on the 4 deep features".
    assert "deep_vs_raw_importance" not in found
    weight = found["network_weight"]
    w = hybrid.network_weight_
    assert weight.evidence["network_weight"] == pytest.approx(w)
    assert weight.strength == pytest.approx(w)
    assert f"{round(100 * w)}%" in weight.title and "deep" not in weight.message
    assert "DecisionTreeClassifier" in weight.message and "probabilities" in weight.message
    verdict = ("network alone" if w == 1 else "DecisionTreeClassifier alone" if w == 0
               else "does not show that each part adds accuracy")
    assert verdict in weight.message
    report.to_html(tmp_path / "zh.html", lang="zh")
    assert "网络承载了混合模型" in (tmp_path / "zh.html").read_text(encoding="utf-8")


def test_a_blend_weight_from_a_tie_is_not_called_evidence_that_both_parts_help():
    # Parts that predict the same classes on the held-out rows tie at every
    # weight and get 50%: the finding once said "Both parts contribute".
    from skdeepmine.hybrid._blend import choose_weight
    from skdeepmine.insight._model import find_blend_weight

    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 40)
    network = np.where(np.eye(2)[y] == 1, 0.9, 0.1)  # right on every row
    estimator = np.where(np.eye(2)[y] == 1, 0.7, 0.3)  # the same classes, less sure
    weight = choose_weight(network, estimator, y, None, classifier=True)
    assert weight == 0.5

    class Blend:  # what the finding reads of a fitted blending hybrid
        network_weight_, final_strategy_ = weight, "blend"
        estimator_ = DecisionTreeClassifier()

        def predict_proba(self, X):
            raise AssertionError("not called")

    finding = find_blend_weight(Blend())[0]
    assert "Both parts contribute" not in finding.message
    assert "does not show that each part adds accuracy" in finding.message
    del Blend.predict_proba  # a regressor: a middle weight beat both parts' errors
    assert "both parts contribute" in find_blend_weight(Blend())[0].message


def test_reporter_fits_a_clone_of_an_unfitted_extractor():
    from skdeepmine.features import NeuralFeatureExtractor

    X, y = signal_data(n=120)
    extractor = NeuralFeatureExtractor(**FAST_NETWORK)
    reporter = InsightReporter(kinds=["structure"], extractor=extractor, random_state=0)
    reporter.fit(X, y)
    assert not hasattr(extractor, "model_")
    assert reporter.extractor_.transform(X).shape == (120, 4)
    assert reporter.report_.summary["deep_features"] == 4


def test_a_frozen_extractor_survives_cloning_and_is_not_refitted():
    from sklearn.decomposition import PCA
    from sklearn.frozen import FrozenEstimator

    X, y = signal_data(n=120)
    pca = PCA(n_components=2).fit(X[:60])
    components = pca.components_.copy()
    reporter = clone(InsightReporter(kinds=["structure"], extractor=FrozenEstimator(pca)))
    reporter.fit(X, y)
    assert reporter.extractor_.estimator is pca
    np.testing.assert_array_equal(pca.components_, components)
    assert reporter.report_.summary["deep_features"] == 2


def test_permutation_importance_on_pure_noise_relies_on_nothing_but_finds_a_real_driver():
    # The review's pure-noise tables (tmp review: 8 of 20 said "relies on"):
    # the interval must cover the finite held-out rows, not only the shuffles.
    from skdeepmine.insight._model import find_permutation_importance

    hits = 0
    for seed in range(8):
        rng = np.random.default_rng(seed)
        X = pd.DataFrame(rng.normal(size=(400, 5)), columns=[f"n{i}" for i in range(5)])
        y = rng.integers(0, 2, 400)
        tree = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X[:300], y[:300])
        (found,) = find_permutation_importance(tree, X[300:], y[300:], n_repeats=5, seed=0)
        hits += bool(found.evidence["relied"])
        # No lead ending in "interval:" followed by nothing listed (the review's
        # garbled "Checked" line).
        assert "interval" not in found.message.split(".")[0] or found.evidence["relied"]
        assert found.title.startswith("No single feature") == (not found.evidence["relied"])
    assert hits == 0
    # A planted driver (10% of labels flipped) is still relied on, and only it.
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(400, 5)), columns=[f"n{i}" for i in range(5)])
    y = ((X["n2"] > 0) ^ (rng.random(400) < 0.1)).astype(int)
    tree = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X[:300], y[:300])
    (found,) = find_permutation_importance(tree, X[300:], y[300:], n_repeats=5, seed=0)
    assert found.evidence["relied"] == ["n2"]
    assert found.evidence["q_values"]["n2"] < 1e-6
    assert found.title == "The model relies most on n2"
