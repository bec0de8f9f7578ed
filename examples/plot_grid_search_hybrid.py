"""
=========================================
Grid search over a Pipeline with a hybrid
=========================================

Every skdeepmine estimator exposes its settings through ``get_params`` and
``set_params``, so :class:`~sklearn.model_selection.GridSearchCV` can tune a
Pipeline around a :class:`~skdeepmine.HybridClassifier` down to the network
inside it: here the scaling in front, the size of the learned embedding, the
depth of the tree and whether the tree also sees the raw features.
"""

# %%
# Data and pipeline
# -----------------
# scikit-learn's breast-cancer table: 569 rows, 30 numeric columns on very
# different scales.  To grid-search the hybrid's parts, they are passed
# explicitly; their parameters are then reachable as
# ``hybrid__extractor__n_components`` and ``hybrid__estimator__max_depth``.
# ``cv=None`` fits one network per hybrid fit (``cv=5`` would fit six, see
# :ref:`hybrid-leakage`), which keeps the 48 fits of this search quick.
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import QuantileTransformer, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skdeepmine import HybridClassifier, NeuralFeatureExtractor

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

pipeline = Pipeline(
    [
        ("scale", StandardScaler()),
        (
            "hybrid",
            HybridClassifier(
                extractor=NeuralFeatureExtractor(
                    hidden_units=(16,), epochs=15, random_state=0
                ),
                estimator=DecisionTreeClassifier(random_state=0),
                cv=None,
            ),
        ),
    ]
)

# %%
# The grid
# --------
# * ``scale``: a :class:`~sklearn.preprocessing.StandardScaler` or a
#   :class:`~sklearn.preprocessing.QuantileTransformer`.  Both keep the order
#   of each column's values, so they cannot change the tree's raw-feature
#   splits; they only change what the network sees.
# * ``hybrid__extractor__n_components``: 2 or 8 learned features.
# * ``hybrid__estimator__max_depth``: a tree of depth 2 or 5.
# * ``hybrid__passthrough``: the tree sees the raw columns too, or only the
#   learned features.
param_grid = {
    "scale": [StandardScaler(), QuantileTransformer(n_quantiles=100)],
    "hybrid__extractor__n_components": [2, 8],
    "hybrid__estimator__max_depth": [2, 5],
    "hybrid__passthrough": [True, False],
}
search = GridSearchCV(
    pipeline, param_grid, cv=StratifiedKFold(3, shuffle=True, random_state=0)
)
search.fit(X_train, y_train)
print("best parameters:", search.best_params_)
print(f"best cross-validated accuracy: {search.best_score_:.3f}")
print(f"accuracy of the refitted best pipeline on the test rows: "
      f"{search.score(X_test, y_test):.3f}")

# %%
# All 16 candidates
# -----------------
# ``cv_results_`` holds every candidate's fold scores, as for any
# scikit-learn estimator.
results = pd.DataFrame(search.cv_results_)
columns = {
    "param_scale": "scale",
    "param_hybrid__extractor__n_components": "n_components",
    "param_hybrid__estimator__max_depth": "max_depth",
    "param_hybrid__passthrough": "passthrough",
    "mean_test_score": "mean accuracy",
    "std_test_score": "std",
    "rank_test_score": "rank",
}
table = results[list(columns)].rename(columns=columns)
short_names = {"StandardScaler": "standard", "QuantileTransformer": "quantile"}
table["scale"] = table["scale"].map(lambda step: short_names[type(step).__name__])
table.sort_values("rank").round(3)

# %%
# How much each choice matters
# ----------------------------
# The mean accuracy of all candidates sharing one value of a parameter.
fig, axes = plt.subplots(1, 4, figsize=(10, 2.6), sharey=True, layout="constrained")
for ax, name in zip(axes, ["scale", "n_components", "max_depth", "passthrough"]):
    means = table.groupby(table[name].astype(str))["mean accuracy"].mean()
    ax.bar(means.index, means.to_numpy(), color="C0")
    ax.set_title(name, fontsize=10)
    ax.set_ylim(0.8, 1.0)
axes[0].set_ylabel("mean CV accuracy")

# %%
# The winner is a fitted Pipeline; its hybrid reports how much the tree
# relied on the learned features against the raw columns.
best_hybrid = search.best_estimator_["hybrid"]
print(f"learned features: {best_hybrid.n_deep_features_}, "
      f"deep share: {best_hybrid.deep_importance_share_:.0%}, "
      f"raw share: {best_hybrid.raw_importance_share_:.0%}")
