"""Insight miner, fourth review: planted truths the relation tests used to miss.

Each test plants the truth it checks (a target decided by whether a value is
missing, a copy of the target, a U-shaped relation, a date deciding the
target, clusters beside noise columns) and fails on the miner before the fix.
Noise stays quiet: pure noise columns must not become findings any more often
than the false-discovery control allows.
"""

import numpy as np
import pandas as pd
import pytest

from skdeepmine import InsightReport
from skdeepmine.insight._text import render_template


def _one(report, name):
    found = [i for i in report.insights if i.name == name]
    assert len(found) == 1, [i.name for i in report.insights]
    return found[0]


def _tests(report):
    return {t["column"]: t for t in _one(report, "related_features").evidence["tests"]}


def _churn_with_missing_income(seed=0, n=400):
    rng = np.random.default_rng(seed)
    churn = rng.random(n) < 0.3
    income = rng.lognormal(10, 0.4, n)
    income[churn & (rng.random(n) < 0.8)] = np.nan  # missing for 80% of churners only
    y = pd.Series(np.where(churn, "yes", "no"), name="churn")
    return pd.DataFrame({"income": income, "x": rng.normal(size=n)}), y, churn


# ------------------------------------------------------------ 1. missingness
def test_missingness_that_decides_the_target_is_a_related_feature():
    X, y, _ = _churn_with_missing_income()
    report = InsightReport.from_data(X, y, kinds=["data_quality", "relationships"],
                                     random_state=0)
    related = _one(report, "related_features")
    assert related.strength > 0.5, related.message  # was "No feature shows a relation"
    test = _tests(report)["income"]
    assert test["related"] and test["test"] == "missing" and test["q"] < 1e-10
    assert "where income is missing" in related.message
    assert "100% of the rows where income is missing" in related.message
    assert not _tests(report)["x"]["related"]
    # The missing-values finding no longer advises plain imputation, which
    # would erase the signal, in English and in Chinese.
    missing = _one(report, "missing_values")
    assert missing.evidence["missing_goes_with_target"] == {"income": ["churn"]}
    assert "add_indicator=True" in missing.message
    assert "add_indicator=True" in report.to_markdown(lang="zh")


def test_missingness_of_a_regression_feature_relates_by_rank_biserial():
    rng = np.random.default_rng(1)
    n = 300
    y = rng.normal(size=n)
    x = rng.normal(size=n)
    x[(y > 0.5) & (rng.random(n) < 0.7)] = np.nan
    report = InsightReport.from_data(pd.DataFrame({"x": x}), pd.Series(y, name="y"),
                                     kinds=["relationships"], random_state=0)
    test = _tests(report)["x"]
    assert test["related"] and test["test"] == "missing"
    assert test["measure"] == "rank-biserial r" and test["effect"] > 0.5  # missing: higher y


def test_a_copy_of_the_target_is_a_leak_not_the_top_relation():
    X, y, churn = _churn_with_missing_income()
    X["churn_copy"] = np.where(churn, "Y", "N")
    X["amount_paid_at_exit"] = np.where(churn, 100.0, 0.0) + np.random.default_rng(2).random(
        len(X))  # numeric and perfectly separating
    report = InsightReport.from_data(X, y, random_state=0)
    leak = _one(report, "target_leakage")
    assert set(leak.evidence["columns"]) == {"churn_copy", "amount_paid_at_exit"}
    assert leak.strength == 1.0 and "leakage" in leak.title
    related = _one(report, "related_features")
    assert related.template["title"][1]["top"] == ["income"]
    assert "possible leakage" in related.message
    for rule in (i for i in report.insights if i.name == "association_rule"):
        assert "churn_copy" not in rule.title and "amount_paid" not in rule.title
    assert "目标泄漏" in report.to_markdown(lang="zh")


def test_a_target_with_only_a_leak_gets_no_rule_and_no_claim_of_no_relation():
    rng = np.random.default_rng(4)
    n = 300
    churn = rng.random(n) < 0.3
    X = pd.DataFrame({"churn_copy": np.where(churn, "Y", "N"), "x": rng.normal(size=n)})
    report = InsightReport.from_data(X, pd.Series(np.where(churn, "yes", "no"), name="churn"),
                                     kinds=["relationships", "association_rules"],
                                     random_state=0)
    assert _one(report, "target_leakage").evidence["columns"] == ["churn_copy"]
    assert _one(report, "related_features").strength == 0
    rule = _one(report, "association_rule")
    assert rule.strength == 0 and "No feature is related" not in rule.message
    assert "churn_copy" in rule.message and "leakage" in rule.message


# -------------------------------------------------------- 2. not monotone
def test_u_shaped_class_relation_is_found_and_called_not_monotone():
    rng = np.random.default_rng(0)
    n = 400
    X = pd.DataFrame({"x": rng.normal(size=n), "noise": rng.normal(size=n)})
    y = pd.Series(np.where(np.abs(X.x) > 1, "yes", "no"), name="y")
    report = InsightReport.from_data(X, y, kinds=["relationships", "association_rules"],
                                     random_state=0)
    test = _tests(report)["x"]
    assert test["related"] and test["test"] == "bins" and test["q"] < 1e-10
    assert test["measure"] == "Cramer's V" and test["effect"] > 0.7
    assert not _tests(report)["noise"]["related"]
    related = _one(report, "related_features")
    assert "not monotone" in related.message
    # The bins show the U: high at both ends, low in the middle.
    rates = related.template["parts"][1][1]["contrast"][1]["values"]
    assert len(rates) == 5 and min(rates[0], rates[-1]) > 0.6 and rates[2] < 0.05
    assert "并非单调" in report.to_markdown(lang="zh")
    # The rule miner, gated on the relation tests, now sees x.
    assert any(i.strength > 0 for i in report.insights if i.name == "association_rule")


def test_x_squared_regression_is_found_and_called_not_monotone():
    rng = np.random.default_rng(0)
    n = 400
    X = pd.DataFrame({"x": rng.normal(size=n), "noise": rng.normal(size=n)})
    y = pd.Series(X.x ** 2 + rng.normal(0, 0.1, n), name="y")
    report = InsightReport.from_data(X, y, kinds=["relationships"], random_state=0)
    test = _tests(report)["x"]
    assert test["related"] and test["test"] == "bins"
    assert test["measure"] == "Kruskal-Wallis eta" and test["effect"] > 0.7
    assert "not monotone" in _one(report, "related_features").message


def test_a_monotone_relation_is_still_described_as_a_trend():
    rng = np.random.default_rng(3)
    n = 300
    x = rng.normal(size=n)
    for y in (pd.Series(x + rng.normal(0, 1, n), name="y"),
              pd.Series(np.where(x + rng.normal(0, 1, n) > 0, "a", "b"), name="y")):
        report = InsightReport.from_data(pd.DataFrame({"x": x}), y, kinds=["relationships"],
                                         random_state=0)
        test = _tests(report)["x"]
        assert test["related"] and test["test"] == "trend", test
        assert "not monotone" not in _one(report, "related_features").message


@pytest.mark.parametrize("task", ["binary", "classes", "regression"])
def test_noise_columns_stay_quiet_with_the_binned_and_missingness_tests(task):
    # Under the global null BH keeps P(any finding) at 5% or less: over 12
    # reports of 6 noise columns (some with values missing at random),
    # a handful with a finding would mean the extra tests leak.
    reports_with_finding = 0
    for seed in range(12):
        rng = np.random.default_rng(100 + seed)
        n = 200
        X = pd.DataFrame({f"n{j}": rng.normal(size=n) for j in range(6)})
        X.loc[rng.random(n) < 0.2, "n0"] = np.nan
        X.loc[rng.random(n) < 0.05, "n1"] = np.nan
        y = {"binary": rng.choice(["a", "b"], n, p=[0.8, 0.2]),
             "classes": rng.choice(["a", "b", "c"], n),
             "regression": rng.exponential(size=n)}[task]
        report = InsightReport.from_data(X, pd.Series(y, name="y"), kinds=["relationships"],
                                         random_state=seed)
        reports_with_finding += _one(report, "related_features").strength > 0
    assert reports_with_finding <= 2


