"""Foundation benchmark: CNNClassifier against the same network in plain Keras.

Prints one side-by-side table from one run on scikit-learn's digits images:
fit time, predict latency for 1, 32 and all rows, ``import skdeepmine`` time
and resident memory after 1, 50 and 100 fits.

Run with::

    .venv/bin/python benchmarks/bench_core.py [--epochs 20] [--fits 100]
"""

import argparse
import os
import statistics
import subprocess
import sys
import textwrap
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X.reshape(-1, 8, 8, 1) / 16.0).astype(np.float32), y


def plain_keras_model(n_classes, seed):
    """The network CNNClassifier builds by default, written in plain Keras."""
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(32, 3, padding="same"), keras.layers.Activation("relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, padding="same"), keras.layers.Activation("relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])


def time_fits(epochs, repeats=3):
    from skdeepmine import CNNClassifier

    X, y = digits()
    ours, plain = [], []
    for seed in range(repeats):
        clf = CNNClassifier(epochs=epochs, tol=0.0, n_iter_no_change=epochs, random_state=seed)
        start = time.perf_counter()
        clf.fit(X, y)
        ours.append(time.perf_counter() - start)

        model = plain_keras_model(10, seed)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        start = time.perf_counter()
        model.fit(X, y, epochs=epochs, batch_size=32, verbose=0)
        plain.append(time.perf_counter() - start)
    return clf, model, statistics.median(ours), statistics.median(plain)


def time_precisions(epochs):
    """First fit (traces), traced refit and 1,797-row predict per ``dtype``.

    X is float64, as NumPy gives it; ``dtype`` alone sets the network's type.
    Times are the process's CPU seconds (all its threads), which another
    load on a shared machine inflates far less than wall time; run with
    SKDEEPMINE_NUM_THREADS=1 for one thread's work.
    """
    from skdeepmine import CNNClassifier

    X, y = digits()
    X = X.astype(np.float64)
    # Pay the process's one-time costs (Keras's first graph) before timing.
    CNNClassifier(filters=(2,), dense_units=(2,), epochs=1).fit(X[:64], y[:64])
    rows = {}
    for dtype in ("float32", "float64"):
        times = []
        for seed in (0, 1):
            clf = CNNClassifier(
                epochs=epochs, tol=0.0, n_iter_no_change=epochs, random_state=seed, dtype=dtype
            )
            start = time.process_time()
            clf.fit(X, y)
            times.append(time.process_time() - start)
        rows[dtype] = (times[0], times[1], latency(clf.predict_proba, X, 20, time.process_time))
    return rows


def latency(function, X, repeats, clock=time.perf_counter):
    function(X)  # warm up: traces and allocates once
    times = []
    for _ in range(repeats):
        start = clock()
        function(X)
        times.append(clock() - start)
    return statistics.median(times) * 1000


def import_time(statement, repeats=5):
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(repeats)
    ]
    return statistics.median(runs)


MEMORY_SCRIPT = """
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
import numpy as np
from sklearn.datasets import load_digits
X, y = load_digits(return_X_y=True)
X = (X.reshape(-1, 8, 8, 1)[:300] / 16.0).astype(np.float32); y = y[:300]
checkpoints = {1, 50, 100, int(sys.argv[2])}

def rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

def fit_ours(seed):
    from skdeepmine import CNNClassifier
    CNNClassifier(epochs=2, random_state=seed).fit(X, y).predict(X[:5])

def fit_plain(seed):
    import keras
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=2, verbose=0)
    model.predict(X[:5], verbose=0)

fit = fit_ours if sys.argv[1] == "ours" else fit_plain
for i in range(1, int(sys.argv[2]) + 1):
    fit(i)
    if i in checkpoints:
        print(i, round(rss_mb(), 1), flush=True)
"""


def memory(kind, fits):
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, kind, str(fits)],
        capture_output=True, text=True, check=True,
    ).stdout
    return {int(n): float(mb) for n, mb in (line.split() for line in out.splitlines())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--fits", type=int, default=100)
    parser.add_argument("--only", choices=["precision"], default=None,
                        help="print only the float32/float64 rows")
    args = parser.parse_args()

    precision = time_precisions(args.epochs)
    rows = []
    for what, index, unit in (("first fit (traces)", 0, "CPU s"), ("traced refit", 1, "CPU s"),
                              ("predict_proba 1,797 rows", 2, "CPU ms")):
        f32, f64 = precision["float32"][index], precision["float64"][index]
        fmt = "{:.2f}" if unit == "CPU s" else "{:.1f}"
        rows.append((f"{what} ({unit}), X float64", fmt.format(f32),
                     fmt.format(f64), f"float64 takes {f64 / f32:.1f}x"))
    if args.only == "precision":
        print_table(rows, ("measure", "float32", "float64", "comparison"))
        return

    clf, model, fit_ours, fit_plain = time_fits(args.epochs)
    X, _ = digits()
    rows.append(("fit, %d epochs, 1,797 images (s, median of 3)" % args.epochs,
                 f"{fit_ours:.2f}", f"{fit_plain:.2f}", f"ratio {fit_ours / fit_plain:.3f} (target <= 1.05)"))
    for n in (1, 32, len(X)):
        ours = latency(clf.predict, X[:n], 200 if n < 100 else 30)
        plain = latency(lambda x: model.predict(x, verbose=0), X[:n], 50 if n < 100 else 10)
        target = " (target <= 2 ms)" if n == 1 else ""
        rows.append((f"predict {n} rows (ms, median)", f"{ours:.2f}", f"{plain:.2f}", f"{plain / ours:.0f}x faster{target}"))
    base = import_time("import sklearn.base")
    ours_import = import_time("import skdeepmine")
    keras_import = import_time("import keras")
    rows.append(("import time (s, median of 5)", f"{ours_import:.2f}", f"{keras_import:.2f} (keras)",
                 f"+{ours_import - base:.2f} s over sklearn.base {base:.2f} (target <= +0.3)"))
    mem_ours, mem_plain = memory("ours", args.fits), memory("plain", args.fits)
    for n in sorted(mem_ours):
        rows.append((f"resident memory after {n} fits (MB)", f"{mem_ours[n]:.0f}", f"{mem_plain[n]:.0f}",
                     f"growth since fit 1: {mem_ours[n] - mem_ours[1]:+.0f} vs {mem_plain[n] - mem_plain[1]:+.0f}"))

    print_table(rows, ("measure", "skdeepmine", "plain Keras", "comparison"))


def print_table(rows, header):
    print(f"$ {sys.executable} {' '.join(sys.argv)}")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(4)]
    line = "| " + " | ".join("{:<%d}" % w for w in widths) + " |"
    print(line.format(*header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line.format(*row))


if __name__ == "__main__":
    main()
