"""Behaviour of the Keras core that every estimator shares."""

import pickle
import random
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError

from skdeepmine import CNNClassifier, CNNRegressor
from skdeepmine.core import _engine

TINY = dict(filters=(4,), dense_units=(8,), epochs=3, random_state=0)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=120, n_features=10, n_informative=5, n_classes=3, random_state=0
    )
    return X, y


def run_python(code):
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.backend_free
def test_import_does_not_load_keras_or_tensorflow():
    out = run_python(
        """
        import sys
        import skdeepmine
        from skdeepmine import CNNClassifier
        print(sorted(m for m in ("keras", "tensorflow") if m in sys.modules))
        """
    )
    assert out.stdout.strip() == "[]"


def test_same_seed_gives_identical_predictions_in_process(data):
    X, y = data
    a = CNNClassifier(**TINY).fit(X, y).predict_proba(X)
    b = CNNClassifier(**TINY).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_different_seeds_give_different_networks(data):
    X, y = data
    a = CNNClassifier(**{**TINY, "random_state": 1}).fit(X, y).predict_proba(X)
    b = CNNClassifier(**{**TINY, "random_state": 2}).fit(X, y).predict_proba(X)
    assert not np.allclose(a, b)


def test_same_seed_gives_identical_predictions_across_processes(data):
    X, y = data
    local = CNNClassifier(**TINY).fit(X, y).predict_proba(X)
    code = f"""
        import numpy as np
        from sklearn.datasets import make_classification
        from skdeepmine import CNNClassifier
        X, y = make_classification(n_samples=120, n_features=10, n_informative=5,
                                   n_classes=3, random_state=0)
        proba = CNNClassifier(**{TINY!r}).fit(X, y).predict_proba(X)
        print(repr(proba.tolist()))
    """
    remote = np.array(eval(run_python(code).stdout))
    np.testing.assert_array_equal(local, remote)


def test_fit_leaves_global_random_state_unchanged(data):
    X, y = data
    random.seed(123)
    np.random.seed(123)
    py_before, np_before = random.random(), np.random.random_sample()
    random.seed(123)
    np.random.seed(123)
    CNNClassifier(**TINY).fit(X, y)
    assert random.random() == py_before
    assert np.random.random_sample() == np_before


def test_verbose_zero_prints_nothing_even_on_first_import():
    out = run_python(
        """
        import numpy as np
        from skdeepmine import CNNClassifier
        X = np.random.RandomState(0).normal(size=(40, 6))
        y = (X[:, 0] > 0).astype(int)
        CNNClassifier(filters=(4,), dense_units=(4,), epochs=2, verbose=0).fit(X, y).predict(X)
        """
    )
    assert out.stdout == ""
    assert out.stderr == ""


def test_verbose_one_shows_a_single_progress_bar_with_validation_score(data, capsys):
    X, y = data
    CNNClassifier(**{**TINY, "verbose": 1, "early_stopping": True}).fit(X, y)
    shown = capsys.readouterr().out
    assert "loss" in shown and "val_loss" in shown and "val_score" in shown
    assert shown.count("\n") <= 2


def test_early_stopping_restores_best_weights(data):
    X, y = data
    keras = pytest.importorskip("keras")
    snapshots = []

    class Snapshot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append([w.copy() for w in self.model.get_weights()])

    clf = CNNClassifier(
        **{**TINY, "epochs": 40}, early_stopping=True, n_iter_no_change=3,
        learning_rate=0.05, callbacks=[Snapshot()],
    ).fit(X, y)
    val_losses = [record["val_loss"] for record in clf.history_]
    best = int(np.argmin(val_losses))
    assert clf.n_iter_ == len(snapshots) > best + 1, "training should run past its best epoch"
    for restored, kept in zip(clf.model_.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(restored, kept)
    assert clf.best_validation_score_ == clf.history_[best]["val_score"]


def test_fitted_attributes(data):
    X, y = data
    clf = CNNClassifier(**TINY).fit(X, y)
    assert clf.n_features_in_ == 10
    assert clf.n_iter_ == 3 == len(clf.history_) == len(clf.loss_curve_)
    assert [r["epoch"] for r in clf.history_] == [1, 2, 3]
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.model_.count_params() > 0


def test_feature_names_are_recorded_from_dataframes(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(10)])
    clf = CNNClassifier(**TINY).fit(frame, y)
    assert list(clf.feature_names_in_) == list(frame.columns)


