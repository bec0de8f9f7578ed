"""
=======================================================
Decision tree, neural network and hybrid on a CSV table
=======================================================

A decision tree cuts the feature space with axis-parallel splits; a neural
network fits smooth, oblique boundaries.  :class:`~skdeepmine.HybridClassifier`
gives a tree both: the features a network learned (``extractor``) next to the
raw columns (``passthrough=True``).  This example compares the three on the
same cross-validation splits of a table read from a CSV file.
"""

# %%
# A table with a ``target`` column
# --------------------------------
# The example writes its own CSV file.  The class depends on two kinds of
# structure: an oblique boundary, the sign of ``x0 + x1 + x2 - x3`` (blurred
# by noise), which a tree can only approximate with a staircase of splits;
# and a local rule, ``x4 > 1 and x5 < 0`` flips the class, which a tree
# finds in two splits.  ``x6`` and ``x7`` are noise.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.tree import DecisionTreeClassifier

from skdeepmine import DenseNetworkClassifier, HybridClassifier, NeuralFeatureExtractor

rng = np.random.RandomState(0)
n_rows = 600
values = rng.normal(size=(n_rows, 8))
oblique = values[:, 0] + values[:, 1] + values[:, 2] - values[:, 3]
target = (oblique + 0.5 * rng.normal(size=n_rows) > 0).astype(int)
rule = (values[:, 4] > 1) & (values[:, 5] < 0)
target[rule] = 1 - target[rule]

table = pd.DataFrame(values.round(3), columns=[f"x{i}" for i in range(8)])
table["target"] = target
csv_path = Path(tempfile.mkdtemp(prefix="skdeepmine-")) / "table.csv"
table.to_csv(csv_path, index=False)

# %%
# Reading it back, as one would read any CSV file:
data = pd.read_csv(csv_path)
X, y = data.drop(columns="target"), data["target"]
data.head()

# %%
# Four models, the same splits
# ----------------------------
# * a decision tree of depth 5;
# * :class:`~skdeepmine.DenseNetworkClassifier`, a dense network that
#   standardises its raw inputs itself;
# * :class:`~skdeepmine.HybridClassifier`: a
#   :class:`~skdeepmine.NeuralFeatureExtractor` learns 4 features supervised
#   by ``y``, and the same depth-5 tree is trained on those 4 features plus
#   the 8 raw columns.  It comes twice, differing only in ``cv``: with
#   ``cv=None`` the tree learns on the features of the one network fitted on
#   all its training rows; with ``cv=5`` on out-of-fold features, each row
#   embedded by a network that did not see it (six network fits instead of
#   one).
#
# Epochs are kept small so the example runs in seconds.
tree = DecisionTreeClassifier(max_depth=5, random_state=0)


def hybrid(cv):
    extractor = NeuralFeatureExtractor(
        n_components=4, hidden_units=(32,), epochs=20, random_state=0
    )
    return HybridClassifier(extractor, tree, passthrough=True, cv=cv)


models = {
    "decision tree": tree,
    "neural network": DenseNetworkClassifier(
        hidden_units=(32, 8), epochs=30, random_state=0
    ),
    "hybrid, cv=None": hybrid(cv=None),
    "hybrid, cv=5": hybrid(cv=5),
}
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
results = {name: cross_validate(model, X, y, cv=cv) for name, model in models.items()}

scores = pd.DataFrame(
    {
        name: {
            "mean accuracy": result["test_score"].mean(),
            "std": result["test_score"].std(),
            "fit time (s)": result["fit_time"].mean(),
        }
        for name, result in results.items()
    }
).T.round(3)
scores

# %%
# The fold scores side by side:
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
for row, (name, result) in enumerate(results.items()):
    fold_scores = result["test_score"]
    ax.scatter(fold_scores, np.full(len(fold_scores), row), alpha=0.6)
    ax.plot([fold_scores.mean()] * 2, [row - 0.25, row + 0.25], color="black")
ax.set_yticks(range(len(results)), list(results))
ax.set_xlabel("accuracy on held-out folds (5-fold cross-validation)")
ax.invert_yaxis()

# %%
# Reading the result
# ------------------
# On this table the tree is held back by the oblique boundary, which it can
# only follow in steps; the network follows it directly.  Given the network's
# features, the same depth-5 tree gets much of the way to the network: the
# learned features carry the oblique part, and the raw columns remain there
# for the local rule.  Where a hybrid only ties with the network, the network
# alone is the simpler model; what the hybrid adds is a tree on top, with its
# splits and importances to read.
#
# Whether ``cv=5`` pays for its five extra network fits depends on how much
# the estimator can exploit features that are cleaner on its training rows
# than on new rows: a shallow tree little, a boosted ensemble of deep trees
# more.  Cross-validating both, as here, is the way to know (see
# :ref:`hybrid-leakage`).
#
# A fitted hybrid says how much its tree relied on the deep features, by
# grouped permutation importance on the training data:
fitted = models["hybrid, cv=None"].fit(X, y)
print(f"deep features: {fitted.deep_importance_share_:.0%}, "
      f"raw columns: {fitted.raw_importance_share_:.0%}")

# %%
# When a plain tree is enough: if the classes follow a few thresholds on the
# raw columns (no oblique or smooth structure), the tree already finds them
# and the network only adds training time.  Cross-validate both, as above,
# before choosing.
