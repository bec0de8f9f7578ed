"""Balanced batches: minority classes over-sampled by index, inside the training data.

Each class is drawn up to the size of the largest one: every row of a class
as many whole times as fit, the remainder a random subset.  The rows are not
copied (:class:`IndexedRows` reads the original array, image paths are just
repeated file names), and each repeat passes through the network's random
augmentation layers anew.
"""

import numpy as np


class IndexedRows:
    """``base[rows]`` without the copy: indexing reads ``base`` at ``rows[key]``."""

    def __init__(self, base, rows):
        self.base = base
        self.rows = np.asarray(rows)

    @property
    def shape(self):
        return (len(self.rows),) + tuple(self.base.shape[1:])

    @property
    def dtype(self):
        return self.base.dtype

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, key):
        return self.base[self.rows[key]]


def balanced_rows(y, rng):
    """Row indices holding every class of ``y`` as often as the largest class."""
    labels, counts = np.unique(y, return_counts=True)
    target = counts.max()
    rows = []
    for label, count in zip(labels, counts):
        members = np.flatnonzero(y == label)
        whole, rest = divmod(int(target), int(count))
        rows.append(np.tile(members, whole))
        rows.append(rng.choice(members, size=rest, replace=False))
    return np.sort(np.concatenate(rows))


def balanced_training_data(train_data, seed):
    """``(x, y, w)`` over-sampled to balanced classes (``y`` of class indices)."""
    x, y, w = train_data
    labels = y if y.ndim == 1 else (y.argmax(axis=1) if y.shape[1] > 1 else y.ravel())
    rows = balanced_rows(labels, np.random.RandomState(seed))
    x_rows = x[rows] if hasattr(x, "stream") else IndexedRows(x, rows)
    return x_rows, y[rows], w[rows]
