"""Saving fitted estimators without pickle's dangers, through ``skops.io``.

``pickle`` and ``joblib`` files run whatever code the file names when they are
loaded, so they must only be loaded from trusted sources.  ``skops.io`` files
instead list the types they contain, and loading refuses any type the user
has not trusted.  A skdeepmine estimator stores its Keras networks in Keras's
own ``.keras`` format and loads them with Keras's safe mode on, which refuses
to run Python code stored in a model; so the only types a skops file of
skdeepmine estimators asks you to trust are the few listed by
:func:`trusted_types`.

Importing this module does not import skops, Keras or TensorFlow.
"""

import json
import os
import zipfile

from .core._persistence import StoredStateError

# scikit-learn's type behind the hybrids' default HistGradientBoosting
# estimator; skops does not trust it by default, but it holds only NumPy
# arrays of tree nodes and runs no code when loaded.
_SKLEARN_DEFAULT_ESTIMATOR_TYPES = (
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
)


def _type_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _held_types():
    """skdeepmine's own non-estimator types that fitted estimators hold."""
    from .core._persistence import SerializedKerasModel, SerializedKerasObject
    from .insight import Insight, InsightReport

    # Keras networks and Keras optimizers or losses, stored as Keras's own
    # configuration; an InsightReporter's findings.
    return (SerializedKerasModel, SerializedKerasObject, InsightReport, Insight)


def _with_subclasses(cls):
    """``cls`` and its subclasses defined in skdeepmine (such as private networks)."""
    found = [cls]
    for sub in cls.__subclasses__():
        if sub.__module__.split(".")[0] == "skdeepmine":
            found.extend(_with_subclasses(sub))
    return found


def trusted_types():
    """Return the type names a skops file of skdeepmine estimators may hold.

    These are every estimator that :func:`skdeepmine.utils.all_estimators`
    lists and skdeepmine's private subclasses of them (the extractor's dense
    autoencoder), the two holders of Keras objects (a network's ``.keras``
    bytes, a built-in optimizer's or loss's Keras configuration), the
    findings of :class:`~skdeepmine.insight.InsightReporter`, and
    scikit-learn's ``TreePredictor``, which the default estimator of
    :class:`~skdeepmine.hybrid.HybridClassifier` and
    :class:`~skdeepmine.hybrid.HybridRegressor` holds.  None of them runs code
    when loaded: Keras networks are rebuilt from their configuration in
    Keras's safe mode.

    Types of your own that an estimator holds, such as a build function
    passed as ``model`` or the estimator of a hybrid, are not included:
    ``skops.io.get_untrusted_types`` lists them, for you to review.

    Returns
    -------
    types : list of str
        Fully qualified type names, sorted, as ``skops.io.load`` takes them in
        its ``trusted`` argument.

    See Also
    --------
    load : Load a skops file trusting these types.
    skdeepmine.utils.all_estimators : The estimators trusted here.

    Examples
    --------
    >>> from skdeepmine.persistence import trusted_types
    >>> for name in trusted_types():
    ...     print(name)
    skdeepmine.cnn._estimators.CNNClassifier
    skdeepmine.cnn._estimators.CNNRegressor
    skdeepmine.core._persistence.SerializedKerasModel
    skdeepmine.core._persistence.SerializedKerasObject
    skdeepmine.features._extractor.NeuralFeatureExtractor
    skdeepmine.features._networks.DenseAutoencoder
    skdeepmine.features._networks.DenseNetworkClassifier
    skdeepmine.features._networks.DenseNetworkRegressor
    skdeepmine.hybrid._hybrid.HybridClassifier
    skdeepmine.hybrid._hybrid.HybridRegressor
    skdeepmine.insight._findings.Insight
    skdeepmine.insight._report.InsightReport
    skdeepmine.insight._reporter.InsightReporter
    sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor
    """
    from .utils import all_estimators

    classes = [sub for _, cls in all_estimators() for sub in _with_subclasses(cls)]
    classes.extend(_held_types())
    return sorted({_type_name(cls) for cls in classes} | set(_SKLEARN_DEFAULT_ESTIMATOR_TYPES))


def _import_skops_io():
    try:
        import skops.io
    except ImportError as exc:
        raise ImportError(
            "Saving with skops needs the skops package: pip install skops"
        ) from exc
    return skops.io


def dump(estimator, file):
    """Save ``estimator`` to ``file`` in the skops format.

    The same as ``skops.io.dump``; Keras networks inside are stored in
    Keras's own ``.keras`` format.

    Parameters
    ----------
    estimator : object
        A (fitted or unfitted) estimator.
    file : str, path-like or binary file object
        Where to write.

    See Also
    --------
    load : Load the file back.

    Examples
    --------
    >>> import io
    >>> import numpy as np
    >>> from skdeepmine import CNNRegressor
    >>> from skdeepmine.persistence import dump, load
    >>> X = np.random.RandomState(0).normal(size=(40, 8))
    >>> reg = CNNRegressor(filters=(4,), dense_units=(8,), epochs=2,
    ...                    random_state=0).fit(X, X.sum(axis=1))
    >>> buffer = io.BytesIO()
    >>> dump(reg, buffer)
    >>> loaded = load(io.BytesIO(buffer.getvalue()))
    >>> bool(np.array_equal(loaded.predict(X), reg.predict(X)))
    True
    """
    _import_skops_io().dump(estimator, file)


def load(file, *, trusted=None):
    """Load a skops file, trusting skdeepmine's own types.

    Parameters
    ----------
    file : str, path-like or binary file object
        A file written by :func:`dump` or ``skops.io.dump``.
    trusted : list of str, default=None
        Further type names to trust, on top of :func:`trusted_types`: those
        of your own build functions or estimators, after reviewing what
        ``skops.io.get_untrusted_types(file=...)`` lists.

    Returns
    -------
    estimator : object
        The loaded estimator.

    Raises
    ------
    TypeError
        If the file holds types that are not trusted (skops's
        ``UntrustedTypesFoundException``, which names them).
    ValueError
        If the file is not a complete skops file (corrupted or truncated), or
        was written by a newer skdeepmine.

    See Also
    --------
    dump : Save an estimator.
    trusted_types : The types trusted without asking.

    Examples
    --------
    >>> import io
    >>> from skdeepmine.persistence import load
    >>> load(io.BytesIO(b"not a skops file"))
    Traceback (most recent call last):
    ...
    ValueError: Could not load <_io.BytesIO object at ...>: it is not a complete skops file (corrupted or truncated). BadZipFile: File is not a zip file
    """
    skops_io = _import_skops_io()
    if trusted is not None and (isinstance(trusted, str) or not all(
        isinstance(name, str) for name in trusted
    )):
        raise TypeError(
            "trusted must be a list of type names (str), such as the ones "
            f"skops.io.get_untrusted_types lists; got {trusted!r}."
        )
    names = trusted_types() + list(trusted or [])
    try:
        return skops_io.load(file, trusted=names)
    except (StoredStateError, TypeError):
        raise  # already says what is wrong: a newer version, untrusted types
    except (zipfile.BadZipFile, KeyError, EOFError, ValueError, json.JSONDecodeError) as exc:
        where = os.fspath(file) if isinstance(file, (str, os.PathLike)) else file
        raise ValueError(
            f"Could not load {where}: it is not a complete skops file "
            f"(corrupted or truncated). {type(exc).__name__}: {exc}"
        ) from exc
