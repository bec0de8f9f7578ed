"""Lazy, quiet access to Keras.

``import skdeepmine`` must stay cheap, so Keras and TensorFlow are imported on
first use (the first fit or the first unpickling of a fitted estimator).  The
import happens with TensorFlow's C++ start-up log lines (absl preamble, oneDNN
notices) captured instead of printed; they are replayed only if the import
fails, so nothing useful is lost.
"""

import os
import sys
import tempfile
import threading

_lock = threading.Lock()
_modules = {}

_INSTALL_HINT = (
    "skdeepmine needs Keras 3 with the TensorFlow backend. Install it with "
    "`pip install skdeepmine[cpu]` (or `skdeepmine[gpu]` on a CUDA machine)."
)


def _import_quietly():
    # TensorFlow reads these once, when it is first imported.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "tensorflow" in sys.modules and "keras" in sys.modules:
        import keras
        import tensorflow

        return keras, tensorflow
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
            import tensorflow
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
    return keras, tensorflow


def _quiet_own_retracing(record):
    """Drop TensorFlow's retracing warning about skdeepmine's own functions.

    The engine traces one function per architecture on purpose and reuses it
    (see ``_engine``); TensorFlow's heuristic counts those as retracing of one
    function.  Warnings about the user's own functions pass through.
    """
    message = record.getMessage()
    return not (
        "triggered tf.function retracing" in message
        and ("_Engine" in message or "Trainer" in message)
    )


def _load():
    with _lock:
        if not _modules:
            try:
                keras, tensorflow = _import_quietly()
            except ImportError as exc:
                raise ImportError(_INSTALL_HINT) from exc
            if keras.backend.backend() != "tensorflow":
                raise ImportError(
                    "skdeepmine runs on Keras's TensorFlow backend, but "
                    f"KERAS_BACKEND is {keras.backend.backend()!r}."
                )
            tensorflow.get_logger().addFilter(_quiet_own_retracing)
            _modules["keras"] = keras
            _modules["tf"] = tensorflow
    return _modules


def get_keras():
    """Return the ``keras`` module, importing it quietly on first call."""
    return _load()["keras"]


def get_tf():
    """Return the ``tensorflow`` module, importing it quietly on first call."""
    return _load()["tf"]
