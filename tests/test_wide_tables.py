"""Wide tables (few rows, thousands of columns): issue 9, item 17.

Speed itself is measured by benchmarks/bench_wide.py; these tests check the
mechanisms that make it fast give the right answers.
"""

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from skdeepmine.cli._compare import MAX_MODEL_FEATURES, pipeline
from skdeepmine.insight import InsightReport
from skdeepmine.insight._model import permutation_row_costs


class _CountingModel:
    """Predicts from column f0's sign (row by row) and counts predict calls."""

    _estimator_type = "classifier"

    def __init__(self):
        self.calls = 0

    def __sklearn_tags__(self):
        from sklearn.utils import Tags, TargetTags, ClassifierTags

        tags = Tags(estimator_type="classifier", target_tags=TargetTags(required=True))
        tags.classifier_tags = ClassifierTags()
        return tags

    def predict(self, X):
        self.calls += 1
        return np.where(np.asarray(X["f0"]) > 0, "yes", "no")


def _wide(n_columns, n_rows=60, seed=0):
    rng = np.random.RandomState(seed)
    X = pd.DataFrame(rng.normal(size=(n_rows, n_columns)),
                     columns=[f"f{j}" for j in range(n_columns)])
    y = np.where(X["f0"] > 0, "yes", "no")
    return X, y


def test_permutation_costs_are_the_one_by_one_costs_in_few_predict_calls():
    X, y = _wide(40)
    units = [[c] for c in X.columns[:30]] + [list(X.columns[30:])]
    model = _CountingModel()
    costs = permutation_row_costs(model, X, y, units, n_repeats=3, seed=0)
    # Reference: the same shuffles (same random stream), one predict each.
    rng = np.random.RandomState(0)
    base = (model.predict(X) != y).astype(float)
    expected = np.zeros_like(costs)
    for u, columns in enumerate(units):
        for _ in range(3):
            shuffled = X.copy()
            order = rng.permutation(len(y))
            shuffled[columns] = X[columns].to_numpy()[order]
            expected[u] += (model.predict(shuffled) != y) - base
    np.testing.assert_allclose(costs, expected / 3)
    assert costs[0].mean() > 0.3 and np.all(costs[1:] == 0)  # only f0 matters
    model.calls = 0
    permutation_row_costs(model, X, y, units, n_repeats=3, seed=0)
    assert model.calls <= 3, model.calls  # base + one batch, not 1 + 31 * 3


def test_report_models_on_wide_tables_see_the_screened_columns_inside_each_fold():
    X, y = _wide(MAX_MODEL_FEATURES + 200)
    model = pipeline(X, DecisionTreeClassifier(random_state=0)).fit(X, y)
    kept = model[:-1].get_feature_names_out()  # the columns the tree sees
    assert len(kept) == MAX_MODEL_FEATURES and "f0" in kept
    assert model.score(X, y) == 1.0
    narrow = pipeline(X.iloc[:, :50], DecisionTreeClassifier())
    assert "screen" not in narrow.named_steps  # normal tables: unchanged


def test_vectorised_quality_checks_find_the_planted_columns_among_wide_noise():
    X, y = _wide(600, n_rows=40)
    X["f1"] = 3.0  # constant
    X["f2"] = np.where(np.arange(40) < 39, 1.0, 2.0)  # near-constant (39/40)
    X.loc[[0, 5], "f3"] = np.nan  # all distinct, some missing: not constant
    X["f4"] = np.arange(40, dtype=float)  # row numbers
    X["f5"] = np.arange(40, dtype=float) * 2  # whole numbers, steps of 2
    X["customer_id"] = np.arange(1000, 1040, dtype=float)  # named identifier
    report = InsightReport.from_data(X, pd.Series(y, name="y"), kinds=["data_quality"],
                                     random_state=0)
    found = {i.name: i.evidence for i in report.insights if i.strength > 0}
    assert found["constant_columns"]["columns"] == ["f1"]
    assert list(found["near_constant_columns"]["top_value_share"]) == ["f2"]
    identifiers = next(i for i in report.insights if i.name == "identifier_columns")
    assert "customer_id" in identifiers.evidence["columns"]
    rows = [i.evidence["column"] for i in report.insights
            if i.name == "row_number_column" and i.strength > 0]
    assert rows == ["f4"]
