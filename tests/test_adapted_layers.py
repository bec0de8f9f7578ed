"""A user's network whose preprocessing layers were adapted (``layer.adapt(X)``).

What ``adapt()`` computed is part of the network the user built, and each
fit's copy (core/_engine.copy_network) starts from it; the weights that
training learns start afresh.  An adapted ``Normalization`` computes with
constants made from its variables, so networks adapted to other statistics
share no compiled function: a function traced from one would normalise with
its statistics.  JAX and PyTorch: tests/test_engine_backends.py.
"""

import pickle

import numpy as np
import pytest

from skdeepmine import DenseNetworkClassifier
from skdeepmine.core._engine import copy_network, engine_for, fingerprint

OFFSET = np.array([5000.0, 0.0, -300.0])
SCALE = np.array([100.0, 1.0, 20.0])


def _planted(seed):
    """Rows around ``OFFSET``; the class is which side of its mean column 0 lies."""
    rng = np.random.RandomState(seed)
    z = rng.randn(160, 3)
    return (z * SCALE + OFFSET).astype(np.float32), (z[:, 0] > 0).astype(int)


def _adapted_network(X):
    import keras

    norm = keras.layers.Normalization()
    norm.adapt(X)
    return keras.Sequential([
        keras.Input((3,)), norm,
        keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2, activation="softmax"),
    ])


def test_adapted_normalization_is_carried_into_each_fit_and_predicts_with_its_own_statistics():
    import keras

    X, y = _planted(0)
    X_other = X * 0.5 + 7.0  # the same architecture, other statistics
    user_network = _adapted_network(X)
    user_weights = [w.copy() for w in user_network.get_weights()]
    params = dict(epochs=10, batch_size=32, learning_rate=0.03, random_state=0, dtype="float32")
    fitted = DenseNetworkClassifier(model=user_network, **params).fit(X, y)
    other = DenseNetworkClassifier(model=_adapted_network(X_other), **params).fit(X_other, y)

    norm = fitted.model_.layers[0]
    np.testing.assert_allclose(np.ravel(keras.ops.convert_to_numpy(norm.mean)), X.mean(0), rtol=1e-4)
    np.testing.assert_allclose(
        np.ravel(keras.ops.convert_to_numpy(norm.variance)), X.var(0), rtol=1e-3
    )
    # Separable once standardised; with mean 0 and variance 1 it scored 0.34-0.51.
    assert fitted.score(X, y) >= 0.9
    assert other.score(X_other, y) >= 0.9
    # The network passed in is never trained.
    for before, after in zip(user_weights, user_network.get_weights()):
        np.testing.assert_array_equal(before, after)
    for estimator, data in ((fitted, X), (other, X_other)):
        expected = keras.ops.convert_to_numpy(estimator.model_(data, training=False))
        np.testing.assert_allclose(estimator.predict_proba(data), expected, rtol=1e-5, atol=1e-6)
    # Compiled functions per statistics: other statistics get their own, a
    # refit of the same network (its copy) shares them.
    assert engine_for(fitted.model_) is not engine_for(other.model_)
    assert fingerprint(copy_network(user_network)) == fingerprint(fitted.model_)
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_allclose(loaded.predict_proba(X), fitted.predict_proba(X), rtol=1e-6)
    # Adapted again after fitting, the network predicts with its new statistics.
    loaded.model_.layers[0].adapt(X_other)
    expected = keras.ops.convert_to_numpy(loaded.model_(X, training=False))
    np.testing.assert_allclose(loaded.predict_proba(X), expected, rtol=1e-5, atol=1e-6)
    assert np.abs(loaded.predict_proba(X) - fitted.predict_proba(X)).max() > 1e-3


def test_a_subclassed_network_holding_an_adapted_layer_is_refused_not_reset():
    import keras

    class Net(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.norm = keras.layers.Normalization()
            self.head = keras.layers.Dense(2, activation="softmax")

        def call(self, x):
            return self.head(self.norm(x))

    X, y = _planted(1)
    network = Net()
    network.norm.adapt(X)
    network(X[:1])
    with pytest.raises(TypeError, match="adapted preprocessing layers"):
        DenseNetworkClassifier(model=network, epochs=1).fit(X, y)
