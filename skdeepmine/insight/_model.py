"""Fitted-model miners: permutation importance, errors, deep vs raw importance.

They read a fitted estimator and held-out data (rows it was not trained on).
"""

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline

from ._findings import Insight, names, number, percent

#: Permutation importances shown in the figure.
TOP_FEATURES = 15


def final_step(estimator):
    """The last estimator of a Pipeline (or the estimator itself)."""
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def deep_features(estimator, X):
    """Deep features of ``X`` from a fitted hybrid or extractor, else ``None``.

    A hybrid (or a Pipeline ending in one) exposes its network as
    ``extractor_``; a fitted extractor is itself a transformer.
    """
    final = final_step(estimator)
    extractor = getattr(final, "extractor_", None)
    if extractor is None:
        return None
    if isinstance(estimator, Pipeline) and len(estimator) > 1:
        X = estimator[:-1].transform(X)
    # A hybrid validates X into an array before fitting its extractor, so the
    # extractor knows no column names: give it an array too.
    return np.asarray(extractor.transform(np.asarray(X, dtype=float)), dtype=float)


def _column_names(X):
    if isinstance(X, pd.DataFrame):
        return [str(c) for c in X.columns]
    return [f"x{j}" for j in range(np.shape(X)[1])]


def find_permutation_importance(estimator, X, y, *, n_repeats, seed):
    """Score lost on held-out data when each feature is shuffled.

    Strength is the largest loss in the estimator's own score (accuracy for
    classifiers, R^2 for regressors), clipped to [0, 1].
    """
    from sklearn.inspection import permutation_importance

    result = permutation_importance(
        estimator, X, y, n_repeats=n_repeats, random_state=seed, n_jobs=None
    )
    columns = _column_names(X)
    means = pd.Series(result.importances_mean, index=columns)
    stds = pd.Series(result.importances_std, index=columns)
    order = means.sort_values(ascending=False, kind="stable").index
    means, stds = means[order], stds[order]
    score_name = "accuracy" if is_classifier(estimator) else "R^2"
    top = [f"{c} ({number(means[c])})" for c in order[:3] if means[c] > 0]
    # Within two standard deviations of no effect: the model does not use it.
    unused = [c for c in order if means[c] <= 2 * stds[c]]
    unused_note = (
        f" Shuffling {names(unused)} changes the score by no more than noise: "
        "the model does not rely on "
        f"{'it' if len(unused) == 1 else 'them'}." if unused else ""
    )
    lead = (
        f"On {len(y)} held-out rows, shuffling a feature costs the model up to "
        f"{number(max(means.iloc[0], 0))} {score_name}: {', '.join(top)}."
        if top else
        f"On {len(y)} held-out rows, no single feature's shuffling lowers the "
        f"{score_name}: the model spreads over redundant features or learnt little."
    )
    shown = order[:TOP_FEATURES]
    return [Insight(
        kind="model",
        name="permutation_importance",
        title=(
            f"The model relies most on {names([c for c in order[:3] if means[c] > 0], 3)}"
            if top else "No single feature carries the model"
        ),
        message=lead + unused_note,
        strength=float(np.clip(means.iloc[0], 0.0, 1.0)),
        evidence={
            "score": score_name, "n_rows": len(y), "n_repeats": n_repeats,
            "importances_mean": means.round(6).to_dict(),
            "importances_std": stds.round(6).to_dict(),
        },
        chart={
            "type": "bar", "labels": list(shown), "values": list(means[shown]),
            "errors": list(stds[shown]), "xlabel": f"{score_name} lost when shuffled",
        },
    )]


def find_class_errors(estimator, X, y):
    """Per-class error rates and the confusion matrix; strength = worst class's error."""
    from sklearn.metrics import balanced_accuracy_score, confusion_matrix

    y = np.asarray(y)
    predicted = np.asarray(estimator.predict(X))
    classes = list(getattr(final_step(estimator), "classes_", np.unique(y)))
    labels = [str(c) for c in classes]
    matrix = confusion_matrix(y, predicted, labels=classes)
    support = matrix.sum(axis=1)
    present = support > 0
    errors = np.where(present, 1.0 - np.diag(matrix) / np.maximum(support, 1), 0.0)
    worst = int(np.argmax(errors))
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    accuracy = float(np.trace(matrix) / matrix.sum())
    balanced = float(balanced_accuracy_score(y, predicted))
    confused = ""
    if off[worst].sum():
        into = int(np.argmax(off[worst]))
        confused = f", mostly as {labels[into]} ({off[worst, into]} rows)"
    message = (
        f"Held-out accuracy {percent(accuracy)}, balanced accuracy {percent(balanced)}. "
        + (
            f"{labels[worst]} is missed most: {percent(errors[worst])} of its "
            f"{support[worst]} rows are misclassified{confused}."
            if errors[worst] > 0 else "Every held-out row is classified correctly."
        )
    )
    return [Insight(
        kind="model",
        name="class_errors",
        title=(
            f"Most errors on {labels[worst]} ({percent(errors[worst])} missed)"
            if errors[worst] > 0 else "No held-out errors"
        ),
        message=message,
        strength=float(errors[worst]),
        evidence={
            "classes": labels, "confusion_matrix": matrix,
            "error_rate": dict(zip(labels, errors.round(6))),
            "support": dict(zip(labels, support)),
            "accuracy": accuracy, "balanced_accuracy": balanced,
        },
        chart={
            "type": "heatmap", "matrix": matrix, "row_labels": labels,
            "col_labels": labels, "ylabel": "true class", "xlabel": "predicted class",
            "annotate": True, "title": "Confusion matrix (held-out rows)",
        },
    )]


