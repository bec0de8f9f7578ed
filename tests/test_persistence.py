"""Saving and loading fitted estimators: skops without trusting code, pickle, bad files."""

import io
import pickle
import zipfile

import numpy as np
import pytest
from conftest import FAST_PARAMS
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from skdeepmine import CNNClassifier, CNNRegressor
from skdeepmine.core import _persistence
from skdeepmine.features import (
    DenseNetworkClassifier,
    DenseNetworkRegressor,
    NeuralFeatureExtractor,
)
from skdeepmine.hybrid import HybridClassifier, HybridRegressor
from skdeepmine.insight import InsightReporter
from skdeepmine.persistence import dump, load, trusted_types
from skdeepmine.utils import all_estimators

sio = pytest.importorskip("skops.io")
keras = pytest.importorskip("keras")

TINY_CNN = dict(filters=(4,), dense_units=(8,), epochs=2, random_state=0)
TINY_DENSE = dict(hidden_units=(8,), epochs=2, random_state=0)
TINY_EXTRACTOR = dict(n_components=3, hidden_units=(8,), epochs=2, random_state=0)


def _data():
    X, y = make_classification(
        n_samples=60, n_features=8, n_informative=4, n_classes=3, random_state=0
    )
    return X.astype(np.float32), y


# name -> (estimator, target kind, method to compare)
ESTIMATORS = {
    "CNNClassifier": (lambda: CNNClassifier(**TINY_CNN), "labels", "predict_proba"),
    "CNNClassifier-images": (lambda: CNNClassifier(**TINY_CNN), "images", "predict_proba"),
    "CNNRegressor-2-outputs": (lambda: CNNRegressor(**TINY_CNN), "2-outputs", "predict"),
    "DenseNetworkClassifier": (
        lambda: DenseNetworkClassifier(**TINY_DENSE), "labels", "predict_proba",
    ),
    "DenseNetworkRegressor": (
        lambda: DenseNetworkRegressor(**TINY_DENSE), "continuous", "predict",
    ),
    "NeuralFeatureExtractor": (
        lambda: NeuralFeatureExtractor(**TINY_EXTRACTOR), "labels", "transform",
    ),
    "NeuralFeatureExtractor-autoencoder": (
        lambda: NeuralFeatureExtractor(**TINY_EXTRACTOR), None, "transform",
    ),
    "NeuralFeatureExtractor-cnn": (
        lambda: NeuralFeatureExtractor(architecture="cnn", filters=(4,), **TINY_EXTRACTOR),
        "labels", "transform",
    ),
    # The hybrids' default estimator, with few trees to keep the test fast.
    "HybridClassifier": (
        lambda: HybridClassifier(
            NeuralFeatureExtractor(**TINY_EXTRACTOR),
            HistGradientBoostingClassifier(max_iter=5), cv=2,
        ),
        "labels", "predict_proba",
    ),
    "HybridRegressor": (
        lambda: HybridRegressor(
            NeuralFeatureExtractor(**TINY_EXTRACTOR),
            HistGradientBoostingRegressor(max_iter=5), cv=None,
        ),
        "continuous", "predict",
    ),
    # A fitted InsightReporter holds its findings (InsightReport, Insight).
    "InsightReporter-in-a-Pipeline": (
        lambda: make_pipeline(
            InsightReporter(**FAST_PARAMS["InsightReporter"]), LogisticRegression()
        ),
        "labels", "predict_proba",
    ),
}


def _fit(name):
    make, target, method = ESTIMATORS[name]
    X, y = _data()
    if target == "images":
        X = X.reshape(-1, 2, 4)
    if target is None:
        return make().fit(X), X, method
    if target == "continuous":
        y = X[:, 0] - 2 * X[:, 1]
    elif target == "2-outputs":
        y = np.column_stack([X[:, 0], X[:, 1] + X[:, 2]])
    return make().fit(X, y), X, method


@pytest.fixture(scope="module")
def fitted():
    """Every estimator fitted once, with its skops bytes."""
    out = {}
    for name in ESTIMATORS:
        estimator, X, method = _fit(name)
        out[name] = estimator, X, method, sio.dumps(estimator)
    return out


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_skops_round_trip_trusting_only_skdeepmine_types_keeps_outputs(fitted, name):
    estimator, X, method, data = fitted[name]
    assert set(sio.get_untrusted_types(data=data)) <= set(trusted_types())
    loaded = sio.loads(data, trusted=trusted_types())
    assert type(loaded) is type(estimator)
    np.testing.assert_array_equal(
        getattr(loaded, method)(X), getattr(estimator, method)(X)
    )
    assert loaded.get_params().keys() == estimator.get_params().keys()


def _estimator_types(estimator):
    if isinstance(estimator, Pipeline):
        return {type(step) for _, step in estimator.steps}
    return {type(estimator)}


def test_every_registered_estimator_is_round_tripped_here(fitted):
    # So a new estimator's fitted types cannot miss trusted_types().
    seen = set().union(*(_estimator_types(estimator) for estimator, *_ in fitted.values()))
    missing = [name for name, cls in all_estimators() if cls not in seen]
    assert not missing, f"add {missing} to ESTIMATORS of tests/test_persistence.py"


def test_pipeline_with_a_fitted_insight_reporter_loads_with_its_findings(fitted, tmp_path):
    pipeline, X, *_ = fitted["InsightReporter-in-a-Pipeline"]
    dump(pipeline, tmp_path / "pipeline.skops")
    loaded = load(tmp_path / "pipeline.skops")
    report, original = loaded[0].report_, pipeline[0].report_
    assert len(original) > 0
    assert report.to_dict() == original.to_dict()
    assert list(report) == list(original)  # Insight objects, equal field by field
    np.testing.assert_array_equal(loaded.predict(X), pipeline.predict(X))


def test_every_trusted_type_is_needed_by_some_estimator(fitted):
    seen = set()
    for *_, data in fitted.values():
        seen.update(sio.get_untrusted_types(data=data))
    # SerializedKerasObject carries Keras optimizers and losses given by the
    # user, which the default estimators above do not hold.
    seen.add("skdeepmine.core._persistence.SerializedKerasObject")
    seen.add("skdeepmine.features._networks.DenseAutoencoder")
    assert seen == set(trusted_types())


def test_autoencoder_extractor_holds_the_dense_autoencoder(fitted):
    *_, data = fitted["NeuralFeatureExtractor-autoencoder"]
    assert "skdeepmine.features._networks.DenseAutoencoder" in sio.get_untrusted_types(
        data=data
    )


def test_skops_file_stores_the_network_in_keras_format(fitted):
    *_, data = fitted["CNNClassifier"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [archive.read(name) for name in archive.namelist()]
    keras_files = [m for m in members if m[:4] == b"PK\x03\x04"]
    assert len(keras_files) == 1
    with zipfile.ZipFile(io.BytesIO(keras_files[0])) as model_file:
        assert {"config.json", "model.weights.h5"} <= set(model_file.namelist())


def test_unfitted_estimators_round_trip_with_skops():
    estimator = HybridClassifier(NeuralFeatureExtractor(**TINY_EXTRACTOR))
    loaded = sio.loads(sio.dumps(estimator), trusted=trusted_types())
    assert repr(loaded.get_params()) == repr(estimator.get_params())


def test_dump_and_load_helpers_round_trip_through_a_file(fitted, tmp_path):
    estimator, X, method, _ = fitted["HybridClassifier"]
    dump(estimator, tmp_path / "hybrid.skops")
    loaded = load(tmp_path / "hybrid.skops")
    np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))


def test_warm_start_after_loading_continues_exactly_like_the_original():
    X, y = _data()
    original = CNNClassifier(**TINY_CNN, warm_start=True).fit(X, y)
    loaded = sio.loads(sio.dumps(original), trusted=trusted_types())
    original.fit(X, y)
    loaded.fit(X, y)
    assert loaded.n_iter_ == original.n_iter_ == 4
    np.testing.assert_array_equal(loaded.predict_proba(X), original.predict_proba(X))


def test_keras_optimizer_and_compiled_model_need_no_keras_types_trusted():
    X, y = _data()
    network = keras.Sequential([
        keras.Input((8, 1)), keras.layers.Flatten(),
        keras.layers.Dense(3, activation="softmax"),
    ])
    network.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss=keras.losses.SparseCategoricalCrossentropy(),
    )
    for estimator in (
        CNNClassifier(**{**TINY_CNN, "optimizer": keras.optimizers.SGD(0.05)}),
        CNNClassifier(network, epochs=2, random_state=0),
    ):
        estimator.fit(X, y)
        data = sio.dumps(estimator)
        assert not any(t.startswith("keras") for t in sio.get_untrusted_types(data=data))
        loaded = sio.loads(data, trusted=trusted_types())
        np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))
        # Refitting the loaded copy uses the same loss and optimizer.
        np.testing.assert_array_equal(
            loaded.fit(X, y).predict_proba(X), estimator.fit(X, y).predict_proba(X)
        )


def test_unfitted_estimator_holding_a_compiled_adam_network_pickles_quietly():
    import warnings

    from sklearn.base import clone

    network = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    network.compile(loss="mse", optimizer="adam")
    # Keras warned "Skipping variable loading for optimizer 'adam'" (an
    # optimizer that never stepped has nothing to load).
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        loaded = pickle.loads(pickle.dumps(CNNClassifier(model=network)))
        clone(loaded)
    assert loaded.model.optimizer.__class__.__name__ == "Adam"


def build_network(meta):
    return keras.Sequential([
        keras.Input(meta["input_shape"]), keras.layers.Flatten(name="features"),
        keras.layers.Dense(meta["n_classes_"], activation="softmax"),
    ])


