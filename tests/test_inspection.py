"""skdeepmine.inspection: attributions checked on planted truth, layers, displays."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from skdeepmine import (
    CNNClassifier,
    DenseNetworkClassifier,
    DenseNetworkRegressor,
    HybridClassifier,
    NeuralFeatureExtractor,
)
from skdeepmine.inspection import (
    AttributionDisplay,
    DeepFeatureDisplay,
    FilterDisplay,
    activations,
    attributions,
    conv_filters,
    deep_feature_inputs,
)

matplotlib.use("Agg")

PATCH = (slice(1, 3), slice(4, 6))


def _patch_images(n, seed):
    """8x8 noise; class 1 has a bright 2x2 patch at PATCH, class 0 does not."""
    rng = np.random.RandomState(seed)
    X = rng.normal(0, 0.2, size=(n, 8, 8))
    y = np.arange(n) % 2
    X[y == 1, PATCH[0], PATCH[1]] += 1.5
    return X, y


@pytest.fixture(scope="module")
def patch_cnn():
    X, y = _patch_images(200, seed=0)
    # Global max pooling and 2x2 kernels keep the evidence local (one fixed
    # seed: attributions are compared, not the training).
    clf = CNNClassifier(
        filters=(4,), kernel_size=2, dense_units=(), global_pooling="max", epochs=10,
        learning_rate=0.01, random_state=1, batch_norm=False,
    ).fit(X, y)
    return clf, _patch_images(40, seed=1)


@pytest.fixture(scope="module")
def planted_table():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 2] > 0).astype(int)
    return X, y


@pytest.mark.parametrize("method", ["gradient", "integrated_gradients", "grad_cam", "occlusion"])
def test_most_attribution_mass_falls_on_the_patch_that_decides_the_class(patch_cnn, method):
    clf, (X, y) = patch_cnn
    assert clf.score(X, y) > 0.95
    values = attributions(clf, X[y == 1], method=method)
    assert values.shape == X[y == 1].shape
    mass = np.abs(values)
    inside = mass[(slice(None),) + PATCH].sum()
    assert inside / mass.sum() > 0.5  # the patch is 4 of 64 pixels


def test_grad_cam_and_occlusion_find_the_bump_of_a_signal():
    rng = np.random.RandomState(0)
    X = rng.normal(0, 0.2, size=(120, 16))
    y = np.arange(120) % 2
    X[y == 1, 10:12] += 1.5
    clf = CNNClassifier(
        filters=(4,), kernel_size=2, dense_units=(), global_pooling="max", epochs=10,
        learning_rate=0.01, random_state=0,
    ).fit(X, y)
    for method in ("grad_cam", "occlusion", "integrated_gradients"):
        values = np.abs(attributions(clf, X[y == 1][:20], method=method, window=2))
        assert values.shape == (20, 16)
        assert values[:, 10:12].sum() / values.sum() > 0.5, method


def test_integrated_gradients_sum_to_the_output_difference_from_the_baseline(planted_table):
    X, y = planted_table
    clf = DenseNetworkClassifier(hidden_units=(16,), epochs=5, random_state=0).fit(X, y)
    baseline = X.mean(axis=0)
    values = attributions(clf, X[:10], target=1, baseline=baseline, n_steps=64)
    difference = clf.predict_proba(X[:10])[:, 1] - clf.predict_proba(baseline[None])[0, 1]
    assert np.abs(difference).max() > 0.05  # a real difference to explain
    np.testing.assert_allclose(values.sum(axis=1), difference, atol=5e-3)

    reg = DenseNetworkRegressor(hidden_units=(8,), epochs=3, random_state=0).fit(X, X[:, 0])
    values = attributions(reg, X[:5], baseline=0.0, n_steps=256)
    difference = reg.predict(X[:5]) - reg.predict(np.zeros((1, 5)))
    np.testing.assert_allclose(values.sum(axis=1), difference, rtol=2e-3, atol=2e-3)


def test_occlusion_and_gradients_agree_on_the_planted_feature_also_through_a_hybrid(
    planted_table,
):
    X, y = planted_table
    clf = DenseNetworkClassifier(
        hidden_units=(16,), epochs=20, learning_rate=0.01, random_state=0
    ).fit(X, y)
    for method in ("gradient", "integrated_gradients", "occlusion"):
        values = attributions(clf, X[:50], method=method, baseline=X.mean(axis=0))
        assert np.argmax(np.abs(values).mean(axis=0)) == 2, method

    hybrid = HybridClassifier(
        NeuralFeatureExtractor(
            n_components=2, hidden_units=(8,), epochs=20, learning_rate=0.01, random_state=0
        ),
        DecisionTreeClassifier(max_depth=2, random_state=0), passthrough=False, cv=None,
    ).fit(X, y)
    values = attributions(hybrid, X[:50], method="occlusion", baseline=X.mean(axis=0))
    assert np.argmax(np.abs(values).mean(axis=0)) == 2
    with pytest.raises(ValueError, match="method='occlusion'"):
        attributions(hybrid, X[:5], method="gradient")

    found = deep_feature_inputs(hybrid, X[:100], n_inputs=2)
    assert found.importances.shape == (2, 5)
    assert found.top_inputs.shape == (2, 2)
    assert list(found.top_inputs[:, 0]) == ["x2", "x2"]
    assert list(found.feature_names) == ["deep0", "deep1"]  # the hybrid's own names


def test_activations_and_filters_are_the_network_s_own(patch_cnn, planted_table):
    clf, (images, _) = patch_cnn
    maps = activations(clf, images[:3], "conv_0_activation")
    assert maps.shape == (3, 8, 8, 4)
    assert (maps >= 0).all()
    kernel = clf.model_.get_layer("conv_0").get_weights()[0]
    np.testing.assert_array_equal(conv_filters(clf), np.moveaxis(kernel, -1, 0))

    X, y = planted_table
    extractor = NeuralFeatureExtractor(n_components=3, hidden_units=(8,), epochs=1).fit(X, y)
    np.testing.assert_allclose(
        activations(extractor, X[:5], "embedding"), extractor.transform(X[:5]), rtol=1e-6
    )
    with pytest.raises(ValueError, match="layer='nope' is not a layer"):
        activations(clf, images[:1], "nope")


def test_bad_requests_are_named(patch_cnn, planted_table):
    clf, (X, _) = patch_cnn
    with pytest.raises(ValueError, match="target=7 is not a class"):
        attributions(clf, X[:2], target=7)
    with pytest.raises(ValueError, match="samples of 64 values"):
        attributions(clf, X[:2, :4])
    with pytest.raises(ValueError, match="baseline must be"):
        attributions(clf, X[:2], baseline=np.zeros(3))
    with pytest.raises(ValueError, match="method"):
        attributions(clf, X[:2], method="saliency")
    with pytest.raises(ValueError, match="not a feature map"):
        attributions(clf, X[:2], method="grad_cam", layer="global_pool")
    Xt, yt = planted_table
    dense = DenseNetworkClassifier(hidden_units=(4,), epochs=1).fit(Xt, yt)
    with pytest.raises(ValueError, match="grad_cam"):
        attributions(dense, Xt[:2], method="grad_cam")
    with pytest.raises(ValueError, match="no convolution layer"):
        conv_filters(dense)


def test_displays_draw_one_artist_per_sample_filter_and_class(patch_cnn, planted_table, tmp_path):
    clf, (X, y) = patch_cnn
    display = AttributionDisplay.from_estimator(clf, X, method="grad_cam", max_samples=3)
    assert display.kind == "image" and len(display.artists_) == 3 and display.ax_.shape == (3,)
    display.figure_.savefig(tmp_path / "grad_cam.png")
    assert (tmp_path / "grad_cam.png").stat().st_size > 0

    filters = FilterDisplay.from_estimator(clf)
    assert len(filters.artists_) == 4

    projection = DeepFeatureDisplay.from_estimator(clf, X, y, layer="global_pool")
    assert len(projection.artists_) == 2 and projection.projection.shape == (40, 2)

    Xt, yt = planted_table
    dense = DenseNetworkClassifier(hidden_units=(4,), epochs=1).fit(Xt, yt)
    bars = AttributionDisplay.from_estimator(dense, Xt[:20], feature_names=list("abcde"))
    assert len(bars.artists_) == 5
    signal = AttributionDisplay(np.ones((2, 16)), np.zeros((2, 16)), kind="signal").plot()
    assert len(signal.artists_) == 2
    import matplotlib.pyplot as plt

    plt.close("all")


def test_importing_inspection_loads_neither_keras_nor_matplotlib():
    code = (
        "import sys, skdeepmine, skdeepmine.inspection; "
        "print(sorted(m for m in ('keras', 'tensorflow', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_inspection_reads_image_paths_as_predict_does(tmp_path):
    from PIL import Image

    rng = np.random.RandomState(0)
    pixels = rng.randint(0, 256, size=(12, 8, 8)).astype(np.uint8)
    pixels[1::2, :4] = 255  # class 1: bright left half
    paths = []
    for i, image in enumerate(pixels):
        Image.fromarray(image).save(tmp_path / f"{i}.png")
        paths.append(str(tmp_path / f"{i}.png"))
    paths, y = np.asarray(paths), np.arange(12) % 2
    clf = CNNClassifier(filters=(4,), dense_units=(), epochs=2, rescale=1 / 255,
                        color_mode="grayscale", random_state=0).fit(paths, y)
    images = pixels[:3, :, :, None].astype(np.float32)
    # Was sklearn's raw "Expected 2D array, got 1D array": paths now read as
    # predict reads them, so each result equals the one on the decoded images.
    for method in ("gradient", "grad_cam"):
        np.testing.assert_allclose(
            attributions(clf, paths[:3], method=method),
            attributions(clf, images, method=method), rtol=1e-5, atol=1e-6,
        )
    np.testing.assert_allclose(
        activations(clf, paths[:3], "conv_0"), activations(clf, images, "conv_0"), atol=1e-6
    )
    display = AttributionDisplay.from_estimator(clf, paths[:2], method="grad_cam")
    np.testing.assert_array_equal(display.X, images[:2])
    with pytest.raises(TypeError, match="not fitted by a network that reads image files"):
        attributions(DecisionTreeClassifier().fit(images.reshape(3, -1), y[:3]), paths[:2],
                     method="occlusion")


def test_grad_cam_of_a_saturated_network_still_finds_the_patch(patch_cnn):
    # Grad-CAM explains the class score before the softmax: on probabilities
    # a saturated network's gradients vanish and every map is zero.  The copy
    # (unpickled) also checks a loaded Sequential, whose feature map and score
    # once came from separate graphs (no gradient at all).
    import copy

    clf, (X, y) = patch_cnn
    saturated = copy.deepcopy(clf)
    output = saturated.model_.get_layer("output")
    output.set_weights([w * 1e4 for w in output.get_weights()])
    proba = saturated.predict_proba(X[y == 1])
    assert (proba.max(axis=1) == 1.0).mean() > 0.5  # probabilities saturated (float32)
    mass = np.abs(attributions(saturated, X[y == 1], method="grad_cam"))
    assert mass.sum() > 0
    assert mass[(slice(None),) + PATCH].sum() / mass.sum() > 0.5
