"""Small helpers shared by the displays: axes grids, pictures and value scaling."""

import numpy as np


def axes_grid(ax, n_panels, *, panel_size=2.2, max_cols=8):
    """``n_panels`` axes: from ``ax`` (one Axes or an array of them), or a new figure."""
    if ax is None:
        import matplotlib.pyplot as plt

        n_cols = min(n_panels, max_cols)
        n_rows = -(-n_panels // n_cols)
        figure, axes = plt.subplots(
            n_rows, n_cols, figsize=(panel_size * n_cols, panel_size * n_rows), squeeze=False
        )
        axes = axes.ravel()
        for extra in axes[n_panels:]:
            extra.set_axis_off()
        return figure, axes[:n_panels]
    axes = np.atleast_1d(np.asarray(ax, dtype=object)).ravel()
    if len(axes) < n_panels:
        raise ValueError(
            f"ax holds {len(axes)} Axes, but {n_panels} panels are drawn; pass "
            "one Axes per panel, or ax=None."
        )
    return axes[0].figure, axes[:n_panels]


def as_picture(image):
    """An image of shape (H, W) or (H, W, 3) scaled to [0, 1] for ``imshow``."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim == 3:
        image = image if image.shape[-1] == 3 else image.mean(axis=-1)
    low, high = np.nanmin(image), np.nanmax(image)
    return (image - low) / (high - low) if high > low else np.zeros_like(image)


def show_picture(axes, image, cmap="gray"):
    """Draw ``image`` (see :func:`as_picture`) on ``axes`` without axis lines; return the artist.

    Three-channel images are drawn in colour, others with ``cmap``.
    """
    picture = as_picture(image)
    artist = axes.imshow(picture, cmap=None if picture.ndim == 3 else cmap)
    axes.set_axis_off()
    return artist


def magnitude(values):
    """Non-negative per-position strength: absolute values, summed over channels."""
    values = np.abs(np.asarray(values, dtype=np.float64))
    return values.sum(axis=-1) if values.ndim == 3 else values
