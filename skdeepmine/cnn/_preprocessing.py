"""``rescale`` and the ``random_*`` augmentations in front of a network given as ``model=``.

The built-in CNN builds these layers itself (``_architecture.build_cnn``); a
user's network, a Keras model or a build function's result, gets them here, so
the parameters mean the same whatever the network.  Keras's random layers act
only in training calls, so prediction sees the rescaled, unaugmented image.
"""

from ..core._backend import get_keras
from ._architecture import AUGMENTATION_PARAMS, _augmentation_layers


def preprocessing_layers(keras, params, input_shape):
    """The Rescaling and augmentation layers asked for by ``params``."""
    layers = []
    if params["rescale"] is not None:
        layers.append(keras.layers.Rescaling(params["rescale"], name="rescaling"))
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
    layers = preprocessing_layers(keras, params, input_shape)
    if not layers:
        return model
    inputs = keras.Input(input_shape, dtype=meta["dtype"], name="input")
    x = inputs
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, model(x), name=f"preprocessed_{model.name}")
