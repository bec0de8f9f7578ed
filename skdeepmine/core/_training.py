"""The one training loop every Keras-backed estimator uses.

A :class:`Trainer` owns a private clone of an architecture, an optimizer and a
compiled train step (``_compiled.py``, per Keras backend); :func:`train` runs
epochs of shuffled mini-batches on it, records one history entry per epoch,
and stops the way scikit-learn's MLP does: after ``n_iter_no_change`` epochs
without an improvement of at least ``tol`` in the monitored loss (the
training loss, or with early stopping the validation loss, whose best weights
are then restored).
"""

import json

import numpy as np

from ._backend import get_keras
from ._compiled import compile_evaluate, compile_train_step, to_numpy
from ._engine import clone_architecture, engine_for
from ._metrics import EpochMetrics


def _per_sample_loss(loss):
    """A callable returning one loss value per sample for a Keras loss spec."""
    keras = get_keras()
    loss = keras.losses.get(loss)
    if isinstance(loss, keras.losses.Loss):
        return loss.call
    return loss


def loss_key(loss):
    keras = get_keras()
    if isinstance(loss, str):
        return loss
    try:
        return json.dumps(keras.losses.serialize(loss), sort_keys=True, default=repr)
    except Exception:
        return repr(loss)


def optimizer_key(config):
    """The optimizer's configuration without its per-instance name (``adam_3``).

    The class name is compared in lower case: ``keras.optimizers.deserialize``
    lowers a built-in's (``Adam``) in the configuration it is given.
    """
    config = {
        **config,
        "class_name": str(config.get("class_name")).lower(),
        "config": {k: v for k, v in config.get("config", {}).items() if k != "name"},
    }
    return json.dumps(config, sort_keys=True, default=repr)


class Trainer:
    """A private copy of an architecture with its optimizer and train step."""

    def __init__(self, model, optimizer_config, loss, target_spec, private_copy=True):
        keras = get_keras()
        # Models without a fingerprint cannot be cloned; they train in place.
        self.model = clone_architecture(model) if private_copy else model
        self.optimizer = keras.optimizers.deserialize(optimizer_config)
        self.optimizer.build(self.model.trainable_variables)
        # Callbacks read the optimizer from the model, as after
        # ``model.compile`` (ReduceLROnPlateau, LearningRateScheduler,
        # TensorBoard).  Its learning rate is a variable that the traced step
        # reads, so setting it between epochs changes training
        # (tests/test_callbacks.py).
        self.model.optimizer = self.optimizer
        self._initial_optimizer_state = [v.numpy() for v in self.optimizer.variables]
        self._loss = _per_sample_loss(loss)
        dtype = str(model.inputs[0].dtype)
        self._signature = [
            ((None,) + tuple(model.inputs[0].shape)[1:], dtype),
            target_spec,
            ((None,), dtype),
        ]
        # ``step(x, y, w)``, ``step.with_outputs`` (for metrics) and
        # ``step.sync()``, after which the variables hold the trained state.
        self.step = compile_train_step(self.model, self.optimizer, self._loss, self._signature)
        self.evaluate = compile_evaluate(self.model, self._loss, self._signature)

    def load(self, model, optimizer_state=None):
        """Copy ``model``'s weights (and optionally optimizer state) in."""
        for mine, theirs in zip(self.model.variables, model.variables):
            mine.assign(theirs.value)
        state = optimizer_state or self._initial_optimizer_state
        for variable, value in zip(self.optimizer.variables, state):
            variable.assign(value)

    def store(self, model):
        """Copy the trained weights out to ``model``; return the optimizer state."""
        for theirs, mine in zip(model.variables, self.model.variables):
            theirs.assign(mine.value)
        return [v.numpy() for v in self.optimizer.variables]

    def get_weights(self):
        return [v.numpy() for v in self.model.variables]

    def set_weights(self, values):
        for variable, value in zip(self.model.variables, values):
            variable.assign(value)


class checkout_trainer:
    """Context manager lending a pooled :class:`Trainer` loaded with ``model``."""

    def __init__(self, model, optimizer_config, loss, target_spec, optimizer_state):
        self._engine = engine_for(model)
        private_copy = self._engine.pooled
        self._key = (
            optimizer_key(optimizer_config),
            loss_key(loss),
            repr(target_spec),
        )
        self._args = (model, optimizer_config, loss, target_spec, private_copy)
        self._model = model
        self._optimizer_state = optimizer_state

    def __enter__(self):
        self.trainer = self._engine.checkout(
            self._key, lambda: Trainer(*self._args)
        )
        self.trainer.load(self._model, self._optimizer_state)
        return self.trainer

    def __exit__(self, *exc_info):
        self._engine.checkin(self._key, self.trainer)
        return False


