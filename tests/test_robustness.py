"""Robustness: concurrent inference, hostile inputs, interrupted fits, no retracing.

The property-based tests feed fit, predict and transform arrays of random
shapes and dtypes, NaN and inf, empty arrays, strings and objects, ragged
lists and pandas frames with mixed columns.  Each call must either work or
raise a ValueError or TypeError with a message of its own: never another
exception, an error raised from inside TensorFlow or Keras, or a hang (a
watchdog ends the process with a traceback after a few minutes).
"""

import faulthandler
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge

from skdeepmine import CNNClassifier, CNNRegressor
from skdeepmine.core import _engine
from skdeepmine.features import DenseNetworkClassifier, NeuralFeatureExtractor
from skdeepmine.hybrid import HybridClassifier, HybridRegressor

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

keras = pytest.importorskip("keras")

N_FEATURES = 8
TINY_CNN = dict(filters=(4,), dense_units=(8,), epochs=1, random_state=0)
TINY_EXTRACTOR = dict(n_components=3, hidden_units=(8,), epochs=1, random_state=0)

PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.fixture(autouse=True)
def watchdog():
    """End the run with every thread's traceback if a test hangs."""
    faulthandler.dump_traceback_later(300, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=60, n_features=N_FEATURES, n_informative=4, n_classes=3,
        random_state=0,
    )
    return X, y


def make_estimators():
    return {
        "CNNClassifier": CNNClassifier(**TINY_CNN),
        "CNNRegressor": CNNRegressor(**TINY_CNN),
        "DenseNetworkClassifier": DenseNetworkClassifier(
            hidden_units=(8,), epochs=1, random_state=0
        ),
        "NeuralFeatureExtractor": NeuralFeatureExtractor(**TINY_EXTRACTOR),
        # A linear estimator: scikit-learn's OpenMP-threaded trees called from
        # eight threads on two busy cores would only make the test slow.
        "HybridClassifier": HybridClassifier(
            NeuralFeatureExtractor(**TINY_EXTRACTOR), LogisticRegression(), cv=None
        ),
    }


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return {name: est.fit(X, y) for name, est in make_estimators().items()}


INFERENCE = [
    ("CNNClassifier", "predict"),
    ("CNNClassifier", "predict_proba"),
    ("CNNRegressor", "predict"),
    ("DenseNetworkClassifier", "predict_proba"),
    ("NeuralFeatureExtractor", "transform"),
    ("HybridClassifier", "predict"),
    ("HybridClassifier", "predict_proba"),
]


# ------------------------------------------------------------ concurrency
@pytest.mark.parametrize("name, method", INFERENCE)
def test_eight_threads_get_the_same_outputs_as_serial_calls(fitted, data, name, method):
    X, _ = data
    call = getattr(fitted[name], method)
    chunks = [X[i::8] for i in range(8)] * 4  # 32 calls, 4 per thread
    serial = [call(chunk) for chunk in chunks]
    start = threading.Barrier(8)

    def run(chunk_indices):
        start.wait()
        return [(i, call(chunks[i])) for i in chunk_indices]

    with ThreadPoolExecutor(8) as pool:
        parts = pool.map(run, [range(t, len(chunks), 8) for t in range(8)])
        results = dict(pair for part in parts for pair in part)
    for i, expected in enumerate(serial):
        np.testing.assert_array_equal(results[i], expected)


# ------------------------------------------------------- hostile inputs
def assert_clear_error(exc):
    """A ValueError or TypeError with a message, raised outside TF/Keras."""
    assert isinstance(exc, (ValueError, TypeError)), (
        f"{type(exc).__name__} instead of ValueError/TypeError: {exc}"
    )
    message = str(exc)
    assert message.strip(), "error without a message"
    innermost = traceback.extract_tb(exc.__traceback__)[-1].filename
    assert "/tensorflow/" not in innermost and "/keras/" not in innermost, (
        f"raw error from {innermost}: {message[:300]}"
    )
    assert "Graph execution error" not in message


def is_plain_valid(X, n_values):
    """True for inputs that must be accepted: finite numeric rows of the fitted n_values.

    The fitted estimators saw rows; samples of another shape with as many
    values (``(2, 4)`` for 8 features) are refused, not reshaped.
    """
    if not isinstance(X, np.ndarray) or X.dtype.kind not in "biuf":
        return False
    if X.ndim != 2 or 0 in X.shape or X.shape[1] != n_values:
        return False
    return bool(np.isfinite(X.astype(np.float64)).all())


def has_non_finite(X):
    return (
        isinstance(X, np.ndarray) and X.dtype.kind == "f" and X.size > 0
        and not np.isfinite(X).all()
    )


