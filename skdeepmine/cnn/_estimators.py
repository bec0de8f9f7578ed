"""CNNClassifier and CNNRegressor: convolutional networks for images and signals."""

import os
import warnings
from numbers import Integral, Real

import numpy as np

from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from ..core import BaseKerasEstimator, ClassifierCore, RegressorCore
from ..core._backend import get_keras
from ..core._paths import is_image_paths
from ..core._docs import (
    CONTINUATION_PARAMS_DOC,
    FITTED_DOC,
    STANDARDIZE_TARGET_DOC,
    TARGET_ATTRIBUTES_DOC,
    training_params_doc,
)
from ..core._seeding import keras_build_scope
from ..core._standardize import channel_moments
from ..core._value_range import UNIT_SCALE
from ._architecture import build_cnn, network_input_shape, resolve_label_smoothing
from ._balance import balanced_training_data
from ._preprocessing import with_preprocessing

# Signals whose values' mean or spread exceed this get a warning at fit.
SIGNAL_SCALE = 100.0

_COMMON_PARAMS_DOC = """
    model : keras.Model, callable or None, default=None
        The network. ``None`` builds the configurable CNN described by the
        parameters below.  A Keras model is cloned (fresh weights) for each
        fit.  A callable is a build function, as in scikeras: it receives
        ``meta`` (``n_features_in_``, ``input_shape``, ``n_classes_``,
        ``classes_``, ``n_outputs_expected_``, ``dtype``, ...) plus
        ``model_kwargs`` and returns a Keras model; if it compiles the model,
        its loss and optimizer are used.

    model_kwargs : dict, default=None
        Extra keyword arguments for a build function given as ``model``.

    input_shape : tuple of int, default=None
        Shape of one sample, used to reshape flat rows: ``(length,)`` or
        ``(length, channels)`` for signals, ``(height, width)`` or
        ``(height, width, channels)`` for images.  ``None`` takes the shape of
        X's samples; flat rows are then read as 1-D signals.

    input_kind : {"auto", "image", "signal"}, default="auto"
        How to read two-dimensional samples: ``"auto"`` and ``"image"`` read
        ``(a, b)`` as a single-channel image, ``"signal"`` as a signal of
        length ``a`` with ``b`` channels.

    image_size : int, tuple of (int, int) or None, default=None
        When X is a 1-D array of image file paths: ``(height, width)`` each
        image is resized to (an int means a square).  ``None`` takes the size
        of the first training image.  Images are read a batch at a time while
        the network trains, with the reader of
        :func:`~skdeepmine.datasets.load_image_folder` (pixels in [0, 255]).
        Prediction reads images at the fitted size.

    color_mode : {"rgb", "grayscale", "rgba"}, default="rgb"
        Channels of images read from file paths: 3, 1 or 4.

    crop_to_aspect_ratio : bool, default=False
        Crop the centre of each image read from a file to the aspect ratio of
        ``image_size`` instead of stretching it, as Keras's
        ``image_dataset_from_directory(crop_to_aspect_ratio=True)``.

    on_error : {"raise", "warn"}, default="raise"
        What ``fit`` does with an image file (X given as paths) that cannot be
        read: raise a ``ValueError`` naming it, or -- as
        ``load_image_folder(on_error="warn")`` -- leave that sample out with a
        warning naming the file.  ``"warn"`` decodes every file once before
        training to find them.  Prediction always raises: it must return one
        answer per sample.

    filters : tuple of int or "auto", default="auto"
        Number of filters of each convolution block.  ``"auto"``: ``(32, 64)``;
        ``(32, 64, 128)`` for :class:`CNNClassifier` on 1-D signals (see the
        user guide's "Defaults" section).

    kernel_size : int or "auto", default="auto"
        Size of the convolution kernels.  ``"auto"``: 3 (3x3) for images, 7
        for 1-D signals (what scored best on each; see the user guide's
        "Defaults" section).

    pool_size : int, default=2
        Max-pooling size after each block (skipped once the feature map is
        smaller than it).

    batch_norm : bool or "auto", default="auto"
        Batch normalisation after each convolution.  ``"auto"``: for images
        of at most 16x16 pixels, not for larger images or 1-D signals (what
        scored best on each; see the user guide's "Defaults" section).

    dropout : float, default=0.0
        Dropout rate after each block and dense layer.

    dense_units : tuple of int, default=(128,)
        Units of the dense layers of the head.

    activation : str, default="relu"
        Activation of the hidden layers.

    global_pooling : {"auto", None, "avg", "max", "avg_max"}, default="auto"
        How the last feature map becomes a vector: flattened (``None``; after
        further max-pooling while it holds more than 4,096 values, so that
        large images do not build millions of dense weights), or pooled over
        its positions: the average, the maximum, or both side by side
        (``"avg_max"``, twice the filters of the last block).  Pooling
        discards where in the map a pattern sits.  ``"auto"``: average
        pooling for images of at most 16x16 pixels, flattened for larger
        images; on 1-D signals ``"avg_max"`` for :class:`CNNClassifier`,
        flattened for :class:`CNNRegressor`.

    rescale : float, default=None
        Factor applied to the inputs inside the network, as Keras's
        ``ImageDataGenerator(rescale=1/255)``.  It and the ``random_*``
        augmentations below apply to any network: the built-in one, and a
        network given as ``model`` (placed in front of it as Keras layers).
        Augmentations act in training only; prediction sees the rescaled image.

    standardize : bool or "auto", default="auto"
        Standardise each channel inside the network, with its mean and
        variance over all positions of the (weighted) training samples of the
        first fit, after ``rescale``: signals recorded on their own scale (a
        pressure of 101325 +- 50 Pa, a temperature of 20 +- 5 degrees) then
        train as well as signals of order 1, with no scaler to forget in a
        pipeline.  ``"auto"``: for the built-in network on 1-D signals; not
        for images (which ``rescale`` scales) nor for networks given as
        ``model`` or ``backbone``.  ``True`` standardises images and a
        ``model``'s inputs too (images in memory; not with ``backbone``,
        whose own preprocessing expects pixels in [0, 255]).

    random_flip : {None, "horizontal", "vertical", "horizontal_and_vertical"}, default=None
        Training-time random flips of images.

    random_rotation : float, default=0.0
        Training-time random rotation, as a fraction of a full turn.

    random_zoom : float, default=0.0
        Training-time random zoom, as a fraction of the image size.

    random_translation : float, default=0.0
        Training-time random shift, as a fraction of the image size.

    backbone : str, keras.Model or None, default=None
        A pretrained network to read the images with, in place of the
        convolution blocks: the name of a ``keras.applications`` model
        (``"MobileNetV3Small"``, ``"EfficientNetB0"``, ``"ResNet50"``, ...;
        without its classification top) or a Keras model (copied, weights
        included).  Images are repeated to three channels if grey, resized
        to the model's native size (224x224 for most) and put through its
        own ``preprocess_input``; pixel values are expected in [0, 255], as
        :func:`~skdeepmine.datasets.load_image_folder` gives them (use
        ``rescale=255`` for [0, 1] images).  Its feature map is pooled
        (``global_pooling``, average by default) into the dense head.

    backbone_weights : "imagenet", str, path or None, default="imagenet"
        Weights of a named backbone: ``"imagenet"`` (downloaded by Keras on
        first use, then cached), ``None`` (random), or the path of a local
        weights file saved from the same model without its top.  A Keras
        model given as ``backbone`` keeps its own weights unless this is a
        file.

    fine_tune : bool, default=False
        Train the backbone's weights too; ``False`` keeps them frozen and
        trains only the head.

    {training_params}

    {continuation_params}
"""

