"""The ``skdeepmine report`` command at the edges (issues 9 and 11).

The output never replaces the input and is written all at once; ``$`` in
labels, extreme numbers, identifiers, other encodings and separators, and
Chinese data all end in a right report or one clear line on stderr.
"""

import errno
import os
import re

import numpy as np
import pandas as pd
import pytest

from skdeepmine.cli import main
from skdeepmine.cli._load import detect_separator, read_table
from skdeepmine.cli._output import write_atomically
from skdeepmine.insight import _plots
from skdeepmine.insight._quality import identifier_columns

#: One cheap model: these tests are about the command, not the models.
TREE = ["--models", "tree", "--cv", "2", "--quiet"]


def run(args, capsys):
    status = main(["report", *args])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_error_line(status, err, expected):
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("skdeepmine: error: "), err
    assert expected in err, err


@pytest.fixture
def small_csv(tmp_path):
    rng = np.random.RandomState(0)
    a = rng.normal(size=40)
    path = tmp_path / "data.csv"
    pd.DataFrame({"a": a, "b": rng.normal(size=40), "y": np.where(a > 0, "p", "q")}).to_csv(
        path, index=False)
    return path


# ----------------------------------------------------------------- the output
@pytest.mark.parametrize("how", ["same path", "symlink", "dot-dot path"])
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(how, small_csv, tmp_path,
                                                                   capsys, monkeypatch):
    before = small_csv.read_bytes()
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    if how == "symlink":
        os.symlink(small_csv, tmp_path / "link.csv")
        output = str(tmp_path / "link.csv")
    elif how == "dot-dot path":
        output = "./../data.csv"
    else:
        output = str(small_csv)
    status, _, err = run([str(small_csv), "--target", "y", "--output", output, *TREE], capsys)
    assert_one_error_line(status, err, "it is the input file")
    assert small_csv.read_bytes() == before


def test_a_failing_write_keeps_the_old_report_and_leaves_no_temporary_file(
        small_csv, tmp_path, capsys, monkeypatch):
    report = tmp_path / "report.html"
    report.write_text("old report")

    def full_disk(source, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    status, _, err = run([str(small_csv), "--target", "y", "--output", str(report), *TREE],
                         capsys)
    assert_one_error_line(status, err, "cannot write the report to")
    assert "No space left on device" in err
    assert report.read_text() == "old report"
    assert sorted(os.listdir(tmp_path)) == ["data.csv", "report.html"]


def test_the_report_replaces_the_file_a_symlink_points_to(tmp_path):
    (tmp_path / "real.html").write_text("old")
    os.symlink(tmp_path / "real.html", tmp_path / "link.html")
    write_atomically(str(tmp_path / "link.html"), "new ✓")
    assert os.path.islink(tmp_path / "link.html")
    assert (tmp_path / "real.html").read_text(encoding="utf-8") == "new ✓"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="permission bits do not stop root")
def test_a_read_only_folder_gives_one_line_and_keeps_the_old_file(tmp_path):
    from skdeepmine.cli._load import InputError

    (tmp_path / "r.html").write_text("old")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(InputError, match="cannot write the report to"):
            write_atomically(str(tmp_path / "r.html"), "new")
    finally:
        tmp_path.chmod(0o700)
    assert (tmp_path / "r.html").read_text() == "old"


# --------------------------------------------------------- extreme numbers
def test_extreme_numbers_are_clipped_refused_or_read_as_classes(tmp_path, capsys):
    rng = np.random.RandomState(0)
    a = rng.normal(size=60)
    big = rng.normal(size=60)
    big[:4], big[4:8] = 1e308, -1e308
    y = np.where(a > 0, "p", "q")
    pd.DataFrame({"a": a, "big": big, "y": y}).to_csv(tmp_path / "feat.csv", index=False)
    pd.DataFrame({"a": a, "y": 1e200 * a}).to_csv(tmp_path / "reg.csv", index=False)
    classes = np.array([-1e308, 0.0, 1e308])[np.digitize(a, [-0.4, 0.4])]
    pd.DataFrame({"a": a, "y": classes}).to_csv(tmp_path / "cls.csv", index=False)

    # Features: clipped to ±1e30, said on stdout and in the report.
    status = main(["report", str(tmp_path / "feat.csv"), "--target", "y", "--models", "tree",
                   "--cv", "2", "--output", str(tmp_path / "feat.html")])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    assert "8 value(s) beyond ±1e+30 clipped to it" in out
    assert "8 beyond ±1e+30 in big" in (tmp_path / "feat.html").read_text(encoding="utf-8")

    # A regression target of 1e200: one line, with what to do.
    status, _, err = run([str(tmp_path / "reg.csv"), "--target", "y", *TREE], capsys)
    assert_one_error_line(status, err, "the target 'y' reaches")
    assert "rescale it" in err

    # {-1e308, 0, 1e308}: three classes, learnt as such (a depends on them exactly).
    status = main(["report", str(tmp_path / "cls.csv"), "--target", "y", "--models", "tree",
                   "--cv", "2", "--output", str(tmp_path / "cls.html")])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    assert "(classification, 3 classes)" in out
    score = float(re.search(r"Decision tree: balanced accuracy ([\d.]+)", out).group(1))
    assert score > 0.8  # chance: 0.33


