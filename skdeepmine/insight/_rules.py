"""Association rules between discretised features and the target.

Mining is mlxtend's FP-growth and ``association_rules``; this module only
turns columns into items (quantile bins, category levels, "is missing") and
keeps the rules whose consequent is one target item.
"""

import inspect

import numpy as np
import pandas as pd

from ._constants import ALPHA
from ._findings import Insight
from ._relations import leaking_features, ranked_features
from ._stats import bh_adjust
from ._text import chart_text, text

#: Features entering the rule miner: the most relevant ones for the target.
#: FP-growth's cost grows steeply with the number of items.
MAX_RULE_FEATURES = 8

#: Rules kept per target.
MAX_RULES = 5

#: A rule must hold in at least this many rows, whatever min_support says.
MIN_RULE_ROWS = 10

#: A refinement (a rule with a larger antecedent) must raise the confidence
#: by more than this over each simpler rule, and significantly, to be kept.
MIN_IMPROVEMENT = 0.02

#: Numeric columns with at most this many values are items per value, not bins.
MAX_VALUE_ITEMS = 5


def _format(value):
    return f"{value:.4g}"


def _numeric_items(name, values, n_bins, fmt=_format):
    """Items of a numeric column: quantile bins, or one item per value if few.

    ``fmt`` writes a value in an item's label (dates and durations as such).
    """
    known = values[~np.isnan(values)]
    items = {}
    if len(known) == 0:
        return items
    levels = np.unique(known)
    if len(levels) <= MAX_VALUE_ITEMS:
        for level in levels:
            items[f"{name} = {fmt(level)}"] = values == level
        return items
    inner = np.unique(np.quantile(known, np.linspace(0, 1, n_bins + 1)[1:-1]))
    # Bin i holds inner[i-1] <= x < inner[i], matching the labels below.
    bins = np.searchsorted(inner, values, side="right")
    bins[np.isnan(values)] = -1
    for i in range(len(inner) + 1):
        if i == 0:
            label = f"{name} < {fmt(inner[0])}"
        elif i == len(inner):
            label = f"{name} >= {fmt(inner[-1])}"
        else:
            label = f"{fmt(inner[i - 1])} <= {name} < {fmt(inner[i])}"
        items[label] = bins == i
    return items


def _column_items(data, column, rows, n_bins):
    values = data.frame[column].iloc[rows]
    missing = values.isna().to_numpy()
    if column in data.numeric:
        def fmt(value):
            shown = data.value_text(column, value)
            return shown if isinstance(shown, str) else _format(shown)

        items = _numeric_items(column, values.to_numpy(dtype=float), n_bins, fmt)
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
    # Only features related to the target (after the false-discovery control
    # of the relation tests) make conditions: a table of independent columns
    # yields no rules, and FP-growth's cost, which grows steeply with the
    # number of items, stays bounded.
    columns = [c for c in ranked_features(data, target, related=True) if c != target.name]
    columns = columns[:MAX_RULE_FEATURES]
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
    n_candidates = len(rules)
    if rules.empty:
        return rules
    rules = _significant(rules, onehot)
    rules.attrs["n_candidates"] = n_candidates
    if rules.empty:
        return rules
    rules["n_rows"] = len(rows)
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


def _enrichment(hits, covered, positives, n):
    """One-sided p-value of ``hits`` target rows among ``covered`` (hypergeometric)."""
    from scipy.stats import hypergeom

    return float(hypergeom.sf(hits - 1, n, positives, covered))


