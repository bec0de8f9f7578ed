"""Pickling and skops persistence of estimators that hold Keras objects.

Keras models are not picklable in general, and neither pickle nor ``skops.io``
should run code to rebuild one.  An estimator's ``__getstate__`` therefore
stores

* each Keras model it holds (the fitted network, a model given as a parameter)
  as the bytes of a Keras-native ``.keras`` file, with their SHA-256 digest;
* each built-in Keras optimizer or loss (a parameter, the loss of a compiled
  model) as its Keras configuration;
* the skdeepmine version that wrote it.

``__setstate__`` refuses states written by a newer skdeepmine, checks the
digest, and rebuilds Keras objects with Keras's safe mode on, which refuses
to deserialise Python code (``Lambda`` layers, pickled functions).  Nothing
is patched in Keras itself.  With ``skops.io`` the only types a file of
skdeepmine estimators asks the user to trust are skdeepmine's own (see
:func:`skdeepmine.persistence.trusted_types`).
"""

import copy
import hashlib
import os
import re
import sys
import tempfile
import warnings

from .._version import __version__
from ._backend import get_keras
from ._float64 import NARROWED, jax_without_float64, narrow_float64_archive
from ._seeding import preserved_global_random_state

VERSION_KEY = "_skdeepmine_version"


class StoredStateError(ValueError):
    """A stored estimator that cannot be loaded: corrupted, or from a newer version."""


# Keras's warning on loading a never-stepped optimizer into a built one.
_UNBUILT_OPTIMIZER = (
    r"Skipping variable loading for optimizer '[^']*', because it has \d+ "
    r"variables whereas the saved optimizer has [0-2] variables"
)


def is_keras_model(value):
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.Model)


def _is_builtin_keras_object(value):
    """Keras optimizers and losses shipped with Keras, rebuildable from config.

    User-defined subclasses and functions are left to pickle (or skops) as
    references to their own code.
    """
    keras = sys.modules.get("keras")
    if keras is None:
        return False
    kinds = (keras.optimizers.Optimizer, keras.losses.Loss)
    if isinstance(value, kinds):
        module = type(value).__module__
    elif isinstance(value, type) and issubclass(value, kinds):  # optimizer=keras.optimizers.Adam
        module = value.__module__
    elif callable(value) and not isinstance(value, type):
        module = getattr(value, "__module__", None) or ""
        if not module.startswith("keras.src.losses"):
            return False
    else:
        return False
    return module == "keras" or module.startswith("keras.")


