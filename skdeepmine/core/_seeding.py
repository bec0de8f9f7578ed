"""Reproducible network construction without leaving global state changed."""

import random
from contextlib import contextmanager

import numpy as np

from ._backend import get_keras

MAX_SEED = 2**31 - 1


def draw_seed(random_state):
    """Draw one integer seed from a ``check_random_state`` result."""
    return int(random_state.randint(MAX_SEED))


@contextmanager
def preserved_global_random_state():
    """Undo the draws Keras makes from Python's and NumPy's global generators.

    Creating a Keras layer draws seeds for its initializers from Python's
    ``random``; cloning or loading a model must not move the caller's stream.
    """
    py_state = random.getstate()
    np_state = np.random.get_state()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


@contextmanager
def keras_build_scope(seed, dtype):
    """Build Keras layers deterministically from ``seed`` in ``dtype``.

    Unseeded Keras initializers, dropout and augmentation layers draw their
    seeds from Keras's thread-local seed generator and from Python's
    ``random``; both are seeded here.  Python's and NumPy's global random
    states are restored on exit and the dtype policy (thread-local in Keras 3)
    is put back, so a fit leaves the caller's random streams where they were.
    """
    keras = get_keras()
    policy = keras.config.dtype_policy()
    with preserved_global_random_state():
        try:
            keras.utils.set_random_seed(seed)
            keras.config.set_dtype_policy(dtype)
            yield
        finally:
            keras.config.set_dtype_policy(policy)