def _take(x, indices):
    """``x[index]`` for each index array; a source with ``stream`` reads them ahead.

    Image paths (``_paths.ImagePaths``) decode their batches in worker
    threads while the network trains on the previous one.
    """
    stream = getattr(x, "stream", None)
    return stream(indices) if stream is not None else (x[index] for index in indices)


def _array_batches(data, batch_size, rng):
    """Shuffled mini-batches ``(x, y, sample_weight)`` of ``data``."""
    x, y, w = data
    order = rng.permutation(len(x))
    indices = [order[start : start + batch_size] for start in range(0, len(x), batch_size)]
    for index, x_part in zip(indices, _take(x, indices)):
        yield x_part, y[index], w[index]


def _evaluate(trainer, data, batch_size):
    x, y, w = data
    total = 0.0
    outputs = []
    size = max(batch_size, 1024)
    indices = [np.arange(start, min(start + size, len(x))) for start in range(0, len(x), size)]
    for index, x_part in zip(indices, _take(x, indices)):
        part, out = trainer.evaluate(x_part, y[index], w[index])
        total += float(part)
        outputs.append(to_numpy(out))
    return total / float(np.sum(w)), np.concatenate(outputs)


_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")


class _CallbackList:
    """Calls Keras callbacks as ``model.fit`` does, for the hooks they implement.

    Batch-level hooks are called only when some callback overrides one
    (TerminateOnNaN, TensorBoard, a LambdaCallback given ``on_batch_end``):
    their logs need the running loss, which costs a device sync per batch.
    """

    def __init__(self, callbacks, model, params):
        keras = get_keras()
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)

        def overrides(callback, hook):
            method = getattr(callback, hook)
            return getattr(method, "__func__", method) is not getattr(keras.callbacks.Callback, hook)

        self.wants_batches = any(
            overrides(callback, hook) for callback in self.callbacks for hook in _BATCH_HOOKS
        )

    def __getattr__(self, hook):
        def call(*args, **kwargs):
            for callback in self.callbacks:
                getattr(callback, hook)(*args, **kwargs)

        return call


def _resolve_monitor_modes(callbacks, modes):
    """Tell ``mode="auto"`` callbacks whether a metric they monitor should rise.

    Keras's EarlyStopping, ReduceLROnPlateau and ModelCheckpoint look that up
    in the metrics ``model.compile`` attached; skdeepmine's metrics live
    outside the model, so the answer is given here, as the metric states it.
    """
    for callback in callbacks:
        monitor = getattr(callback, "monitor", None)
        if (
            getattr(callback, "mode", None) == "auto"
            and getattr(callback, "monitor_op", "unset") is None
            and monitor in modes
        ):
            callback.mode = modes[monitor]


def _diverged(epoch, what, value):
    return ValueError(
        f"Training diverged at epoch {epoch}: {what} is {value}. Scale X (e.g. "
        "with sklearn.preprocessing.StandardScaler) and, for regression, y "
        "(e.g. with sklearn.compose.TransformedTargetRegressor), or lower "
        "learning_rate."
    )


def _check_finite_weights(trainer, epoch):
    """Raise unless every weight of the network is finite; return the weights."""
    weights = trainer.get_weights()
    if not all(np.isfinite(w).all() for w in weights if np.issubdtype(w.dtype, np.floating)):
        if epoch == 0:
            raise ValueError(
                "The network holds non-finite weights before training: values of X "
                "too large for the network's float type (e.g. an input "
                "standardisation whose variance overflows float32). Scale X, e.g. "
                "with sklearn.preprocessing.StandardScaler, or use dtype=\"float64\"."
            )
        raise _diverged(epoch, "a weight of the network", "not finite")
    return weights


