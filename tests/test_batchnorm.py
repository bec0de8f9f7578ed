"""Batch normalisation's moving statistics after short fits (core/_batchnorm.py)."""

import numpy as np
import pytest

from skdeepmine import CNNClassifier, CNNRegressor


def _brightness_images(n_per_class=30, seed=0):
    """8x8 RGB images whose class is their brightness: 40, 128 or 215 of 255."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], n_per_class)
    levels = np.array([40.0, 128.0, 215.0])[y, None, None, None]
    X = np.clip(levels + rng.normal(0, 12, (len(y), 8, 8, 3)), 0, 255).astype("float32")
    return X, y


def test_a_short_fit_predicts_what_it_learned_not_the_initial_statistics():
    # 90 images, batches of 32, 5 epochs: 15 steps left 86 % of the moving
    # statistics at their start (mean 0, variance 1), and the default CNN
    # (batch normalisation on for small images) predicted 0.63-0.83 of its
    # own training images right at a training loss under 0.09.
    X, y = _brightness_images()
    clf = CNNClassifier(rescale=1 / 255, epochs=5, random_state=1).fit(X, y)
    assert clf.loss_curve_[-1] < 0.2
    assert clf.score(X, y) == 1.0
    clf.partial_fit(X, y)  # a continued fit keeps the corrected statistics
    assert clf.score(X, y) == 1.0
    # A regressor's R^2 on its training images was 0.05 to 0.34.
    reg = CNNRegressor(rescale=1 / 255, epochs=5, random_state=0).fit(X, y.astype(float))
    assert reg.score(X, y.astype(float)) > 0.8


def test_the_correction_is_the_weighted_average_of_the_fits_batch_statistics():
    from skdeepmine.core._batchnorm import batch_norm_start, correct_batch_norm

    keras = pytest.importorskip("keras")
    layer = keras.layers.BatchNormalization(momentum=0.9)
    layer.build((None, 2))
    start = batch_norm_start(keras.Sequential([keras.Input((2,)), layer]))
    batches = np.array([[1.0, 4.0], [3.0, 8.0]])  # two steps' batch means
    moving = np.zeros(2)
    for batch in batches:
        moving = 0.9 * moving + 0.1 * batch
    layer.moving_mean.assign(moving)
    layer.moving_variance.assign(0.81 * np.ones(2) + 0.19 * np.array([2.0, 2.0]))
    correct_batch_norm(start, steps=2)
    # weights 0.1 * 0.9 and 0.1, over their sum 0.19
    np.testing.assert_allclose(layer.moving_mean.numpy(), (0.09 * batches[0] + 0.1 * batches[1]) / 0.19,
                               rtol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), [2.0, 2.0], rtol=1e-6)
