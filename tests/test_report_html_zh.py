"""A Simplified Chinese report (``to_html(lang="zh")``) in a real browser.

Reuses the browser helpers of ``test_report_html.py``; skips with the reason
when no Chromium is installed (tests never install anything).  The table has
Chinese column names and values, which stay as they are, while the report's
own words are Chinese.
"""

import numpy as np
import pandas as pd
import pytest
from test_report_html import _find_browser, browse, probe

from skdeepmine.insight import InsightReport


@pytest.fixture(scope="module")
def browser():
    found = _find_browser()
    if found is None:
        pytest.skip("no chromium, chromium-browser or google-chrome on PATH")
    return found


@pytest.fixture(scope="module")
def zh_page(tmp_path_factory):
    rng = np.random.RandomState(0)
    n = 300
    months = rng.randint(1, 73, n).astype(float)
    X = pd.DataFrame({
        "在网月数": months,
        "支付方式": rng.choice(["银行卡", "支票", "电子钱包"], n),
        "噪声": rng.normal(size=n),
    })
    y = pd.Series(np.where(rng.rand(n) < 0.6 - 0.007 * months, "是", "否"), name="流失")
    report = InsightReport.from_data(X, y, kinds=["relationships"], random_state=0)
    path = tmp_path_factory.mktemp("zh") / "report.html"
    report.to_html(path, lang="zh")
    return report, path


def test_chinese_report_loads_its_figures_and_shows_chinese_text(browser, zh_page, tmp_path):
    report, page = zh_page
    seen, requests = probe(browser, page, tmp_path)
    figures = sum(i.chart is not None for i in report.found) + 1
    assert seen["images"] == seen["loaded"] == figures
    assert seen["insights"] == len(report)
    assert seen["resources"] == [] and requests == []
    text = page.read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in text
    assert "发现" in text and "已检查，未发现" in text
    related = next(i for i in report.found if i.name == "related_features")
    assert "与 流失 相关的特征：在网月数" in text  # Chinese words around the data's names
    assert related.title not in text  # not the English text


def test_chinese_report_screenshot_is_not_blank(browser, zh_page, tmp_path):
    from PIL import Image

    _, page = zh_page
    shot = tmp_path / "shot.png"
    browse(browser, page, tmp_path, "--window-size=1000,1400", f"--screenshot={shot}")
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.std() > 20 and (pixels < 128).mean() > 0.01
