"""CNN estimators taking X as image file paths, read a batch at a time while training."""

import pickle
import warnings

import numpy as np
import pytest
from PIL import Image
from sklearn.model_selection import GridSearchCV, cross_val_score

from skdeepmine import CNNClassifier, CNNRegressor
from skdeepmine.datasets import load_image_folder

FAST = dict(
    filters=(4,), dense_units=(8,), epochs=2, batch_size=16, random_state=0,
    color_mode="grayscale", rescale=1 / 255,
)
# Where the bright 4x4 patch sits decides the class.
PATCHES = {"top_left": (0, 0), "bottom_right": (4, 4), "top_right": (0, 4)}


def _write_split(root, n_per_class, rng, classes=PATCHES):
    for name in classes:
        row, col = PATCHES[name]
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(n_per_class):
            pixels = rng.randint(0, 70, size=(8, 8)).astype(np.uint8)
            pixels[row : row + 4, col : col + 4] = rng.randint(180, 255)
            Image.fromarray(pixels).save(folder / f"{i:03d}.png")


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    rng = np.random.RandomState(0)
    _write_split(root / "train", 20, rng)
    # The test split lacks a class: read with the training classes it must
    # keep their numbers.
    _write_split(root / "test", 8, rng, classes=["top_left", "top_right"])
    return root


@pytest.fixture(scope="module")
def train_paths(folders):
    return load_image_folder(folders / "train", load_images=False)


def test_folder_of_paths_fits_and_scores_on_a_test_folder_with_classes(folders, train_paths):
    clf = CNNClassifier(**{**FAST, "epochs": 8, "learning_rate": 0.01}).fit(train_paths.filenames, train_paths.target)
    assert clf.input_shape_ == (8, 8, 1) and clf.n_features_in_ == 64
    with pytest.warns(UserWarning, match="'bottom_right'.*has no folder"):
        test = load_image_folder(
            folders / "test", classes=train_paths.target_names, load_images=False
        )
    assert set(test.target) == {1, 2}
    assert clf.score(test.filenames, test.target) >= 0.9
    # Without classes= the test folder would number top_right 1, not 2.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shifted = load_image_folder(folders / "test", load_images=False)
    assert clf.score(shifted.filenames, shifted.target) <= 0.6


def test_paths_train_and_predict_exactly_like_the_decoded_array(folders, train_paths):
    X, y = load_image_folder(folders / "train", image_size=8, color_mode="grayscale", return_X_y=True)
    paths = train_paths.filenames
    weights = np.where(y == 1, 2.0, 1.0)
    from_array = CNNClassifier(**FAST, class_weight="balanced").fit(X, y, sample_weight=weights)
    from_paths = CNNClassifier(**FAST, class_weight="balanced").fit(
        list(paths), y, sample_weight=weights
    )
    expected = from_array.predict_proba(X)
    np.testing.assert_allclose(from_paths.predict_proba(paths), expected, atol=1e-6)
    # Either estimator reads either kind of X at predict.
    np.testing.assert_allclose(from_array.predict_proba(paths), expected, atol=1e-6)
    np.testing.assert_allclose(from_paths.predict_proba(X), expected, atol=1e-6)
    restored = pickle.loads(pickle.dumps(from_paths))
    np.testing.assert_allclose(restored.predict_proba(paths), expected, atol=1e-6)
    # Early stopping's validation split and partial_fit take paths too.
    stopped = CNNClassifier(**FAST, early_stopping=True).fit(paths, y)
    assert len(stopped.validation_scores_) == 2
    stepped = CNNClassifier(**FAST).partial_fit(paths[:30], y[:30], classes=[0, 1, 2])
    stepped.partial_fit(paths[30:], y[30:])
    assert stepped.predict(paths).shape == (60,)
    # Balanced batches repeat file names, not pixels: still the same fit.
    minority = np.r_[np.flatnonzero(y != 1), np.flatnonzero(y == 1)[:4]]
    balanced = [
        CNNClassifier(**FAST, balanced_batches=True).fit(data[minority], y[minority])
        for data in (X, paths)
    ]
    np.testing.assert_allclose(
        balanced[1].predict_proba(paths), balanced[0].predict_proba(X), atol=1e-6
    )
    reg = CNNRegressor(**FAST).fit(paths, y.astype(float))
    np.testing.assert_allclose(reg.predict(paths), reg.predict(X), atol=1e-5)


