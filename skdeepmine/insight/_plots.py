"""Figures of findings, drawn with matplotlib's object API.

Figures are :class:`matplotlib.figure.Figure` objects, never pyplot ones: the
user's global backend and pyplot state are left alone, and rendering to PNG
uses the Agg canvas whatever backend is active.

Text that comes from the data (column names, levels, class labels, titles)
is drawn as plain text: matplotlib's math parsing is off for it, so a ``$``
pair in a label neither crashes the figure nor changes what it says.  Such
text also gets a font fallback list ending in a CJK-capable font when one
is installed (set per text, never in the global rcParams).
"""

import base64
import functools
import io
import re
import textwrap

import numpy as np

from ._constants import KINDS

KIND_COLOURS = dict(zip(KINDS, ["#c0392b", "#d68910", "#2874a6", "#7d3c98", "#138d75", "#34495e"]))

_LABEL_WIDTH = 38


#: Families of CJK-capable fonts, most preferred first (Simplified Chinese
#: faces before the others).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
    "SimHei", "Heiti SC", "Hiragino Sans GB", "Droid Sans Fallback",
    "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans", "Noto Sans CJK KR",
)

#: File names of such fonts, for a font cache made before they were installed.
_CJK_FILE = re.compile(
    r"NotoSans.*CJK|SourceHanSans|wqy|WenQuanYi|DroidSansFallback|msyh|simhei|PingFang",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1)
def cjk_font_family():
    """Name of an installed CJK-capable font family, or None.

    Matplotlib's font list is cached on disk when it is first built; a font
    installed later is found by its file name and registered.
    """
    from matplotlib import font_manager

    def installed():
        return {entry.name for entry in font_manager.fontManager.ttflist}

    known = installed()
    if not any(family in known for family in CJK_FAMILIES):
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(path) and "Mono" not in path and "Bold" not in path:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        known = installed()
    return next((family for family in CJK_FAMILIES if family in known), None)


def font_families():
    """The font fallback list for data text: the default, then a CJK font."""
    cjk = cjk_font_family()
    return ["sans-serif"] if cjk is None else ["sans-serif", cjk]


@functools.lru_cache(maxsize=4)
def _charmaps(families):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    maps = []
    for family in families:
        path = font_manager.findfont(
            font_manager.FontProperties(family=[family]), fallback_to_default=False
        )
        maps.append(set(FT2Font(path).get_charmap()))
    return maps


def undrawable_labels(labels):
    """Labels holding characters that no font of :func:`font_families` has.

    Matplotlib draws such characters as empty boxes.

    Parameters
    ----------
    labels : iterable of str

    Returns
    -------
    labels : list of str
        The labels that would not be drawn faithfully, each once, in order.
    """
    try:
        charmaps = _charmaps(tuple(font_families()))
    except (ValueError, OSError, RuntimeError):
        return []
    missing = []
    for label in dict.fromkeys(str(label) for label in labels):
        if any(
            not ch.isspace() and ord(ch) >= 0x80
            and not any(ord(ch) in charmap for charmap in charmaps)
            for ch in label
        ):
            missing.append(label)
    return missing


def chart_labels(chart):
    """Every piece of data text a chart draws (for :func:`undrawable_labels`)."""
    texts = [chart.get(key) for key in ("title", "xlabel", "ylabel")]
    for key in ("labels", "row_labels", "col_labels", "captions"):
        texts.extend(chart.get(key) or [])
    if chart.get("groups") is not None:
        texts.extend(dict.fromkeys(chart["groups"]))
    return [str(t) for t in texts if t is not None and str(t)]


def _plain_text(ax):
    """Math parsing off and the font fallback list on for the data text of ``ax``."""
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
    legend = ax.get_legend()
    if legend is not None:
        texts.extend(legend.get_texts())
    for axis in (ax.xaxis, ax.yaxis):
        # Labels given as data (set_ticks(..., labels) makes a FuncFormatter);
        # numeric ticks keep math for their offsets (such as 1e5).
        if isinstance(axis.get_major_formatter(), (FixedFormatter, FuncFormatter)):
            texts.extend(tick.label1 for tick in axis.get_major_ticks())
    families = font_families()
    for text in texts:
        text.set_parse_math(False)
        text.set_fontfamily(families)


def _wrap(label, width=_LABEL_WIDTH):
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _new_axes(figsize):
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, layout="constrained")
    return figure.subplots()


def figure_size(chart):
    """A size that fits the chart's labels (inches)."""
    if chart["type"] == "bar":
        lines = sum(_wrap(label).count("\n") + 1 for label in chart["labels"])
        return (6.4, max(1.6, 0.28 * lines + 0.9))
    if chart.get("figsize"):  # thumbnail grids (_image_plots.py) size themselves
        return tuple(chart["figsize"])
    if chart["type"] == "heatmap":
        n = len(chart["row_labels"])
        side = min(7.5, max(3.6, 0.45 * n + 2.2))
        return (side + 1.0, side)
    return (6.0, 4.0)


def draw_chart(chart, ax=None):
    """Draw a finding's chart on ``ax`` (a new Figure when None); return ``ax``."""
    draw = _DRAWERS.get(chart.get("type"))
    if draw is None:
        raise ValueError(f"Unknown chart type {chart.get('type')!r}.")
    if ax is None:
        ax = _new_axes(figure_size(chart))
    draw(ax, chart)
    if chart.get("title"):
        ax.set_title(chart["title"], fontsize=10)
    _plain_text(ax)
    return ax


