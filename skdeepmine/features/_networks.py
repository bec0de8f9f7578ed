"""DenseNetworkClassifier and DenseNetworkRegressor: dense networks for tabular data."""

from numbers import Real

from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import Interval

from ..core import BaseKerasEstimator, ClassifierCore, RegressorCore
from ..core._docs import (
    CONTINUATION_PARAMS_DOC,
    FITTED_DOC,
    STANDARDIZE_TARGET_DOC,
    TARGET_ATTRIBUTES_DOC,
    training_params_doc,
)
from ..core._moments import weighted_moments
from ._dense import build_dense_network

TRAINING_PARAMS_DOC = training_params_doc(batch_size=64)

_NETWORK_PARAMS_DOC = f"""
    model : keras.Model, callable or None, default=None
        The network. ``None`` builds the dense network described by the
        parameters below.  A Keras model is cloned (fresh weights) for each
        fit.  A callable is a build function, as in scikeras: it receives
        ``meta`` (``n_features_in_``, ``input_shape``, ``n_classes_``,
        ``n_outputs_expected_``, ``dtype``, and the weighted column means and
        variances ``X_mean_`` and ``X_variance_``) plus ``model_kwargs`` and
        returns a Keras model; if it compiles the model, its loss and
        optimizer are used.

    model_kwargs : dict, default=None
        Extra keyword arguments for a build function given as ``model``.

    hidden_units : tuple of int, default=(64, 16)
        Units of each hidden layer.  The last one is named ``"embedding"``:
        it is the layer :class:`NeuralFeatureExtractor` reads.

    activation : str, default="relu"
        Activation of the hidden layers.

    dropout : float, default=0.0
        Dropout rate after each hidden layer.

    standardize : bool, default=True
        Standardise the inputs inside the network, with the mean and
        variance of the (weighted) training data of the first fit, so raw,
        unscaled columns train well.
    {TRAINING_PARAMS_DOC.strip()}

    {CONTINUATION_PARAMS_DOC.strip()}
"""

_FITTED_DOC = FITTED_DOC


class _BaseDenseNetwork(BaseKerasEstimator):
    _parameter_constraints: dict = {
        **BaseKerasEstimator._parameter_constraints,
        "hidden_units": [tuple, list],
        "activation": [str],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "standardize": ["boolean"],
    }

    def _data_meta(self, X, sample_weight, input_shape):
        mean, variance = weighted_moments(X, sample_weight)
        return {"X_mean_": mean, "X_variance_": variance}

    def _dense_params(self):
        hidden_units = tuple(int(units) for units in self.hidden_units)
        if not hidden_units or min(hidden_units) < 1:
            raise ValueError(
                "hidden_units must hold at least one positive number of units; "
                f"got {self.hidden_units!r}."
            )
        return {
            "hidden_units": hidden_units,
            "activation": self.activation,
            "dropout": self.dropout,
            "standardize": self.standardize,
        }


class DenseNetworkClassifier(ClassifierMixin, ClassifierCore, _BaseDenseNetwork):
    __doc__ = f"""Dense neural network classifier for tabular data.

    A Keras multi-layer perceptron that standardises its inputs itself and
    behaves like any scikit-learn classifier: raw, unscaled columns in,
    labels out.  It is the network :class:`NeuralFeatureExtractor` trains
    (and whose last hidden layer it reads) when given class labels.

    Parameters
    ----------
    {_NETWORK_PARAMS_DOC.strip()}

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    {_FITTED_DOC.strip()}

    See Also
    --------
    DenseNetworkRegressor : The same network for regression.
    NeuralFeatureExtractor : The network's last hidden layer as features.
    sklearn.neural_network.MLPClassifier : scikit-learn's own perceptron.

    Notes
    -----
    The network computes in ``dtype``; by default (``"auto"``) in X's type:
    float32 X trains in float32, anything else in float64.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skdeepmine.features import DenseNetworkClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = DenseNetworkClassifier(epochs=5, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    _parameter_constraints: dict = {
        **_BaseDenseNetwork._parameter_constraints,
        **ClassifierCore._extra_constraints,
    }

    def __init__(
        self,
        model=None,
        *,
        model_kwargs=None,
        hidden_units=(64, 16),
        activation="relu",
        dropout=0.0,
        standardize=True,
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
        warm_start=False,
        callbacks=None,
        class_weight=None,
    ):
        self.model = model
        self.model_kwargs = model_kwargs
        self.hidden_units = hidden_units
        self.activation = activation
        self.dropout = dropout
        self.standardize = standardize
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
        self.class_weight = class_weight

    def _build_network(self, meta):
        return build_dense_network(meta, self._dense_params(), meta["n_classes_"], "softmax")


class DenseNetworkRegressor(RegressorMixin, RegressorCore, _BaseDenseNetwork):
    __doc__ = f"""Dense neural network regressor for tabular data.

    The network of :class:`DenseNetworkClassifier` with a linear output unit
    per target, trained on the mean squared error of the standardised
    targets.

    Parameters
    ----------
    {_NETWORK_PARAMS_DOC.strip()}

    {STANDARDIZE_TARGET_DOC.strip()}

    Attributes
    ----------
    {TARGET_ATTRIBUTES_DOC.strip()}
    {_FITTED_DOC.strip()}

    See Also
    --------
    DenseNetworkClassifier : The same network for classification.
    NeuralFeatureExtractor : The network's last hidden layer as features.

    Notes
    -----
    Inputs are standardised inside the network and, by default, targets
    around it (``standardize_target``), as
    :class:`~sklearn.compose.TransformedTargetRegressor` with a
    :class:`~sklearn.preprocessing.StandardScaler` would.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepmine.features import DenseNetworkRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 5))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> reg = DenseNetworkRegressor(epochs=5, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    def __init__(
        self,
        model=None,
        *,
        model_kwargs=None,
        hidden_units=(64, 16),
        activation="relu",
        dropout=0.0,
        standardize=True,
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
        warm_start=False,
        callbacks=None,
        standardize_target="auto",
    ):
        self.model = model
        self.model_kwargs = model_kwargs
        self.hidden_units = hidden_units
        self.activation = activation
        self.dropout = dropout
        self.standardize = standardize
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
        **_BaseDenseNetwork._parameter_constraints,
        **RegressorCore._extra_constraints,
    }

    def _build_network(self, meta):
        return build_dense_network(
            meta, self._dense_params(), meta["n_outputs_expected_"], None
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class DenseAutoencoder(DenseNetworkRegressor):
    """The dense network trained to reconstruct its (standardised) input.

    Private to :class:`NeuralFeatureExtractor`, which fits it on
    ``(X, standardised X)``: the hidden layers encode down to the
    ``"embedding"`` layer, a mirror image of them decodes back.
    """

    def _build_network(self, meta):
        params = self._dense_params()
        decoder_units = tuple(reversed(params["hidden_units"][:-1]))
        return build_dense_network(
            meta, params, meta["n_outputs_expected_"], None, decoder_units=decoder_units
        )
