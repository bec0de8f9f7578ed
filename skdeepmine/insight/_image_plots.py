"""Thumbnail grids of image and signal findings (chart type ``"images"``).

A chart holds small pictures (``"images"``: lists of rows, values in [0, 1],
grey or RGB) or traces (``"signals"``: lists of values, or of per-channel
values), one caption each.  They are drawn as inset axes of the one axes
:func:`._plots.draw_chart` gives, with math parsing off for the captions.
"""

import math

import numpy as np

#: Thumbnails per row of a grid.
COLUMNS = 6


def thumbnail_figsize(n_panels):
    """The figure size (inches) of a grid of ``n_panels`` thumbnails."""
    cols = max(1, min(COLUMNS, n_panels))
    rows = max(1, math.ceil(n_panels / cols))
    return [round(1.35 * cols + 0.4, 2), round(1.45 * rows + 0.5, 2)]


def draw_thumbnails(ax, chart):
    """Draw the chart's thumbnails in a grid on ``ax``."""
    from ._plots import font_families

    ax.set_axis_off()
    pictures = chart.get("images")
    traces = chart.get("signals")
    panels = pictures if pictures is not None else traces or []
    captions = chart.get("captions") or [""] * len(panels)
    n = len(panels)
    if n == 0:
        return
    cols = max(1, min(COLUMNS, n))
    rows = math.ceil(n / cols)
    width, height = 1.0 / cols, 1.0 / rows
    families = font_families()
    for index, (panel, caption) in enumerate(zip(panels, captions)):
        row, col = divmod(index, cols)
        sub = ax.inset_axes(
            [col * width + 0.04 * width, 1.0 - (row + 1) * height + 0.02 * height,
             0.92 * width, 0.76 * height]
        )
        values = np.asarray(panel, dtype=float)
        if pictures is not None:
            if values.ndim == 2:
                sub.imshow(values, cmap=chart.get("cmap", "gray"), vmin=0.0, vmax=1.0,
                           interpolation="nearest")
            else:
                sub.imshow(np.clip(values, 0.0, 1.0), interpolation="nearest")
            sub.set_xticks([])
            sub.set_yticks([])
        else:
            sub.plot(values, linewidth=0.8)
            sub.set_xticks([])
            sub.tick_params(axis="y", labelsize=6)
        title = sub.set_title(str(caption), fontsize=7)
        title.set_parse_math(False)
        title.set_fontfamily(families)