def test_training_stops_when_loss_stops_improving(data):
    X, y = data
    clf = CNNClassifier(**{**TINY, "epochs": 200}, tol=10.0, n_iter_no_change=2).fit(X, y)
    assert clf.n_iter_ == 3


def test_zero_sample_weight_equals_removing_rows(data):
    X, y = data
    weights = np.ones(len(y))
    weights[::4] = 0
    weighted = CNNClassifier(**TINY).fit(X, y, sample_weight=weights)
    removed = CNNClassifier(**TINY).fit(X[weights > 0], y[weights > 0])
    np.testing.assert_allclose(weighted.predict_proba(X), removed.predict_proba(X))


def test_balanced_class_weight_favours_the_minority_class():
    X, y = make_classification(
        n_samples=300, n_features=8, weights=[0.9, 0.1], class_sep=0.5, random_state=1
    )
    params = {**TINY, "epochs": 20}
    plain = CNNClassifier(**params).fit(X, y).predict(X)
    balanced = CNNClassifier(**params, class_weight="balanced").fit(X, y).predict(X)
    assert (balanced == 1).sum() > (plain == 1).sum()


@pytest.mark.backend_free
def test_class_weight_naming_an_unknown_class_is_an_error(data):
    X, y = data
    with pytest.raises(ValueError, match="class_weight"):
        CNNClassifier(**TINY, class_weight={7: 2.0}).fit(X, y)


@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_round_trip_keeps_predictions(data, dump, tmp_path):
    X, y = data
    clf = CNNClassifier(**TINY).fit(X, y)
    if dump == "pickle":
        loaded = pickle.loads(pickle.dumps(clf))
    else:
        joblib.dump(clf, tmp_path / "clf.joblib")
        loaded = joblib.load(tmp_path / "clf.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.history_ == clf.history_


def test_pickle_loads_in_a_fresh_process_with_identical_predictions(data, tmp_path):
    X, y = data
    clf = CNNClassifier(**TINY).fit(X, y)
    joblib.dump((clf, X), tmp_path / "clf.joblib")
    code = f"""
        import joblib
        clf, X = joblib.load({str(tmp_path / "clf.joblib")!r})
        print(repr(clf.predict_proba(X).tolist()))
    """
    remote = np.array(eval(run_python(code).stdout))
    np.testing.assert_array_equal(remote, clf.predict_proba(X))


def test_warm_start_continues_training(data):
    X, y = data
    clf = CNNClassifier(**TINY, warm_start=True).fit(X, y)
    first_weights = [w.copy() for w in clf.model_.get_weights()]
    clf.fit(X, y)
    assert clf.n_iter_ == 6
    assert clf.loss_curve_[3] < clf.loss_curve_[0]
    assert any(not np.array_equal(a, b) for a, b in zip(first_weights, clf.model_.get_weights()))


def test_partial_fit_needs_classes_first_and_runs_one_epoch_per_call(data):
    X, y = data
    clf = CNNClassifier(**TINY)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[:60], y[:60], classes=[0, 1, 2])
    clf.partial_fit(X[60:], y[60:])
    assert clf.n_iter_ == 2
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_regressor_partial_fit_improves_the_loss():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 6))
    y = X[:, 0] - 2 * X[:, 1]
    reg = CNNRegressor(**TINY)
    for _ in range(5):
        reg.partial_fit(X, y)
    assert reg.n_iter_ == 5
    assert reg.loss_curve_[-1] < reg.loss_curve_[0]


