"""The network regressors learn standardised targets and predict in y's units."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import InvalidParameterError

from skdeepmine.core._backend import get_keras

from conftest import fast_estimator


def test_diabetes_targets_train_in_their_own_units_only_when_standardised():
    # y runs from 25 to 346: the default network at the default learning
    # rate (0.001) cannot reach that scale in a few epochs, so without
    # standardisation it predicts near 0 and scores far below 0.
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    default = fast_estimator(
        "DenseNetworkRegressor", hidden_units=(64, 16), epochs=10, learning_rate=0.001
    )
    raw = default.set_params(standardize_target=False)
    assert raw.fit(X_train, y_train).score(X_test, y_test) < 0
    standardised = raw.set_params(standardize_target="auto").fit(X_train, y_train)
    assert standardised.score(X_test, y_test) > 0.3
    assert abs(standardised.predict(X_test).mean() - y_test.mean()) < 0.2 * y_test.std()


def test_weighted_multi_output_moments_in_y_units_survive_continuations():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = np.column_stack([1000 + 50 * X[:, 0], -3 + 0.01 * X[:, 1], np.full(120, 7.0)])
    weights = rng.randint(0, 3, size=120).astype(float)
    reg = fast_estimator("DenseNetworkRegressor", epochs=2, warm_start=True)
    reg.fit(X, y, sample_weight=weights)
    # Weighted moments of each output; zero weights count as absent rows and
    # a constant output is only centred.
    mean = np.average(y, axis=0, weights=weights)
    std = np.sqrt(np.average((y - mean) ** 2, axis=0, weights=weights))
    np.testing.assert_allclose(reg.target_mean_, mean)
    np.testing.assert_allclose(reg.target_scale_, [std[0], std[1], 1.0])
    predictions = reg.predict(X)
    assert predictions.shape == (120, 3)
    # In y's units: each output near its own mean, far from the others'.
    assert np.all(np.abs(predictions.mean(axis=0) - mean) < 0.5 * np.maximum(std, 1))
    np.testing.assert_allclose(
        predictions, np.asarray(reg.model_(X), dtype=np.float64) * reg.target_scale_ + mean,
        rtol=1e-4, atol=1e-4,
    )

    # Pickle and skops keep the moments: tests/test_persistence.py compares
    # every estimator's outputs after a round trip.

    # Continuations (warm start, partial_fit) keep the first fit's moments.
    reg.fit(X, y + 500)
    reg.partial_fit(X, y * 10)
    np.testing.assert_allclose(reg.target_mean_, mean)


def test_a_users_network_keeps_its_own_scale_unless_asked():
    keras = get_keras()
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = 100 + 10 * X[:, 0]
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="relu")(inputs))
    auto = fast_estimator("DenseNetworkRegressor", model=model, epochs=1).fit(X, y)
    # "auto" leaves a user's network alone: predict is its raw output.
    raw = np.asarray(auto.model_(X), dtype=np.float64).ravel()
    assert auto.target_mean_ is None
    np.testing.assert_allclose(auto.predict(X), raw, rtol=1e-5)
    forced = auto.set_params(standardize_target=True).fit(X, y)
    raw = np.asarray(forced.model_(X), dtype=np.float64).ravel()
    np.testing.assert_allclose(forced.predict(X), raw * y.std() + y.mean(), rtol=1e-5)


def test_cnn_regressor_predicts_in_the_targets_units_with_early_stopping():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 8, 8))
    y = 5000 + 100 * X[:, :4, :4].mean(axis=(1, 2))
    reg = fast_estimator("CNNRegressor", epochs=3, early_stopping=True).fit(X, y)
    assert abs(reg.predict(X).mean() - y.mean()) < 5 * y.std()
    # The early-stopping score compares outputs and targets in y's units.
    assert all(np.isfinite(reg.validation_scores_))


@pytest.mark.backend_free
@pytest.mark.parametrize("name", ["DenseNetworkRegressor", "CNNRegressor"])
def test_standardize_target_is_validated(name):
    X, y = np.zeros((10, 16)), np.arange(10.0)
    with pytest.raises(InvalidParameterError, match="standardize_target"):
        fast_estimator(name, standardize_target="yes").fit(X, y)
