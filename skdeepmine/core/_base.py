"""The base class every Keras-backed skdeepmine estimator derives from.

Subclasses describe their network (``_build_network``) and their target
(``_encode_target``, ``_default_loss``, ``_validation_score``); validation,
seeding, the training loop, early stopping, history, persistence and fast
prediction live here, once.
"""

import inspect
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._doc_link import DocLinkMixin
from ._atomic import all_or_nothing, weights_restored_on_failure
from ._backend import backend_name, get_keras
from ._batchnorm import batch_norm_start, correct_batch_norm
from ._engine import copy_network, forget_engine, predict_raw, trainable_layout
from ._float64 import input_types
from ._paths import drop_unreadable, is_image_paths
from ._persistence import KerasPickleMixin
from ._seeding import draw_seed, keras_build_scope
from ._targets import reads_logits
from ._training import checkout_trainer, optimizer_key, train
from ._validation import as_network_dtype, check_fit_sample_weight, validate_X, validated_fast

DTYPES = {"float32", "float64", "auto"}
OPTIMIZERS = {"adam", "adamw", "nadam", "rmsprop", "sgd", "adagrad", "adadelta", "adamax"}


def network_dtype(dtype, X):
    """The float type a network computes in: ``dtype``, or X's for ``"auto"``.

    On TensorFlow ``"auto"`` follows scikit-learn's MLP: float32 X in
    float32, anything else in float64.  On JAX and PyTorch it is float32,
    and ``"float64"`` is refused: Keras's type promotion there turns float64
    into float32 (``keras.backend.result_type``), so a float64 network
    computes its losses and batch normalisations in float32 (a 1e-10 change
    of X moved no output of such a network's normalisation layer on either
    backend, even in JAX's 64-bit mode, against 1e-9 on TensorFlow), and
    JAX truncates float64 to float32 outside its 64-bit mode
    (tests/test_precision.py).
    """
    backend = backend_name()
    if dtype == "float64" and backend != "tensorflow":
        raise ValueError(
            f"dtype='float64' needs Keras's TensorFlow backend: on the {backend} "
            "backend Keras computes batch normalisation and losses in float32 "
            "whatever the network's dtype, so the network would keep float32 "
            "precision there. Use dtype='float32' or 'auto' (float32), or set "
            "KERAS_BACKEND=tensorflow before Keras is first imported."
        )
    if dtype != "auto":
        return dtype
    if backend != "tensorflow":
        return "float32"
    return "float32" if getattr(X, "dtype", None) == np.float32 else "float64"