# ------------------------------------------------------------- identifiers
def test_identifiers_are_found_by_name_and_uniqueness_despite_duplicated_rows():
    rng = np.random.RandomState(0)
    n = 120
    frame = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(n)],
        "客户编号": [f"K{i}" for i in rng.permutation(n)],
        "accountId": rng.permutation(n) + 1000,
        "code": [f"x{i:04d}" for i in range(n)],  # unnamed, but unique text
        "store_id": rng.choice(["s1", "s2", "s3", "s4"], size=n),  # a few stores: a category
        "amount": rng.gamma(2.0, 10.0, size=n),  # distinct numbers: a measurement
        "visits": rng.permutation(n),  # distinct whole numbers, not named as an id
        "comment": [f"note number {i}" for i in range(n)],  # free text
        "paid": rng.choice(["yes", "no"], size=n),
    })
    # A batch sent twice: ten exact repeats, identifiers included.
    frame = pd.concat([frame, frame.iloc[:10]], ignore_index=True)
    assert list(identifier_columns(frame)) == ["customer_id", "客户编号", "accountId", "code"]


def test_identifiers_and_a_saved_index_are_left_out_and_drop_removes_a_column(tmp_path,
                                                                            capsys):
    # A noise target, rows sorted by it, saved with pandas' index: the index
    # ("Unnamed: 0") alone predicted the target (a tree scored 0.995) while
    # the report said "Looked for identifier columns: none found".
    rng = np.random.RandomState(2)
    n = 60
    frame = pd.DataFrame({"customer_id": [f"C{i:04d}" for i in range(n)],
                          "a": rng.normal(size=n), "noise": rng.normal(size=n),
                          "y": rng.choice(["p", "q"], size=n)})
    frame = pd.concat([frame, frame.iloc[:10]]).sort_values("y", kind="stable")
    frame.reset_index(drop=True).to_csv(tmp_path / "ids.csv")
    assert list(identifier_columns(pd.read_csv(tmp_path / "ids.csv"))) == [
        "Unnamed: 0", "customer_id"]
    # Shuffled after sorting (the index still carries the target's order), or
    # with rows left out: no longer counting the rows, still pandas' saved index.
    frame.reset_index(drop=True).sample(frac=1, random_state=0).iloc[5:].to_csv(
        tmp_path / "shuffled.csv")
    shuffled = identifier_columns(pd.read_csv(tmp_path / "shuffled.csv"))
    assert list(shuffled) == ["Unnamed: 0", "customer_id"]
    assert shuffled["Unnamed: 0"]["saved_index"]

    status = main(["report", str(tmp_path / "ids.csv"), "--target", "y", "--models", "tree",
                   "--cv", "2", "--drop", "noise", "--output", str(tmp_path / "ids.html")])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    assert "left out of the models as identifiers: Unnamed: 0, customer_id" in out
    assert "70 rows, 3 features" in out  # noise dropped
    assert "Cross-validating 1 model (2-fold)" in out
    score = float(re.search(r"Decision tree: balanced accuracy ([0-9.]+)", out).group(1))
    assert score < 0.7, out  # chance: the tree sees only a
    page = (tmp_path / "ids.html").read_text(encoding="utf-8")
    assert "Identifier columns: Unnamed: 0, customer_id" in page
    assert "Unnamed: 0 counts the rows" in page and "Looked for identifier columns" not in page
    assert "<b>Left out of the models:</b> Unnamed: 0, customer_id (identifiers)" in page
    assert "drop them before modelling" in page and "TargetEncoder" not in page
    assert "<b>Dropped columns:</b> noise</li>" in page
    rest = page.replace("<b>Dropped columns:</b> noise</li>", "").replace(
        "than noise", "").replace("beyond noise", "")  # the report's own words
    assert "noise" not in rest  # no finding about it: it was not mined

    status, _, err = run([str(tmp_path / "ids.csv"), "--target", "y", "--drop", "nosuch",
                          *TREE], capsys)
    assert_one_error_line(status, err, "--drop: no column 'nosuch' in")
    status, _, err = run([str(tmp_path / "ids.csv"), "--target", "y", "--drop", "y", *TREE],
                         capsys)
    assert_one_error_line(status, err, "--drop names the target 'y'")
    status, _, err = run([str(tmp_path / "ids.csv"), "--target", "y", "--drop", "a", "noise",
                          *TREE], capsys)
    assert_one_error_line(
        status, err, "every feature looks like an identifier ('Unnamed: 0', 'customer_id')")