NUMERIC_DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int8, np.uint8, np.bool_]


@st.composite
def numeric_arrays(draw, sample_shapes=None, max_rows=6):
    """Numeric arrays of a random shape, maybe with a NaN or an inf."""
    dtype = draw(st.sampled_from(NUMERIC_DTYPES))
    if sample_shapes is None:
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=9))
    else:
        shape = (draw(st.integers(0, max_rows)),) + draw(st.sampled_from(sample_shapes))
    if np.dtype(dtype).kind == "f":
        elements = st.floats(-1e3, 1e3, width=16 if dtype == np.float16 else 64)
    else:
        elements = None
    X = draw(hnp.arrays(dtype, shape, elements=elements))
    if np.dtype(dtype).kind == "f" and X.size and draw(st.integers(0, 3)) == 0:
        X.flat[draw(st.integers(0, X.size - 1))] = draw(
            st.sampled_from([np.nan, np.inf, -np.inf])
        )
    return X


@st.composite
def odd_arrays(draw):
    """Strings, objects, complex numbers, dates, scalars."""
    n_rows = draw(st.integers(0, 4))
    kind = draw(st.sampled_from(
        ["str", "numeric str", "object", "complex", "datetime", "scalar", "none", "bytes"]
    ))
    shape = (n_rows, N_FEATURES)
    if kind == "str":
        return np.full(shape, draw(st.text(max_size=3)))
    if kind == "numeric str":
        return np.full(shape, "1.5")
    if kind == "object":
        values = st.one_of(st.none(), st.floats(), st.text(max_size=2), st.integers())
        return np.array(
            [[draw(values) for _ in range(N_FEATURES)] for _ in range(n_rows)],
            dtype=object,
        ).reshape(shape)
    if kind == "complex":
        return np.ones(shape) + 1j
    if kind == "datetime":
        return np.full(shape, np.datetime64("2024-01-01"))
    if kind == "bytes":
        return np.full(shape, b"ab")
    if kind == "scalar":
        return draw(st.sampled_from([3.0, "text", np.float64(1.0)]))
    return None


ragged_lists = st.lists(
    st.lists(st.floats(-10, 10), min_size=0, max_size=N_FEATURES + 1),
    min_size=1, max_size=4,
)


@st.composite
def mixed_frames(draw):
    """DataFrames whose columns mix numbers, text, categories, dates and NA."""
    n_rows = draw(st.integers(0, 5))
    kinds = draw(st.lists(
        st.sampled_from(["float", "int", "bool", "str", "category", "datetime", "Int64", "object"]),
        min_size=1, max_size=N_FEATURES + 1,
    ))
    columns = {}
    for i, kind in enumerate(kinds):
        if kind == "float":
            values = np.linspace(0, 1, n_rows)
        elif kind == "int":
            values = np.arange(n_rows)
        elif kind == "bool":
            values = np.arange(n_rows) % 2 == 0
        elif kind == "str":
            values = [f"v{j}" for j in range(n_rows)]
        elif kind == "category":
            values = pd.Categorical([f"c{j % 2}" for j in range(n_rows)])
        elif kind == "datetime":
            values = pd.date_range("2024-01-01", periods=n_rows)
        elif kind == "Int64":
            values = pd.array([None if j == 0 else j for j in range(n_rows)], dtype="Int64")
        else:
            values = [j if j % 2 else str(j) for j in range(n_rows)]
        columns[f"x{i}"] = values
    return pd.DataFrame(columns, index=range(n_rows))


any_input = st.one_of(numeric_arrays(), odd_arrays(), ragged_lists, mixed_frames())


@pytest.mark.filterwarnings("ignore:X has feature names")
@pytest.mark.parametrize("name, method", INFERENCE)
@PROPERTY_SETTINGS
@given(X=any_input)
def test_inference_on_any_input_works_or_raises_a_clear_error(fitted, name, method, X):
    call = getattr(fitted[name], method)
    try:
        out = call(X)
    except Exception as exc:
        assert_clear_error(exc)
        assert not is_plain_valid(X, N_FEATURES), f"valid input refused: {exc}"
        if has_non_finite(X) and X.ndim >= 2 and 0 not in X.shape:
            assert isinstance(exc, ValueError)
        return
    assert not has_non_finite(X), "NaN or inf was accepted"
    assert len(out) == len(X)
    if is_plain_valid(X, N_FEATURES):
        assert np.isfinite(np.asarray(out, dtype=np.float64)).all()


# Samples shaped as rows, signals and images; a few shapes only, so that the
# networks built for them are traced once each.
FIT_SAMPLE_SHAPES = [(3,), (N_FEATURES,), (2, 4), (3, 3, 1), (0,), (2, 0)]

