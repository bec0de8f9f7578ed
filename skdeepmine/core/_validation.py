"""Input validation shared by every Keras-backed estimator.

Tabular rows go through scikit-learn's ``validate_data`` (feature names,
``n_features_in_``, dtype, NaN/inf).  Arrays of images or signals (3-D and up)
are checked with ``check_array(allow_nd=True)``; ``n_features_in_`` then counts
the values of one sample.  Predict-time samples must have the fitted shape
(or one that ``input_shape`` declares): a sample of another layout with as
many values is refused, not reshaped into garbage.
"""

import math

import numpy as np
from scipy import sparse
from sklearn.utils import check_array
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    check_consistent_length,
    validate_data,
)

from ._paths import check_not_lone_path, image_paths_input, looks_like_paths
from ._value_range import check_value_range, record_value_range

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

    On ``reset`` the fitted sample shape is stored as ``estimator._sample_shape``;
    afterwards X must come in a layout :func:`_check_layout` accepts, and is
    returned in the fitted one.
    """
    _reject_sparse(X)
    check_not_lone_path(estimator, X)
    if looks_like_paths(X):  # image files, read a batch at a time (_paths.py)
        X, y = image_paths_input(
            estimator, X, reset=reset, y=y, y_kwargs=y_kwargs, has_y=y is not NO_Y
        )
        _value_range(estimator, X, reset)
        return X if y is NO_Y else (X, y)
    if _ndim(X) <= 2:
        X, y = _validate_rows(estimator, X, y, reset=reset, y_kwargs=y_kwargs)
    else:
        X, y = _validate_samples(estimator, X, y, reset=reset, y_kwargs=y_kwargs)
    if reset:
        estimator._sample_shape = X.shape[1:]
    else:
        X = X.reshape((len(X),) + _check_layout(estimator, X.shape[1:]))
    _value_range(estimator, X, reset)
    return X if y is NO_Y else (X, y)


_FAST_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
# The ufuncs' reductions, without the array methods' Python wrappers.
_MINIMUM, _MAXIMUM = np.minimum.reduce, np.maximum.reduce


def validated_fast(estimator, X):
    """``X`` as :func:`validate_X` (``reset=False``) returns it, when it is the common case; else None.

    The common case: a NumPy float32/float64 array of finite values, at
    least one sample, each of the fitted sample shape, for an estimator
    fitted without feature names.  :func:`validate_X` would return such an
    array unchanged after checking exactly that (scikit-learn's
    ``validate_data``: feature names, dtype, sample count, ``n_features_in_``,
    finiteness; then the layout), at about 80 microseconds a call, more than
    a small network's whole 1-row prediction (benchmarks/bench_core.py).
    Anything else returns None, for the caller to run :func:`validate_X`,
    which raises or warns as it always does; the value-range warning is the
    one check run here, by the same function at the same call depth (so its
    ``stacklevel`` names the same caller).  tests/test_fast_predict.py feeds
    the same inputs to both paths.
    """
    if type(X) is not np.ndarray or X.dtype not in _FAST_DTYPES:
        return None
    state = estimator.__dict__
    shape = state.get("_sample_shape")
    if (
        shape is None
        or "feature_names_in_" in state
        or X.shape[1:] != tuple(shape)
        or not X.shape[0]
    ):
        return None
    got = None
    if state.get("_value_range") is not None:
        # The range the scale warning compares; NaN and inf show in it.
        got = float(_MINIMUM(X, None)), float(_MAXIMUM(X, None))
        if not (math.isfinite(got[0]) and math.isfinite(got[1])):
            return None
    elif not _all_finite(X):
        return None
    _value_range(estimator, X, False, got)
    return X


def _all_finite(X):
    """Whether no value of float array ``X`` is NaN or infinite.

    Small arrays value by value; large ones by their sum, as scikit-learn
    does (no temporary array of a bool per value), which is also inf when
    finite values overflow: validate_X then tells the two apart.
    """
    if X.size <= 4096:
        return bool(np.isfinite(X).all())
    with np.errstate(over="ignore", invalid="ignore"):
        return math.isfinite(X.sum())


def as_network_dtype(X, dtype, bound=None):
    """Validated ``X`` in the float type ``dtype`` a network computes in.

    A float64 value beyond float32's range (about 3.4e38) would become
    infinite in a float32 network, whose outputs are then NaN: a prediction
    of NaN probabilities and an arbitrary class.  Such X is refused here.
    ``X`` is finite (validated); only a narrowing cast can overflow.
    ``bound``: a narrower float type the network computes parts in
    (``_float64.float32_bound``), whose range X must keep without a cast.
    """
    if bound is not None and X.dtype.kind == "f" and X.dtype.itemsize > bound.itemsize and X.size:
        largest = max(abs(float(_MAXIMUM(X, None))), abs(float(_MINIMUM(X, None))))
        if largest > float(np.finfo(bound).max):
            raise _beyond_range(largest, bound, f"{dtype}, but parts of it (batch "
                                f"normalisation, softmax) compute in {bound} on this backend")
    if X.dtype == dtype:
        return X
    with np.errstate(over="ignore"):
        cast = X.astype(dtype)
    if X.dtype.kind == "f" and X.dtype.itemsize > dtype.itemsize and not _all_finite(cast):
        raise _beyond_range(float(np.abs(X).max()), dtype, str(dtype))
    return cast


def _beyond_range(largest, dtype, computes_in):
    return ValueError(
        f"X holds values beyond {dtype}'s range (the largest magnitude is "
        f"{largest:.3g}, above {float(np.finfo(dtype).max):.3g}); the network "
        f"computes in {computes_in}, where they would be infinite. "
        "Scale X first."
    )


def _value_range(estimator, X, reset, got=None):
    """Store (fit) or compare (predict) the images' value range (_value_range.py)."""
    if reset:
        record_value_range(estimator, X)
    else:
        check_value_range(estimator, X, got)


