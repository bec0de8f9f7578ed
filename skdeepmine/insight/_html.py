"""Render an InsightReport as self-contained HTML.

Everything the page shows is inside the file: styles inline, figures as
base64 PNG ``data:`` URIs, system fonts only, no scripts.  Opening it loads
nothing from anywhere else.
"""

import html
import json
import re

import numpy as np

from ._plots import KIND_COLOURS, draw_chart, draw_overview, to_png_base64
from ._text import label, report_title

_CSS = """
.sdm-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC",
  "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  color: #1c2833; max-width: 980px; margin: 0 auto; padding: 0 16px 48px; line-height: 1.45; }
.sdm-report h1 { font-size: 1.7em; margin: 24px 0 8px; }
.sdm-report h2 { font-size: 1.3em; margin: 28px 0 10px; border-bottom: 2px solid #d5dbdb; }
.sdm-report h3 { font-size: 1.05em; margin: 0; display: inline; }
.sdm-report ul.sdm-summary { list-style: none; padding: 0; display: flex; flex-wrap: wrap;
  gap: 6px 18px; margin: 8px 0; }
.sdm-report ul.sdm-summary li { background: #f4f6f6; border-radius: 4px; padding: 3px 8px; }
.sdm-report table.sdm-table { border-collapse: collapse; font-size: 0.92em; margin: 8px 0; }
.sdm-report table.sdm-table th, .sdm-report table.sdm-table td { border: 1px solid #d5dbdb;
  padding: 4px 10px; text-align: left; }
.sdm-report table.sdm-table th { background: #eaeded; }
.sdm-report table.sdm-table td.sdm-num { text-align: right; font-variant-numeric: tabular-nums; }
.sdm-report article.sdm-insight { border: 1px solid #d5dbdb; border-left-width: 6px;
  border-radius: 4px; padding: 10px 14px; margin: 12px 0; }
.sdm-report .sdm-kind { display: inline-block; color: #fff; font-size: 0.75em; padding: 1px 7px;
  border-radius: 9px; margin-right: 8px; vertical-align: middle; }
.sdm-report .sdm-strength { float: right; font-size: 0.85em; color: #566573; }
.sdm-report .sdm-bar { display: inline-block; width: 80px; height: 8px; background: #eaeded;
  border-radius: 4px; margin-left: 6px; vertical-align: middle; overflow: hidden; }
.sdm-report .sdm-bar span { display: block; height: 100%; background: #2874a6; }
.sdm-report figure { margin: 8px 0; }
.sdm-report figure img { max-width: 100%; height: auto; }
.sdm-report details pre { background: #f8f9f9; padding: 8px; overflow-x: auto; font-size: 0.8em;
  max-height: 320px; }
.sdm-report .sdm-note { color: #566573; font-size: 0.9em; }
.sdm-report ul.sdm-checked { color: #566573; font-size: 0.92em; }
"""

_HIDDEN = {"numeric_columns", "categorical_columns", "kinds", "held_out"}

#: Summary keys with a label of their own in every language.
_LABELLED = {
    "n_rows", "n_columns", "targets", "rows_sampled", "deep_features", "estimator",
    "trained_on", "data", "cross_validation", "best_model", "left_out_of_the_models",
    "dropped_columns", "values_clipped", "labels_the_figures_cannot_draw",
}

_FOLDS = re.compile(
    r"^(\d+)-fold( stratified)?(?:, the (\d+) repeated rows kept in the fold of their copies)?$")


def table_text(value, lang):
    """A cell, heading or model name of the command's tables, in ``lang``."""
    from ._templates import TEMPLATES

    if lang == "en" or not isinstance(value, str):
        return value
    return TEMPLATES[lang].get(f"table.{value}", value)


def _localised_value(key, value, lang):
    """The command's English summary values, in ``lang``."""
    if key == "estimator" and value.startswith("Pipeline ending in "):
        return label("summary.pipeline", lang, name=value[len("Pipeline ending in "):])
    if key == "cross_validation" and _FOLDS.match(value):
        k, stratified, repeated = _FOLDS.match(value).groups()
        text = label("summary.folds_stratified" if stratified else "summary.folds", lang, k=k)
        return text + (label("summary.folds_repeated", lang, n=repeated) if repeated else "")
    if key == "left_out_of_the_models" and value.endswith(" (identifiers)"):
        return label("summary.identifiers", lang, columns=value[:-len(" (identifiers)")])
    if key == "best_model":
        return table_text(value, lang)
    return value