def test_models_of_one_architecture_share_compiled_functions(data):
    X, y = data
    clf = CNNClassifier(**TINY).fit(X, y)
    clf.predict(X)
    engines = len(_engine._engines)
    engine = _engine.engine_for(clf.model_)
    trainers = sum(len(free) for free in engine._free_trainers.values())
    for seed in range(3):
        CNNClassifier(**{**TINY, "random_state": seed}).fit(X, y).predict(X)
    assert len(_engine._engines) == engines
    # The first fit's trainer (and its traced train step) served the others.
    assert sum(len(free) for free in engine._free_trainers.values()) == trainers


def test_weight_copies_do_not_grow_with_batches_yet_batch_callbacks_see_each_batch(
    data, monkeypatch
):
    # Writing the variables around every JAX step took about a quarter of
    # each step of benchmarks/bench_core.py's dense network; the state goes
    # back at the end of each epoch instead, and after every batch only for
    # a callback that watches batches.
    keras = pytest.importorskip("keras")
    X, y = data
    params = {**TINY, "epochs": 2, "batch_size": 20}  # 120 rows: 6 batches per epoch
    batches = 6 * params["epochs"]
    assign = keras.Variable.assign

    def writes(batch_size):
        written = []

        def counted(variable, value):
            written.append(variable)
            return assign(variable, value)

        monkeypatch.setattr(keras.Variable, "assign", counted)
        clf = CNNClassifier(**{**params, "batch_size": batch_size}).fit(X, y)
        monkeypatch.undo()
        return len(written), clf

    few, clf = writes(20)
    more, _ = writes(10)  # twice the batches
    assert few > 0
    assert more - few < batches * len(clf.model_.variables)

    seen = []

    class Watch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(np.array(self.model.trainable_variables[0].numpy()))

    watched = CNNClassifier(**params, callbacks=[Watch()]).fit(X, y)
    assert len(seen) == batches
    assert all(not np.array_equal(a, b) for a, b in zip(seen, seen[1:]))
    np.testing.assert_array_equal(seen[-1], watched.model_.trainable_variables[0].numpy())
    np.testing.assert_array_equal(watched.predict_proba(X), clf.predict_proba(X))


def test_predict_does_not_use_keras_model_predict(data, monkeypatch):
    X, y = data
    keras = pytest.importorskip("keras")
    clf = CNNClassifier(**TINY).fit(X, y)

    def refuse(*args, **kwargs):
        raise AssertionError("model.predict was called")

    monkeypatch.setattr(keras.Model, "predict", refuse)
    assert clf.predict(X[:1]).shape == (1,)


def test_build_function_receives_meta_and_model_kwargs(data):
    X, y = data
    seen = {}

    def build(meta, width):
        import keras

        seen.update(meta)
        return keras.Sequential([
            keras.Input(meta["input_shape"]),
            keras.layers.Flatten(),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ])

    clf = CNNClassifier(build, model_kwargs={"width": 5}, epochs=2, random_state=0).fit(X, y)
    assert seen["n_features_in_"] == 10 and seen["n_classes_"] == 3
    assert seen["input_shape"] == (10, 1)
    assert clf.model_.layers[1].units == 5
    assert clf.predict(X).shape == (120,)


def test_build_function_that_compiles_keeps_its_loss():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    y = X.sum(axis=1)

    def build(meta):
        import keras

        model = keras.Sequential([keras.Input(meta["input_shape"]), keras.layers.Flatten(),
                                  keras.layers.Dense(meta["n_outputs_expected_"])])
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mean_absolute_error")
        return model

    reg = CNNRegressor(build, epochs=2, random_state=0).fit(X, y)
    assert reg._loss_spec == "mean_absolute_error"
    assert reg._optimizer_config["class_name"].lower() == "sgd"


