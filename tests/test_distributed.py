"""Searches and cross-validation over skdeepmine estimators, in parallel and on Dask.

Every search runs three ways: in this process (``n_jobs=1``), on two loky
worker processes (``n_jobs=2``) and on a Dask ``LocalCluster`` of two worker
processes through joblib's ``dask`` backend; all three must agree exactly.
"""

import os
import random
import subprocess
import sys
import textwrap
import threading
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, cross_validate

from skdeepmine import CNNClassifier
from skdeepmine.core._backend import get_tf, requested_num_threads
from skdeepmine.features import NeuralFeatureExtractor
from skdeepmine.hybrid import HybridClassifier, HybridRegressor

distributed = pytest.importorskip("distributed")

TINY_CNN = dict(filters=(4,), dense_units=(8,), epochs=2, random_state=0)
TINY_EXTRACTOR = dict(n_components=4, hidden_units=(8,), epochs=2, random_state=0)

BACKENDS = ["loky", "dask"]


@pytest.fixture(scope="module")
def dask_client():
    # Dask's nanny sets OMP_NUM_THREADS=1 (and more) in the environment of the
    # process that starts the cluster, here the test process: size this
    # process's TensorFlow pools before, and put the environment back after.
    get_tf()
    environ = dict(os.environ)
    # One cluster for the module: its workers import TensorFlow once each.
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=40,
        ) as cluster, distributed.Client(cluster) as client:
            yield client
    finally:
        os.environ.clear()
        os.environ.update(environ)


@pytest.fixture(scope="module")
def classification():
    return make_classification(
        n_samples=60, n_features=8, n_informative=4, n_classes=3, random_state=0
    )


@pytest.fixture(scope="module")
def regression():
    return make_regression(n_samples=60, n_features=8, noise=1.0, random_state=0)


def run(backend, dask_client, make_and_run):
    """Run ``make_and_run(n_jobs)`` serially, on loky, or on the Dask cluster."""
    if backend == "serial":
        return make_and_run(1)
    if backend == "loky":
        return make_and_run(2)
    with joblib.parallel_config(backend="dask"):
        return make_and_run(-1)


def cnn_grid_search(X, y):
    def make_and_run(n_jobs):
        search = GridSearchCV(
            CNNClassifier(**TINY_CNN),
            # Parameters that keep the architecture and optimizer, so each
            # worker traces one network only: the test stays fast.
            {"epochs": [1, 2], "batch_size": [16, 32]},
            cv=2, n_jobs=n_jobs,
        )
        return search.fit(X, y)

    return make_and_run


def hybrid_randomized_search(X, y):
    def make_and_run(n_jobs):
        search = RandomizedSearchCV(
            HybridClassifier(
                NeuralFeatureExtractor(**TINY_EXTRACTOR), LogisticRegression(), cv=None
            ),
            {
                "extractor__epochs": [1, 2, 3],
                "extractor__batch_size": [16, 32],
                "passthrough": [True, False],
            },
            n_iter=3, cv=2, random_state=0, n_jobs=n_jobs,
        )
        return search.fit(X, y)

    return make_and_run


def hybrid_cross_validate(X, y):
    def make_and_run(n_jobs):
        return cross_validate(
            # cv=2: the estimator learns on out-of-fold deep features, which
            # the workers compute with fits of their own.
            HybridRegressor(NeuralFeatureExtractor(**TINY_EXTRACTOR), Ridge(), cv=2), X, y,
            cv=2, n_jobs=n_jobs, return_estimator=True,
        )

    return make_and_run


@pytest.fixture(scope="module")
def serial_results(classification, regression):
    X, y = classification
    Xr, yr = regression
    return {
        "grid": cnn_grid_search(X, y)(1),
        "randomized": hybrid_randomized_search(X, y)(1),
        "cross_validate": hybrid_cross_validate(Xr, yr)(1),
    }


def split_scores(search):
    keys = sorted(k for k in search.cv_results_ if k.startswith("split"))
    return np.array([search.cv_results_[k] for k in keys])