def _train_epoch(trainer, batches, callbacks, metrics):
    """Run one epoch over ``batches``; return its logs (loss and metrics).

    The batch losses stay on the device until the epoch ends (reading each
    one waits for its step), unless a batch-level callback needs the running
    loss; the variables are brought up to date (``step.sync``) before any
    callback sees the model and when the epoch ends, even by an error.
    """
    model = trainer.model
    step = trainer.step
    parts, running, weight_sum = [], 0.0, 0.0
    try:
        for index, (x, y, w) in enumerate(batches):
            if callbacks.wants_batches:
                callbacks.on_train_batch_begin(index)
            if metrics:
                part, outputs = step.with_outputs(x, y, w)
                metrics.collect(y, outputs, w)
            else:
                part = step(x, y, w)
            weight_sum += float(np.sum(w))
            if callbacks.wants_batches:
                step.sync()
                running += float(part)
                callbacks.on_train_batch_end(index, {"loss": running / weight_sum})
            else:
                parts.append(part)
            if model.stop_training:
                break
    finally:
        step.sync()
    total = running + float(np.sum([float(part) for part in parts]))
    logs = {"loss": total / weight_sum}
    logs.update(metrics.results())
    return logs


def train(
    trainer,
    train_data,
    *,
    epochs,
    batch_size,
    rng,
    validation_data=None,
    score=None,
    n_iter_no_change,
    tol,
    verbose=0,
    callbacks=(),
    metrics=None,
    first_epoch=0,
):
    """Train for up to ``epochs`` epochs; return the per-epoch history.

    ``score(y, outputs, sample_weight)`` rates validation outputs (accuracy,
    R^2); it is reported, while the stopping rule watches losses.
    ``metrics`` are Keras metrics (see ``_metrics.py``), logged for the
    training data and, as ``val_<name>``, for the validation data.

    Callbacks get what ``model.fit`` gives them: a model with its optimizer
    and ``stop_training``, logs without the epoch number, and the epoch's logs
    as changed by the callbacks before them (``learning_rate``), which the
    history records too.  A non-finite loss or weight raises ValueError.
    """
    keras = get_keras()
    x, y, w = train_data
    n_outputs = int(trainer.model.outputs[0].shape[-1])
    train_metrics = EpochMetrics(metrics or (), y, n_outputs)
    val_metrics = EpochMetrics(metrics or (), y, n_outputs, prefix="val_")
    monitor = "val_loss" if validation_data is not None else "loss"
    history = []
    best, best_weights, stale = np.inf, None, 0
    progress = keras.utils.Progbar(
        epochs, verbose=1, unit_name="epoch", stateful_metrics=[],
    ) if verbose else None
    model = trainer.model
    model.stop_training = False
    model._initial_epoch = None  # set by BackupAndRestore to resume
    callbacks = _CallbackList(callbacks, model, {
        "verbose": verbose, "epochs": first_epoch + epochs,
        "steps": -(-len(x) // batch_size),
    })
    _resolve_monitor_modes(callbacks.callbacks, {
        "val_score": "max", **train_metrics.modes(), **val_metrics.modes(),
    })
    _check_finite_weights(trainer, 0)
    callbacks.on_train_begin()
    start = max((model._initial_epoch or 0) - first_epoch, 0)
    logs = None
    for epoch in range(start, epochs):
        number = first_epoch + epoch + 1
        callbacks.on_epoch_begin(number - 1)
        logs = _train_epoch(
            trainer, _array_batches(train_data, batch_size, rng), callbacks, train_metrics
        )
        if validation_data is not None:
            logs["val_loss"], outputs = _evaluate(trainer, validation_data, batch_size)
            logs["val_score"] = score(validation_data[1], outputs, validation_data[2])
            logs.update(val_metrics.results(validation_data[1], outputs, validation_data[2]))
        for key in ("loss", "val_loss"):
            if key in logs and not np.isfinite(logs[key]):
                raise _diverged(number, f"the {key.replace('val_', 'validation ')}", logs[key])
        callbacks.on_epoch_end(number - 1, logs)
        history.append({"epoch": number, **logs})
        if progress is not None:
            progress.stateful_metrics.update(logs)
            progress.update(epoch + 1, list(logs.items()))
        current = logs[monitor]
        stale = stale + 1 if current > best - tol else 0
        if current < best:
            best = current
            if validation_data is not None:
                best_weights = trainer.get_weights()
        if stale >= n_iter_no_change or model.stop_training:
            break
    if progress is not None and len(history) < epochs:
        progress.update(len(history), finalize=True)
    if history:
        _check_finite_weights(trainer, history[-1]["epoch"])
    callbacks.on_train_end(logs)
    if best_weights is not None:
        trainer.set_weights(best_weights)
    return history
