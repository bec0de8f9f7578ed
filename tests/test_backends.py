"""The estimators on Keras's JAX and PyTorch backends, in subprocesses.

Keras chooses its backend once per process (``KERAS_BACKEND``), so the main
suite runs on TensorFlow and each other backend runs in child processes: the
core, CNN, extractor, hybrid and precision test modules, scikit-learn's checks
(``test_common.py``), concurrent prediction and an insight report each run
again there, one ``pytest`` child per (backend, module), which
pytest-xdist spreads over its workers.  A child leaves out the tests marked
``backend_free`` (they never reach Keras: parameter validation, image loading)
and the few that ``CHILD_SELECTION`` names, with the reason.  A backend that
is not installed is skipped with the reason.  Files written on JAX are then
loaded on PyTorch and TensorFlow.
"""

import importlib.util
import os
import pickle
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import CHILD_BACKEND_VARIABLE

TESTS = Path(__file__).parent
OTHER_BACKENDS = ["jax", "torch"]

# What each child runs: the module and a -k expression selecting its tests,
# besides the tests marked backend_free.  Left out, to keep the suite within
# CI's time (the costs: ``pytest -rP tests/test_backends.py``):
# - test_cnn.py: the default CNN on all of digits (an accuracy target of the
#   defaults: the same training code runs in every other fit), scikit-learn
#   composition (pipelines, grid search, a scaler before the CNN: clone and
#   fit, which test_common.py's checks exercise on the backend) and what the
#   architecture holds (layer counts and sizes, which no backend changes);
# - test_features.py: which network the extractor picks for images (the CNNs
#   train in test_cnn.py), and the dense regressor on friedman1, whose R^2 is
#   0.799 against the test's 0.8 from JAX's initial weights (a threshold tuned
#   on TensorFlow's);
# - test_hybrid.py: scikit-learn composition (grid search, a one-hot pipeline)
#   and the CNN extractor on digits (the CNNs train in test_cnn.py);
# - test_core.py: the tests that start fresh Python processes (identical
#   predictions across processes, a pickle loaded in a new process, nothing
#   printed or imported on first import): in-process refits and pickles run
#   here, TensorFlow is kept out of these processes by
#   tests/test_engine_backends.py, and files cross backends below;
# - test_common.py: the default-constructed estimators (the same code with
#   larger networks; they run on TensorFlow), InsightReporter (it holds no
#   network), the hybrids (their networks are the dense networks checked
#   here, and test_hybrid.py runs here too; their checks cost the JAX child
#   94 CPU seconds on a loaded machine, measured with -k Hybrid), the
#   non-default configurations, which test expected_failed_checks'
#   declarations (non-strict on float32 backends).
# Pickle and skops files: test_core.py's round trips and, across backends,
# the test at the end of this module.
CHILD_SELECTION = {
    "test_core.py": (
        "not across_processes and not fresh_process and not first_import "
        "and not does_not_load_keras"
    ),
    "test_cnn.py": (
        "not reaches_09 and not grid_search and not stays_small and not flat_rows_after "
        "and not built_when_asked"
    ),
    "test_features.py": (
        "not learns_a_nonlinear_function and not images_get_the_cnn and not accepts_images "
        "and not flat_rows_go_to_the_cnn"
    ),
    "test_hybrid.py": "not grid_search and not one_hot_category and not cnn_extractor",
    "test_precision.py": None,
    "test_common.py": (
        "sklearn_compatible and random_state and not InsightReporter and not Hybrid"
    ),
    # Concurrent predictions from eight threads.
    "test_robustness.py": "eight_threads",
    # An insight report on a CNN: its attribution maps come from occlusion
    # off TensorFlow (the gradient methods need TensorFlow's gradients).
    "test_insight_images.py": "signal_classifier_report",
}


def _skip_unless_installed(backend):
    if os.environ.get(CHILD_BACKEND_VARIABLE):
        pytest.skip("already a backend child process: no grandchildren")
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed (pip install 'skdeepmine[{backend}]')")


# XLA's compiler at its lowest optimisation: JAX compiles a train step and a
# predict function per input shape, and scikit-learn's checks bring dozens of
# shapes; this cut the JAX children's CPU time by about 30 % (the compiled
# tiny networks run no slower that matters), with the same results.
FAST_XLA_FLAGS = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"


