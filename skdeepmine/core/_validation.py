"""Input validation shared by every Keras-backed estimator.

Tabular rows go through scikit-learn's ``validate_data`` (feature names,
``n_features_in_``, dtype, NaN/inf).  Arrays of images or signals (3-D and up)
are checked with ``check_array(allow_nd=True)``; ``n_features_in_`` then counts
the values of one sample, and predict-time samples must have the fitted shape
(or be flat rows of the same size).
"""

import numpy as np
from scipy import sparse
from sklearn.utils import check_array
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    check_consistent_length,
    validate_data,
)

FLOAT_DTYPES = (np.float64, np.float32)


def _reject_sparse(X):
    if sparse.issparse(X):
        raise TypeError(
            "Sparse input is not supported by skdeepmine's neural estimators; "
            "convert it with X.toarray() first."
        )


def _ndim(X):
    if hasattr(X, "ndim"):
        return X.ndim
    try:
        return np.asarray(X).ndim
    except ValueError as exc:
        raise ValueError(
            f"X must be a rectangular array; got a ragged nested sequence ({exc})."
        ) from None


NO_Y = "no_validation"


def validate_X(estimator, X, *, reset, y=NO_Y, y_kwargs=None):
    """Validate ``X`` (and ``y`` unless ``NO_Y``); return X of shape (n, *sample_shape).

    On ``reset`` the fitted sample shape is stored as ``estimator._sample_shape``.
    """
    _reject_sparse(X)
    ndim = _ndim(X)
    common = dict(dtype=FLOAT_DTYPES, ensure_all_finite=True)
    if ndim <= 2:
        if y is NO_Y:
            X = validate_data(estimator, X, reset=reset, **common)
        else:
            X, y = validate_data(estimator, X, y, reset=reset, **common, **y_kwargs)
        sample_shape = X.shape[1:]
    else:
        X = check_array(X, allow_nd=True, input_name="X", **common)
        sample_shape = X.shape[1:]
        # check_array counts features of 2-D arrays only; an image of height
        # 0 would otherwise train a network on no input at all.
        if 0 in sample_shape:
            raise ValueError(
                f"Found array with 0 feature(s) (shape={X.shape}) while a "
                f"minimum of 1 is required by {type(estimator).__name__}."
            )
        if not reset:
            _check_sample_shape(estimator, sample_shape)
        flat = X.reshape(len(X), -1)
        validate_data(estimator, flat, reset=reset, skip_check_array=True)
        if y is None:
            raise ValueError(
                f"This {type(estimator).__name__} estimator requires y to be "
                "passed, but the target y is None."
            )
        if y is not NO_Y:
            y = _check_y(y, **y_kwargs)
            check_consistent_length(X, y)
    if reset:
        estimator._sample_shape = tuple(sample_shape)
    else:
        fitted = estimator._sample_shape
        if tuple(sample_shape) != fitted:
            X = X.reshape((len(X),) + fitted)
    return X if y is NO_Y else (X, y)


def _check_sample_shape(estimator, got):
    expected = estimator._sample_shape
    if tuple(got) != tuple(expected) and int(np.prod(got)) != int(np.prod(expected)):
        raise ValueError(
            f"X has samples of shape {tuple(got)}, but "
            f"{type(estimator).__name__} was fitted on samples of shape "
            f"{tuple(expected)}."
        )


def check_fit_sample_weight(sample_weight, n_samples, dtype):
    """Validate sample weights: finite, non-negative, not all zero."""
    if sample_weight is None:
        return np.ones(n_samples, dtype=dtype)
    sample_weight = _check_sample_weight(
        sample_weight, np.empty((n_samples, 0)), dtype=dtype, ensure_non_negative=True
    )
    if not np.any(sample_weight > 0):
        raise ValueError(
            "Sample weights must contain at least one non-zero number."
        )
    return sample_weight