_COMMON_PARAMS_DOC = _COMMON_PARAMS_DOC.replace(
    "{training_params}", training_params_doc(batch_size=32).strip()
).replace("{continuation_params}", CONTINUATION_PARAMS_DOC.strip())

_FITTED_DOC = FITTED_DOC + """
    input_shape_ : tuple of int
        Shape of one sample as the network reads it.
"""


class _BaseCNN(BaseKerasEstimator):
    _parameter_constraints: dict = {
        **BaseKerasEstimator._parameter_constraints,
        "input_shape": [tuple, None],
        "input_kind": [StrOptions({"auto", "image", "signal"})],
        "image_size": [Interval(Integral, 1, None, closed="left"), tuple, list, None],
        "color_mode": [StrOptions({"rgb", "grayscale", "rgba"})],
        "crop_to_aspect_ratio": ["boolean"],
        "on_error": [StrOptions({"raise", "warn"})],
        "filters": [tuple, list, StrOptions({"auto"})],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
        "batch_norm": ["boolean", StrOptions({"auto"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_units": [tuple, list],
        "activation": [str],
        "global_pooling": [StrOptions({"auto", "avg", "max", "avg_max"}), None],
        "rescale": [Real, None],
        "standardize": ["boolean", StrOptions({"auto"})],
        "random_flip": [StrOptions({"horizontal", "vertical", "horizontal_and_vertical"}), None],
        "random_rotation": [Interval(Real, 0, None, closed="left")],
        "random_zoom": [Interval(Real, 0, None, closed="left")],
        "random_translation": [Interval(Real, 0, None, closed="left")],
        "backbone": [str, HasMethods(["get_config"]), None],
        "backbone_weights": [str, os.PathLike, None],
        "fine_tune": ["boolean"],
    }

    def _network_input_shape(self, sample_shape):
        return network_input_shape(sample_shape, self.input_shape, self.input_kind)

    def _standardizes(self, input_shape):
        """Whether the network standardises its inputs (``standardize`` resolved)."""
        if self.standardize == "auto":
            return self.model is None and self.backbone is None and len(input_shape) == 2
        return self.standardize

    def _data_meta(self, X, sample_weight, input_shape):
        if not self._standardizes(input_shape):
            return {}
        if self.backbone is not None:
            raise ValueError(
                "standardize=True cannot apply to a backbone, whose own "
                "preprocessing expects pixels in [0, 255]; leave standardize at 'auto'."
            )
        if is_image_paths(X):
            raise ValueError(
                "standardize=True needs the images' mean and variance, so it needs "
                "them in memory: read them with load_image_folder, or use rescale."
            )
        mean, variance = channel_moments(X, sample_weight, input_shape[-1])
        scale = 1.0 if self.rescale is None else float(self.rescale)
        return {"X_mean_": mean * scale, "X_variance_": variance * scale**2}

    def _check_rescaled_twice(self):
        # Images already divided by 255, given rescale=1/255 as well (the
        # ImageDataGenerator habit): at most 0.004 after rescale, the default
        # network scored 0.52 where either alone scored 1.0, silently.
        fitted = getattr(self, "_value_range", None)  # core/_value_range.py, at validation
        if self.rescale is None or fitted is None or not 0 < fitted[1] <= UNIT_SCALE:
            return
        if abs(float(self.rescale)) * fitted[1] < 0.1:
            warnings.warn(
                f"The training images' values lie in [{fitted[0]:.3g}, {fitted[1]:.3g}], "
                f"already on unit scale, and rescale={float(self.rescale):.4g} takes them "
                f"to at most {abs(float(self.rescale)) * fitted[1]:.2g}: images divided "
                "by 255 twice may learn little. Leave rescale out for images in [0, 1].",
                UserWarning, stacklevel=6,
            )

    def _check_input_scale(self, X, input_shape):
        if len(input_shape) == 3:
            self._check_rescaled_twice()
            return
        # Signals the network does not standardise reach the convolutions as
        # they are (after rescale).  Sine signals on a pressure's scale
        # (101325 +- 50) left such a network at chance, where the same signals
        # at unit scale scored 0.975 to 1.0 (tests/test_cnn_defaults.py).
        if len(input_shape) != 2 or is_image_paths(X) or self._standardizes(input_shape):
            return
        values = np.asarray(X)  # validated floats; accumulated in float64, not copied
        if not values.size:
            return
        # What the convolutions see: the values after rescale.
        scale = 1.0 if self.rescale is None else float(self.rescale)
        mean = scale * float(values.mean(dtype=np.float64))
        std = abs(scale) * float(values.std(dtype=np.float64))
        if max(abs(mean), std) > SIGNAL_SCALE:
            rescaled = "" if self.rescale is None else " after rescale"
            warnings.warn(
                f"The training signals' values have mean {mean:.4g} and standard "
                f"deviation {std:.4g}{rescaled}; a CNN learns from signals of order 1, "
                "and on this scale it may learn little. Standardise them first, e.g. "
                "make_pipeline(StandardScaler(), CNNClassifier(...)) for flat rows, "
                "pass standardize=True, or rescale.",
                UserWarning, stacklevel=6,
            )

    def _image_reading(self):
        """How X given as image file paths is read (core/_paths.py)."""
        return {
            "image_size": self.image_size,
            "color_mode": self.color_mode,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "on_error": self.on_error,
        }

    def _build_model(self, meta, seed):
        if self.model is not None and self.backbone is not None:
            raise ValueError("Pass either model or backbone, not both.")
        model, compiled = super()._build_model(meta, seed)
        if self.model is not None:
            # The built-in network has these layers already; a user's gets them here.
            with keras_build_scope(seed, meta["dtype"]):
                model = with_preprocessing(model, meta, self._cnn_params())
        return model, compiled

    def _cnn_params(self):
        return {name: getattr(self, name) for name in (
            "filters", "kernel_size", "pool_size", "batch_norm", "dropout",
            "dense_units", "activation", "global_pooling", "rescale",
            "random_flip", "random_rotation", "random_zoom", "random_translation",
            "backbone", "backbone_weights", "fine_tune",
        )}


class CNNClassifier(ClassifierMixin, ClassifierCore, _BaseCNN):
    __doc__ = f"""Convolutional neural network classifier for images and 1-D signals.

    A Keras CNN (convolution blocks, then a dense head with a softmax) that
    behaves like any scikit-learn classifier: it validates its parameters and
    inputs, fits in a Pipeline, grid-searches, cross-validates, clones and
    pickles.

    Parameters
    ----------
    {_COMMON_PARAMS_DOC.strip()}

    label_smoothing : float in [0, 1) or "auto", default="auto"
        Label smoothing of the cross-entropy loss, as Keras's
        ``CategoricalCrossentropy(label_smoothing=...)``: the targets become
        ``1 - label_smoothing`` for the true class plus ``label_smoothing``
        spread evenly over all classes.  ``"auto"``: 0.1 for the built-in
        network on 1-D signals, where it scored best, 0 for images and for
        networks given as ``model`` or ``backbone``.  A ``model`` compiled
        with its own loss keeps that loss.  Smoothing caps the probabilities
        the network learns to give (0.91 for the true class of 10).

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.

    balanced_batches : bool, default=False
        Over-sample the smaller classes in training: each epoch sees every
        class as often as the largest one (each image of a class as many
        whole times as fit, the remainder drawn at random, then shuffled into
        batches).  Nothing is copied, and with ``random_*`` augmentation each
        repeat is a new variant of the image.  The held-out part of
        ``early_stopping`` is not over-sampled.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    {_FITTED_DOC.strip()}

    See Also
    --------
    CNNRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : A dense network on flat rows.

    Notes
    -----
    The network computes in ``dtype``; by default in X's type, as
    scikit-learn's MLP does (float32 X in float32, anything else in float64).
    ``dtype="float32"`` gives the faster arithmetic whatever X is.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdeepmine import CNNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X.reshape(-1, 8, 8)[:300] / 16.0
    >>> clf = CNNClassifier(filters=(8,), dense_units=(32,), epochs=5,
    ...                     random_state=0).fit(X, y[:300])
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 10)
    """

    _parameter_constraints: dict = {
        **_BaseCNN._parameter_constraints,
        **ClassifierCore._extra_constraints,
        "label_smoothing": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})],
        "balanced_batches": ["boolean"],
    }

    def __init__(
        self,
        model=None,
        *,
        model_kwargs=None,
        input_shape=None,
        input_kind="auto",
        image_size=None,
        color_mode="rgb",
        crop_to_aspect_ratio=False,
        on_error="raise",
        filters="auto",
        kernel_size="auto",
        pool_size=2,
        batch_norm="auto",
        dropout=0.0,
        dense_units=(128,),
        activation="relu",
        global_pooling="auto",
        rescale=None,
        standardize="auto",
        random_flip=None,
        random_rotation=0.0,
        random_zoom=0.0,
        random_translation=0.0,
        backbone=None,
        backbone_weights="imagenet",
        fine_tune=False,
        epochs=50,
        batch_size=32,
        learning_rate=0.001,
        optimizer="adam",
        random_state=None,
        verbose=0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        metrics=None,
        dtype="auto",
        warm_start=False,
        callbacks=None,
        label_smoothing="auto",
        class_weight=None,
        balanced_batches=False,
    ):
        self.model = model
        self.model_kwargs = model_kwargs
        self.input_shape = input_shape
        self.input_kind = input_kind
        self.image_size = image_size
        self.color_mode = color_mode
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.on_error = on_error
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.dense_units = dense_units
        self.activation = activation
        self.global_pooling = global_pooling
        self.rescale = rescale
        self.standardize = standardize
        self.random_flip = random_flip
        self.random_rotation = random_rotation
        self.random_zoom = random_zoom
        self.random_translation = random_translation
        self.backbone = backbone
        self.backbone_weights = backbone_weights
        self.fine_tune = fine_tune
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.random_state = random_state
        self.verbose = verbose
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.metrics = metrics
        self.dtype = dtype
        self.warm_start = warm_start
        self.callbacks = callbacks
        self.label_smoothing = label_smoothing
        self.class_weight = class_weight
        self.balanced_batches = balanced_batches

    def _build_network(self, meta):
        return build_cnn(
            meta, self._cnn_params(), meta["n_classes_"], "softmax", pooled_signals=True
        )

    def _default_loss(self, model):
        loss = super()._default_loss(model)
        smoothing = resolve_label_smoothing(
            self.label_smoothing,
            tuple(model.inputs[0].shape)[1:],
            built_in=self.model is None and self.backbone is None,
        )
        if smoothing and loss == "sparse_categorical_crossentropy":
            # Keras smooths one-hot targets only; core/_targets.py one-hot
            # encodes y for this loss.
            return get_keras().losses.CategoricalCrossentropy(label_smoothing=smoothing)
        return loss

    def _resample_training(self, train_data, seed):
        if not self.balanced_batches:
            return train_data
        return balanced_training_data(train_data, seed)


