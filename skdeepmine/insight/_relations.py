"""Relationship miners: features related to the target, redundant features.

Every feature-target pair gets the test its kinds call for (see ``_stats``),
all of them together one Benjamini-Hochberg family: a relation is reported
when its q-value is under ``ALPHA``, ranked by an effect size a reader can
interpret, with a plain contrast ("churn 51% in the lowest quarter of tenure
vs 24% in the highest").
"""

import numpy as np
import pandas as pd

from ._constants import ALPHA, EFFECT_BANDS, MAX_LEVELS, REDUNDANT_ASSOCIATION
from ._findings import Insight
from ._stats import (
    PERMUTATIONS,
    bh_adjust,
    chi_square,
    distinct_counts,
    kruskal,
    merge_rare,
    spearman,
)
from ._text import chart_text, text

#: Rows a test needs (known feature and target values).
MIN_ROWS = 10

#: Related features described one by one in the message (and drawn).
DESCRIBED = 5

#: Features drawn in the figure.
TOP_FEATURES = 15

#: Tests listed in a finding's evidence (related ones first).
MAX_LISTED_TESTS = 200

#: Categorical columns compared pairwise for redundancy (the first ones).
MAX_CATEGORICAL_PAIRS_COLUMNS = 30

#: Columns per block when correlating every numeric pair (bounds memory).
BLOCK = 2000

MEASURES = {
    ("numeric", "binary"): "rank-biserial r",
    ("numeric", "classes"): "Kruskal-Wallis eta",
    ("numeric", "regression"): "Spearman rho",
    ("categorical", "binary"): "Cramer's V",
    ("categorical", "classes"): "Cramer's V",
    ("categorical", "regression"): "Kruskal-Wallis eta",
}


def band(effect):
    """The word for an effect size on the [0, 1] scale."""
    words = ("negligible", "weak", "moderate", "strong")
    return words[int(np.searchsorted(EFFECT_BANDS, abs(effect), side="right"))]


def certainty(q):
    """The word for how certain a relation is, from its q-value."""
    return "certain" if q < 0.001 else "very likely" if q < 0.01 else "likely"


def _category_codes(values):
    """Codes of a categorical column, missing as a level, rare levels merged."""
    codes, levels = pd.factorize(values, use_na_sentinel=True)
    labels = [str(level) for level in levels]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(levels), codes)
        labels.append("(missing)")
    codes, kept = merge_rare(codes)
    labels = [labels[k] for k in kept] + (["(rare levels)"] if codes.max() >= len(kept) else [])
    return codes, labels


def _numeric_block(matrix, test):
    """Apply ``test(matrix_without_nan, rows)`` to every column, NaN-aware."""
    n_cols = matrix.shape[1]
    p, effect = np.full(n_cols, np.nan), np.full(n_cols, np.nan)
    gaps = np.isnan(matrix)
    full = ~gaps.any(axis=0)
    if full.any():
        p[full], effect[full] = test(matrix[:, full], np.ones(len(matrix), bool))
    for j in np.flatnonzero(~full):
        rows = ~gaps[:, j]
        if rows.sum() >= MIN_ROWS:
            p[j], effect[j] = (v[0] for v in test(matrix[rows][:, [j]], rows))
    return p, effect