def _bar(ax, chart):
    labels = [_wrap(label) for label in chart["labels"]]
    values = np.asarray(chart["values"], dtype=float)
    positions = np.arange(len(values))
    errors = chart.get("errors")
    ax.barh(
        positions, values, xerr=None if errors is None else np.asarray(errors, dtype=float),
        color=chart.get("colour", "#2874a6"), height=0.65,
    )
    ax.set_yticks(positions, labels, fontsize=8)
    ax.invert_yaxis()  # first label on top, as in the evidence
    ax.set_xlabel(chart.get("xlabel", ""), fontsize=9)
    if chart.get("xlim"):
        ax.set_xlim(*chart["xlim"])
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.tick_params(axis="x", labelsize=8)


def _histogram(ax, chart):
    ax.stairs(chart["counts"], chart["edges"], fill=True, color="#2874a6", alpha=0.85)
    ax.set_xlabel(chart.get("xlabel", ""), fontsize=9)
    ax.set_ylabel("rows", fontsize=9)


def _scatter(ax, chart):
    x = np.asarray(chart["x"], dtype=float)
    y = np.asarray(chart["y"], dtype=float)
    groups = chart.get("groups")
    if groups is None:
        ax.scatter(x, y, s=8, alpha=0.6, color="#2874a6")
    else:
        groups = np.asarray(groups)
        for index, group in enumerate(dict.fromkeys(sorted(groups.tolist()))):
            member = groups == group
            ax.scatter(x[member], y[member], s=8, alpha=0.7, label=group,
                       color=f"C{index % 10}")
        ax.legend(fontsize=8, markerscale=2, loc="best")
    if chart.get("diagonal"):
        low, high = np.nanmin([x.min(), y.min()]), np.nanmax([x.max(), y.max()])
        ax.plot([low, high], [low, high], color="#555555", linewidth=1, linestyle="--")
    ax.set_xlabel(chart.get("xlabel", ""), fontsize=9)
    ax.set_ylabel(chart.get("ylabel", ""), fontsize=9)


def _heatmap(ax, chart):
    matrix = np.asarray(chart["matrix"], dtype=float)
    image = ax.imshow(
        matrix, cmap=chart.get("cmap", "Blues" if chart.get("annotate") else "RdBu_r"),
        vmin=chart.get("vmin"), vmax=chart.get("vmax"), aspect="auto",
    )
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    ax.set_xticks(range(matrix.shape[1]), [_wrap(c, 16) for c in chart["col_labels"]],
                  rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), [_wrap(r, 24) for r in chart["row_labels"]],
                  fontsize=8)
    if chart.get("annotate") and matrix.size <= 400:
        threshold = np.nanmax(matrix) / 2 if matrix.size else 0
        for (i, j), value in np.ndenumerate(matrix):
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=8,
                    color="white" if value > threshold else "black")
    ax.set_xlabel(chart.get("xlabel", ""), fontsize=9)
    ax.set_ylabel(chart.get("ylabel", ""), fontsize=9)


def _line(ax, chart):
    ax.plot(chart["x"], chart["y"], marker="o", markersize=3, color="#2874a6")
    if chart.get("hline") is not None:
        ax.axhline(chart["hline"], color="#c0392b", linestyle="--", linewidth=1)
    if chart.get("ylim"):
        ax.set_ylim(*chart["ylim"])
    if chart.get("integer_x"):  # counts (principal components): no fractional ticks
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(chart.get("xlabel", ""), fontsize=9)
    ax.set_ylabel(chart.get("ylabel", ""), fontsize=9)


def _images(ax, chart):
    from ._image_plots import draw_thumbnails

    draw_thumbnails(ax, chart)


_DRAWERS = {
    "bar": _bar, "histogram": _histogram, "scatter": _scatter,
    "heatmap": _heatmap, "line": _line, "images": _images,
}


def draw_overview(insights, ax=None, *, limit=20, lang="en"):
    """Bar chart of the strongest findings' strengths, coloured by kind (axis and
    legend in ``lang``)."""
    from ._text import label

    shown = list(insights)[:limit]
    if ax is None:
        lines = sum(_wrap(i.title, 60).count("\n") + 1 for i in shown)
        ax = _new_axes((8.0, max(1.8, 0.3 * lines + 1.0)))
    positions = np.arange(len(shown))
    ax.barh(positions, [i.strength for i in shown],
            color=[KIND_COLOURS[i.kind] for i in shown], height=0.65)
    ax.set_yticks(positions, [_wrap(i.title, 60) for i in shown], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(label("chart.strength", lang), fontsize=9)
    from matplotlib.patches import Patch

    kinds = list(dict.fromkeys(i.kind for i in shown))
    if kinds:
        def kind_name(kind):
            try:
                return label(f"kind.{kind}", lang)
            except KeyError:  # a kind without a template of its own
                return kind.replace("_", " ")

        ax.legend(handles=[Patch(color=KIND_COLOURS[k], label=kind_name(k)) for k in kinds],
                  fontsize=8, loc="lower right")
    _plain_text(ax)
    return ax


def to_png_base64(ax, dpi=96):
    """Render the figure holding ``ax`` to a base64 PNG (no timestamps: reproducible)."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")