def _significant(rules, onehot):
    """Keep the rules that beat the base rate, and refinements that beat each shorter rule.

    A rule's p-value tests its confidence against the base rate (Fisher's
    one-sided exact test); a rule with more than one condition also gets,
    for each condition, the test of its confidence against the rule without
    that condition, within the rows that shorter rule covers.  All p-values
    of the target form one Benjamini-Hochberg family.  This drops rules
    padded with a noise condition (``n3 >= 0.42 and tenure < 14``).
    """
    masks = {column: onehot[column].to_numpy(dtype=bool) for column in onehot.columns}
    n = len(onehot)

    def cover(items):
        return np.logical_and.reduce([masks[i] for i in items]) if items else np.ones(n, bool)

    tests, owners, gains = [], [], []
    for position, (antecedent, consequent) in enumerate(
        zip(rules["antecedents"], rules["consequents"])
    ):
        hit_mask = masks[next(iter(consequent))]
        rule_rows = cover(antecedent)
        hits = int((rule_rows & hit_mask).sum())
        confidence = hits / rule_rows.sum()
        tests.append(_enrichment(hits, int(rule_rows.sum()), int(hit_mask.sum()), n))
        owners.append(position)
        gains.append(True)
        if len(antecedent) > 1:
            for item in antecedent:
                shorter = cover(antecedent - {item})
                shorter_hits = int((shorter & hit_mask).sum())
                tests.append(_enrichment(hits, int(rule_rows.sum()), shorter_hits,
                                         int(shorter.sum())))
                owners.append(position)
                gains.append(confidence > shorter_hits / shorter.sum() + MIN_IMPROVEMENT)
    q = bh_adjust(tests)
    passed = np.ones(len(rules), bool)
    rule_q = np.ones(len(rules))
    for owner, q_k, gain in zip(owners, q, gains):
        passed[owner] &= bool(q_k < ALPHA and gain)
        rule_q[owner] = q_k if rule_q[owner] == 1 else max(rule_q[owner], q_k)
    rules = rules.assign(q=rule_q)
    return rules[passed].copy()


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
        if rules.empty:
            n_candidates = rules.attrs.get("n_candidates", 0)
            related = ranked_features(data, target, related=True)
            leaks = [] if related else leaking_features(data, target)
            why = ("rules.none", {"n_candidates": n_candidates, "alpha": ALPHA}) if related \
                else ("rules.none_leaks", {"target": target.name, "columns": leaks}) if leaks \
                else ("rules.none_related", {"target": target.name})
            findings.append(Insight(
                kind="association_rules", name="association_rule", strength=0.0,
                evidence={"target": target.name, "n_candidates": n_candidates},
                **text(("rules.none.title", {"target": target.name}), [why]),
            ))
            continue
        for rule in rules.head(MAX_RULES).to_dict("records"):
            consequent, n_rows = rule["consequent"], int(rule["n_rows"])
            support = float(rule["support"])
            base = float(rule["consequent support"])
            params = {
                "conditions": rule["antecedent_list"], "consequent": consequent,
                "confidence": float(rule["confidence"]), "base": base,
                "lift": float(rule["lift"]), "q": float(rule["q"]), "support": support,
                "covered": round(support * n_rows), "n_rows": n_rows,
                "recall": support / base,
            }
            findings.append(Insight(
                kind="association_rules",
                name="association_rule",
                strength=float(rule["strength"]),
                evidence={
                    "target": target.name,
                    "antecedents": rule["antecedent_list"],
                    "consequent": consequent,
                    "support": support,
                    "confidence": float(rule["confidence"]),
                    "lift": float(rule["lift"]),
                    "q": float(rule["q"]),
                    "antecedent_support": float(rule["antecedent support"]),
                    "consequent_support": base,
                    "recall": support / base,
                    "n_rows": n_rows,
                },
                chart={
                    "type": "bar", "values": [base, float(rule["confidence"])], "xlim": [0, 1],
                    **chart_text(
                        xlabel=("chart.share_with", {"consequent": consequent}),
                        labels=[("chart.all_rows", {}),
                                ("chart.rows_with", {"conditions": rule["antecedent_list"]})],
                    ),
                },
                **text(("rule.title", params), [("rule", params)]),
            ))
    return findings


MINERS = (find_association_rules,)