# Usable targets half of the time, so that a good share of examples train.
labels = st.sampled_from([
    "ints", "ints", "ints", "strings", "one class", "NaN", "wrong length",
    "two columns", "None",
])


def make_y(kind, n_rows, regression):
    rng = np.random.RandomState(n_rows)
    if kind == "ints":
        return np.arange(n_rows) % 3 if not regression else rng.normal(size=n_rows)
    if kind == "strings":
        return np.array(["a", "b"] * n_rows)[:n_rows]
    if kind == "one class":
        return np.zeros(n_rows)
    if kind == "NaN":
        return np.full(n_rows, np.nan)
    if kind == "wrong length":
        return np.arange(n_rows + 1) % 2
    if kind == "two columns":
        return np.c_[np.arange(n_rows) % 2, np.arange(n_rows) % 2]
    return None


FIT_ESTIMATORS = {
    "CNNClassifier": (lambda: CNNClassifier(**TINY_CNN), "predict_proba"),
    "CNNRegressor": (lambda: CNNRegressor(**TINY_CNN), "predict"),
    "NeuralFeatureExtractor": (lambda: NeuralFeatureExtractor(**TINY_EXTRACTOR), "transform"),
    "HybridRegressor": (
        lambda: HybridRegressor(NeuralFeatureExtractor(**TINY_EXTRACTOR), Ridge(), cv=None),
        "predict",
    ),
}


# One-row fits make R^2 (the hybrid's importance measure) undefined: a warning.
@pytest.mark.filterwarnings("ignore:R\\^2 score is not well-defined")
@pytest.mark.parametrize("name", list(FIT_ESTIMATORS))
@PROPERTY_SETTINGS
@given(
    X=st.one_of(
        numeric_arrays(sample_shapes=FIT_SAMPLE_SHAPES),
        numeric_arrays(sample_shapes=FIT_SAMPLE_SHAPES),
        numeric_arrays(sample_shapes=FIT_SAMPLE_SHAPES),
        odd_arrays(), ragged_lists, mixed_frames(),
    ),
    y_kind=labels,
)
def test_fit_on_any_input_works_or_raises_a_clear_error(name, X, y_kind):
    make, method = FIT_ESTIMATORS[name]
    estimator = make()
    try:
        n_rows = len(X)
    except TypeError:  # scalars, None
        n_rows = 0
    y = make_y(y_kind, n_rows, regression="Regressor" in name)
    try:
        estimator.fit(X, y)
    except Exception as exc:
        assert_clear_error(exc)
        hypothesis.event(f"refused: {type(exc).__name__}: {str(exc)[:60]}")
        return
    hypothesis.event("fitted")
    # Accepted: the input was usable, and the estimator now serves it.
    assert not has_non_finite(X), "NaN or inf was accepted"
    assert np.asarray(X).size > 0
    out = getattr(estimator, method)(X)
    assert len(out) == len(X)
    assert np.isfinite(np.asarray(out, dtype=np.float64)).all()


# ------------------------------------------------------ interrupted fits
class InterruptAt(keras.callbacks.Callback):
    """Raise KeyboardInterrupt from one of Keras's callback hooks."""

    def __init__(self, hook, epoch=0):
        super().__init__()
        self.hook, self.epoch, self.armed = hook, epoch, True

    def _maybe_interrupt(self, hook, epoch=None):
        if self.armed and hook == self.hook and (epoch is None or epoch >= self.epoch):
            raise KeyboardInterrupt

    def on_epoch_begin(self, epoch, logs=None):
        self._maybe_interrupt("on_epoch_begin", epoch)

    def on_epoch_end(self, epoch, logs=None):
        self._maybe_interrupt("on_epoch_end", epoch)

    def on_train_end(self, logs=None):
        self._maybe_interrupt("on_train_end")


HOOKS = ["on_epoch_begin", "on_epoch_end", "on_train_end"]


def snapshot(estimator):
    """Everything fitting may change: attributes, and the network's weights."""
    state = {k: v for k, v in vars(estimator).items() if k not in ("callbacks", "model_")}
    weights = [w.copy() for w in estimator.model_.get_weights()] if hasattr(
        estimator, "model_"
    ) else None
    return repr(state), weights


def assert_unchanged(before, estimator):
    state, weights = snapshot(estimator)
    assert state == before[0]
    if before[1] is None:
        assert weights is None
    else:
        for a, b in zip(weights, before[1]):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("hook", HOOKS)
