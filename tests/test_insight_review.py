"""Regressions from a new user's review of the insight report and the CLI."""

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

from skdeepmine.insight import InsightReport


def test_small_review_items_kinds_model_tiny_p_values_and_the_folds_message():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (X["a"] > 0).astype(int)
    # kinds=["model"], as the docs name the kind: the model findings alone.
    report = InsightReport.from_estimator(
        DecisionTreeClassifier(max_depth=2, random_state=0), X, y, kinds=["model"],
        n_repeats=2, random_state=0)
    assert report.insights and {i.kind for i in report.insights} == {"model"}
    # A p-value of ~1e-40 stays a positive number in the evidence (was rounded to 0.0).
    related = InsightReport.from_data(X, y, kinds=["relationships"], random_state=0)
    tests = next(i for i in related.insights if i.name == "related_features").evidence["tests"]
    a = next(t for t in tests if t["column"] == "a")
    assert 0 < a["p"] < 1e-20 and 0 < a["q"] < 1e-20
    # The folds message does not tell a user at --cv 2 to "use --cv 2".
    from skdeepmine.cli._load import InputError, check_folds

    with pytest.raises(InputError, match="too few for 2-fold") as error:
        check_folds(pd.Series([0, 1, 0]), "classification", 2, "y")
    assert "--cv 2" not in str(error.value) and "add data" in str(error.value)
    with pytest.raises(InputError, match="lower --cv"):
        check_folds(pd.Series([0, 1] * 4), "classification", 5, "y")


class _Quiet:
    def update(self, *args, **kwargs):
        pass

    item = update


def test_identical_rows_stay_in_one_fold_and_on_one_side_of_the_held_out_split():
    # Pure noise, every row sent twice: plain folds let a tree score on the
    # copies (the review's forest reached 0.83 balanced accuracy).
    from sklearn.tree import DecisionTreeClassifier as Tree

    from skdeepmine.cli._compare import cross_validate
    from skdeepmine.insight._duplicates import held_out_split

    rng = np.random.default_rng(0)
    half = pd.DataFrame(rng.normal(size=(150, 4)), columns=list("abcd"))
    X = pd.concat([half, half], ignore_index=True)
    y = pd.Series(np.tile(rng.choice(["p", "q"], 150), 2))
    table, results = cross_validate(X, y, "classification", {"tree": Tree(random_state=0)},
                                    cv=3, random_state=0, progress=_Quiet())
    assert table.attrs["duplicate_rows"] == 150
    assert np.mean(results["tree"]["scores"]["balanced_accuracy"]) < 0.6
    X_train, X_test, *_, repeated = held_out_split(X, y, test_size=0.25, random_state=0,
                                                   stratify=True)
    assert repeated == 150 and len(X_test) == 76
    assert not set(map(tuple, X_train.to_numpy())) & set(map(tuple, X_test.to_numpy()))
    report = InsightReport.from_estimator(Tree(random_state=0), X, y, kinds=["model"],
                                          n_repeats=1, random_state=0)
    assert "the 150 repeated rows kept on the same side" in report.summary["trained_on"]


def test_clusters_ignore_a_binary_column_and_a_few_extreme_rows():
    by_name = lambda report: {i.name: i for i in report.insights}  # noqa: E731
    rng = np.random.default_rng(0)
    blob = rng.integers(0, 3, 600)
    centres = np.array([[0, 0, 0], [6, 6, 0], [0, 6, 6]])
    X = pd.DataFrame(centres[blob] + rng.normal(size=(600, 3)), columns=["a", "b", "c"])
    X["flag"] = rng.choice(["Yes", "No"], 600)  # random: no structure
    found = by_name(InsightReport.from_data(X, kinds=["structure"], random_state=0))
    assert found["clusters"].evidence["k"] == 3  # was 6: each blob split by flag
    assert not any("flag" in t[1] for p in found["clusters"].evidence["profiles"]
                   for t in p["traits"])
    # A binary column is one PCA dimension: 3 continuous + 1, not + 2.
    assert found["principal_components"].evidence["n_features"] == 4
    # 5 of 300 noise rows with an entry error b = 1e6: outliers, not "2 strong clusters".
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    X.loc[:4, "b"] = 1e6
    found = by_name(InsightReport.from_data(X, kinds=["structure"], random_state=0))
    assert found["clusters"].strength == 0.0
    assert found["outliers"].evidence["n_outliers"] == 5