def find_regression_errors(estimator, X, y):
    """Held-out R^2, MAE and where errors concentrate; strength = 1 - R^2, clipped."""
    from sklearn.metrics import mean_absolute_error, r2_score

    y = np.asarray(y, dtype=float)
    predicted = np.asarray(estimator.predict(X), dtype=float).reshape(len(y), -1)[:, 0]
    r2 = float(r2_score(y, predicted))
    mae = float(mean_absolute_error(y, predicted))
    # Errors per third of the target range: models often fail at the extremes.
    thirds = np.quantile(y, [1 / 3, 2 / 3])
    part = np.searchsorted(thirds, y, side="right")
    by_part = {
        name: float(np.mean(np.abs(y - predicted)[part == i])) if np.any(part == i) else None
        for i, name in enumerate(["low", "middle", "high"])
    }
    filled = {k: v for k, v in by_part.items() if v is not None}
    worst = max(filled, key=filled.get)
    return [Insight(
        kind="model",
        name="regression_errors",
        title=f"Held-out R^2 {r2:.2f}; errors largest for {worst} values",
        message=(
            f"On {len(y)} held-out rows the model reaches R^2 {r2:.3f} (MAE "
            f"{number(mae)}). Mean absolute error is {number(filled[worst])} for "
            f"the {worst} third of the target, against "
            + ", ".join(f"{number(v)} ({k})" for k, v in filled.items() if k != worst)
            + "."
        ),
        strength=float(np.clip(1.0 - r2, 0.0, 1.0)),
        evidence={"r2": r2, "mae": mae, "mae_by_target_third": by_part, "n_rows": len(y)},
        chart={
            "type": "scatter", "x": y[:1000], "y": predicted[:1000],
            "xlabel": "actual", "ylabel": "predicted", "diagonal": True,
        },
    )]


def find_deep_share(estimator):
    """For a hybrid: the share of importance on deep vs raw features.

    Strength is the deep features' share.
    """
    final = final_step(estimator)
    deep = getattr(final, "deep_importance_share_", None)
    raw = getattr(final, "raw_importance_share_", None)
    if deep is None or raw is None:
        return []
    deep, raw = float(deep), float(raw)
    n_deep = getattr(final, "n_deep_features_", None)
    deep_columns = "deep features" if n_deep is None else f"{n_deep} deep features"
    if not (np.isfinite(deep) and np.isfinite(raw)):
        return []  # the hybrid's estimator ignores its input: no shares to tell
    if deep >= 0.5:
        verdict = "the network's learnt features carry most of the model"
    elif raw > 0:
        verdict = (
            "the raw features carry most of the model; the network adds "
            "comparatively little"
        )
    else:
        verdict = "the model uses neither"
    return [Insight(
        kind="model",
        name="deep_vs_raw_importance",
        title=f"Deep features carry {percent(deep)} of the hybrid's importance",
        message=(
            f"The hybrid's {type(getattr(final, 'estimator_', final)).__name__} "
            f"puts {percent(deep)} of its reliance on the {deep_columns} and "
            f"{percent(raw)} on the raw features (shuffling each group as a block): "
            f"{verdict}."
        ),
        strength=float(np.clip(deep, 0.0, 1.0)),
        evidence={
            "deep_importance_share": deep, "raw_importance_share": raw,
            "passthrough": getattr(final, "passthrough", None),
            "n_deep_features": n_deep,
        },
        chart={
            "type": "bar", "labels": ["deep features", "raw features"],
            "values": [deep, raw], "xlabel": "share of feature importance",
            "xlim": [0, 1],
        },
    )]


def mine_model(estimator, X, y, *, n_repeats, seed):
    """Every fitted-model finding for ``estimator`` on held-out ``X``, ``y``."""
    from threadpoolctl import threadpool_limits

    # Many small predictions: one thread beats oversubscribed pools (see _mine).
    with threadpool_limits(limits=1):
        findings = find_permutation_importance(
            estimator, X, y, n_repeats=n_repeats, seed=seed
        )
        if is_classifier(estimator):
            findings += find_class_errors(estimator, X, y)
        elif hasattr(estimator, "predict"):
            findings += find_regression_errors(estimator, X, y)
    findings += find_deep_share(estimator)
    return findings
