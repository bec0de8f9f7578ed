"""Warn when images at predict are on another value scale than at fit.

A CNN fitted with ``rescale=1/255`` on [0, 255] pixels and then given
images already divided by 255 silently predicts at chance; the reverse
(fitted on [0, 1], given raw pixels) saturates.  The range of the training
images is stored at fit (``_value_range``) and compared, cheaply, with each
predict batch's (tests/test_image_paths.py).
"""

import warnings

import numpy as np

from ._paths import is_image_paths

# Images on pixel scale reach well above PIXEL_SCALE; images on unit scale stay
# at most UNIT_SCALE.  Only these two clearly separate scales are compared.
PIXEL_SCALE = 10.0
UNIT_SCALE = 1.01
# Images read from paths to find their range (each costs one decode).
SAMPLED_FILES = 8


def _range(X):
    if is_image_paths(X):
        # Unreadable files are skipped: fit leaves them out (on_error="warn")
        # or names them itself, after this check (tests/test_image_paths.py).
        X = X.read_readable(np.arange(min(len(X), SAMPLED_FILES)))
    X = np.asarray(X)
    if X.size == 0:
        return None
    # The methods: np.min and np.max's dispatch cost a 1-row prediction 2 us.
    return float(X.min()), float(X.max())


def record_value_range(estimator, X):
    """Store the value range of the training images of an image estimator.

    Only images and signals (paths, or arrays of 3 dimensions and up): a
    table's columns have no common scale to compare.
    """
    if hasattr(estimator, "_image_reading"):
        images = is_image_paths(X) or np.ndim(X) >= 3
        estimator._value_range = _range(X) if images else None


def check_value_range(estimator, X, got=None):
    """Warn when ``X``'s values are on another scale (unit vs pixel) than at fit.

    ``got``: X's (min, max), where the caller has them.
    """
    fitted = getattr(estimator, "_value_range", None)
    if fitted is None or not hasattr(estimator, "_image_reading"):
        return
    got = _range(X) if got is None else got
    if got is None:
        return
    if fitted[1] > PIXEL_SCALE and 0 < got[1] <= UNIT_SCALE:
        hint = "already divided by 255"
    elif fitted[1] <= UNIT_SCALE and got[1] > PIXEL_SCALE:
        hint = "not divided by 255 as at fit"
    else:
        return
    warnings.warn(
        f"X's values lie in [{got[0]:.3g}, {got[1]:.3g}], but "
        f"{type(estimator).__name__} was fitted on values in [{fitted[0]:.3g}, "
        f"{fitted[1]:.3g}]. Are the images {hint}? Pass them on the scale of "
        "the training images; predictions on another scale are meaningless.",
        UserWarning, stacklevel=4,
    )
