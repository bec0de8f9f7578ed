"""Target handling for classifiers and regressors, shared by every network."""

import numpy as np
from sklearn.utils import compute_class_weight
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ._moments import weighted_moments


def _output_units(model):
    return int(model.outputs[0].shape[-1])


def _check_output_rank(estimator, model, expected):
    """Refuse networks without one output of shape (n_samples, units).

    TensorFlow would fail deep inside the loss, or broadcast silently.
    """
    shapes = [tuple(output.shape) for output in model.outputs]
    if len(shapes) != 1 or len(shapes[0]) != 2:
        got = (
            f"output of shape {shapes[0]}" if len(shapes) == 1
            else f"{len(shapes)} outputs of shapes {shapes}"
        )
        raise ValueError(
            f"The network's {got} does not fit {type(estimator).__name__}, "
            f"which needs one output of shape {expected}; end the network with "
            "a Dense layer on flat features (Flatten or global pooling first)."
        )


_ONE_HOT_LOSSES = {"categorical_crossentropy", "categoricalcrossentropy", "categorical_focal_crossentropy", "categoricalfocalcrossentropy", "kl_divergence", "kldivergence"}


def _wants_one_hot(loss):
    """Whether a Keras loss (name, function or object) compares against one-hot targets."""
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", type(loss).__name__)
    return name.lower() in _ONE_HOT_LOSSES

def reads_logits(loss):
    """Whether a Keras loss reads the network's outputs as logits (``from_logits=True``)."""
    get_config = getattr(loss, "get_config", None)
    if get_config is None:  # a name or a function: probabilities
        return False
    try:
        return bool(get_config().get("from_logits", False))
    except Exception:  # a custom loss without a usable config
        return False


def _is_linear(layer):
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", None) == "linear"


class ClassifierCore:
    """Hooks turning a :class:`BaseKerasEstimator` into a classifier.

    The network ends in a softmax over ``n_classes_`` units, or for binary
    problems optionally a single sigmoid unit (as many scikeras build
    functions do).
    """

    _extra_constraints = {"class_weight": [dict, StrOptions({"balanced"}), None]}

    def _encode_target(self, y, *, reset, classes=None):
        check_classification_targets(y)
        if reset:
            self.classes_ = np.unique(y) if classes is None else np.unique(classes)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    f"in the data, but the data contains only one class: "
                    f"{getattr(self.classes_[0], 'item', lambda: self.classes_[0])()!r}."
                )
            self.target_type_ = type_of_target(y)
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(
                f"y contains labels {unknown.tolist()} not seen in the first "
                f"fit (classes_={self.classes_.tolist()})."
            )
        return np.searchsorted(self.classes_, y).astype(np.int32)

    def _target_meta(self):
        return {
            "classes_": self.classes_,
            "n_classes_": len(self.classes_),
            "n_outputs_expected_": 1,
            "target_type_": self.target_type_,
        }

    def _sample_weight_multiplier(self, y, sample_weight):
        if self.class_weight is None:
            return None
        if self.class_weight == "balanced":
            # As scikit-learn does, weighted class counts; rows of zero
            # weight count as absent (they are dropped before training), so
            # integer weights give the class weights of repeated rows.
            counted = sample_weight > 0
            present = np.unique(y[counted])
            weights = compute_class_weight(
                "balanced", classes=present, y=y[counted],
                sample_weight=sample_weight[counted],
            )
            lookup = dict(zip(present, weights))
        else:
            index = {label: i for i, label in enumerate(self.classes_)}
            unknown = [c for c in self.class_weight if c not in index]
            if unknown:
                raise ValueError(
                    f"class_weight names classes {unknown} that are not in "
                    f"classes_={self.classes_.tolist()}."
                )
            lookup = {index[c]: float(w) for c, w in self.class_weight.items()}
        return np.array([lookup.get(label, 1.0) for label in y])

    def _stratify(self, y):
        return y

    def _default_loss(self, model):
        if _output_units(model) == 1:
            return "binary_crossentropy"
        return "sparse_categorical_crossentropy"

    def _loss_target(self, y, model, loss):
        dtype = model.inputs[0].dtype
        if _output_units(model) == 1:
            return y.astype(dtype).reshape(-1, 1)
        if _wants_one_hot(loss):
            # scikeras one-hot encodes for these losses; build functions
            # compiled with them keep working unchanged.
            return np.eye(len(self.classes_), dtype=dtype)[y]
        return y

    def _check_output(self, model):
        n_classes = len(self.classes_)
        expected = f"(n_samples, {n_classes})" + (
            " or (n_samples, 1)" if n_classes == 2 else ""
        )
        _check_output_rank(self, model, expected)
        units = _output_units(model)
        if units != n_classes and not (units == 1 and n_classes == 2):
            raise ValueError(
                f"The network's output has {units} units, but y has {n_classes} "
                "classes; it needs one unit per class (or one sigmoid unit for "
                "two classes)."
            )

    def _check_loss(self, model, loss):
        # A network ending in a linear layer gives logits: read as
        # probabilities, they made predict_proba return the logits (rows
        # summing to anything) or, under a loss reading probabilities, a
        # network that trains on clipped values (tests/test_core_hardening.py).
        if reads_logits(loss):
            return
        last = model.layers[-1] if model.layers else None
        if last is not None and _is_linear(last):
            raise ValueError(
                f"The network's last layer, {last.name!r}, is linear: its outputs are "
                "logits, not probabilities, but the loss reads probabilities. End the "
                "network with activation='softmax' (or 'sigmoid' for one unit), or "
                "compile it with a loss given from_logits=True."
            )

    def _probabilities(self, outputs):
        outputs = np.asarray(outputs, dtype=np.float64)
        if getattr(self, "_outputs_logits", False):
            if outputs.shape[1] == 1:
                outputs = 0.5 * (1.0 + np.tanh(0.5 * outputs))  # the sigmoid, without overflow
            else:
                outputs = np.exp(outputs - outputs.max(axis=1, keepdims=True))
                outputs /= outputs.sum(axis=1, keepdims=True)
        if outputs.shape[1] == 1:
            outputs = np.hstack([1.0 - outputs, outputs])
        return outputs

    def _validation_score(self, y, outputs, sample_weight):
        predicted = self._probabilities(outputs).argmax(axis=1)
        from sklearn.metrics import accuracy_score

        # Early stopping holds out targets as the loss reads them: one-hot
        # for a categorical loss (_loss_target), class indices otherwise.
        y = np.asarray(y)
        y = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else np.ravel(y).astype(int)
        return float(accuracy_score(y, predicted, sample_weight=sample_weight))

    def predict_proba(self, X):
        """Class probabilities for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, columns ordered as ``classes_``.
        """
        return self._probabilities(self._forward(X))

    def predict(self, X):
        """Predict class labels for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels, drawn from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training samples.
        y : array-like of shape (n_samples,)
            Labels.
        classes : array-like of shape (n_classes,), default=None
            All labels that will ever appear; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
            The estimator.
        """
        first = not hasattr(self, "model_")
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        self._validate_params()
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            # Each call would balance its own batch: a stream of batches of
            # one class each trained exactly as without class weights.
            raise ValueError(
                "class_weight='balanced' is not supported for partial_fit: each call "
                "would balance its own batch, not the whole data. Compute the class "
                "weights over all the data (sklearn.utils.class_weight."
                "compute_class_weight) and pass them as a dict."
            )
        return self._fit(
            X, y, sample_weight, continuing=not first, epochs=1,
            allow_validation=False, classes=classes if first else None,
        )


