"""Lazy, quiet access to Keras, on whichever backend Keras was told to use.

``import skdeepmine`` must stay cheap, so Keras (and its backend) is imported
on first use (the first fit or the first unpickling of a fitted estimator).
The backend is Keras's own choice: ``KERAS_BACKEND``, else
``~/.keras/keras.json``, else TensorFlow; skdeepmine sets nothing.  The
import happens with TensorFlow's C++ start-up log lines (absl preamble, oneDNN
notices) captured instead of printed; they are replayed only if the import
fails, so nothing useful is lost.

TensorFlow sizes its two CPU thread pools (within one op, and across
independent ops) once, when its runtime starts, and by default gives each the
machine's core count.  Several processes fitting at once (joblib's loky
workers, Dask workers) would then each run a pool per core and oversubscribe
the machine.  So right after the import, before TensorFlow's runtime starts,
both pools are sized from ``SKDEEPMINE_NUM_THREADS``, or failing that from
``OMP_NUM_THREADS``: the limit joblib's loky backend gives each worker (cores
divided by ``n_jobs``) and that Dask's nanny gives its workers (1).
``SKDEEPMINE_NUM_THREADS=0`` leaves TensorFlow's own default.  On PyTorch the
same count goes to ``torch.set_num_threads``; JAX sizes its pools from XLA's
flags, read when it starts.
"""

import os
import sys
import tempfile
import threading
import warnings

_lock = threading.Lock()
_modules = {}

_INSTALL_HINT = (
    "skdeepmine needs Keras 3 and one of its backends. Install it with "
    "`pip install skdeepmine[cpu]` for TensorFlow (`skdeepmine[gpu]` on a CUDA "
    "machine), `skdeepmine[jax]` or `skdeepmine[torch]`, and choose the backend "
    "with KERAS_BACKEND."
)
BACKENDS = ("tensorflow", "jax", "torch")


def _import_quietly():
    # TensorFlow reads these once, when it is first imported.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "keras" in sys.modules:
        import keras

        return keras
    sys.stderr.flush()
    try:
        saved_fd = os.dup(2)
    except OSError:  # no usable stderr (embedded interpreters)
        saved_fd = None
    with tempfile.TemporaryFile() as captured:
        if saved_fd is not None:
            os.dup2(captured.fileno(), 2)
        try:
            import keras
        except Exception:
            if saved_fd is not None:
                os.dup2(saved_fd, 2)
                captured.seek(0)
                sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            if saved_fd is not None:
                os.dup2(saved_fd, 2)
                os.close(saved_fd)
    return keras


THREADS_VARIABLE = "SKDEEPMINE_NUM_THREADS"