def test_an_integer_target_with_a_rare_value_names_it_plainly_and_suggests_regression(
        tmp_path, capsys):
    rng = np.random.RandomState(0)
    score = np.r_[np.repeat(np.arange(1, 20), 6), [20, 20]]  # 20 values, "20" twice
    pd.DataFrame({"a": rng.normal(size=len(score)), "score": score}).to_csv(
        tmp_path / "score.csv", index=False)
    status, _, err = run([str(tmp_path / "score.csv"), "--target", "score", "--cv", "3",
                          "--models", "tree", "--quiet"], capsys)
    # It read "class np.int64(20) of 'score' ...", with no word on regression.
    assert_one_error_line(status, err, "class 20 of 'score' has only 2 row(s); 3-fold")
    assert err.rstrip().endswith("if 'score' is a quantity with 20 values rather than "
                                 "classes, use --task regression)")


def test_a_numbering_with_gaps_is_an_identifier_and_years_are_data():
    from skdeepmine.insight._quality import identifier_columns

    rng = np.random.RandomState(0)
    rows = pd.DataFrame({"y": rng.choice(["yes", "no"], 120)}).sort_values("y")
    rows.insert(0, "No", np.arange(1, 121))
    filtered = rows.drop(index=rows.index[rng.choice(120, 20, replace=False)])
    # The filtered numbering still orders the sorted target: it once stayed
    # a feature, and a tree split on it scored 1.0 on a noise target.
    assert list(identifier_columns(filtered)) == ["No"]
    years = pd.DataFrame({"year": np.arange(1960, 2025), "gdp": np.arange(65) * 3.0})
    # Years rising by 1 once were left out as a row counter, and the target,
    # linear in them, got R^2 below 0.
    assert identifier_columns(years) == {}


def test_an_image_folder_refuses_the_options_of_a_csv_report(tmp_path, capsys):
    # --task regression, --models tree and --cv 3 were ignored silently: the
    # folder's report trained its CNN classifier all the same (exit 0).
    for name in ("a", "b"):
        (tmp_path / "imgs" / name).mkdir(parents=True)
    folder = str(tmp_path / "imgs")
    status, _, err = run([folder, "--task", "regression", "--models", "tree", "--cv", "3"],
                         capsys)
    assert_one_error_line(status, err, "--task, --cv, --models are for CSV files")
    # A folder that is not there was asked for its --target.
    status, _, err = run([str(tmp_path / "nothere")], capsys)
    assert_one_error_line(status, err, "no such file: ")


def test_fewer_distinct_feature_rows_than_folds_give_one_line(tmp_path, capsys):
    # Identical rows stay in one fold: two distinct rows cannot fill five
    # folds, which raised scikit-learn's GroupKFold traceback (exit 1).
    rng = np.random.RandomState(0)
    group = rng.choice(["a", "b"], 60)
    pd.DataFrame({"group": group, "y": np.where(group == "a", 1.0, 3.0) + rng.normal(0, 0.1, 60)}
                 ).to_csv(tmp_path / "two.csv", index=False)
    status, _, err = run([str(tmp_path / "two.csv"), "--target", "y", "--models", "tree",
                          "--quiet"], capsys)
    assert_one_error_line(status, err, "only 2 distinct row(s) among 60")
    assert "use at most 2 folds" in err


