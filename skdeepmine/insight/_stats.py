"""Significance tests the miners share, vectorised over columns.

Numeric columns against a class target: Kruskal-Wallis on ranks (for two
classes the Mann-Whitney test, asymptotic, with its rank-biserial r);
against a numeric target: Spearman's rho.  Categorical columns: chi-square
after merging rare levels, with a Monte-Carlo permutation p-value when
expected counts are small.  Benjamini-Hochberg turns p-values into q-values.
"""

import numpy as np
from scipy import stats

from ._constants import MIN_LEVEL_ROWS

#: Permutations behind a Monte-Carlo p-value.
PERMUTATIONS = 999

#: Groups smaller than this get permutation p-values instead of the
#: chi-square approximation of Kruskal-Wallis.
MIN_ASYMPTOTIC_GROUP = 5


def bh_adjust(p_values, n_tests=None):
    """Benjamini-Hochberg q-values; NaN stays NaN.

    ``n_tests`` (default: the number of finite p-values) may be larger when
    only the smallest p-values of a family were computed.
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    if not len(finite):
        return q
    m = max(len(finite), n_tests or 0)
    order = finite[np.argsort(p[finite], kind="stable")]
    ranked = p[order] * m / np.arange(1, len(order) + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return q


def ranks(matrix):
    """Average ranks of each column (no missing values)."""
    return stats.rankdata(matrix, axis=0)


def _tie_factor(ranked):
    """Kruskal-Wallis / Mann-Whitney tie correction per column: 1 - sum(t^3 - t) / (n^3 - n)."""
    n, p = ranked.shape
    ordered = np.sort(ranked, axis=0)
    new_run = np.vstack([np.ones((1, p), bool), ordered[1:] != ordered[:-1]])
    run_id = np.cumsum(new_run, axis=0) - 1 + n * np.arange(p)
    sizes = np.bincount(run_id.ravel(order="F"), minlength=n * p).astype(float)
    ties = (sizes ** 3 - sizes).reshape(p, n).sum(axis=1)
    return 1.0 - ties / (n ** 3 - n)


def _kw_statistic(ranked, onehot, counts, factor):
    n = ranked.shape[0]
    sums = onehot.T @ ranked  # (k, p)
    h = 12.0 / (n * (n + 1)) * np.sum(sums ** 2 / counts[:, None], axis=0) - 3.0 * (n + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(factor > 0, h / factor, np.nan), sums


def kruskal(matrix, groups, rng):
    """Kruskal-Wallis of each column of ``matrix`` (no NaN) across ``groups``.

    Returns ``(p, effect)``: for two groups the rank-biserial r (positive when
    the second group's values are higher), else eta, the square root of
    eta^2 = (H - k + 1) / (n - k) clipped at 0 (:func:`kruskal_eta`).  Groups
    smaller than ``MIN_ASYMPTOTIC_GROUP`` rows get permutation p-values.
    Constant columns get NaN.
    """
    codes, counts = np.unique(groups, return_inverse=True, return_counts=True)[1:]
    k, n = len(counts), len(groups)
    ranked = ranks(matrix)
    factor = _tie_factor(ranked)
    onehot = np.eye(k)[codes]
    h, sums = _kw_statistic(ranked, onehot, counts.astype(float), factor)
    if counts.min() < MIN_ASYMPTOTIC_GROUP:
        exceed = np.zeros(h.shape)
        for _ in range(PERMUTATIONS):
            h_b, _ = _kw_statistic(ranked, onehot[rng.permutation(n)], counts.astype(float),
                                   factor)
            exceed += h_b >= h - 1e-12
        p = (exceed + 1.0) / (PERMUTATIONS + 1.0)
    else:
        p = stats.chi2.sf(h, k - 1)
    if k == 2:
        means = sums / counts[:, None]
        effect = 2.0 * (means[1] - means[0]) / n
    else:
        effect = kruskal_eta(h, k, n)
    p = np.where(np.isfinite(h), p, np.nan)
    return p, np.where(np.isfinite(h), effect, np.nan)


def kruskal_eta(h, k, n):
    """Effect size of Kruskal-Wallis ``h`` over ``k`` groups of ``n`` rows, in [0, 1].

    sqrt(eta^2) with eta^2 = (H - k + 1) / (n - k) clipped at 0: the share
    of rank variance between the groups, less what ``k`` groups of noise
    explain (H averages k - 1 under independence), so it reads on the
    correlation scale of ``EFFECT_BANDS`` whatever ``k``.  The uncorrected
    sqrt(H / (n - 1)) averaged 0.29 on noise columns against 19 classes of
    200 rows, 45% of them "moderate" (tests/test_insight_findings.py).
    """
    eta_squared = (np.asarray(h, dtype=float) - k + 1.0) / max(n - k, 1)
    return np.sqrt(np.clip(eta_squared, 0.0, 1.0))


def spearman(matrix, y):
    """Spearman's rho of each column of ``matrix`` (no NaN) with ``y``; ``(p, rho)``."""
    n = len(y)
    ranked = ranks(matrix)
    ranked -= ranked.mean(axis=0)
    ry = stats.rankdata(y)
    ry -= ry.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = (ranked.T @ ry) / (np.sqrt((ranked ** 2).sum(axis=0)) * np.sqrt((ry ** 2).sum()))
        rho = np.clip(rho, -1.0, 1.0)
        t = rho * np.sqrt((n - 2) / np.maximum(1.0 - rho ** 2, 1e-300))
    p = 2.0 * stats.t.sf(np.abs(t), n - 2)
    return np.where(np.isfinite(rho), p, np.nan), rho


def merge_rare(codes, min_rows=MIN_LEVEL_ROWS):
    """Codes with levels of fewer than ``min_rows`` rows merged into one level.

    Returns ``(codes, kept)``: new codes 0..m-1 and the old codes kept as
    levels of their own (the merged level, if any, comes last).
    """
    counts = np.bincount(codes)
    kept = np.flatnonzero(counts >= min_rows)
    mapping = np.full(len(counts), len(kept))
    mapping[kept] = np.arange(len(kept))
    return mapping[codes], kept


def chi_square(a, b, permutations):
    """Chi-square test of independence of two code vectors; ``(p, cramers_v)``.

    ``permutations`` (B, n) are row orders for ``b``: when more than a fifth
    of the expected counts are under 5 (Cochran), the p-value is the share of
    permuted tables at least as extreme.
    """
    # Levels absent here (a class left out of a row sample) are dropped.
    a = np.unique(a, return_inverse=True)[1].ravel()
    b_levels, b = np.unique(b, return_inverse=True)
    b = b.ravel()
    ka, kb = a.max() + 1, len(b_levels)
    if ka < 2 or kb < 2:
        return np.nan, np.nan
    n = len(a)
    table = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb)
    expected = np.outer(table.sum(1), table.sum(0)) / n
    statistic = float(np.sum((table - expected) ** 2 / expected))
    v = float(np.sqrt(statistic / (n * (min(ka, kb) - 1))))
    if np.mean(expected < 5) > 0.2 or expected.min() < 1:
        shuffled = b[permutations]  # (B, n)
        offsets = np.arange(len(permutations))[:, None] * (ka * kb)
        tables = np.bincount((a * kb + shuffled + offsets).ravel(),
                             minlength=len(permutations) * ka * kb)
        tables = tables.reshape(len(permutations), ka, kb)
        stat_b = np.sum((tables - expected) ** 2 / expected, axis=(1, 2))
        p = (np.sum(stat_b >= statistic - 1e-9) + 1.0) / (len(permutations) + 1.0)
    else:
        p = float(stats.chi2.sf(statistic, (ka - 1) * (kb - 1)))
    return p, v


def distinct_counts(matrix):
    """Number of distinct non-missing values in each column."""
    ordered = np.sort(matrix, axis=0)  # NaN sorts last
    known = ~np.isnan(ordered)
    new = np.vstack([known[:1], (ordered[1:] != ordered[:-1]) & known[1:]])
    return new.sum(axis=0)


def quantile_codes(matrix, n_bins):
    """Quantile-bin codes 0..n_bins-1 of each column; missing values get -1.

    A value at or above an edge falls in the bin above it; heavy ties leave
    some bins empty (the tests below drop empty bins).
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
        edges = np.nanquantile(matrix, np.linspace(0, 1, n_bins + 1)[1:-1], axis=0)
    codes = np.zeros(matrix.shape, dtype=np.int64)
    for edge in np.atleast_2d(edges):
        codes += matrix >= edge
    codes[np.isnan(matrix)] = -1
    return codes


def contingency_tests(codes, y, n_levels):
    """Chi-square of each column of ``codes`` (-1: left out) against class codes ``y``.

    Vectorised over columns.  Returns ``(p, v, valid)``: the asymptotic
    p-value, Cramer's V corrected for the chi-square that ``df`` degrees of
    freedom of noise give (``sqrt(max(0, chi2 - df) / (n (min(r, c) - 1)))``,
    as :func:`kruskal_eta` corrects eta), and whether Cochran's rule holds
    (no expected count under 1, at most a fifth under 5).  Where it does not,
    or fewer than two levels are present, ``p`` is NaN.
    """
    y = np.unique(y, return_inverse=True)[1].ravel()
    onehot = np.eye(int(y.max()) + 1)[y]
    tables = np.stack([(codes == b).T.astype(float) @ onehot for b in range(n_levels)],
                      axis=1)  # (m, levels, classes)
    rows, cols = tables.sum(axis=2), tables.sum(axis=1)
    total = rows.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = rows[:, :, None] * cols[:, None, :] / total[:, None, None]
        used = (rows[:, :, None] > 0) & (cols[:, None, :] > 0)
        chi2 = np.where(used, (tables - expected) ** 2 / np.where(used, expected, 1), 0).sum(
            axis=(1, 2))
        n_rows_used, n_cols_used = (rows > 0).sum(axis=1), (cols > 0).sum(axis=1)
        cells = used.sum(axis=(1, 2))
        small = np.where(used, expected < 5, False).sum(axis=(1, 2)) / np.maximum(cells, 1)
        tiny = np.where(used, expected < 1, False).any(axis=(1, 2))
        df = (n_rows_used - 1) * (n_cols_used - 1)
        valid = (df > 0) & (small <= 0.2) & ~tiny
        p = np.where(valid, stats.chi2.sf(chi2, np.maximum(df, 1)), np.nan)
        depth = np.maximum(np.minimum(n_rows_used, n_cols_used) - 1, 1)
        v = np.sqrt(np.clip((chi2 - df) / (total * depth), 0.0, 1.0))
    return p, np.where(df > 0, v, np.nan), valid


def rank_group_tests(codes, y, n_levels):
    """Kruskal-Wallis of ``y`` across each column's groups ``codes``, vectorised.

    Rows coded -1 are left out of that column: ``y`` is ranked among each
    column's own rows (average ranks for ties, with the tie correction), so
    columns with different missing rows need no loop.  Returns ``(p, effect)``:
    for two groups the rank-biserial r (positive when group 1's values are
    higher), else eta as :func:`kruskal_eta`.  Columns with fewer than two
    groups, or a group under ``MIN_ASYMPTOTIC_GROUP`` rows, get NaN.
    """
    codes = np.asarray(codes)
    n_all, m = codes.shape
    known = codes >= 0
    # Ranks of y among each column's known rows: rows with a smaller y, plus
    # the middle of the rows tied with it.
    levels, group = np.unique(y, return_inverse=True)
    group = group.ravel()
    per_level = np.zeros((len(levels), m))
    np.add.at(per_level, group, known.astype(float))
    below = np.cumsum(per_level, axis=0) - per_level
    ranked = below[group] + (per_level[group] + 1.0) / 2.0  # (n_all, m)
    n = known.sum(axis=0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = 1.0 - (per_level ** 3 - per_level).sum(axis=0) / (n ** 3 - n)
        sums = np.stack([np.where(codes == b, ranked, 0.0).sum(axis=0)
                         for b in range(n_levels)])
        counts = np.stack([(codes == b).sum(axis=0) for b in range(n_levels)]).astype(float)
        present = counts > 0
        between = np.where(present, sums ** 2 / np.where(present, counts, 1), 0).sum(axis=0)
        h = (12.0 / (n * (n + 1)) * between - 3.0 * (n + 1)) / factor
    k = present.sum(axis=0)
    smallest = np.where(present, counts, np.inf).min(axis=0)
    valid = (k >= 2) & (smallest >= MIN_ASYMPTOTIC_GROUP) & np.isfinite(h) & (factor > 0)
    p = np.where(valid, stats.chi2.sf(np.where(valid, h, 0.0), np.maximum(k - 1, 1)), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = sums / np.where(present, counts, 1)
        biserial = 2.0 * (means[min(1, n_levels - 1)] - means[0]) / n
        eta = np.sqrt(np.clip((np.where(valid, h, 0.0) - k + 1.0) / np.maximum(n - k, 1),
                              0, 1))
    effect = np.where(k == 2, biserial, eta)
    return p, np.where(valid, effect, np.nan)
