"""CNNClassifier and CNNRegressor on images, signals and inside scikit-learn tools."""

import numpy as np
import pytest
from PIL import Image
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepmine import CNNClassifier, CNNRegressor
from skdeepmine.datasets import load_image_folder

# These small networks test what surrounds the network, so they keep the
# flattened head without batch normalisation: averaging a map of 4 or 8
# filters leaves the head 4 or 8 numbers (the default's choice for images,
# "auto", is tested in tests/test_cnn_defaults.py).
FLAT = dict(batch_norm=False, global_pooling=None)
TINY = dict(filters=(4,), dense_units=(8,), epochs=3, random_state=0, **FLAT)
# Small but able to learn digits in a few seconds, for tests that check learning.
LEARNS = dict(
    filters=(8,), dense_units=(16,), epochs=10, learning_rate=0.01, random_state=0, **FLAT
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X.reshape(-1, 8, 8), y


def test_default_classifier_reaches_099_on_digits_images(digits):
    # Issue 13's target; the old default (batch_norm=False,
    # global_pooling=None) scored 0.984 here (docs/user_guide/cnn.rst).
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    clf = CNNClassifier(random_state=0).fit(X_train, y_train)
    assert clf.model_.layers[0].__class__.__name__ == "Conv2D"
    assert clf.score(X_test, y_test) >= 0.99


@pytest.mark.parametrize(
    "shape, kwargs, conv",
    [
        ((8, 8), {}, "Conv2D"),
        ((8, 8, 1), {}, "Conv2D"),
        ((4, 4, 3), {}, "Conv2D"),
        ((16,), {}, "Conv1D"),
        ((16, 2), {"input_kind": "signal"}, "Conv1D"),
        ((64,), {"input_shape": (8, 8)}, "Conv2D"),
        ((64,), {"input_shape": (16, 4), "input_kind": "signal"}, "Conv1D"),
    ],
)
def test_input_layouts_choose_the_convolution(shape, kwargs, conv):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30,) + shape)
    y = np.arange(30) % 2
    clf = CNNClassifier(**TINY, **kwargs).fit(X, y)
    assert [l for l in clf.model_.layers if l.__class__.__name__.startswith("Conv")][0].__class__.__name__ == conv
    assert clf.predict(X).shape == (30,)


def test_flat_rows_after_a_scaler_are_reshaped_to_images(digits):
    X, y = digits
    flat = X.reshape(len(X), -1)[:300]
    pipe = make_pipeline(StandardScaler(), CNNClassifier(**LEARNS, input_shape=(8, 8)))
    pipe.fit(flat, y[:300])
    assert pipe[-1].input_shape_ == (8, 8, 1)
    assert pipe.score(flat, y[:300]) > 0.5


@pytest.mark.backend_free
def test_input_shape_that_does_not_hold_the_features_is_an_error():
    with pytest.raises(ValueError, match=r"input_shape=\(3, 3\) holds 9 values"):
        CNNClassifier(**TINY, input_shape=(3, 3)).fit(np.ones((4, 10)), [0, 1, 0, 1])


def test_wrong_image_shape_at_predict_names_expected_and_got(digits):
    X, y = digits
    clf = CNNClassifier(**TINY).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match=r"shape \(9, 9\).*fitted on samples of shape \(8, 8\)"):
        clf.predict(np.zeros((2, 9, 9)))


def test_flat_rows_are_accepted_at_predict_where_input_shape_reads_them(digits):
    X, y = digits
    clf = CNNClassifier(**TINY, input_shape=(8, 8)).fit(X[:50], y[:50])
    np.testing.assert_array_equal(clf.predict(X[:5].reshape(5, 64)), clf.predict(X[:5]))


def test_augmentation_and_rescale_train_and_leave_prediction_deterministic(digits):
    X, y = digits
    clf = CNNClassifier(
        **TINY, rescale=1 / 16, random_flip="horizontal", random_rotation=0.05,
        random_zoom=0.1, random_translation=0.1,
    ).fit(X[:200], y[:200])
    names = [layer.__class__.__name__ for layer in clf.model_.layers]
    assert names[:5] == ["Rescaling", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation"]
    np.testing.assert_array_equal(clf.predict_proba(X[:20]), clf.predict_proba(X[:20]))


@pytest.mark.backend_free
def test_augmentation_of_signals_is_refused():
    with pytest.raises(ValueError, match="augment images"):
        CNNClassifier(**TINY, random_flip="horizontal").fit(np.ones((6, 10)), [0, 1] * 3)


def test_batch_norm_and_dropout_are_built_when_asked():
    X = np.random.RandomState(0).normal(size=(40, 8, 8))
    clf = CNNClassifier(**{**TINY, **dict(batch_norm=True, dropout=0.2, global_pooling="avg")})
    clf.fit(X, np.arange(40) % 2)
    names = {layer.__class__.__name__ for layer in clf.model_.layers}
    assert {"BatchNormalization", "Dropout", "GlobalAveragePooling2D"} <= names


def test_regressor_learns_a_multi_output_signal_target():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 12))
    Y = np.column_stack([X[:, :3].sum(axis=1), X[:, 3] - X[:, 4]])
    reg = CNNRegressor(filters=(8,), dense_units=(32,), epochs=60, random_state=0).fit(X, Y)
    assert reg.predict(X).shape == (300, 2)
    assert reg.score(X, Y) > 0.8