def summary_items(summary, lang="en"):
    """(label, text) pairs describing the report's summary, for people."""
    items = []
    for key, value in summary.items():
        if key in _HIDDEN or value is None:
            continue
        if key == "n_columns":
            value = label("summary.columns_detail", lang, n=value,
                          numeric=summary.get("numeric_columns", 0),
                          categorical=summary.get("categorical_columns", 0))
        elif key == "targets":
            if not value:
                continue
            value = ", ".join(
                f"{name} ({label(f'task.{task}', lang)})" for name, task in value.items()
            )
        elif key == "rows_sampled" and value == summary.get("n_rows"):
            continue
        elif key == "trained_on" and lang != "en":
            split = summary.get("held_out")
            repeated = re.search(r"the (\d+) repeated rows kept on the same side", str(value))
            value = (label("summary.as_given", lang) if split is None
                     else label("summary.split", lang, train=split[0], test=split[1]))
            if repeated:
                value += label("summary.split_repeated", lang, n=repeated.group(1))
        elif isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, str) and lang != "en":
            value = _localised_value(key, value, lang)
        name = (label(f"summary.{key}", lang) if key in _LABELLED
                else key.replace("_", " ").capitalize())
        items.append((name, str(value)))
    return items


def _escape(value):
    return html.escape(str(value), quote=True)


def _img(ax, alt):
    data = to_png_base64(ax)
    return f'<img alt="{_escape(alt)}" src="data:image/png;base64,{data}">'


def _cell(value):
    if isinstance(value, (float, np.floating)):
        return f'<td class="sdm-num">{value:.4g}</td>'
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f'<td class="sdm-num">{value}</td>'
    return f"<td>{_escape(value)}</td>"


def render_table(table, lang="en"):
    """An HTML table of a DataFrame (index left out)."""
    head = "".join(f"<th>{_escape(table_text(c, lang))}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(_cell(table_text(v, lang)) for v in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return f'<table class="sdm-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _render_insight(number, insight, lang):
    colour = KIND_COLOURS[insight.kind]
    parts = [
        f'<article class="sdm-insight" id="insight-{number}" style="border-left-color:{colour}">',
        "<header>",
        f'<span class="sdm-kind" style="background:{colour}">'
        f"{_escape(label(f'kind.{insight.kind}', lang))}</span>",
        f"<h3>{number}. {_escape(insight.title)}</h3>",
        f'<span class="sdm-strength">'
        f"{_escape(label('page.strength', lang, strength=insight.strength))}"
        f'<span class="sdm-bar"><span style="width:{100 * insight.strength:.0f}%">'
        "</span></span></span>",
        "</header>",
        f"<p>{_escape(insight.message)}</p>",
    ]
    if insight.chart is not None:
        parts.append(f"<figure>{_img(draw_chart(insight.chart), insight.title)}</figure>")
    if insight.evidence:
        evidence = json.dumps(insight.evidence, indent=1, ensure_ascii=False)
        parts.append(
            f"<details><summary>{_escape(label('page.evidence', lang))}</summary>"
            f"<pre>{_escape(evidence)}</pre></details>"
        )
    parts.append("</article>")
    return "\n".join(parts)


def render_body(report, lang="en"):
    """The report's content, wrapped in ``<div class="sdm-report">``.

    Findings of strength 0 (a miner looked and found nothing) are listed
    last, under "Checked, nothing found".
    """
    insights = report.localised(lang)
    found = [i for i in insights if i.strength > 0]
    checked = [i for i in insights if i.strength == 0]
    parts = ['<div class="sdm-report">', f"<h1>{_escape(report_title(report.title, lang))}</h1>"]
    items = summary_items(report.summary, lang)
    if items:
        parts.append(
            '<ul class="sdm-summary">'
            + "".join(f"<li><b>{_escape(k)}:</b> {_escape(v)}</li>" for k, v in items)
            + "</ul>"
        )
    for name, table in report.tables.items():
        parts.append(f"<section><h2>{_escape(table_text(name, lang))}</h2>"
                     f"{render_table(table, lang)}</section>")
    parts.append(f"<section><h2>{_escape(label('page.findings', lang))}</h2>")
    if found:
        parts.append(f'<p class="sdm-note">{_escape(label("page.ranked", lang))}</p>')
        parts.append(
            f"<figure>{_img(draw_overview(found, lang=lang), label('page.overview', lang))}"
            "</figure>"
        )
        parts.extend(
            _render_insight(number, insight, lang)
            for number, insight in enumerate(found, start=1)
        )
    else:
        parts.append(f"<p>{_escape(label('page.nothing', lang))}</p>")
    parts.append("</section>")
    if checked:
        parts.append(
            f'<section class="sdm-checks"><h2>{_escape(label("page.checked", lang))}</h2>'
            f'<p class="sdm-note">{_escape(label("page.checked_note", lang))}</p>'
            '<ul class="sdm-checked">'
            + "".join(f"<li>{_escape(i.message)}</li>" for i in checked)
            + "</ul></section>"
        )
    parts.append("</div>")
    return "\n".join(parts)


def render_fragment(report, lang="en"):
    """HTML for notebooks: styles scoped to ``.sdm-report``, no page wrapper."""
    return f"<style>{_CSS}</style>\n{render_body(report, lang)}"


def render_page(report, lang="en"):
    """A complete, self-contained HTML page."""
    code = {"en": "en", "zh": "zh-Hans"}[lang]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{code}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escape(report_title(report.title, lang))}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{render_body(report, lang)}\n</body>\n</html>\n"
    )
