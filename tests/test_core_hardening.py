"""The Keras core refuses what it cannot do right and trains what users bring.

Issue 9, items 2, 4, 5, 8 and 9: samples of another layout, balanced class
weights with sample weights, all-or-nothing fits of networks trained in place,
subclassed and ``Lambda`` networks, optimizer classes.
"""

import gc
import io
import pickle
import weakref

import numpy as np
import pytest

from skdeepmine import CNNClassifier, CNNRegressor, DenseNetworkClassifier, NeuralFeatureExtractor

keras = pytest.importorskip("keras")

# Tiny networks: every fit here takes a fraction of a second.
SMALL = dict(epochs=2, random_state=0)
CNN = dict(filters=(2,), dense_units=(), **SMALL)
# Read by the Lambda layer below at call time, from this module's globals.
SCALE = 3.0


@pytest.fixture(scope="module")
def rows():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    return X, y


# --------------------------------------------------------- item 2: layouts
def test_samples_of_another_layout_are_refused_naming_both_shapes():
    rng = np.random.RandomState(0)
    images = rng.uniform(size=(40, 8, 8, 3))
    y = (images[:, :4].mean(axis=(1, 2, 3)) > 0.5).astype(int)
    clf = CNNClassifier(**CNN).fit(images, y)
    assert clf.predict(images[:3]).shape == (3,)
    # Same number of values per sample, another layout: garbage if accepted.
    with pytest.raises(ValueError, match=r"\(3, 8, 8\).*fitted on samples of shape \(8, 8, 3\)"):
        clf.predict(images[:3].transpose(0, 3, 1, 2))
    # Flat rows: no way to know how they were flattened.
    with pytest.raises(ValueError, match=r"\(192,\).*\(8, 8, 3\).*input_shape"):
        clf.predict_proba(images[:3].reshape(3, -1))

    # Fitted on flat rows that input_shape reads as images: flat rows and
    # images of that shape are accepted, and mean the same thing.
    flat = images.reshape(len(images), -1)
    declared = CNNClassifier(**CNN, input_shape=(8, 8, 3)).fit(flat, y)
    expected = declared.predict_proba(flat[:3])
    np.testing.assert_array_equal(declared.predict_proba(images[:3]), expected)
    with pytest.raises(ValueError, match=r"\(3, 8, 8\).*\(192,\)"):
        declared.predict_proba(images[:3].transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(declared.predict_proba(flat[:3]), expected)

    extractor = NeuralFeatureExtractor(architecture="dense", hidden_units=(2,), **SMALL)
    extractor.fit(images, y)
    with pytest.raises(ValueError, match=r"\(3, 8, 8\).*\(8, 8, 3\)"):
        extractor.transform(images[:3].transpose(0, 3, 1, 2))


# --------------------------------------- item 4: balanced and sample weights
def test_balanced_class_weight_counts_sample_weights_like_repeated_rows(rows):
    X, y = rows
    y = np.where(np.arange(len(y)) % 5 == 0, 2, y)  # a smaller third class
    counts = np.random.RandomState(1).randint(0, 4, size=len(y))
    counts[y == 2] = np.where(np.arange((y == 2).sum()) % 2 == 0, 0, 3)
    params = dict(hidden_units=(4,), batch_size=1000, class_weight="balanced", **SMALL)

    clf = DenseNetworkClassifier(**params)
    # Planted truth: sum of weights / (classes * weighted count of the class),
    # over the rows that count.
    totals = np.bincount(y, weights=counts)
    expected = counts.sum() / (3 * totals)
    clf.classes_ = np.arange(3)
    used = clf._sample_weight_multiplier(y, counts.astype(float))
    kept = counts > 0
    np.testing.assert_allclose(used[kept], expected[y[kept]])

    weighted = DenseNetworkClassifier(**params).fit(X, y, sample_weight=counts)
    repeated = DenseNetworkClassifier(**params).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    # One batch holds every row, so both fits take identical steps.
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-6)


