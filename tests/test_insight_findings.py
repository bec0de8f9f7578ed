"""Each data miner on data built to contain (or to lack) what it looks for."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.preprocessing import FunctionTransformer

from skdeepmine.insight import InsightReport


def findings(X, y=None, *, kinds, **params):
    """Findings by name (each name maps to the list of its findings).

    Only what was found: "checked, nothing found" outcomes (strength 0) are
    left out.
    """
    report = InsightReport.from_data(X, y, kinds=kinds, random_state=0, **params)
    by_name = {}
    for insight in report.found:
        by_name.setdefault(insight.name, []).append(insight)
    return by_name


def clean_frame(n=200, seed=0):
    rng = np.random.RandomState(seed)
    return pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])


# ---------------------------------------------------------------- data quality
def test_missing_values_are_reported_with_their_share():
    X = clean_frame()
    X.loc[:39, "b"] = np.nan  # 40 of 200 rows
    X.loc[0, "c"] = np.inf
    found = findings(X, kinds=["data_quality"])["missing_values"][0]
    assert found.evidence["missing_share"] == {"b": 0.2, "c": 0.005}
    assert found.evidence["infinite_count"] == {"c": 1}
    assert found.evidence["rows_with_missing"] == 40
    assert found.strength == pytest.approx(0.2)


def test_complete_data_reports_no_missing_values():
    assert "missing_values" not in findings(clean_frame(), kinds=["data_quality"])


def test_constant_and_near_constant_columns_are_told_apart():
    X = clean_frame()
    X["flat"] = 3.0
    X["almost"] = 0.0
    X.loc[:5, "almost"] = 1.0  # 194 of 200 rows share one value: 97%
    found = findings(X, kinds=["data_quality"])
    assert found["constant_columns"][0].evidence["columns"] == ["flat"]
    assert found["constant_columns"][0].strength == 1.0
    near = found["near_constant_columns"][0]
    assert near.evidence["top_value_share"] == {"almost": pytest.approx(0.97)}
    assert near.strength == pytest.approx((0.97 - 0.95) / 0.05)


def test_a_planted_duplicate_row_is_reported_with_its_original():
    X = clean_frame()
    X.iloc[7] = X.iloc[2]
    found = findings(X, kinds=["data_quality"])["duplicate_rows"][0]
    assert found.evidence["n_duplicates"] == 1
    assert found.evidence["examples"] == [[2, 7]]
    assert "row 7 repeats row 2" in found.message


def test_duplicates_with_different_targets_are_counted_as_conflicts():
    X = clean_frame()
    X.iloc[7] = X.iloc[2]
    X.iloc[9] = X.iloc[3]
    y = np.zeros(len(X), dtype=int)
    y[7] = 1  # row 7 repeats row 2 with another label; row 9 agrees with row 3
    found = findings(X, y, kinds=["data_quality"])["duplicate_rows"][0]
    assert found.evidence["n_duplicates"] == 2
    assert found.evidence["conflicting_targets"] == {"target": 1}


def test_rows_differing_only_in_missing_positions_are_not_duplicates():
    X = clean_frame()
    X.iloc[7] = X.iloc[2]
    X.loc[7, "a"] = np.nan
    assert "duplicate_rows" not in findings(X, kinds=["data_quality"])


def test_identifier_column_is_high_cardinality_and_a_few_levels_are_not():
    X = clean_frame()
    X["customer"] = [f"C{i:04d}" for i in range(len(X))]
    X["colour"] = np.tile(["red", "green", "blue", "grey"], len(X) // 4)
    found = findings(X, kinds=["data_quality"])
    reported = found.get("identifier_columns", []) + found.get("high_cardinality", [])
    text = " ".join(f.title + f.message for f in reported)
    assert "customer" in text and "colour" not in text


def test_date_columns_get_date_advice_rather_than_identifier_advice():
    X = clean_frame()
    X["when"] = pd.date_range("2024-01-01", periods=len(X), freq="h").astype(str)
    found = findings(X, kinds=["data_quality"])["high_cardinality"][0]
    assert "pandas.to_datetime" in found.message
    assert "identifier" not in found.message


def test_a_saved_index_column_is_reported_as_row_numbers():
    X = clean_frame()
    X.insert(0, "Unnamed: 0", np.arange(len(X)))
    X["count"] = np.random.RandomState(0).randint(0, 10, len(X))
    found = findings(X, kinds=["data_quality"])["row_number_column"]
    assert [f.evidence["column"] for f in found] == ["Unnamed: 0"]


# ---------------------------------------------------------------------- target
def test_class_imbalance_names_the_balanced_class_weight_remedy():
    X = clean_frame()
    y = np.array(["churn"] * 20 + ["stay"] * 180)
    found = findings(X, y, kinds=["target"])["class_imbalance"][0]
    assert found.evidence["class_counts"] == {"stay": 180, "churn": 20}
    assert found.evidence["remedy"] == {"class_weight": "balanced"}
    assert 'class_weight="balanced"' in found.message
    assert found.strength == pytest.approx(1 - 20 / 180)


@pytest.mark.parametrize("counts", [(100, 100), (34, 33, 33), (60, 50, 45)])
def test_balanced_classes_report_no_imbalance(counts):
    y = np.repeat(np.arange(len(counts)), counts)
    X = clean_frame(n=len(y))
    assert "class_imbalance" not in findings(X, y, kinds=["target"])


def test_right_skewed_positive_target_gets_the_log_remedy():
    rng = np.random.RandomState(0)
    X = clean_frame(n=500)
    y = rng.lognormal(sigma=1.0, size=500)
    found = findings(X, y, kinds=["target"])["skewed_target"][0]
    assert found.evidence["skewness"] > 1
    assert found.evidence["remedy"] == "log1p"
    assert "np.log1p" in found.message


def test_skewed_target_with_negative_values_gets_yeo_johnson():
    rng = np.random.RandomState(0)
    X = clean_frame(n=500)
    y = -rng.exponential(size=500) + 0.5  # left tail, negative values
    found = findings(X, y, kinds=["target"])["skewed_target"][0]
    assert found.evidence["skewness"] < -1
    assert found.evidence["remedy"] == "yeo-johnson"


def test_symmetric_regression_target_is_not_skewed():
    X = clean_frame(n=500)
    y = np.random.RandomState(1).normal(size=500)
    assert "skewed_target" not in findings(X, y, kinds=["target"])


def test_missing_target_values_are_reported_and_left_out():
    X = clean_frame()
    y = np.where(np.arange(200) < 150, "a", "b").astype(object)
    y[:10] = None
    found = findings(X, y, kinds=["data_quality", "target"])
    assert found["missing_target"][0].evidence["n_missing"] == 10
    assert found["class_imbalance"][0].evidence["class_counts"] == {"a": 140, "b": 50}


# --------------------------------------------------------------- relationships
def test_the_feature_that_drives_the_target_is_related_and_noise_is_not():
    X = clean_frame(n=400)
    # One label in ten flipped: c drives y without determining it (a feature
    # that determines the target is reported as a possible leak instead).
    flip = np.random.RandomState(5).rand(400) < 0.1
    y = ((X["c"] > 0) ^ flip).astype(int).to_numpy()
    found = findings(X, y, kinds=["relationships"])["related_features"][0]
    tests = {t["column"]: t for t in found.evidence["tests"]}
    assert [c for c, t in tests.items() if t["related"]] == ["c"]
    assert tests["c"]["measure"] == "rank-biserial r"
    assert tests["c"]["effect"] > 0.7  # y = 1 mostly when c is high
    assert found.title == "Features related to target: c"


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_noise_features_show_no_relationship(task):
    rng = np.random.RandomState(0)
    X = clean_frame(n=500)
    X["k"] = rng.choice(["p", "q", "r"], size=500)
    y = rng.randint(0, 2, 500) if task == "classification" else rng.normal(size=500)
    report = InsightReport.from_data(X, y, kinds=["relationships"], random_state=0)
    related = next(i for i in report.insights if i.name == "related_features")
    assert related.strength == 0.0
    assert related.title == "No feature shows a relation to target"


def test_kruskal_wallis_effect_of_noise_does_not_grow_with_the_number_of_classes():
    # 19 classes of 10 rows (an integer score read as classes): noise columns
    # averaged an effect of 0.29 and 45% of them read "moderate" (>= 0.3).
    rng = np.random.RandomState(0)
    y = np.repeat(np.arange(19), 10)
    X = pd.DataFrame(rng.normal(size=(190, 60)), columns=[f"n{i}" for i in range(60)])
    X["signal"] = y + rng.normal(scale=4.0, size=190)  # rank correlation ~0.8 with y
    found = findings(X, y, kinds=["relationships"], task="classification")
    tests = {t["column"]: t for t in found["related_features"][0].evidence["tests"]}
    noise = np.array([tests[f"n{i}"]["effect"] for i in range(60)])
    assert noise.mean() < 0.15 and np.mean(noise >= 0.3) < 0.1
    assert tests["n0"]["measure"] == "Kruskal-Wallis eta"
    assert [c for c, t in tests.items() if t["related"]] == ["signal"]
    assert tests["signal"]["effect"] > 0.5  # strong, as rho ~0.8 would read


def test_categorical_feature_and_regression_target_use_kruskal_wallis():
    rng = np.random.RandomState(0)
    X = clean_frame(n=400)
    X["shop"] = rng.choice(["north", "south", "east"], size=400)
    y = X["shop"].map({"north": 10.0, "south": 20.0, "east": 30.0}) + rng.normal(size=400)
    found = findings(X, y, kinds=["relationships"])["related_features"][0]
    top = found.evidence["tests"][0]
    assert top["column"] == "shop" and top["measure"] == "Kruskal-Wallis eta"
    assert top["effect"] > 0.9
    assert "median target 30 for shop = east vs 10 for shop = north" in found.message.replace(
        "30.1", "30").replace("30.0", "30").replace("9.95", "10").replace("10.1", "10") or (
        "for shop = east vs" in found.message and "for shop = north" in found.message)


def test_monotone_twins_and_recoded_categories_are_redundant_pairs():
    X = clean_frame()
    X["exp_a"] = np.exp(X["a"])  # nonlinear but monotone: Spearman sees it
    X["state"] = np.tile(["Ohio", "Utah", "Iowa", "Maine"], 50)
    X["code"] = X["state"].map({"Ohio": "OH", "Utah": "UT", "Iowa": "IA", "Maine": "ME"})
    found = findings(X, kinds=["relationships"])["redundant_features"][0]
    pairs = {(p["a"], p["b"]): p for p in found.evidence["pairs"]}
    assert set(pairs) == {("a", "exp_a"), ("state", "code")}
    assert pairs[("a", "exp_a")]["association"] == pytest.approx(1.0)
    assert pairs[("state", "code")]["measure"] == "cramer_v"
    assert "q <= 2e-123):" in found.message  # the larger q of the two pairs


def test_a_q_value_below_the_smallest_float_reads_q_below_1e_300():
    X = clean_frame()
    X["twice_a"] = 2 * X["a"] + 1e-9 * X["b"]  # q underflows: it read "q <= <1e-300"
    found = findings(X, kinds=["relationships"])["redundant_features"][0]
    assert "(association at least 0.90, q < 1e-300): a ~ twice_a." in found.message


def test_independent_features_are_not_redundant():
    assert "redundant_features" not in findings(clean_frame(), kinds=["relationships"])


# ----------------------------------------------------------- association rules
def planted_rule_data():
    """200 rows: colour=red (60 rows) has outcome=yes in 54 of them (90%).

    Over the other 140 rows outcome=yes in 28 (20%), so
    support = 54 / 200, confidence = 0.9, lift = 0.9 / (82 / 200).
    """
    colour = np.array(["red"] * 60 + ["blue"] * 70 + ["green"] * 70)
    outcome = np.array(
        ["yes"] * 54 + ["no"] * 6 + (["yes"] * 14 + ["no"] * 56) * 2
    )
    noise = np.random.RandomState(0).normal(size=200)
    return pd.DataFrame({"colour": colour, "noise": noise}), pd.Series(outcome, name="outcome")


def test_a_planted_association_rule_is_found_with_its_support_and_confidence():
    X, y = planted_rule_data()
    rules = findings(X, y, kinds=["association_rules"])["association_rule"]
    rule = next(r for r in rules if r.evidence["consequent"] == "outcome = yes")
    assert rule.evidence["antecedents"] == ["colour = red"]
    assert rule.evidence["support"] == pytest.approx(54 / 200)
    assert rule.evidence["confidence"] == pytest.approx(0.9)
    assert rule.evidence["lift"] == pytest.approx(0.9 / (82 / 200))
    assert rule.title == "When colour = red, then outcome = yes"
    # certainty (0.9 - 0.41) / (1 - 0.41) times recall 54 / 82
    assert rule.strength == pytest.approx((0.9 - 0.41) / 0.59 * 54 / 82)


def planted_rule_found(**params):
    X, y = planted_rule_data()
    rules = findings(X, y, kinds=["association_rules"], **params).get("association_rule", [])
    return any(r.title == "When colour = red, then outcome = yes" for r in rules)


def test_rules_below_min_support_or_min_confidence_are_not_reported():
    assert planted_rule_found(min_support=0.25, min_confidence=0.85)
    assert not planted_rule_found(min_support=0.3)  # support is 0.27
    assert not planted_rule_found(min_confidence=0.95)  # confidence is 0.9


def test_rules_bin_numeric_features_and_regression_targets_into_quantiles():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"size": rng.uniform(0, 90, size=300), "noise": rng.normal(size=300)})
    # Noise enough that size does not determine price (Spearman 0.97; from
    # 0.98 on, a feature is reported as a possible leak and makes no rule).
    y = pd.Series(X["size"] * 2 + rng.normal(0, 12, size=300), name="price")
    rules = findings(X, y, kinds=["association_rules"])["association_rule"]
    top = rules[0]
    assert len(top.evidence["antecedents"]) == 1
    assert top.evidence["antecedents"][0].startswith(("size <", "size >="))
    assert top.evidence["consequent"].startswith(("price <", "price >="))
    assert top.evidence["confidence"] > 0.85  # the noise blurs the bins' edges


def test_independent_data_yields_no_rules():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.choice(["x", "y"], 400), "b": rng.normal(size=400)})
    y = rng.choice(["p", "q"], 400)
    assert "association_rule" not in findings(X, y, kinds=["association_rules"], min_confidence=0.7)


# ------------------------------------------------------------------- structure
def test_three_planted_blobs_are_found_as_three_clusters():
    X, labels = make_blobs(n_samples=300, centers=3, n_features=4, random_state=0,
                           cluster_std=0.5)
    found = findings(X, labels, kinds=["structure"])["clusters"][0]
    assert found.evidence["k"] == 3
    assert found.evidence["silhouette"] > 0.7
    assert found.evidence["target_agreement"]["ari"] == pytest.approx(1.0)


def test_noise_has_no_clusters():
    X = np.random.RandomState(0).uniform(size=(400, 2))
    assert "clusters" not in findings(X, kinds=["structure"])


def test_clusters_in_deep_features_come_from_the_fitted_extractor():
    # The raw columns are noise; the extractor's output holds three blobs.
    blobs, _ = make_blobs(n_samples=300, centers=3, n_features=2, random_state=0,
                          cluster_std=0.3)
    noise = np.random.RandomState(1).uniform(size=(300, 2))
    X = np.hstack([noise, blobs])
    extractor = FunctionTransformer(lambda Z: Z[:, 2:]).fit(X)
    found = findings(X, kinds=["structure"], extractor=extractor)
    assert found["deep_clusters"][0].evidence["k"] == 3
    assert found["deep_clusters"][0].evidence["space"] == "deep"


def test_pca_counts_the_components_for_ninety_percent_of_the_variance():
    rng = np.random.RandomState(0)
    latent = rng.normal(size=(300, 2))
    X = latent @ rng.normal(size=(2, 10)) + 0.01 * rng.normal(size=(300, 10))
    found = findings(X, kinds=["structure"])["principal_components"][0]
    assert found.evidence["n_components"] == 2
    assert found.strength == pytest.approx(0.8)


def test_planted_extreme_rows_are_the_outliers():
    X = np.random.RandomState(0).normal(size=(1000, 5))
    X[[10, 500, 900], 2] = 50.0
    found = findings(X, kinds=["structure"])["outliers"][0]
    assert found.evidence["rows"] == [10, 500, 900]
    assert found.evidence["per_column"] == {"x2": 3}


def test_gaussian_data_has_no_outliers():
    X = np.random.RandomState(0).normal(size=(1000, 5))
    assert "outliers" not in findings(X, kinds=["structure"])


def test_pca_chart_ticks_are_whole_components():
    rng = np.random.RandomState(0)
    latent = rng.normal(size=(200, 1))
    X = latent @ rng.normal(size=(1, 3)) + 0.01 * rng.normal(size=(200, 3))
    found = findings(X, kinds=["structure"])["principal_components"][0]
    assert found.chart["x"] == [1, 2, 3]
    ticks = [t for t in found.plot().get_xticks() if 1 <= t <= 3]
    assert ticks == [1, 2, 3]
