"""Input standardisation inside a network, with the moments of its training data.

Tree-based data miners take raw, unscaled columns (breast_cancer's areas in
the thousands next to smoothness values around 0.1), and sensors record
signals on their own scales (a pressure of 101325 +- 50 Pa); a network does
not train on such inputs.  So the dense network standardises each column, and
the CNN each channel of a signal, with the weighted mean and variance of the
training data of the first fit: no scaler to forget in a pipeline, and sample
weights count exactly like repeated rows.

The standardisation is a frozen ``BatchNormalization`` layer rather than
Keras's ``Normalization``: ``Normalization`` turns its statistics into
constants when it is built, so a traced function shared by every model of one
architecture (``core/_engine.py``) would use the statistics of whichever model
it was traced from.  A frozen batch normalisation keeps them in variables,
which every fit sets and the shared functions take as arguments.
"""

import numpy as np

from ._moments import weighted_moments

STANDARDIZE_LAYER = "standardize"


def standardize_layer(keras):
    """The frozen batch normalisation that standardises the last axis of its input."""
    return keras.layers.BatchNormalization(
        center=False, scale=False, epsilon=1e-12, trainable=False,
        name=STANDARDIZE_LAYER,
    )


def set_moments(model, meta):
    """Give ``model``'s standardisation the moments ``X_mean_`` and ``X_variance_`` of ``meta``."""
    layer = model.get_layer(STANDARDIZE_LAYER)
    dtype = meta["dtype"]
    layer.moving_mean.assign(np.asarray(meta["X_mean_"], dtype=dtype))
    layer.moving_variance.assign(np.asarray(meta["X_variance_"], dtype=dtype))


def channel_moments(X, sample_weight, channels):
    """Weighted mean and variance of each of the last axis's ``channels`` over all positions.

    ``X`` holds samples of any shape whose values, read in order, cycle through
    ``channels``; every position of a sample carries the sample's weight.
    """
    X = np.asarray(X)
    positions = X[0].size // channels if len(X) else 0
    weights = np.repeat(np.asarray(sample_weight, dtype=np.float64), positions)
    return weighted_moments(X.reshape(-1, channels), weights)
