"""Target miners: class imbalance and skewed regression targets."""

import numpy as np
from scipy import stats

from ._findings import Insight, names, number, percent

#: Majority/minority count ratio from which classes count as imbalanced.
IMBALANCE_RATIO = 1.5

#: Absolute sample skewness from which a regression target counts as skewed.
SKEW_THRESHOLD = 1.0

#: Classes with fewer rows than this are too small for 5-fold stratified CV.
MIN_CLASS_ROWS = 10


def find_class_imbalance(data):
    """Imbalanced classes; strength is ``1 - minority / majority`` count.

    Balanced classes (ratio below ``IMBALANCE_RATIO``) give no finding.
    """
    findings = []
    for target in data.targets:
        if target.task != "classification":
            continue
        values = target.values[target.known]
        counts = values.value_counts().sort_values(ascending=False, kind="stable")
        if len(counts) < 2:
            continue
        majority, minority = counts.index[0], counts.index[-1]
        ratio = counts.iloc[0] / counts.iloc[-1]
        if ratio < IMBALANCE_RATIO:
            continue
        shares = counts / counts.sum()
        tiny = [str(c) for c, n in counts.items() if n < MIN_CLASS_ROWS]
        tiny_note = (
            f" {names(tiny)} {'has' if len(tiny) == 1 else 'have'} fewer than "
            f"{MIN_CLASS_ROWS} rows: too few for 5-fold stratified cross-validation."
            if tiny else ""
        )
        findings.append(Insight(
            kind="target",
            name="class_imbalance",
            title=f"{target.name} is imbalanced ({number(ratio)} to 1)",
            message=(
                f"{majority!s} makes up {percent(shares.iloc[0])} of {target.name} "
                f"({counts.iloc[0]} rows) and {minority!s} only "
                f"{percent(shares.iloc[-1])} ({counts.iloc[-1]} rows). Always "
                f"predicting {majority!s} already scores {percent(shares.iloc[0])} "
                "accuracy: pass class_weight=\"balanced\" (skdeepmine's "
                "classifiers, RandomForest, HistGradientBoosting, "
                "LogisticRegression) or resample, and compare models by "
                "balanced accuracy or F1, not accuracy." + tiny_note
            ),
            strength=1.0 - counts.iloc[-1] / counts.iloc[0],
            evidence={
                "target": target.name,
                "class_counts": {str(k): int(v) for k, v in counts.items()},
                "ratio": float(ratio),
                "remedy": {"class_weight": "balanced"},
                "small_classes": tiny,
            },
            chart={
                "type": "bar", "labels": [str(c) for c in counts.index],
                "values": [int(v) for v in counts.values], "xlabel": "rows",
            },
        ))
    return findings


def find_skewed_target(data):
    """A skewed regression target; strength is ``|skewness| / 5``, capped at 1."""
    findings = []
    for target in data.targets:
        if target.task != "regression":
            continue
        values = target.values[target.known].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if len(values) < 8 or np.ptp(values) == 0:
            continue
        skewness = float(stats.skew(values))
        if abs(skewness) < SKEW_THRESHOLD:
            continue
        direction = "right" if skewness > 0 else "left"
        if values.min() >= 0 and skewness > 0:
            remedy = (
                "fit on log1p(target): TransformedTargetRegressor(regressor=..., "
                "func=np.log1p, inverse_func=np.expm1)"
            )
            remedy_key = "log1p"
        else:
            remedy = (
                "fit on a Yeo-Johnson transform of the target: "
                "TransformedTargetRegressor(regressor=..., "
                "transformer=PowerTransformer())"
            )
            remedy_key = "yeo-johnson"
        counts, edges = np.histogram(values, bins=30)
        median, mean = float(np.median(values)), float(values.mean())
        findings.append(Insight(
            kind="target",
            name="skewed_target",
            title=f"{target.name} is skewed to the {direction} (skewness {skewness:.2f})",
            message=(
                f"{target.name} has a long {direction} tail: mean {number(mean)} vs "
                f"median {number(median)}. Squared-error models chase the tail; "
                f"{remedy}, or judge models by median absolute error."
            ),
            strength=min(1.0, abs(skewness) / 5.0),
            evidence={
                "target": target.name, "skewness": skewness, "mean": mean,
                "median": median, "min": float(values.min()),
                "max": float(values.max()), "remedy": remedy_key,
            },
            chart={
                "type": "histogram", "edges": edges, "counts": counts,
                "xlabel": target.name,
            },
        ))
    return findings


MINERS = (find_class_imbalance, find_skewed_target)
