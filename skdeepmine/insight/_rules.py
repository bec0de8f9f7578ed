"""Association rules between discretised features and the target.

Mining is mlxtend's FP-growth and ``association_rules``; this module only
turns columns into items (quantile bins, category levels, "is missing") and
keeps the rules whose consequent is one target item.
"""

import inspect

import numpy as np
import pandas as pd

from ._findings import Insight, percent
from ._relations import MAX_MI_LEVELS, feature_scores

#: Features entering the rule miner: the most relevant ones for the target.
#: FP-growth's cost grows steeply with the number of items.
MAX_RULE_FEATURES = 8

#: Rules kept per target.
MAX_RULES = 5

#: A rule must hold in at least this many rows, whatever min_support says.
MIN_RULE_ROWS = 10

#: A refinement (a rule with a larger antecedent) must raise the confidence
#: by more than this over its simpler rule to be kept.
MIN_IMPROVEMENT = 0.02

#: Numeric columns with at most this many values are items per value, not bins.
MAX_VALUE_ITEMS = 5


def _format(value):
    return f"{value:.4g}"


def _numeric_items(name, values, n_bins):
    """Items of a numeric column: quantile bins, or one item per value if few."""
    known = values[~np.isnan(values)]
    items = {}
    if len(known) == 0:
        return items
    levels = np.unique(known)
    if len(levels) <= MAX_VALUE_ITEMS:
        for level in levels:
            items[f"{name} = {_format(level)}"] = values == level
        return items
    inner = np.unique(np.quantile(known, np.linspace(0, 1, n_bins + 1)[1:-1]))
    # Bin i holds inner[i-1] <= x < inner[i], matching the labels below.
    bins = np.searchsorted(inner, values, side="right")
    bins[np.isnan(values)] = -1
    for i in range(len(inner) + 1):
        if i == 0:
            label = f"{name} < {_format(inner[0])}"
        elif i == len(inner):
            label = f"{name} >= {_format(inner[-1])}"
        else:
            label = f"{_format(inner[i - 1])} <= {name} < {_format(inner[i])}"
        items[label] = bins == i
    return items


def _column_items(data, column, rows, n_bins):
    values = data.frame[column].iloc[rows]
    missing = values.isna().to_numpy()
    if column in data.numeric:
        items = _numeric_items(column, values.to_numpy(dtype=float), n_bins)
    else:
        items = {
            f"{column} = {level}": (values == level).to_numpy(dtype=bool)
            for level in values.dropna().unique()
        }
    if missing.any():
        items[f"{column} is missing"] = missing
    return items


def _target_items(target, rows, n_bins):
    values = target.values.iloc[rows]
    if target.task == "classification":
        return {
            f"{target.name} = {level}": (values == level).to_numpy(dtype=bool)
            for level in target.classes
        }
    return _numeric_items(target.name, values.to_numpy(dtype=float), n_bins)


