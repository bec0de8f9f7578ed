"""The default CNNs against the old default and the usual alternatives.

One table from one run: accuracy (mean ± std) and mean fit time per fold of
the default ``CNNClassifier`` on scikit-learn's digits (8x8 images; 5-fold
stratified cross-validation, plus the 25 % stratified hold-out of issue 13)
and on two 10-class 1-D benchmarks of 4,000 training and 4,000 test signals
of length 40, drawn afresh for each of the repeats: ``benchmarks/_signals.py``
(whole waveforms, "signals") and ``benchmarks/_signals_motifs.py`` (short
motifs anywhere in the window, "motifs"); beside the old default
(``filters=(32, 64), batch_norm=False, global_pooling=None,
kernel_size=3, label_smoothing=0``), variants of the signal default
(signals only; ``--signals-only --rows CNN`` prints its ablation table), a
plain Keras network of the old default's shape, scikit-learn's
MLPClassifier, HistGradientBoosting and kNN, and template matching that
knows how the signals were made (their ceiling).  Fit times are the
process's CPU seconds (all threads), which other load on a shared machine
inflates less than wall time.

Run with::

    .venv/bin/python benchmarks/_cnn_defaults.py [--folds 5] [--draws 5] [--quick]
        [--signals-only] [--rows NAME ...]

``benchmarks/bench_core.py --defaults`` runs the same ``main()``.
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _signals  # noqa: E402
import _signals_motifs  # noqa: E402

# The 1-D benchmarks: column name -> module with ``benchmark(seed, n_train=,
# n_test=)`` and ``template_matching_predict(X)``.
SIGNAL_BENCHMARKS = {"signals": _signals, "motifs": _signals_motifs}

# The default before issue 13, on images and signals alike.
OLD_DEFAULT = dict(filters=(32, 64), batch_norm=False, global_pooling=None, kernel_size=3,
                   label_smoothing=0.0)
# The signal default before the pooled head (the first issue-13 change):
# kernels of 7 and smoothing, on two blocks whose map is flattened.
FLAT_SIGNAL_DEFAULT = dict(filters=(32, 64), global_pooling=None)


def digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X.reshape(-1, 8, 8) / 16.0, y


class PlainKeras:
    """The old default network written in plain Keras: 50 epochs of Adam."""

    def __init__(self, seed):
        self.seed = seed

    def fit(self, X, y):
        import keras

        keras.utils.set_random_seed(self.seed)
        image = X.ndim == 3
        conv = keras.layers.Conv2D if image else keras.layers.Conv1D
        pool = keras.layers.MaxPooling2D if image else keras.layers.MaxPooling1D
        self.model = keras.Sequential([
            keras.Input(X.shape[1:] + (1,)),
            conv(32, 3, padding="same", activation="relu"), pool(2),
            conv(64, 3, padding="same", activation="relu"), pool(2),
            keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(int(y.max()) + 1, activation="softmax"),
        ])
        self.model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        self.model.fit(X[..., None], y, epochs=50, batch_size=32, verbose=0)
        return self

    def score(self, X, y):
        proba = self.model.predict(X[..., None], verbose=0)
        return float(np.mean(proba.argmax(axis=1) == y))


class TemplateMatching:
    """Knows the generator's templates (benchmarks/_signals*.py): a ceiling."""

    def __init__(self, module):
        self.module = module

    def fit(self, X, y):
        return self

    def score(self, X, y):
        return float(np.mean(self.module.template_matching_predict(X) == y))


