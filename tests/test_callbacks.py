"""Keras callbacks and metrics behave as under ``model.fit``; diverging fits raise.

Every fit here uses one tiny dense network (4 hidden units, 48 rows, 3 epochs
of 3 batches), so the traced train step is shared through the trainer pool
and the whole file runs in seconds.
"""

import csv

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import accuracy_score, roc_auc_score

from skdeepmine import CNNClassifier, CNNRegressor
from skdeepmine.core._backend import get_keras
from skdeepmine.features import (
    DenseNetworkClassifier,
    DenseNetworkRegressor,
    NeuralFeatureExtractor,
)

N_BATCHES = 3


@pytest.fixture(scope="module")
def keras():
    return get_keras()


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(48, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, y


def _net(**params):
    base = dict(
        hidden_units=(4,), epochs=3, batch_size=16, learning_rate=0.01,
        random_state=0,
    )
    return DenseNetworkClassifier(**{**base, **params})


class _Probe:
    """A user's callback reading ``self.model.optimizer`` as under model.fit."""

    def __new__(cls, keras):
        class Probe(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.rates, self.iterations, self.logs = [], [], []

            def on_epoch_begin(self, epoch, logs=None):
                self.rates.append(float(self.model.optimizer.learning_rate))

            def on_epoch_end(self, epoch, logs=None):
                self.iterations.append(int(self.model.optimizer.iterations))
                self.logs.append(dict(logs))

        return Probe()


# ------------------------------------------------------------ divergence
DIVERGING = {
    "cnn_classifier_X_1e30": (
        CNNClassifier(filters=(2,), dense_units=(4,), epochs=3, random_state=0),
        lambda X, y: (X * np.float32(1e30), y),
    ),
    "dense_classifier_standardised_X_1e30": (
        _net(), lambda X, y: (X * np.float32(1e30), y),
    ),
    # Targets on their own scale (the default standardises them: see
    # test_standardised_targets_train_where_raw_ones_diverge).
    "dense_regressor_y_1e30": (
        DenseNetworkRegressor(hidden_units=(4,), epochs=3, random_state=0,
                              standardize_target=False),
        lambda X, y: (X, X[:, 0] * np.float32(1e30)),
    ),
    "dense_regressor_float64_y_1e200": (
        DenseNetworkRegressor(hidden_units=(4,), epochs=3, random_state=0,
                              standardize_target=False),
        lambda X, y: (X.astype(np.float64), X[:, 0].astype(np.float64) * 1e200),
    ),
}


# Casting such data to the network's float type overflows on purpose.
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("case", sorted(DIVERGING))
def test_diverging_fit_raises_and_leaves_the_fitted_estimator_unchanged(case, data):
    estimator, scale = DIVERGING[case]
    X, y = data
    y_fit = y if "classifier" in case else X[:, 0] - X[:, 1]
    fitted = clone(estimator).set_params(warm_start=True).fit(X, y_fit)
    before = fitted.predict(X)
    model, history = fitted.model_, list(fitted.history_)

    X_bad, y_bad = scale(X, y)
    with pytest.raises(ValueError, match=r"diverged|non-finite weights"):
        clone(estimator).fit(X_bad, y_bad)
    # Neither a fresh fit nor continued training may leave a NaN model.
    with pytest.raises(ValueError, match=r"diverged|non-finite weights|X has"):
        fitted.fit(X_bad, y_bad)
    assert fitted.model_ is model and fitted.history_ == history
    np.testing.assert_array_equal(fitted.predict(X), before)
    assert np.isfinite(np.asarray(fitted.predict(X), dtype=float)).all()


def test_standardised_targets_train_where_raw_ones_diverge(data):
    X, _ = data
    y = X[:, 0].astype(np.float64)
    params = dict(hidden_units=(4,), epochs=3, random_state=0)
    unit = DenseNetworkRegressor(**params).fit(X, y).predict(X)
    huge = DenseNetworkRegressor(**params).fit(X, y * 1e30).predict(X)
    # The network learns the same standardised target: the same predictions,
    # in y's units.
    np.testing.assert_allclose(huge / 1e30, unit, rtol=1e-4, atol=1e-4 * np.abs(unit).max())


def test_terminate_on_nan_stops_at_the_first_non_finite_batch(keras, data):
    X, _ = data
    batches = []
    counter = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batches.append(logs["loss"])
    )
    reg = DenseNetworkRegressor(
        hidden_units=(4,), epochs=3, batch_size=16, random_state=0, standardize_target=False,
        callbacks=[keras.callbacks.TerminateOnNaN(), counter],
    )
    with pytest.raises(ValueError, match="diverged at epoch 1: the loss is inf"):
        reg.fit(X, X[:, 0] * np.float32(1e30))
    # One batch of 3, not 3 epochs of 3: TerminateOnNaN saw the batch loss.
    assert len(batches) == 1 and not np.isfinite(batches[0])


# ------------------------------------------------------ learning rate
def test_learning_rate_scheduler_drives_the_traced_step(keras, data):
    X, y = data
    probe = _Probe(keras)
    schedule = keras.callbacks.LearningRateScheduler(
        lambda epoch, lr: 0.05 if epoch == 0 else 0.0
    )
    clf = _net(callbacks=[schedule, probe]).fit(X, y)
    assert probe.rates == pytest.approx([0.05, 0.0, 0.0])
    assert [r["learning_rate"] for r in clf.history_] == pytest.approx([0.05, 0.0, 0.0])
    assert probe.iterations == [N_BATCHES, 2 * N_BATCHES, 3 * N_BATCHES]
    assert "epoch" not in probe.logs[0] and "loss" in probe.logs[0]
    # A learning rate of 0 freezes the weights: the traced step reads the
    # variable, it did not bake in the rate it was traced with.
    one_epoch = _net(epochs=1, learning_rate=0.05).fit(X, y)
    for got, expected in zip(clf.model_.get_weights(), one_epoch.model_.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_reduce_lr_on_plateau_lowers_the_rate_and_the_next_fit_starts_afresh(keras, data):
    X, y = data
    probe = _Probe(keras)
    plateau = keras.callbacks.ReduceLROnPlateau(
        monitor="loss", factor=0.5, patience=1, min_delta=1e9, verbose=0
    )
    clf = _net(callbacks=[plateau, probe]).fit(X, y)
    assert probe.rates == pytest.approx([0.01, 0.01, 0.005])
    assert [r["learning_rate"] for r in clf.history_] == pytest.approx([0.01, 0.01, 0.005])
    # The pooled trainer that ran it must not hand the lowered rate on.
    fresh = _Probe(keras)
    _net(callbacks=[fresh]).fit(X, y)
    assert fresh.rates == pytest.approx([0.01] * 3)


# ------------------------------------------------- metrics, stopping
def test_metrics_are_logged_and_early_stopping_monitors_them(keras, data):
    X, y = data
    probe = _Probe(keras)
    stopper = keras.callbacks.EarlyStopping(monitor="val_accuracy", baseline=1.01, patience=0)
    clf = _net(
        epochs=5, early_stopping=True, validation_fraction=0.25,
        metrics=["accuracy", keras.metrics.AUC(name="auc")],
        callbacks=[stopper, probe],
    ).fit(X, y)
    # The baseline cannot be reached: Keras stops after the second epoch.
    assert clf.n_iter_ == 2 and stopper.stopped_epoch == 1
    record = clf.history_[-1]
    assert {"loss", "accuracy", "auc", "val_loss", "val_accuracy", "val_auc"} <= set(record)
    assert set(probe.logs[-1]) == set(record) - {"epoch"}
    for r in clf.history_:
        # Keras's accuracy on the validation part is the estimator's own score.
        assert r["val_accuracy"] == pytest.approx(r["val_score"], abs=1e-6)
        assert 0.0 <= r["auc"] <= 1.0 and 0.0 <= r["val_auc"] <= 1.0
    # The given metric object is copied, never updated in place.
    assert float(clf.metrics[1].result()) == 0.0


def test_metrics_views_match_scikit_learn_on_planted_outputs():
    from skdeepmine.core._metrics import EpochMetrics

    rng = np.random.RandomState(1)
    y = rng.randint(0, 3, 60)
    outputs = rng.dirichlet(np.ones(3), size=60).astype(np.float32)
    weights = rng.uniform(0.5, 2.0, 60).astype(np.float32)
    logs = EpochMetrics(["accuracy"], y, 3, prefix="val_").results(y, outputs, weights)
    assert logs["val_accuracy"] == pytest.approx(
        accuracy_score(y, outputs.argmax(1), sample_weight=weights), abs=1e-6
    )
    binary = (y == 2).astype(int)
    proba = np.column_stack([1 - outputs[:, 2], outputs[:, 2]])
    logs = EpochMetrics(["auc", "acc"], binary, 2).results(binary, proba, weights)
    assert logs["auc"] == pytest.approx(
        roc_auc_score(binary, proba[:, 1], sample_weight=weights), abs=0.01
    )
    assert logs["acc"] == pytest.approx(
        accuracy_score(binary, proba.argmax(1), sample_weight=weights), abs=1e-6
    )


@pytest.mark.parametrize(
    "cls", [CNNClassifier, CNNRegressor, DenseNetworkClassifier, DenseNetworkRegressor,
            NeuralFeatureExtractor],
)
def test_every_network_estimator_takes_metrics(cls):
    assert cls().get_params()["metrics"] is None
    assert "metrics" in cls._parameter_constraints
    assert "metrics : list" in cls.__doc__


def test_extractor_passes_metrics_and_bad_metrics_fail_cleanly(data):
    X, y = data
    extractor = NeuralFeatureExtractor(
        n_components=2, hidden_units=(4,), epochs=2, random_state=0, metrics=["mae"]
    ).fit(X, X[:, 0] - X[:, 1])
    assert "mae" in extractor.network_.history_[-1]
    clf = _net().fit(X, y)
    model = clf.model_
    with pytest.raises(ValueError, match="'accuracyy', which is not a Keras metric"):
        clf.set_params(metrics=["accuracyy"]).fit(X, y)
    assert clf.model_ is model


# --------------------------------------------------- files on disk
def test_tensorboard_writes_event_files(keras, data, tmp_path):
    pytest.importorskip("tensorboard", reason="TensorBoard's summaries need the tensorboard package")
    X, y = data
    board = keras.callbacks.TensorBoard(log_dir=str(tmp_path), update_freq="batch")
    _net(callbacks=[board]).fit(X, y)
    assert list((tmp_path / "train").glob("events.out.tfevents.*"))


def test_checkpoint_csv_and_backup_work_as_under_model_fit(keras, data, tmp_path):
    X, y = data
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "net-{epoch:02d}.keras"))
    log = tmp_path / "log.csv"
    clf = _net(
        metrics=["accuracy"], callbacks=[checkpoint, keras.callbacks.CSVLogger(str(log))],
    ).fit(X, y)
    assert sorted(p.name for p in tmp_path.glob("net-*.keras")) == [
        "net-01.keras", "net-02.keras", "net-03.keras"
    ]
    loaded = keras.models.load_model(tmp_path / "net-03.keras")
    np.testing.assert_allclose(
        loaded.predict(X, verbose=0), clf.predict_proba(X), rtol=1e-5, atol=1e-6
    )
    with open(log, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    assert [float(row["loss"]) for row in rows] == pytest.approx(clf.loss_curve_)
    assert "accuracy" in rows[0]

    # BackupAndRestore: an interrupted fit resumes after its last backed-up epoch.
    backup = str(tmp_path / "backup")

    def interrupt(epoch, logs):
        if epoch == 1:
            raise KeyboardInterrupt

    interrupted = _net(callbacks=[
        keras.callbacks.BackupAndRestore(backup),
        keras.callbacks.LambdaCallback(on_epoch_end=interrupt),
    ])
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(X, y)
    assert not hasattr(interrupted, "model_")
    resumed = _net(callbacks=[keras.callbacks.BackupAndRestore(backup)]).fit(X, y)
    assert [r["epoch"] for r in resumed.history_] == [3]
    assert not (tmp_path / "backup").exists()  # deleted once training ends