def test_a_chance_level_model_says_so_and_its_errors_rank_last():
    from sklearn.linear_model import LinearRegression

    from skdeepmine.insight._model import find_class_errors, find_regression_errors

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(400, 3)), columns=["a", "b", "c"])
    X["c1"] = rng.choice(["x", "y", "z"], 400)
    noise = rng.integers(0, 2, 400)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0)
    (errors,) = find_class_errors(tree.fit(X[["a", "b"]][:300], noise[:300]),
                                  X[["a", "b"]][300:], noise[300:])
    assert errors.evidence["at_chance"] and errors.strength <= 0.01
    assert errors.title.startswith("The model does no better than chance")
    low, high = errors.evidence["balanced_accuracy_interval"]
    assert low <= 0.5 <= high
    signal = ((X["a"] > 0) ^ (rng.random(400) < 0.1)).astype(int).to_numpy()
    (errors,) = find_class_errors(tree.fit(X[["a", "b"]][:300], signal[:300]),
                                  X[["a", "b"]][300:], signal[300:])
    assert not errors.evidence["at_chance"] and errors.title.startswith("Most errors on")
    target = rng.normal(size=400)
    model = LinearRegression().fit(X[["a", "b"]][:300], target[:300])
    (errors,) = find_regression_errors(model, X[["a", "b"]][300:], target[300:])
    assert errors.evidence["r2"] <= 0 and errors.strength <= 0.01
    assert errors.title.startswith("The model does no better than predicting the mean")
    # PCA counts a 3-level column as 2 dimensions (all 3 dummies add one of no variance).
    pca = next(i for i in InsightReport.from_data(X, kinds=["structure"], random_state=0)
               .insights if i.name == "principal_components")
    assert pca.evidence["n_features"] == 5
    assert min(pca.evidence["explained_variance_ratio"]) > 0.05


def test_identifiers_string_or_numeric_are_reported_and_mined_as_nothing_else():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"customer_id": np.arange(300), "order_ref": [f"R{i:04d}" for i in range(300)],
                      "tenure": rng.normal(size=300), "x": rng.normal(size=300),
                      "z": rng.normal(size=300)})
    y = pd.Series((X["tenure"] > 0).astype(int), name="churn")
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline

    # As the CLI does: the model's pipeline leaves the identifiers out.
    model = make_pipeline(make_column_transformer(("passthrough", ["tenure", "x", "z"])),
                          DecisionTreeClassifier(max_depth=2, random_state=0))
    report = InsightReport.from_estimator(
        model, X, y, n_repeats=2,
        kinds=["data_quality", "relationships", "structure"], random_state=0)
    found = {}
    for i in report.insights:
        found.setdefault(i.name, i)
    assert {"customer_id", "order_ref"} <= set(found["identifier_columns"].evidence["columns"])
    tested = {t["column"] for t in found["related_features"].evidence["tests"]}
    assert tested == {"tenure", "x", "z"}
    assert found["principal_components"].evidence["n_features"] == 3
    assert set(found["permutation_importance"].evidence["importances_mean"]) == {"tenure", "x", "z"}


def test_the_commands_summary_table_and_overview_are_translated():
    from skdeepmine.insight import Insight
    from skdeepmine.insight._plots import draw_overview

    finding = Insight(kind="model", name="n", strength=0.5, title="t", message="m")
    table = pd.DataFrame({"Rank": [1], "Model": ["Decision tree"],
                          "Balanced accuracy": ["0.5 ± 0.1"], "Fit time per fold (s)": ["0.1"]})
    summary = {"estimator": "Pipeline ending in DecisionTreeClassifier",
               "cross_validation": "3-fold stratified, the 4 repeated rows kept in the fold of "
                                   "their copies",
               "best_model": "Decision tree", "left_out_of_the_models": "编号 (identifiers)",
               "dropped_columns": "a", "held_out": [450, 150],
               "trained_on": "450 rows, judged on 150 held-out rows (the 300 repeated rows "
                             "kept on the same side as their copies)"}
    page = InsightReport([finding], summary=summary,
                         tables={"Model comparison": table}).to_html(lang="zh")
    for english in ["Pipeline ending", "fold", "Decision tree", "Left out", "identifiers",
                    "Dropped columns", "Model comparison", "Balanced accuracy", "Rank"]:
        assert english not in page, english
    for chinese in ["以 DecisionTreeClassifier 结尾的流水线", "3 折分层，4 个重复行与其副本留在同一折",
                    "决策树", "编号（标识符）", "模型比较", "平衡准确率",
                    "（300 个重复行与其副本留在同一侧）"]:
        assert chinese in page, chinese
    ax = draw_overview([finding], lang="zh")
    assert ax.get_xlabel() == "强度"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["模型"]