_COMMON = dict(dtype=FLOAT_DTYPES, ensure_all_finite=True)


def _validate_rows(estimator, X, y, *, reset, y_kwargs):
    """Tabular X (or flat rows of samples): scikit-learn's own validation."""
    if y is NO_Y:
        return validate_data(estimator, X, reset=reset, **_COMMON), y
    return validate_data(estimator, X, y, reset=reset, **_COMMON, **y_kwargs)


def _validate_samples(estimator, X, y, *, reset, y_kwargs):
    """Images and signals (3-D X and up); ``n_features_in_`` counts one sample's values."""
    X = check_array(X, allow_nd=True, input_name="X", **_COMMON)
    # check_array counts features of 2-D arrays only; an image of height
    # 0 would otherwise train a network on no input at all.
    if 0 in X.shape[1:]:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a "
            f"minimum of 1 is required by {type(estimator).__name__}."
        )
    if not reset:
        # Named before validate_data's count of values, which a sample of
        # another layout would pass.
        _check_layout(estimator, X.shape[1:])
    validate_data(estimator, X.reshape(len(X), -1), reset=reset, skip_check_array=True)
    if y is None:
        raise ValueError(
            f"This {type(estimator).__name__} estimator requires y to be "
            "passed, but the target y is None."
        )
    if y is not NO_Y:
        y = _check_y(y, **y_kwargs)
        check_consistent_length(X, y)
    return X, y


def _check_layout(estimator, got):
    """Return the fitted sample shape if samples of shape ``got`` may be read as it.

    A sample of another layout with as many values (channels first after
    channels last) would be reshaped into garbage, so only three layouts
    are read: the fitted one, the estimator's ``input_shape`` if it has one,
    and flat rows where flat rows were fitted or ``input_shape`` says how to
    read them.
    """
    got, fitted = tuple(got), tuple(estimator._sample_shape)
    declared = getattr(estimator, "input_shape", None)
    declared = None if declared is None else tuple(int(d) for d in declared)
    size = int(np.prod(fitted))
    readable = {fitted}
    if declared is not None and int(np.prod(declared)) == size:
        readable |= {declared, (size,)}
    if got in readable:
        return fitted
    hint = ""
    if len(got) == 1 and int(np.prod(got)) == size:
        hint = (
            " Flat rows are read only where flat rows were fitted or "
            "input_shape says how to reshape them; pass samples of the fitted "
            "shape."
        )
    raise ValueError(
        f"X has samples of shape {got}, but {type(estimator).__name__} was "
        f"fitted on samples of shape {fitted}.{hint}"
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