def _target_tests(data, target, rng):
    """One record per tested feature of ``target``: p-value and effect."""
    rows = data.sample[target.known[data.sample]]
    if len(rows) < MIN_ROWS:
        return []
    frame = data.frame.iloc[rows]
    values = target.values.iloc[rows]
    records = []
    if target.task == "classification":
        y = pd.Categorical(values, categories=target.classes).codes
        present = np.unique(y)
        if len(present) < 2:
            return []
        shape = "binary" if len(present) == 2 else "classes"
    else:
        y = values.to_numpy(dtype=float)
        if np.ptp(y) == 0:
            return []
        shape = "regression"
    numeric = list(data.numeric)
    if numeric:
        matrix = frame[numeric].to_numpy(dtype=float)

        def test(block, keep):
            if shape == "regression":
                return spearman(block, y[keep])
            if len(np.unique(y[keep])) < 2:
                return np.full(block.shape[1], np.nan), np.full(block.shape[1], np.nan)
            return kruskal(block, y[keep], rng)

        p, effect = _numeric_block(matrix, test)
        for column, p_j, e_j in zip(numeric, p, effect):
            if np.isfinite(p_j):
                records.append((column, "numeric", p_j, e_j))
    permutations = None
    for column in data.categorical:
        codes, labels = _category_codes(frame[column])
        if not 2 <= len(labels) <= MAX_LEVELS:
            continue
        if shape == "regression":
            p_j, e_j = (v[0] for v in kruskal(y[:, None], codes, rng))
        else:
            if permutations is None:
                permutations = np.array(
                    [rng.permutation(len(y)) for _ in range(PERMUTATIONS)], dtype=np.int32
                )
            p_j, e_j = chi_square(codes, y.astype(np.int64), permutations)
        if np.isfinite(p_j):
            records.append((column, "categorical", p_j, e_j))
    return [
        {"target": target.name, "column": column, "column_kind": kind,
         "measure": MEASURES[(kind, shape)], "p": float(p_j), "effect": float(e_j),
         "strength": float(min(1.0, abs(e_j))), "n_rows": int(len(rows))}
        for column, kind, p_j, e_j in records
    ]


def relation_tests(data):
    """Every feature-target test of the table, with Benjamini-Hochberg q-values.

    One family over all targets' tests.  Returns a DataFrame with columns
    ``target, column, column_kind, measure, p, effect, strength, n_rows, q``,
    strongest related first; computed once and cached.
    """
    if "relations" in data.cache:
        return data.cache["relations"]
    rng = np.random.RandomState(data.seed(11))
    records = [r for target in data.targets for r in _target_tests(data, target, rng)]
    columns = ["target", "column", "column_kind", "measure", "p", "effect", "strength",
               "n_rows", "q"]
    table = pd.DataFrame(records, columns=columns[:-1])
    table["q"] = bh_adjust(table["p"].to_numpy()) if len(table) else []
    table["related"] = table["q"] < ALPHA
    table = table.sort_values(["related", "strength", "column"], ascending=[False, False, True],
                              kind="stable").reset_index(drop=True)
    data.cache["relations"] = table
    return table


def ranked_features(data, target, *, related=False):
    """Features of ``target``, related ones first (by effect); only those if ``related``."""
    table = relation_tests(data)
    chosen = table["target"] == target.name
    if related:
        chosen &= table["related"]
    return list(table.loc[chosen, "column"])


# ------------------------------------------------------------------ contrasts
def _quarters(x):
    q1, q3 = np.quantile(x, [0.25, 0.75])
    low, high = x <= q1, x >= q3
    if (low & high).any():  # heavy ties: split at the shared value
        low, high = x < q3, x >= q3
        if not low.any():
            low, high = x <= q1, x > q1
    return low, high


def contrast(data, target, column):
    """The plain-language contrast behind a relation: ``(key, params)``."""
    rows = data.sample[target.known[data.sample]]
    values = target.values.iloc[rows].reset_index(drop=True)
    feature = data.frame[column].iloc[rows].reset_index(drop=True)
    params = {"target": target.name, "column": column}
    if column in data.numeric:
        keep = feature.notna().to_numpy()
        x = feature.to_numpy(dtype=float)[keep]
        values = values[keep].reset_index(drop=True)
        low, high = _quarters(x)
        params.update(low_edge=float(x[low].max()), high_edge=float(x[high].min()))
        groups = {"low": low, "high": high}
    else:
        codes, labels = _category_codes(feature)
        groups = {label: codes == i for i, label in enumerate(labels)
                  if label != "(rare levels)"}
    if target.task == "classification":
        chosen = _class_of_interest(values, groups, target.classes)
        rates = {g: float(np.mean(values[m] == chosen)) for g, m in groups.items() if m.any()}
        params["cls"] = str(chosen)
        summary = rates
        key = "contrast.rate_quarters" if column in data.numeric else "contrast.rate_levels"
    else:
        y = values.to_numpy(dtype=float)
        summary = {g: float(np.median(y[m])) for g, m in groups.items() if m.any()}
        key = "contrast.median_quarters" if column in data.numeric else "contrast.median_levels"
    if column in data.numeric:
        params.update(low=summary["low"], high=summary["high"])
    else:
        high_level = max(summary, key=summary.get)
        low_level = min(summary, key=summary.get)
        params.update(high_level=high_level, low_level=low_level,
                      high=summary[high_level], low=summary[low_level])
    return key, params


