"""Fitted-model miners: permutation importance, errors, deep vs raw importance.

They read a fitted estimator and held-out data (rows it was not trained on).
"""

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline

from ._findings import Insight
from ._text import chart_text, text

#: Permutation importances shown in the figure.
TOP_FEATURES = 15

#: Features shuffled one by one at most; on wider tables the ones most
#: related to the target are (screened by the relation tests), and all the
#: others are shuffled together as one block, which checks the screening.
MAX_PERMUTED = 30

#: Cells (rows x columns) of shuffled copies predicted in one call by the
#: permutation importance: wide tables need few calls, memory stays bounded.
PREDICT_CELLS = 5_000_000

#: Units (features or groups) listed with their cost in the message.
LISTED = 8

#: Strength of an error finding when the model does no better than chance:
#: listed, plainly, below every real finding.
CHANCE_STRENGTH = 0.01


def balanced_accuracy_interval(matrix):
    """95% interval of the balanced accuracy from a confusion matrix.

    Each present class's recall gets an Agresti-Coull variance; the balanced
    accuracy is their mean.
    """
    support = matrix.sum(axis=1)
    present = support > 0
    hits = np.diag(matrix)[present]
    n = support[present]
    adjusted = (hits + 1) / (n + 2)
    se = np.sqrt(np.sum(adjusted * (1 - adjusted) / (n + 2))) / present.sum()
    balanced = float(np.mean(hits / n))
    return balanced - 1.96 * se, balanced + 1.96 * se


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
    # A hybrid hands X to its extractor as given (a DataFrame stays one), so
    # the extractor reads the rows as the hybrid gave them.
    return np.asarray(extractor.transform(X), dtype=float)


def _column_names(X):
    if isinstance(X, pd.DataFrame):
        return [str(c) for c in X.columns]
    return [f"x{j}" for j in range(np.shape(X)[1])]


def _units(columns, groups, screening):
    """What to shuffle: ``[(name, [columns], is_group)]`` and the rest block."""
    if len(columns) > MAX_PERMUTED:
        order = sorted(columns, key=lambda c: (-screening.get(c, -1.0), columns.index(c)))
        single, rest = order[:MAX_PERMUTED], order[MAX_PERMUTED:]
        single = [c for c in columns if c in set(single)]
    else:
        single, rest = list(columns), []
    units = [(c, [c], False) for c in single]
    present = set(columns)
    for group in groups:
        members = [c for c in group if c in present]
        if len(members) > 1:
            # Named by its first members; the evidence lists them all.
            name = " + ".join(members[:3]) + (" + …" if len(members) > 3 else "")
            units.append((name, members, True))
    return units, rest


def _shuffled(X, positions, order):
    """``X`` with the columns at ``positions`` in row ``order`` (dtypes kept)."""
    if isinstance(X, pd.DataFrame):
        import warnings

        if X.dtypes.nunique() == 1 and X.dtypes.iloc[0].kind in "biuf":
            # One dtype: shuffle a copy of the array, wrap it once (wide tables).
            values = X.to_numpy(copy=True)
            values[:, positions] = values[order][:, positions]
            return pd.DataFrame(values, columns=X.columns, index=X.index)
        out = X.copy()
        moved = X.iloc[order, positions]
        moved.index = X.index
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
            out[list(X.columns[positions])] = moved
        return out
    out = np.array(X, copy=True)
    out[:, positions] = out[order][:, positions]
    return out


def _row_losses(estimator, X, y, classifier):
    """Each held-out row's loss: 0/1 error (classifier) or squared error."""
    predicted = np.asarray(estimator.predict(X))
    if classifier:
        return (predicted.reshape(len(y), -1)[:, 0] != y).astype(float)
    predicted = predicted.astype(float).reshape(len(y), -1)[:, 0]
    return (np.asarray(y, dtype=float) - predicted) ** 2


