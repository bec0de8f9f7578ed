"""Weighted per-column moments: what the networks standardise inputs and targets with."""

import numpy as np

# Below this a column counts as constant and is only centred, as
# StandardScaler does.
_MIN_VARIANCE = 1e-12


def weighted_moments(X, sample_weight):
    """Weighted mean and variance of each column of ``X`` (flattened samples).

    Constant columns get a variance of 1 so that standardising only centres
    them.
    """
    X = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    weights = np.asarray(sample_weight, dtype=np.float64)
    mean = np.average(X, axis=0, weights=weights)
    variance = np.average((X - mean) ** 2, axis=0, weights=weights)
    variance[variance < _MIN_VARIANCE * np.maximum(1.0, mean**2)] = 1.0
    return mean, variance
