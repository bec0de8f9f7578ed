"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``).

What these tests need: a ``chromium`` (or ``chromium-browser`` /
``google-chrome``) binary on PATH; without one they are skipped, saying so.
They never install it: ``.ci/run`` installs Debian's ``chromium`` for CI.
The browser runs with the network cut off
(``--host-resolver-rules``) and its net log recorded, so a report that tried
to fetch anything would be caught without anything leaving the machine.
"""

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.tree import DecisionTreeRegressor

from skdeepmine.insight import InsightReport

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]

# Runs after the page has loaded and writes what it saw into the DOM, which
# --dump-dom then prints.  Failed loads count as resources too.
PROBE = """<script>
window.addEventListener("load", () => {
  const images = [...document.images];
  const seen = {
    images: images.length,
    loaded: images.filter((i) => i.complete && i.naturalWidth > 0).length,
    resources: performance.getEntriesByType("resource").map((e) => e.name),
    insights: document.querySelectorAll("article.sdm-insight").length,
    height: document.body.scrollHeight,
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(seen);
  document.body.appendChild(out);
});
</script>"""


def _find_browser():
    return next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)


@pytest.fixture(scope="session")
def chromium():
    # Tests never change the machine: .ci/run installs Chromium for CI.
    browser = _find_browser()
    if browser is None:
        pytest.skip(
            f"no browser on PATH (looked for {', '.join(BROWSERS)}); "
            "install one, e.g. apt-get install chromium, as .ci/run does"
        )
    return browser


def browse(browser, page, workdir, *args):
    """Open ``page`` headless; return (stdout, URLs the page itself requested)."""
    netlog = workdir / "netlog.json"
    result = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={workdir / 'profile'}",
         f"--log-net-log={netlog}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, page_requests(netlog)


def page_requests(netlog):
    """URLs requested on behalf of the page (not the browser's own housekeeping).

    Requests made for a page opened from a file carry a ``file://`` network
    isolation key; Chromium's background requests carry other keys.
    """
    log = json.loads(netlog.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return sorted({
        event["params"]["url"] for event in log["events"]
        if event["type"] == start_job
        and "file://" in event.get("params", {}).get("network_isolation_key", "")
    })


def probe(browser, page, workdir):
    """Load ``page`` with the probe script; return what it saw and the requests."""
    probed = workdir / "probed.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    dom, requests = browse(browser, probed, workdir, "--virtual-time-budget=10000", "--dump-dom")
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, "the probe did not run: the page did not finish loading"
    return json.loads(html.unescape(found.group(1))), requests


@pytest.fixture(scope="module")
def report_page(tmp_path_factory):
    """A report holding every kind of figure: bar, histogram, scatter, heatmap, line."""
    X, _ = make_blobs(n_samples=240, centers=3, n_features=3, random_state=0, cluster_std=0.6)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(a_twin=lambda f: 2 * f["a"])
    frame.loc[:11, "b"] = np.nan
    y = pd.Series(np.exp(frame["c"] / 2.0), name="price")
    report = InsightReport.from_estimator(
        DecisionTreeRegressor(random_state=0), frame, y, n_repeats=2, random_state=0
    )
    charts = {i.chart["type"] for i in report.insights if i.chart is not None}
    assert charts == {"bar", "histogram", "scatter", "heatmap", "line"}
    path = tmp_path_factory.mktemp("report") / "report.html"
    report.to_html(path)
    return report, path


def test_report_renders_every_figure_and_fetches_nothing(chromium, report_page, tmp_path):
    report, page = report_page
    seen, requests = probe(chromium, page, tmp_path)
    expected_images = sum(i.chart is not None for i in report.insights) + 1
    assert seen["images"] == expected_images
    assert seen["loaded"] == expected_images
    assert seen["insights"] == len(report)
    assert seen["height"] > 2000
    assert seen["resources"] == []
    assert requests == []


def test_report_screenshot_is_not_blank(chromium, report_page, tmp_path):
    from PIL import Image

    _, page = report_page
    shot = tmp_path / "shot.png"
    browse(chromium, page, tmp_path, "--window-size=1000,1600", f"--screenshot={shot}")
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (1600, 1000)
    # Text, tables and figures: far from a uniform page.
    assert pixels.std() > 20
    assert (pixels < 128).mean() > 0.01


def test_the_browser_checks_catch_a_page_that_fetches_from_outside(chromium, tmp_path):
    # The control: the same checks must fail for a page with external parts.
    page = tmp_path / "leaky.html"
    page.write_text(
        "<!DOCTYPE html><html><head>"
        '<link rel="stylesheet" href="http://127.0.0.1:9/style.css"></head><body>'
        '<img src="http://127.0.0.1:9/figure.png"><img src="data:image/png;base64,'
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=">'
        "</body></html>",
        encoding="utf-8",
    )
    seen, requests = probe(chromium, page, tmp_path)
    assert seen["images"] == 2 and seen["loaded"] == 1
    assert "http://127.0.0.1:9/figure.png" in seen["resources"]
    assert requests == ["http://127.0.0.1:9/figure.png", "http://127.0.0.1:9/style.css"]


def test_no_test_installs_software():
    # Tests never change the machine: .ci/run installs what CI needs.
    installs = re.compile(r"""["'](apt-get|apt|dpkg|pip|pip3)["']\s*,\s*["'](install|-i)["']""")
    offenders = [
        path.name for path in Path(__file__).parent.glob("*.py")
        if installs.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders
