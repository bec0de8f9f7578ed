"""InsightReport and InsightReporter: ranking, exports, determinism, Pipeline use."""

import base64
import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skdeepmine.insight import Insight, InsightReport, InsightReporter


@pytest.fixture(scope="module")
def table():
    """Mixed data with something for every data miner to find."""
    rng = np.random.RandomState(0)
    n = 300
    X = pd.DataFrame({
        "size": rng.normal(50, 10, n),
        "weight": rng.normal(20, 5, n),
        "colour": rng.choice(["red", "green", "blue"], n),
        "flat": 1.0,
    })
    X["size_twin"] = X["size"] * 2.54
    X.loc[:29, "weight"] = np.nan
    X.iloc[5] = X.iloc[4]
    y = pd.Series(np.where(X["colour"] == "red", "yes", "no"), name="bought")
    return X, y


@pytest.fixture(scope="module")
def report(table):
    X, y = table
    return InsightReport.from_data(X, y, random_state=0)


def test_findings_cover_every_data_kind_ranked_by_strength(report):
    assert {i.kind for i in report.insights} == {
        "data_quality", "target", "relationships", "association_rules", "structure",
    }
    strengths = [i.strength for i in report.insights]
    assert strengths == sorted(strengths, reverse=True)
    assert all(0 <= s <= 1 for s in strengths)


def test_to_frame_has_one_row_per_finding(report):
    frame = report.to_frame()
    assert list(frame.columns) == ["kind", "name", "title", "message", "strength", "evidence"]
    assert len(frame) == len(report.insights)
    assert frame["title"].tolist() == [i.title for i in report.insights]


def test_to_dict_is_json_serialisable_and_complete(report):
    text = json.dumps(report.to_dict(), allow_nan=False)
    back = json.loads(text)
    assert [i["title"] for i in back["insights"]] == [i.title for i in report.insights]
    assert back["summary"]["n_rows"] == 300
    assert back["summary"]["targets"] == {"bought": "classification"}


def test_to_json_round_trips_through_a_file(report, tmp_path):
    path = report.to_json(tmp_path / "report.json")
    assert json.loads(path.read_text()) == report.to_dict()


def test_to_markdown_lists_findings_in_rank_order(report):
    text = report.to_markdown()
    positions = [text.index(f"**{i.title}**") for i in report.found]
    assert positions == sorted(positions)
    assert text.startswith("# Insight report\n")


def test_markdown_renders_tables_with_escaped_cells():
    report = InsightReport([], tables={"Scores": pd.DataFrame({"model": ["a|b"], "score": [0.5]})})
    assert "| model | score |\n| --- | --- |\n| a\\|b | 0.5 |" in report.to_markdown()


def test_html_is_one_self_contained_file(report, tmp_path):
    path = report.to_html(tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # Nothing that would make a browser fetch: no scripts, links, imports or URLs.
    assert not re.search(r"<script|<link|@import|url\(|https?://|//cdn", page, re.I)
    sources = re.findall(r'<img[^>]*src="([^"]+)"', page)
    charts = sum(i.chart is not None for i in report.insights)
    assert len(sources) == charts + 1  # plus the overview of strengths
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(tmp_path.iterdir()) == [path]


def test_html_escapes_text_from_the_data():
    X = pd.DataFrame({"<b>col</b>": ["<script>x</script>"] * 50, "v": np.arange(50.0)})
    page = InsightReport.from_data(X, kinds=["data_quality"], random_state=0).to_html()
    assert "<script>" not in page and "&lt;b&gt;col&lt;/b&gt;" in page


def test_repr_html_is_a_styled_fragment(report):
    fragment = report._repr_html_()
    assert fragment.startswith("<style>") and "<html" not in fragment
    assert report.insights[0].title.split()[0] in fragment


def test_plot_draws_without_touching_pyplot(report):
    ax = report.plot()
    assert len(ax.patches) == min(20, len(report))
    assert "matplotlib.pyplot" not in sys.modules or not __import__(
        "matplotlib.pyplot").pyplot.get_fignums()
    finding = next(i for i in report.insights if i.chart is not None)
    assert finding.plot().figure is not ax.figure


def test_plot_draws_on_a_given_axes(report):
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    assert report.plot(ax=ax) is ax


def test_same_random_state_gives_the_same_report_even_when_sampling():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(600, 4))
    y = (X[:, 0] + rng.normal(size=600) > 0).astype(int)
    first = InsightReport.from_data(X, y, max_rows=200, random_state=3)
    second = InsightReport.from_data(X, y, max_rows=200, random_state=3)
    assert first.to_dict() == second.to_dict()
    assert first.summary["rows_sampled"] == 200
    assert first.to_html() == second.to_html()


