"""Insight mining on wide tables: 100 rows, 500 to 10,000 numeric columns.

Times ``InsightReport.from_data`` (every data miner) and
``InsightReport.from_estimator`` (data miners plus permutation importance of
a fitted gradient-boosting pipeline) per number of columns, and the
``skdeepmine report`` command end to end with ``--cli``.  One column drives
the binary target; the rest is noise.  Time should grow about linearly in
the number of columns; target: the report on 100 x 10,000 in <= 60 s on 2
cores (issue 9, item 17).

Run from the repository root::

    .venv/bin/python benchmarks/bench_wide.py
    .venv/bin/python benchmarks/bench_wide.py --columns 500 10000 --cli
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd


def make_table(n_columns, n_rows=100, seed=0):
    rng = np.random.RandomState(seed)
    X = pd.DataFrame(rng.normal(size=(n_rows, n_columns)),
                     columns=[f"f{j}" for j in range(n_columns)])
    y = pd.Series(np.where(X["f0"] + rng.normal(scale=0.5, size=n_rows) > 0, "yes", "no"),
                  name="y")
    return X, y


def time_from_data(X, y):
    from skdeepmine.insight import InsightReport

    started, cpu = time.perf_counter(), time.process_time()
    report = InsightReport.from_data(X, y, random_state=0)
    return (time.perf_counter() - started, time.process_time() - cpu), report


def time_from_estimator(X, y):
    from sklearn.ensemble import HistGradientBoostingClassifier

    from skdeepmine.insight import InsightReport

    started, cpu = time.perf_counter(), time.process_time()
    report = InsightReport.from_estimator(
        HistGradientBoostingClassifier(max_iter=50, random_state=0), X, y, random_state=0)
    return (time.perf_counter() - started, time.process_time() - cpu), report


def time_cli(X, y):
    with tempfile.TemporaryDirectory() as folder:
        data = os.path.join(folder, "wide.csv")
        X.assign(y=y).to_csv(data, index=False)
        started, cpu = time.perf_counter(), _children_cpu()
        result = subprocess.run(
            [sys.executable, "-m", "skdeepmine", "report", data, "--target", "y",
             "--output", os.path.join(folder, "wide.html"), "--quiet"],
            capture_output=True, text=True,
        )
        seconds = (time.perf_counter() - started, _children_cpu() - cpu)
    last = (result.stderr.strip().splitlines() or [""])[-1][:80]
    status = "ok" if result.returncode == 0 else f"exit {result.returncode}: {last}"
    return seconds, status


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pair(seconds):
    """'wall / CPU' seconds: on a shared, loaded machine CPU time is the figure."""
    return f"{seconds[0]:.1f} / {seconds[1]:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--cli", action="store_true", help="also time the report command")
    args = parser.parse_args()
    os.environ.setdefault("SKDEEPMINE_NUM_THREADS", "1")
    print(f"$ {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n")
    header = ("| columns | from_data (wall / CPU s) | from_estimator (wall / CPU s) |"
              + " report command (wall / CPU s) |" * args.cli)
    print(header)
    print("|---|---|---|" + "---|" * args.cli)
    for n_columns in args.columns:
        X, y = make_table(n_columns)
        data_seconds, report = time_from_data(X, y)
        model_seconds, model_report = time_from_estimator(X, y)
        related = next(i for i in report.insights if i.name == "related_features")
        assert related.evidence["tests"][0]["column"] == "f0", "f0 drives the target"
        row = f"| {n_columns} | {_pair(data_seconds)} | {_pair(model_seconds)} |"
        if args.cli:
            cli_seconds, status = time_cli(X, y)
            row += f" {_pair(cli_seconds)} ({status}) |"
        print(row, flush=True)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