def test_pipeline_grid_search_and_cross_validation_compose(digits):
    X, y = digits
    flat = X.reshape(len(X), -1)[:240]
    y = y[:240]
    pipe = make_pipeline(StandardScaler(), CNNClassifier(**LEARNS, input_shape=(8, 8)))
    search = GridSearchCV(pipe, {"cnnclassifier__filters": [(4,), (8,)], "cnnclassifier__epochs": [3, 10]}, cv=2)
    search.fit(flat, y)
    assert set(search.best_params_) == {"cnnclassifier__filters", "cnnclassifier__epochs"}
    scores = cross_val_score(search.best_estimator_, flat, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.3)


def test_clone_gives_an_unfitted_copy_with_equal_params(digits):
    X, y = digits
    clf = CNNClassifier(**TINY).fit(X[:40], y[:40])
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "model_")


@pytest.fixture
def image_folder(tmp_path):
    digits = load_digits()
    for label in (0, 1):
        folder = tmp_path / f"digit{label}"
        folder.mkdir()
        for i, image in enumerate(digits.images[digits.target == label][:15]):
            Image.fromarray((image * 15).astype(np.uint8)).convert("RGB").save(folder / f"{i}.png")
    return tmp_path


def test_image_folder_reads_classes_from_subfolders_and_trains_a_cnn(image_folder):
    data = load_image_folder(image_folder, image_size=(8, 8), color_mode="grayscale")
    assert data.images.shape == (30, 8, 8, 1)
    assert data.images.dtype == np.float32
    assert data.target_names == ["digit0", "digit1"]
    assert np.bincount(data.target).tolist() == [15, 15]
    clf = CNNClassifier(**{**LEARNS, "epochs": 30}, rescale=1 / 255).fit(data.images, data.target)
    assert clf.score(data.images, data.target) > 0.8


@pytest.mark.backend_free
def test_image_folder_rgb_and_return_X_y(image_folder):
    X, y = load_image_folder(image_folder, image_size=(6, 5), return_X_y=True)
    assert X.shape == (30, 6, 5, 3) and y.shape == (30,)


def test_unreadable_image_is_named_or_skipped_with_a_warning(image_folder):
    broken = image_folder / "digit1" / "broken.jpg"
    broken.write_bytes(b"not an image")
    (image_folder / "digit1" / "notes.txt").write_text("ignored: not an image extension")
    with pytest.raises(ValueError, match="broken.jpg"):
        load_image_folder(image_folder, image_size=(8, 8))
    with pytest.warns(UserWarning, match="broken.jpg"):
        data = load_image_folder(image_folder, image_size=(8, 8), on_error="warn")
    assert len(data.images) == 30


@pytest.mark.backend_free
def test_image_folder_without_class_folders_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no class sub-folders"):
        load_image_folder(tmp_path)


def _users_compiled_net(shape=(8, 8, 1)):
    import keras

    net = keras.Sequential([
        keras.Input(shape), keras.layers.Flatten(),
        keras.layers.Dense(8, activation="sigmoid"), keras.layers.Dense(2, activation="softmax"),
    ])
    net.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return net


def test_rescale_and_augmentation_wrap_a_users_compiled_network():
    # 0-255 pixels; the class is which half is darker.  Sigmoid units saturate
    # on raw pixels, so the network learns only when rescale reaches it.
    rng = np.random.RandomState(0)
    y = np.arange(200) % 2
    X = rng.uniform(0, 255, size=(200, 8, 8, 1)).astype(np.float32)
    X[y == 0, :, :4] *= 0.7
    X[y == 1, :, 4:] *= 0.7
    raw = CNNClassifier(model=_users_compiled_net(), epochs=5, random_state=0)
    scaled = clone(raw).set_params(rescale=1 / 255, random_flip="vertical")
    raw.fit(X[:150], y[:150])
    scaled.fit(X[:150], y[:150])
    assert raw.score(X[150:], y[150:]) < 0.8 < 0.9 < scaled.score(X[150:], y[150:])
    names = [layer.__class__.__name__ for layer in scaled.model_.layers]
    # The user's layers stay flat (skdeepmine.inspection finds them by name).
    assert names == ["InputLayer", "Rescaling", "RandomFlip", "Flatten", "Dense", "Dense"]
    # Prediction is the user's network on X / 255: rescaled, never flipped.
    x = X[:20] / 255
    for layer in scaled.model_.layers[3:]:
        x = layer(x, training=False)
    import keras

    np.testing.assert_allclose(
        scaled.predict_proba(X[:20]), keras.ops.convert_to_numpy(x), atol=1e-6
    )


