"""What a hybrid checks of X itself, and the matrix its estimator learns on.

X goes to the extractor as given (a DataFrame stays a DataFrame, strings stay
strings), so that any transformer works as the extractor, a ColumnTransformer
selecting columns by name included.  The hybrid checks only what it needs:
the number of samples and of features, and the feature names, as
scikit-learn's meta-estimators do.
"""

import numpy as np
from scipy import sparse
from sklearn.utils.validation import _check_feature_names

from ..core._paths import check_not_lone_path, looks_like_paths

#: Prefix of the names of the extractor's features (``deep0``, ``deep1``, ...).
DEEP_PREFIX = "deep"


def is_pandas_frame(X):
    return type(X).__name__ == "DataFrame" and type(X).__module__.startswith("pandas")


def check_input(hybrid, X, *, reset):
    """Check the samples and features of ``X``; return it unconverted.

    Lists and other array-likes without a shape become arrays (of objects
    when they hold strings, so numbers are not turned into text); a sequence
    of image paths stays as it is.  ``n_features_in_`` counts the values of one
    sample (all pixels of an image); on ``reset`` it and ``feature_names_in_``
    are set, otherwise checked.
    """
    name = type(hybrid).__name__
    if sparse.issparse(X):
        raise TypeError(
            f"Sparse input is not supported by {name}; convert it with "
            "X.toarray() first."
        )
    check_not_lone_path(hybrid, X)
    if not (hasattr(X, "shape") or hasattr(X, "__dataframe__") or looks_like_paths(X)):
        X = _as_array(X)
    shape = tuple(X.shape) if hasattr(X, "shape") else (len(X),)
    if len(shape) == 1 and looks_like_paths(X):
        # Image file paths, one per sample, read by the extractor (core/_paths.py).
        if getattr(hybrid, "passthrough", False):
            raise ValueError(
                f"X holds image file paths, which passthrough=True cannot append "
                f"to the deep features; use {name}(passthrough=False)."
            )
        shape = shape + (1,)
    if len(shape) < 2:
        raise ValueError(
            f"Expected a 2D array or more, got {len(shape)}D array instead "
            f"(shape={shape}). Reshape your data either using X.reshape(-1, 1) "
            "if it has a single feature or X.reshape(1, -1) if it contains a "
            "single sample."
        )
    if shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={shape}) while a minimum of 1 "
            f"is required by {name}."
        )
    n_features = int(np.prod(shape[1:]))
    if n_features == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={shape}) while a minimum of 1 "
            f"is required by {name}."
        )
    _check_feature_names(hybrid, X, reset=reset)
    if reset:
        # For paths fit() replaces this by the extractor's count of pixels,
        # so the same images are accepted as an array (tests/test_hybrid.py).
        hybrid.n_features_in_ = n_features
    elif looks_like_paths(X):
        pass  # the extractor reads the files and checks their shape
    elif n_features != hybrid.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but {name} is expecting "
            f"{hybrid.n_features_in_} features as input."
        )
    if reset and is_pandas_frame(X):
        taken = sorted(set(map(str, X.columns)) & set(deep_names(shape[1])))
        if taken:
            raise ValueError(
                f"X has columns named {taken}, the names {name} gives the "
                f"extractor's features ({DEEP_PREFIX}0, {DEEP_PREFIX}1, ...); "
                "rename them."
            )
    return X


def _as_array(X):
    try:
        array = np.asarray(X)
    except ValueError as exc:
        raise ValueError(
            f"X must be a rectangular array; got a ragged nested sequence ({exc})."
        ) from None
    if array.dtype.kind in "USO":
        array = np.asarray(X, dtype=object)
    return array


def deep_names(n_deep):
    return [f"{DEEP_PREFIX}{i}" for i in range(n_deep)]


def as_2d(features):
    """The extractor's output as a dense 2-D array."""
    if sparse.issparse(features):
        features = features.toarray()
    features = np.asarray(features)
    return features.reshape(len(features), -1)


def combine(deep, X, *, passthrough, names, as_frame):
    """The estimator's input: the deep features, then (with passthrough) X's own.

    A pandas DataFrame when ``as_frame`` (the hybrid was fitted on one), with
    columns ``names`` and X's dtypes kept (categories stay categories);
    otherwise an array, of floats when X is numeric.
    """
    if as_frame:
        import pandas as pd

        parts = [pd.DataFrame(deep)]
        if passthrough:
            if is_pandas_frame(X):
                parts.append(X.reset_index(drop=True))
            else:
                parts.append(pd.DataFrame(np.asarray(X).reshape(len(X), -1)))
        combined = pd.concat(parts, axis=1, ignore_index=True)
        combined.columns = list(names)
        return combined
    if not passthrough:
        return deep
    flat = np.asarray(X)
    flat = flat.reshape(len(flat), -1)
    if flat.dtype.kind in "biuf":
        flat = flat.astype(np.result_type(deep, flat), copy=False)
    return np.hstack([deep, flat])
