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
