"""FilterDisplay and DeepFeatureDisplay: what the layers of a network hold."""

import numpy as np

from ._layers import activations, conv_filters
from ._plotting import axes_grid, show_picture


class FilterDisplay:
    """The kernels of a convolution layer, drawn as a grid.

    Image kernels are drawn as small pictures (in colour for three input
    channels, averaged over channels otherwise); signal kernels as traces.

    Parameters
    ----------
    filters : ndarray of shape (n_filters, height, width, channels)
        Kernels, as :func:`conv_filters` returns them (for signals:
        ``(n_filters, length, channels)``).

    layer : str, default=None
        Name of the layer, for the title.

    Attributes
    ----------
    ax_ : ndarray of matplotlib Axes
        One axes per filter.

    figure_ : matplotlib Figure
        The figure holding them.

    artists_ : list of matplotlib artists
        One image (or one list of lines, for signals) per filter.

    See Also
    --------
    conv_filters : Read the kernels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdeepmine.inspection import FilterDisplay
    >>> kernels = np.random.RandomState(0).normal(size=(4, 3, 3, 1))
    >>> len(FilterDisplay(kernels).plot().artists_)
    4
    """

    def __init__(self, filters, *, layer=None):
        self.filters = filters
        self.layer = layer

    @classmethod
    def from_estimator(cls, estimator, *, layer=None, max_filters=32, ax=None):
        """Read a convolution layer's kernels from ``estimator`` and draw them.

        Parameters
        ----------
        estimator : estimator
            A fitted skdeepmine CNN, or an extractor with a CNN.

        layer : str, default=None
            Convolution layer; None is the first one.

        max_filters : int, default=32
            Filters drawn (the first ones).

        ax : array of matplotlib Axes, default=None
            One Axes per filter; None makes a new figure.

        Returns
        -------
        display : FilterDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skdeepmine import CNNClassifier
        >>> from skdeepmine.inspection import FilterDisplay
        >>> X = np.random.RandomState(0).rand(20, 8, 8)
        >>> clf = CNNClassifier(filters=(3,), dense_units=(4,), epochs=1).fit(X, [0, 1] * 10)
        >>> FilterDisplay.from_estimator(clf).ax_.shape
        (3,)
        """
        filters = conv_filters(estimator, layer)[:max_filters]
        return cls(filters, layer=layer).plot(ax=ax)

    def plot(self, ax=None, *, cmap="gray"):
        """Draw the kernels.

        Parameters
        ----------
        ax : array of matplotlib Axes, default=None
            One Axes per filter; None makes a new figure.

        cmap : str, default="gray"
            Colour map of single-channel kernels.

        Returns
        -------
        display : FilterDisplay
            This display, with ``ax_``, ``figure_`` and ``artists_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skdeepmine.inspection import FilterDisplay
        >>> kernels = np.random.RandomState(0).normal(size=(2, 5, 1))
        >>> FilterDisplay(kernels).plot().ax_.shape
        (2,)
        """
        filters = np.asarray(self.filters, dtype=np.float64)
        if filters.ndim not in (3, 4):
            raise ValueError(
                "filters must have shape (n_filters, length, channels) or "
                f"(n_filters, height, width, channels); got {filters.shape}."
            )
        self.figure_, self.ax_ = axes_grid(ax, len(filters), panel_size=1.2)
        self.artists_ = []
        for index, (axes, kernel) in enumerate(zip(self.ax_, filters)):
            if filters.ndim == 4:
                self.artists_.append(show_picture(axes, kernel, cmap))
            else:
                self.artists_.append(axes.plot(kernel))
                axes.set_xticks([])
            axes.set_title(str(index), fontsize="small")
        if self.layer is not None:
            self.figure_.suptitle(self.layer, parse_math=False)
        return self


def _deep_features(estimator, X, layer):
    """Deep features of X: a layer of a network, or an extractor's (a hybrid's) output."""
    if layer is not None:
        values = activations(estimator, X, layer)
    elif hasattr(estimator, "model_"):
        names = [lay.name for lay in estimator.model_.layers]
        if "embedding" not in names:
            raise ValueError(
                f"The network has no layer named 'embedding'; pass layer= one of {names}."
            )
        values = activations(estimator, X, "embedding")
    else:
        extractor = getattr(estimator, "extractor_", estimator)
        values = extractor.transform(X)
    values = np.asarray(values, dtype=np.float64)
    return values.reshape(len(values), -1)


