"""The fast prediction path (core/_validation.validated_fast) behaves as the full checks.

A NumPy float array of the fitted sample shape skips scikit-learn's
validate_data (about 80 microseconds, more than a small network's whole 1-row
prediction: benchmarks/bench_core.py); everything else takes the full checks.
Each input below goes through predict_proba twice, with the fast path and with
it switched off, and must give the same result, error or warning.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import fast_estimator
from sklearn.exceptions import NotFittedError

from skdeepmine.core import _base
from skdeepmine.core._backend import get_keras
from skdeepmine.core._validation import _all_finite, validate_X, validated_fast


def _outcome(estimator, X):
    """(result or (error type, message), [(category, message, file it names)])."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            result = estimator.predict_proba(X)
        except Exception as exc:  # noqa: BLE001 - the exception is the outcome
            result = (type(exc), str(exc))
    return result, [(w.category, str(w.message), w.filename) for w in seen]


def _same(first, second):
    (a, warned_a), (b, warned_b) = first, second
    assert warned_a == warned_b
    if isinstance(a, tuple):
        assert a == b
    else:
        np.testing.assert_array_equal(a, b)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 6, 6, 1)).astype(np.float32)
    y = (X[:, :3].mean(axis=(1, 2, 3)) > X[:, 3:].mean(axis=(1, 2, 3))).astype(int)
    return fast_estimator("CNNClassifier", epochs=1).fit(X, y), X, y