def test_sigmoid_output_serves_binary_problems():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 4))
    y = np.where(X[:, 0] > 0, "yes", "no")

    def build(meta):
        import keras

        return keras.Sequential([keras.Input(meta["input_shape"]), keras.layers.Flatten(),
                                 keras.layers.Dense(1, activation="sigmoid")])

    clf = CNNClassifier(build, epochs=30, learning_rate=0.05, random_state=0).fit(X, y)
    assert clf.predict_proba(X).shape == (100, 2)
    assert clf.score(X, y) > 0.9


def test_keras_model_instance_is_cloned_not_trained_in_place(data):
    keras = pytest.importorskip("keras")
    X, y = data
    given = keras.Sequential([keras.Input((10, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    before = [w.copy() for w in given.get_weights()]
    clf = CNNClassifier(given, epochs=2, random_state=0).fit(X, y)
    assert clf.model_ is not given
    for a, b in zip(before, given.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "build, error, match",
    [
        (lambda meta: "not a model", TypeError, "must return a keras.Model"),
        ("wrong_units", ValueError, "output has 2 units, but y has 3 classes"),
    ],
)
def test_unusable_networks_are_rejected_clearly(data, build, error, match):
    X, y = data
    if build == "wrong_units":
        def build(meta):
            import keras

            return keras.Sequential([keras.Input(meta["input_shape"]), keras.layers.Flatten(),
                                     keras.layers.Dense(2, activation="softmax")])
    with pytest.raises(error, match=match):
        CNNClassifier(build, epochs=1).fit(X, y)


@pytest.mark.backend_free
def test_predict_before_fit_raises_not_fitted(data):
    with pytest.raises(NotFittedError):
        CNNClassifier().predict(data[0])


@pytest.mark.backend_free
@pytest.mark.parametrize("bad, name", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_non_finite_input_is_named(data, bad, name):
    X, y = data
    X = X.copy()
    X[3, 2] = bad
    with pytest.raises(ValueError, match=name):
        CNNClassifier(**TINY).fit(X, y)


@pytest.mark.backend_free
def test_sparse_input_is_refused_with_a_type_error(data):
    X, y = data
    with pytest.raises(TypeError, match="[Ss]parse input is not supported"):
        CNNClassifier(**TINY).fit(sparse.csr_matrix(X), y)


@pytest.mark.backend_free
def test_single_class_is_refused(data):
    X, _ = data
    with pytest.raises(ValueError, match="at least 2 classes"):
        CNNClassifier(**TINY).fit(X, np.zeros(len(X)))


@pytest.mark.backend_free
def test_ragged_input_is_a_value_error():
    with pytest.raises(ValueError, match="rectangular"):
        CNNClassifier(**TINY).fit([[1.0, 2.0], [3.0]], [0, 1])


@pytest.mark.backend_free
def test_invalid_parameter_is_named():
    with pytest.raises(ValueError, match="epochs"):
        CNNClassifier(epochs=0).fit(np.ones((4, 2)), [0, 1, 0, 1])


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "CategoricalCrossentropy"])
def test_build_function_compiled_with_categorical_crossentropy_gets_one_hot_targets(data, loss):
    X, y = data

    def build(meta):
        import keras

        model = keras.Sequential([keras.Input(meta["input_shape"]), keras.layers.Flatten(),
                                  keras.layers.Dense(meta["n_classes_"], activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(0.02),
                      loss=keras.losses.CategoricalCrossentropy() if loss[0] == "C" else loss)
        return model

    clf = CNNClassifier(build, epochs=30, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.6


def test_early_stopping_scores_the_one_hot_targets_of_a_categorical_loss():
    # A model compiled with categorical_crossentropy learns one-hot targets;
    # early stopping scored them as class indices and failed ("inconsistent
    # numbers of samples").  The validation accuracy must be the true one.
    from skdeepmine import DenseNetworkClassifier
    from skdeepmine.core._backend import get_keras

    keras = get_keras()
    rng = np.random.RandomState(0)
    X = rng.randn(150, 3)
    y = X.argmax(axis=1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="categorical_crossentropy")
    clf = DenseNetworkClassifier(model=model, early_stopping=True, epochs=30, random_state=0)
    clf.fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ > 0.8