class DeepFeatureDisplay:
    """A 2-D projection (PCA) of deep features, coloured by class.

    Parameters
    ----------
    projection : ndarray of shape (n_samples, 2)
        The projected samples.

    y : array-like of shape (n_samples,), default=None
        Labels that colour the points (one colour per class); None draws one
        colour.

    explained_variance_ratio : array-like of shape (2,), default=None
        Share of the features' variance on each axis, for the axis labels.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on.

    figure_ : matplotlib Figure
        The figure holding it.

    artists_ : list of matplotlib PathCollection
        One scatter per class.

    See Also
    --------
    activations : The layer outputs that are projected.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdeepmine.inspection import DeepFeatureDisplay
    >>> points = np.random.RandomState(0).normal(size=(6, 2))
    >>> len(DeepFeatureDisplay(points, [0, 1, 2] * 2).plot().artists_)
    3
    """

    def __init__(self, projection, y=None, *, explained_variance_ratio=None):
        self.projection = projection
        self.y = y
        self.explained_variance_ratio = explained_variance_ratio

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, layer=None, ax=None):
        """Project the deep features of ``X`` on their two principal axes and draw them.

        Parameters
        ----------
        estimator : estimator
            A fitted skdeepmine network (its ``"embedding"`` layer, or
            ``layer``), a :class:`~skdeepmine.NeuralFeatureExtractor` (its
            features), or a hybrid (its extractor's features).

        X : array-like of shape (n_samples, ...)
            Samples.

        y : array-like of shape (n_samples,), default=None
            Labels colouring the points.

        layer : str, default=None
            Network layer to read instead of the default.

        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        display : DeepFeatureDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skdeepmine import NeuralFeatureExtractor
        >>> from skdeepmine.inspection import DeepFeatureDisplay
        >>> X = np.random.RandomState(0).normal(size=(40, 4))
        >>> y = (X[:, 0] > 0).astype(int)
        >>> extractor = NeuralFeatureExtractor(n_components=3, epochs=1).fit(X, y)
        >>> DeepFeatureDisplay.from_estimator(extractor, X, y).projection.shape
        (40, 2)
        """
        from sklearn.decomposition import PCA

        features = _deep_features(estimator, X, layer)
        n_components = min(2, features.shape[1], len(features))
        pca = PCA(n_components=n_components).fit(features)
        projection = np.zeros((len(features), 2))
        projection[:, :n_components] = pca.transform(features)
        ratio = np.zeros(2)
        ratio[:n_components] = pca.explained_variance_ratio_
        return cls(projection, y, explained_variance_ratio=ratio).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the projection.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        display : DeepFeatureDisplay
            This display, with ``ax_``, ``figure_`` and ``artists_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skdeepmine.inspection import DeepFeatureDisplay
        >>> points = np.random.RandomState(0).normal(size=(4, 2))
        >>> len(DeepFeatureDisplay(points).plot().artists_)
        1
        """
        points = np.asarray(self.projection, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"projection must have shape (n_samples, 2); got {points.shape}.")
        self.figure_, axes = axes_grid(ax, 1, panel_size=4.5, max_cols=1)
        self.ax_ = axes[0]
        if self.y is None:
            self.artists_ = [self.ax_.scatter(points[:, 0], points[:, 1], s=12)]
        else:
            labels = np.asarray(self.y)
            if len(labels) != len(points):
                raise ValueError(
                    f"y has {len(labels)} labels for {len(points)} projected samples."
                )
            self.artists_ = [
                self.ax_.scatter(*points[labels == label].T, s=12, label=str(label))
                for label in np.unique(labels)
            ]
            self.ax_.legend(title="class", fontsize="small")
        ratio = self.explained_variance_ratio
        for index, set_label in enumerate((self.ax_.set_xlabel, self.ax_.set_ylabel)):
            share = "" if ratio is None else f" ({100 * ratio[index]:.0f} % of variance)"
            set_label(f"deep features, component {index + 1}{share}")
        return self