@pytest.mark.parametrize("backend", BACKENDS)
def test_cnn_grid_search_in_parallel_equals_the_serial_search(
    backend, dask_client, classification, serial_results
):
    X, y = classification
    search = run(backend, dask_client, cnn_grid_search(X, y))
    serial = serial_results["grid"]
    np.testing.assert_array_equal(split_scores(search), split_scores(serial))
    assert search.best_params_ == serial.best_params_
    np.testing.assert_array_equal(
        search.best_estimator_.predict_proba(X), serial.best_estimator_.predict_proba(X)
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_hybrid_randomized_search_in_parallel_equals_the_serial_search(
    backend, dask_client, classification, serial_results
):
    X, y = classification
    search = run(backend, dask_client, hybrid_randomized_search(X, y))
    serial = serial_results["randomized"]
    assert search.cv_results_["params"] == serial.cv_results_["params"]
    np.testing.assert_array_equal(split_scores(search), split_scores(serial))
    np.testing.assert_array_equal(
        search.predict_proba(X), serial.predict_proba(X)
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_hybrid_cross_validate_in_parallel_equals_serial_and_returns_usable_estimators(
    backend, dask_client, regression, serial_results
):
    X, y = regression
    result = run(backend, dask_client, hybrid_cross_validate(X, y))
    serial = serial_results["cross_validate"]
    np.testing.assert_array_equal(result["test_score"], serial["test_score"])
    # The fitted estimators travelled back from the workers (pickled, with
    # their Keras networks) and predict as the serial ones do.
    for remote, local in zip(result["estimator"], serial["estimator"]):
        np.testing.assert_array_equal(remote.predict(X), local.predict(X))


def test_fit_is_reproducible_while_another_thread_draws_from_python_random(
    classification,
):
    # A Dask worker's event loop draws from Python's global random generator
    # while tasks fit in another thread; Keras seeds its layers from it.
    X, y = classification
    reference = CNNClassifier(**TINY_CNN).fit(X, y).predict_proba(X)
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()
            random.randint(0, 10)

    thread = threading.Thread(target=draw)
    thread.start()
    try:
        for _ in range(3):
            proba = CNNClassifier(**TINY_CNN).fit(X, y).predict_proba(X)
            np.testing.assert_array_equal(proba, reference)
    finally:
        stop.set()
        thread.join()


def fit_and_report_threads():
    """Fit a tiny CNN in this worker; return TensorFlow's pool sizes here."""
    X, y = make_classification(n_samples=30, n_features=6, random_state=0)
    CNNClassifier(**TINY_CNN).fit(X, y)
    import tensorflow as tf

    return (
        os.environ.get("OMP_NUM_THREADS"),
        tf.config.threading.get_intra_op_parallelism_threads(),
        tf.config.threading.get_inter_op_parallelism_threads(),
    )


def test_loky_workers_fit_with_their_share_of_the_cores():
    expected = max(joblib.cpu_count() // 2, 1)
    reports = joblib.Parallel(n_jobs=2)(
        joblib.delayed(fit_and_report_threads)() for _ in range(2)
    )
    for omp, intra, inter in reports:
        assert int(omp) == expected
        assert (intra, inter) == (expected, expected)


def test_dask_workers_fit_with_one_thread_each(dask_client):
    # Dask's nanny sets OMP_NUM_THREADS=1 in its workers by default.
    reports = dask_client.run(fit_and_report_threads)
    assert len(reports) == 2
    for omp, intra, inter in reports.values():
        assert (omp, intra, inter) == ("1", 1, 1)


# ------------------------------------------------------------ thread knob
@pytest.mark.parametrize("environ, expected", [
    ({}, (None, False)),
    ({"OMP_NUM_THREADS": "3"}, (3, False)),
    ({"OMP_NUM_THREADS": "4,2"}, (4, False)),
    ({"OMP_NUM_THREADS": "lots"}, (None, False)),
    ({"SKDEEPMINE_NUM_THREADS": "2", "OMP_NUM_THREADS": "1"}, (2, True)),
    ({"SKDEEPMINE_NUM_THREADS": "0", "OMP_NUM_THREADS": "1"}, (None, True)),
])
def test_skdeepmine_num_threads_wins_over_omp_num_threads(environ, expected):
    assert requested_num_threads(environ) == expected


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_invalid_skdeepmine_num_threads_is_named(value):
    with pytest.raises(ValueError, match="SKDEEPMINE_NUM_THREADS must be a whole number"):
        requested_num_threads({"SKDEEPMINE_NUM_THREADS": value})


FIT_AND_COUNT = """
    from sklearn.datasets import make_classification
    from skdeepmine import CNNClassifier
    X, y = make_classification(n_samples=30, n_features=6, random_state=0)
    CNNClassifier(filters=(4,), dense_units=(8,), epochs=1).fit(X, y)
    import tensorflow as tf
    with open("/proc/self/status") as status:
        threads = [int(l.split()[1]) for l in status if l.startswith("Threads:")][0]
    print(tf.config.threading.get_intra_op_parallelism_threads(),
          tf.config.threading.get_inter_op_parallelism_threads(), threads)
"""


def start_python(env):
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(FIT_AND_COUNT)],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )


def finish(process):
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return [int(v) for v in out.split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts threads in /proc")
def test_skdeepmine_num_threads_sizes_tensorflows_pools_in_a_fresh_process():
    one = start_python({"SKDEEPMINE_NUM_THREADS": "1", "OMP_NUM_THREADS": "4"})
    six = start_python({"SKDEEPMINE_NUM_THREADS": "6"})
    intra1, inter1, threads1 = finish(one)
    intra6, inter6, threads6 = finish(six)
    assert (intra1, inter1) == (1, 1)
    assert (intra6, inter6) == (6, 6)
    # The effect, not only the setting: five more threads in each pool.
    assert threads6 - threads1 >= 10


def test_thread_setting_that_comes_too_late_is_reported_not_applied(monkeypatch):
    from skdeepmine.core import _backend

    tf = _backend.get_tf()
    tf.constant(1.0) + 1.0  # TensorFlow's runtime is running in this process
    if tf.config.threading.get_intra_op_parallelism_threads():
        pytest.skip("this process sized TensorFlow's pools already")
    monkeypatch.setenv("SKDEEPMINE_NUM_THREADS", "1")
    with pytest.warns(RuntimeWarning, match="SKDEEPMINE_NUM_THREADS=1 was not applied"):
        _backend._size_thread_pools(tf)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0
    # Coming from OMP_NUM_THREADS rather than from the user, it stays silent.
    monkeypatch.delenv("SKDEEPMINE_NUM_THREADS")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _backend._size_thread_pools(tf)
