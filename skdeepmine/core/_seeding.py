"""Reproducible network construction without leaving global state changed."""

import random
import threading
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


# Keras gives unseeded initializers, dropout and augmentation layers a seed
# drawn with ``random.randint`` from Python's global generator.  Another thread
# of the process may draw from that generator between the seeding and those
# draws (a Dask worker's event loop does, a few times a second), which would
# change the network a fit builds.  So while a thread builds a network, its
# ``random.randint`` calls go to a generator of its own; other threads' calls
# go to the global one as before.
_global_randint = random.randint
_thread_streams = {}
_thread_streams_lock = threading.Lock()


def _thread_aware_randint(a, b):
    stream = _thread_streams.get(threading.get_ident())
    if stream is None:
        return _global_randint(a, b)
    return stream.randint(a, b)


@contextmanager
def _private_python_random(seed):
    ident = threading.get_ident()
    with _thread_streams_lock:
        outer = _thread_streams.get(ident)
        if not _thread_streams:
            random.randint = _thread_aware_randint
        _thread_streams[ident] = random.Random(seed)
    try:
        yield
    finally:
        with _thread_streams_lock:
            if outer is None:
                del _thread_streams[ident]
            else:
                _thread_streams[ident] = outer
            if not _thread_streams and random.randint is _thread_aware_randint:
                random.randint = _global_randint


@contextmanager
def keras_build_scope(seed, dtype):
    """Build Keras layers deterministically from ``seed`` in ``dtype``.

    Unseeded Keras initializers, dropout and augmentation layers draw their
    seeds from Keras's thread-local seed generator and from Python's
    ``random``; both are seeded here, and Python's is private to the calling
    thread for the duration.  Python's and NumPy's global random
    states are restored on exit and the dtype policy (thread-local in Keras 3)
    is put back, so a fit leaves the caller's random streams where they were.
    """
    keras = get_keras()
    policy = keras.config.dtype_policy()
    with preserved_global_random_state(), _private_python_random(seed):
        try:
            keras.utils.set_random_seed(seed)
            keras.config.set_dtype_policy(dtype)
            yield
        finally:
            keras.config.set_dtype_policy(policy)