class CNNRegressor(RegressorMixin, RegressorCore, _BaseCNN):
    __doc__ = f"""Convolutional neural network regressor for images and 1-D signals.

    The network of :class:`CNNClassifier` with a linear output unit per
    target, trained on the mean squared error of the standardised targets.

    Parameters
    ----------
    {_COMMON_PARAMS_DOC.strip()}

    {STANDARDIZE_TARGET_DOC.strip()}

    Attributes
    ----------
    {TARGET_ATTRIBUTES_DOC.strip()}
    {_FITTED_DOC.strip()}

    See Also
    --------
    CNNClassifier : The same network for classification.

    Notes
    -----
    The network computes in ``dtype`` (by default X's type: float32 stays
    float32, anything else trains in float64).  By default the targets are
    standardised around the network (``standardize_target``), as
    :class:`~sklearn.compose.TransformedTargetRegressor` with a
    :class:`~sklearn.preprocessing.StandardScaler` would.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepmine import CNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 16))
    >>> y = X[:, :4].sum(axis=1)
    >>> reg = CNNRegressor(filters=(8,), dense_units=(16,), epochs=5,
    ...                    random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    def __init__(
        self,
        model=None,
        *,
        model_kwargs=None,
        input_shape=None,
        input_kind="auto",
        image_size=None,
        color_mode="rgb",
        crop_to_aspect_ratio=False,
        on_error="raise",
        filters="auto",
        kernel_size="auto",
        pool_size=2,
        batch_norm="auto",
        dropout=0.0,
        dense_units=(128,),
        activation="relu",
        global_pooling="auto",
        rescale=None,
        standardize="auto",
        random_flip=None,
        random_rotation=0.0,
        random_zoom=0.0,
        random_translation=0.0,
        backbone=None,
        backbone_weights="imagenet",
        fine_tune=False,
        epochs=50,
        batch_size=32,
        learning_rate=0.001,
        optimizer="adam",
        random_state=None,
        verbose=0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        metrics=None,
        dtype="auto",
        warm_start=False,
        callbacks=None,
        standardize_target="auto",
    ):
        self.model = model
        self.model_kwargs = model_kwargs
        self.input_shape = input_shape
        self.input_kind = input_kind
        self.image_size = image_size
        self.color_mode = color_mode
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.on_error = on_error
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.dense_units = dense_units
        self.activation = activation
        self.global_pooling = global_pooling
        self.rescale = rescale
        self.standardize = standardize
        self.random_flip = random_flip
        self.random_rotation = random_rotation
        self.random_zoom = random_zoom
        self.random_translation = random_translation
        self.backbone = backbone
        self.backbone_weights = backbone_weights
        self.fine_tune = fine_tune
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.random_state = random_state
        self.verbose = verbose
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.metrics = metrics
        self.dtype = dtype
        self.warm_start = warm_start
        self.callbacks = callbacks
        self.standardize_target = standardize_target

    _parameter_constraints: dict = {
        **_BaseCNN._parameter_constraints,
        **RegressorCore._extra_constraints,
    }

    def _build_network(self, meta):
        return build_cnn(meta, self._cnn_params(), meta["n_outputs_expected_"], None)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