def _release(version):
    """The numeric release of a version string: ``"1.2.0rc1"`` -> ``(1, 2, 0)``."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3])


def check_saved_version(saved, owner):
    """Refuse a state written by a newer skdeepmine than this one."""
    if saved is None:  # written before versions were recorded
        return
    if not isinstance(saved, str) or not re.match(r"^\d+(\.\d+)*", saved):
        raise StoredStateError(
            f"This {owner} was saved with an unreadable skdeepmine version "
            f"({saved!r}); the file is corrupted."
        )
    if _release(saved) > _release(__version__):
        raise StoredStateError(
            f"This {owner} was saved by skdeepmine {saved}, which is newer than "
            f"the installed skdeepmine {__version__}; a newer version may store "
            "estimators differently. Upgrade skdeepmine "
            "(pip install --upgrade skdeepmine) to load it."
        )


class SerializedKerasModel:
    """A Keras model frozen to the bytes of a ``.keras`` file.

    ``sha256`` guards the bytes: a changed byte is reported as a corrupted
    file instead of loading damaged weights.  ``compiled`` remembers whether
    the model was compiled, so that a model given as a parameter comes back
    with its loss and optimizer.
    """

    def __init__(self, payload, sha256=None, compiled=False):
        self.payload = payload
        self.sha256 = sha256
        self.compiled = compiled

    @classmethod
    def from_model(cls, model):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "model.keras")
            model.save(path)
            with open(path, "rb") as handle:
                payload = handle.read()
        return cls(
            payload,
            sha256=hashlib.sha256(payload).hexdigest(),
            compiled=bool(getattr(model, "compiled", False)),
        )

    def restore(self, owner="estimator"):
        payload = getattr(self, "payload", None)
        if not isinstance(payload, bytes):
            raise StoredStateError(
                f"The Keras model stored in this {owner} is missing or not "
                "bytes; the file is corrupted."
            )
        expected = getattr(self, "sha256", None)
        if expected is not None and hashlib.sha256(payload).hexdigest() != expected:
            raise StoredStateError(
                f"The Keras model stored in this {owner} does not match its "
                "checksum; the file is corrupted (truncated or modified)."
            )
        keras = get_keras()
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "model.keras")
            with open(path, "wb") as handle:
                handle.write(payload)
            try:
                narrowed = jax_without_float64() and narrow_float64_archive(path)
                with preserved_global_random_state(), warnings.catch_warnings():
                    # A compiled network whose optimizer never stepped saves
                    # only its step count and learning rate: nothing is lost
                    # (tests/test_persistence.py).
                    warnings.filterwarnings(
                        "ignore", category=UserWarning, message=_UNBUILT_OPTIMIZER
                    )
                    model = keras.saving.load_model(
                        path, compile=bool(getattr(self, "compiled", False)),
                        safe_mode=True,
                    )
            except Exception as exc:
                raise StoredStateError(
                    f"The Keras model stored in this {owner} could not be "
                    "loaded. Either the file is corrupted, or the model holds "
                    "Python code (such as a Lambda layer), which skdeepmine "
                    "never deserialises because that could run arbitrary code. "
                    f"Keras said: {type(exc).__name__}: {exc}"
                ) from exc
        if narrowed:
            warnings.warn(NARROWED.format(owner=owner), UserWarning, stacklevel=2)
        return model


class SerializedKerasObject:
    """A built-in Keras optimizer or loss, kept as its Keras configuration.

    A class (``optimizer=keras.optimizers.Adam``) is kept as the
    configuration of a default instance, with ``is_class`` set.
    """

    def __init__(self, config, is_class=False):
        self.config = config
        self.is_class = is_class

    @classmethod
    def from_object(cls, value):
        serialize = get_keras().saving.serialize_keras_object
        if isinstance(value, type):
            return cls(serialize(value()), is_class=True)
        return cls(serialize(value))

    def restore(self, owner="estimator"):
        keras = get_keras()
        try:
            value = keras.saving.deserialize_keras_object(self.config, safe_mode=True)
            return type(value) if getattr(self, "is_class", False) is True else value
        except Exception as exc:
            raise StoredStateError(
                f"A Keras object stored in this {owner} could not be rebuilt "
                f"from its configuration; the file is corrupted. Keras said: "
                f"{type(exc).__name__}: {exc}"
            ) from exc


def _detached_callback(callback):
    """A copy of ``callback`` without the model it was last attached to.

    Training attaches every callback to the network it trains, and does so
    again at each fit, so the reference carries nothing worth saving; saving
    it would store a whole network per callback.
    """
    if not is_keras_model(getattr(callback, "_model", None)):
        return callback
    try:
        detached = copy.copy(callback)
        detached.set_model(None)
    except Exception:  # a callback that cannot be copied is saved as it is
        return callback
    return detached


def _freeze(value):
    if is_keras_model(value):
        return SerializedKerasModel.from_model(value)
    if _is_builtin_keras_object(value):
        return SerializedKerasObject.from_object(value)
    return value


def _thaw(value, owner):
    if isinstance(value, (SerializedKerasModel, SerializedKerasObject)):
        return value.restore(owner)
    return value


class KerasPickleMixin:
    """``__getstate__``/``__setstate__`` that carry Keras objects safely."""

    def __getstate__(self):
        state = {key: _freeze(value) for key, value in super().__getstate__().items()}
        if isinstance(state.get("callbacks"), list):
            state["callbacks"] = [_detached_callback(c) for c in state["callbacks"]]
        state[VERSION_KEY] = __version__
        return state

    def __setstate__(self, state):
        if not isinstance(state, dict):
            raise StoredStateError(
                f"The stored state of this {type(self).__name__} is not a "
                "dictionary; the file is corrupted."
            )
        state = dict(state)
        owner = type(self).__name__
        check_saved_version(state.pop(VERSION_KEY, None), owner)
        state = {key: _thaw(value, owner) for key, value in state.items()}
        super().__setstate__(state)