# ------------------------------ items 5 and 8: networks Keras cannot rebuild
class _Subclassed(keras.Model):
    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(units, activation="softmax")

    def call(self, x):
        return self.out(self.hidden(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _lambda_network():
    # A lambda reading this module's globals: a copy rebuilt from its
    # bytecode would not find SCALE.
    return keras.Sequential([
        keras.Input((4,)),
        keras.layers.Lambda(lambda t: t * SCALE),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(2, activation="softmax"),
    ])


class _Unconfigurable(keras.layers.Layer):
    """A layer whose configuration Keras cannot serialise (it holds a function)."""

    def __init__(self, transform, **kwargs):
        super().__init__(**kwargs)
        self.transform = transform

    def call(self, x):
        return self.transform(x)


def _unconfigurable_network(meta):
    return keras.Sequential([
        keras.Input(meta["input_shape"]),
        _Unconfigurable(lambda t: t * SCALE),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(2, activation="softmax"),
    ])


def _given(make):
    # A build function is passed as it is; the others make the network.
    return make if make is _unconfigurable_network else make()


NETWORKS = dict(
    argvalues=[_Subclassed, _lambda_network, _unconfigurable_network],
    ids=["subclassed", "lambda", "unserialisable"],
)


class _Boom(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise RuntimeError("boom")


@pytest.mark.parametrize("make", **NETWORKS)
def test_networks_keras_cannot_rebuild_train_fail_all_or_nothing_and_are_freed(rows, make):
    X, y = rows
    given = _given(make)
    network = given if isinstance(given, keras.Model) else None
    given_weights = [] if network is None else [w.copy() for w in network.get_weights()]
    clf = DenseNetworkClassifier(model=given, epochs=40, learning_rate=0.02, random_state=0)
    clf.fit(X, y)
    assert clf.score(X, y) > 0.9
    if make is _Subclassed:  # called on symbolic inputs, as the docs say
        assert [type(layer) for layer in clf.model_.layers][-1] is _Subclassed
    # A network given is a parameter: never trained.
    for before, after in zip(given_weights, [] if network is None else network.get_weights()):
        np.testing.assert_array_equal(before, after)

    # A continued fit that fails half-way changes nothing: not the weights,
    # not the history (such networks train in place, on the fitted model).
    weights = [w.copy() for w in clf.model_.get_weights()]
    proba, history = clf.predict_proba(X), list(clf.history_)
    clf.set_params(callbacks=[_Boom()], warm_start=True)
    for continue_fit in (clf.partial_fit, clf.fit):
        with pytest.raises(RuntimeError, match="boom"):
            continue_fit(X, y)
        for before, after in zip(weights, clf.model_.get_weights()):
            np.testing.assert_array_equal(before, after)
        np.testing.assert_array_equal(clf.predict_proba(X), proba)
        assert clf.history_ == history
    # ... and training goes on from there once the failure is gone.
    clf.set_params(callbacks=None).partial_fit(X, y)
    assert clf.n_iter_ == len(history) + 1

    # The functions serving a network trained in place go with it.
    network = weakref.ref(clf.model_)
    del clf, continue_fit
    gc.collect()
    assert network() is None


def test_a_subclassed_model_keras_cannot_describe_is_refused_clearly(rows):
    class Undescribed(keras.Model):
        def __init__(self, activation):  # a function: Keras cannot describe it
            super().__init__()
            self.activation = activation
            self.out = keras.layers.Dense(2, activation="softmax")

        def call(self, x):
            return self.out(self.activation(x))

    X, y = rows
    with pytest.raises(TypeError, match=r"Undescribed.*get_config\(\).*build function"):
        DenseNetworkClassifier(model=Undescribed(abs), epochs=1).fit(X, y)


def test_loading_a_fitted_lambda_network_stays_safe(rows):
    X, y = rows
    clf = DenseNetworkClassifier(model=_lambda_network(), epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="Lambda"):
        pickle.loads(pickle.dumps(clf))


@pytest.mark.parametrize("estimator", [CNNClassifier, CNNRegressor])
def test_output_of_the_wrong_rank_is_refused_naming_the_expected_shape(rows, estimator):
    X, y = rows

    def build(meta):
        return keras.Sequential([
            keras.Input(meta["input_shape"]),
            keras.layers.Flatten(),
            keras.layers.Reshape((2, 2)),
            keras.layers.Dense(2),
        ])

    expected = r"\(n_samples, 2\)" if estimator is CNNClassifier else r"\(n_samples, 1\)"
    with pytest.raises(ValueError, match=r"output of shape \(None, 2, 2\).*" + expected):
        estimator(build, epochs=1).fit(X, y)


# ----------------------------------------------- item 9: optimizer classes
def test_an_optimizer_class_is_made_with_learning_rate(rows):
    X, y = rows
    params = dict(hidden_units=(4,), learning_rate=0.05, **SMALL)
    by_class = DenseNetworkClassifier(optimizer=keras.optimizers.SGD, **params).fit(X, y)
    by_name = DenseNetworkClassifier(optimizer="sgd", **params).fit(X, y)
    np.testing.assert_array_equal(by_class.predict_proba(X), by_name.predict_proba(X))
    assert by_class.optimizer is keras.optimizers.SGD  # the parameter is left as given
    # Saved and loaded as skdeepmine's own types, with no other type to trust.
    pytest.importorskip("skops")
    from skdeepmine.persistence import dump, load

    buffer = io.BytesIO()
    dump(by_class, buffer)
    buffer.seek(0)
    loaded = load(buffer)
    assert loaded.optimizer is keras.optimizers.SGD
    np.testing.assert_array_equal(loaded.predict_proba(X), by_name.predict_proba(X))

    class NotAnOptimizer:
        def get_config(self):
            return {}

        def apply(self, grads):
            pass

    with pytest.raises(TypeError, match="optimizer.*NotAnOptimizer.*keras.optimizers"):
        DenseNetworkClassifier(optimizer=NotAnOptimizer, **params).fit(X, y)


# ------------------------------------------------ logits and streamed balance
def _linear_head(meta, units, loss=None):
    """A build function (model_kwargs: units, loss) whose last layer is linear."""
    model = keras.Sequential([
        keras.Input(meta["input_shape"]), keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(units, name="logits"),
    ])
    losses = {
        "softmax logits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "sigmoid logits": keras.losses.BinaryCrossentropy(from_logits=True),
    }
    if loss is not None:
        model.compile(loss=losses.get(loss, loss), optimizer="adam")
    return model


def test_a_network_giving_logits_predicts_probabilities_and_one_read_as_probabilities_is_refused(rows):
    # The TensorFlow tutorials' idiom, a linear last layer compiled with
    # from_logits=True, made predict_proba return the logits (rows summing
    # to 0.30-0.76).
    X, y = rows
    softmax = DenseNetworkClassifier(
        model=_linear_head, model_kwargs={"units": 2, "loss": "softmax logits"}, **SMALL
    ).fit(X, y)
    proba = softmax.predict_proba(X)
    logits = softmax.model_.predict(X, verbose=0).astype(np.float64)
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, expected, rtol=1e-6)
    sigmoid = DenseNetworkClassifier(
        model=_linear_head, model_kwargs={"units": 1, "loss": "sigmoid logits"}, **SMALL
    ).fit(X, y)
    proba = sigmoid.predict_proba(X)
    logit = sigmoid.model_.predict(X, verbose=0).astype(np.float64)[:, 0]
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-logit)), rtol=1e-6)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # Pickled, the fitted classifier still reads its outputs as logits.
    np.testing.assert_allclose(pickle.loads(pickle.dumps(sigmoid)).predict_proba(X), proba)
    for loss in (None, "sparse_categorical_crossentropy"):
        with pytest.raises(ValueError, match="'logits', is linear: its outputs are logits"):
            DenseNetworkClassifier(
                model=_linear_head, model_kwargs={"units": 2, "loss": loss}, **SMALL
            ).fit(X, y)


def test_partial_fit_refuses_balanced_class_weights(rows):
    # Each call balanced its own batch: a stream of one-class batches trained
    # exactly as without class weights.  scikit-learn's SGDClassifier refuses too.
    X, y = rows
    clf = DenseNetworkClassifier(class_weight="balanced", **SMALL)
    with pytest.raises(ValueError, match="'balanced' is not supported for partial_fit"):
        clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
    assert not hasattr(clf, "model_")
