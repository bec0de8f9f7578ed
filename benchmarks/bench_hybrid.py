"""Deep features + trees against trees alone and the network alone.

5-fold cross-validated accuracy (mean and standard deviation over the folds)
and mean fit time per fold, on scikit-learn's breast_cancer, wine and digits:
DecisionTree, RandomForest, HistGradientBoosting, the network of
NeuralFeatureExtractor alone (DenseNetworkClassifier) and HybridClassifier
with cv=None and cv=5, all with default parameters (networks seeded).  The
data goes in raw, unscaled.

Target: on each dataset, the best hybrid's mean accuracy is at least the
better of HistGradientBoosting and the network, minus 0.5 points.

Run from the repository root::

    .venv/bin/python benchmarks/bench_hybrid.py
    .venv/bin/python benchmarks/bench_hybrid.py --datasets wine --epochs 50
"""

import argparse
import os
import shlex
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits, load_wine  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.model_selection import StratifiedKFold, cross_validate  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from skdeepmine.features import DenseNetworkClassifier, NeuralFeatureExtractor  # noqa: E402
from skdeepmine.hybrid import HybridClassifier  # noqa: E402

DATASETS = {"breast_cancer": load_breast_cancer, "wine": load_wine, "digits": load_digits}


def models(epochs):
    network = dict(random_state=0) if epochs is None else dict(epochs=epochs, random_state=0)
    return {
        "DecisionTree": DecisionTreeClassifier(random_state=0),
        "RandomForest": RandomForestClassifier(random_state=0),
        "HistGradientBoosting": HistGradientBoostingClassifier(random_state=0),
        "network (DenseNetworkClassifier)": DenseNetworkClassifier(**network),
        "HybridClassifier cv=None": HybridClassifier(NeuralFeatureExtractor(**network), cv=None),
        "HybridClassifier cv=5": HybridClassifier(NeuralFeatureExtractor(**network), cv=5),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=sorted(DATASETS), default=list(DATASETS))
    parser.add_argument(
        "--epochs", type=int, default=None,
        help="maximum epochs of each network fit (default: the estimators' default, 50)",
    )
    parser.add_argument(
        "--threads", type=int, default=1,
        help="OpenMP/BLAS threads (HistGradientBoosting's OpenMP threads spin "
        "on a busy shared machine; 1 keeps timings stable)",
    )
    args = parser.parse_args(argv)
    print("$ " + shlex.join([os.path.relpath(sys.executable), *sys.argv]))
    print(f"5-fold stratified CV (shuffled, random_state=0); {args.threads} OpenMP/BLAS thread(s)\n")

    started = time.perf_counter()
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    header = f"{'dataset':<14} {'model':<34} {'accuracy':>16} {'fit s/fold':>11}"
    print(header)
    print("-" * len(header))
    verdicts = []
    with threadpool_limits(args.threads):
        for dataset in args.datasets:
            X, y = DATASETS[dataset](return_X_y=True)
            means = {}
            for name, model in models(args.epochs).items():
                result = cross_validate(model, X, y, cv=folds)
                scores = result["test_score"]
                means[name] = scores.mean()
                print(
                    f"{dataset:<14} {name:<34} {100 * scores.mean():>8.2f} ± {100 * scores.std():<5.2f}"
                    f" {np.mean(result['fit_time']):>11.2f}",
                    flush=True,
                )
            bar = max(means["HistGradientBoosting"], means["network (DenseNetworkClassifier)"]) - 0.005
            for name in ("HybridClassifier cv=None", "HybridClassifier cv=5"):
                verdicts.append(
                    f"{dataset:<14} {name:<26} {100 * means[name]:6.2f} vs target "
                    f"{100 * bar:6.2f}: {'met' if means[name] >= bar else 'MISSED'}"
                )
    print("\nTarget: hybrid >= max(HistGradientBoosting, network) - 0.5 points")
    print("\n".join(verdicts))
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
