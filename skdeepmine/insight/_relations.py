"""Relationship miners: the strongest features for the target, redundant pairs."""

import itertools

import numpy as np
import pandas as pd

from ._findings import Insight, names, percent

#: Categorical columns with more levels are left out of mutual information:
#: an identifier "explains" any target perfectly in the sample.
MAX_MI_LEVELS = 50

#: Feature pairs at least this associated (|Spearman rho| or Cramer's V) are redundant.
REDUNDANT_ASSOCIATION = 0.95

#: Categorical columns compared pairwise for redundancy (the first ones).
MAX_CATEGORICAL_PAIRS_COLUMNS = 30

#: Shuffled feature-target pairs behind the chance level of mutual information.
CHANCE_DRAWS = 30

#: Features listed in the figure of the strongest features.
TOP_FEATURES = 15


def feature_scores(data, target):
    """Relevance of each feature for ``target`` in [0, 1], strongest first.

    Mutual information (MI) is first reduced by its chance level: the largest
    MI any feature reaches with a shuffled target (over enough shuffles for
    at least 30 feature-target pairs).  The nearest-neighbour MI
    estimator is biased upwards on small samples, and this keeps noise from
    reading as a relationship.  Classification: the remaining MI over the
    target's entropy (the share of the target's uncertainty a feature
    removes).  Regression: Linfoot's informational coefficient
    ``sqrt(1 - exp(-2 MI))``, which equals ``|r|`` for jointly Gaussian
    variables.  Computed once per target on the shared sample and cached.
    """
    key = ("feature_scores", target.name)
    if key in data.cache:
        return data.cache[key]
    matrix, discrete, columns = data.codes
    known = target.known[data.sample]
    keep = [
        j for j, column in enumerate(columns)
        if not discrete[j] or len(np.unique(matrix[:, j])) <= MAX_MI_LEVELS
    ]
    scores = pd.Series(dtype=float)
    y = target.values.iloc[data.sample][known]
    if keep and known.sum() >= 10 and y.nunique() > 1:
        X = matrix[known][:, keep]
        if target.task == "classification":
            y, _ = pd.factorize(y)
        else:
            y = y.to_numpy(dtype=float)
        mi = _mutual_information(X, y, discrete[keep], target.task, data.seed(11))
        # At least CHANCE_DRAWS feature-target pairs under shuffling, so the
        # chance level is a maximum over many draws even with few features.
        rng = np.random.RandomState(data.seed(12))
        n_shuffles = min(5, -(-CHANCE_DRAWS // len(keep)))
        chance = max(
            _mutual_information(X, rng.permutation(y), discrete[keep], target.task,
                                data.seed(13 + i)).max()
            for i in range(n_shuffles)
        )
        mi = np.clip(mi - chance, 0.0, None)
        if target.task == "classification":
            shares = np.bincount(y) / len(y)
            values = mi / -np.sum(shares * np.log(shares))
        else:
            values = np.sqrt(1.0 - np.exp(-2.0 * mi))
        scores = pd.Series(np.clip(values, 0.0, 1.0), index=[columns[j] for j in keep])
        scores = scores.sort_values(ascending=False, kind="stable")
    data.cache[key] = scores
    return scores


def _mutual_information(X, y, discrete, task, seed):
    from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

    estimate = mutual_info_classif if task == "classification" else mutual_info_regression
    return estimate(
        X, y, discrete_features=discrete, n_neighbors=min(3, len(y) - 1), random_state=seed
    )


def find_strongest_features(data):
    """The features that tell most about each target; strength = the best score."""
    findings = []
    for target in data.targets:
        scores = feature_scores(data, target)
        if scores.empty or scores.iloc[0] <= 0:
            continue
        measure = (
            "share of the target's uncertainty it removes (mutual information above "
            "chance / entropy)" if target.task == "classification"
            else "informational correlation sqrt(1 - exp(-2 MI)) of the mutual "
            "information above chance; |r| for Gaussian data"
        )
        top = scores[scores > 0].iloc[:3]
        if target.task == "classification":
            listed = ", ".join(f"{c} ({percent(s)})" for c, s in top.items())
            lead = f"Knowing {top.index[0]} removes {percent(top.iloc[0])} of the uncertainty about {target.name}"
        else:
            listed = ", ".join(f"{c} ({s:.2f})" for c, s in top.items())
            lead = f"{top.index[0]} tells most about {target.name} (informational correlation {top.iloc[0]:.2f})"
        unrelated = list(scores.index[scores < 0.01])
        unrelated_note = (
            f" {names(unrelated)} show{'s' * (len(unrelated) == 1)} no measurable "
            f"relation to it on {'its' if len(unrelated) == 1 else 'their'} own."
            if unrelated else ""
        )
        shown = scores.iloc[:TOP_FEATURES]
        findings.append(Insight(
            kind="relationships",
            name="mutual_information",
            title=f"Strongest features for {target.name}: {names(top.index, 3)}",
            message=(
                f"{lead}. Ranked by mutual information: {listed}." + unrelated_note
            ),
            strength=float(scores.iloc[0]),
            evidence={
                "target": target.name, "measure": measure,
                "scores": scores.round(6).to_dict(), "n_rows": int(target.known[data.sample].sum()),
            },
            chart={
                "type": "bar", "labels": list(shown.index), "values": list(shown.values),
                "xlabel": "relevance (normalised mutual information)",
            },
        ))
    return findings


def find_redundant_features(data):
    """Feature pairs that carry the same information; strength = the strongest pair.

    Numeric pairs by |Spearman rho| (any monotone relation), categorical pairs
    by Cramer's V.
    """
    pairs = _numeric_pairs(data) + _categorical_pairs(data)
    if not pairs:
        return []
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    groups = _groups(pairs)
    described = "; ".join(" ~ ".join(group) for group in groups[:4])
    involved = list(dict.fromkeys(c for p in pairs for c in p[:2]))[:12]
    chart = None
    numeric_involved = [c for c in involved if c in data.numeric]
    if len(numeric_involved) >= 2:
        ranks = data.sample_frame[numeric_involved].rank()
        chart = {
            "type": "heatmap", "matrix": ranks.corr().round(3).to_numpy(),
            "row_labels": numeric_involved, "col_labels": numeric_involved,
            "vmin": -1, "vmax": 1, "title": "Spearman correlation",
        }
    return [Insight(
        kind="relationships",
        name="redundant_features",
        title=f"{len(pairs)} redundant feature pair{'s' * (len(pairs) > 1)}",
        message=(
            f"These features move together (association at least "
            f"{REDUNDANT_ASSOCIATION}): {described}. Keeping one per group loses "
            "little information and makes importances easier to read (correlated "
            "features share, and hide, each other's importance)."
        ),
        strength=float(pairs[0][2]),
        evidence={
            "pairs": [
                {"a": a, "b": b, "association": round(v, 6), "measure": m}
                for a, b, v, m in pairs
            ],
            "groups": groups,
        },
        chart=chart,
    )]


def _numeric_pairs(data):
    columns = [c for c in data.numeric if data.sample_frame[c].nunique() > 1]
    if len(columns) < 2:
        return []
    corr = data.sample_frame[columns].rank().corr().to_numpy()
    pairs = []
    for i, j in zip(*np.triu_indices(len(columns), k=1)):
        value = abs(corr[i, j])
        if np.isfinite(value) and value >= REDUNDANT_ASSOCIATION:
            pairs.append((columns[i], columns[j], float(value), "spearman"))
    return pairs


def _categorical_pairs(data):
    from scipy.stats.contingency import association

    sample = data.sample_frame
    codes = {}
    for column in data.categorical[:MAX_CATEGORICAL_PAIRS_COLUMNS]:
        values, levels = pd.factorize(sample[column])  # missing rows get -1
        if 1 < len(levels) <= MAX_MI_LEVELS:
            codes[column] = (values, len(levels))
    pairs = []
    for (a, (ca, na)), (b, (cb, nb)) in itertools.combinations(codes.items(), 2):
        both = (ca >= 0) & (cb >= 0)
        # The contingency table by counting code pairs: one pass, no crosstab.
        table = np.bincount(ca[both] * nb + cb[both], minlength=na * nb).reshape(na, nb)
        table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
        if min(table.shape) < 2:
            continue
        value = float(association(table, method="cramer"))
        if value >= REDUNDANT_ASSOCIATION:
            pairs.append((a, b, value, "cramer_v"))
    return pairs


def _groups(pairs):
    """Connected groups of redundant features, largest association first."""
    groups = []
    for a, b, _, _ in pairs:
        owner = [g for g in groups if a in g or b in g]
        merged = list(dict.fromkeys([c for g in owner for c in g] + [a, b]))
        groups = [g for g in groups if g not in owner] + [merged]
    return sorted(groups, key=len, reverse=True)


MINERS = (find_strongest_features, find_redundant_features)