def _class_of_interest(values, groups, classes):
    """The minority class of two; else the class whose share varies most."""
    counts = values.value_counts()
    if len(classes) == 2:
        return min(classes, key=lambda c: (counts.get(c, 0), str(c)))
    spread = {
        c: np.ptp([np.mean(values[m] == c) for m in groups.values() if m.any()])
        for c in classes
    }
    return max(spread, key=spread.get)


# -------------------------------------------------------------------- findings
def find_related_features(data):
    """Features related to each target; strength = the largest effect size.

    Effect sizes lie in [0, 1]: |rank-biserial r| (numeric feature, two
    classes), bias-corrected eta of Kruskal-Wallis (more classes, or a
    categorical feature and a numeric target), |Spearman rho| (numeric
    feature and target), Cramer's V (categorical feature and classes).
    A target with no related feature gets a finding of strength 0.
    """
    table = relation_tests(data)
    findings = []
    for target in data.targets:
        tests = table[table["target"] == target.name]
        if tests.empty:
            continue
        related = tests[tests["related"]]
        common = {"target": target.name, "alpha": ALPHA}
        evidence = {
            "target": target.name, "alpha": ALPHA, "n_tests": len(table),
            "n_tested": len(tests),
            # Related features first: a wide table lists its strongest tests only.
            # Significant digits, not decimals: p = 3e-40 must not read 0.0.
            "tests": tests.head(MAX_LISTED_TESTS).drop(columns="target").apply(
                lambda c: c.map(lambda v: float(f"{v:.8g}")) if c.dtype.kind == "f" else c)
            .to_dict(orient="records"),
        }
        if related.empty:
            findings.append(Insight(
                kind="relationships", name="related_features", strength=0.0,
                evidence=evidence,
                **text(("relations.none.title", common), [("relations.none", {
                    **common, "n_tested": len(tests), "q_min": float(tests["q"].min()),
                    "n_rows": int(tests["n_rows"].max()),
                })]),
            ))
            continue
        parts = [("relations.lead", {
            **common, "n_related": len(related), "n_tested": len(tests), "n_tests": len(table),
        })]
        for record in related.head(DESCRIBED).to_dict(orient="records"):
            key, params = contrast(data, target, record["column"])
            feature = ("relations.feature", {
                "column": record["column"], "band": band(record["strength"]),
                "certainty": certainty(record["q"]), "measure": record["measure"],
                "effect": record["effect"], "q": record["q"],
            })
            parts.append(("relations.item", {"feature": feature, "contrast": [key, params]}))
        unrelated = list(tests.loc[~tests["related"], "column"])
        if unrelated:
            parts.append(("relations.unrelated", {"alpha": ALPHA, "columns": unrelated}))
        shown = related.head(TOP_FEATURES)
        findings.append(Insight(
            kind="relationships", name="related_features",
            strength=float(related["strength"].max()),
            evidence=evidence,
            chart={
                "type": "bar", "labels": list(shown["column"]),
                "values": list(shown["strength"]), "xlim": [0, 1],
                **chart_text(xlabel=("chart.effect", {"alpha": ALPHA})),
            },
            **text(("relations.title", {**common, "top": list(related["column"])}), parts),
        ))
    return findings


# ---------------------------------------------------------------- redundancy
def redundant_pairs(data):
    """Pairs of features associated at ``REDUNDANT_ASSOCIATION`` or more.

    Numeric pairs by |Spearman rho| (any monotone relation), categorical
    pairs by Cramer's V; each kept pair is also significant after
    Benjamini-Hochberg over every pair compared.  Cached.
    """
    if "redundant" in data.cache:
        return data.cache["redundant"]
    pairs = _numeric_pairs(data) + _categorical_pairs(data)
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    data.cache["redundant"] = pairs
    return pairs


def redundancy_groups(data):
    """Connected groups of redundant features, largest first."""
    groups = []
    for a, b, *_ in redundant_pairs(data):
        owner = [g for g in groups if a in g or b in g]
        merged = list(dict.fromkeys([c for g in owner for c in g] + [a, b]))
        groups = [g for g in groups if g not in owner] + [merged]
    return sorted(groups, key=len, reverse=True)


