"""The one training loop every Keras-backed estimator uses.

A :class:`Trainer` owns a private clone of an architecture, an optimizer and a
traced train step; :func:`train` runs epochs of shuffled mini-batches on it,
records one history entry per epoch, and stops the way scikit-learn's MLP
does: after ``n_iter_no_change`` epochs without an improvement of at least
``tol`` in the monitored loss (the training loss, or with early stopping the
validation loss, whose best weights are then restored).
"""

import json

import numpy as np

from ._backend import get_keras, get_tf
from ._engine import clone_architecture, engine_for


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
    """The optimizer's configuration without its per-instance name (``adam_3``)."""
    config = {**config, "config": {k: v for k, v in config.get("config", {}).items() if k != "name"}}
    return json.dumps(config, sort_keys=True, default=repr)


class Trainer:
    """A private copy of an architecture with its optimizer and train step."""

    def __init__(self, model, optimizer_config, loss, target_spec, private_copy=True):
        keras = get_keras()
        tf = get_tf()
        # Models without a fingerprint cannot be cloned; they train in place.
        self.model = clone_architecture(model) if private_copy else model
        self.optimizer = keras.optimizers.deserialize(optimizer_config)
        self.optimizer.build(self.model.trainable_variables)
        self._initial_optimizer_state = [v.numpy() for v in self.optimizer.variables]
        self._loss = _per_sample_loss(loss)
        x_spec = tf.TensorSpec(
            (None,) + tuple(model.inputs[0].shape)[1:], model.inputs[0].dtype
        )
        y_spec = tf.TensorSpec(*target_spec)
        w_spec = tf.TensorSpec((None,), model.inputs[0].dtype)
        self.step = tf.function(self._step, input_signature=[x_spec, y_spec, w_spec])
        self.evaluate = tf.function(
            self._evaluate, input_signature=[x_spec, y_spec, w_spec]
        )

    def _weighted_loss_sum(self, y, outputs, sample_weight):
        tf = get_tf()
        values = tf.cast(self._loss(y, outputs), sample_weight.dtype)
        return tf.reduce_sum(values * sample_weight)

    def _step(self, x, y, sample_weight):
        tf = get_tf()
        with tf.GradientTape() as tape:
            outputs = self.model(x, training=True)
            total = self._weighted_loss_sum(y, outputs, sample_weight)
            # A weighted mean, not Keras's sum-over-batch-size: integer weights
            # must train exactly like repeated rows.
            loss = total / tf.reduce_sum(sample_weight)
            if self.model.losses:
                loss = loss + tf.cast(tf.add_n(self.model.losses), loss.dtype)
        variables = self.model.trainable_variables
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(gradients, variables))
        return total

    def _evaluate(self, x, y, sample_weight):
        outputs = self.model(x, training=False)
        return self._weighted_loss_sum(y, outputs, sample_weight), outputs

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


def _batches(n_samples, batch_size, rng):
    order = rng.permutation(n_samples)
    return [order[start : start + batch_size] for start in range(0, n_samples, batch_size)]


def _evaluate(trainer, data, batch_size):
    x, y, w = data
    total = 0.0
    outputs = []
    size = max(batch_size, 1024)
    indices = [np.arange(start, min(start + size, len(x))) for start in range(0, len(x), size)]
    for index, x_part in zip(indices, _take(x, indices)):
        part, out = trainer.evaluate(x_part, y[index], w[index])
        total += float(part)
        outputs.append(np.asarray(out))
    return total / float(np.sum(w)), np.concatenate(outputs)


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
    first_epoch=0,
):
    """Train for up to ``epochs`` epochs; return the per-epoch history.

    ``score(y, outputs, sample_weight)`` rates validation outputs (accuracy,
    R^2); it is reported, while the stopping rule watches losses.
    """
    keras = get_keras()
    x, y, w = train_data
    weight_sum = float(np.sum(w))
    monitor = "val_loss" if validation_data is not None else "loss"
    history = []
    best, best_weights, stale = np.inf, None, 0
    progress = keras.utils.Progbar(
        epochs, verbose=1, unit_name="epoch",
        stateful_metrics=["loss", "val_loss", "val_score"],
    ) if verbose else None
    model = trainer.model
    model.stop_training = False
    for callback in callbacks:
        callback.set_model(model)
        callback.on_train_begin()
    for epoch in range(epochs):
        for callback in callbacks:
            callback.on_epoch_begin(first_epoch + epoch)
        total = 0.0
        indices = _batches(len(x), batch_size, rng)
        for index, x_part in zip(indices, _take(x, indices)):
            total += trainer.step(x_part, y[index], w[index])
        record = {"epoch": first_epoch + epoch + 1, "loss": float(total) / weight_sum}
        if validation_data is not None:
            record["val_loss"], outputs = _evaluate(trainer, validation_data, batch_size)
            record["val_score"] = score(validation_data[1], outputs, validation_data[2])
        history.append(record)
        if progress is not None:
            progress.update(epoch + 1, [(k, v) for k, v in record.items() if k != "epoch"])
        for callback in callbacks:
            callback.on_epoch_end(first_epoch + epoch, dict(record))
        current = record[monitor]
        if not np.isfinite(current):
            break
        stale = stale + 1 if current > best - tol else 0
        if current < best:
            best = current
            if validation_data is not None:
                best_weights = trainer.get_weights()
        if stale >= n_iter_no_change or model.stop_training:
            break
    if progress is not None and len(history) < epochs:
        progress.update(len(history), finalize=True)
    for callback in callbacks:
        callback.on_train_end()
    if best_weights is not None:
        trainer.set_weights(best_weights)
    return history
