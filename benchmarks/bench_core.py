"""Foundation benchmark: skdeepmine's engine on every Keras backend, beside plain Keras.

One run prints one table.  Each backend runs in a subprocess of its own
(Keras reads ``KERAS_BACKEND`` once per process) and measures, on the same
networks: fit time (the default digits CNN for ``--epochs`` epochs; a dense
network on a 50,000-row table), predict latency for 1, 32 and 1,797 rows,
resident memory after 1, 50 and 100 fits, the time from ``import`` to the
first prediction of a saved model, and the cost of float64 against float32.
Beside skdeepmine stand the backend's plain ``model.fit``/``model.predict``,
Keras's own ``keras.wrappers.SKLearnClassifier`` on the same network, and the
backend's plain compiled call on the fitted model (a ``tf.function`` or
``jax.jit`` closing over it; on PyTorch eager ``model(x)`` under ``no_grad``,
a ``torch.jit.trace`` of the model and, with ``--torch-compile``, ``torch.compile``,
whose compiling takes minutes per network and batch size here).  skdeepmine's
fit is timed twice: its first fit of an architecture (which compiles its train
step, as every plain ``model.fit`` does) and a refit (which reuses it).

Run with::

    .venv/bin/python benchmarks/bench_core.py [--epochs 20] [--fits 100]
        [--backends tensorflow,jax,torch] [--quick] [--torch-compile]
    .venv/bin/python benchmarks/bench_core.py --only precision   # float32/float64 rows
    .venv/bin/python benchmarks/bench_core.py --only predict     # predict latencies
    .venv/bin/python benchmarks/bench_core.py --only memory      # memory after 1, 50, 100 fits
    .venv/bin/python benchmarks/bench_core.py --defaults   # benchmarks/_cnn_defaults.py

Latencies are the best of five medians (wall clock); fit times are wall
seconds of one fit (``--repeats`` for the median of more).  On a shared
machine, run under ``flock /work/notes/bench.lock``; the load average is
printed with the table.
"""

import argparse
import copy
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
BACKENDS = ("tensorflow", "jax", "torch")
DENSE_ROWS = 50_000


# ---------------------------------------------------------------- the data
def digits(dtype=np.float32):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X.reshape(-1, 8, 8, 1) / 16.0).astype(dtype), y


def table(rows):
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=rows, n_features=20, n_informative=10, n_classes=3, random_state=0
    )
    return X.astype(np.float32), y


# ------------------------------------------------------ the plain networks
def plain_cnn(n_classes=10, seed=0, flat=False):
    """The network CNNClassifier builds by default for 8x8 images, in plain Keras.

    Two blocks of convolution, batch normalisation, ReLU and pooling, global
    average pooling, then dense 128 (``skdeepmine/cnn/_architecture.py``,
    ``'auto'`` for images of at most 16x16 pixels).  ``flat`` takes rows of
    64 values, for Keras's wrapper (2-D X only).
    """
    import keras

    from skdeepmine.cnn._architecture import BATCH_NORM_MOMENTUM

    keras.utils.set_random_seed(seed)
    inputs = [keras.Input((64,)), keras.layers.Reshape((8, 8, 1))] if flat else [keras.Input((8, 8, 1))]
    blocks = []
    for filters in (32, 64):
        blocks += [keras.layers.Conv2D(filters, 3, padding="same"),
                   keras.layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM),
                   keras.layers.Activation("relu"), keras.layers.MaxPooling2D(2)]
    model = keras.Sequential([
        *inputs, *blocks,
        keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def plain_dense(X, n_classes=3, seed=0):
    """DenseNetworkClassifier's default network (standardised input, 64, 16)."""
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((X.shape[1],)),
        keras.layers.Normalization(mean=X.mean(axis=0), variance=X.var(axis=0)),
        keras.layers.Dense(64, activation="relu"), keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def keras_wrapper(build, epochs, batch_size):
    """Keras's own scikit-learn wrapper around ``build`` (one-hot targets)."""
    from keras.wrappers import SKLearnClassifier

    def model(X, y):
        network = build(X)
        network.compile(optimizer="adam", loss="categorical_crossentropy")
        return network

    return SKLearnClassifier(
        model=model, fit_kwargs={"epochs": epochs, "batch_size": batch_size, "verbose": 0}
    )


# ----------------------------------------------------------------- timing
def wall(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def latency(function, X, calls):
    """Milliseconds per call: the best of five medians of ``calls`` calls."""
    return latencies({"": function}, X, calls)[""]


def latencies(functions, X, calls):
    """``{name: milliseconds per call}``, the best of five medians of ``calls`` calls each.

    The five rounds take turns between the functions, so that a change of
    the machine's load during the run reaches all of them alike.
    """
    for function in functions.values():
        function(X)  # warm up: compiles and allocates once
    medians = {name: [] for name in functions}
    for _ in range(5):
        for name, function in functions.items():
            times = []
            for _ in range(calls):
                start = time.perf_counter()
                function(X)
                times.append(time.perf_counter() - start)
            medians[name].append(statistics.median(times))
    return {name: min(values) * 1000 for name, values in medians.items()}


def median_of(repeats, function):
    return statistics.median(function(seed) for seed in range(repeats))


def plain_compiled_calls(model, backend, quick):
    """The backend's plain compiled calls on ``model``: {name: f(numpy) -> numpy}."""
    if backend == "tensorflow":
        import tensorflow as tf

        call = tf.function(lambda x: model(x, training=False),
                           input_signature=[tf.TensorSpec((None, 8, 8, 1), tf.float32)])
        return {"tf.function": lambda x: call(x).numpy()}
    if backend == "jax":
        import jax

        call = jax.jit(lambda x: model(x, training=False))

        def polled(x):
            # Polls for the outputs before reading them, as skdeepmine's
            # small predictions do (core/_jax_infer.fetch): a caller that
            # blocks at once sleeps until JAX's worker thread wakes it.
            outputs = call(x)
            while not outputs.is_ready():
                pass
            return np.asarray(outputs)

        return {"jax.jit": lambda x: np.asarray(call(x)), "jax.jit, polled": polled}
    import torch

    def eager(x):
        with torch.no_grad():
            return model(torch.from_numpy(x), training=False).numpy()

    calls = {"eager no_grad": eager}
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # TracerWarnings; jit.trace is deprecated
        try:
            traced = torch.jit.trace(model, (torch.from_numpy(np.zeros((2, 8, 8, 1), np.float32)),),
                                     check_trace=False)
        except Exception as exc:  # report, keep the other measures
            print(f"torch.jit.trace failed: {exc!r}"[:500], file=sys.stderr)
            traced = None
    if traced is not None:
        def traced_call(x):
            with torch.no_grad():
                return traced(torch.from_numpy(x)).numpy()

        calls["torch.jit.trace"] = traced_call
    if not quick:
        compiled = torch.compile(lambda x: model(x, training=False))

        def compiled_call(x):
            with torch.no_grad():
                return compiled(torch.from_numpy(x)).numpy()

        calls["torch.compile"] = compiled_call
    return calls


# -------------------------------------------------------- one backend (child)
def measure_backend(args):
    """Every measure for the backend this process runs on; returns a dict."""
    import keras

    from skdeepmine import CNNClassifier, DenseNetworkClassifier
    from skdeepmine.core._backend import get_keras

    get_keras()  # sizes the thread pools (SKDEEPMINE_NUM_THREADS) before any plain fit
    backend = keras.backend.backend()
    epochs, repeats = args.epochs, args.repeats
    X, y = digits()
    out = {"backend": backend}
    if args.only == "predict":
        out["predict"] = predict_latency(args, backend, X, y)[0]
        return out
    if not args.skip_precision:
        out["precision"] = precision(backend, args)
    if args.only == "precision":
        return out

    # Each timed fit builds its network afresh.  An untimed plain fit of each
    # network on a few rows keeps out of the timings what a process pays
    # once, whichever implementation runs first: JAX compiles its weight
    # initialisers per shape (about a second for the dense network), and
    # first calls warm each backend's kernels.  skdeepmine's first fit of an
    # architecture compiles its train step, as every plain model.fit does;
    # a refit reuses it.
    plain_cnn(10, 0).fit(X[:256], y[:256], epochs=1, batch_size=32, verbose=0)

    def fit_ours(seed):
        clf = CNNClassifier(epochs=epochs, tol=0.0, n_iter_no_change=epochs, random_state=seed)
        return wall(clf.fit, X, y)

    def fit_plain(seed):
        return wall(lambda: plain_cnn(10, seed).fit(X, y, epochs=epochs, batch_size=32, verbose=0))

    def fit_wrapper(seed):
        wrapper = keras_wrapper(lambda X_: plain_cnn(10, seed, flat=True), epochs, 32)
        return wall(wrapper.fit, X.reshape(len(X), -1), y)

    out["fit_cnn"] = {"skdeepmine": fit_ours(0),
                      "skdeepmine refit": median_of(repeats, lambda seed: fit_ours(seed + 1)),
                      "plain": median_of(repeats, fit_plain),
                      "wrapper": median_of(repeats, fit_wrapper)}
    if backend == "torch" and args.torch_compile:
        # Keras's torch trainer with jit_compile=True runs torch.compile
        # (fewer epochs: its compilation alone takes minutes here).
        def fit_torch(jit_compile):
            model = plain_cnn(10, 0)
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                          jit_compile=jit_compile)
            return wall(lambda: model.fit(X, y, epochs=args.compile_epochs, batch_size=32,
                                          verbose=0))

        out["fit_compile"] = {"plain": fit_torch(False)}
        try:
            out["fit_compile"]["plain torch.compile"] = fit_torch(True)
        except Exception as exc:  # report, keep the other measures
            print(f"torch.compile fit failed: {exc!r}"[:500], file=sys.stderr)

    Xt, yt = table(args.rows)
    dense_epochs = args.dense_epochs
    plain_dense(Xt).fit(Xt[:256], yt[:256], epochs=1, batch_size=64, verbose=0)  # as above

    def fit_dense(seed):
        return wall(DenseNetworkClassifier(
            epochs=dense_epochs, tol=0.0, n_iter_no_change=dense_epochs, random_state=seed
        ).fit, Xt, yt)

    out["fit_dense"] = {
        "skdeepmine": fit_dense(0),
        "skdeepmine refit": median_of(repeats, lambda seed: fit_dense(seed + 1)),
        "plain": median_of(repeats, lambda seed: wall(lambda: plain_dense(Xt, seed=seed).fit(
            Xt, yt, epochs=dense_epochs, batch_size=64, verbose=0))),
        "wrapper": median_of(repeats, lambda seed: wall(keras_wrapper(
            lambda X_: plain_dense(X_, seed=seed), dense_epochs, 64).fit, Xt, yt)),
    }

    out["predict"], clf, model = predict_latency(args, backend, X, y)
    with tempfile.TemporaryDirectory() as folder:
        out["first_prediction"] = first_prediction(clf, model, folder)
    return out


def predict_latency(args, backend, X, y):
    """Milliseconds per 1, 32 and 1,797-row prediction, ours beside the plain calls.

    Returns the rows, the fitted classifier and the plain model.
    """
    from sklearn.utils.validation import check_is_fitted

    from skdeepmine import CNNClassifier
    from skdeepmine.core._validation import validate_X, validated_fast

    # All on networks trained for one epoch (latency does not depend on the
    # weights).
    clf = CNNClassifier(epochs=1, random_state=0).fit(X, y)
    model = plain_cnn(10, 0)
    model.fit(X, y, epochs=1, verbose=0)
    wrapper = keras_wrapper(lambda X_: plain_cnn(10, 0, flat=True), 1, 32).fit(X.reshape(len(X), -1), y)
    compiled = plain_compiled_calls(clf.model_, backend, args.quick or not args.torch_compile)
    failed = []
    predict = {}
    # On JAX a model serving small predictions gets its own compiled call
    # after a number of them (core/_jax_infer.py): a copy of the model,
    # predicted fewer times, measures the calls before it (the deep copy
    # rebuilds the network from its saved file, whose count starts at 0).
    first_calls = copy.deepcopy(clf) if backend == "jax" else None
    if first_calls is not None:
        from skdeepmine.core._jax_infer import OWN_CALL_AFTER

        for _ in range(OWN_CALL_AFTER):
            clf.predict_proba(X[:1])
    for n in (1, 32, len(X)):
        calls = 200 if n < 100 else 20
        row = {
            "plain": latency(lambda x: model.predict(x, verbose=0), X[:n], max(calls // 10, 5)),
            "wrapper": latency(wrapper.predict, X[:n].reshape(n, -1), max(calls // 10, 5)),
        }
        # Ours and the plain compiled calls, which it is compared with, in turns.
        timed = {"skdeepmine": clf.predict_proba}
        for name, call in compiled.items():
            if name in failed:
                continue
            start = time.perf_counter()
            try:
                call(X[:n])
            except Exception as exc:  # torch.compile: report, keep the other measures
                print(f"{name} failed: {exc!r}"[:500], file=sys.stderr)
                failed.append(name)
                continue
            if name == "torch.compile":
                row["torch.compile first call (s)"] = time.perf_counter() - start
            timed[name] = call
            if n == 1:
                # The least any validating predict_proba can cost: the plain
                # call after skdeepmine's fast input checks, as float64.
                timed[name + " + checks"] = (
                    lambda call: lambda x: np.asarray(call(validated_fast(clf, x)), dtype=np.float64)
                )(call)
        row.update(latencies(timed, X[:n], calls))
        if first_calls is not None and n < 100:  # 2 x (1 + 5 x 80) calls: below the threshold
            row["skdeepmine, first calls"] = latency(first_calls.predict_proba, X[:n], 80)
        if n == 1:
            row["sklearn checks"] = latency(
                lambda x: (check_is_fitted(clf), validate_X(clf, x, reset=False)), X[:1], calls)
            row["fast checks"] = latency(lambda x: validated_fast(clf, x), X[:1], calls)
        predict[n] = row
    return predict, clf, model


def precision(backend, args):
    """CPU seconds of a CNN fit per ``dtype`` (X float64, as NumPy gives it)."""
    from skdeepmine import CNNClassifier

    X, y = digits(np.float64)
    epochs = args.precision_epochs
    CNNClassifier(filters=(2,), dense_units=(2,), epochs=1).fit(X[:64], y[:64])
    rows = {}
    for dtype in ("float32", "float64"):
        clf = CNNClassifier(epochs=epochs, tol=0.0, n_iter_no_change=epochs, random_state=0,
                            dtype=dtype)
        start = time.process_time()
        try:
            clf.fit(X, y)
        except ValueError as exc:  # float64 off TensorFlow (core/_base.network_dtype)
            rows[dtype] = {"first fit": "refused", "refit": "refused",
                           "computes in": "needs TensorFlow" if "TensorFlow" in str(exc) else str(exc)}
            continue
        fit = time.process_time() - start
        start = time.process_time()
        clf.fit(X, y)
        refit = time.process_time() - start
        computed = str(clf.model_.inputs[0].dtype)
        rows[dtype] = {"first fit": fit, "refit": refit, "computes in": computed}
    return rows


FIRST_PREDICTION = """
import sys, time
start = time.perf_counter()
if sys.argv[1] == "skdeepmine":
    import pickle
    with open(sys.argv[2], "rb") as handle:
        model = pickle.load(handle)
    predict = model.predict_proba
else:
    import keras
    predict = lambda x: keras.saving.load_model(sys.argv[2]).predict(x, verbose=0)
import numpy as np
predict(np.zeros((1, 8, 8, 1), dtype=np.float32))
print(time.perf_counter() - start)
"""


def first_prediction(clf, model, folder):
    """Seconds from a fresh interpreter's import to a saved model's first prediction."""
    import pickle

    ours, plain = os.path.join(folder, "clf.pkl"), os.path.join(folder, "model.keras")
    with open(ours, "wb") as handle:
        pickle.dump(clf, handle)
    model.save(plain)
    result = {}
    for kind, path in (("skdeepmine", ours), ("plain", plain)):
        runs = [float(subprocess.run([sys.executable, "-c", FIRST_PREDICTION, kind, path],
                                     capture_output=True, text=True, check=True).stdout)
                for _ in range(3)]
        result[kind] = statistics.median(runs)
    return result


# ----------------------------------------------------------------- memory
MEMORY_SCRIPT = """
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
import numpy as np
from sklearn.datasets import load_digits
X, y = load_digits(return_X_y=True)
X = (X.reshape(-1, 8, 8, 1)[:100] / 16.0).astype(np.float32); y = y[:100]
fits = int(sys.argv[2])
checkpoints = {1, min(50, fits), fits}

def rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

def fit_ours(seed):
    from skdeepmine import CNNClassifier
    CNNClassifier(filters=(8,), dense_units=(16,), epochs=2, random_state=seed).fit(X, y).predict(X[:5])

def fit_plain(seed):
    import keras
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(8, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=2, verbose=0)
    model.predict(X[:5], verbose=0)

fit = fit_ours if sys.argv[1] == "skdeepmine" else fit_plain
for i in range(1, fits + 1):
    fit(i)
    if i in checkpoints:
        print(i, round(rss_mb(), 1), flush=True)
"""


def memory(kind, fits, env):
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, kind, str(fits)],
        capture_output=True, text=True, check=True, env=env,
    ).stdout
    return {int(n): float(mb) for n, mb in (line.split() for line in out.splitlines())}


# ----------------------------------------------------------------- parent
def run_backend(backend, args):
    """The backend's measures, each part from a child process of its own.

    The float32/float64 fits run apart: in one process with the fit timings
    they trained the digits CNN first, so that skdeepmine's "first fit"
    found its train step compiled.
    """
    if args.only is None:
        return {**run_child(backend, args, ["--only", "precision"]),
                **run_child(backend, args, ["--skip-precision"])}
    return run_child(backend, args, ["--only", args.only])


def run_child(backend, args, part):
    env = {**os.environ, "KERAS_BACKEND": backend}
    command = [sys.executable, os.path.abspath(__file__), "--child",
               "--epochs", str(args.epochs), "--repeats", str(args.repeats),
               "--rows", str(args.rows), "--dense-epochs", str(args.dense_epochs),
               "--precision-epochs", str(args.precision_epochs),
               "--compile-epochs", str(args.compile_epochs)] + (["--quick"] if args.quick else []) + part + (["--torch-compile"] if args.torch_compile else [])
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{backend} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_memory(backends, fits):
    """Resident memory over ``fits`` fits, two processes at a time (no timing)."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(b, kind) for b in backends for kind in ("skdeepmine", "plain")]
    with ThreadPoolExecutor(2) as pool:
        found = pool.map(lambda job: memory(job[1], fits, {**os.environ, "KERAS_BACKEND": job[0]}),
                         jobs)
        return {job: {str(n): mb for n, mb in rss.items()} for job, rss in zip(jobs, found)}


def fmt(value, digits=2):
    return "-" if value is None else f"{value:.{digits}f}"


def memory_rows(add, get, results, backends):
    for kind, what in (("skdeepmine", "skdeepmine"), ("plain", "plain Keras")):
        for n in sorted(results[backends[0]]["memory"][kind], key=int):
            add(f"resident memory after {n} fits (MB)", what,
                [get(["memory", kind, n], b) for b in backends], 0)
        first, last = "1", max(results[backends[0]]["memory"][kind], key=int)
        add(f"growth from fit 1 to {last} (MB)", what,
            [get(["memory", kind, last], b) - get(["memory", kind, first], b) for b in backends], 0)


def build_rows(results, args):
    backends = list(results)
    rows = []

    def add(measure, what, values, digits=2):
        rows.append((measure, what, *[fmt(v, digits) if not isinstance(v, str) else v
                                       for v in values]))

    def get(path, backend):
        node = results[backend]
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node

    def fastest(row_path, keys):
        names = {b: min((k for k in keys if get(row_path + [k], b) is not None),
                        key=lambda k: get(row_path + [k], b)) for b in backends}
        return names

    if args.only == "precision":
        precision_rows(add, get, backends, args)
        return rows, ("measure", "implementation", *backends)
    if args.only == "memory":
        memory_rows(add, get, results, backends)
        return rows, ("measure", "implementation", *backends)
    labels = {"skdeepmine": "skdeepmine, first fit", "skdeepmine refit": "skdeepmine, refit (step compiled)",
              "plain": "plain model.fit",
              "wrapper": "keras SKLearnClassifier", "plain torch.compile": "model.fit, jit_compile (torch.compile)"}
    for key, measure in (("fit_cnn", f"fit digits CNN, {args.epochs} epochs (s)"),
                         ("fit_dense", f"fit dense (64, 16), {args.rows:,} rows, {args.dense_epochs} epochs (s)"),
                         ("fit_compile", f"fit digits CNN, {args.compile_epochs} epochs (s)")):
        if all(get([key], b) is None for b in backends):
            continue
        for what in ("skdeepmine", "skdeepmine refit", "plain", "wrapper", "plain torch.compile"):
            values = [get([key, what], b) for b in backends]
            if any(v is not None for v in values):
                add(measure, labels[what], values)
        if key != "fit_compile":
            add(measure, "skdeepmine first fit / plain model.fit",
                [get([key, "skdeepmine"], b) / get([key, "plain"], b) for b in backends])
    if "torch" in backends and not args.torch_compile:
        # A cell left empty says why: each torch.compile took tens of seconds
        # to minutes here, per network and per batch size.
        add("torch.compile (fit with jit_compile, predict)", "not run without --torch-compile",
            ["minutes to compile" if b == "torch" else None for b in backends])

    compiled_names = ("tf.function", "jax.jit", "jax.jit, polled", "eager no_grad", "torch.jit.trace",
                      "torch.compile")
    for n in (1, 32, 1797):
        measure = f"predict {n:,} rows (ms)"
        add(measure, "skdeepmine predict_proba", [get(["predict", str(n), "skdeepmine"], b) for b in backends], 3)
        values = [get(["predict", str(n), "skdeepmine, first calls"], b) for b in backends]
        if any(v is not None for v in values):
            add(measure, "  its first 800 calls (JAX: before the model's own call)", values, 3)
        add(measure, "plain model.predict", [get(["predict", str(n), "plain"], b) for b in backends], 3)
        add(measure, "keras SKLearnClassifier.predict", [get(["predict", str(n), "wrapper"], b) for b in backends], 3)
        for name in compiled_names:
            values = [get(["predict", str(n), name], b) for b in backends]
            if any(v is not None for v in values):
                add(measure, f"plain compiled: {name}", values, 3)
        best = fastest(["predict", str(n)], compiled_names)
        add(measure, "skdeepmine / fastest plain compiled",
            [f"{get(['predict', str(n), 'skdeepmine'], b) / get(['predict', str(n), best[b]], b):.2f} ({best[b]})"
             for b in backends])
        add(measure, "skdeepmine / each plain compiled",
            ["; ".join(f"{get(['predict', str(n), 'skdeepmine'], b) / get(['predict', str(n), name], b):.2f}"
                       f" ({name})" for name in compiled_names
                       if get(["predict", str(n), name], b) is not None)
             for b in backends])
        if n == 1:
            add(measure, "  full checks: check_is_fitted + validate_X",
                [get(["predict", "1", "sklearn checks"], b) for b in backends], 3)
            add(measure, "  fast path: float array of the fitted shape",
                [get(["predict", "1", "fast checks"], b) for b in backends], 3)
            for name in compiled_names:
                values = [get(["predict", "1", name + " + checks"], b) for b in backends]
                if any(v is not None for v in values):
                    add(measure, f"  plain compiled + fast checks + float64: {name}", values, 3)
            add(measure, "skdeepmine / (fastest plain compiled + fast checks + float64)",
                [f"{get(['predict', '1', 'skdeepmine'], b) / get(['predict', '1', best[b] + ' + checks'], b):.2f}"
                 for b in backends])
            values = [get(["predict", "1", "torch.compile first call (s)"], b) for b in backends]
            if any(v is not None for v in values):
                add("torch.compile first call (s)", "plain compiled: torch.compile", values, 1)
    if args.only == "predict":
        return rows, ("measure", "implementation", *backends)

    memory_rows(add, get, results, backends)

    for kind, what in (("skdeepmine", "skdeepmine (unpickle + predict_proba)"),
                       ("plain", "plain Keras (load_model + predict)")):
        add("import to first prediction (s)", what, [get(["first_prediction", kind], b) for b in backends])

    precision_rows(add, get, backends, args)
    return rows, ("measure", "implementation", *backends)


def precision_rows(add, get, backends, args):
    for dtype in ("float32", "float64"):
        for stage in ("first fit", "refit"):
            add(f"CNN {stage}, {args.precision_epochs} epochs, X float64 (CPU s)", f"dtype={dtype!r}",
                [get(["precision", dtype, stage], b) for b in backends])
        add("network computes in", f"dtype={dtype!r}",
            [get(["precision", dtype, "computes in"], b) for b in backends])


def print_table(rows, header):
    print(f"$ {sys.executable} {' '.join(sys.argv)}")
    print(f"load average {os.getloadavg()[0]:.2f}, SKDEEPMINE_NUM_THREADS="
          f"{os.environ.get('SKDEEPMINE_NUM_THREADS', '(unset)')}, {os.cpu_count()} cores")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "| " + " | ".join("{:<%d}" % w for w in widths) + " |"
    print(line.format(*header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line.format(*row))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--fits", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=1, help="fits per fit time (median; skdeepmine's first fit is one)")
    parser.add_argument("--rows", type=int, default=DENSE_ROWS)
    parser.add_argument("--dense-epochs", type=int, default=5)
    parser.add_argument("--precision-epochs", type=int, default=5)
    parser.add_argument("--compile-epochs", type=int, default=2,
                        help="epochs of the torch.compile fit (PyTorch only)")
    parser.add_argument("--torch-compile", action="store_true",
                        help="also time torch.compile on PyTorch (Keras's jit_compile fit and a "
                             "compiled predict): minutes of compiling per network and batch size")
    parser.add_argument("--backends", default=",".join(BACKENDS),
                        help="comma-separated Keras backends (uninstalled ones are skipped)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 2 epochs, 5,000 rows, 5 fits, no torch.compile")
    parser.add_argument("--only", choices=["precision", "predict", "memory"], default=None,
                        help="print only the float32/float64 rows, the predict latencies, or memory over --fits fits")
    parser.add_argument("--defaults", action="store_true",
                        help="run benchmarks/_cnn_defaults.py's table instead")
    parser.add_argument("--json", default=None, help="also write the raw results to this file")
    parser.add_argument("--from-json", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-precision", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.defaults:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        return __import__("_cnn_defaults").main()
    if args.quick:
        args.epochs, args.rows, args.fits, args.dense_epochs, args.precision_epochs = 2, 5000, 5, 1, 1
    if args.child:
        print(json.dumps(measure_backend(args)))
        return None
    backends = [b for b in args.backends.split(",")
                if b == "tensorflow" or importlib.util.find_spec(b) is not None]
    results = {}
    if args.from_json:
        with open(args.from_json) as handle:
            results = json.load(handle)
    if args.only == "memory":  # no timing: other work may run beside it
        results = {backend: {"backend": backend} for backend in backends}
    for backend in backends:
        if backend not in results:
            print(f"running {backend} ...", file=sys.stderr, flush=True)
            results[backend] = json.loads(json.dumps(run_backend(backend, args)))
    if args.only in (None, "memory"):
        missing = [b for b in backends if "memory" not in results[b]]
        print(f"memory over {args.fits} fits: {', '.join(missing)} ...", file=sys.stderr, flush=True)
        for (backend, kind), rss in run_memory(missing, args.fits).items():
            results[backend].setdefault("memory", {})[kind] = rss
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle)
    rows, header = build_rows(results, args)
    print_table(rows, header)
    return results


if __name__ == "__main__":
    main()