def _target_moments(y, sample_weight):
    """Weighted mean and standard deviation of each column of 2-D ``y``.

    A constant column gets a scale of 1, so standardising only centres it.
    """
    mean, variance = weighted_moments(y, sample_weight)
    return mean, np.sqrt(variance)


class RegressorCore:
    """Hooks turning a :class:`BaseKerasEstimator` into a regressor.

    One linear output unit per target; the loss is the mean squared error.
    With ``standardize_target`` the network learns ``(y - mean) / scale``
    (the weighted moments of the first fit's targets, ``target_mean_`` and
    ``target_scale_``) and every output read as a target is mapped back.
    """

    _extra_constraints = {"standardize_target": ["boolean", StrOptions({"auto"})]}

    def _scale_target(self, y, sample_weight, *, reset):
        if reset:
            standardize = getattr(self, "standardize_target", "auto")
            if standardize == "auto":
                # A user's network may end in an activation that assumes the
                # target's own scale (a relu for counts): leave it alone.
                standardize = self.model is None
            moments = _target_moments(y, sample_weight) if standardize else (None, None)
            self.target_mean_, self.target_scale_ = moments
        mean = getattr(self, "target_mean_", None)
        if mean is None:
            return y
        return (np.asarray(y, dtype=np.float64) - mean) / self.target_scale_

    def _to_target_units(self, outputs):
        """Network outputs (or network-scale targets) in the units of ``y``."""
        outputs = np.asarray(outputs, dtype=np.float64)
        mean = getattr(self, "target_mean_", None)
        if mean is None:
            return outputs
        return outputs.reshape(len(outputs), -1) * self.target_scale_ + mean

    def _y_validation_kwargs(self):
        return {"multi_output": True, "y_numeric": True}

    def _encode_target(self, y, *, reset, classes=None):
        y = np.asarray(y)
        if reset:
            self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
            self._y_ndim = y.ndim
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if n_outputs != self.n_outputs_:
            raise ValueError(
                f"y has {n_outputs} outputs, but {type(self).__name__} was "
                f"fitted with {self.n_outputs_}."
            )
        return y.reshape(len(y), -1)

    def _target_meta(self):
        return {"n_outputs_expected_": self.n_outputs_, "target_type_": "continuous"}

    def _default_loss(self, model):
        return "mean_squared_error"

    def _loss_target(self, y, model, loss):
        return y.astype(model.inputs[0].dtype)

    def _check_output(self, model):
        _check_output_rank(self, model, f"(n_samples, {self.n_outputs_})")
        units = _output_units(model)
        if units != self.n_outputs_:
            raise ValueError(
                f"The network's output has {units} units, but y has "
                f"{self.n_outputs_} target(s)."
            )

    def _validation_score(self, y, outputs, sample_weight):
        from sklearn.metrics import r2_score

        return float(r2_score(
            self._to_target_units(y), self._to_target_units(outputs),
            sample_weight=sample_weight,
        ))

    def predict(self, X):
        """Predict targets for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted targets.
        """
        outputs = self._to_target_units(self._forward(X))
        return outputs.ravel() if self._y_ndim == 1 else outputs

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
            The estimator.
        """
        self._validate_params()
        first = not hasattr(self, "model_")
        return self._fit(
            X, y, sample_weight, continuing=not first, epochs=1, allow_validation=False
        )
