"""The estimators on Keras's JAX and PyTorch backends, one subprocess each.

Keras chooses its backend once per process (``KERAS_BACKEND``), so each
backend runs in a process of its own; a backend that is not installed is
skipped with the reason.  The main suite runs on TensorFlow.
"""

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import pickle
    import sys

    import numpy as np

    import skdeepmine
    assert not {"keras", "tensorflow", "jax", "torch"} & set(sys.modules), "import loaded a backend"
    from skdeepmine import CNNClassifier, DenseNetworkClassifier, HybridClassifier
    from skdeepmine.features import NeuralFeatureExtractor
    from sklearn.linear_model import LogisticRegression

    rng = np.random.RandomState(0)
    X = rng.normal(size=(160, 4))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    params = dict(hidden_units=(8,), epochs=15, learning_rate=0.05, random_state=0,
                  metrics=["accuracy"])
    first = DenseNetworkClassifier(**params).fit(X, y)
    again = DenseNetworkClassifier(**params).fit(X, y)
    import keras
    assert keras.backend.backend() == sys.argv[1], keras.backend.backend()
    assert first.score(X, y) > 0.95, first.score(X, y)
    assert first.history_[-1]["accuracy"] > 0.9, first.history_[-1]
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    loaded = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(loaded.predict_proba(X), first.predict_proba(X))

    images = np.zeros((120, 6, 6, 1))
    labels = np.arange(120) % 2
    images[labels == 1, :3] = 1.0  # class 1: a bright top half
    cnn = CNNClassifier(filters=(4,), dense_units=(8,), epochs=15, learning_rate=0.02,
                        dropout=0.1, early_stopping=True, random_state=0)
    assert cnn.fit(images, labels).score(images, labels) == 1.0

    hybrid = HybridClassifier(
        NeuralFeatureExtractor(n_components=2, hidden_units=(8,), epochs=10,
                               learning_rate=0.05, random_state=0),
        LogisticRegression(), cv=None,
    ).fit(X, y)
    assert hybrid.score(X, y) > 0.9, hybrid.score(X, y)
    from skdeepmine.inspection import attributions
    try:
        attributions(first, X[:2], method="gradient")
    except ImportError as exc:
        assert "TensorFlow backend" in str(exc), exc
    else:
        raise AssertionError("gradients ran on " + sys.argv[1])
    print("ok", sys.argv[1])
""")


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_estimators_train_reproducibly_and_pickle_on_backend(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed (pip install 'skdeepmine[{backend}]')")
    env = {**os.environ, "KERAS_BACKEND": backend, "SKDEEPMINE_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, backend], env=env, capture_output=True, text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith(f"ok {backend}")