def mine_rules(data, target):
    """Rules ``features -> target item`` as a DataFrame (mlxtend's columns)."""
    from mlxtend.frequent_patterns import association_rules, fpgrowth

    settings = data.settings
    rows = data.sample[target.known[data.sample]]
    if len(rows) < MIN_RULE_ROWS:
        return pd.DataFrame()
    scores = feature_scores(data, target)
    candidates = list(scores.index) or [
        c for c in data.frame.columns
        if c in data.numeric or data.frame[c].nunique() <= MAX_MI_LEVELS
    ]
    columns = [c for c in candidates if c != target.name][:MAX_RULE_FEATURES]
    feature_items = {}
    for column in columns:
        feature_items.update(_column_items(data, column, rows, settings.n_bins))
    target_items = _target_items(target, rows, settings.n_bins)
    # Items that can never be frequent only slow FP-growth down.
    min_count = max(settings.min_support * len(rows), MIN_RULE_ROWS)
    feature_items = {k: v for k, v in feature_items.items() if v.sum() >= min_count}
    target_items = {k: v for k, v in target_items.items() if v.sum() >= min_count}
    if not feature_items or not target_items:
        return pd.DataFrame()
    onehot = pd.DataFrame({**feature_items, **target_items})
    frequent = fpgrowth(
        onehot, min_support=min_count / len(rows), use_colnames=True, max_len=3
    )
    if frequent.empty:
        return pd.DataFrame()
    # mlxtend computes every metric with np.where over both branches, so items
    # present in every row raise divide-by-zero warnings for values it discards.
    # mlxtend 0.23.2 added num_itemsets (required until 0.23.4), earlier ones reject it.
    extra = (
        {"num_itemsets": len(onehot)}
        if "num_itemsets" in inspect.signature(association_rules).parameters else {}
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rules = association_rules(
            frequent, metric="confidence", min_threshold=settings.min_confidence, **extra
        )
    targets = set(target_items)
    keep = rules["consequents"].map(lambda c: len(c) == 1 and next(iter(c)) in targets)
    keep &= rules["antecedents"].map(lambda a: not (a & targets))
    keep &= rules["lift"] > 1.0
    rules = rules[keep].copy()
    if rules.empty:
        return rules
    rules["n_rows"] = len(rows)
    rules = _drop_unimproved(rules)
    rules["consequent"] = rules["consequents"].map(lambda c: next(iter(c)))
    rules["antecedent_list"] = rules["antecedents"].map(sorted)
    rules["antecedent_text"] = rules["antecedent_list"].map(" and ".join)
    # Certainty says how much the conditions sharpen the prediction; recall
    # how much of the target value they explain. A rule is strong when both are.
    base = rules["consequent support"]
    certainty = (rules["confidence"] - base) / (1.0 - base)  # lift > 1 keeps base < 1
    recall = rules["support"] / base
    rules["strength"] = (certainty.clip(0.0, 1.0) * recall).clip(0.0, 1.0)
    return rules.sort_values(
        ["strength", "support", "antecedent_text"], ascending=[False, False, True],
        kind="stable",
    ).reset_index(drop=True)


def _drop_unimproved(rules):
    """Drop rules whose confidence barely beats a rule with fewer conditions."""
    best = {}
    for antecedent, consequent, confidence in zip(
        rules["antecedents"], rules["consequents"], rules["confidence"]
    ):
        best[(antecedent, consequent)] = confidence
    keep = []
    for antecedent, consequent, confidence in zip(
        rules["antecedents"], rules["consequents"], rules["confidence"]
    ):
        simpler = [
            best[(antecedent - {item}, consequent)]
            for item in antecedent
            if len(antecedent) > 1 and (antecedent - {item}, consequent) in best
        ]
        keep.append(not simpler or confidence > max(simpler) + MIN_IMPROVEMENT)
    return rules[np.array(keep, dtype=bool)]


def find_association_rules(data):
    """The strongest rules per target.

    Strength is the rule's certainty factor times its recall.  Certainty
    (Loevinger) is ``(confidence - base rate) / (1 - base rate)``: 0 when the
    conditions change nothing, 1 when they make the target value certain.
    Recall is the share of the rows with the target value that the rule
    covers.  A strength of 1 means the conditions pick out exactly the rows
    with that target value.
    """
    findings = []
    for target in data.targets:
        rules = mine_rules(data, target)
        for rule in rules.head(MAX_RULES).to_dict("records"):
            conditions = " and ".join(rule["antecedent_list"])
            consequent, n_rows = rule["consequent"], int(rule["n_rows"])
            support = float(rule["support"])
            confidence = float(rule["confidence"])
            base = float(rule["consequent support"])
            lift = float(rule["lift"])
            findings.append(Insight(
                kind="association_rules",
                name="association_rule",
                title=f"When {conditions}, then {consequent}",
                message=(
                    f"{percent(confidence)} of the rows with {conditions} have "
                    f"{consequent}, against {percent(base)} over all rows "
                    f"(lift {lift:.2f}); the rule covers {percent(support)} of the "
                    f"rows (support), {round(support * n_rows)} of {n_rows}, and "
                    f"{percent(support / base)} of those with {consequent}."
                ),
                strength=float(rule["strength"]),
                evidence={
                    "target": target.name,
                    "antecedents": rule["antecedent_list"],
                    "consequent": consequent,
                    "support": support,
                    "confidence": confidence,
                    "lift": lift,
                    "antecedent_support": float(rule["antecedent support"]),
                    "consequent_support": base,
                    "recall": support / base,
                    "n_rows": n_rows,
                },
                chart={
                    "type": "bar",
                    "labels": ["all rows", f"rows with {conditions}"],
                    "values": [base, confidence],
                    "xlabel": f"share with {consequent}",
                    "xlim": [0, 1],
                },
            ))
    return findings


MINERS = (find_association_rules,)
