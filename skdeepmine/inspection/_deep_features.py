"""``deep_feature_inputs``: the raw inputs that drive each deep feature of a hybrid."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted

from ._attributions import attributions
from ._subject import check_samples, subject_of


def _deep_names(estimator, extractor, n_deep):
    for owner in (estimator, extractor):
        if hasattr(owner, "get_feature_names_out"):
            try:
                names = np.asarray(owner.get_feature_names_out(), dtype=object)
            except (AttributeError, ValueError, TypeError):  # names not defined
                continue
            if len(names) >= n_deep:
                return names[:n_deep]
    return np.asarray([f"deep{k}" for k in range(n_deep)], dtype=object)


def _input_names(estimator, sample_shape):
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None and len(names) == int(np.prod(sample_shape)):
        return np.asarray(names, dtype=object)
    if len(sample_shape) == 1:
        return np.asarray([f"x{i}" for i in range(sample_shape[0])], dtype=object)
    return np.asarray(
        [f"x[{', '.join(map(str, index))}]" for index in np.ndindex(*sample_shape)],
        dtype=object,
    )


@validate_params(
    {
        "estimator": [HasMethods(["fit"])],
        "X": ["array-like"],
        "n_inputs": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions({"auto", "integrated_gradients", "occlusion"})],
        "baseline": ["array-like", Real, None],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def deep_feature_inputs(
    estimator, X, *, n_inputs=5, method="auto", baseline=None, n_steps=16
):
    """The raw inputs that drive each deep feature, through the extractor.

    Each deep feature is attributed to the raw inputs of each sample of X
    (:func:`attributions` with the feature as ``target``); an input's
    importance for a feature is the mean absolute attribution.

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~skdeepmine.HybridClassifier` or
        :class:`~skdeepmine.HybridRegressor` (its ``extractor_`` is read), a
        fitted :class:`~skdeepmine.NeuralFeatureExtractor`, or any fitted
        transformer.

    X : array-like of shape (n_samples, ...)
        Raw samples, as given to the hybrid; a few hundred are plenty.

    n_inputs : int, default=5
        Number of strongest inputs listed per deep feature.

    method : {"auto", "integrated_gradients", "occlusion"}, default="auto"
        ``"auto"`` uses integrated gradients through the extractor's network
        when its features are a layer of it, occlusion otherwise (other
        transformers, or an extractor that keeps a PCA of its layer).

    baseline : float or array-like of the shape of one sample, default=None
        Reference input; None is the mean of X.

    n_steps : int, default=16
        Steps of integrated gradients' path integral.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``importances``, ndarray of shape (n_deep_features, ...): the
        importance of every input value (images keep their shape) for each
        deep feature; ``feature_names``, the deep features' names (the
        hybrid's ``get_feature_names_out`` when it has one);
        ``input_names``, the raw inputs' names (``feature_names_in_``, or
        ``x0, x1, ...``, or ``x[row, column]`` for images); ``top_inputs``
        and ``top_importances``, of shape (n_deep_features, n_inputs): the
        strongest inputs of each deep feature, strongest first.

    See Also
    --------
    attributions : Attributions of one output.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdeepmine import HybridClassifier, NeuralFeatureExtractor
    >>> from skdeepmine.inspection import deep_feature_inputs
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(80, 4))
    >>> y = (X[:, 2] > 0).astype(int)
    >>> hybrid = HybridClassifier(
    ...     NeuralFeatureExtractor(n_components=2, hidden_units=(8,), epochs=2),
    ...     DecisionTreeClassifier(), cv=None).fit(X, y)
    >>> deep_feature_inputs(hybrid, X, n_inputs=2).top_inputs.shape
    (2, 2)
    """
    extractor = getattr(estimator, "extractor_", estimator)
    check_is_fitted(extractor)
    subject = subject_of(extractor, X)
    X, _ = check_samples(subject, X)
    if method == "auto":
        method = "integrated_gradients" if subject.model is not None else "occlusion"
    if baseline is None:
        baseline = X.mean(axis=0)
    n_deep = np.asarray(extractor.transform(X[:1])).reshape(1, -1).shape[1]
    importances = np.stack([
        np.abs(attributions(
            extractor, X, method=method, target=k, baseline=baseline, n_steps=n_steps
        )).mean(axis=0)
        for k in range(n_deep)
    ])
    input_names = _input_names(estimator, X.shape[1:])
    flat = importances.reshape(n_deep, -1)
    n_inputs = min(n_inputs, flat.shape[1])
    order = np.argsort(-flat, axis=1, kind="stable")[:, :n_inputs]
    return Bunch(
        importances=importances,
        feature_names=_deep_names(estimator, extractor, n_deep),
        input_names=input_names,
        top_inputs=input_names[order],
        top_importances=np.take_along_axis(flat, order, axis=1),
    )
