"""Occlusion: how much the explained output drops when a region is blanked out.

Model-agnostic: it only calls the estimator's own ``predict_proba``,
``predict`` or ``transform``, so it explains hybrids and pipelines as well as
networks.
"""

import itertools
import math

import numpy as np

# Rows per call of the estimator: bounds memory for large images.
_MAX_VALUES_PER_CALL = 2**24


def spatial_rank(subject):
    """Number of leading axes that windows slide over (the last is channels)."""
    if subject.kind == "tabular":
        return len(subject.shape)
    return len(subject.shape) - 1


def check_window(window, subject):
    """The window as one size per spatial axis; the default covers 1/8 of each side."""
    rank = spatial_rank(subject)
    sides = subject.shape[:rank]
    if window is None:
        if subject.kind == "tabular":
            return (1,) * rank
        return tuple(max(1, math.ceil(side / 8)) for side in sides)
    sizes = (window,) * rank if np.ndim(window) == 0 else tuple(window)
    if len(sizes) != rank or any(int(s) < 1 for s in sizes):
        raise ValueError(
            f"window must be a positive int or {rank} positive ints (one per axis of "
            f"samples of shape {sides}); got {window!r}."
        )
    return tuple(min(int(s), side) for s, side in zip(sizes, sides))


def _regions(sides, window):
    starts = [range(0, side, size) for side, size in zip(sides, window)]
    for corner in itertools.product(*starts):
        yield tuple(slice(c, c + s) for c, s in zip(corner, window))


def occlusion(subject, X_shape, x, indices, baseline, window):
    """Occlusion attributions of ``x`` (network-shaped samples).

    Each region's drop in the explained output is spread evenly over the
    values it covers, so the attributions of a sample sum to the sum of its
    regions' drops.
    """
    rank = spatial_rank(subject)
    sample_shape = X_shape[1:]
    regions = list(_regions(subject.shape[:rank], window))
    rows = np.arange(len(x))
    base = subject.predict_outputs(x, sample_shape)[rows, indices]
    attributions = np.zeros_like(x)
    per_call = max(1, _MAX_VALUES_PER_CALL // max(1, x[0].size * len(x)))
    for first in range(0, len(regions), per_call):
        group = regions[first : first + per_call]
        blanked = np.repeat(x[None], len(group), axis=0)
        for copy, region in zip(blanked, group):
            copy[(slice(None),) + region] = baseline[region]
        outputs = subject.predict_outputs(
            blanked.reshape((-1,) + x.shape[1:]), sample_shape
        ).reshape(len(group), len(x), -1)
        for outputs_of_region, region in zip(outputs, group):
            drop = base - outputs_of_region[rows, indices]
            size = x[(0,) + region].size
            expand = (slice(None),) + (None,) * (x.ndim - 1)
            attributions[(slice(None),) + region] += (drop / size)[expand]
    return attributions
