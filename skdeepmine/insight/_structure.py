"""Structure miners: clusters (in scaled and in deep features), PCA, outliers."""

import numpy as np
import pandas as pd

from ._findings import Insight
from ._text import chart_text, text

#: Silhouette needs all pairwise distances: it is computed on this many rows.
SILHOUETTE_ROWS = 2000

#: Below this silhouette, structure is at best weak and may be an artefact
#: (Kaufman & Rousseeuw's rule of thumb): no finding.  K-means on plain 2-D
#: noise reaches about 0.4.
MIN_SILHOUETTE = 0.5

#: Clusters that the levels of one discrete column, or the combinations of
#: levels of a few, predict this closely (adjusted Rand index) only restate
#: those columns: they are not reported as structure.
RESTATED_ARI = 0.8

#: Numeric columns with at most this many values count as discrete for that check.
MAX_DISCRETE_VALUES = 10

#: Clusters restating combinations of discrete columns: at most this many
#: columns, and this many combinations of their levels.
MAX_RESTATED_COLUMNS = 3
MAX_COMBINED_LEVELS = 32

#: Clusterings with a cluster smaller than this share of the rows are not
#: kept: a few extreme rows (entry errors) are outliers, not a cluster.
MIN_CLUSTER_SHARE = 0.05

#: False-discovery rate of the tests that make a cluster's traits.
TRAIT_ALPHA = 0.05

#: A trait needs the cluster's mean this many standard deviations from 0.
MIN_TRAIT_SHIFT = 0.5

#: Points drawn in cluster scatter plots.
SCATTER_POINTS = 1000

#: Share of variance the PCA finding explains.
VARIANCE_TARGET = 0.9

#: Tukey's "far out" fences: this many inter-quartile ranges beyond the quartiles.
OUTLIER_IQR = 3.0

#: Outliers covering this share of rows (or more) give strength 1: heavy-tailed
#: columns put a few percent of rows beyond the fences without anything being wrong.
OUTLIER_FULL_STRENGTH = 0.25


def _cluster_rows(data):
    """Positions (within the shared sample) used for clustering."""
    n = len(data.sample)
    if n <= SILHOUETTE_ROWS:
        return np.arange(n)
    rng = np.random.RandomState(data.seed(21))
    return np.sort(rng.choice(n, SILHOUETTE_ROWS, replace=False))


