"""The networks' ``dtype``: X's type by default, float32 or float64 on request."""

import warnings

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skdeepmine import DenseNetworkClassifier, NeuralFeatureExtractor
from skdeepmine.core._backend import backend_name
from skdeepmine.utils import expected_failed_checks

SAMPLE_WEIGHT_CHECK = "check_sample_weight_equivalence_on_dense_data"
TINY = dict(hidden_units=(8,), epochs=10, learning_rate=0.05, random_state=0)


def _planted(dtype):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X.astype(dtype), y


def _network_dtype(estimator):
    return {str(w.dtype) for w in estimator.model_.get_weights()} | {
        str(estimator.model_.inputs[0].dtype)
    }


def test_dtype_sets_the_network_type_whatever_X_is():
    if backend_name() != "tensorflow":
        pytest.skip("'auto' follows X on TensorFlow only; the other backends: the test below")
    X, y = _planted(np.float64)
    fitted = {
        dtype: DenseNetworkClassifier(**TINY, dtype=dtype).fit(X, y)
        for dtype in ("float32", "float64")
    }
    assert DenseNetworkClassifier().dtype == "auto"  # X's type, as scikit-learn's MLP
    assert _network_dtype(fitted["float32"]) == {"float32"}
    assert _network_dtype(fitted["float64"]) == {"float64"}
    # "auto" follows X, as scikit-learn's MLP does: the same network type
    # trains the same network (to float32's precision: the input
    # standardisation's statistics come from X in its own type).
    auto32 = DenseNetworkClassifier(**TINY, dtype="auto").fit(X.astype(np.float32), y)
    auto64 = DenseNetworkClassifier(**TINY, dtype="auto").fit(X, y)
    assert _network_dtype(auto32) == {"float32"}
    assert _network_dtype(auto64) == {"float64"}
    np.testing.assert_allclose(
        auto32.predict_proba(X), fitted["float32"].predict_proba(X), rtol=1e-4, atol=1e-6
    )
    np.testing.assert_array_equal(auto64.predict_proba(X), fitted["float64"].predict_proba(X))
    for clf in fitted.values():  # both precisions learn the planted rule
        assert clf.score(X, y) > 0.95
        assert clf.predict_proba(X[:2]).dtype == np.float64
    with pytest.raises(InvalidParameterError, match="dtype"):
        DenseNetworkClassifier(dtype="float16").fit(X, y)


def test_float32_extractor_keeps_X_type_and_float32_declares_the_weight_check():
    X, y = _planted(np.float64)
    extractor = NeuralFeatureExtractor(n_components=2, hidden_units=(4,), epochs=2,
                                       random_state=0, dtype="float32").fit(X, y)
    assert _network_dtype(extractor.network_) == {"float32"}
    assert extractor.transform(X).dtype == np.float64
    assert extractor.transform(X.astype(np.float32)).dtype == np.float32
    reason = expected_failed_checks(DenseNetworkClassifier(dtype="float32"))[SAMPLE_WEIGHT_CHECK]
    assert "float32" in reason and "float64" in reason
    assert expected_failed_checks(DenseNetworkClassifier(dtype="float64")) == {}
    if backend_name() == "tensorflow":  # "auto" is float32 on the others: the test below
        assert expected_failed_checks(DenseNetworkClassifier(dtype="auto")) == {}


def test_auto_is_float32_on_jax_and_torch_where_float64_is_refused():
    # Keras's type promotion turns float64 into float32 on JAX and PyTorch
    # (batch normalisation and losses then compute in float32 inside a
    # float64 network, even in JAX's 64-bit mode), and JAX truncates float64
    # outside its 64-bit mode: float64 there would be float64 in name only.
    backend = backend_name()
    X, y = _planted(np.float64)
    auto = DenseNetworkClassifier(**TINY).fit(X, y)
    reason = expected_failed_checks(auto).get(SAMPLE_WEIGHT_CHECK, "")
    if backend == "tensorflow":
        assert _network_dtype(auto) == {"float64"} and reason == ""
    else:
        assert _network_dtype(auto) == {"float32"}
        assert f"dtype='auto' computes in float32 on Keras's {backend} backend" in reason
        assert auto.score(X, y) > 0.95
    if backend != "tensorflow":
        refused = DenseNetworkClassifier(**TINY, dtype="float64")
        with pytest.raises(ValueError, match="float64' needs Keras's TensorFlow backend"):
            refused.fit(X, y)
        assert not hasattr(refused, "model_")
        return
    wide = DenseNetworkClassifier(**TINY, dtype="float64").fit(X, y)
    assert _network_dtype(wide) == {"float64"}
    assert wide.score(X, y) > 0.95


def test_a_users_float64_network_never_turns_values_beyond_float32_into_nan():
    # JAX outside its 64-bit mode computes a float64 network in float32, and
    # Keras computes batch normalisation and softmax in float32 on PyTorch
    # and JAX (core/_float64.py): 1e39 gave NaN probabilities and class 0
    # there.  On TensorFlow, which computes float64, 1e39 is just a number.
    import keras

    def float64_network(meta):
        return keras.Sequential([
            keras.Input(meta["input_shape"], dtype="float64"),
            keras.layers.Dense(4, dtype="float64"),
            keras.layers.Dense(2, activation="softmax", dtype="float64"),
        ])

    X, y = _planted(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # JAX's own, on truncating each float64 variable
        clf = DenseNetworkClassifier(model=float64_network, epochs=2, random_state=0).fit(X, y)
    huge = np.full((1, 3), 1e39)
    if backend_name() == "tensorflow":
        assert np.isfinite(clf.predict_proba(huge)).all()
        return
    with pytest.raises(ValueError, match="float32's range"):
        clf.predict_proba(huge)
    with pytest.raises(ValueError, match="float32's range"):
        clf.fit(np.vstack([X, huge]), np.append(y, 1))
