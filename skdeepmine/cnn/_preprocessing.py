"""``rescale``, ``standardize`` and the ``random_*`` augmentations in front of a network given as ``model=``.

The built-in CNN builds these layers itself (``_architecture.build_cnn``); a
user's network, a Keras model or a build function's result, gets them here, so
the parameters mean the same whatever the network.  Keras's random layers act
only in training calls, so prediction sees the rescaled, unaugmented image.
"""

from ..core._backend import get_keras
from ..core._standardize import set_moments, standardize_layer
from ._architecture import AUGMENTATION_PARAMS, _augmentation_layers


def preprocessing_layers(keras, params, input_shape, *, standardized=False):
    """The Rescaling, standardisation and augmentation layers asked for."""
    layers = []
    if params["rescale"] is not None:
        layers.append(keras.layers.Rescaling(params["rescale"], name="rescaling"))
    if standardized:
        layers.append(standardize_layer(keras))
    augmentation = [name for name in AUGMENTATION_PARAMS if params[name]]
    if augmentation:
        if len(input_shape) != 3:
            raise ValueError(
                f"{', '.join(augmentation)} augment images, but the network "
                f"reads X as 1-D signals of shape {tuple(input_shape)}."
            )
        layers.extend(_augmentation_layers(keras, params))
    return layers


def with_preprocessing(model, meta, params):
    """``model`` behind the preprocessing layers of ``params`` (``model`` if none)."""
    keras = get_keras()
    input_shape = tuple(meta["input_shape"])
    standardized = "X_mean_" in meta  # the estimator's _data_meta
    layers = preprocessing_layers(keras, params, input_shape, standardized=standardized)
    if not layers:
        return model
    inputs = keras.Input(input_shape, dtype=meta["dtype"], name="input")
    x = inputs
    for layer in layers:
        x = layer(x)
    flat = _copied_layers(keras, model, x) if isinstance(model, keras.Sequential) else None
    network = keras.Model(inputs, model(x) if flat is None else flat, name="preprocessed_network")
    if standardized:
        set_moments(network, meta)
    return network


def _copied_layers(keras, model, x):
    """``model``'s layers copied (config and weights) and called on ``x``, or None.

    Copies, not the layers themselves: a reused layer's ``output`` stays the
    one of the user's own graph, which skdeepmine.inspection cannot read from
    this network.  Flat, the user's layer names (``layer="myconv"``) work in
    activations and Grad-CAM (tests/test_cnn.py).  A layer that cannot
    be copied from its config keeps the model nested, as one layer.
    """
    try:
        for layer in model.layers:
            copy = type(layer).from_config(layer.get_config())
            x = copy(x)
            copy.set_weights(layer.get_weights())
    except Exception:  # a custom layer without get_config: nest the model
        return None
    return x