class BaseKerasEstimator(KerasPickleMixin, DocLinkMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared machinery of skdeepmine's Keras-backed estimators.

    Not meant to be used directly: use :class:`~skdeepmine.CNNClassifier`,
    :class:`~skdeepmine.CNNRegressor` or
    :class:`~skdeepmine.NeuralFeatureExtractor`.
    """

    _parameter_constraints: dict = {
        "model": [HasMethods(["get_config"]), callable, None],
        "model_kwargs": [dict, None],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(OPTIMIZERS), HasMethods(["get_config", "apply"])],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "callbacks": [list, None],
        "metrics": [list, tuple, None],
        "dtype": [StrOptions(DTYPES)],
    }

    # ----------------------------------------------------------------- hooks
    @abstractmethod
    def _build_network(self, meta):
        """Return the default (uncompiled) Keras model for ``meta``."""

    @abstractmethod
    def _encode_target(self, y, *, reset, classes=None):
        """Validate-side encoding of ``y``; sets target attributes on reset."""

    @abstractmethod
    def _default_loss(self, model):
        """The Keras loss used when the model was not compiled with one."""

    @abstractmethod
    def _validation_score(self, y, outputs, sample_weight):
        """Score of raw network outputs on encoded targets (higher is better)."""

    def _target_meta(self):
        """Target-related entries of the ``meta`` dict."""
        return {}

    def _loss_target(self, y, model, loss):
        """Adapt encoded targets to what ``loss`` expects for ``model``."""
        return y

    def _network_input_shape(self, sample_shape):
        """Shape of one sample as the network sees it."""
        return tuple(sample_shape)

    def _y_validation_kwargs(self):
        return {"multi_output": False, "y_numeric": False}

    def _scale_target(self, y, sample_weight, *, reset):
        """Encoded targets as the network learns them; ``reset`` on a first fit."""
        return y

    def _sample_weight_multiplier(self, y, sample_weight):
        """Per-sample factors applied on top of ``sample_weight`` (class weights)."""
        return None

    def _stratify(self, y):
        return None

    def _resample_training(self, train_data, seed):
        """The ``(x, y, sample_weight)`` an epoch trains on (over-sampled, say)."""
        return train_data

    def _data_meta(self, X, sample_weight, input_shape):
        """Entries of ``meta`` computed from the (weighted) training data.

        For networks that bake statistics of their training data into
        themselves, such as an input standardisation.  Called on the first
        fit only, after rows of zero weight are dropped; ``input_shape`` is
        the shape of one sample as the network reads it.
        """
        return {}

    # --------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on ``X`` and ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training samples: rows, images or signals.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; an integer weight counts like that many
            repeated rows and a zero weight like a removed row.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        continuing = self.warm_start and hasattr(self, "model_")
        return self._fit(
            X, y, sample_weight, continuing=continuing, epochs=self.epochs,
            reconfigure_optimizer=True,
        )

    @all_or_nothing
    def _fit(
        self, X, y, sample_weight, *, continuing, epochs, allow_validation=True,
        classes=None, reconfigure_optimizer=False,
    ):
        X, y = validate_X(
            self, X, reset=not continuing, y=y, y_kwargs=self._y_validation_kwargs()
        )
        y = self._encode_target(y, reset=not continuing, classes=classes)
        weights = check_fit_sample_weight(sample_weight, len(X), X.dtype)
        X, y, weights = drop_unreadable(self, X, y, weights)
        multiplier = self._sample_weight_multiplier(y, weights)
        weights = weights * multiplier if multiplier is not None else weights.copy()
        # A zero weight means "as if the row were absent": drop it outright.
        kept = weights > 0
        if not kept.all():
            X, y, weights = X[kept], y[kept], weights[kept]
        y = self._scale_target(y, weights, reset=not continuing)

        random_state = check_random_state(self.random_state)
        seed = draw_seed(random_state)
        input_shape = self._network_input_shape(X.shape[1:])
        self._check_input_scale(X, input_shape)
        if continuing:
            model = self.model_
            if tuple(model.inputs[0].shape)[1:] != input_shape:
                raise ValueError(
                    f"X has samples of network shape {input_shape}, but the "
                    f"fitted network takes {tuple(model.inputs[0].shape)[1:]}."
                )
            backend = backend_name()
            if str(model.inputs[0].dtype) == "float64" and backend != "tensorflow":
                raise ValueError(
                    "This network computes in float64 (it was fitted on Keras's "
                    f"TensorFlow backend); trained on the {backend} backend, its "
                    "losses and batch normalisations would compute in float32 "
                    "(see dtype). Continue its training on TensorFlow, or refit "
                    "with dtype='float32'."
                )
            loss, optimizer_config = self._loss_spec, self._optimizer_config
            optimizer_state, history = self._optimizer_state, list(self.history_)
            from_params = getattr(self, "_optimizer_from_params", False)
            if reconfigure_optimizer and from_params:
                # A warm-start fit builds its optimizer from the current
                # parameters, as scikit-learn's MLP does; an unchanged one
                # keeps its state.
                config = self._optimizer_config_from_params()
                if optimizer_key(config) != optimizer_key(optimizer_config):
                    optimizer_config, optimizer_state = config, None
            layout = trainable_layout(model)
            if layout != getattr(self, "_trainable_layout", layout):
                # Layers' `trainable` flags changed since the last fit: as
                # after Keras's re-compile, only the trainable weights train,
                # with a fresh optimizer state (tests/test_continued_training.py).
                forget_engine(model)
                optimizer_state = None
        else:
            meta = self._meta(X, input_shape)
            meta.update(self._data_meta(X, weights, input_shape))
            model, compiled = self._build_model(meta, seed)
            loss = compiled.get("loss") or self._default_loss(model)
            self._check_loss(model, loss)
            from_params = not compiled.get("optimizer")
            optimizer_config = compiled.get("optimizer") or self._optimizer_config_from_params()
            optimizer_state, history = None, []
        if not model.trainable_variables:
            raise ValueError(
                "The network has no trainable weights (its layers' `trainable` "
                "flags are all False), so fitting would change nothing; set "
                "`trainable = True` on the layers to train."
            )

        dtype = model.inputs[0].dtype
        if is_image_paths(X):  # read a batch at a time by the training loop
            x = X.reshape((len(X),) + input_shape)
        else:
            x = as_network_dtype(np.asarray(X), *input_types(dtype))
            x = x.reshape((len(X),) + input_shape)
        y = self._loss_target(y, model, loss)
        w = weights.astype(dtype)
        train_data, validation_data = (x, y, w), None
        if self.early_stopping and allow_validation:
            train_data, validation_data = self._split_validation(x, y, w, seed)
        train_data = self._resample_training(train_data, seed)

        target_spec = ((None,) + y.shape[1:], y.dtype)
        callbacks = list(self.callbacks or [])
        # A continued fit trains the fitted network; some trainers train it in
        # place (core/_engine.py), so a failure puts its weights back.
        start = None if continuing else batch_norm_start(model)
        with weights_restored_on_failure(model if continuing else None):
            with checkout_trainer(
                model, optimizer_config, loss, target_spec, optimizer_state
            ) as trainer:
                records = train(
                    trainer,
                    train_data,
                    epochs=epochs,
                    batch_size=self.batch_size,
                    rng=np.random.RandomState(seed),
                    validation_data=validation_data,
                    score=self._validation_score,
                    n_iter_no_change=self.n_iter_no_change,
                    tol=self.tol,
                    verbose=self.verbose,
                    callbacks=callbacks,
                    metrics=self.metrics,
                    first_epoch=len(history),
                )
                optimizer_state = trainer.store(model)
            # The weights kept: the best epoch's under early stopping.
            kept_epochs = len(records)
            if validation_data is not None and records:
                kept_epochs = int(np.argmin([r["val_loss"] for r in records])) + 1
            if start is not None:  # a fit from the start (core/_batchnorm.py)
                correct_batch_norm(start, kept_epochs * -(-len(train_data[0]) // self.batch_size))

        # Only now, with training done, does the estimator change: an
        # interrupted fit leaves it as it was.
        self.model_ = model
        self.input_shape_ = input_shape
        self.history_ = history + records
        self.loss_curve_ = [record["loss"] for record in self.history_]
        self.n_iter_ = len(self.history_)
        # A refit without early stopping must not keep the last one's scores.
        for stale in ("validation_scores_", "best_validation_score_"):
            self.__dict__.pop(stale, None)
        if validation_data is not None:
            self.validation_scores_ = [r["val_score"] for r in self.history_ if "val_score" in r]
            self.best_validation_score_ = records[kept_epochs - 1]["val_score"]
        self._loss_spec = loss
        # Classifiers turn logits into probabilities (core/_targets.py).
        self._outputs_logits = reads_logits(loss)
        self._optimizer_config = optimizer_config
        self._optimizer_state = optimizer_state
        self._optimizer_from_params = from_params
        self._trainable_layout = trainable_layout(model)
        return self

    def _split_validation(self, x, y, w, seed):
        from sklearn.model_selection import train_test_split

        stratify = self._stratify(y)
        try:
            parts = train_test_split(
                x, y, w, test_size=self.validation_fraction, random_state=seed,
                stratify=stratify,
            )
        except ValueError:  # too few samples per class to stratify
            parts = train_test_split(
                x, y, w, test_size=self.validation_fraction, random_state=seed
            )
        x_train, x_val, y_train, y_val, w_train, w_val = parts
        if len(x_train) == 0 or len(x_val) == 0:
            raise ValueError(
                "early_stopping=True needs enough samples for both a training "
                f"and a validation part; got {len(x)} samples with "
                f"validation_fraction={self.validation_fraction}."
            )
        return (x_train, y_train, w_train), (x_val, y_val, w_val)

    # ---------------------------------------------------------- the network
    def _meta(self, X, input_shape):
        meta = {
            "n_features_in_": self.n_features_in_,
            "X_shape_": X.shape,
            "X_dtype_": X.dtype,
            "input_shape": input_shape,
            "dtype": network_dtype(self.dtype, X),
        }
        if hasattr(self, "feature_names_in_"):
            meta["feature_names_in_"] = self.feature_names_in_
        meta.update(self._target_meta())
        return meta

    def _optimizer_config_from_params(self):
        keras = get_keras()
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = keras.optimizers.get(
                {"class_name": optimizer, "config": {"learning_rate": self.learning_rate}}
            )
        elif isinstance(optimizer, type):
            if not issubclass(optimizer, keras.optimizers.Optimizer):
                raise TypeError(
                    f"optimizer={optimizer.__name__} is a class but not a subclass "
                    "of keras.optimizers.Optimizer; pass a name such as 'adam', a "
                    "Keras optimizer class or a Keras optimizer instance."
                )
            optimizer = optimizer(learning_rate=self.learning_rate)
        return keras.optimizers.serialize(optimizer)

    def _build_model(self, meta, seed):
        """Build the network for ``meta``; return it with any compiled loss/optimizer."""
        keras = get_keras()
        with keras_build_scope(seed, meta["dtype"]):
            if self.model is None:
                model = self._build_network(meta)
            elif isinstance(self.model, keras.Model):
                model = copy_network(self.model)
                if getattr(self.model, "compiled", False):
                    model.compile(optimizer=self.model.optimizer.__class__.from_config(
                        self.model.optimizer.get_config()), loss=self.model.loss)
            elif callable(self.model):
                model = self._call_build_function(meta)
            else:  # pragma: no cover - excluded by _parameter_constraints
                raise TypeError(f"model must be a Keras model or a build function, got {self.model!r}")
        if not isinstance(model, keras.Model):
            raise TypeError(
                "The build function passed as `model` must return a keras.Model; "
                f"it returned {type(model).__name__}."
            )
        compiled = {}
        if getattr(model, "compiled", False) and getattr(model, "loss", None) is not None:
            compiled["loss"] = model.loss
            compiled["optimizer"] = keras.optimizers.serialize(model.optimizer)
        input_shape = meta["input_shape"]
        if isinstance(model, keras.Sequential) and not getattr(model, "inputs", None):
            model.build((None,) + input_shape)
        elif not getattr(model, "inputs", None):
            # A subclassed model has no symbolic inputs and outputs, which
            # training and the output check need: call it on some.
            with keras_build_scope(seed, meta["dtype"]):
                inputs = keras.Input(input_shape, dtype=meta["dtype"])
                model = keras.Model(inputs, model(inputs))
        got = tuple(model.inputs[0].shape)[1:]
        if got != input_shape:
            raise ValueError(
                f"The network given as `model` takes inputs of shape {got}, but X "
                f"provides samples of shape {input_shape}."
            )
        self._check_output(model)
        return model, compiled

    def _call_build_function(self, meta):
        build = self.model
        kwargs = dict(self.model_kwargs or {})
        try:
            parameters = inspect.signature(build).parameters
        except (TypeError, ValueError):
            parameters = {}
        accepts_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        if "meta" in parameters or accepts_any:
            kwargs["meta"] = meta
        if "compile_kwargs" in parameters:
            kwargs["compile_kwargs"] = {
                "optimizer": get_keras().optimizers.deserialize(self._optimizer_config_from_params()),
                "loss": None,
            }
        return build(**kwargs)

    def _check_input_scale(self, X, input_shape):
        """Warn when the training inputs' scale keeps the network from learning (CNN signals)."""

    def _check_output(self, model):
        """Raise a clear error when the network's output cannot fit the target."""

    def _check_loss(self, model, loss):
        """Raise a clear error when ``loss`` cannot read the network's outputs."""

    # ------------------------------------------------------------ inference
    def _forward(self, X):
        """Validated raw network outputs for ``X``."""
        # A fitted estimator (what check_is_fitted requires) given a plain
        # array skips validate_X's full checks where they would pass it
        # unchanged (_validation.validated_fast).
        X_fast = validated_fast(self, X) if "model_" in self.__dict__ else None
        if X_fast is not None:
            if X_fast.shape[1:] != self.input_shape_:  # e.g. flat rows into signals
                X_fast = X_fast.reshape((len(X_fast),) + tuple(self.input_shape_))
            return predict_raw(self.model_, X_fast)
        check_is_fitted(self)
        X = validate_X(self, X, reset=False)
        x = X.reshape((len(X),) + self.input_shape_)
        if is_image_paths(x):  # decode and infer a chunk at a time
            return x.map_batches(lambda part: predict_raw(self.model_, part))
        return predict_raw(self.model_, x)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags
