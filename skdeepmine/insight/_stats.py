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
