"""NeuralFeatureExtractor: a trained network's hidden layer as a transformer."""

import os
from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.extmath import svd_flip
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ..cnn import CNNClassifier, CNNRegressor
from ..core import BaseKerasEstimator
from ..core._atomic import all_or_nothing
from ..core._backend import get_keras
from ..core._paths import is_image_paths, predict_batches
from ..core._validation import check_fit_sample_weight, validate_X
from ..utils._doc_link import DocLinkMixin
from ..core._moments import weighted_moments
from ._dense import EMBEDDING_LAYER
from ._layers import default_layer, find_layer, layer_width, sub_network
from ._networks import (
    TRAINING_PARAMS_DOC,
    DenseAutoencoder,
    DenseNetworkClassifier,
    DenseNetworkRegressor,
)

_TRAINING_PARAMS = (
    "epochs", "batch_size", "learning_rate", "optimizer", "random_state", "verbose",
    "early_stopping", "validation_fraction", "n_iter_no_change", "tol", "metrics",
    "dtype",
)

_NETWORKS = {
    ("dense", "classification"): DenseNetworkClassifier,
    ("dense", "regression"): DenseNetworkRegressor,
    ("dense", "autoencoder"): DenseAutoencoder,
    ("cnn", "classification"): CNNClassifier,
    ("cnn", "regression"): CNNRegressor,
    ("cnn", "autoencoder"): CNNRegressor,
}