def permutation_row_costs(estimator, X, y, units, *, n_repeats, seed):
    """Each held-out row's loss increase when each unit's columns are shuffled.

    Averaged over ``n_repeats`` shuffles and in score units (accuracy for
    classifiers, R^2 for regressors), so the mean over rows is the score
    lost.  Returns an array of shape (len(units), n_rows).
    """
    classifier = is_classifier(estimator)
    y = np.asarray(y)
    if classifier:
        scale = 1.0
    else:
        spread = float(np.sum((y.astype(float) - y.astype(float).mean()) ** 2))
        scale = len(y) / spread if spread > 0 else 0.0
    base = _row_losses(estimator, X, y, classifier)
    names = _column_names(X)
    position = {c: j for j, c in enumerate(names)}
    rng = np.random.RandomState(seed)
    costs = np.zeros((len(units), len(y)))
    # Same shuffles, in the same order, as one predict call per (unit, repeat);
    # but the shuffled copies are stacked and predicted in batches: on wide
    # tables each predict call's per-column input checks cost more than the
    # prediction (benchmarks/bench_wide.py).
    jobs = [(u, [position[c] for c in columns], rng.permutation(len(y)))
            for u, columns in enumerate(units) for _ in range(n_repeats)]
    per_batch = max(1, PREDICT_CELLS // max(1, len(y) * len(names)))
    for start in range(0, len(jobs), per_batch):
        batch = jobs[start:start + per_batch]
        stacked = _stacked([_shuffled(X, positions, order) for _, positions, order in batch])
        losses = _row_losses(estimator, stacked, np.tile(y, len(batch)), classifier)
        for (u, _, _), row_losses in zip(batch, losses.reshape(len(batch), len(y))):
            costs[u] += row_losses - base
    return costs * scale / max(n_repeats, 1)


def _stacked(copies):
    """The shuffled copies one under the other, ready for one predict call."""
    if len(copies) == 1:
        return copies[0]
    if isinstance(copies[0], pd.DataFrame):
        return pd.concat(copies, ignore_index=True)
    return np.concatenate(copies)


def _interval(costs):
    """Mean cost, half-width of its 95% interval and BH-adjusted p-values.

    The interval and the paired test are over held-out rows (each row's
    loss with the unit shuffled minus without): the finite held-out sample,
    not only the shuffles, decides what is beyond noise.  Two-sided
    p-values are adjusted with Benjamini-Hochberg across units.
    """
    from scipy import stats

    n = costs.shape[1]
    mean = costs.mean(axis=1)
    if n < 2:
        return mean, np.zeros_like(mean), np.ones_like(mean)
    se = costs.std(axis=1, ddof=1) / np.sqrt(n)
    half = stats.t.ppf(0.975, n - 1) * se
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se > 0, mean / np.where(se > 0, se, 1.0), 0.0)
    p = 2 * stats.t.sf(np.abs(t), n - 1)
    order = np.argsort(p)
    m = len(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return mean, half, adjusted


def find_permutation_importance(estimator, X, y, *, n_repeats, seed, groups=(),
                                screening=None, skip=()):
    """Score lost on held-out data when each feature, or group, is shuffled.

    Each feature is shuffled alone and each group of redundant features
    (``groups``) together: correlated features hide each other's importance
    when shuffled one at a time.  Each held-out row's loss increase is
    averaged over ``n_repeats`` shuffles; a feature or group counts as relied
    on when the paired test over rows (Benjamini-Hochberg across units) gives
    q < 0.05 and the 95% interval of its mean cost over rows lies above 0, so
    a finite held-out sample does not make noise look relied on; title and
    message come from that one classification.  Wide
    tables shuffle the ``MAX_PERMUTED`` features most related to the target
    one by one and the rest as one block.  Strength is the largest mean cost
    (accuracy for classifiers, R^2 for regressors), clipped to [0, 1]; 0 when
    nothing is relied on.
    """
    skipped = set(skip)
    columns = [c for c in _column_names(X) if c not in skipped]
    units, rest = _units(columns, groups, screening or {})
    if rest:
        units.append(("rest", rest, True))
    costs = permutation_row_costs(estimator, X, y, [u[1] for u in units],
                                  n_repeats=n_repeats, seed=seed)
    means, halves, p_values = _interval(costs)
    relied = (p_values < 0.05) & (means - halves > 0)
    score = "accuracy" if is_classifier(estimator) else "R^2"
    records = [
        {"name": name, "columns": members, "group": is_group, "mean": float(m),
         "half_width": float(h), "q": float(q), "relied": bool(k)}
        for (name, members, is_group), m, h, q, k in zip(units, means, halves, p_values,
                                                         relied)
    ]
    rest_record = records.pop() if rest else None
    order = sorted(range(len(records)), key=lambda i: (-records[i]["mean"], i))
    records = [records[i] for i in order]
    relied_names = [r["name"] for r in records if r["relied"]]
    covered = {c for r in records if r["relied"] for c in r["columns"]}
    unused = [r["name"] for r in records if not r["group"] and r["name"] not in covered]
    listed = [r for r in records if r["relied"]][:LISTED]
    lead = "importance.lead" if listed else "importance.lead.none"
    parts = [(lead, {"n_rows": len(y), "n_repeats": n_repeats, "score": score})]
    if listed:
        parts.append(("importance.items", {"items": [
            ("importance.item", {"name": r["name"], "mean": r["mean"], "half": r["half_width"]})
            for r in listed]}))
    else:
        parts.append(("importance.nothing", {"score": score}))
    singles = {r["name"]: r for r in records if not r["group"]}
    for r in records:
        if r["group"] and r["relied"] and not any(singles.get(c, {}).get("relied")
                                                  for c in r["columns"]):
            parts.append(("importance.group", {"members": r["columns"], "mean": r["mean"],
                                               "half": r["half_width"]}))
    if unused:
        parts.append(("importance.unused", {"unused": unused}))
    if rest_record:
        parts.append(("importance.screened", {
            "n_features": len(columns), "n_screened": len(columns) - len(rest),
            "n_rest": len(rest), "rest_mean": rest_record["mean"],
            "rest_half": rest_record["half_width"]}))
    title = (("importance.title", {"relied": relied_names}) if relied_names
             else ("importance.none.title", {}))
    shown = records[:TOP_FEATURES]
    return [Insight(
        kind="model",
        name="permutation_importance",
        strength=float(np.clip(max(means.max(), 0.0), 0.0, 1.0)) if relied_names else 0.0,
        evidence={
            "score": score, "n_rows": len(y), "n_repeats": n_repeats,
            "importances_mean": {r["name"]: round(r["mean"], 6) for r in records},
            "importances_half_width": {r["name"]: round(r["half_width"], 6) for r in records},
            "q_values": {r["name"]: float(f"{r['q']:.3g}") for r in records},
            "relied": relied_names, "unused": unused,
            "groups": [r["columns"] for r in records if r["group"]],
            "rest": None if rest_record is None else {
                "n_columns": len(rest), "mean": rest_record["mean"],
                "half_width": rest_record["half_width"]},
        },
        chart={
            "type": "bar", "labels": [r["name"] for r in shown],
            "values": [r["mean"] for r in shown], "errors": [r["half_width"] for r in shown],
            **chart_text(xlabel=("chart.cost", {"score": score})),
        },
        **text(title, parts),
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
    low, high = balanced_accuracy_interval(matrix)
    chance = 1.0 / max(int(present.sum()), 1)
    at_chance = low <= chance
    params = {"accuracy": accuracy, "balanced": balanced, "worst": labels[worst],
              "error": float(errors[worst]), "support": int(support[worst]),
              "low": low, "high": high, "chance": chance}
    parts = [("class_errors.lead", params)]
    if at_chance:
        parts.append(("class_errors.chance", params))
    if errors[worst] > 0:
        parts.append(("class_errors.worst", params))
        if off[worst].sum():
            into = int(np.argmax(off[worst]))
            parts.append(("class_errors.into", {"into": labels[into],
                                                "n_into": int(off[worst, into])}))
        title = ("class_errors.chance.title" if at_chance else "class_errors.title", params)
    else:
        parts.append(("class_errors.none", params))
        title = ("class_errors.none.title", params)
    return [Insight(
        kind="model",
        name="class_errors",
        # A model at chance level has no errors worth ranking first: its
        # finding says so, below the data findings.
        strength=min(CHANCE_STRENGTH, float(errors[worst])) if at_chance
        else float(errors[worst]),
        evidence={
            "classes": labels, "confusion_matrix": matrix,
            "error_rate": dict(zip(labels, errors.round(6))),
            "support": dict(zip(labels, support)),
            "accuracy": accuracy, "balanced_accuracy": balanced,
            "balanced_accuracy_interval": [low, high], "chance": chance,
            "at_chance": bool(at_chance),
        },
        chart={
            "type": "heatmap", "matrix": matrix, "row_labels": labels,
            "col_labels": labels, "annotate": True,
            **chart_text(ylabel=("chart.true", {}), xlabel=("chart.predicted", {}),
                         title=("chart.confusion", {})),
        },
        **text(title, parts),
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
    params = {"r2": r2, "mae": mae, "worst": worst, "worst_mae": filled[worst],
              "n_rows": len(y), "others": [[k, v] for k, v in filled.items() if k != worst]}
    at_chance = r2 <= 0  # no better than predicting the mean
    parts = [("regression_errors", params)] + (
        [("regression_errors.chance", params)] if at_chance else [])
    return [Insight(
        kind="model",
        name="regression_errors",
        strength=CHANCE_STRENGTH if at_chance else float(np.clip(1.0 - r2, 0.0, 1.0)),
        evidence={"r2": r2, "mae": mae, "mae_by_target_third": by_part, "n_rows": len(y),
                  "at_chance": bool(at_chance)},
        chart={
            "type": "scatter", "x": y[:1000], "y": predicted[:1000], "diagonal": True,
            **chart_text(xlabel=("chart.actual", {}), ylabel=("chart.prediction", {})),
        },
        **text(("regression_errors.chance.title" if at_chance else "regression_errors.title",
                params), parts),
    )]


def find_deep_share(estimator):
    """For a hybrid: the share of importance on deep vs raw features.

    Strength is the deep features' share.  A hybrid that blends predictions
    (``final_strategy_`` other than ``"features"``) feeds no deep features to
    its estimator: its finding is the network's weight (``find_blend_weight``).
    """
    final = final_step(estimator)
    if getattr(final, "final_strategy_", "features") != "features":
        return find_blend_weight(final)
    deep = getattr(final, "deep_importance_share_", None)
    raw = getattr(final, "raw_importance_share_", None)
    if deep is None or raw is None:
        return []
    deep, raw = float(deep), float(raw)
    n_deep = getattr(final, "n_deep_features_", None)
    if not (np.isfinite(deep) and np.isfinite(raw)):
        return []  # the hybrid's estimator ignores its input: no shares to tell
    verdict = ("deep_share.deep" if deep >= 0.5 else "deep_share.raw" if raw > 0
               else "deep_share.neither")
    params = {"deep": deep, "raw": raw, "n_deep": "" if n_deep is None else n_deep,
              "estimator": type(getattr(final, "estimator_", final)).__name__}
    return [Insight(
        kind="model",
        name="deep_vs_raw_importance",
        strength=float(np.clip(deep, 0.0, 1.0)),
        evidence={
            "deep_importance_share": deep, "raw_importance_share": raw,
            "passthrough": getattr(final, "passthrough", None),
            "n_deep_features": n_deep,
        },
        chart={
            "type": "bar", "values": [deep, raw], "xlim": [0, 1],
            **chart_text(labels=[("chart.deep", {}), ("chart.raw", {})],
                         xlabel=("chart.share_importance", {})),
        },
        **text(("deep_share.title", params), [("deep_share", params), (verdict, {})]),
    )]


def find_blend_weight(hybrid):
    """For a blending hybrid: the weight of its network's predictions against its estimator's.

    Strength is the network's weight.  A classifier's weight between 0 and
    1 is not evidence that both parts help: the blend keeps both when
    neither is right on significantly more held-out rows, and among weights
    of equal held-out accuracy takes the one nearest 0.5, so parts that
    predict the same classes on those rows get 50% (``choose_weight`` in
    skdeepmine/hybrid/_blend.py; tests/test_insight_model.py).  A
    regressor's weight between 0 and 1 had a lower held-out squared error
    than either part alone.
    """
    weight = float(hybrid.network_weight_)
    classifier = hasattr(hybrid, "predict_proba")
    verdict = ("blend_weight.network" if weight == 1.0 else "blend_weight.estimator"
               if weight == 0.0 else "blend_weight.kept_both" if classifier
               else "blend_weight.both")
    params = {"network": weight, "estimator_weight": 1.0 - weight,
              "estimator": type(hybrid.estimator_).__name__,
              "what": ("blend_weight.probabilities" if classifier
                       else "blend_weight.values", {})}
    return [Insight(
        kind="model",
        name="network_weight",
        strength=float(np.clip(weight, 0.0, 1.0)),
        evidence={"network_weight": weight, "estimator_weight": 1.0 - weight,
                  "final_strategy": hybrid.final_strategy_},
        chart={
            "type": "bar", "values": [weight, 1.0 - weight], "xlim": [0, 1],
            **chart_text(labels=[("chart.network", {}), ("chart.estimator", params)],
                         xlabel=("chart.share_prediction", {})),
        },
        **text(("blend_weight.title", params), [("blend_weight", params), (verdict, params)]),
    )]


def mine_model(estimator, X, y, *, n_repeats, seed, groups=(), screening=None, skip=()):
    """Every fitted-model finding for ``estimator`` on held-out ``X``, ``y``.

    ``groups`` are the redundancy groups shuffled together, ``screening``
    the relevance of each column (name to score) that picks the features
    shuffled one by one on wide tables; ``skip`` the columns (identifiers)
    not shuffled.
    """
    from threadpoolctl import threadpool_limits

    # Many small predictions: one thread beats oversubscribed pools (see _mine).
    with threadpool_limits(limits=1):
        findings = find_permutation_importance(
            estimator, X, y, n_repeats=n_repeats, seed=seed, groups=groups,
            screening=screening, skip=skip,
        )
        if is_classifier(estimator):
            findings += find_class_errors(estimator, X, y)
        elif hasattr(estimator, "predict"):
            findings += find_regression_errors(estimator, X, y)
    findings += find_deep_share(estimator)
    return findings