def test_interrupted_first_fit_leaves_the_estimator_unfitted(data, hook):
    X, y = data
    clf = CNNClassifier(**{**TINY_CNN, "epochs": 3}, callbacks=[InterruptAt(hook, epoch=1)])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    assert set(vars(clf)) == set(clf.get_params())
    with pytest.raises(NotFittedError):
        clf.predict(X)


@pytest.mark.parametrize("hook", HOOKS)
def test_interrupted_refit_keeps_the_previous_fit(data, hook):
    X, y = data
    interrupt = InterruptAt(hook)
    interrupt.armed = False
    clf = CNNClassifier(**TINY_CNN, callbacks=[interrupt]).fit(X, y)
    before, proba = snapshot(clf), clf.predict_proba(X)
    interrupt.armed = True
    # New classes and fewer features: a half-done refit would mix them with
    # the previous network.
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X[:, :5], y + 10)
    assert_unchanged(before, clf)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


def test_interrupted_warm_start_fit_keeps_weights_history_and_optimizer_state(data):
    X, y = data
    interrupt = InterruptAt("on_epoch_end", epoch=1)
    interrupt.armed = False
    clf = CNNClassifier(**{**TINY_CNN, "epochs": 2}, warm_start=True, callbacks=[interrupt])
    clf.fit(X, y)
    twin = clone(clf).set_params(callbacks=None).fit(X, y)
    before = snapshot(clf)
    interrupt.armed = True
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    assert_unchanged(before, clf)
    assert clf.n_iter_ == 2
    # Continuing after the interruption is exactly continuing without it.
    interrupt.armed = False
    clf.fit(X, y)
    twin.fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), twin.predict_proba(X))


def test_interrupted_partial_fit_keeps_the_previous_state(data):
    X, y = data
    interrupt = InterruptAt("on_epoch_end")
    clf = CNNClassifier(**TINY_CNN, callbacks=[interrupt])
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert set(vars(clf)) == set(clf.get_params())
    interrupt.armed = False
    clf.partial_fit(X, y, classes=[0, 1, 2])
    before = snapshot(clf)
    interrupt.armed = True
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, y)
    assert_unchanged(before, clf)
    assert clf.n_iter_ == 1


def test_fits_after_an_interrupted_one_match_fits_without_it(data):
    # The interrupted fit's pooled trainer goes back to the pool half-trained;
    # the next fit must not inherit anything from it.
    X, y = data
    reference = CNNClassifier(**{**TINY_CNN, "epochs": 3}).fit(X, y).predict_proba(X)
    with pytest.raises(KeyboardInterrupt):
        CNNClassifier(**{**TINY_CNN, "epochs": 3},
                      callbacks=[InterruptAt("on_epoch_end", epoch=1)]).fit(X, y)
    again = CNNClassifier(**{**TINY_CNN, "epochs": 3}).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(again, reference)


@pytest.mark.parametrize("kind", ["extractor", "hybrid"])
def test_interrupted_extractor_or_hybrid_fit_leaves_it_unfitted(data, kind):
    X, y = data
    extractor = NeuralFeatureExtractor(
        **TINY_EXTRACTOR, network_params={"callbacks": [InterruptAt("on_epoch_end")]}
    )
    estimator = extractor if kind == "extractor" else HybridClassifier(
        extractor, LogisticRegression(), cv=None
    )
    with pytest.raises(KeyboardInterrupt):
        estimator.fit(X, y)
    assert set(vars(estimator)) == set(estimator.get_params(deep=False))


# ------------------------------------------------------------ retracing
def traced_function_count():
    """Concrete functions traced so far by the pooled engines and their trainers."""
    total = 0
    for engine in list(_engine._engines.values()):
        if engine._infer is not None:
            total += engine._infer.experimental_get_tracing_count()
        for trainers in engine._free_trainers.values():
            for trainer in trainers:
                total += trainer.step.experimental_get_tracing_count()
                total += trainer.evaluate.experimental_get_tracing_count()
    return total


def test_repeated_fits_of_one_architecture_trace_nothing_new(data):
    X, y = data
    rng = np.random.RandomState(0)

    def fit_all(seed):
        Xs = X + rng.normal(scale=0.1, size=X.shape)
        CNNClassifier(**{**TINY_CNN, "random_state": seed}).fit(Xs, y).predict(Xs)
        HybridClassifier(
            NeuralFeatureExtractor(**{**TINY_EXTRACTOR, "random_state": seed}),
            LogisticRegression(), cv=2,
        ).fit(Xs, y).predict(Xs)

    fit_all(0)
    engines, traced = len(_engine._engines), traced_function_count()
    assert traced > 0
    for seed in range(1, 4):
        fit_all(seed)
    assert len(_engine._engines) == engines
    assert traced_function_count() == traced