def test_insight_rejects_strength_outside_unit_interval_and_unknown_kind():
    with pytest.raises(ValueError, match="strength"):
        Insight(kind="target", name="x", title="t", message="m", strength=1.5)
    with pytest.raises(ValueError, match="kind"):
        Insight(kind="gossip", name="x", title="t", message="m", strength=0.5)


def test_insight_evidence_is_made_json_friendly():
    finding = Insight(kind="target", name="x", title="t", message="m", strength=np.float32(0.5),
                      evidence={"a": np.arange(2), "b": np.nan, "c": (np.int64(1),)})
    assert finding.evidence == {"a": [0, 1], "b": None, "c": [1]}
    assert isinstance(finding.strength, float)


def test_report_rejects_things_that_are_not_insights():
    with pytest.raises(TypeError, match="Insight records"):
        InsightReport([{"title": "x"}])


# ------------------------------------------------------------ InsightReporter
def test_reporter_in_a_pipeline_passes_data_through_and_keeps_the_report(table):
    X, y = table
    X = X.drop(columns="colour")
    pipe = make_pipeline(
        InsightReporter(kinds=["data_quality"], random_state=0),
        SimpleImputer(),
        LogisticRegression(),
    ).fit(X, y)
    reporter = pipe[0]
    assert reporter.transform(X) is X
    assert {i.name for i in reporter.report_.insights} >= {"missing_values", "duplicate_rows"}
    assert list(reporter.get_feature_names_out()) == list(X.columns)


def test_reporter_keeps_categorical_columns_as_they_are(table):
    X, y = table
    out = InsightReporter(kinds=["target"]).fit_transform(X, y)
    pd.testing.assert_frame_equal(out, X)


def test_reporter_set_output_pandas_wraps_arrays():
    X = np.arange(12.0).reshape(6, 2)
    out = InsightReporter(kinds=["data_quality"]).set_output(transform="pandas").fit_transform(X)
    assert list(out.columns) == ["x0", "x1"]
    np.testing.assert_array_equal(out.to_numpy(), X)


@pytest.mark.parametrize(
    "kinds, error, match",
    [(["gossip"], ValueError, "Unknown kinds"), ("target", TypeError, "instance of 'list'")],
)
def test_reporter_rejects_bad_kinds(kinds, error, match):
    with pytest.raises(error, match=match):
        InsightReporter(kinds=kinds).fit(np.ones((5, 2)))


def test_reporter_rejects_text_arrays_with_a_pointer_to_dataframes():
    with pytest.raises(ValueError):
        InsightReporter().fit(np.array([["a", "b"], ["c", "d"]]))


def test_regression_task_needs_a_numeric_target():
    with pytest.raises(ValueError, match="numeric target"):
        InsightReporter(task="regression").fit(np.ones((4, 2)), ["a", "b", "a", "b"])


def test_multi_output_targets_are_mined_one_by_one():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    Y = np.column_stack([np.r_[np.zeros(180), np.ones(20)], np.exp(rng.normal(size=200) * 1.5)])
    report = InsightReport.from_data(X, Y, kinds=["target"], random_state=0)
    names = {(i.name, i.evidence["target"]) for i in report.insights}
    assert names == {("class_imbalance", "target[0]"), ("skewed_target", "target[1]")}


def test_importing_insight_and_cli_loads_no_keras_matplotlib_or_mlxtend():
    code = (
        "import sys, skdeepmine.insight, skdeepmine.cli; "
        "print(sorted(m for m in ('keras', 'tensorflow', 'matplotlib', 'mlxtend') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