def _numeric_pairs(data):
    from scipy import stats

    sample = data.sample_frame
    columns = list(data.numeric)
    if len(columns) < 2 or len(sample) < MIN_ROWS:
        return []
    matrix = sample[columns].to_numpy(dtype=float)
    varied = distinct_counts(matrix) > 1
    matrix, columns = matrix[:, varied], [c for c, v in zip(columns, varied) if v]
    if len(columns) < 2:
        return []
    matrix = np.where(np.isnan(matrix), np.nanmedian(matrix, axis=0), matrix)
    # float32 halves the cost of the all-pairs product; a pair is judged at
    # 0.9, far above float32's rounding.
    z = stats.rankdata(matrix, axis=0).astype(np.float32)
    z -= z.mean(axis=0)
    z /= np.maximum(np.sqrt((z ** 2).sum(axis=0)), 1e-300)
    n, m = len(z), len(columns)
    found = []
    for start in range(0, m, BLOCK):
        corr = z[:, start:start + BLOCK].T @ z
        i, j = np.nonzero(np.abs(corr) >= REDUNDANT_ASSOCIATION)
        upper = start + i < j
        found += [(start + a, b, abs(corr[a, b])) for a, b in zip(i[upper], j[upper])]
    if not found:
        return []
    rho = np.array([min(float(v), 1.0 - 1e-12) for *_, v in found])
    p = 2.0 * stats.t.sf(rho * np.sqrt((n - 2) / (1.0 - rho ** 2)), n - 2)
    q = bh_adjust(p, n_tests=m * (m - 1) // 2)
    return [
        (columns[a], columns[b], float(min(v, 1.0)), "spearman", float(q_k))
        for (a, b, v), q_k in zip(found, q) if q_k < ALPHA
    ]


def _categorical_pairs(data):
    sample = data.sample_frame
    codes = {}
    for column in data.categorical[:MAX_CATEGORICAL_PAIRS_COLUMNS]:
        values, labels = _category_codes(sample[column])
        if 2 <= len(labels) <= MAX_LEVELS:
            codes[column] = values
    pairs = []
    names = list(codes)
    no_permutations = np.empty((0, len(sample)), dtype=np.int32)
    tested = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            p, v = chi_square(codes[a], codes[b], no_permutations)
            tested.append((a, b, v, p))
    if not tested:
        return []
    q = bh_adjust([t[3] for t in tested])
    for (a, b, v, _), q_k in zip(tested, q):
        if v >= REDUNDANT_ASSOCIATION and q_k < ALPHA:
            pairs.append((a, b, float(v), "cramer_v", float(q_k)))
    return pairs


def find_redundant_features(data):
    """Feature pairs that carry the same information; strength = the strongest pair."""
    pairs = redundant_pairs(data)
    threshold = REDUNDANT_ASSOCIATION
    if not pairs:
        return [Insight(
            kind="relationships", name="redundant_features", strength=0.0,
            evidence={"threshold": threshold},
            **text(("redundant.none.title", {}), [("redundant.none", {
                "n_columns": data.frame.shape[1], "threshold": threshold})]),
        )]
    groups = redundancy_groups(data)
    involved = list(dict.fromkeys(c for p in pairs for c in p[:2]))[:12]
    chart = None
    numeric_involved = [c for c in involved if c in data.numeric]
    if len(numeric_involved) >= 2:
        ranked = data.sample_frame[numeric_involved].rank()
        chart = {
            "type": "heatmap", "matrix": ranked.corr().round(3).to_numpy(),
            "row_labels": numeric_involved, "col_labels": numeric_involved,
            "vmin": -1, "vmax": 1, **chart_text(title=("chart.spearman", {})),
        }
    return [Insight(
        kind="relationships", name="redundant_features", strength=float(pairs[0][2]),
        evidence={
            "pairs": [
                {"a": a, "b": b, "association": round(v, 6), "measure": m, "q": q}
                for a, b, v, m, q in pairs
            ],
            "groups": groups, "threshold": threshold,
        },
        chart=chart,
        **text(("redundant.title", {"n_pairs": len(pairs)}), [("redundant", {
            "n_pairs": len(pairs), "threshold": threshold,
            "q_max": max(p[4] for p in pairs), "groups": groups,
        })]),
    )]


MINERS = (find_related_features, find_redundant_features)
