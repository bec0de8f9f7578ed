"""Reading one layer of a trained network: the sub-network up to it, its width."""

import numpy as np

from ..core._backend import get_keras


def default_layer(model):
    """Name of the layer that feeds the output layer (the last hidden layer)."""
    output_layer = model.layers[-1]
    try:
        tensor = output_layer.input
        feeding = tensor._keras_history.operation
    except (AttributeError, ValueError):  # subclassed or multi-input output layer
        feeding = model.layers[-2] if len(model.layers) > 1 else None
    keras = get_keras()
    if feeding is None or isinstance(feeding, keras.layers.InputLayer):
        raise ValueError(
            "The network has no hidden layer before its output layer "
            f"{output_layer.name!r}; pass `layer` to name the layer to extract."
        )
    return feeding.name


def find_layer(model, name):
    """The layer called ``name``; a ValueError naming `layer` if there is none."""
    names = [layer.name for layer in model.layers]
    if name not in names:
        raise ValueError(
            f"layer={name!r} is not a layer of the network; its layers are {names}."
        )
    return model.get_layer(name)


def layer_width(layer):
    """Number of values the layer outputs per sample."""
    return int(np.prod(tuple(layer.output.shape)[1:]))


def sub_network(model, name):
    """A model sharing ``model``'s weights that outputs layer ``name``."""
    keras = get_keras()
    layer = find_layer(model, name)
    try:
        return keras.Model(model.inputs, layer.output, name=f"{model.name}_to_{name}")
    except (AttributeError, ValueError) as exc:
        raise ValueError(
            f"Cannot read layer={name!r} of this network ({exc}); feature "
            "extraction needs a Sequential or functional Keras model."
        ) from None