class NeuralFeatureExtractor(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, DocLinkMixin, BaseEstimator
):
    __doc__ = f"""Learn an embedding with a neural network; transform to it.

    ``fit`` trains a network and ``transform`` returns the activations of one
    of its hidden layers: ``n_components`` learned features per sample, for a
    classical estimator to mine (see :class:`HybridClassifier`).

    * Given ``y``, the network has a head trained on ``y`` (a softmax over the
      classes, or linear units for continuous targets), so the embedding
      separates what ``y`` needs; the head is not used by ``transform``.
    * Without ``y``, the network is an autoencoder trained to reconstruct its
      standardised input, and the embedding is its bottleneck.

    The network is the dense network of :class:`DenseNetworkClassifier` for
    tabular data (it standardises raw columns itself), the CNN of
    :class:`CNNClassifier` for images and 1-D signals, or your own Keras
    model.

    Parameters
    ----------
    n_components : int or None, default=16
        Number of features to extract.  The built-in networks get an
        embedding layer of this width after ``hidden_units`` (``None``: the
        last of ``hidden_units`` is the embedding).  With your own ``model``,
        ``None`` keeps every value of ``layer``; a smaller number keeps the
        leading principal components of its activations on the training data;
        a larger one is an error.

    architecture : {{"auto", "dense", "cnn"}}, default="auto"
        ``"dense"`` for tabular rows, ``"cnn"`` for images and signals.
        ``"auto"`` picks the CNN for X of three or more dimensions (a batch of
        images or multi-channel signals), and for flat rows given with a
        setting only the CNN reads (``input_shape``, ``input_kind="signal"``
        or ``"image"``, ``backbone``), and the dense network otherwise; pass
        ``"cnn"`` for flat rows that are signals with none of these.  With your own ``model``, it only decides how samples
        are shaped (the CNN adds a channel axis).

    model : keras.Model, callable or None, default=None
        Your own network, as for :class:`CNNClassifier`: a Keras model (cloned,
        fresh weights, for each fit) or a build function receiving ``meta``.
        Given ``y``, it must end in the head for ``y`` (one softmax unit per
        class, or one linear unit per target); without ``y``, in one linear
        unit per input value.

    model_kwargs : dict, default=None
        Extra keyword arguments for a build function given as ``model``.

    layer : str, default=None
        Name of the layer whose activations are the features.  ``None`` reads
        the embedding layer of the built-in networks, or the layer feeding the
        output layer of your own ``model``.  The built-in networks' layers
        have fixed names, the same in every process (``conv_0``,
        ``conv_0_activation``, ``pool_0``, ``dense_0``, ``embedding``,
        ``output``; list them with ``[l.name for l in network_.model_.layers]``).

    target : {{"auto", "classification", "regression"}}, default="auto"
        How to read ``y``: ``"auto"`` treats binary and multiclass labels as
        classes and anything else as continuous targets, which the network
        learns standardised.

    hidden_units : tuple of int, default=(64,)
        Units of the hidden layers before the embedding (for the CNN: of the
        dense layers after the convolutions).

    activation : str, default="relu"
        Activation of the hidden layers, embedding included.

    filters : tuple of int, default=(32, 64)
        Convolution blocks of the CNN.

    input_shape : tuple of int, default=None
        Shape of one sample for the CNN, to reshape flat rows (see
        :class:`CNNClassifier`).

    input_kind : {{"auto", "image", "signal"}}, default="auto"
        How the CNN reads two-dimensional samples (see :class:`CNNClassifier`).

    backbone : str, keras.Model or None, default=None
        A pretrained image network for the CNN, in place of its convolution
        blocks (see :class:`CNNClassifier`): a ``keras.applications`` name
        such as ``"MobileNetV3Small"``, or a Keras model.  With
        ``layer="global_pool"`` and ``n_components=None`` the features are the
        backbone's own pooled features.

    backbone_weights : "imagenet", str, path or None, default="imagenet"
        Weights of a named backbone (see :class:`CNNClassifier`).

    fine_tune : bool, default=False
        Train the backbone too; ``False`` keeps it frozen.

    network_params : dict, default=None
        Further parameters of the network estimator, such as
        ``{{"dropout": 0.2}}`` or ``{{"kernel_size": 5}}``; not the ones this
        class sets itself.
    {TRAINING_PARAMS_DOC.strip()}

    Attributes
    ----------
    network_ : estimator
        The trained network estimator: :class:`DenseNetworkClassifier`,
        :class:`DenseNetworkRegressor`, :class:`CNNClassifier`,
        :class:`CNNRegressor`, or for the dense autoencoder a private
        subclass of :class:`DenseNetworkRegressor`.  Its ``model_`` is the
        whole Keras network, head included.

    layer_ : str
        Name of the layer the features are read from.

    n_components_ : int
        Number of features ``transform`` returns.

    n_features_in_ : int
        Number of values in one sample of X.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    HybridClassifier : These features with a tree ensemble on top.
    DenseNetworkClassifier : The dense network, as a classifier.
    sklearn.decomposition.PCA : A linear embedding.

    Notes
    -----
    The features are in the floating-point type of X (float32 stays float32,
    anything else is float64), whatever ``dtype`` the network computes in
    (by default X's type).
    Sample weights count like repeated rows,
    also in the input standardisation of the dense network.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skdeepmine.features import NeuralFeatureExtractor
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> extractor = NeuralFeatureExtractor(n_components=4, epochs=3, random_state=0)
    >>> extractor.fit_transform(X, y).shape
    (569, 4)
    >>> extractor.get_feature_names_out()[:2]
    array(['neuralfeatureextractor0', 'neuralfeatureextractor1'], dtype=object)
    >>> NeuralFeatureExtractor(n_components=2, epochs=3).fit_transform(X).shape
    (569, 2)
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "architecture": [StrOptions({"auto", "dense", "cnn"})],
        "model": [HasMethods(["get_config"]), callable, None],
        "model_kwargs": [dict, None],
        "layer": [str, None],
        "target": [StrOptions({"auto", "classification", "regression"})],
        "hidden_units": [tuple, list],
        "activation": [str],
        "filters": [tuple, list],
        "input_shape": [tuple, None],
        "input_kind": [StrOptions({"auto", "image", "signal"})],
        "backbone": [str, HasMethods(["get_config"]), None],
        "backbone_weights": [str, os.PathLike, None],
        "fine_tune": ["boolean"],
        "network_params": [dict, None],
        **{
            name: BaseKerasEstimator._parameter_constraints[name]
            for name in _TRAINING_PARAMS
        },
    }

    def __init__(
        self,
        n_components=16,
        *,
        architecture="auto",
        model=None,
        model_kwargs=None,
        layer=None,
        target="auto",
        hidden_units=(64,),
        activation="relu",
        filters=(32, 64),
        input_shape=None,
        input_kind="auto",
        backbone=None,
        backbone_weights="imagenet",
        fine_tune=False,
        network_params=None,
        epochs=50,
        batch_size=64,
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
    ):
        self.n_components = n_components
        self.architecture = architecture
        self.model = model
        self.model_kwargs = model_kwargs
        self.layer = layer
        self.target = target
        self.hidden_units = hidden_units
        self.activation = activation
        self.filters = filters
        self.input_shape = input_shape
        self.input_kind = input_kind
        self.backbone = backbone
        self.backbone_weights = backbone_weights
        self.fine_tune = fine_tune
        self.network_params = network_params
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

    # --------------------------------------------------------------- fitting
    @all_or_nothing
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, sample_weight=None):
        """Train the network and set up reading its embedding.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training samples: rows, images or signals, or a 1-D array of
            image file paths, read a batch at a time as ``network_params``
            says (``image_size``, ``color_mode``; see :class:`CNNClassifier`).
        y : array-like of shape (n_samples,) or (n_samples, n_targets), default=None
            Labels or targets the embedding should serve; ``None`` trains an
            autoencoder.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; an integer weight counts like that many
            repeated rows.

        Returns
        -------
        self : object
            The fitted extractor.
        """
        if y is None:
            X = validate_X(self, X, reset=True)
        else:
            X, y = validate_X(
                self, X, reset=True, y=y,
                y_kwargs={"multi_output": True, "y_numeric": False},
            )
        weights = check_fit_sample_weight(sample_weight, len(X), X.dtype)
        architecture = self._architecture(X)
        kind = self._task(y)
        self._check_own_model()

        network = self._make_network(architecture, kind)
        if kind == "autoencoder" and is_image_paths(X):
            raise ValueError(
                "An autoencoder (y=None) reconstructs its input, so it needs the "
                "images in memory: read them with load_image_folder, or pass y."
            )
        if kind == "autoencoder":
            y = _standardized(X.reshape(len(X), -1), weights)
        elif kind == "regression":
            y = _standardized(np.asarray(y, dtype=np.float64), weights)
        network.fit(X, y, sample_weight=sample_weight)

        model = network.model_
        name = self._layer_name(model, architecture)
        width = layer_width(find_layer(model, name))
        self._check_width(width, name)
        embedding = sub_network(model, name)
        projection = None
        if self.n_components is not None and self.n_components < width:
            x = X.reshape((len(X),) + network.input_shape_)
            activations = predict_batches(embedding, x).reshape(len(X), -1)
            projection = _weighted_pca(activations, weights, self.n_components)

        self.network_ = network
        self.layer_ = name
        self.n_components_ = width if projection is None else self.n_components
        self._projection = projection
        self._embedding_network = embedding
        return self

    def _architecture(self, X):
        """``architecture`` with "auto" resolved for ``X``.

        Settings only the CNN reads (``input_shape``, an ``input_kind`` other
        than "auto", a ``backbone``) ask for it: flat rows given with
        ``input_kind="signal"`` are signals, not a table.
        """
        if self.architecture != "auto":
            return self.architecture
        asks_for_cnn = (
            self.backbone is not None or self.input_shape is not None
            or self.input_kind != "auto"
        )
        return "cnn" if X.ndim > 2 or asks_for_cnn else "dense"

    def _task(self, y):
        if y is None:
            return "autoencoder"
        if self.target != "auto":
            return self.target
        kind = type_of_target(y)
        return "classification" if kind in ("binary", "multiclass") else "regression"

    def _make_network(self, architecture, kind):
        cls = _NETWORKS[(architecture, kind)]
        hidden = tuple(self.hidden_units)
        if self.model is None and self.n_components is not None:
            hidden = hidden + (self.n_components,)
        params = {
            "model": self.model,
            "model_kwargs": self.model_kwargs,
            "activation": self.activation,
            **{name: getattr(self, name) for name in _TRAINING_PARAMS},
        }
        if architecture == "dense":
            cnn_only = [
                name for name, given in (
                    ("backbone", self.backbone is not None),
                    ("input_shape", self.input_shape is not None),
                    ("input_kind", self.input_kind != "auto"),
                ) if given
            ]
            if cnn_only:
                raise ValueError(
                    f"{', '.join(cnn_only)} configure the CNN, which "
                    "architecture='dense' does not build; use architecture='cnn' "
                    "(or 'auto')."
                )
            params["hidden_units"] = hidden
        else:
            params.update(
                dense_units=hidden, filters=self.filters,
                input_shape=self.input_shape, input_kind=self.input_kind,
                backbone=self.backbone, backbone_weights=self.backbone_weights,
                fine_tune=self.fine_tune,
            )
        extra = dict(self.network_params or {})
        taken = sorted(set(extra) & (set(params) | {"hidden_units", "dense_units"}))
        if taken:
            raise ValueError(
                f"network_params sets {taken}, which NeuralFeatureExtractor sets "
                "itself; use its own parameters of these names (hidden_units "
                "and n_components for the layer sizes)."
            )
        unknown = sorted(set(extra) - set(cls().get_params()))
        if unknown:
            raise ValueError(
                f"network_params names {unknown}, which are not parameters of "
                f"{cls.__name__}."
            )
        return cls(**params, **extra)

    def _image_reading(self):
        """How X given as image file paths is read: ``network_params``' settings."""
        extra = self.network_params or {}
        return {
            "image_size": extra.get("image_size"),
            "color_mode": extra.get("color_mode", "rgb"),
            "crop_to_aspect_ratio": extra.get("crop_to_aspect_ratio", False),
            "on_error": extra.get("on_error", "raise"),
        }

    def _layer_name(self, model, architecture):
        if self.layer is not None:
            return self.layer
        if self.model is None and EMBEDDING_LAYER in [layer.name for layer in model.layers]:
            return EMBEDDING_LAYER  # the built-in networks name it so in every process
        return default_layer(model)

    def _check_own_model(self):
        """Check `layer` and `n_components` against a given Keras model before training."""
        if self.model is None:
            return
        keras = get_keras()
        if not isinstance(self.model, keras.Model) or not self.model.built:
            return  # a build function: checked once the network exists
        name = self.layer if self.layer is not None else default_layer(self.model)
        layer = find_layer(self.model, name)
        try:
            width = layer_width(layer)
        except (AttributeError, ValueError):  # not connected in a graph
            return
        self._check_width(width, name)

    def _check_width(self, width, name):
        if self.n_components is not None and self.n_components > width:
            raise ValueError(
                f"n_components={self.n_components} is larger than layer "
                f"{name!r}, which has {width} values per sample; use "
                f"n_components <= {width}, or None to keep them all."
            )

    # ------------------------------------------------------------ transform
    def transform(self, X):
        """Embed ``X``: the activations of the network's layer ``layer_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples shaped like the training samples (flat rows where flat
            rows were fitted or ``input_shape`` reads them).

        Returns
        -------
        X_new : ndarray of shape (n_samples, `n_components_`)
            The learned features.
        """
        check_is_fitted(self)
        X = validate_X(self, X, reset=False)
        x = X.reshape((len(X),) + self.network_.input_shape_)
        features = predict_batches(self._embedding_network, x).reshape(len(X), -1)
        if self._projection is not None:
            mean, components = self._projection
            features = (features - mean) @ components.T
        # In X's float type, whatever the network computes in (``dtype``).
        return features.astype(X.dtype, copy=False)

    @property
    def _n_features_out(self):
        return self.n_components_

    # ----------------------------------------------------------- persistence
    def __getstate__(self):
        state = dict(super().__getstate__())
        # The embedding network shares the weights of network_.model_; saving
        # it too would store them twice.  It is rebuilt on loading.
        state.pop("_embedding_network", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if hasattr(self, "network_"):
            self._embedding_network = sub_network(self.network_.model_, self.layer_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _standardized(values, weights):
    """``values`` centred and scaled with their weighted column moments."""
    values = np.asarray(values, dtype=np.float64)
    flat = values.reshape(len(values), -1)
    mean, variance = weighted_moments(flat, weights)
    return ((flat - mean) / np.sqrt(variance)).reshape(values.shape)


def _weighted_pca(activations, weights, n_components):
    """Mean and leading principal axes of ``activations`` under ``weights``."""
    activations = np.asarray(activations, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    mean = np.average(activations, axis=0, weights=weights)
    scaled = (activations - mean) * np.sqrt(weights / weights.sum())[:, None]
    u, _, vt = np.linalg.svd(scaled, full_matrices=False)
    _, vt = svd_flip(u, vt)
    components = np.zeros((n_components, activations.shape[1]))
    kept = min(n_components, len(vt))
    components[:kept] = vt[:kept]  # fewer samples than components: zero features
    return mean, components
