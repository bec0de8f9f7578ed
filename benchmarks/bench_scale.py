"""Scaling benchmark: parallel and Dask searches, memory over many fits, threads.

Prints one table from one run:

* wall time of a GridSearchCV over a HybridClassifier (12 candidates x 3
  folds, on breast_cancer) with ``n_jobs=1``, with ``n_jobs=2`` (loky worker
  processes) and on a Dask ``LocalCluster`` (2 worker processes x 1 thread)
  through joblib's ``dask`` backend, and whether all three found identical
  scores;
* resident memory of one process over 200 fits (a CNN, and the hybrid), each
  in a fresh interpreter, cycling through the search's hyperparameters;
* predict throughput of one fitted hybrid and one fitted CNN called from 1, 4
  and 8 threads at once.

Run with::

    .venv/bin/python benchmarks/bench_scale.py [--fits 200] [--epochs 10] [--cv None]

The hybrid is timed with ``cv=None`` (one extractor fit per hybrid fit); its
class default, ``cv=5``, fits the extractor six times per hybrid fit.

Worker start-up (importing TensorFlow in each worker) is part of the loky and
Dask times, as it is for a user's first search; starting the Dask cluster
itself is timed separately.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import threading
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

GRID = {
    "extractor__n_components": [4, 8, 16],
    "extractor__learning_rate": [1e-3, 1e-2],
    "passthrough": [True, False],
}


def breast_cancer():
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(return_X_y=True)


def hybrid(epochs, cv):
    from skdeepmine.features import NeuralFeatureExtractor
    from skdeepmine.hybrid import HybridClassifier

    return HybridClassifier(
        NeuralFeatureExtractor(hidden_units=(32,), epochs=epochs, random_state=0),
        cv=cv, random_state=0,
    )


def small_cnn(epochs, random_state=0):
    from skdeepmine import CNNClassifier

    return CNNClassifier(
        filters=(8,), dense_units=(32,), epochs=epochs, random_state=random_state
    )


def digits_images():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X.reshape(-1, 8, 8) / 16.0).astype(np.float32), y


# ----------------------------------------------------------------- search
def time_searches(epochs, cv):
    import joblib
    from distributed import Client, LocalCluster
    from joblib.externals.loky import get_reusable_executor
    from sklearn.model_selection import GridSearchCV

    X, y = breast_cancer()

    def search(n_jobs):
        grid = GridSearchCV(hybrid(epochs, cv), GRID, cv=3, n_jobs=n_jobs)
        start = time.perf_counter()
        grid.fit(X, y)
        return time.perf_counter() - start, grid

    results = {}
    results["n_jobs=1"] = search(1)
    get_reusable_executor().shutdown(wait=True)  # loky starts cold, as for a user
    results["n_jobs=2 (loky)"] = search(2)
    get_reusable_executor().shutdown(wait=True)

    start = time.perf_counter()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=40,
    ) as cluster, Client(cluster):
        cluster_start = time.perf_counter() - start
        with joblib.parallel_config(backend="dask"):
            results["Dask LocalCluster (2 workers x 1 thread)"] = search(-1)

    reference = results["n_jobs=1"][1].cv_results_["mean_test_score"]
    identical = all(
        np.array_equal(grid.cv_results_["mean_test_score"], reference)
        for _, grid in results.values()
    )
    n_fits = len(results["n_jobs=1"][1].cv_results_["params"]) * 3
    return results, cluster_start, identical, n_fits


# ----------------------------------------------------------------- memory
def rss_mb():
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def memory_worker(kind, fits, epochs, cv):
    """Run in a fresh interpreter: fit ``fits`` times, print RSS checkpoints."""
    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid

    if kind == "cnn":
        X, y = digits_images()
        X, y = X[:600], y[:600]
        base = small_cnn(epochs)
        grid = list(ParameterGrid({"filters": [(8,), (16,)], "learning_rate": [1e-3, 1e-2]}))
    else:
        X, y = breast_cancer()
        base = hybrid(epochs, cv)
        grid = list(ParameterGrid(GRID))
    checkpoints = {}
    for i in range(fits):
        params = dict(grid[i % len(grid)])
        seed_param = "random_state" if kind == "cnn" else "extractor__random_state"
        params[seed_param] = i
        clone(base).set_params(**params).fit(X, y)
        if i + 1 in (1, 10, 50, 100, fits):
            checkpoints[i + 1] = rss_mb()
    print(json.dumps(checkpoints))


def measure_memory(kind, fits, epochs, cv):
    out = subprocess.run(
        [sys.executable, __file__, "--memory-worker", kind, "--fits", str(fits),
         "--epochs", str(epochs), "--cv", str(cv)],
        capture_output=True, text=True, check=True,
    )
    return {int(k): v for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}


# ------------------------------------------------------------- throughput
def throughput(predict, X, n_threads, seconds=3.0, rows=32):
    """Rows per second served by ``n_threads`` threads calling ``predict`` at once."""
    batches = [X[i : i + rows] for i in range(0, len(X) - rows + 1, rows)]
    predict(batches[0])  # warm
    counts = [0] * n_threads
    start_line = threading.Barrier(n_threads + 1)
    deadline = [0.0]

    def work(t):
        start_line.wait()
        i = t
        while time.perf_counter() < deadline[0]:
            predict(batches[i % len(batches)])
            counts[t] += rows
            i += n_threads

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    start = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def measure_throughput(epochs, cv):
    X, y = breast_cancer()
    fitted_hybrid = hybrid(epochs, cv).fit(X, y)
    Xd, yd = digits_images()
    fitted_cnn = small_cnn(epochs).fit(Xd, yd)
    return {
        n: (
            throughput(fitted_hybrid.predict_proba, X, n),
            throughput(fitted_cnn.predict_proba, Xd, n),
        )
        for n in (1, 4, 8)
    }


# ------------------------------------------------------------------ table
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument(
        "--cv", type=lambda v: None if v == "None" else int(v), default=None,
        help="the hybrid's own cv: None (one extractor fit, the default here) or "
        "a number of folds for out-of-fold deep features (the class default is 5)",
    )
    parser.add_argument("--memory-worker", choices=["cnn", "hybrid"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_worker:
        memory_worker(args.memory_worker, args.fits, args.epochs, args.cv)
        return

    import sklearn

    import skdeepmine
    from skdeepmine.core._backend import get_tf  # imports TensorFlow quietly

    tf = get_tf()

    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv])
    print(f"Command: {command}")
    print(
        f"skdeepmine {skdeepmine.__version__}, TensorFlow {tf.__version__}, "
        f"scikit-learn {sklearn.__version__}, {os.cpu_count()} CPU cores, "
        "load average at start %.1f (other processes share these cores)\n" % os.getloadavg()[0]
    )

    searches, cluster_start, identical, n_fits = time_searches(args.epochs, args.cv)
    memory = {
        kind: measure_memory(kind, args.fits, args.epochs, args.cv)
        for kind in ("cnn", "hybrid")
    }
    speeds = measure_throughput(args.epochs, args.cv)

    rows = []
    title = (
        f"GridSearchCV, HybridClassifier, {n_fits // 3} candidates x 3 folds "
        f"(breast_cancer, {args.epochs} epochs, hybrid cv={args.cv})"
    )
    for name, (seconds, _) in searches.items():
        rows.append((title, name, f"{seconds:.1f} s"))
        title = ""
    rows.append(("", "Dask cluster start (not included above)", f"{cluster_start:.1f} s"))
    rows.append(("", "identical cv_results_ scores on all three", "yes" if identical else "NO"))
    for kind, label in (("cnn", "CNNClassifier (digits 8x8)"), ("hybrid", "HybridClassifier (breast_cancer)")):
        points = memory[kind]
        last = max(points)
        rows.append((
            f"Resident memory over {last} fits, {label}" if kind == "cnn" else label,
            "after fit 1 / 10 / 100 / " + str(last),
            " / ".join(f"{points[k]:.0f}" for k in (1, 10, 100, last) if k in points) + " MB",
        ))
        rows.append(("", f"growth from fit 1 to fit {last}", f"{points[last] - points[1]:+.0f} MB"))
    title = "Predict throughput, 32-row predict_proba calls"
    for n, (hybrid_speed, cnn_speed) in speeds.items():
        rows.append((title, f"{n} thread{'s' if n > 1 else ''}: hybrid / CNN",
                     f"{hybrid_speed:,.0f} / {cnn_speed:,.0f} rows/s"))
        title = ""

    widths = [max(len(r[i]) for r in rows + [("what", "setting", "result")]) for i in range(3)]
    line = "| " + " | ".join("{:<%d}" % w for w in widths) + " |"
    print(line.format("what", "setting", "result"))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line.format(*row))


if __name__ == "__main__":
    main()
