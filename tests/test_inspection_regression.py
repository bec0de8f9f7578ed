"""Grad-CAM of a regressor, checked on a planted bump whose height is the target."""

import copy
import warnings

import numpy as np
import pytest

from skdeepmine import CNNRegressor
from skdeepmine.inspection import attributions

BUMP = 35


def _bump_signals(n, seed, length=48):
    """Noise plus a bump at ``BUMP`` whose height is the target (times 50, plus 1000)."""
    rng = np.random.RandomState(seed)
    steps = np.arange(length)
    height = rng.uniform(0, 2, size=n)
    X = rng.normal(0, 0.3, size=(n, length))
    X += height[:, None] * np.exp(-0.5 * ((steps - BUMP) / 2) ** 2)
    return X, 50 * height + 1000


@pytest.fixture(scope="module")
def bump_regressor():
    X, y = _bump_signals(200, seed=0)
    # The default signal regressor: two convolution blocks and a flattened map.
    reg = CNNRegressor(epochs=10, random_state=0).fit(X[:150], y[:150])
    return reg, X[150:], y[150:]


def _negated(reg):
    """The same network predicting -y: only the map back to y's units changes sign."""
    negated = copy.copy(reg)
    negated.target_mean_ = -reg.target_mean_
    negated.target_scale_ = -reg.target_scale_
    return negated


def test_grad_cam_of_a_regressor_is_signed_and_finds_the_bump(bump_regressor):
    reg, X, y = bump_regressor
    assert reg.score(X, y) > 0.5
    negated = _negated(reg)
    np.testing.assert_allclose(negated.predict(X), -reg.predict(X), rtol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no all-zero map to warn about
        maps = attributions(reg, X, method="grad_cam")
        maps_of_negated = attributions(negated, X, method="grad_cam")
    # A regression target's sign is arbitrary: the map of -y is minus the map
    # of y.  With the ReLU of classification Grad-CAM one of the two was
    # zero wherever the other was not (all 50 maps of y were zero here).
    np.testing.assert_allclose(maps_of_negated, -maps, rtol=1e-4, atol=1e-6 * np.abs(maps).max())
    assert not np.any(np.all(maps == 0, axis=1))
    strength = np.abs(maps).mean(axis=0)
    assert abs(int(np.argmax(strength)) - BUMP) <= 3, np.argmax(strength)


def test_an_all_zero_map_warns():
    X, y = _bump_signals(40, seed=1, length=16)
    reg = CNNRegressor(filters=(4,), dense_units=(4,), epochs=1, random_state=0).fit(X, y)
    # Occluding a sample with itself changes nothing: its map is all zero.
    with pytest.warns(UserWarning, match=r"all-zero map for 1 of 3 samples \(rows 0\)"):
        values = attributions(reg, X[:3], method="occlusion", baseline=X[0])
    assert np.all(values[0] == 0) and np.any(values[1] != 0)