def test_inspection_reads_a_users_layers_by_name_behind_rescale():
    import keras

    from skdeepmine.inspection import activations, attributions, conv_filters

    def build(meta):
        return keras.Sequential([
            keras.Input(meta["input_shape"]),
            keras.layers.Conv2D(4, 3, activation="relu", name="myconv"),
            keras.layers.Flatten(), keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ])

    X = np.random.RandomState(0).uniform(0, 255, size=(20, 8, 8, 1)).astype(np.float32)
    y = np.arange(20) % 2
    clf = CNNClassifier(model=build, rescale=1 / 255, epochs=2, random_state=0).fit(X, y)
    # Was "not a layer of the network" / "has no convolution layer": the
    # user's network sat nested as one layer named sequential_<n>.
    maps = activations(clf, X[:3], "myconv")
    kernel = conv_filters(clf)  # (filters, 3, 3, 1)
    bias = clf.model_.get_layer("myconv").get_weights()[1]
    patch = X[:3, :3, :3, 0] / 255
    expected = np.maximum(np.einsum("nij,fij->nf", patch, kernel[..., 0]) + bias, 0)
    np.testing.assert_allclose(maps[:, 0, 0, :], expected, rtol=1e-4, atol=1e-5)
    assert clf.model_.name == "preprocessed_network"
    if keras.backend.backend() == "tensorflow":  # Grad-CAM uses TensorFlow's gradients
        assert attributions(clf, X[:2], method="grad_cam", layer="myconv").shape == (2, 8, 8, 1)


def test_flattened_network_stays_small_on_large_images_and_unchanged_on_digits(digits):
    # The default pools images globally (tests/test_cnn_defaults.py); a
    # flattened map is pooled further first.
    X = np.random.RandomState(0).uniform(0, 255, size=(4, 150, 150, 3)).astype(np.float32)
    large = CNNClassifier(epochs=1, random_state=0, **FLAT).fit(X, [0, 1, 0, 1])
    # Flattening the 37x37x64 map into 128 units took 11.2 M weights.
    assert large.model_.count_params() < 200_000
    assert [l.name for l in large.model_.layers if l.name.startswith("downsample")] == [
        "downsample_0", "downsample_1", "downsample_2"
    ]
    small = CNNClassifier(epochs=1, random_state=0, **FLAT).fit(digits[0][:20], digits[1][:20])
    assert not any(l.name.startswith("downsample") for l in small.model_.layers)
    assert small.model_.count_params() == 9 * 32 + 32 + 9 * 32 * 64 + 64 + 256 * 128 + 128 + 1290


def test_balanced_batches_oversample_the_minority_class_by_index():
    from skdeepmine.cnn._balance import balanced_rows

    rng = np.random.RandomState(0)
    y = np.r_[np.zeros(190, int), np.ones(10, int)]
    rows = balanced_rows(y, rng)
    assert np.bincount(y[rows]).tolist() == [190, 190]
    assert set(np.bincount(rows[y[rows] == 1])[190:]) == {19}  # each minority image 19 times

    def images(labels):  # the class is whether a bright bar sits in the top or bottom half
        X = rng.uniform(0, 1, size=(len(labels), 8, 8, 1)).astype(np.float32)
        for i, label in enumerate(labels):
            r, c = rng.randint(0, 2), rng.randint(0, 5)
            X[i, r + 4 * label : r + 4 * label + 2, c : c + 3, 0] += 1.0
        return X

    X, X_test, y_test = images(y), images(np.arange(200) % 2), np.arange(200) % 2
    from sklearn.metrics import balanced_accuracy_score

    fast = {**TINY, "epochs": 6, "learning_rate": 0.01}
    plain = CNNClassifier(**fast).fit(X, y)
    balanced = CNNClassifier(**fast, balanced_batches=True).fit(X, y)
    import keras

    if keras.backend.backend() == "tensorflow":
        # From JAX's initial weights this tiny network finds the minority
        # class even unbalanced (0.80): the contrast is TensorFlow's.
        assert balanced_accuracy_score(y_test, plain.predict(X_test)) < 0.6
    assert balanced_accuracy_score(y_test, balanced.predict(X_test)) > 0.85
