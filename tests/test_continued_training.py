"""Continued training (``partial_fit``, ``warm_start``) honours what the user changed.

* Layers frozen (or unfrozen) between fits: as in Keras after a re-compile,
  only the trainable weights train, with a fresh optimizer state.
* A warm-start ``fit`` builds its optimizer from the current ``optimizer`` and
  ``learning_rate``, as scikit-learn's MLP does; ``partial_fit`` keeps it.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skdeepmine import DenseNetworkClassifier
from skdeepmine.core._backend import get_keras


def _data():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 5)
    return X, (X[:, 0] > 0).astype(int)


def _weights(layer):
    return [w.copy() for w in layer.get_weights()]


def _changed(before, after):
    return any(not np.array_equal(b, a) for b, a in zip(before, after))


def test_continued_fit_after_freezing_trains_only_trainable_layers():
    X, y = _data()
    est = DenseNetworkClassifier(
        hidden_units=(8,), epochs=2, learning_rate=0.03, random_state=0
    ).fit(X, y)
    est.partial_fit(X, y)  # a pooled trainer made before the freeze
    embedding, output = est.model_.get_layer("embedding"), est.model_.get_layer("output")
    embedding.trainable = False
    for continue_fit in (
        lambda: est.partial_fit(X, y),
        lambda: est.partial_fit(X, y),  # the frozen trainer, reused
        lambda: est.set_params(warm_start=True).fit(X, y),
    ):
        frozen, trained = _weights(embedding), _weights(output)
        continue_fit()
        for before, after in zip(frozen, _weights(embedding)):
            assert_array_equal(before, after)
        assert _changed(trained, _weights(output))
    assert len(est.history_) == 2 + 1 + 1 + 1 + 2
    embedding.trainable = True  # unfrozen: it trains again
    frozen = _weights(embedding)
    est.partial_fit(X, y)
    assert _changed(frozen, _weights(embedding))
    proba = est.predict_proba(X)
    assert_allclose(proba, est.model_.predict(X.astype("float32"), verbose=0), rtol=1e-5)
    assert est.score(X, y) > 0.85
    est.model_.trainable = False  # nothing left to train: said, not a backend error
    with pytest.raises(ValueError, match="no trainable weights"):
        est.partial_fit(X, y)
    assert len(est.history_) == 8


def test_warm_start_fit_uses_the_changed_optimizer_and_partial_fit_keeps_it():
    X, y = _data()
    est = DenseNetworkClassifier(
        hidden_units=(8,), epochs=1, batch_size=200, random_state=0
    ).fit(X, y)
    # partial_fit keeps the stored optimizer (Adam at 0.001): the weights move.
    est.set_params(learning_rate=1e-12)
    start = est.model_.get_weights()
    est.partial_fit(X, y)
    assert _changed(start, est.model_.get_weights())
    # A warm-start fit trains at the new rate, with a fresh state: nothing moves.
    start = est.model_.get_weights()
    est.set_params(warm_start=True).fit(X, y)
    for before, after in zip(start, est.model_.get_weights()):
        assert_allclose(after, before, rtol=1e-6, atol=1e-9)
    # optimizer="sgd": one full-batch step moves each weight by -lr * gradient,
    # so twice the rate moves it twice as far, by amounts as unequal as the
    # gradients (Adam's first step moves every weight by about lr).
    steps, start = [], est.model_.get_weights()
    for rate in (0.01, 0.02):
        est.model_.set_weights(start)
        est.set_params(optimizer="sgd", learning_rate=rate).fit(X, y)
        steps.append(np.concatenate([
            (after - before).ravel()
            for before, after in zip(start, est.model_.get_weights())
        ]))
    assert_allclose(steps[1], 2 * steps[0], rtol=0.01, atol=1e-3 * np.abs(steps[0]).max())
    moved = np.abs(steps[0][steps[0] != 0]) / 0.01
    assert moved.size > 0 and moved.std() > 0.1 * moved.mean()
    assert len(est.history_) == 5


def test_warm_start_fit_keeps_the_optimizer_of_a_compiled_model():
    keras = get_keras()
    X, y = _data()
    model = keras.Sequential([
        keras.Input((5,)), keras.layers.Dense(4), keras.layers.Dense(2, activation="softmax")
    ])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    est = DenseNetworkClassifier(model=model, epochs=1, random_state=0).fit(X, y)
    start = est.model_.get_weights()
    est.set_params(warm_start=True, learning_rate=1e-12, optimizer="adam").fit(X, y)
    # SGD at 0.1 trained on: the weights moved far beyond what 1e-12 allows.
    assert max(np.abs(a - b).max() for a, b in zip(start, est.model_.get_weights())) > 1e-3