def models():
    """Name -> ``make(seed)`` for every row of the table."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier

    from skdeepmine import CNNClassifier

    return {
        "CNNClassifier() (new default)": lambda s: CNNClassifier(random_state=s),
        "CNNClassifier(old default)": lambda s: CNNClassifier(random_state=s, **OLD_DEFAULT),
        # Variants of the signal default (signals only: on images "auto"
        # means two blocks, kernel_size=3 and no label smoothing).
        "CNNClassifier(filters=(32, 64), global_pooling=None) (flat default)": lambda s: (
            CNNClassifier(random_state=s, **FLAT_SIGNAL_DEFAULT)),
        "CNNClassifier(global_pooling=None)": lambda s: CNNClassifier(
            random_state=s, global_pooling=None),
        "CNNClassifier(global_pooling='max')": lambda s: CNNClassifier(
            random_state=s, global_pooling="max"),
        "CNNClassifier(global_pooling='avg')": lambda s: CNNClassifier(
            random_state=s, global_pooling="avg"),
        "CNNClassifier(filters=(32, 64))": lambda s: CNNClassifier(
            random_state=s, filters=(32, 64)),
        "CNNClassifier(kernel_size=3)": lambda s: CNNClassifier(random_state=s, kernel_size=3),
        "CNNClassifier(label_smoothing=0)": lambda s: CNNClassifier(
            random_state=s, label_smoothing=0.0),
        "CNNClassifier(dropout=0.1)": lambda s: CNNClassifier(random_state=s, dropout=0.1),
        "CNNClassifier(batch_norm=True)": lambda s: CNNClassifier(
            random_state=s, batch_norm=True),
        "CNNClassifier(early_stopping=True, epochs=100)": lambda s: CNNClassifier(
            random_state=s, early_stopping=True, epochs=100),
        "CNNClassifier(standardize=False)": lambda s: CNNClassifier(
            random_state=s, standardize=False),
        "plain Keras, old default's shape": PlainKeras,
        "MLPClassifier()": lambda s: MLPClassifier(random_state=s),
        "HistGradientBoostingClassifier()": lambda s: HistGradientBoostingClassifier(random_state=s),
        "KNeighborsClassifier()": lambda s: KNeighborsClassifier(),
        "template matching (knows the generator)": None,
    }


SIGNALS_ONLY = {
    "CNNClassifier(filters=(32, 64), global_pooling=None) (flat default)",
    "CNNClassifier(global_pooling=None)",
    "CNNClassifier(global_pooling='max')",
    "CNNClassifier(global_pooling='avg')",
    "CNNClassifier(filters=(32, 64))",
    "CNNClassifier(kernel_size=3)",
    "CNNClassifier(label_smoothing=0)",
    "CNNClassifier(dropout=0.1)",
    "CNNClassifier(batch_norm=True)",
    "CNNClassifier(early_stopping=True, epochs=100)",
    "CNNClassifier(standardize=False)",
}


def flat(X):
    return X.reshape(len(X), -1)


def run(make, splits, *, flat_input):
    """Mean and std of accuracy and mean CPU fit seconds over ``splits``."""
    scores, times = [], []
    for seed, (X_train, y_train, X_test, y_test) in enumerate(splits):
        model = make(seed)
        if flat_input:
            X_train, X_test = flat(X_train), flat(X_test)
        start = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # MLP's ConvergenceWarning
            model.fit(X_train, y_train)
        times.append(time.process_time() - start)
        scores.append(model.score(X_test, y_test))
    return np.mean(scores), np.std(scores), np.mean(times)


def main(argv=None):
    from sklearn.model_selection import StratifiedKFold, train_test_split

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="digits folds")
    parser.add_argument("--draws", type=int, default=5, help="signal benchmark draws")
    parser.add_argument("--quick", action="store_true", help="subsample, for a smoke run")
    parser.add_argument("--signals-only", action="store_true",
                        help="leave out digits (the 2-D defaults)")
    parser.add_argument("--rows", nargs="+", default=None,
                        help="only the models whose name contains one of these")
    if argv is None:  # also run as ``bench_core.py --defaults``
        argv = [arg for arg in sys.argv[1:] if arg != "--defaults"]
    args = parser.parse_args(argv)

    X, y = digits()
    n_signals = 4000
    if args.quick:
        X, y, n_signals = X[:400], y[:400], 400
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=0).split(X, y)
    digit_splits = [(X[a], y[a], X[b], y[b]) for a, b in folds]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    holdout = [(X_train, y_train, X_test, y_test)]
    signal_splits = {
        name: [module.benchmark(seed, n_train=n_signals, n_test=n_signals)
               for seed in range(args.draws)]
        for name, module in SIGNAL_BENCHMARKS.items()
    }

    command = "benchmarks/_cnn_defaults.py " + " ".join(argv)
    threads = os.environ.get("SKDEEPMINE_NUM_THREADS")
    print(f"$ .venv/bin/python {command.strip()}   ({time.strftime('%Y-%m-%d')}, "
          + (f"SKDEEPMINE_NUM_THREADS={threads}, " if threads else "")
          + f"{os.cpu_count()} CPU cores, load {os.getloadavg()[0]:.1f})")
    print(("" if args.signals_only else
           f"digits: {args.folds}-fold CV and the 25 % stratified hold-out; ")
          + f"{' and '.join(SIGNAL_BENCHMARKS)}: {args.draws} draws of {n_signals} "
          f"training / {n_signals} test signals; fit = CPU s per fold")
    columns = [] if args.signals_only else ["digits CV acc", "digits fit s", "digits hold-out acc"]
    for name in SIGNAL_BENCHMARKS:
        columns += [f"{name} acc", f"{name} fit s"]
    header = "| model | " + " | ".join(columns) + " |"
    print(header)
    print("|" + "|".join("-" * len(part) for part in header.split("|")[1:-1]) + "|")
    for name, make in models().items():
        if args.rows and not any(part in name for part in args.rows):
            continue
        cells = []
        flat_input = not name.startswith(("CNN", "plain"))
        oracle = name.startswith("template")
        if not args.signals_only:
            if oracle or name in SIGNALS_ONLY:
                cells += ["", "", ""]
            else:
                mean, std, fit = run(make, digit_splits, flat_input=flat_input)
                cells += [f"{mean:.4f} ± {std:.4f}", f"{fit:.1f}"]
                cells.append(f"{run(make, holdout, flat_input=flat_input)[0]:.4f}")
        for bench, module in SIGNAL_BENCHMARKS.items():
            maker = (lambda s, module=module: TemplateMatching(module)) if oracle else make
            mean, std, fit = run(maker, signal_splits[bench], flat_input=flat_input)
            cells += [f"{mean:.4f} ± {std:.4f}", "" if oracle else f"{fit:.1f}"]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
