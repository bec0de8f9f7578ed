"""Keras metrics (``metrics=``) computed during training, as ``model.fit`` reports them.

Metrics are resolved the way ``model.compile`` resolves them: a name or an
object, logged under the name given (``"accuracy"``, ``"auc"``) and, on the
validation data, under ``val_`` plus that name.  They run eagerly, once per
epoch, on the outputs the traced train step returned for that epoch's
batches (so training metrics see the network in training mode, as in
``model.fit``), and they are weighted like the loss.  No traced function
depends on them, so the trainer pool (``core/_engine.py``) is unaffected, and
a fit without metrics does no extra work at all.

Classifiers train on integer labels against one output per class.  Metrics
that compare one column per class (AUC, Precision, ...) get one-hot labels;
on two classes they get the positive class's column instead, so that AUC,
Precision and Recall are those of ``classes_[1]``, as in scikit-learn.
"""

import numpy as np

from ._backend import get_keras

_ACCURACY_NAMES = ("accuracy", "acc")


def _name_of(identifier, metric):
    if isinstance(identifier, str):
        return identifier
    return getattr(metric, "name", None) or getattr(metric, "__name__", type(metric).__name__)


def _fresh(metric):
    """An unused copy of a user's metric object, so fits never share state."""
    try:
        return type(metric).from_config(metric.get_config())
    except Exception:  # a custom metric without a usable config
        metric.reset_state()
        return metric


def _make_metric(identifier, *, binary, sparse):
    keras = get_keras()
    if isinstance(identifier, str) and identifier.lower() in _ACCURACY_NAMES:
        if binary:
            return keras.metrics.BinaryAccuracy(name=identifier)
        if sparse:
            return keras.metrics.SparseCategoricalAccuracy(name=identifier)
        return keras.metrics.CategoricalAccuracy(name=identifier)
    if isinstance(identifier, keras.metrics.Metric):
        metric = _fresh(identifier)
    else:
        try:
            metric = keras.metrics.get(identifier)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"metrics holds {identifier!r}, which is not a Keras metric: give "
                "a name such as 'accuracy', 'auc' or 'mae', a keras.metrics.Metric "
                "or a function of (y_true, y_pred)."
            ) from exc
    name = _name_of(identifier, metric)
    if not isinstance(metric, keras.metrics.Metric):
        metric = keras.metrics.MeanMetricWrapper(metric, name=name)
    return metric


class _Metric:
    """One metric with the view of the targets it expects."""

    def __init__(self, identifier, *, binary, sparse, n_outputs):
        self.metric = _make_metric(identifier, binary=binary, sparse=sparse)
        self.name = _name_of(identifier, self.metric)
        wants_labels = type(self.metric).__name__.startswith("Sparse")
        self._view = None
        if sparse and not wants_labels:
            self._view = "positive" if n_outputs == 2 else "one_hot"
        self._n_outputs = n_outputs

    def update(self, y, outputs, sample_weight):
        if self._view == "positive":
            y = (np.ravel(y) == 1).astype(outputs.dtype).reshape(-1, 1)
            outputs = outputs[:, 1:2]
        elif self._view == "one_hot":
            y = np.eye(self._n_outputs, dtype=outputs.dtype)[np.ravel(y).astype(int)]
        self.metric.update_state(y, outputs, sample_weight=sample_weight)


class EpochMetrics:
    """The metrics of one fit, for either the training or the validation data."""

    def __init__(self, metrics, y, n_outputs, prefix=""):
        y = np.asarray(y)
        binary = n_outputs == 1
        sparse = n_outputs > 1 and (y.ndim == 1 or y.shape[-1] == 1)
        self._prefix = prefix
        self._metrics = [
            _Metric(identifier, binary=binary, sparse=sparse, n_outputs=n_outputs)
            for identifier in metrics
        ]
        names = [m.name for m in self._metrics]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise ValueError(
                f"metrics names {duplicated} more than once; give each metric "
                "its own name (e.g. keras.metrics.AUC(name='pr_auc', curve='PR'))."
            )
        self._parts = []

    def modes(self):
        """``"max"`` or ``"min"`` for each log name whose metric says which is better."""
        modes = {}
        for item in self._metrics:
            direction = getattr(item.metric, "_direction", None)
            if direction in ("up", "down"):
                modes[self._prefix + item.name] = "max" if direction == "up" else "min"
        return modes

    def __bool__(self):
        return bool(self._metrics)

    def collect(self, y, outputs, sample_weight):
        """Keep one batch's targets, outputs and weights for the epoch's update."""
        self._parts.append((y, outputs, sample_weight))

    def results(self, y=None, outputs=None, sample_weight=None):
        """The epoch's values by log name, from collected batches or the arrays given."""
        if outputs is None:
            if not self._parts:
                return {}
            y, outputs, sample_weight = (
                np.concatenate([np.asarray(part[i]) for part in self._parts])
                for i in range(3)
            )
            self._parts = []
        outputs = np.asarray(outputs)
        logs = {}
        for item in self._metrics:
            item.metric.reset_state()
            item.update(y, outputs, sample_weight)
            value = np.asarray(item.metric.result())
            logs[self._prefix + item.name] = float(value) if value.size == 1 else value.tolist()
        return logs
