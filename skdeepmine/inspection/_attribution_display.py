"""AttributionDisplay: attributions over images, along signals, or as bars."""

import numpy as np

from ._attributions import attributions
from ._plotting import axes_grid, magnitude, show_picture
from ._subject import KINDS, check_samples, subject_of


class AttributionDisplay:
    """Attributions drawn over images, along signals, or as bars per feature.

    Build it with :meth:`from_estimator`, or from values computed by
    :func:`attributions`.

    Parameters
    ----------
    attributions : ndarray of shape (n_samples, ...)
        Attributions, shaped like ``X``.

    X : ndarray of shape (n_samples, ...)
        The explained samples.

    kind : {"image", "signal", "tabular"}
        How to draw: heat maps over images, coloured points along signals,
        or bars of the mean absolute attribution per feature.

    feature_names : array-like of str, default=None
        Names of the tabular features; None numbers them.

    method : str, default=None
        Name of the attribution method, for the titles.

    Attributes
    ----------
    ax_ : ndarray of matplotlib Axes
        The axes drawn on: one per sample for images and signals, one for
        tabular data.

    figure_ : matplotlib Figure
        The figure holding them.

    artists_ : list of matplotlib artists
        The attribution artists: one heat-map image per image, one scatter
        per signal, the bars for tabular data.

    See Also
    --------
    attributions : Compute the values.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdeepmine.inspection import AttributionDisplay
    >>> X = np.random.RandomState(0).rand(2, 8, 8)
    >>> display = AttributionDisplay(X - 0.5, X, kind="image").plot()
    >>> len(display.artists_)
    2
    """

    def __init__(self, attributions, X, *, kind, feature_names=None, method=None):
        self.attributions = attributions
        self.X = X
        self.kind = kind
        self.feature_names = feature_names
        self.method = method

    @classmethod
    def from_estimator(
        cls, estimator, X, *, method="integrated_gradients", target=None, baseline=None,
        max_samples=8, feature_names=None, ax=None,
    ):
        """Compute attributions of ``estimator`` on ``X`` and draw them.

        Parameters
        ----------
        estimator : estimator
            Fitted estimator, as for :func:`attributions`.

        X : array-like of shape (n_samples, ...)
            Samples to explain, or image file paths (the decoded images
            are stored in ``X``).

        method : str, default="integrated_gradients"
            Attribution method (see :func:`attributions`).

        target : class label, int or None, default=None
            The explained output (see :func:`attributions`).

        baseline : float or array-like, default=None
            Reference input (see :func:`attributions`).

        max_samples : int, default=8
            Images and signals drawn (the first ones of X).

        feature_names : array-like of str, default=None
            Names of tabular features; None takes the estimator's
            ``feature_names_in_`` when it has them.

        ax : matplotlib Axes or array of Axes, default=None
            Where to draw (one Axes per sample for images and signals);
            None makes a new figure.

        Returns
        -------
        display : AttributionDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skdeepmine import DenseNetworkClassifier
        >>> from skdeepmine.inspection import AttributionDisplay
        >>> X = np.random.RandomState(0).normal(size=(40, 3))
        >>> clf = DenseNetworkClassifier(hidden_units=(4,), epochs=1).fit(X, X[:, 0] > 0)
        >>> AttributionDisplay.from_estimator(clf, X).kind
        'tabular'
        """
        subject = subject_of(estimator, X)
        X, _ = check_samples(subject, X)
        if subject.kind != "tabular":
            X = X[:max_samples]
        values = attributions(estimator, X, method=method, target=target, baseline=baseline)
        if feature_names is None:
            feature_names = getattr(estimator, "feature_names_in_", None)
        display = cls(values, X, kind=subject.kind, feature_names=feature_names, method=method)
        return display.plot(ax=ax)

    def plot(self, ax=None, *, cmap="jet", alpha=0.5, max_features=20):
        """Draw the attributions.

        Parameters
        ----------
        ax : matplotlib Axes or array of Axes, default=None
            Where to draw (one Axes per sample for images and signals);
            None makes a new figure.

        cmap : str, default="jet"
            Colour map of the attribution strength.

        alpha : float, default=0.5
            Opacity of the heat maps over images.

        max_features : int, default=20
            Bars drawn for tabular data, the strongest features first.

        Returns
        -------
        display : AttributionDisplay
            This display, with ``ax_``, ``figure_`` and ``artists_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skdeepmine.inspection import AttributionDisplay
        >>> X = np.random.RandomState(0).normal(size=(5, 3))
        >>> AttributionDisplay(X, X, kind="tabular").plot().ax_.shape
        (1,)
        """
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}; got {self.kind!r}.")
        values = np.asarray(self.attributions, dtype=np.float64)
        X = np.asarray(self.X, dtype=np.float64)
        if values.shape != X.shape:
            raise ValueError(
                f"attributions of shape {values.shape} do not match X of shape {X.shape}."
            )
        title = "" if self.method is None else f"{self.method}: "
        if self.kind == "tabular":
            self._plot_bars(ax, values, title, max_features)
        else:
            self.figure_, self.ax_ = axes_grid(ax, len(X))
            draw = self._draw_image if self.kind == "image" else self._draw_signal
            self.artists_ = [
                draw(axes, sample, value, cmap, alpha)
                for axes, sample, value in zip(self.ax_, X, values)
            ]
            for index, axes in enumerate(self.ax_):
                axes.set_title(f"{title}sample {index}", fontsize="small")
        return self

    @staticmethod
    def _draw_image(axes, sample, value, cmap, alpha):
        show_picture(axes, sample)
        heat = magnitude(value.reshape(sample.shape))
        return axes.imshow(heat, cmap=cmap, alpha=alpha)

    @staticmethod
    def _draw_signal(axes, sample, value, cmap, alpha):
        signal = sample.reshape(len(sample), -1)
        strength = np.abs(value.reshape(signal.shape)).sum(axis=1)
        positions = np.arange(len(signal))
        axes.plot(positions, signal, color="0.6", linewidth=1)
        return axes.scatter(
            positions, signal.mean(axis=1), c=strength, cmap=cmap, s=12, zorder=3
        )

    def _plot_bars(self, ax, values, title, max_features):
        flat = np.abs(values.reshape(len(values), -1)).mean(axis=0)
        names = self.feature_names
        if names is None or len(names) != len(flat):
            names = [f"x{i}" for i in range(len(flat))]
        order = np.argsort(-flat, kind="stable")[:max_features][::-1]
        self.figure_, self.ax_ = axes_grid(ax, 1, panel_size=5, max_cols=1)
        axes = self.ax_[0]
        bars = axes.barh(np.arange(len(order)), flat[order])
        axes.set_yticks(
            np.arange(len(order)), [str(names[i]) for i in order], parse_math=False
        )
        axes.set_xlabel(f"{title}mean |attribution|")
        self.artists_ = list(bars)
