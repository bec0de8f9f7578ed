"""``attributions``: which input values drove each prediction."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params

from ._gradients import forward, grad_cam, integrated_gradients, vanilla_gradients
from ._occlusion import check_window, occlusion
from ._subject import check_baseline, check_samples, subject_of, target_indices

METHODS = ("integrated_gradients", "gradient", "grad_cam", "occlusion")


def default_indices(subject, x, batch_size):
    """The predicted class of each sample for classifiers, else output 0."""
    if subject.classes is None:
        return np.zeros(len(x), dtype=np.int64)
    if subject.model is not None:
        outputs = forward(subject, x, batch_size)
    else:
        outputs = subject.predict_outputs(x, x.shape[1:])
    return np.argmax(outputs, axis=1)


@validate_params(
    {
        "estimator": [HasMethods(["fit"])],
        "X": ["array-like"],
        "method": [StrOptions(set(METHODS))],
        "target": "no_validation",
        "baseline": ["array-like", Real, None],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "layer": [str, None],
        "window": [Interval(Integral, 1, None, closed="left"), tuple, list, None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def attributions(
    estimator, X, *, method="integrated_gradients", target=None, baseline=None,
    n_steps=32, layer=None, window=None, batch_size=256,
):
    """Attribute each prediction to the input values: one map per sample of X.

    Parameters
    ----------
    estimator : estimator
        A fitted skdeepmine network (:class:`~skdeepmine.CNNClassifier`,
        :class:`~skdeepmine.DenseNetworkRegressor`, ...), a fitted
        :class:`~skdeepmine.NeuralFeatureExtractor` (its features are the
        outputs), or, for ``method="occlusion"`` only, any fitted estimator
        with ``predict_proba``, ``predict`` or ``transform``, such as a
        :class:`~skdeepmine.HybridClassifier`.

    X : array-like of shape (n_samples, ...)
        Samples to explain: rows, images or signals, shaped as for
        ``predict``, or image file paths, read as ``predict`` reads them.

    method : {"integrated_gradients", "gradient", "grad_cam", "occlusion"}, \
            default="integrated_gradients"
        ``"gradient"``: the gradient of the output with respect to the input.
        ``"integrated_gradients"``: the gradients averaged along the straight
        path from ``baseline`` to the sample, times ``sample - baseline``;
        a sample's attributions sum to ``output(sample) -
        output(baseline)``.  ``"grad_cam"``: Grad-CAM on a convolution layer
        of a CNN, upsampled to the input and repeated over its channels:
        non-negative for a class or a deep feature (what raises it); signed
        for a regressor's prediction (positive where the region raises it,
        negative where it lowers it; its absolute value is the strength of
        the dependence).  ``"occlusion"``: the drop of the output when a
        window of the input is set to ``baseline``, spread over the window.

    target : class label, int or None, default=None
        The output explained.  For classifiers, a class label (the
        probability of that class); None explains each sample's predicted
        class.  Otherwise the index of an output (a target of a regressor, a
        feature of a transformer); None is output 0.

    baseline : float or array-like of the shape of one sample, default=None
        The reference input of integrated gradients and the fill of occluded
        windows.  None is all zeros (a black image); for raw tabular columns
        a typical row, such as the training mean, is more meaningful.

    n_steps : int, default=32
        Steps of integrated gradients' path integral.

    layer : str, default=None
        The convolution layer Grad-CAM reads; None takes the last convolution
        block's output before pooling.

    window : int or tuple of int, default=None
        Size of the occluded window, per spatial axis (images: height and
        width; signals: length); None is an eighth of each side for images
        and signals, and single columns for tabular data.

    batch_size : int, default=256
        Samples per batch of gradient computations.

    Returns
    -------
    attributions : ndarray of shape X.shape
        The attribution of every input value of every sample.

    Warns
    -----
    UserWarning
        When the map of some sample is all zero: the method found nothing in
        the input that moves the explained output (a Grad-CAM map of a class
        whose layer holds no evidence for it, a saturated or dead network),
        and such a map locates nothing.

    See Also
    --------
    AttributionDisplay : Draw them over images, along signals or as bars.
    deep_feature_inputs : What drives each deep feature of a hybrid.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepmine import DenseNetworkRegressor
    >>> from skdeepmine.inspection import attributions
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3))
    >>> reg = DenseNetworkRegressor(hidden_units=(8,), epochs=2,
    ...                             random_state=0).fit(X, 3 * X[:, 0])
    >>> attributions(reg, X[:2]).shape
    (2, 3)
    """
    subject = subject_of(estimator, X)
    X, x = check_samples(subject, X)
    if method != "occlusion" and subject.model is None:
        raise ValueError(
            f"method={method!r} needs the gradients of a network, which "
            f"{type(estimator).__name__} does not expose; use method='occlusion', "
            "which only calls the estimator."
        )
    if method == "grad_cam" and subject.kind == "tabular":
        raise ValueError(
            "method='grad_cam' explains convolutional networks on images or signals; "
            f"{type(estimator).__name__} reads tabular rows."
        )
    if target is None and subject.classes is not None and method in ("gradient", "grad_cam"):
        indices = None  # the predicted class, found in the gradient pass itself
    else:
        indices = target_indices(
            subject, target, lambda: default_indices(subject, x, batch_size)
        )
        indices = np.broadcast_to(np.asarray(indices, dtype=np.int64), (len(x),)).copy()
    if subject.model is not None and indices is not None:
        n_outputs = int(np.prod(tuple(subject.model.outputs[0].shape)[1:]))
        n_outputs = max(n_outputs, len(subject.classes) if subject.classes is not None else 0)
        if indices.max() >= n_outputs:
            raise ValueError(
                f"target={target!r} is out of range: the network has {n_outputs} outputs."
            )
    base = check_baseline(baseline, X.shape[1:], subject.shape)
    if method == "gradient":
        values = vanilla_gradients(subject, x, indices, batch_size)
    elif method == "integrated_gradients":
        values = integrated_gradients(subject, x, indices, base, n_steps, batch_size)
    elif method == "grad_cam":
        values = grad_cam(subject, x, indices, layer, batch_size)
    else:
        values = occlusion(subject, X.shape, x, indices, base, check_window(window, subject))
    warn_zero_maps(values, method)
    return values.reshape(X.shape)


def warn_zero_maps(values, method):
    """Warn when some samples' attributions are all zero: such a map explains nothing."""
    zero = ~np.any(values.reshape(len(values), -1), axis=1)
    if zero.any():
        where = np.flatnonzero(zero)
        shown = ", ".join(str(i) for i in where[:10]) + (", ..." if len(where) > 10 else "")
        warnings.warn(
            f"method={method!r} gave an all-zero map for {int(zero.sum())} of "
            f"{len(values)} samples (rows {shown}): nothing in them moves the "
            "explained output by this method, and such a map locates nothing. "
            "Try another method or target.",
            UserWarning, stacklevel=4,
        )