# ------------------------------------------------- encodings and separators
CHINESE = pd.DataFrame({
    "客户编号": ["C001", "C002", "C003"], "城市": ["北京", "上海", "广州"],
    "月费": [12.5, 30.0, 8.75], "流失": ["是", "否", "是"],
})


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig", "utf-8"])
def test_chinese_csv_files_are_read_in_their_detected_encoding(encoding, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(CHINESE.to_csv(index=False).encode(encoding))
    frame, used = read_table(str(path))
    pd.testing.assert_frame_equal(frame, CHINESE)
    assert used["sep"] == ","


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_the_separator_is_detected(sep, tmp_path):
    path = tmp_path / "semi.csv"
    text = CHINESE.assign(月费=["12,5", "30,0", "8,75"]).to_csv(index=False, sep=sep)
    path.write_text(text, encoding="utf-8")
    frame, used = read_table(str(path))
    assert used["sep"] == sep
    assert list(frame.columns) == list(CHINESE.columns)
    assert detect_separator("a,b\n1,2\n") == ","
    assert detect_separator("just one column\nvalue\n") == ","


def test_unknown_encoding_and_wrong_encoding_give_one_line(tmp_path, capsys):
    path = tmp_path / "gbk.csv"
    path.write_bytes(CHINESE.to_csv(index=False).encode("gbk"))
    status, _, err = run([str(path), "--target", "流失", "--encoding", "klingon", *TREE], capsys)
    assert_one_error_line(status, err, "unknown --encoding 'klingon'")
    status, _, err = run([str(path), "--target", "流失", "--encoding", "utf-8", *TREE], capsys)
    assert_one_error_line(status, err, "as utf-8 text")
    assert "--encoding" in err


# ------------------------------------------------------------- figures
def test_without_a_cjk_font_the_report_lists_the_labels_it_cannot_draw(tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.setattr(_plots, "cjk_font_family", lambda: None)
    rng = np.random.RandomState(0)
    a = rng.normal(size=60)
    pd.DataFrame({"月费": a, "b": rng.normal(size=60), "流失": np.where(a > 0, "是", "否")}).to_csv(
        tmp_path / "zh.csv", index=False)
    status = main(["report", str(tmp_path / "zh.csv"), "--target", "流失", "--output",
                   str(tmp_path / "zh.html"), *TREE])
    assert status == 0, capsys.readouterr().err
    page = (tmp_path / "zh.html").read_text(encoding="utf-8")
    note = re.search(r"Labels the figures cannot draw:</b> ([^<]*)<", page)
    assert note is not None and "fonts-noto-cjk" in note.group(1)
    assert "月费" in note.group(1)


def test_figures_draw_dollar_signs_as_text_in_every_chart_type():
    labels = ["cost $a$ \\frac{", "$\\frac{$ 城市", "plain"]
    charts = [
        {"type": "bar", "labels": labels, "values": [1, 2, 3], "title": "t $x^$",
         "xlabel": "$\\alpha"},
        {"type": "heatmap", "matrix": [[1, 2, 3]] * 3, "row_labels": labels,
         "col_labels": labels, "annotate": True},
        {"type": "scatter", "x": [1, 2, 3], "y": [1, 2, 3], "groups": labels,
         "xlabel": "$\\frac{$", "ylabel": "$y$"},
        {"type": "line", "x": [1, 2], "y": [1, 2], "xlabel": "$\\frac{$", "ylabel": "$"},
        {"type": "histogram", "counts": [1, 2], "edges": [0, 1, 2], "xlabel": "$\\frac{$"},
    ]
    for chart in charts:
        ax = _plots.draw_chart(chart)
        _plots.to_png_base64(ax)  # matplotlib raised on the bad TeX here
        shown = [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
        shown += [ax.get_title(), ax.get_xlabel()]
        legend = ax.get_legend()
        shown += [t.get_text() for t in legend.get_texts()] if legend else []
        for label in chart.get("row_labels") or chart.get("labels") or chart.get("groups") or []:
            assert label in shown
        for text in [ax.title, ax.xaxis.label, ax.yaxis.label]:
            assert text.get_parse_math() is False


# ------------------------------------------------------------- end to end
def chinese_table(n=120, seed=0):
    """Churn in Chinese, with a `$` pair in a column name and in a class label."""
    rng = np.random.RandomState(seed)
    plan = rng.choice(["基础版", "专业版", "$\\frac{$ 版"], size=n)
    fee = rng.gamma(2.0, 10.0, size=n).round(2)
    churned = np.where((plan == "基础版") & (fee < 20), "是 $x^$", "否")
    frame = pd.DataFrame({"客户编号": [f"K{i:04d}" for i in range(n)], "套餐": plan,
                          "月费 $a$ \\frac{": fee, "备注": rng.choice(["a", "b"], size=n),
                          "流失": churned})
    return pd.concat([frame, frame.iloc[:10]], ignore_index=True)  # a batch sent twice


def test_gbk_chinese_csv_with_dollar_labels_gives_a_full_report(tmp_path, capsys, monkeypatch):
    # In process (test_cli.py runs the command as a subprocess): Keras is
    # imported once for the whole test session.
    chinese_table().to_csv(tmp_path / "客户.csv", index=False, encoding="gbk", sep=";")
    monkeypatch.chdir(tmp_path)
    status = main([
        "report", "客户.csv", "--target", "流失", "--drop", "备注", "--lang", "zh",
        "--output", "报告.html", "--models", "tree,hybrid", "--cv", "2", "--epochs", "2",
    ])
    out, err = capsys.readouterr()
    assert status == 0 and err == "", err
    assert "encoding gb18030 (detected), separator ';' (detected)" in out
    assert "130 rows, 3 features; target '流失' (classification, 2 classes)" in out
    assert "left out of the models as identifier: 客户编号" in out
    assert re.search(r"\(\d+ s: \[1\] [\d.]+ s, \[2\] [\d.]+ s, \[3\] [\d.]+ s, \[4\] [\d.]+ s\)",
                     out), out
    page = (tmp_path / "报告.html").read_text(encoding="utf-8")
    assert "月费 $a$ \\frac{" in page and "是 $x^$" in page
    assert "<td>混合模型（网络 + 梯度提升）</td>" in page  # the table in Chinese too
    assert "标识符列：客户编号" in page  # the identifier finding, in Chinese
    assert "<h2>发现</h2>" in page  # --lang zh: the report's own text in Chinese
    assert page.count("data:image/png;base64,") >= 3
    assert sorted(os.listdir(tmp_path)) == ["客户.csv", "报告.html"]
    if _plots.cjk_font_family() is not None:
        assert "Labels the figures cannot draw" not in page


def test_quiet_keeps_library_warnings_off_stderr(small_csv, tmp_path, capsys, monkeypatch,
                                                 recwarn):
    import warnings

    from skdeepmine.cli import _load

    prepare = _load.prepare_features

    def noisy(X):
        warnings.warn("DataFrame is highly fragmented", pd.errors.PerformanceWarning)
        warnings.warn("Columns (3) have mixed types", pd.errors.DtypeWarning)
        warnings.warn("a library's own note", UserWarning)
        warnings.warn("something will change", DeprecationWarning)
        return prepare(X)

    monkeypatch.setattr(_load, "prepare_features", noisy)
    status, out, err = run([str(small_csv), "--target", "y", "--output",
                            str(tmp_path / "q.html"), *TREE], capsys)
    assert status == 0 and out == "" and err == ""
    assert [str(w.message) for w in recwarn] == []  # none reached the warnings display


def test_the_miners_standardise_features_near_the_float_limit():
    from skdeepmine.insight import InsightReport

    rng = np.random.RandomState(0)
    a = rng.normal(size=100)
    big = rng.normal(size=100)
    big[:4], big[4:8] = 1e308, -1e308
    X = pd.DataFrame({"a": a, "big": big, "c": rng.choice(["u", "v"], size=100)})
    report = InsightReport.from_data(X, kinds=["structure"], random_state=0)
    assert report.insights and all(np.isfinite(i.strength) for i in report.insights)


def test_wide_tables_are_not_fragmented_column_by_column():
    import warnings

    from skdeepmine.cli._load import prepare_features
    from skdeepmine.insight._table import MiningData, Settings

    rng = np.random.RandomState(0)
    wide = pd.DataFrame(rng.normal(size=(20, 300)), columns=[f"c{j}" for j in range(300)])
    wide["text"] = ["a", "b"] * 10
    wide.iloc[0, 0] = np.inf
    prepared, changed = prepare_features(wide)
    assert changed["infinite"] == {"c0": 1}
    settings = Settings(max_rows=100, n_bins=3, min_support=0.1, min_confidence=0.6,
                        max_clusters=3, seed=0)
    mined = MiningData(wide.copy(), [], settings).frame
    with warnings.catch_warnings():
        # pandas warns on insert into a frame of more than 100 blocks.
        warnings.simplefilter("error", pd.errors.PerformanceWarning)
        for frame in (prepared, mined):
            frame["one_more"] = 0.0
    assert np.isnan(prepared.loc[0, "c0"]) and np.isnan(mined.loc[0, "c0"])


def test_the_network_learns_a_regression_target_in_the_billions_of_billions(tmp_path, capsys):
    rng = np.random.RandomState(0)
    a = rng.normal(size=80)
    pd.DataFrame({"a": a, "y": 1e20 * (2 * a + 0.1 * rng.normal(size=80))}).to_csv(
        tmp_path / "reg.csv", index=False)
    status = main(["report", str(tmp_path / "reg.csv"), "--target", "y", "--models", "network",
                   "--cv", "2", "--epochs", "20", "--output", str(tmp_path / "reg.html")])
    out, err = capsys.readouterr()
    assert status == 0 and err == "", err
    # Standardised for the network; unscaled, float32 squared errors overflow.
    r2 = float(re.search(r"Neural network: R\^2 (-?[\d.]+)", out).group(1))
    assert r2 > 0.2, out
