"""Relationship miners: features related to the target, redundant features.

Every feature-target pair gets the test its kinds call for (see ``_stats``),
all of them together one Benjamini-Hochberg family: a relation is reported
when its q-value is under ``ALPHA``, ranked by an effect size a reader can
interpret, with a plain contrast ("churn 51% in the lowest quarter of tenure
vs 24% in the highest").  A numeric feature is also tested by its quantile
bins (relations that are not monotone) and by whether it is missing, one
p-value per feature (:func:`_target_tests`).  A feature that nearly copies
the target is a possible leak: warned about, and left out of the findings
about the target and of the rules.
"""

import numpy as np
import pandas as pd

from ._constants import ALPHA, EFFECT_BANDS, MAX_LEVELS, MIN_LEVEL_ROWS, REDUNDANT_ASSOCIATION
from ._findings import Insight
from ._stats import (
    PERMUTATIONS,
    bh_adjust,
    chi_square,
    contingency_tests,
    distinct_counts,
    kruskal,
    merge_rare,
    quantile_codes,
    rank_group_tests,
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

#: The effect size of each test (see :func:`_target_tests`) per kind of target.
MEASURES = {
    ("trend", "binary"): "rank-biserial r",
    ("trend", "classes"): "Kruskal-Wallis eta",
    ("trend", "regression"): "Spearman rho",
    ("bins", "binary"): "Cramer's V",
    ("bins", "classes"): "Cramer's V",
    ("bins", "regression"): "Kruskal-Wallis eta",
    ("missing", "binary"): "Cramer's V",
    ("missing", "classes"): "Cramer's V",
    ("missing", "regression"): "rank-biserial r",
    ("levels", "binary"): "Cramer's V",
    ("levels", "classes"): "Cramer's V",
    ("levels", "regression"): "Kruskal-Wallis eta",
}

#: A numeric feature's tests, in the order that breaks ties between p-values.
TEST_ORDER = ("trend", "missing", "bins")

#: Quantile bins of a numeric feature in the binned test, and the rows each
#: bin needs (fewer rows, fewer bins; under 3 bins, no binned test).
RELATION_BINS = 5
ROWS_PER_BIN = 20

#: A relation the binned test found is described as not monotone only when
#: the trend test's effect is under this share of the binned effect; else the
#: trend is described (the bins only sharpened its p-value).
TREND_SHARE = 0.5

#: A related feature with an effect at least this large nearly copies the
#: target: reported as a possible leak, not as a finding about the target.
LEAK_EFFECT = 0.98


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


def relation_bins(n_rows):
    """Quantile bins of the binned test on ``n_rows`` rows (under 3: no binned test)."""
    return min(RELATION_BINS, n_rows // ROWS_PER_BIN)


def _binned_test(matrix, shape, y, n_bins):
    """Quantile bins of each column (missing values left out) against ``y``: ``(p, effect)``."""
    codes = quantile_codes(matrix, n_bins)
    filled = np.stack([(codes == b).any(axis=0) for b in range(n_bins)]).sum(axis=0)
    if shape == "regression":
        p, effect = rank_group_tests(codes, y, n_bins)
    else:
        p, effect, _ = contingency_tests(codes, y, n_bins)
    # Two filled bins (a 0/1 column) repeat the trend test: not a test of its own;
    # nor are columns with fewer known rows than a test needs.
    enough = (filled >= 3) & ((codes >= 0).sum(axis=0) >= MIN_ROWS)
    return np.where(enough, p, np.nan), effect


def _missingness_tests(matrix, shape, y, rng, permutations):
    """Whether each column's value is missing, tested against ``y``: ``(p, effect)``.

    Columns with fewer than ``MIN_LEVEL_ROWS`` missing (or present) values
    get NaN.  Classes: chi-square (a permutation p-value where expected counts
    are small), bias-corrected Cramer's V; numbers: Mann-Whitney, rank-biserial r
    (positive when the rows missing the value have the higher target).
    """
    gaps = np.isnan(matrix)
    n_missing = gaps.sum(axis=0)
    p, effect = np.full(matrix.shape[1], np.nan), np.full(matrix.shape[1], np.nan)
    tested = np.flatnonzero((n_missing >= MIN_LEVEL_ROWS)
                            & (len(matrix) - n_missing >= MIN_LEVEL_ROWS))
    if not len(tested):
        return p, effect
    indicator = gaps[:, tested].astype(np.int64)
    if shape == "regression":
        p[tested], effect[tested] = rank_group_tests(indicator, y, 2)
        return p, effect
    p[tested], effect[tested], valid = contingency_tests(indicator, y, 2)
    for j in tested[~valid]:
        p_j, v_j = chi_square(gaps[:, j].astype(np.int64), y.astype(np.int64), permutations())
        if np.isfinite(p_j):
            k = len(np.unique(y))
            chi2 = v_j ** 2 * len(y)  # min(2, k) - 1 = 1
            p[j], effect[j] = p_j, float(np.sqrt(max(0.0, chi2 - (k - 1)) / len(y)))
    return p, effect


def _target_tests(data, target, rng):
    """One record per tested feature of ``target``: p-value and effect.

    A numeric feature gets up to three tests: the trend test (Mann-Whitney,
    Kruskal-Wallis or Spearman: shifts and monotone trends), the binned test
    (its quantile bins against the target: chi-square for classes,
    Kruskal-Wallis for numbers, which sees a U shape the trend test misses)
    and, when values are missing, whether a value is missing against the
    target.  Its p-value is the smallest of them times their number
    (Bonferroni within the column), so the Benjamini-Hochberg family over
    features stays one p-value per feature; the record describes the test
    that found the relation (``test``).
    """
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
    shuffles = []

    def permutations():
        if not shuffles:
            shuffles.append(np.array(
                [rng.permutation(len(y)) for _ in range(PERMUTATIONS)], dtype=np.int32))
        return shuffles[0]

    numeric = list(data.numeric)
    if numeric:
        matrix = frame[numeric].to_numpy(dtype=float)

        def test(block, keep):
            if shape == "regression":
                return spearman(block, y[keep])
            if len(np.unique(y[keep])) < 2:
                return np.full(block.shape[1], np.nan), np.full(block.shape[1], np.nan)
            return kruskal(block, y[keep], rng)

        found = {"trend": _numeric_block(matrix, test)}
        n_bins = relation_bins(len(rows))
        if n_bins >= 3:
            found["bins"] = _binned_test(matrix, shape, y, n_bins)
        found["missing"] = _missingness_tests(matrix, shape, y, rng, permutations)
        for j, column in enumerate(numeric):
            tests = {name: (float(p[j]), float(e[j])) for name, (p, e) in found.items()
                     if np.isfinite(p[j]) and np.isfinite(e[j])}
            if not tests:
                continue
            chosen = min(tests, key=lambda name: (tests[name][0], TEST_ORDER.index(name)))
            if (chosen == "bins" and "trend" in tests
                    and abs(tests["trend"][1]) >= TREND_SHARE * tests["bins"][1]):
                chosen = "trend"  # a monotone relation the bins only sharpen
            n_tests = len(tests)
            p_j = min(1.0, n_tests * min(t[0] for t in tests.values()))
            records.append({
                "column": column, "column_kind": "numeric", "test": chosen,
                "p": p_j, "effect": tests[chosen][1], "n_column_tests": n_tests,
                "trend_effect": tests.get("trend", (np.nan, np.nan))[1],
                "p_missing": min(1.0, n_tests * tests["missing"][0])
                if "missing" in tests else np.nan,
            })
    for column in data.categorical:
        codes, labels = _category_codes(frame[column])
        if not 2 <= len(labels) <= MAX_LEVELS:
            continue
        if shape == "regression":
            p_j, e_j = (v[0] for v in kruskal(y[:, None], codes, rng))
        else:
            p_j, e_j = chi_square(codes, y.astype(np.int64), permutations())
        if np.isfinite(p_j):
            records.append({"column": column, "column_kind": "categorical", "test": "levels",
                            "p": float(p_j), "effect": float(e_j), "n_column_tests": 1,
                            "trend_effect": np.nan, "p_missing": np.nan})
    return [
        {"target": target.name, **record, "measure": MEASURES[(record["test"], shape)],
         "trend_measure": MEASURES[("trend", shape)],
         "strength": float(min(1.0, abs(record["effect"]))), "n_rows": int(len(rows))}
        for record in records
    ]


def relation_tests(data):
    """Every feature-target test of the table, with Benjamini-Hochberg q-values.

    One family over all targets' tests, one p-value per feature and target
    (see :func:`_target_tests`).  Returns a DataFrame with columns
    ``target, column, column_kind, test, p, effect, measure, strength,
    n_rows, q, related, leak, missing_related`` (and the helpers
    ``n_column_tests, trend_effect, trend_measure, p_missing``), strongest
    related first; computed once and cached.  ``leak`` marks related features
    whose effect reaches ``LEAK_EFFECT``: near copies of the target.
    ``missing_related`` marks related features whose missingness alone
    passes the false-discovery control.
    """
    if "relations" in data.cache:
        return data.cache["relations"]
    rng = np.random.RandomState(data.seed(11))
    records = [r for target in data.targets for r in _target_tests(data, target, rng)]
    columns = ["target", "column", "column_kind", "test", "measure", "p", "effect",
               "strength", "n_rows", "n_column_tests", "trend_effect", "trend_measure",
               "p_missing"]
    table = pd.DataFrame(records, columns=columns)
    table["q"] = bh_adjust(table["p"].to_numpy()) if len(table) else []
    table["related"] = table["q"] < ALPHA
    table["leak"] = table["related"] & (table["strength"] >= LEAK_EFFECT)
    # BH rejects every p-value up to the largest one it rejects.
    cutoff = table.loc[table["related"], "p"].max() if table["related"].any() else -1.0
    table["missing_related"] = table["related"] & (table["p_missing"] <= cutoff)
    table = table.sort_values(["related", "strength", "column"], ascending=[False, False, True],
                              kind="stable").reset_index(drop=True)
    data.cache["relations"] = table
    return table


def ranked_features(data, target, *, related=False):
    """Features of ``target``, related ones first (by effect).

    With ``related``, only the related ones that are not possible leaks
    (near copies of the target make no rule or finding about it).
    """
    table = relation_tests(data)
    chosen = table["target"] == target.name
    if related:
        chosen &= table["related"] & ~table["leak"]
    return list(table.loc[chosen, "column"])


def leaking_features(data, target):
    """Features of ``target`` that nearly copy it (possible leaks), strongest first."""
    table = relation_tests(data)
    return list(table.loc[(table["target"] == target.name) & table["leak"], "column"])


# ------------------------------------------------------------------ contrasts
def _quarters(x):
    q1, q3 = np.quantile(x, [0.25, 0.75])
    low, high = x <= q1, x >= q3
    if (low & high).any():  # heavy ties: split at the shared value
        low, high = x < q3, x >= q3
        if not low.any():
            low, high = x <= q1, x > q1
    return low, high


def contrast(data, target, column, test="trend"):
    """The plain-language contrast behind a relation: ``(key, params)``.

    ``test`` names the test that found it (see :func:`_target_tests`):
    quarters of a numeric feature for a trend, each quantile bin for the
    binned test, rows missing the value against the others for
    missingness, levels for a categorical feature.
    """
    rows = data.sample[target.known[data.sample]]
    values = target.values.iloc[rows].reset_index(drop=True)
    feature = data.frame[column].iloc[rows].reset_index(drop=True)
    params = {"target": target.name, "column": column}
    numeric = column in data.numeric
    if numeric and test == "missing":
        missing = feature.isna().to_numpy()
        groups = {"missing": missing, "present": ~missing}
    elif numeric:
        keep = feature.notna().to_numpy()
        x = feature.to_numpy(dtype=float)[keep]
        values = values[keep].reset_index(drop=True)
        if test == "bins":
            codes = quantile_codes(x[:, None], relation_bins(len(rows)))[:, 0]
            filled = np.unique(codes)
            groups = {int(b): codes == b for b in filled}
            params["edges"] = [data.value_text(column, x[codes == b].min())
                               for b in filled[1:]]
        else:
            low, high = _quarters(x)
            params.update(low_edge=data.value_text(column, x[low].max()),
                          high_edge=data.value_text(column, x[high].min()))
            groups = {"low": low, "high": high}
    else:
        codes, labels = _category_codes(feature)
        groups = {label: codes == i for i, label in enumerate(labels)
                  if label != "(rare levels)"}
    how = "quarters" if numeric and test == "trend" else "levels" if not numeric else test
    if target.task == "classification":
        chosen = _class_of_interest(values, groups, target.classes)
        summary = {g: float(np.mean(values[m] == chosen)) for g, m in groups.items() if m.any()}
        params["cls"] = str(chosen)
        key = f"contrast.rate_{how}"
    else:
        y = values.to_numpy(dtype=float)
        summary = {g: float(np.median(y[m])) for g, m in groups.items() if m.any()}
        key = f"contrast.median_{how}"
    if how == "quarters":
        params.update(low=summary["low"], high=summary["high"])
    elif how == "missing":
        params.update(missing=summary["missing"], present=summary["present"])
    elif how == "bins":
        params["values"] = list(summary.values())
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
def _feature_words(record):
    """The ``relations.feature*`` template of one related feature."""
    params = {
        "column": record["column"], "band": band(record["strength"]),
        "certainty": certainty(record["q"]), "measure": record["measure"],
        "effect": record["effect"], "q": record["q"],
    }
    if record["test"] == "bins":
        # Against classes the "trend" test asks whether the feature shifts
        # between them: a relation it misses is not a plain shift.
        shape = "not a shift" if record["trend_measure"] == MEASURES[("trend", "classes")] \
            else "not monotone"
        return ("relations.feature.bins", {
            **params, "shape": shape, "trend_measure": record["trend_measure"],
            "trend": 0.0 if not np.isfinite(record["trend_effect"]) else record["trend_effect"],
        })
    if record["test"] == "missing":
        return ("relations.feature.missing", params)
    return ("relations.feature", params)


def _leak_finding(target, leaks):
    """Features that nearly copy ``target``: a warning, not a finding about it."""
    items = [["relations.leak.item", {"column": r["column"], "measure": r["measure"],
                                      "effect": r["effect"]}] for r in leaks]
    columns = [r["column"] for r in leaks]
    return Insight(
        kind="relationships", name="target_leakage", strength=1.0,
        evidence={"target": target.name, "columns": columns, "threshold": LEAK_EFFECT,
                  "effects": {r["column"]: float(r["effect"]) for r in leaks}},
        **text(("relations.leak.title", {"target": target.name, "columns": columns}),
               [("relations.leak", {"target": target.name, "columns": columns,
                                    "items": items, "threshold": LEAK_EFFECT})]),
    )


def find_related_features(data):
    """Features related to each target; strength = the largest effect size.

    Effect sizes lie in [0, 1]: |rank-biserial r| (numeric feature, two
    classes), bias-corrected eta of Kruskal-Wallis (more classes, or a
    categorical feature and a numeric target), |Spearman rho| (numeric
    feature and target), Cramer's V (categorical feature and classes); a
    numeric feature found by its quantile bins or by whether it is missing
    gets that test's effect (see :func:`_target_tests`).  A target with no
    related feature gets a finding of strength 0.  Features that nearly copy
    the target (effect at least ``LEAK_EFFECT``) get a leakage warning of
    their own and are left out of this finding.
    """
    table = relation_tests(data)
    findings = []
    helpers = ["target", "n_column_tests", "trend_effect", "trend_measure", "p_missing"]
    for target in data.targets:
        tests = table[table["target"] == target.name]
        if tests.empty:
            continue
        leaks = tests[tests["leak"]].to_dict(orient="records")
        if leaks:
            findings.append(_leak_finding(target, leaks))
        related = tests[tests["related"] & ~tests["leak"]]
        common = {"target": target.name, "alpha": ALPHA}
        evidence = {
            "target": target.name, "alpha": ALPHA, "n_tests": len(table),
            "n_tested": len(tests),
            # Related features first: a wide table lists its strongest tests only.
            # Significant digits, not decimals: p = 3e-40 must not read 0.0.
            "tests": tests.head(MAX_LISTED_TESTS).drop(columns=helpers).apply(
                lambda c: c.map(lambda v: float(f"{v:.8g}")) if c.dtype.kind == "f" else c)
            .to_dict(orient="records"),
        }
        left_out = []
        if leaks:
            left_out = [("relations.leaks_left_out", {
                "target": target.name, "columns": [r["column"] for r in leaks]})]
        if related.empty:
            others = tests[~tests["leak"]]
            findings.append(Insight(
                kind="relationships", name="related_features", strength=0.0,
                evidence=evidence,
                **text(("relations.none.title", common), [("relations.none", {
                    # The leaks, reported apart, are not among the features "none" covers.
                    **common, "n_tested": len(others),
                    "q_min": float(others["q"].min()) if len(others) else 1.0,
                    "n_rows": int(tests["n_rows"].max()),
                })] + left_out),
            ))
            continue
        parts = [("relations.lead", {
            **common, "n_related": len(related), "n_tested": len(tests), "n_tests": len(table),
        })]
        for record in related.head(DESCRIBED).to_dict(orient="records"):
            key, params = contrast(data, target, record["column"], record["test"])
            parts.append(("relations.item", {"feature": _feature_words(record),
                                             "contrast": [key, params]}))
        unrelated = list(tests.loc[~tests["related"], "column"])
        if unrelated:
            parts.append(("relations.unrelated", {"alpha": ALPHA, "columns": unrelated}))
        parts += left_out
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