def best_clustering(matrix, max_clusters, seed):
    """K-means for k = 2..max_clusters; the k with the best silhouette.

    Returns ``(k, labels, silhouettes)`` or ``None`` when there are too few
    distinct rows to cluster.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n_distinct = len(np.unique(matrix, axis=0))
    upper = min(max_clusters, n_distinct - 1, len(matrix) - 1)
    if upper < 2:
        return None
    silhouettes, labelings = {}, {}
    smallest = max(2, int(np.ceil(MIN_CLUSTER_SHARE * len(matrix))))
    for k in range(2, upper + 1):
        labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(matrix)
        counts = np.bincount(labels, minlength=k)
        if len(np.unique(labels)) < 2 or counts.min() < smallest:
            continue
        silhouettes[k] = float(silhouette_score(matrix, labels))
        labelings[k] = labels
    if not silhouettes:
        return None
    best = max(silhouettes, key=lambda k: (silhouettes[k], -k))
    return best, labelings[best], silhouettes


def _projection(matrix, labels, seed):
    from sklearn.decomposition import PCA

    keep = np.arange(len(matrix))
    if len(keep) > SCATTER_POINTS:
        keep = np.sort(np.random.RandomState(seed).choice(len(keep), SCATTER_POINTS, replace=False))
    n_components = min(2, matrix.shape[1])
    points = PCA(n_components=n_components, random_state=seed).fit_transform(matrix)[keep]
    if n_components == 1:
        points = np.column_stack([points[:, 0], np.zeros(len(points))])
    return points, labels[keep]


def _predicted_by(codes, labels):
    """Adjusted Rand index of ``labels`` with the cluster each code mostly falls in.

    1 when every level (or combination of levels) lies within one cluster and
    the clusters are unions of levels: the levels then predict the clusters.
    """
    from sklearn.metrics import adjusted_rand_score

    k = int(labels.max()) + 1
    table = np.bincount(codes * k + labels, minlength=(int(codes.max()) + 1) * k)
    majority = table.reshape(-1, k).argmax(axis=1)
    return float(adjusted_rand_score(labels, majority[codes]))


def _restated_columns(data, rows, labels):
    """The discrete columns whose levels predict the clusters, as ``(columns, ari)``, or None.

    One rule for one column and for several: a set of discrete columns
    restates the clusters when the cluster each combination of their levels
    mostly falls in matches the cluster labels with adjusted Rand index
    ``RESTATED_ARI`` or more.  Columns are added greedily (the one that best
    raises the index first), up to ``MAX_RESTATED_COLUMNS`` and while the
    combinations stay few enough (``MAX_COMBINED_LEVELS``, and 10 rows each on
    average) that they cannot fit chance clusters.  A city of 4 levels times a
    yes/no column makes 8 combinations that one-hot clustering of a table with
    one continuous column finds as 8 "clusters" (tests/test_insight_truth.py).
    """
    from ._stats import distinct_counts

    sample = data.sample_frame.iloc[rows]
    numeric = list(data.numeric)
    counts = distinct_counts(sample[numeric].to_numpy(dtype=float)) if numeric else []
    candidates = [c for c, n in zip(numeric, counts) if n <= MAX_DISCRETE_VALUES]
    codes = {}
    for column in candidates + list(data.categorical):
        values = sample[column]
        if 2 <= values.nunique(dropna=False) <= MAX_DISCRETE_VALUES:
            codes[column] = pd.factorize(values, use_na_sentinel=False)[0]  # missing: a level
    max_levels = min(MAX_COMBINED_LEVELS, len(rows) // 10)
    chosen, joint, score = [], np.zeros(len(rows), dtype=np.int64), -np.inf
    while codes and len(chosen) < MAX_RESTATED_COLUMNS:
        best = None
        for column, column_codes in codes.items():
            combined = pd.factorize(joint * (column_codes.max() + 1) + column_codes)[0]
            if chosen and combined.max() + 1 > max_levels:
                continue
            ari = _predicted_by(combined, labels)
            if best is None or ari > best[1]:
                best = (column, ari, combined)
        if best is None or best[1] <= score:
            break
        column, score, joint = best
        chosen.append(column)
        del codes[column]
        if score >= RESTATED_ARI:
            return chosen, score
    return None


def _cluster_finding(data, matrix, columns, rows, *, deep):
    found = best_clustering(matrix, data.settings.max_clusters, data.seed(22 + deep))
    name = "deep_clusters" if deep else "clusters"
    space = "deep" if deep else "scaled"
    if found is None:
        return []
    k, labels, silhouettes = found
    silhouette = silhouettes[k]
    evidence = {"k": k, "silhouette": silhouette, "silhouette_by_k": silhouettes,
                "n_rows": len(rows), "space": space}
    common = {"space": space, "k": k, "silhouette": silhouette, "k_max": max(silhouettes)}
    if silhouette < MIN_SILHOUETTE:
        return [Insight(
            kind="structure", name=name, strength=0.0, evidence=evidence,
            # Silhouettes over all columns at once: a few columns' clusters can
            # be drowned by the others, so the text claims nothing beyond that.
            **text(("clusters.none.title", common),
                   [("clusters.none", {**common, "threshold": MIN_SILHOUETTE})]
                   + ([] if deep or matrix.shape[1] < 3 else [("clusters.none.subspace", {})])),
        )]
    restated = None if deep else _restated_columns(data, rows, labels)
    if restated is not None:
        restated_columns, ari = restated
        key = "clusters.restated" if len(restated_columns) == 1 else "clusters.restated_combined"
        params = {**common, "column": restated_columns[0], "columns": restated_columns}
        return [Insight(
            kind="structure", name=name, strength=0.0,
            evidence={**evidence, "restated_columns": restated_columns, "ari": ari},
            **text((f"{key}.title", params), [(key, {**params, "ari": ari})]),
        )]
    sizes = np.bincount(labels, minlength=k) / len(labels)
    significant = None if columns is None else _significant_traits(matrix, labels, k)
    profiles = []
    for cluster in range(k):
        profile = {"cluster": cluster + 1, "share": float(sizes[cluster])}
        if columns is not None:
            centre = matrix[labels == cluster].mean(axis=0)
            # Only traits that differ beyond noise from the other rows.
            top = [j for j in np.argsort(-np.abs(centre), kind="stable")
                   if significant[cluster, j] and abs(centre[j]) >= MIN_TRAIT_SHIFT][:2]
            profile["traits"] = [
                ["high" if centre[j] > 0 else "low", columns[j]] for j in top
            ]
        profiles.append(profile)
    agreement = _target_agreement(data, rows, labels, profiles)
    parts = [("clusters", {**common, "profiles": profiles})]
    if agreement:
        parts.append(("clusters.agreement", {
            "follow": "follow" if agreement["ari"] > 0.3 else "do not follow",
            "target": agreement["target"], "ari": agreement["ari"],
        }))
    points, point_labels = _projection(matrix, labels, data.seed(23 + deep))
    band = "strong" if silhouette > 0.7 else "clear"
    return [Insight(
        kind="structure",
        name=name,
        strength=min(1.0, silhouette),
        evidence={**evidence, "profiles": profiles, "target_agreement": agreement},
        chart={
            "type": "scatter", "x": points[:, 0], "y": points[:, 1],
            "groups": [f"cluster {g + 1}" for g in point_labels],
            **chart_text(xlabel=("chart.first_pc", {}), ylabel=("chart.second_pc", {})),
        },
        **text(("clusters.title", {**common, "band": band}), parts),
    )]


def _significant_traits(matrix, labels, k):
    """(k, n_columns) mask: the cluster differs from the other rows in that column.

    Mann-Whitney tests of each cluster against the rest, Benjamini-Hochberg
    across clusters and columns.
    """
    from scipy.stats import false_discovery_control, mannwhitneyu

    p = np.ones((k, matrix.shape[1]))
    for cluster in range(k):
        inside = labels == cluster
        if inside.all() or not inside.any():
            continue
        with np.errstate(all="ignore"):
            p[cluster] = mannwhitneyu(matrix[inside], matrix[~inside], axis=0).pvalue
    p = np.where(np.isfinite(p), p, 1.0)
    return false_discovery_control(p.ravel()).reshape(p.shape) < TRAIT_ALPHA


def cluster_matrix(data):
    """Sample rows for clustering: the continuous columns, robustly tamed.

    Levels of one column are not structure: one-hot dummies and numeric
    columns with fewer than 3 values are left out (a random binary column
    would otherwise split every cluster in two).  Values beyond Tukey's
    far-out fences are clipped to them before standardising, so a few
    extreme rows do not dominate the distances.  Returns ``(matrix,
    columns)``; ``None`` when fewer than two such columns are left (k-means
    splits one normal column with silhouette near 0.56).
    """
    sample = data.sample_frame
    blocks, columns = [], []
    for column in data.numeric:
        values = sample[column].to_numpy(dtype=float)
        if np.all(np.isnan(values)) or len(np.unique(values[~np.isnan(values)])) < 3:
            continue
        values = np.where(np.isnan(values), np.nanmedian(values), values)
        q1, q3 = np.quantile(values, [0.25, 0.75])
        if q3 > q1:
            values = np.clip(values, q1 - OUTLIER_IQR * (q3 - q1), q3 + OUTLIER_IQR * (q3 - q1))
        peak = np.abs(values).max()
        values = values / peak if peak > 0 else values
        std = values.std()
        if std > 1e-12:
            blocks.append((values - values.mean()) / std)
            columns.append(column)
    if len(blocks) < 2:
        return None
    return np.column_stack(blocks), columns


def _target_agreement(data, rows, labels, profiles):
    """Adjusted Rand index with the first classification target; adds majorities."""
    from sklearn.metrics import adjusted_rand_score

    target = next((t for t in data.targets if t.task == "classification"), None)
    if target is None:
        return None
    positions = data.sample[rows]
    known = target.known[positions]
    if known.sum() < 2:
        return None
    values = target.values.iloc[positions][known].astype(str).to_numpy()
    clusters = labels[known]
    for profile in profiles:
        members = values[clusters == profile["cluster"] - 1]
        if len(members):
            counts = pd.Series(members).value_counts()
            profile["majority"] = counts.index[0]
            profile["purity"] = float(counts.iloc[0] / len(members))
    return {"target": target.name, "ari": float(adjusted_rand_score(values, clusters))}


def find_clusters(data):
    """Clusters in the scaled features; strength is the silhouette.

    Clustered on the continuous columns (:func:`cluster_matrix`); the one-hot
    design (all columns) only when there is none, or to tell that clusters
    found there just restate discrete columns' levels.
    """
    rows = _cluster_rows(data)
    design, design_columns = data.design
    continuous = cluster_matrix(data)
    if continuous is None:
        if design.shape[1] == 0:
            return []
        return _cluster_finding(data, design[rows], design_columns, rows, deep=False)
    matrix, columns = continuous
    found = _cluster_finding(data, matrix[rows], columns, rows, deep=False)
    if found and found[0].strength == 0 and "restated_columns" not in found[0].evidence \
            and design.shape[1] > matrix.shape[1]:
        whole = _cluster_finding(data, design[rows], design_columns, rows, deep=False)
        if whole and "restated_columns" in whole[0].evidence:
            return whole
    return found


def find_deep_clusters(data):
    """Clusters in the deep features of a fitted extractor; strength is the silhouette."""
    if data.deep is None:
        return []
    rows = _cluster_rows(data)
    deep = np.asarray(data.deep, dtype=float)[data.sample][rows]
    std = deep.std(axis=0)
    keep = std > 1e-12
    if not keep.any():
        return []
    matrix = (deep[:, keep] - deep[:, keep].mean(axis=0)) / std[keep]
    return _cluster_finding(data, matrix, None, rows, deep=True)


def _binary_once(data, matrix, columns):
    """The design without the first dummy of each complete categorical column.

    A column of L levels spans L - 1 dimensions: a binary one is one
    dimension, not two perfectly anti-correlated ones (which would lead every
    PCA), and all L dummies would add a dimension of no variance.
    """
    sample = data.sample_frame
    present = set(columns)
    dropped = set()
    for column in data.categorical:
        values = sample[column]
        if values.notna().all():
            names = [c for c in (f"{column}={v}" for v in values.unique()) if c in present]
            if len(names) >= 2:
                dropped.add(sorted(names)[0])
    keep = [j for j, c in enumerate(columns) if c not in dropped]
    return matrix[:, keep], [columns[j] for j in keep]


def find_principal_components(data):
    """Components needed for 90% of the variance; strength = 1 - needed / features."""
    from sklearn.decomposition import PCA

    matrix, columns = _binary_once(data, *data.design)
    n_features = matrix.shape[1]
    if n_features < 3 or len(matrix) < 3:
        return []
    pca = PCA(random_state=data.seed(31)).fit(matrix)
    cumulative = np.cumsum(pca.explained_variance_ratio_)
    needed = int(min(np.searchsorted(cumulative, VARIANCE_TARGET - 1e-9) + 1, len(cumulative)))
    common = {"n_features": n_features, "target": VARIANCE_TARGET}
    if needed == n_features:
        return [Insight(
            kind="structure", name="principal_components", strength=0.0,
            evidence={"n_components": needed, "n_features": n_features},
            **text(("pca.none.title", common), [("pca.none", common)]),
        )]
    first = pd.Series(pca.components_[0], index=columns)
    leading = first.abs().sort_values(ascending=False, kind="stable").index[:3]
    params = {**common, "needed": needed, "explained": float(cumulative[needed - 1]),
              "first": float(cumulative[0]), "leading": list(leading)}
    return [Insight(
        kind="structure",
        name="principal_components",
        strength=1.0 - needed / n_features,
        evidence={
            "n_components": needed, "n_features": n_features,
            "explained_variance_ratio": pca.explained_variance_ratio_.round(6),
            "first_component": first.round(6).to_dict(),
        },
        chart={
            "type": "line", "x": list(range(1, len(cumulative) + 1)), "y": cumulative,
            "hline": VARIANCE_TARGET, "ylim": [0, 1.02], "integer_x": True,
            **chart_text(xlabel=("chart.components", {}), ylabel=("chart.cumulative", {})),
        },
        **text(("pca.title", params), [
            ("pca", params), ("pca.compress" if needed <= n_features / 2 else "pca.spread", params),
        ]),
    )]


def find_outliers(data):
    """Rows with a value beyond Tukey's far-out fences (3 IQR past the quartiles).

    Strength reaches 1 when a quarter of the rows are outliers.  Columns with few
    distinct values or no spread are skipped: their quartiles make no fence.
    """
    from ._stats import distinct_counts

    columns = list(data.numeric)
    matrix = data.frame[columns].to_numpy(dtype=float) if columns else np.empty((data.n_rows, 0))
    usable = distinct_counts(matrix) > 5
    matrix, columns = matrix[:, usable], [c for c, u in zip(columns, usable) if u]
    flagged = np.zeros(data.n_rows, dtype=bool)
    per_column = {}
    if columns:
        q1, q3 = np.nanquantile(matrix, [0.25, 0.75], axis=0)
        spread = q3 - q1
        with np.errstate(invalid="ignore"):
            outside = (matrix < q1 - OUTLIER_IQR * spread) | (matrix > q3 + OUTLIER_IQR * spread)
        outside &= spread > 0
        counts = outside.sum(axis=0)
        per_column = {columns[j]: int(counts[j]) for j in np.flatnonzero(counts)}
        flagged = outside.any(axis=1)
    n_outliers = int(flagged.sum())
    if n_outliers == 0:
        return [Insight(
            kind="structure", name="outliers", strength=0.0, evidence={"n_outliers": 0},
            **text(("outliers.none.title", {}), [("outliers.none", {"iqr": OUTLIER_IQR})]),
        )]
    share = n_outliers / data.n_rows
    ranked = sorted(per_column.items(), key=lambda item: (-item[1], item[0]))
    params = {"share": share, "n_outliers": n_outliers, "iqr": OUTLIER_IQR,
              "per_column": [list(item) for item in ranked[:3]]}
    return [Insight(
        kind="structure",
        name="outliers",
        strength=min(1.0, share / OUTLIER_FULL_STRENGTH),
        evidence={
            "n_outliers": n_outliers, "share": share, "per_column": dict(ranked),
            "rows": np.flatnonzero(flagged)[:50],
        },
        chart={
            "type": "bar", "labels": [c for c, _ in ranked[:20]],
            "values": [n for _, n in ranked[:20]], **chart_text(xlabel=("chart.beyond", {})),
        },
        **text(("outliers.title", params), [("outliers", params)]),
    )]


MINERS = (find_clusters, find_deep_clusters, find_principal_components, find_outliers)
