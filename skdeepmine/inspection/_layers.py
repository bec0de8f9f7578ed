"""``activations`` of a named layer and the ``conv_filters`` of a convolution layer."""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval, validate_params

from ..core import predict_raw
from ..core._backend import get_keras
from ._gradients import _conv_layer_types
from ._subject import check_samples, subject_of


def _layer(model, name):
    names = [layer.name for layer in model.layers]
    if name not in names:
        raise ValueError(f"layer={name!r} is not a layer of the network; its layers are {names}.")
    return model.get_layer(name)


def _network_model(estimator, X=None):
    subject = subject_of(estimator, X if X is not None else np.zeros((1, 1)))
    model = getattr(estimator, "model_", None)
    if model is None and hasattr(estimator, "network_"):
        model = estimator.network_.model_
    if model is None:
        raise TypeError(
            f"{type(estimator).__name__} has no network: pass a fitted skdeepmine "
            "network estimator or NeuralFeatureExtractor (of a hybrid: its extractor_)."
        )
    return subject, model


@validate_params(
    {
        "estimator": [HasMethods(["fit"])],
        "X": ["array-like"],
        "layer": [str],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def activations(estimator, X, layer, *, batch_size=1024):
    """Outputs of the network layer ``layer`` for each sample of X.

    Parameters
    ----------
    estimator : estimator
        A fitted skdeepmine network estimator or
        :class:`~skdeepmine.NeuralFeatureExtractor`.

    X : array-like of shape (n_samples, ...)
        Samples, shaped as for ``predict``, or image file paths.

    layer : str
        Name of a layer of the network (``estimator.model_.layers``), such as
        ``"conv_0_activation"`` or ``"embedding"`` of the built-in networks.

    batch_size : int, default=1024
        Samples per forward pass.

    Returns
    -------
    activations : ndarray of shape (n_samples, ...)
        The layer's output, in the layer's own shape (feature maps keep
        their spatial axes and channels).

    See Also
    --------
    conv_filters : The weights of a convolution layer.
    DeepFeatureDisplay : A 2-D projection of a layer's activations.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepmine import CNNClassifier
    >>> from skdeepmine.inspection import activations
    >>> X = np.random.RandomState(0).rand(20, 8, 8)
    >>> clf = CNNClassifier(filters=(3,), dense_units=(4,), epochs=1).fit(X, [0, 1] * 10)
    >>> activations(clf, X[:2], "conv_0_activation").shape
    (2, 8, 8, 3)
    """
    subject, model = _network_model(estimator, X)
    _, x = check_samples(subject, X)
    target = _layer(model, layer)
    keras = get_keras()
    sub = keras.Model(model.inputs, target.output, name=f"{model.name}_to_{layer}")
    parts = [predict_raw(sub, x[start : start + batch_size])
             for start in range(0, len(x), batch_size)]
    return np.concatenate(parts)


@validate_params(
    {"estimator": [HasMethods(["fit"])], "layer": [str, None]},
    prefer_skip_nested_validation=True,
)
def conv_filters(estimator, layer=None):
    """The kernels of a convolution layer, one per filter.

    Parameters
    ----------
    estimator : estimator
        A fitted skdeepmine CNN, or a
        :class:`~skdeepmine.NeuralFeatureExtractor` with a CNN.

    layer : str, default=None
        Name of the convolution layer; None takes the first one (whose
        filters read the input directly, the easiest to interpret).

    Returns
    -------
    filters : ndarray of shape (n_filters, height, width, channels)
        The kernel of each filter: ``(n_filters, height, width, channels)``
        for images, ``(n_filters, length, channels)`` for signals.

    See Also
    --------
    FilterDisplay : Draw them as a grid.
    activations : What the filters respond to on given samples.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepmine import CNNClassifier
    >>> from skdeepmine.inspection import conv_filters
    >>> X = np.random.RandomState(0).rand(20, 8, 8)
    >>> clf = CNNClassifier(filters=(3,), dense_units=(4,), epochs=1).fit(X, [0, 1] * 10)
    >>> conv_filters(clf).shape
    (3, 3, 3, 1)
    """
    _, model = _network_model(estimator)
    conv_types = _conv_layer_types(get_keras())
    if layer is None:
        convs = [lay for lay in model.layers if isinstance(lay, conv_types)]
        if not convs:
            raise ValueError(
                f"{type(estimator).__name__}'s network has no convolution layer."
            )
        target = convs[0]
    else:
        target = _layer(model, layer)
        if not isinstance(target, conv_types):
            raise ValueError(
                f"layer={layer!r} is a {type(target).__name__}, not a convolution layer."
            )
    kernel = np.asarray(target.get_weights()[0], dtype=np.float64)
    # Keras stores (*kernel_size, in_channels, filters); depthwise kernels
    # have a channel multiplier last instead.
    return np.moveaxis(kernel, -1, 0)