def test_user_code_in_the_file_must_be_trusted_explicitly():
    X, y = _data()
    estimator = HybridClassifier(
        NeuralFeatureExtractor(model=build_network, layer="features", n_components=None,
                               epochs=1, random_state=0),
        LogisticRegression(), cv=None,
    ).fit(X, y)
    data = sio.dumps(estimator)
    own = sorted(set(sio.get_untrusted_types(data=data)) - set(trusted_types()))
    assert own == ["test_persistence.build_network"]
    with pytest.raises(TypeError, match="build_network"):
        load(io.BytesIO(data))
    loaded = load(io.BytesIO(data), trusted=own)
    np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))


def test_callbacks_are_saved_without_the_network_they_trained():
    X, y = _data()
    callback = keras.callbacks.TerminateOnNaN()
    estimator = CNNClassifier(**TINY_CNN, callbacks=[callback]).fit(X, y)
    without = CNNClassifier(**TINY_CNN).fit(X, y)
    assert callback.model is not None  # attached during fit ...
    size = len(pickle.dumps(estimator))
    # ... yet saving stores no second network through it.
    assert size < 1.2 * len(pickle.dumps(without))
    assert callback.model is not None  # and the user's callback is untouched
    loaded = sio.loads(
        sio.dumps(estimator),
        trusted=trusted_types() + ["keras.src.callbacks.terminate_on_nan.TerminateOnNaN"],
    )
    assert isinstance(loaded.callbacks[0], keras.callbacks.TerminateOnNaN)
    np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))


# ------------------------------------------------------------ bad files
def _newer_version(monkeypatch, estimator):
    monkeypatch.setattr(_persistence, "__version__", "99.0.0")
    pickled, skopsed = pickle.dumps(estimator), sio.dumps(estimator)
    monkeypatch.undo()
    return pickled, skopsed


@pytest.mark.parametrize("name", ["CNNClassifier", "HybridClassifier"])
def test_file_from_a_newer_skdeepmine_is_refused_clearly(fitted, monkeypatch, name):
    estimator = fitted[name][0]
    pickled, skopsed = _newer_version(monkeypatch, estimator)
    match = r"saved by skdeepmine 99\.0\.0, which is newer than the installed"
    with pytest.raises(ValueError, match=match):
        pickle.loads(pickled)
    with pytest.raises(ValueError, match=match):
        sio.loads(skopsed, trusted=trusted_types())
    with pytest.raises(ValueError, match=match):
        load(io.BytesIO(skopsed))


def test_file_from_an_older_release_of_the_same_format_loads(fitted, monkeypatch):
    estimator, X, *_ = fitted["CNNClassifier"]
    monkeypatch.setattr(_persistence, "__version__", "0.0.1")
    pickled = pickle.dumps(estimator)
    monkeypatch.undo()
    np.testing.assert_array_equal(
        pickle.loads(pickled).predict_proba(X), estimator.predict_proba(X)
    )


def _flip_byte_in_keras_payload(blob):
    start = blob.index(b"PK\x03\x04")  # the .keras zip inside the pickle
    damaged = bytearray(blob)
    damaged[start + len(blob[start:]) // 2] ^= 0xFF
    return bytes(damaged)


def test_damaged_network_in_a_pickle_is_reported_as_corrupted(fitted):
    estimator = fitted["CNNClassifier"][0]
    damaged = _flip_byte_in_keras_payload(pickle.dumps(estimator))
    with pytest.raises(ValueError, match="corrupted"):
        pickle.loads(damaged)


def test_truncated_pickle_fails_in_pickle_itself(fitted):
    estimator = fitted["CNNClassifier"][0]
    blob = pickle.dumps(estimator)
    with pytest.raises(pickle.UnpicklingError, match="truncated"):
        pickle.loads(blob[: len(blob) // 2])


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "not a zip"])
def test_corrupted_skops_file_is_reported_as_corrupted(fitted, tmp_path, damage):
    data = fitted["CNNClassifier"][3]
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped byte":
        data = _flip_byte_in_keras_payload(data)
    else:
        data = b"hello"
    path = tmp_path / "model.skops"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=r"model\.skops.*corrupted or truncated"):
        load(path)


def test_network_with_python_code_is_never_executed_on_loading(tmp_path):
    marker = tmp_path / "ran"
    # A Python lambda is stored as bytecode (here with the marker's path as a
    # constant); Keras would run it on loading outside safe mode.
    leave_marker = eval(f"lambda x: (open({str(marker)!r}, 'w').close(), x)[1]")
    network = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Lambda(leave_marker),
        keras.layers.Dense(3, activation="softmax"),
    ])
    marker.unlink()  # building the model called the lambda once
    pickled = pickle.dumps(CNNClassifier(network))
    with pytest.raises(ValueError, match="Lambda"):
        pickle.loads(pickled)
    assert not marker.exists()

    # The premise: the same bytes, loaded by Keras outside safe mode, run it.
    network.save(tmp_path / "unsafe.keras")
    keras.saving.load_model(tmp_path / "unsafe.keras", safe_mode=False)
    assert marker.exists()


def test_trusted_must_be_a_list_of_names(fitted):
    with pytest.raises(TypeError, match="list of type names"):
        load(io.BytesIO(fitted["CNNClassifier"][3]), trusted="skdeepmine")
