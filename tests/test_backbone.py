"""Pretrained backbones under the CNN head; nothing is downloaded."""

import numpy as np
import pytest

from skdeepmine import CNNClassifier, NeuralFeatureExtractor
from skdeepmine.cnn._backbone import make_backbone, preprocessing_layers
from skdeepmine.core._backend import get_keras
from skdeepmine.inspection import attributions


def _tiny_backbone(name="tiny"):
    keras = get_keras()
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(4, 3, padding="same", name="tiny_conv")(inputs)
    x = keras.layers.BatchNormalization(name="tiny_norm")(x)
    return keras.Model(inputs, x, name=name)


@pytest.fixture(scope="module")
def images():
    rng = np.random.RandomState(0)
    X = rng.uniform(0, 255, size=(32, 8, 8)).astype("float32")
    y = np.arange(32) % 2
    X[y == 1, :4] += 100
    return X, y


def _weights(model):
    return [np.asarray(w) for w in model.get_weights()]


def test_frozen_backbone_keeps_a_saved_weights_file_and_fine_tuning_moves_it(images, tmp_path):
    X, y = images
    given, saved = _tiny_backbone(), _tiny_backbone()
    path = tmp_path / "tiny.weights.h5"
    saved.save_weights(path)
    before = _weights(given)
    params = dict(backbone=given, backbone_weights=str(path), dense_units=(4,), epochs=3,
                  learning_rate=0.05, random_state=0)

    frozen = CNNClassifier(**params).fit(X, y)
    names = [layer.name for layer in frozen.model_.layers]
    assert names[:4] == ["input", "to_rgb", "tiny", "backbone_features"]
    assert names[-3:] == ["global_pool", "embedding", "output"]
    # Inspection reads the backbone's feature map through the outer network.
    assert attributions(frozen, X[:2], method="grad_cam").shape == (2, 8, 8)
    for got, want in zip(_weights(frozen.model_.get_layer("tiny")), _weights(saved)):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(_weights(given), before):  # copied, not trained in place
        np.testing.assert_array_equal(got, want)

    tuned = CNNClassifier(**params, fine_tune=True).fit(X, y)
    kernel = tuned.model_.get_layer("tiny").get_layer("tiny_conv").get_weights()[0]
    assert not np.allclose(kernel, saved.get_layer("tiny_conv").get_weights()[0])

    # A model of your own keeps its weights under the default "imagenet".
    extractor = NeuralFeatureExtractor(
        backbone=given, layer="global_pool", n_components=None, hidden_units=(), epochs=1,
        random_state=0,
    ).fit(X, y)
    assert extractor.transform(X).shape == (32, 4)
    for got, want in zip(_weights(extractor.network_.model_.get_layer("tiny")), before):
        np.testing.assert_array_equal(got, want)

    with pytest.raises(ValueError, match="backbone_weights="):
        CNNClassifier(backbone=given, backbone_weights=str(tmp_path / "none.h5")).fit(X, y)
    with pytest.raises(ValueError, match="either model or backbone"):
        CNNClassifier(model=given, backbone=given, backbone_weights=None).fit(X, y)
    with pytest.raises(ValueError, match="not a known keras.applications"):
        CNNClassifier(backbone="NoSuchNet", backbone_weights=None).fit(X, y)


def test_named_application_loads_a_saved_weights_file(tmp_path):
    # The estimator path is the one the tiny backbone above takes; building
    # the application is what differs (and training it at 224x224 would cost
    # seconds of test time).
    keras = get_keras()
    saved = keras.applications.MobileNetV3Small(
        include_top=False, weights=None, input_shape=(224, 224, 3)
    )
    path = tmp_path / "mobilenet.weights.h5"
    saved.save_weights(path)
    model, size, channels, mode = make_backbone("MobileNetV3Small", str(path))
    assert (size, channels, mode) == ((224, 224), 3, None)
    for got, want in zip(_weights(model), _weights(saved)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode, module", [
    ("tf", "mobilenet_v2"), ("torch", "densenet"), ("caffe", "resnet50"),
])
def test_preprocessing_layers_equal_the_backbone_s_own_preprocess_input(mode, module):
    keras = get_keras()
    x = np.random.RandomState(0).uniform(0, 255, size=(2, 4, 4, 3)).astype("float32")
    out = x
    for layer in preprocessing_layers(keras, mode):
        out = layer(out)
    expected = getattr(keras.applications, module).preprocess_input(x.copy())
    np.testing.assert_allclose(np.asarray(out), expected, atol=1e-4)