def test_cross_validation_and_grid_search_over_paths(train_paths):
    paths, y = train_paths.filenames, train_paths.target
    scores = cross_val_score(CNNClassifier(**FAST), paths, y, cv=2)
    assert scores.shape == (2,)
    search = GridSearchCV(CNNClassifier(**FAST), {"image_size": [4, 8]}, cv=2).fit(paths, y)
    assert search.best_estimator_.input_shape_ in {(4, 4, 1), (8, 8, 1)}
    assert search.predict(paths).shape == (60,)


def test_corrupt_file_mid_fit_names_it_and_keeps_the_fitted_estimator(folders, train_paths, tmp_path):
    paths, y = train_paths.filenames, train_paths.target
    clf = CNNClassifier(**FAST).fit(paths, y)
    before = clf.predict_proba(paths)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not really")
    spoiled = paths.copy().astype(object)
    spoiled[37] = broken
    with pytest.raises(ValueError, match=r"Cannot read image .*broken.png"):
        clf.fit(spoiled, y)
    np.testing.assert_array_equal(clf.predict_proba(paths), before)
    with pytest.raises(ValueError, match="broken.png"):
        clf.predict(spoiled)

    # on_error="warn": the file is left out, named, and the fit is exactly the
    # fit without it; prediction still needs every image.
    warned = CNNClassifier(**FAST, on_error="warn")
    with pytest.warns(UserWarning, match=r"broken.png.*Left out of the fit"):
        warned.fit(spoiled, y)
    without = CNNClassifier(**FAST).fit(np.delete(paths, 37), np.delete(y, 37))
    np.testing.assert_array_equal(warned.predict_proba(paths), without.predict_proba(paths))
    with pytest.raises(ValueError, match="broken.png"):
        warned.predict(spoiled)
    # A broken file among the first eight, which the value-range check reads
    # before the unreadable files are left out, stopped such a fit.
    early = paths.copy().astype(object)
    early[2] = broken
    with pytest.warns(UserWarning, match=r"broken.png.*Left out of the fit"):
        CNNClassifier(**FAST, on_error="warn").fit(early, y)


