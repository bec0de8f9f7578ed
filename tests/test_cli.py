"""The ``skdeepmine report`` command, end to end and on bad input."""

import io
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skdeepmine.cli import main
from skdeepmine.cli._progress import Progress

FAST = ["--cv", "2", "--epochs", "2", "--quiet"]


def run_module(*args, cwd):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run(
        [sys.executable, "-m", "skdeepmine", *args], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=600,
    )


@pytest.fixture
def churn_csv(tmp_path):
    """A small classification table with a categorical and a gappy column."""
    rng = np.random.RandomState(0)
    n = 120
    plan = rng.choice(["basic", "plus", "pro"], size=n)
    usage = rng.gamma(2.0, 10.0, size=n)
    age = rng.randint(18, 80, size=n).astype(float)
    age[:6] = np.nan
    churned = np.where((plan == "basic") & (usage < 20), "yes", "no")
    path = tmp_path / "churn.csv"
    pd.DataFrame({"plan": plan, "usage": usage, "age": age, "churned": churned}).to_csv(
        path, index=False
    )
    return path


def test_report_on_a_csv_runs_every_model_and_writes_one_html_file(churn_csv, tmp_path):
    result = run_module(
        "report", str(churn_csv), "--target", "churned", "--output", "out.html",
        "--cv", "2", "--epochs", "2", cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    for step in ("[1/4] Reading", "[2/4] Cross-validating 5 models", "[3/4] Mining",
                 "[4/4] Writing out.html"):
        assert step in result.stdout
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert page.index("Model comparison") < page.index("Findings")
    for model in ("Decision tree", "Random forest", "Histogram gradient boosting",
                  "Neural network", "Hybrid (network + gradient boosting)"):
        assert f"<td>{model}</td>" in page
    # The hybrid (the default blend) was mined: its network's weight in the
    # predictions and a held-out confusion matrix.
    assert "of the hybrid&#x27;s predictions" in page
    assert "deep features and" not in page
    assert "Confusion matrix" in page or "held-out" in page
    assert sorted(os.listdir(tmp_path)) == ["churn.csv", "out.html"]


def test_regression_report_compares_by_r2(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 3))
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(price=3 * X[:, 0] + rng.normal(size=80))
    frame.to_csv(tmp_path / "houses.csv", index=False)
    status = main([
        "report", str(tmp_path / "houses.csv"), "--target", "price", "--task", "regression",
        "--models", "tree,forest", "--output", str(tmp_path / "houses.html"), *FAST,
    ])
    assert status == 0
    page = (tmp_path / "houses.html").read_text(encoding="utf-8")
    assert "<th>R^2</th>" in page and "<th>MAE</th>" in page
    assert "Random forest" in page and "Neural network" not in page


def test_demo_needs_no_csv(tmp_path):
    status = main(["report", "--demo", "--models", "tree", "--output",
                   str(tmp_path / "demo.html"), *FAST])
    assert status == 0
    assert "diagnosis" in (tmp_path / "demo.html").read_text(encoding="utf-8")


def test_progress_goes_to_stdout_step_by_step(churn_csv, tmp_path, capsys):
    status = main(["report", str(churn_csv), "--target", "churned", "--models", "tree",
                   "--cv", "2", "--output", str(tmp_path / "r.html")])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    assert "120 rows, 3 features; target 'churned' (classification, 2 classes)" in out
    assert "Decision tree: balanced accuracy" in out
    assert out.rstrip().splitlines()[-1].startswith("Report written to")


def test_live_status_line_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    log, terminal = io.StringIO(), Terminal()
    for stream in (log, terminal):
        progress = Progress(1, stream=stream)
        progress.update("fold 1/5")
        progress.item("done")
    assert log.getvalue() == "      done\n"
    assert "\r" in terminal.getvalue() and "fold 1/5" in terminal.getvalue()