# --------------------------------------------------------------- 3. dates
def test_a_datetime_column_is_mined_as_days_and_printed_as_dates():
    rng = np.random.default_rng(0)
    n = 400
    d = pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    y = pd.Series(np.where((d.month > 6) ^ (rng.random(n) < 0.1), "yes", "no"), name="churn")
    for column in (pd.Series(d), pd.Series(d).dt.tz_localize("Asia/Shanghai")):
        X = pd.DataFrame({"signup_date": column, "noise": rng.normal(size=n)})
        report = InsightReport.from_data(X, y, random_state=0)
        test = _tests(report)["signup_date"]
        assert test["column_kind"] == "numeric" and test["measure"] == "rank-biserial r"
        assert abs(test["effect"]) > 0.7, test  # was Cramer's V 0.15 over single dates
        related = _one(report, "related_features")
        assert "(>= 2023-" in related.message and "(<= 2023-" in related.message
        assert not [i for i in report.insights if i.name == "high_cardinality"
                    and i.strength > 0]
        assert "to_datetime" not in report.to_markdown()
        rules = [i.title for i in report.insights if i.name == "association_rule"]
        assert any("signup_date" in t and "2023-" in t for t in rules), rules


def test_a_timedelta_column_is_mined_as_a_duration():
    rng = np.random.default_rng(0)
    n = 300
    minutes = rng.integers(0, 600, n)
    X = pd.DataFrame({"dur": pd.to_timedelta(minutes, unit="m")})
    y = pd.Series(np.where(minutes + rng.normal(0, 60, n) > 300, "long", "short"), name="y")
    report = InsightReport.from_data(X, y, random_state=0)
    assert _tests(report)["dur"]["column_kind"] == "numeric"
    assert _tests(report)["dur"]["related"]
    assert "days" in _one(report, "related_features").message  # "0 days 05:02:00"
    text = report.to_markdown()
    assert "TargetEncoder" not in text and "High cardinality" not in text


# ------------------------------------------------------------- 8. clusters
def test_no_clusters_over_all_columns_does_not_claim_none_anywhere():
    rng = np.random.default_rng(0)
    n = 400
    centers = np.array([[0, 0], [6, 6], [0, 8]])
    label = rng.integers(0, 3, n)
    X = pd.DataFrame({"f1": centers[label, 0] + rng.normal(0, .5, n),
                      "f2": centers[label, 1] + rng.normal(0, .5, n)})
    for j in range(4):
        X[f"noise{j}"] = rng.normal(size=n)
    report = InsightReport.from_data(X, kinds=["structure"], random_state=0)
    clusters = _one(report, "clusters")
    # K-means over all six columns misses the clusters of two (silhouette 0.24):
    # the text must not claim there are none anywhere.
    assert clusters.strength == 0
    assert clusters.title == "No clusters across all of the scaled features together"
    assert "cluster those columns alone" in clusters.message
    title, message = render_template(clusters.template, "zh")
    assert "整体上没有簇" in title and "单独" in message


# ------------------------------------------------- the vectorised tests
def test_vectorised_binned_and_missingness_tests_match_scipy():
    from scipy import stats

    from skdeepmine.insight._stats import contingency_tests, quantile_codes, rank_group_tests

    rng = np.random.default_rng(0)
    n = 200
    y = np.round(rng.normal(size=n), 1)  # ties
    classes = rng.integers(0, 3, n)
    x = rng.normal(size=(n, 4))
    x[rng.random((n, 4)) < 0.2] = np.nan  # each column its own missing rows
    codes = quantile_codes(x, 5)
    p, _ = rank_group_tests(codes, y, 5)
    p_chi, v, valid = contingency_tests(codes, classes, 5)
    for j in range(4):
        known = codes[:, j] >= 0
        groups = [y[known & (codes[:, j] == b)] for b in range(5)]
        assert p[j] == pytest.approx(stats.kruskal(*groups).pvalue, rel=1e-9)
        table = pd.crosstab(codes[known, j], classes[known]).to_numpy()
        chi2, p_ref, df, _ = stats.chi2_contingency(table, correction=False)
        assert valid[j] and p_chi[j] == pytest.approx(p_ref, rel=1e-9)
        assert v[j] == pytest.approx(np.sqrt(max(0, chi2 - df) / (known.sum() * 2)))
    missing = np.isnan(x).astype(int)
    p, r = rank_group_tests(missing, y, 2)
    for j in range(4):
        ref = stats.mannwhitneyu(y[missing[:, j] == 1], y[missing[:, j] == 0],
                                 method="asymptotic", use_continuity=False)
        n1 = missing[:, j].sum()
        assert p[j] == pytest.approx(ref.pvalue, rel=1e-9)
        assert r[j] == pytest.approx(2 * ref.statistic / (n1 * (n - n1)) - 1)
