"""Target miners: class imbalance and skewed regression targets."""

import numpy as np
from scipy import stats

from ._findings import Insight
from ._text import chart_text, text

#: Majority/minority count ratio from which classes count as imbalanced.
IMBALANCE_RATIO = 1.5

#: Absolute sample skewness from which a regression target counts as skewed.
SKEW_THRESHOLD = 1.0

#: Classes with fewer rows than this are too small for 5-fold stratified CV.
MIN_CLASS_ROWS = 10


def find_class_imbalance(data):
    """Imbalanced classes; strength is ``1 - minority / majority`` count.

    Balanced classes (ratio below ``IMBALANCE_RATIO``) give a finding of
    strength 0 (checked, nothing found).
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
            findings.append(Insight(
                kind="target", name="class_imbalance", strength=0.0,
                evidence={"target": target.name, "ratio": float(ratio)},
                **text(("imbalance.none.title", {"target": target.name}), [(
                    "imbalance.none", {"ratio": float(ratio), "threshold": IMBALANCE_RATIO})]),
            ))
            continue
        shares = counts / counts.sum()
        tiny = [str(c) for c, n in counts.items() if n < MIN_CLASS_ROWS]
        parts = [("imbalance", {
            "target": target.name, "majority": str(majority), "minority": str(minority),
            "majority_share": float(shares.iloc[0]), "minority_share": float(shares.iloc[-1]),
            "majority_rows": int(counts.iloc[0]), "minority_rows": int(counts.iloc[-1]),
            "ratio": float(ratio),
        })]
        if tiny:
            parts.append(("imbalance.tiny", {"classes": tiny, "min_rows": MIN_CLASS_ROWS}))
        findings.append(Insight(
            kind="target",
            name="class_imbalance",
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
                "values": [int(v) for v in counts.values],
                **chart_text(xlabel=("chart.rows", {})),
            },
            **text(("imbalance.title", {"target": target.name, "ratio": float(ratio)}), parts),
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
            findings.append(Insight(
                kind="target", name="skewed_target", strength=0.0,
                evidence={"target": target.name, "skewness": skewness},
                **text(("skew.none.title", {"target": target.name}), [(
                    "skew.none", {"skewness": skewness, "threshold": SKEW_THRESHOLD})]),
            ))
            continue
        direction = "right" if skewness > 0 else "left"
        remedy_key = "log1p" if values.min() >= 0 and skewness > 0 else "yeo-johnson"
        counts, edges = np.histogram(values, bins=30)
        median, mean = float(np.median(values)), float(values.mean())
        params = {"target": target.name, "direction": direction, "skewness": skewness,
                  "mean": mean, "median": median}
        findings.append(Insight(
            kind="target",
            name="skewed_target",
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
            **text(("skew.title", params), [(f"skew.{remedy_key}", params)]),
        ))
    return findings


MINERS = (find_class_imbalance, find_skewed_target)