def bad_inputs(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("a,b,y\n")
    pd.DataFrame({"a": [1, 2, 3, 4], "y": ["same"] * 4}).to_csv(tmp_path / "one.csv", index=False)
    pd.DataFrame({"a": ["1", "2", "x7", "4"] + ["5"] * 36, "y": [0, 1] * 20}).to_csv(
        tmp_path / "typo.csv", index=False)
    pd.DataFrame({"a": range(40), "y": ["low", "high"] * 20}).to_csv(
        tmp_path / "labels.csv", index=False)
    (tmp_path / "ragged.csv").write_text("a,y\n1,2\n3,4,5,6\n")
    pd.DataFrame({"a": range(40), "y": ["common"] * 38 + ["rare"] * 2}).to_csv(
        tmp_path / "rare.csv", index=False)
    pd.DataFrame({"a": range(10), "y": ["p", "q"] * 5}).to_csv(tmp_path / "small.csv", index=False)
    return {
        "missing file": (["no-such.csv", "--target", "y"], "no such file: no-such.csv"),
        "unknown target": (["one.csv", "--target", "price"],
                           "no column 'price' in one.csv; its columns are 'a', 'y'"),
        "empty file": (["empty.csv", "--target", "y"], "empty.csv is empty"),
        "header only": (["header.csv", "--target", "y"], "has a header but no rows"),
        "one class": (["one.csv", "--target", "y"], "has a single class ('same')"),
        "unparseable value": (["typo.csv", "--target", "y"],
                              "column 'a' holds numbers but 1 value(s) cannot be read as one, "
                              "e.g. 'x7' on line 4 of typo.csv"),
        "ragged rows": (["ragged.csv", "--target", "y"], "cannot parse ragged.csv as CSV"),
        "text target for regression": (["labels.csv", "--target", "y", "--task", "regression"],
                                       "needs a numeric target"),
        "no target option": (["one.csv"], "missing --target"),
        "no data": ([], "no data: give a CSV file"),
        "demo and file": (["one.csv", "--demo"], "either a CSV file or --demo"),
        "unknown model": (["one.csv", "--target", "y", "--models", "svm"], "unknown model(s) svm"),
        "bad folds": (["one.csv", "--target", "y", "--cv", "1"], "1 is not between 2 and 20"),
        "output folder missing": (["one.csv", "--target", "y", "--output", "nowhere/r.html"],
                                  "cannot write the report to nowhere/r.html"),
        "class too rare for the folds": (["rare.csv", "--target", "y"],
                                         "class 'rare' of 'y' has only 2 row(s)"),
        "too few rows for the folds": (["small.csv", "--target", "y", "--cv", "6"],
                                       "only 10 rows with a target: too few for 6-fold"),
    }


BAD_INPUT_CASES = [
    "missing file", "unknown target", "empty file", "header only", "one class",
    "unparseable value", "ragged rows", "text target for regression", "no target option",
    "no data", "demo and file", "unknown model", "bad folds", "output folder missing",
    "class too rare for the folds", "too few rows for the folds",
]


@pytest.mark.parametrize("case", BAD_INPUT_CASES)
def test_bad_input_gives_one_clear_line_and_status_2(case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args, expected = bad_inputs(tmp_path)[case]
    status = main(["report", *args, "--quiet"])
    out, err = capsys.readouterr()
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("skdeepmine: error: ")
    assert expected in err
    assert not os.path.exists(tmp_path / "report.html")


def test_missing_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert capsys.readouterr().err.startswith("skdeepmine: error: missing command")


def test_bad_input_through_python_m_prints_no_traceback(tmp_path):
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    result = run_module("report", "data.csv", "--target", "c", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "skdeepmine: error: no column 'c' in data.csv; its columns are 'a', 'b'\n"
    )


def test_console_script_is_installed_and_answers_version():
    script = os.path.join(os.path.dirname(sys.executable), "skdeepmine")
    if not os.path.exists(script):
        pytest.skip("skdeepmine is not installed as a console script in this environment")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert result.stdout.startswith("skdeepmine ")


def test_infinite_numbers_are_read_as_missing_not_a_crash(tmp_path, capsys):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "y": ["p", "q"] * 20})
    frame.loc[3, "a"] = np.inf
    frame.to_csv(tmp_path / "inf.csv", index=False)
    status = main(["report", str(tmp_path / "inf.csv"), "--target", "y", "--models", "tree",
                   "--cv", "2", "--output", str(tmp_path / "inf.html")])
    assert status == 0
    assert "1 infinite value(s) read as missing" in capsys.readouterr().out
