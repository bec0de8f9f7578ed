"""NeuralFeatureExtractor and the dense networks: learning, layers, tools, errors."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_digits, make_friedman1
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from skdeepmine.cnn import CNNClassifier, CNNRegressor
from skdeepmine.core import _engine
from skdeepmine.features import (
    DenseNetworkClassifier,
    DenseNetworkRegressor,
    NeuralFeatureExtractor,
)
from skdeepmine.features._networks import DenseAutoencoder

TINY = dict(n_components=4, hidden_units=(8,), epochs=3, random_state=0)


@pytest.fixture(scope="module")
def cancer():
    """breast_cancer as loaded: columns from ~0.05 to ~2500, unscaled."""
    X, y = load_breast_cancer(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def digit_images():
    X, y = load_digits(return_X_y=True)
    return X.reshape(-1, 8, 8)[:400] / 16.0, y[:400]


def keras():
    from skdeepmine.core._backend import get_keras

    return get_keras()


# ------------------------------------------------------------ dense networks
def test_dense_classifier_learns_raw_unscaled_breast_cancer(cancer):
    X_train, X_test, y_train, y_test = cancer
    clf = DenseNetworkClassifier(epochs=30, random_state=0).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.94


def test_dense_regressor_learns_a_nonlinear_function():
    X, y = make_friedman1(n_samples=400, noise=0.1, random_state=0)
    X = X * [1, 10, 100, 1000, 1, 1, 1, 1, 1, 1]  # columns on very different scales
    reg = DenseNetworkRegressor(epochs=100, learning_rate=0.003, random_state=0)
    reg.fit(X[:300], y[:300])
    assert reg.score(X[300:], y[300:]) >= 0.8


def test_standardization_uses_the_weighted_training_moments(cancer):
    X_train, _, y_train, _ = cancer
    weights = np.random.RandomState(0).randint(0, 4, size=len(X_train))
    clf = DenseNetworkClassifier(hidden_units=(4,), epochs=1, random_state=0)
    clf.fit(X_train, y_train, sample_weight=weights)
    layer = clf.model_.get_layer("standardize")
    # float64 on TensorFlow; dtype="auto" is float32 on JAX and PyTorch.
    float64 = layer.moving_mean.dtype == "float64"
    np.testing.assert_allclose(
        keras().ops.convert_to_numpy(layer.moving_mean),
        np.average(X_train, axis=0, weights=weights), rtol=1e-10 if float64 else 1e-6,
    )
    np.testing.assert_allclose(
        keras().ops.convert_to_numpy(layer.moving_variance), np.average(
            (X_train - np.average(X_train, axis=0, weights=weights)) ** 2, axis=0, weights=weights
        ), rtol=1e-8 if float64 else 1e-6,
    )


def test_standardization_is_not_trained_and_can_be_switched_off(cancer):
    X_train, _, y_train, _ = cancer
    clf = DenseNetworkClassifier(hidden_units=(4,), epochs=2, random_state=0).fit(X_train, y_train)
    layer = clf.model_.get_layer("standardize")
    np.testing.assert_allclose(layer.moving_mean.numpy(), X_train.mean(axis=0))
    plain = DenseNetworkClassifier(hidden_units=(4,), epochs=1, standardize=False)
    names = [layer.name for layer in plain.fit(X_train, y_train).model_.layers]
    assert "standardize" not in names


def test_dense_network_accepts_images_by_flattening(digit_images):
    X, y = digit_images
    clf = DenseNetworkClassifier(hidden_units=(8,), epochs=2, random_state=0).fit(X, y)
    assert clf.predict(X[:5]).shape == (5,)


# --------------------------------------------------------------- extractor
def test_supervised_default_network_is_the_default_dense_classifier():
    extractor = NeuralFeatureExtractor()
    network = extractor._make_network("dense", "classification")
    assert type(network) is DenseNetworkClassifier
    assert network.get_params() == DenseNetworkClassifier().get_params()


def test_supervised_embedding_separates_the_classes(cancer):
    X_train, X_test, y_train, y_test = cancer
    extractor = NeuralFeatureExtractor(n_components=4, epochs=20, random_state=0)
    features = extractor.fit_transform(X_train, y_train)
    assert features.shape == (len(X_train), 4)
    assert type(extractor.network_) is DenseNetworkClassifier
    assert extractor.layer_ == "embedding"
    probe = LogisticRegression(max_iter=1000).fit(features, y_train)
    assert probe.score(extractor.transform(X_test), y_test) >= 0.93


def test_transform_reads_the_embedding_layer_of_the_trained_network(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(**TINY).fit(X_train, y_train)
    k = keras()
    model = extractor.network_.model_
    reader = k.Model(model.inputs, model.get_layer("embedding").output)
    np.testing.assert_allclose(
        extractor.transform(X_train[:10]),
        k.ops.convert_to_numpy(reader([X_train[:10]], training=False)),
        # float32 on JAX and PyTorch: a compiled and an eager call round apart,
        # by up to 3.6e-7 on a feature of 0.013 (2.7e-5 of it) on JAX.
        **(dict(rtol=1e-6) if model.inputs[0].dtype == "float64" else dict(rtol=1e-5, atol=1e-6)),
    )


def test_without_y_an_autoencoder_learns_to_reconstruct(cancer):
    X_train, _, _, _ = cancer
    extractor = NeuralFeatureExtractor(n_components=4, epochs=30, random_state=0).fit(X_train)
    network = extractor.network_
    assert type(network) is DenseAutoencoder
    assert network.n_outputs_ == X_train.shape[1]
    assert network.loss_curve_[-1] < 0.5 * network.loss_curve_[0]
    assert extractor.transform(X_train).shape == (len(X_train), 4)


def test_continuous_and_forced_regression_targets_train_a_regressor():
    X, y = make_friedman1(n_samples=120, random_state=0)
    extractor = NeuralFeatureExtractor(**TINY).fit(X, 1000 * y)
    assert type(extractor.network_) is DenseNetworkRegressor
    # Learned standardised, whatever the scale of y.
    assert extractor.network_.loss_curve_[0] < 10
    integers = np.round(y).astype(int)
    forced = NeuralFeatureExtractor(**TINY, target="regression").fit(X, integers)
    assert type(forced.network_) is DenseNetworkRegressor
    auto = NeuralFeatureExtractor(**TINY).fit(X, integers)
    assert type(auto.network_) is DenseNetworkClassifier


def test_images_get_the_cnn_supervised_and_as_autoencoder(digit_images):
    X, y = digit_images
    params = dict(n_components=6, hidden_units=(), filters=(4,), epochs=2, random_state=0)
    supervised = NeuralFeatureExtractor(**params).fit(X, y)
    assert type(supervised.network_) is CNNClassifier
    assert supervised.transform(X[:5]).shape == (5, 6)
    autoencoder = NeuralFeatureExtractor(**params).fit(X)
    assert type(autoencoder.network_) is CNNRegressor
    assert autoencoder.network_.n_outputs_ == 64
    assert autoencoder.transform(X[:5]).shape == (5, 6)


def test_flat_rows_go_to_the_cnn_when_asked(digit_images):
    X, y = digit_images
    extractor = NeuralFeatureExtractor(
        n_components=3, hidden_units=(), filters=(4,), epochs=1, random_state=0,
        architecture="cnn", input_shape=(8, 8),
    ).fit(X.reshape(len(X), -1), y)
    assert extractor.network_.input_shape_ == (8, 8, 1)


def _own_model(n_features=30, n_classes=2):
    k = keras()
    return k.Sequential([
        k.Input((n_features,)),
        k.layers.Dense(12, activation="relu", name="wide"),
        k.layers.Dense(6, activation="relu", name="narrow"),
        k.layers.Dense(n_classes, activation="softmax", name="head"),
    ])


def test_own_model_extracts_the_last_hidden_layer_by_default(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(model=_own_model(), n_components=None, epochs=2)
    features = extractor.fit(X_train, y_train).transform(X_train)
    assert extractor.layer_ == "narrow"
    assert features.shape == (len(X_train), 6)


def test_own_model_with_a_named_layer_and_fewer_components_uses_pca(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(
        model=_own_model(), layer="wide", n_components=3, epochs=2, random_state=0
    ).fit(X_train, y_train)
    features = extractor.transform(X_train)
    assert extractor.layer_ == "wide"
    assert features.shape == (len(X_train), 3)
    # Principal components: centred, uncorrelated, decreasing variance.
    # (The model is float32, like any Keras model built without a dtype.)
    features = features.astype(np.float64)
    scale = features.std()
    np.testing.assert_allclose(features.mean(axis=0), 0, atol=1e-5 * scale)
    covariance = np.cov(features.T)
    off_diagonal = covariance - np.diag(np.diag(covariance))
    np.testing.assert_allclose(off_diagonal, 0, atol=1e-5 * scale**2)
    assert np.all(np.diff(np.diag(covariance)) <= 1e-5 * scale**2)


def test_own_build_function_receives_the_standardisation_moments(cancer):
    X_train, _, y_train, _ = cancer
    seen = {}

    def build(meta):
        seen.update(meta)
        return _own_model()

    NeuralFeatureExtractor(model=build, n_components=None, epochs=1).fit(X_train, y_train)
    np.testing.assert_allclose(seen["X_mean_"], X_train.mean(axis=0))


def test_unknown_layer_is_a_clear_error_naming_layer(cancer):
    X_train, _, y_train, _ = cancer
    with pytest.raises(ValueError, match=r"layer='nope' is not a layer.*'narrow'"):
        NeuralFeatureExtractor(model=_own_model(), layer="nope", epochs=1).fit(X_train, y_train)


@pytest.mark.backend_free
def test_too_many_components_is_a_clear_error_before_training(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(model=_own_model(), n_components=7, epochs=1)
    with pytest.raises(ValueError, match=r"n_components=7 is larger than layer 'narrow'.* 6 "):
        extractor.fit(X_train, y_train)
    assert not hasattr(extractor, "network_")


def test_too_many_components_of_a_built_network_is_a_clear_error(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(model=lambda: _own_model(), layer="wide", epochs=1)
    with pytest.raises(ValueError, match=r"n_components=16 is larger than layer 'wide'"):
        extractor.fit(X_train, y_train)


def test_network_params_reach_the_network_but_cannot_override_the_extractor(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(**TINY, network_params={"dropout": 0.25})
    extractor.fit(X_train, y_train)
    assert extractor.network_.dropout == 0.25
    with pytest.raises(ValueError, match=r"network_params sets \['epochs'\]"):
        NeuralFeatureExtractor(network_params={"epochs": 2}).fit(X_train, y_train)
    with pytest.raises(ValueError, match=r"network_params names \['filters'\]"):
        NeuralFeatureExtractor(network_params={"filters": (2,)}).fit(X_train, y_train)


def test_feature_names_and_pandas_output(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(**TINY).set_output(transform="pandas")
    frame = extractor.fit_transform(X_train, y_train)
    expected = [f"neuralfeatureextractor{i}" for i in range(4)]
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == expected
    assert list(extractor.get_feature_names_out()) == expected


def test_column_transformer_one_hot_encodes_a_category_and_embeds_numbers(cancer):
    X_train, X_test, y_train, y_test = cancer
    names = [f"x{i}" for i in range(X_train.shape[1])]

    def frame(X):
        df = pd.DataFrame(X, columns=names)
        df["size"] = np.where(X[:, 3] > 700, "large", "small")  # a categorical column
        return df

    numeric = names[:10]
    columns = ColumnTransformer([
        ("category", OneHotEncoder(), ["size"]),
        ("deep", NeuralFeatureExtractor(n_components=4, epochs=20, random_state=0), numeric),
    ])
    pipe = make_pipeline(columns, LogisticRegression(max_iter=1000)).fit(frame(X_train), y_train)
    assert list(columns.get_feature_names_out()) == [
        "category__size_large", "category__size_small",
        *[f"deep__neuralfeatureextractor{i}" for i in range(4)],
    ]
    assert columns.named_transformers_["deep"].n_features_in_ == 10
    assert pipe.score(frame(X_test), y_test) >= 0.9


def test_pickle_and_clone_keep_the_embedding(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(**TINY).fit(X_train, y_train)
    restored = pickle.loads(pickle.dumps(extractor))
    np.testing.assert_allclose(restored.transform(X_train), extractor.transform(X_train))
    assert "n_components" in clone(extractor).get_params()
    assert not hasattr(clone(extractor), "network_")


def test_float32_data_gives_float32_features(cancer):
    X_train, _, y_train, _ = cancer
    extractor = NeuralFeatureExtractor(**TINY).fit(X_train.astype(np.float32), y_train)
    assert extractor.transform(X_train.astype(np.float32)).dtype == np.float32


def test_refits_of_one_architecture_reuse_the_traced_functions(cancer):
    X_train, _, y_train, _ = cancer
    NeuralFeatureExtractor(**TINY).fit(X_train, y_train).transform(X_train)
    engines = len(_engine._engines)
    for seed in (1, 2):
        params = {**TINY, "random_state": seed}
        NeuralFeatureExtractor(**params).fit(X_train, y_train).transform(X_train)
    assert len(_engine._engines) == engines


def test_flat_rows_given_cnn_settings_get_the_cnn_and_dense_refuses_them(digit_images):
    # input_kind="signal" on flat rows used to build the dense network and
    # ignore the setting: the features were a table's, not a signal's.
    X, y = digit_images
    flat = X.reshape(len(X), -1)
    params = dict(n_components=3, hidden_units=(), filters=(4,), epochs=1, random_state=0)
    signal = NeuralFeatureExtractor(input_kind="signal", **params).fit(flat[:60], y[:60])
    assert type(signal.network_) is CNNClassifier
    assert signal.network_.input_shape_ == (64, 1)
    image = NeuralFeatureExtractor(input_shape=(8, 8), **params).fit(flat[:60], y[:60])
    assert image.network_.input_shape_ == (8, 8, 1)
    with pytest.raises(ValueError, match="input_kind configure the CNN"):
        NeuralFeatureExtractor(architecture="dense", input_kind="signal", **params).fit(
            flat[:60], y[:60]
        )