def test_fast_path_gives_what_the_full_checks_give_on_every_input(fitted, monkeypatch):
    clf, X, _ = fitted
    network = clf.model_
    expected = get_keras().ops.convert_to_numpy(network(X[:5], training=False))

    def with_nan():
        bad = X[:3].copy()
        bad[1, 2, 2, 0] = np.nan
        return bad

    def with_inf(sign):
        bad = X[:3].copy()
        bad[0, 0, 0, 0] = sign * np.inf
        return bad

    inputs = {
        "float32": X[:5],
        "float64": X[:5].astype(np.float64),
        "one row": X[:1],
        "non-contiguous": np.asfortranarray(X[:5]),
        "NaN": with_nan(),
        "+inf": with_inf(1),
        "-inf": with_inf(-1),
        # Many values: NaN among them, and finite ones whose float32 sum
        # overflows.
        "NaN, many rows": np.concatenate([X] * 3 + [with_nan()]),
        "overflowing sum": np.full((120, 6, 6, 1), 3e38, dtype=np.float32),
        "large values": np.full((2, 6, 6, 1), 3e38, dtype=np.float32),
        "no rows": X[:0],
        "other channels": np.repeat(X[:2], 2, axis=3),
        "other size": X[:2, :5],
        "flat rows": X[:2].reshape(2, -1),
        "one sample without its batch axis": X[0],
        "float16": X[:3].astype(np.float16),
        "integers": (X[:3] * 255).astype(np.uint8),
        "a list": X[:2].tolist(),
        # Another scale than at fit: the value-range warning.
        "pixel scale": X[:3] * 255.0,
        "strings": np.array([["a"] * 6] * 6, dtype=object)[None, :, :, None],
    }
    fast = {name: _outcome(clf, value) for name, value in inputs.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the value-range warning, checked above
        taken = {name for name, value in inputs.items() if validated_fast(clf, value) is not None}
    assert taken == {
        "float32", "float64", "one row", "non-contiguous", "pixel scale", "large values",
        "overflowing sum",
    }
    assert "NaN" in fast["NaN, many rows"][0][1]
    assert fast["overflowing sum"][0].shape == (120, 2)
    np.testing.assert_allclose(fast["float32"][0], expected, rtol=1e-5, atol=1e-6)
    assert "NaN" in fast["NaN"][0][1] and "infinity" in fast["+inf"][0][1]
    assert fast["pixel scale"][1] and "divided by 255" in fast["pixel scale"][1][0][1]
    assert fast["pixel scale"][1][0][2] == _base.__file__  # named where validate_X's names it

    monkeypatch.setattr(_base, "validated_fast", lambda estimator, X: None)
    for name, value in inputs.items():
        _same(fast[name], _outcome(clf, value))

    # validated_fast returns what validate_X returns, unchanged.
    monkeypatch.undo()
    for name in taken:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = validate_X(clf, inputs[name], reset=False)
            assert validated_fast(clf, inputs[name]) is inputs[name]
        assert got.dtype == inputs[name].dtype
        np.testing.assert_array_equal(got, inputs[name])


def test_fast_path_skips_the_full_checks_and_keeps_not_fitted_and_feature_names(
    fitted, monkeypatch
):
    clf, X, y = fitted
    reference = clf.predict_proba(X[:4])

    def refuse(*args, **kwargs):
        raise AssertionError("the full checks ran")

    with monkeypatch.context() as patch:
        patch.setattr(_base, "validate_X", refuse)
        patch.setattr(_base, "check_is_fitted", refuse)
        np.testing.assert_array_equal(clf.predict_proba(X[:4]), reference)
        np.testing.assert_array_equal(clf.predict(X[:4]), clf.classes_[reference.argmax(axis=1)])

    unfitted = fast_estimator("CNNClassifier")
    assert validated_fast(unfitted, X[:2]) is None
    with pytest.raises(NotFittedError, match="not fitted yet"):
        unfitted.predict_proba(X[:2])

    # Fitted with feature names, given an array: scikit-learn's warning.
    frame = pd.DataFrame(X.reshape(len(X), -1)[:, :5], columns=[f"f{i}" for i in range(5)])
    dense = fast_estimator("DenseNetworkClassifier", epochs=1).fit(frame, y)
    assert validated_fast(dense, frame.to_numpy()) is None
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        dense.predict_proba(frame.to_numpy())


def test_finiteness_of_many_values_is_read_from_their_sum_without_warnings():
    # Where no value range is stored (tables), large arrays are checked by
    # their sum, as scikit-learn does; an overflowing sum sends them to the
    # full checks, which tell overflow from infinity.
    many = np.ones((100, 50))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _all_finite(many) and _all_finite(many[:1])
        for value in (np.nan, np.inf, -np.inf):
            bad = many.copy()
            bad[50, 7] = value
            assert not _all_finite(bad) and not _all_finite(bad[50:51])
        assert not _all_finite(np.full((100, 50), 1e308))


def test_values_beyond_float32s_range_are_refused_not_predicted_as_nan():
    # A float64 value past float32's largest (3.4e38) became inf in a float32
    # network: NaN probabilities and an arbitrary class, silently (reviewer).
    from skdeepmine import DenseNetworkClassifier

    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 3), np.arange(40) % 2
    clf = DenseNetworkClassifier(hidden_units=(2,), epochs=1, dtype="float32", random_state=0)
    clf.fit(X, y)
    for huge in ([[1e39, 0.0, 0.0]], [[0.0, -1e39, 0.0]]):
        for given in (np.array(huge), pd.DataFrame(huge).values.tolist()):  # fast and full path
            with pytest.raises(ValueError, match="beyond float32's range"):
                clf.predict_proba(given)
    np.testing.assert_array_equal(clf.predict_proba([[3e38, 0.0, 0.0]]).shape, (1, 2))
    with pytest.raises(ValueError, match="beyond float32's range"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the scaler's own overflow
        clf.fit(np.vstack([X, [[1e39, 0.0, 0.0]]]), np.append(y, 1))


class _Pending:
    """Outputs of a computation that is still running (a JAX array's protocol)."""

    def __init__(self, polls_until_ready):
        self.polls = 0
        self.polls_until_ready = polls_until_ready

    def is_ready(self):
        self.polls += 1
        return self.polls > self.polls_until_ready

    def __array__(self, dtype=None, copy=None):
        return np.arange(3.0)


def test_small_outputs_are_polled_for_then_waited_for_and_large_ones_waited_for_at_once():
    # core/_jax_infer.fetch: polling spares a small prediction the worker
    # thread's wake-up; it is bounded, and then the read blocks as before.
    from skdeepmine.core import _jax_infer

    soon = _Pending(polls_until_ready=5)
    assert _jax_infer.fetch(soon, rows=1).tolist() == [0.0, 1.0, 2.0]
    assert soon.polls == 6  # stopped polling once ready
    never = _Pending(polls_until_ready=10**12)
    assert _jax_infer.fetch(never, rows=_jax_infer.PAD_ROWS).tolist() == [0.0, 1.0, 2.0]
    assert never.polls > 1  # polled until the deadline, then read
    large = _Pending(polls_until_ready=10**12)
    assert _jax_infer.fetch(large, rows=_jax_infer.PAD_ROWS + 1).tolist() == [0.0, 1.0, 2.0]
    assert large.polls == 0
