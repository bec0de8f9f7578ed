"""The dense network for tabular data, with its input standardisation inside.

The standardisation (``core/_standardize.py``) lets raw, unscaled columns
train: breast_cancer's areas in the thousands next to smoothness values
around 0.1.
"""

from ..core._backend import get_keras
from ..core._standardize import set_moments, standardize_layer

EMBEDDING_LAYER = "embedding"


def _hidden_layers(keras, hidden_units, activation, dropout):
    layers = []
    last = len(hidden_units) - 1
    for index, units in enumerate(hidden_units):
        # The last hidden layer is the one NeuralFeatureExtractor reads.
        name = EMBEDDING_LAYER if index == last else f"dense_{index}"
        layers.append(keras.layers.Dense(units, activation=activation, name=name))
        if dropout:
            layers.append(keras.layers.Dropout(dropout, name=f"{name}_dropout"))
    return layers


def build_dense_network(meta, params, n_outputs, output_activation, decoder_units=()):
    """Build the dense network described by ``params`` for ``meta``.

    Input standardisation (when ``params["standardize"]``), the hidden layers
    (``dense_0``, ..., the last one named ``"embedding"``), then
    ``decoder_units`` for an autoencoder, then ``n_outputs`` output units
    (``"output"``).  Every layer has a fixed name, the same in every process.
    """
    keras = get_keras()
    input_shape = tuple(meta["input_shape"])
    layers = [keras.Input(input_shape, dtype=meta["dtype"], name="input")]
    if len(input_shape) > 1:
        layers.append(keras.layers.Flatten(name="flatten"))
    if params["standardize"]:
        layers.append(standardize_layer(keras))
    layers.extend(
        _hidden_layers(keras, params["hidden_units"], params["activation"], params["dropout"])
    )
    for index, units in enumerate(decoder_units):
        layers.append(
            keras.layers.Dense(units, activation=params["activation"], name=f"decoder_{index}")
        )
    layers.append(keras.layers.Dense(n_outputs, activation=output_activation, name="output"))
    model = keras.Sequential(layers, name="dense_network")
    if params["standardize"]:
        set_moments(model, meta)
    return model