def requested_num_threads(environ=None):
    """Threads for each of TensorFlow's pools as the environment asks for them.

    Returns ``(n_threads, explicit)``: ``n_threads`` is None for TensorFlow's
    default (every core); ``explicit`` says it came from
    ``SKDEEPMINE_NUM_THREADS`` rather than from ``OMP_NUM_THREADS``.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(THREADS_VARIABLE, "").strip()
    if value:
        if not value.isdigit():
            raise ValueError(
                f"{THREADS_VARIABLE} must be a whole number of threads (0 for "
                f"TensorFlow's default of one per core); got {value!r}."
            )
        return int(value) or None, True
    # OMP_NUM_THREADS may list one count per nesting level ("4,2").
    first = environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if first.isdigit() and int(first) > 0:
        return int(first), False
    return None, False


def _size_thread_pools(tensorflow):
    n_threads, explicit = requested_num_threads()
    if n_threads is None:
        return
    threading_config = tensorflow.config.threading
    if (
        threading_config.get_intra_op_parallelism_threads()
        or threading_config.get_inter_op_parallelism_threads()
    ):
        return  # sized by the user's own code before the first fit: theirs win
    try:
        threading_config.set_intra_op_parallelism_threads(n_threads)
        threading_config.set_inter_op_parallelism_threads(n_threads)
    except RuntimeError:
        # TensorFlow's runtime was started by the user's code before
        # skdeepmine's first use; its pools can no longer be resized.
        if explicit:
            warnings.warn(
                f"{THREADS_VARIABLE}={n_threads} was not applied: TensorFlow "
                "was already running before skdeepmine first used it. Set "
                "the variable before the process runs any TensorFlow code.",
                RuntimeWarning,
                stacklevel=4,
            )


def _quiet_own_retracing(record):
    """Drop TensorFlow's retracing warning about skdeepmine's own functions.

    The engine traces one function per architecture on purpose and reuses it
    (see ``_engine``); TensorFlow's heuristic counts those as retracing of one
    function.  Warnings about the user's own functions pass through.
    """
    message = record.getMessage()
    return not (
        "triggered tf.function retracing" in message
        and any(name in message for name in _OWN_FUNCTIONS)
    )


# The functions core/_compiled.py traces, as TensorFlow's warning names them.
_OWN_FUNCTIONS = (
    "_tf_infer.<locals>", "compile_call.<locals>", "compile_evaluate.<locals>",
    "_tf_train_step.<locals>",
    "_total_only.<locals>",
)


def _keep_tensorflow_out():
    """Stop Keras importing TensorFlow into a JAX or PyTorch process.

    Keras (3.15) asks its lazy TensorFlow handle whether TensorFlow is
    *installed* before type checks such as ``isinstance(obj, tf.TensorShape)``
    when it serialises any object (an optimizer, a layer's configuration) and
    in ``keras.utils.set_random_seed``, and answering imports it: seconds,
    hundreds of megabytes and TensorFlow's start-up lines on stderr
    (keras-team/keras#18455).  No TensorFlow object can exist before
    TensorFlow is imported, so the handle answers "available" only once
    something has imported it; code that needs TensorFlow imports it itself.
    tests/test_engine_backends.py checks that a fit, a prediction and a
    pickle round trip leave it out.
    """
    try:
        from keras.src.utils import module_utils
    except ImportError:  # another Keras layout: leave it as it is
        return
    lazy = getattr(module_utils, "tensorflow", None)
    base = type(lazy)
    if lazy is None or not isinstance(getattr(base, "available", None), property):
        return
    if base.__name__ == "_ImportedTensorFlow":
        return

    class _ImportedTensorFlow(base):
        @property
        def available(self):
            return "tensorflow" in sys.modules and base.available.fget(self)

    lazy.__class__ = _ImportedTensorFlow


def _load():
    with _lock:
        if not _modules:
            try:
                keras = _import_quietly()
            except ImportError as exc:
                raise ImportError(_INSTALL_HINT) from exc
            backend = keras.backend.backend()
            if backend not in BACKENDS:
                raise ImportError(
                    f"skdeepmine runs on Keras's {', '.join(BACKENDS)} backends, "
                    f"but Keras runs on {backend!r} (KERAS_BACKEND)."
                )
            if backend == "tensorflow":
                import tensorflow

                _size_thread_pools(tensorflow)
                tensorflow.get_logger().addFilter(_quiet_own_retracing)
                _modules["tf"] = tensorflow
            else:
                _keep_tensorflow_out()
            if backend == "torch":
                n_threads, _ = requested_num_threads()
                if n_threads is not None:
                    import torch

                    torch.set_num_threads(n_threads)
            _modules["backend"] = backend
            _modules["keras"] = keras
    return _modules


def get_keras():
    """Return the ``keras`` module, importing it quietly on first call."""
    return _load()["keras"]


def backend_name():
    """The Keras backend skdeepmine runs on: "tensorflow", "jax" or "torch"."""
    return _load()["backend"]


def get_tf():
    """Return the ``tensorflow`` module, for code that needs TensorFlow itself.

    Raises ImportError naming the backend when Keras runs on another one.
    """
    modules = _load()
    if "tf" not in modules:
        raise ImportError(
            "This needs Keras's TensorFlow backend, but Keras runs on "
            f"{modules['backend']!r}; set KERAS_BACKEND=tensorflow before "
            "Keras is first imported."
        )
    return modules["tf"]
