"""
============================================
An insight report from a fitted hybrid model
============================================

:meth:`InsightReport.from_estimator <skdeepmine.InsightReport.from_estimator>`
mines a table and a model of it for findings, ranks them by strength and
renders them: inline in a notebook or in this gallery, as one self-contained
HTML file, as Markdown, JSON or a DataFrame.  For a
:class:`~skdeepmine.HybridClassifier` it also reports how much the model
relied on its learned features and whether they form clusters.
"""

# %%
# A fitted hybrid
# ---------------
# A :class:`~skdeepmine.HybridClassifier` on scikit-learn's breast-cancer
# table: a :class:`~skdeepmine.NeuralFeatureExtractor` learns 8 features and
# gradient-boosted trees (the default ``estimator``) are trained on them and
# the 30 raw columns.  A quarter of the rows is kept aside for the report.
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from skdeepmine import HybridClassifier, InsightReport, NeuralFeatureExtractor

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
hybrid = HybridClassifier(
    NeuralFeatureExtractor(n_components=8, hidden_units=(32,), epochs=20, random_state=0),
    cv=None,  # one network fit instead of six, to keep the example quick
)
hybrid.fit(X_train, y_train)
print(f"test accuracy: {hybrid.score(X_test, y_test):.3f}")

# %%
# Mining the held-out rows and the model
# --------------------------------------
# A fitted model is judged on the rows it is given, which should be rows it
# was not trained on.  The data findings (quality, target, relationships,
# association rules, structure) read the same rows; the model findings add
# permutation importance, per-class errors and, for a hybrid, the deep vs raw
# importance and clusters in the deep features.
report = InsightReport.from_estimator(hybrid, X_test, y_test, n_repeats=3, random_state=0)
print(report)

# %%
# Correlated features hide each other's importance: the ``worst radius``,
# ``worst perimeter`` and ``worst area`` columns carry the same information,
# so shuffling one of them leaves the others in place.  The permutation
# importance therefore also shuffles each redundancy group together, with a
# 95% interval over the repeats:
importance = next(i for i in report.insights if i.name == "permutation_importance")
print(importance.message)

# %%
# The report, inline
# ------------------
# As the last expression of a notebook cell (or of a gallery cell) a report
# shows itself as HTML, through its ``_repr_html_``: the findings, strongest
# first, each with its evidence and figure.
report

# %%
# The same findings as data
# -------------------------
# ``to_frame`` gives one row per finding; ``to_json``, ``to_markdown`` and
# ``to_html`` write them out (``to_html("report.html")`` is the file the
# ``skdeepmine report`` command writes).
report.to_frame()[["kind", "name", "strength", "title"]].round(2)

# %%
# The same report in Simplified Chinese: the report's own words change, the
# data's names do not (``to_html(path, lang="zh")`` writes the page).
print(report.to_text(lang="zh"))

# %%
# An overview of the strongest findings, coloured by kind (``plot`` draws on
# the axes it is given, or on a new figure):
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
report.plot(ax=ax, limit=12)
