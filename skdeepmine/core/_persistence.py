"""Pickling of estimators that hold Keras models.

Keras models are not picklable in general; an estimator's ``__getstate__``
stores each Keras model it holds in Keras's native ``.keras`` format (a zip of
the config and the weights), and ``__setstate__`` loads it back with Keras's
safe mode on.  Nothing is patched in Keras itself.
"""

import os
import sys
import tempfile

from ._backend import get_keras
from ._seeding import preserved_global_random_state


def is_keras_model(value):
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.Model)


class SerializedKerasModel:
    """A Keras model frozen to the bytes of a ``.keras`` file."""

    def __init__(self, payload):
        self.payload = payload

    @classmethod
    def from_model(cls, model):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "model.keras")
            model.save(path)
            with open(path, "rb") as handle:
                return cls(handle.read())

    def restore(self):
        keras = get_keras()
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "model.keras")
            with open(path, "wb") as handle:
                handle.write(self.payload)
            with preserved_global_random_state():
                return keras.saving.load_model(path, compile=False, safe_mode=True)


class KerasPickleMixin:
    """``__getstate__``/``__setstate__`` that carry Keras models in native format."""

    def __getstate__(self):
        state = dict(super().__getstate__())
        for key, value in state.items():
            if is_keras_model(value):
                state[key] = SerializedKerasModel.from_model(value)
        return state

    def __setstate__(self, state):
        state = {
            key: value.restore() if isinstance(value, SerializedKerasModel) else value
            for key, value in state.items()
        }
        super().__setstate__(state)