def test_path_input_errors_are_named(train_paths):
    paths, y = train_paths.filenames, train_paths.target
    with pytest.raises(TypeError, match=r"X\[1\] is int"):
        CNNClassifier(**FAST).fit([paths[0], 3] + list(paths[2:]), y)
    clf = CNNClassifier(**FAST).fit(paths, y)
    # A lone path and an empty array of paths reached NumPy's "could not
    # convert string to float" and sklearn's "Expected 2D array".
    with pytest.raises(ValueError, match=r"single value .*pass a list holding its path"):
        clf.predict(paths[0])
    with pytest.raises(ValueError, match=r"empty array .*0 samples"):
        clf.predict(np.array([], dtype=str))
    # Images divided by 255 after a fit on [0, 255] pixels scored at chance,
    # silently; the reverse too.  The same images on the fitted scale do not warn.
    X = load_image_folder(
        train_paths.filenames[0].rsplit("/", 2)[0], image_size=8, color_mode="grayscale"
    ).images
    with pytest.warns(UserWarning, match=r"values lie in \[0, 0\.\d+\].*fitted on values in \[0, 2\d\d\]"):
        clf.predict(X / 255)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(clf.predict(X), clf.predict(paths))
    unit = CNNClassifier(**{**FAST, "rescale": None, "epochs": 1}).fit(X[::3] / 255, y[::3])
    with pytest.warns(UserWarning, match=r"not divided by 255 as at fit"):
        unit.predict(paths[:3])
    # A table's columns have no common scale: no warning for rows.
    from skdeepmine import NeuralFeatureExtractor

    rows = NeuralFeatureExtractor(2, hidden_units=(4,), epochs=1, random_state=0)
    rows.fit(X.reshape(len(X), -1)[:, :4] / 255, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        rows.transform(X.reshape(len(X), -1)[:, :4])
    with pytest.raises(ValueError, match="fitted on samples of shape"):
        clf.set_params(color_mode="rgb").predict(paths)


def test_extractor_and_hybrid_read_paths_through_the_extractor(folders, train_paths):
    from skdeepmine import HybridClassifier, NeuralFeatureExtractor

    X, y = load_image_folder(folders / "train", image_size=8, color_mode="grayscale", return_X_y=True)
    paths = train_paths.filenames

    def extractor():
        return NeuralFeatureExtractor(
            3, filters=(4,), hidden_units=(8,), epochs=2, random_state=0,
            network_params={"color_mode": "grayscale", "rescale": 1 / 255},
        )

    np.testing.assert_allclose(
        extractor().fit(paths, y).transform(paths), extractor().fit(X, y).transform(X), atol=1e-5
    )
    from sklearn.tree import DecisionTreeClassifier

    hybrid = HybridClassifier(
        extractor=extractor(), estimator=DecisionTreeClassifier(random_state=0),
        cv=None, passthrough=False,
    ).fit(paths, y)
    assert hybrid.predict(paths).shape == (60,)
    # Fitted on paths, the hybrid takes the same images as an array (as the
    # CNN does): it said "X has 64 features, but ... expecting 1".
    assert hybrid.n_features_in_ == 64
    np.testing.assert_array_equal(hybrid.predict_proba(X), hybrid.predict_proba(paths))
    with pytest.raises(ValueError, match="single value"):
        hybrid.predict(paths[0])
    with pytest.raises(ValueError, match="passthrough=False"):
        HybridClassifier(extractor=extractor(), cv=None).fit(paths, y)


def test_prediction_of_large_images_goes_through_in_bounded_chunks(monkeypatch):
    """8192 rows of 150x150 RGB once went through the network at once (4.8 GB)."""
    from skdeepmine.core import _engine

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(1000, 64, 64, 3)).astype(np.float32)
    y = np.arange(len(X)) % 2
    clf = CNNClassifier(filters=(2,), dense_units=(4,), epochs=1, random_state=0).fit(X[:8], y[:8])
    whole = clf.predict_proba(X)  # reference, before the spy

    seen = []
    real = _engine.engine_for

    class Spy:
        def __init__(self, engine):
            self.engine = engine

        def infer(self, model, x):
            seen.append(x.nbytes)
            return self.engine.infer(model, x)

    monkeypatch.setattr(_engine, "engine_for", lambda model: Spy(real(model)))
    np.testing.assert_allclose(clf.predict_proba(X), whole, rtol=1e-6, atol=1e-7)
    assert len(seen) > 1 and max(seen) <= _engine.PREDICT_CHUNK_BYTES, seen


def test_images_rescaled_twice_are_warned_about():
    # Images already divided by 255, with rescale=1/255 as well: at most
    # 0.004 reach the network, which scored 0.52 where either alone scored 1.0.
    import warnings

    rng = np.random.RandomState(0)
    images = rng.uniform(0, 255, size=(20, 8, 8, 1))
    y = np.arange(20) % 2
    fast = {**FAST, "rescale": None}
    with pytest.warns(UserWarning, match=r"lie in \[0\.\d+, 1\], already on unit scale, "
                                         r"and rescale=0\.003922 takes them to at most 0\.0039"):
        CNNClassifier(**{**fast, "rescale": 1 / 255}).fit(images / 255, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CNNClassifier(**{**fast, "rescale": 1 / 255}).fit(images, y)
        CNNClassifier(**fast).fit(images / 255, y)
    assert not [w for w in caught if "unit scale" in str(w.message)]