def _child_env(backend):
    env = {
        **os.environ, "KERAS_BACKEND": backend, CHILD_BACKEND_VARIABLE: backend,
        "SKDEEPMINE_NUM_THREADS": "1",
    }
    if backend == "jax":
        env["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {FAST_XLA_FLAGS}".strip()
    return env


@pytest.mark.parametrize("module", list(CHILD_SELECTION))
@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_module_passes_on_backend(backend, module):
    _skip_unless_installed(backend)
    command = [
        sys.executable, "-m", "pytest", str(TESTS / module), "-n", "0",
        "-p", "no:cacheprovider", "-m", "not backend_free", "-rfE",
    ]
    if CHILD_SELECTION[module]:
        command += ["-k", CHILD_SELECTION[module]]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        command, env=_child_env(backend), capture_output=True, text=True, timeout=900,
        cwd=TESTS.parent,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    # What CHILD_SELECTION costs, shown by `pytest -rP tests/test_backends.py`.
    summary = (result.stdout.strip().splitlines() or [""])[-1]
    print(f"{backend} {module}: {cpu:.1f} s CPU; {summary}")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    # The child's conftest names the backend Keras really ran on.
    assert f"skdeepmine tests on Keras backend: {backend}" in output, output[-3000:]


WRITE = textwrap.dedent("""
    import pickle
    import sys

    import numpy as np

    import skdeepmine
    assert not {"keras", "tensorflow", "jax", "torch"} & set(sys.modules), "import loaded a backend"
    from skdeepmine import CNNClassifier, DenseNetworkRegressor, HybridClassifier
    from skdeepmine.features import NeuralFeatureExtractor
    from skdeepmine.inspection import attributions
    from skdeepmine.persistence import dump
    from sklearn.linear_model import LogisticRegression

    folder = sys.argv[1]
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    images = np.zeros((60, 6, 6, 1))
    labels = np.arange(60) % 2
    images[labels == 1, :3] = 1.0
    fitted = {
        "dense": DenseNetworkRegressor(hidden_units=(8,), epochs=5, random_state=0).fit(X, X[:, 0]),
        "cnn": CNNClassifier(filters=(4,), dense_units=(8,), epochs=3,
                             random_state=0).fit(images, labels),
        "hybrid": HybridClassifier(
            NeuralFeatureExtractor(n_components=2, hidden_units=(8,), epochs=3, random_state=0),
            LogisticRegression(), cv=None,
        ).fit(X, y),
    }
    import keras
    assert keras.backend.backend() == "jax", keras.backend.backend()
    outputs = {"dense": fitted["dense"].predict(X), "cnn": fitted["cnn"].predict_proba(images),
               "hybrid": fitted["hybrid"].predict_proba(X),
               # Occlusion explains each image's predicted class (target=None)
               # without TensorFlow; it once took those classes from TensorFlow.
               "occlusion": attributions(fitted["cnn"], images[28:32], method="occlusion")}
    assert np.isfinite(outputs["occlusion"]).all() and np.abs(outputs["occlusion"]).max() > 0
    np.savez(folder + "/outputs.npz", X=X, images=images, **outputs)
    with open(folder + "/fitted.pkl", "wb") as handle:
        pickle.dump(fitted, handle)
    dump(fitted, folder + "/fitted.skops")
    try:  # gradients need TensorFlow's GradientTape
        attributions(fitted["dense"], X[:2], method="gradient")
    except ImportError as exc:
        assert "TensorFlow backend" in str(exc), exc
    else:
        raise AssertionError("gradients ran on jax")
    # A float64 network fitted on TensorFlow loads here as the float32
    # network JAX computes (core/_float64.py), with one warning where
    # JAX gave one per variable, and refuses values beyond float32's range
    # (they once made its outputs NaN).
    import os
    import warnings

    if os.path.exists(folder + "/tensorflow64.pkl"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with open(folder + "/tensorflow64.pkl", "rb") as handle:
                network64 = pickle.load(handle)
            x64 = np.load(folder + "/tensorflow64_X.npy")
            predicted = network64.predict(x64)
        messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
        assert len(messages) == 1 and "loaded as a float32 network" in messages[0], messages
        assert network64.model_.inputs[0].dtype == "float32"
        np.testing.assert_allclose(predicted, np.load(folder + "/tensorflow64.npy"), rtol=1e-5, atol=1e-6)
        try:
            network64.predict(np.full((1, x64.shape[1]), 1e39))
        except ValueError as exc:
            assert "float32's range" in str(exc), exc
        else:
            raise AssertionError("1e39 predicted by a float32 network")
    print("written")
""")

LOAD = textwrap.dedent("""
    import pickle
    import sys

    import numpy as np

    from skdeepmine.inspection import attributions
    from skdeepmine.persistence import load

    folder, backend = sys.argv[1], sys.argv[2]
    saved = np.load(folder + "/outputs.npz")
    with open(folder + "/fitted.pkl", "rb") as handle:
        pickled = pickle.load(handle)
    for fitted in (pickled, load(folder + "/fitted.skops")):
        got = {"dense": fitted["dense"].predict(saved["X"]),
               "cnn": fitted["cnn"].predict_proba(saved["images"]),
               "hybrid": fitted["hybrid"].predict_proba(saved["X"]),
               "occlusion": attributions(fitted["cnn"], saved["images"][28:32],
                                         method="occlusion")}
        for name, values in got.items():
            # float32 networks (dtype="auto" on JAX): another backend's
            # kernels round the last bits differently.
            np.testing.assert_allclose(values, saved[name], rtol=1e-5, atol=1e-6,
                                       err_msg=name)
        assert fitted["cnn"].model_.layers[0].dtype == "float32"
    import keras
    assert keras.backend.backend() == backend, keras.backend.backend()
    # A float64 network fitted on TensorFlow predicts here, but its training
    # would compute in float32: continuing it is refused.
    import os

    if os.path.exists(folder + "/tensorflow64.pkl"):
        with open(folder + "/tensorflow64.pkl", "rb") as handle:
            network64 = pickle.load(handle)
        x64 = np.load(folder + "/tensorflow64_X.npy")
        np.testing.assert_allclose(network64.predict(x64), np.load(folder + "/tensorflow64.npy"),
                                   rtol=1e-5, atol=1e-6)
    if backend != "tensorflow" and os.path.exists(folder + "/tensorflow64.pkl"):
        # Keras's batch normalisation computes in float32 here: values
        # beyond its range are refused (they gave NaN), not predicted.
        try:
            network64.predict(np.full((1, x64.shape[1]), 1e39))
        except ValueError as exc:
            assert "float32's range" in str(exc), exc
        else:
            raise AssertionError("1e39 predicted by a float64 network on " + backend)
        try:
            network64.partial_fit(x64, x64[:, 0])
        except ValueError as exc:
            assert "float64" in str(exc), exc
        else:
            raise AssertionError("a float64 network trained on " + backend)
    print("loaded", backend)
""")


def test_files_written_on_jax_load_and_predict_alike_on_torch_and_tensorflow(tmp_path):
    _skip_unless_installed("jax")
    # The suite's own backend writes a float64 network (dtype="auto" on
    # float64 X), which the JAX child loads too.
    from skdeepmine import DenseNetworkRegressor
    from skdeepmine.core._backend import backend_name

    if backend_name() == "tensorflow":
        X = np.random.RandomState(1).normal(size=(40, 4))
        network64 = DenseNetworkRegressor(hidden_units=(4,), epochs=1, random_state=0)
        network64.fit(X, X[:, 0])
        assert network64.model_.inputs[0].dtype == "float64"
        np.save(tmp_path / "tensorflow64_X.npy", X)
        np.save(tmp_path / "tensorflow64.npy", network64.predict(X))
        with open(tmp_path / "tensorflow64.pkl", "wb") as handle:
            pickle.dump(network64, handle)
    written = subprocess.run(
        [sys.executable, "-c", WRITE, str(tmp_path)], env=_child_env("jax"),
        capture_output=True, text=True, timeout=600,
    )
    assert written.returncode == 0, written.stderr[-3000:]
    for backend in ("torch", "tensorflow"):
        if importlib.util.find_spec(backend) is None:
            continue
        loaded = subprocess.run(
            [sys.executable, "-c", LOAD, str(tmp_path), backend], env=_child_env(backend),
            capture_output=True, text=True, timeout=600,
        )
        assert loaded.returncode == 0, loaded.stderr[-3000:]
        assert loaded.stdout.strip().endswith(f"loaded {backend}")
