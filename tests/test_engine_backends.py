"""The compiled-function engine on each Keras backend (core/_compiled.py, _engine.py).

Keras reads ``KERAS_BACKEND`` once per process, so JAX and PyTorch run in a
subprocess each; the suite's own backend (TensorFlow) runs in this process.
Speed is measured by benchmarks/bench_core.py, never here.
"""

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

CHECKS = textwrap.dedent("""
    import pickle
    import sys

    import numpy as np

    from skdeepmine import CNNClassifier


    def check_engine(backend):
        rng = np.random.RandomState(0)
        X = rng.rand(60, 6, 6, 1).astype(np.float32)
        y = np.arange(60) % 3
        params = dict(filters=(3,), dense_units=(4,), epochs=2, batch_size=16)
        first = CNNClassifier(random_state=0, **params).fit(X, y)
        second = CNNClassifier(random_state=1, **params).fit(X, y)
        import keras

        assert keras.backend.backend() == backend, keras.backend.backend()
        # One compiled function serves both models, each with its own weights.
        outputs = []
        for clf in (first, second):
            expected = keras.ops.convert_to_numpy(clf.model_(X, training=False))
            np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-5, atol=1e-6)
            outputs.append(expected)
        assert np.abs(outputs[0] - outputs[1]).max() > 1e-3, "the two models predict alike"
        # Weights changed after fitting are the ones predictions use.
        weights = first.model_.get_weights()
        weights[-1] = weights[-1] + np.array([0.0, 0.0, 40.0], dtype=weights[-1].dtype)
        first.model_.set_weights(weights)
        np.testing.assert_array_equal(first.predict(X), np.full(60, 2))
        # Freezing a layer after fitting moves its weights out of
        # trainable_variables; each must still reach its own place.
        next(layer for layer in first.model_.layers if layer.weights).trainable = False
        expected = keras.ops.convert_to_numpy(first.model_(X, training=False))
        np.testing.assert_allclose(first.predict_proba(X), expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(second.predict_proba(X), outputs[1], rtol=1e-5, atol=1e-6)
        loaded = pickle.loads(pickle.dumps(second))
        np.testing.assert_allclose(loaded.predict_proba(X), outputs[1], rtol=1e-5, atol=1e-6)
        # Outputs are the caller's to change, as model(x)'s NumPy copy is.
        from skdeepmine.core._engine import predict_raw

        assert predict_raw(second.model_, X[:3]).flags.writeable
        # The compiled call reads each weight's value past Keras's property
        # (core/_compiled._value_reader): the same arrays.
        from skdeepmine.core._compiled import _value_reader

        values = _value_reader(second.model_)(second.model_.variables)
        assert all(got is v.value for got, v in zip(values, second.model_.variables))
        if backend == "torch":
            check_torch_trace(first, X)
        if backend == "jax":
            check_jax_buckets(second, X)
        if backend != "tensorflow":  # tests/test_adapted_layers.py, in process
            check_adapted_statistics()


    def check_adapted_statistics():
        # Two networks of one architecture whose Normalization layers were
        # adapted to other statistics: each predicts as its own model_.
        import keras

        from skdeepmine import DenseNetworkClassifier

        rng = np.random.RandomState(0)
        X = (rng.randn(40, 3) * [100, 1, 20] + [5000, 0, -300]).astype(np.float32)
        y = (X[:, 0] > 5000).astype(int)
        for data in (X, X * 0.5 + 7):
            norm = keras.layers.Normalization()
            norm.adapt(data)
            network = keras.Sequential([
                keras.Input((3,)), norm, keras.layers.Dense(2, activation="softmax"),
            ])
            fitted = DenseNetworkClassifier(model=network, epochs=1, random_state=0).fit(data, y)
            mean = keras.ops.convert_to_numpy(fitted.model_.layers[0].mean)
            np.testing.assert_allclose(np.ravel(mean), data.mean(0), rtol=1e-4)
            expected = keras.ops.convert_to_numpy(fitted.model_(data, training=False))
            np.testing.assert_allclose(fitted.predict_proba(data), expected, rtol=1e-5, atol=1e-6)


    def check_jax_buckets(fitted, X):
        import keras

        from skdeepmine.core._compiled import compile_infer
        from skdeepmine.core._engine import engine_for, predict_raw

        # Few rows are padded to a power of two, more split into one and
        # the rest: 40 row counts, 6 compiles (1, 2, 4, ..., 32).
        model = fitted.model_
        for rows in range(2, 42):
            got = predict_raw(model, X[:rows])
            assert got.shape[0] == rows, got.shape
            if rows in (3, 17, 41):  # the padding's rows change nothing
                expected = keras.ops.convert_to_numpy(model(X[:rows], training=False))
                np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
        compiles = engine_for(model)._infer.compiled._cache_size()
        assert compiles <= 6, compiles
        check_jax_own_call(fitted, X)

        class BatchCentre(keras.layers.Layer):
            # Mixes a batch's rows: zero padding would shift every output.
            def call(self, x):
                return x - keras.ops.mean(x, axis=0, keepdims=True)

        mixing = keras.Sequential([keras.Input((2,)), BatchCentre(), keras.layers.Dense(1)])
        infer = compile_infer(mixing)
        x = np.array([[1.0, 2.0], [3.0, 5.0], [4.0, -1.0]], np.float32)
        expected = keras.ops.convert_to_numpy(mixing(x, training=False))
        np.testing.assert_allclose(infer(mixing, x), expected, rtol=1e-5, atol=1e-6)


    def check_jax_own_call(fitted, X):
        import copy

        import keras

        from skdeepmine.core import _jax_infer
        from skdeepmine.core._engine import engine_for, predict_raw

        # A model serving small predictions gets its own call, bit for bit
        # the shared one's, dropped as soon as a weight changes.
        model = fitted.model_
        small = [X[:1], X[1:4], X[4:12]]
        shared = [fitted.predict_proba(x) for x in small]
        assert type(model.__dict__[_jax_infer._OWN]) is int
        after, _jax_infer.OWN_CALL_AFTER = _jax_infer.OWN_CALL_AFTER, 5
        for x in small:
            fitted.predict_proba(x)
        own = model.__dict__[_jax_infer._OWN]
        assert type(own) is _jax_infer._OwnCall and own.fresh()
        for x, expected in zip(small, shared):
            np.testing.assert_array_equal(fitted.predict_proba(x), expected)
        assert model.__dict__[_jax_infer._OWN] is own
        # A copied network's variables are new: it starts counting afresh.
        twin = copy.deepcopy(model)
        assert twin.__dict__.get(_jax_infer._OWN, 0) == 0
        np.testing.assert_array_equal(predict_raw(twin, X[:1]), predict_raw(model, X[:1]))
        weights = model.get_weights()
        weights[-1] = weights[-1] + np.array([0.0, 40.0, 0.0], dtype=weights[-1].dtype)
        model.set_weights(weights)
        assert not own.fresh()
        for x in small:
            np.testing.assert_array_equal(fitted.predict(x), np.full(len(x), fitted.classes_[1]))
            expected = keras.ops.convert_to_numpy(model(x, training=False))
            np.testing.assert_allclose(fitted.predict_proba(x), expected, rtol=1e-5, atol=1e-6)
        assert type(model.__dict__[_jax_infer._OWN]) in (int, _jax_infer._OwnCall)
        assert model.__dict__[_jax_infer._OWN] is not own
        # The shared function compiled nothing more for it.
        assert engine_for(model)._infer.compiled._cache_size() <= 6
        _jax_infer.OWN_CALL_AFTER = after

    def check_torch_trace(fitted, X):
        import keras

        from skdeepmine.core._compiled import compile_infer
        from skdeepmine.core._engine import engine_for
        from skdeepmine.core._torch_infer import compile_torch_infer

        # Keras's own layers: the traced call serves the CNN.
        assert getattr(engine_for(fitted.model_)._infer, "traced", False)
        # Flipped images (negative strides), which torch.from_numpy refuses.
        for flipped in (X[:, :, ::-1], X[::-1][:1], X[::-1]):
            expected = keras.ops.convert_to_numpy(
                fitted.model_(np.ascontiguousarray(flipped), training=False))
            np.testing.assert_allclose(fitted.predict_proba(flipped), expected, rtol=1e-5, atol=1e-6)

        class SignGate(keras.layers.Layer):
            # A Python branch on the input's values, which a trace would freeze.
            def call(self, x):
                return x * 10.0 if bool(keras.ops.all(x > 0)) else x

        gated = keras.Sequential([keras.Input((2,)), SignGate(), keras.layers.Dense(1)])
        infer = compile_infer(gated)
        assert not getattr(infer, "traced", False)
        # A Lambda is one of Keras's layers, but its function is Python code.
        lambda_gated = keras.Sequential([
            keras.Input((2,)), keras.layers.Lambda(lambda x: x * 2.0), keras.layers.Dense(1),
        ])
        assert not getattr(compile_infer(lambda_gated), "traced", False)
        for x in (np.array([[1.0, 2.0]], np.float32), np.array([[-1.0, 2.0]], np.float32)):
            expected = keras.ops.convert_to_numpy(gated(x, training=False))
            np.testing.assert_allclose(infer(gated, x), expected, rtol=1e-6)

        class FixedBatch(keras.layers.Layer):
            # Freezes the batch size it was traced with into the trace.
            def call(self, x):
                return keras.ops.reshape(x, (int(x.shape[0]), -1))

        fixed = keras.Sequential([keras.Input((2, 2)), FixedBatch(), keras.layers.Dense(1)])
        from skdeepmine.core._compiled import _ops, _weight_split, to_numpy

        # Let it try the trace (a custom layer is otherwise never traced).
        infer = compile_torch_infer(fixed, _weight_split(fixed), _ops(), to_numpy, traceable=True)
        # The check on another batch size refused the trace.
        assert not getattr(infer, "traced", False)
        x = np.arange(20, dtype=np.float32).reshape(5, 2, 2)
        expected = keras.ops.convert_to_numpy(fixed(x, training=False))
        np.testing.assert_allclose(infer(fixed, x), expected, rtol=1e-6)
""")

SUBPROCESS = CHECKS + textwrap.dedent("""
    check_engine(sys.argv[1])
    assert "tensorflow" not in sys.modules, "TensorFlow was imported on " + sys.argv[1]
    print("ok", sys.argv[1])
""")


def test_compiled_predictions_match_the_model_on_the_suites_backend():
    from skdeepmine.core._backend import backend_name

    namespace = {}
    exec(CHECKS, namespace)
    namespace["check_engine"](backend_name())


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_compiled_predictions_match_the_model_without_importing_tensorflow(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed (pip install 'skdeepmine[{backend}]')")
    env = {**os.environ, "KERAS_BACKEND": backend, "SKDEEPMINE_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", SUBPROCESS, backend], env=env, capture_output=True, text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith(f"ok {backend}")
    assert "oneDNN" not in result.stderr, result.stderr[-2000:]
