"""Insight reports for images, signals and image folders (issue 12, item 2).

Planted truth: 16x16 grey images whose class is where a bright 4x4 patch
sits, a few of them filed under the wrong class folder.  The report must name
those as suspected label errors, get the per-class accuracy right and put the
class-average attribution peaks on the patches.
"""

import json

import numpy as np
import pytest
from PIL import Image
from test_report_html import _find_browser, probe

from skdeepmine import CNNClassifier
from skdeepmine.cli import main
from skdeepmine.datasets import load_image_folder
from skdeepmine.insight import InsightReport
from skdeepmine.insight._text import render_template

SIDE = 16
# Top-left corner of each class's patch.
SPOTS = {"bottom": (11, 6), "left": (1, 1), "right": (1, 11)}
N_IMAGES = 120
# Positions (in sorted file order) filed under the next class's folder.
MISFILED = (3, 17, 40, 58, 77, 95)
# A flattened map: the class is where the patch sits, which global pooling
# (the default for images) averages away.
FAST = dict(filters=(4,), dense_units=(8,), epochs=3, rescale=1 / 255, learning_rate=0.01,
            batch_size=16, random_state=0, batch_norm=False, global_pooling=None)


def _image(rng, spot):
    pixels = rng.randint(0, 70, size=(SIDE, SIDE)).astype(np.uint8)
    row, col = spot
    pixels[row : row + 4, col : col + 4] = 255
    return pixels


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The image folder; returns (root, names of the misfiled files)."""
    root = tmp_path_factory.mktemp("images")
    rng = np.random.RandomState(0)
    names = sorted(SPOTS)
    misfiled = set()
    for number in range(N_IMAGES):
        true = names[number % 3]
        filed = names[(number % 3 + 1) % 3] if number in MISFILED else true
        (root / filed).mkdir(exist_ok=True)
        name = f"img{number:03d}.png"
        Image.fromarray(_image(rng, SPOTS[true]), mode="L").save(root / filed / name)
        if number in MISFILED:
            misfiled.add(name)
    return root, misfiled


@pytest.fixture(scope="module")
def image_report(folder):
    """A CNN fitted on clean paths, judged on held-out paths holding every misfiled image."""
    root, misfiled = folder
    paths, target = load_image_folder(root, load_images=False, return_X_y=True)
    y = np.asarray(sorted(SPOTS), dtype=object)[target]
    is_misfiled = np.array([p.rsplit("/", 1)[-1] in misfiled for p in paths])
    held_out = is_misfiled | (np.arange(len(paths)) % 4 == 0)
    clf = CNNClassifier(color_mode="grayscale", **FAST).fit(paths[~held_out], y[~held_out])
    report = InsightReport.from_estimator(clf, paths[held_out], y[held_out], random_state=0)
    return report, clf, paths[held_out], y[held_out], np.flatnonzero(is_misfiled[held_out])


def _finding(report, name):
    return next(i for i in report.insights if i.name == name)


def test_image_report_finds_planted_label_errors_accuracy_and_patches(image_report):
    report, clf, X_test, y_test, misfiled = image_report
    suspected = {s["index"] for s in _finding(report, "label_errors").evidence["suspected"]}
    # Most misfiled images are named, and few correctly filed ones are.
    assert len(suspected & set(misfiled.tolist())) >= len(misfiled) - 1
    assert len(suspected - set(misfiled.tolist())) <= 2

    predicted = clf.predict(X_test)
    per_class = _finding(report, "class_accuracy").evidence["per_class"]
    assert per_class == pytest.approx(
        {c: float(np.mean(predicted[y_test == c] == c)) for c in SPOTS})

    for peak in _finding(report, "attribution_maps").evidence["peaks"]:
        row, col = SPOTS[peak["cls"]]
        assert row - 1 <= peak["row"] <= row + 4 and col - 1 <= peak["col"] <= col + 4, peak

    balance = _finding(report, "class_balance")
    assert sum(balance.evidence["counts"].values()) == len(y_test)
    assert report.summary["sample_shape"] == [SIDE, SIDE, 1]
    # Thumbnails are drawn, in both languages, and the report is plain JSON.
    assert _finding(report, "label_errors").chart["type"] == "images"
    assert "疑似标注错误" in report.to_markdown(lang="zh")
    json.loads(report.to_json())
    with pytest.raises(ValueError, match=r"not fitted on: \['elsewhere'\]"):
        InsightReport.from_estimator(clf, X_test[:2], np.array(["left", "elsewhere"]))


def test_few_held_out_images_say_so_and_near_certainty_is_not_100_percent(image_report):
    # With fewer than 20 held-out samples no clustering was tried, and the
    # report read "no split reaches a silhouette of 0.25 (best 0.00)".
    from skdeepmine.insight._text import percent

    _, clf, X_test, y_test, _ = image_report
    few = InsightReport.from_estimator(clf, X_test[:15], y_test[:15], random_state=0)
    text = _finding(few, "deep_clusters").message
    assert "15 held-out samples are too few" in text and "best" not in text
    assert "15 个留出样本太少" in few.to_markdown(lang="zh")
    # A model 99.9 % sure of a label error read "100%".
    assert [percent(v) for v in (0.994, 0.999, 0.9996, 1.0)] == ["99%", "99.9%", ">99.9%", "100%"]


def test_signal_classifier_report_peaks_at_the_bump(tmp_path):
    rng = np.random.RandomState(0)
    n, length = 120, 32
    y = np.array(["early", "late"])[np.arange(n) % 2]
    X = rng.normal(scale=0.2, size=(n, length, 1))
    X[y == "early", 4:8, 0] += 3.0
    X[y == "late", 24:28, 0] += 3.0
    report = InsightReport.from_estimator(
        CNNClassifier(input_kind="signal", **{**FAST, "rescale": None}), X, y, random_state=0)
    assert report.summary["samples"] == "signals"
    assert _finding(report, "class_accuracy").evidence["accuracy"] >= 0.9
    for peak in _finding(report, "attribution_maps").evidence["peaks"]:
        start = 4 if peak["cls"] == "early" else 24
        assert start - 2 <= peak["position"] <= start + 5, peak
    assert _finding(report, "label_errors").strength == 0  # nothing planted
    # The signal report renders in the real browser like the image and table ones.
    browser = _find_browser()
    if browser is not None:
        page = tmp_path / "signals.html"
        page.write_text(report.to_html(), encoding="utf-8")
        seen, requests = probe(browser, page, tmp_path)
        html = page.read_text(encoding="utf-8")
        assert seen["images"] == seen["loaded"] == html.count("<img ") > 1
        assert seen["insights"] == html.count('<article class="sdm-insight"') > 1
        assert seen["resources"] == [] and requests == []


@pytest.fixture(scope="module")
def cli_page(folder, tmp_path_factory):
    """``skdeepmine report FOLDER --output r.html``, run in process."""
    root, _ = folder
    out = tmp_path_factory.mktemp("cli") / "r.html"
    status = main(["report", str(root), "--output", str(out), "--epochs", "3",
                   "--image-size", str(SIDE), "--quiet"])
    return status, out


def test_cli_reports_an_image_folder(cli_page):
    status, out = cli_page
    assert status == 0
    page = out.read_text(encoding="utf-8")
    assert "suspected label error" in page and "data:image/png;base64," in page
    assert "Held-out accuracy" in page and "Where the model looks" in page



def test_cli_bad_image_folders_give_one_line_and_status_2(tmp_path, capsys):
    pixels = _image(np.random.RandomState(0), (1, 1))
    for folder, files in {"one": ["only/a.png", "only/b.png"], "lonely": ["x/a.png", "y/b.png",
                          "y/c.png"], "empty": []}.items():
        (tmp_path / folder).mkdir()
        for name in files:
            (tmp_path / folder / name).parent.mkdir(exist_ok=True)
            Image.fromarray(pixels).save(tmp_path / folder / name)
    (tmp_path / "empty" / "cat").mkdir()
    cases = {
        "one": ([], "a report needs at least two"),
        "lonely": ([], "class folder(s) x hold fewer than 2 images"),
        "empty": ([], "No images under"),
        "one ": (["--target", "y"], "--target is for CSV files"),
    }
    for folder, (extra, expected) in cases.items():
        capsys.readouterr()
        status = main(["report", str(tmp_path / folder.strip()), "--output",
                       str(tmp_path / "x.html"), *extra])
        err = capsys.readouterr().err.strip().splitlines()
        assert status == 2 and len(err) == 1 and expected in err[0], (folder, err)
    assert not (tmp_path / "x.html").exists()


def test_image_report_renders_in_the_browser(cli_page, tmp_path):
    browser = _find_browser()
    if browser is None:
        pytest.skip("no chromium, chromium-browser or google-chrome on PATH")
    _, page = cli_page
    text = page.read_text(encoding="utf-8")
    seen, requests = probe(browser, page, tmp_path)
    assert seen["images"] == seen["loaded"] == text.count("<img ") > 3
    assert seen["insights"] == text.count('<article class="sdm-insight"') > 3
    assert seen["resources"] == [] and requests == []


def test_insight_reporter_mines_images_and_image_paths(folder):
    from sklearn.decomposition import PCA
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from skdeepmine.insight import InsightReporter

    rng = np.random.RandomState(1)
    y = np.array(sorted(SPOTS))[np.arange(90) % 3]
    X = np.stack([_image(rng, SPOTS[c]) for c in y])[..., None].astype(float)
    flat = FunctionTransformer(lambda images: images.reshape(len(images), -1))
    reporter = InsightReporter(extractor=make_pipeline(flat, PCA(3)), random_state=0).fit(X, y)
    balance = _finding(reporter.report_, "class_balance")
    assert balance.evidence["counts"] == {c: 30 for c in SPOTS}
    clusters = _finding(reporter.report_, "deep_clusters").evidence
    # Every class has its own clusters, none mixes two.
    assert {p["majority"] for p in clusters["profiles"]} == set(SPOTS)
    assert all(p["purity"] == 1.0 for p in clusters["profiles"])
    np.testing.assert_array_equal(reporter.transform(X), X)

    paths, target = load_image_folder(folder[0], load_images=False, return_X_y=True)
    by_path = InsightReporter().fit(paths, target)
    assert sum(_finding(by_path.report_, "class_balance").evidence["counts"].values()) == 120
    assert by_path.transform(paths) is paths


def test_signal_regressor_report_gets_r2_largest_errors_and_the_bump():
    from sklearn.metrics import r2_score

    from skdeepmine import CNNRegressor

    rng = np.random.RandomState(0)
    n, length = 120, 32
    height = rng.uniform(1, 3, size=n)
    X = rng.normal(scale=0.1, size=(n, length, 1))
    X[:, 12:16, 0] += height[:, None]
    # On y's own scale, as written when Grad-CAM kept only what raises the
    # output: the standardised target then gave an all-zero map
    # (tests/test_inspection_regression.py checks regressors' signed maps).
    reg = CNNRegressor(input_kind="signal", standardize_target=False,
                       **{**FAST, "rescale": None, "epochs": 10}).fit(X[:90], height[:90])
    report = InsightReport.from_estimator(reg, X[90:], height[90:], random_state=0)
    errors = _finding(report, "regression_errors").evidence
    predicted = reg.predict(X[90:])
    assert errors["r2"] == pytest.approx(r2_score(height[90:], predicted))
    assert errors["largest_errors"][0]["index"] == int(np.argmax(np.abs(predicted - height[90:])))
    (peak,) = _finding(report, "attribution_maps").evidence["peaks"]
    assert 10 <= peak["position"] <= 17, peak
    assert "留出集 R^2" in report.to_markdown(lang="zh")
    # A regressor's map names no class: it read "lies at all: position 47".
    maps = _finding(report, "attribution_maps")
    assert "all:" not in maps.message and "class-average" not in maps.title.lower()
    assert "at position" in maps.message or "nowhere" in maps.message
    assert "all：" not in render_template(maps.template, "zh")[1]
