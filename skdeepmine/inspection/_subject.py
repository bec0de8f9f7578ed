"""What an inspection function explains: the network (or model) behind an estimator.

Everything here reads public attributes only: ``model_`` and
``input_shape_`` of the network estimators, ``network_`` and ``layer_`` of
:class:`~skdeepmine.features.NeuralFeatureExtractor`, ``extractor_`` of the
hybrids, and ``predict``/``predict_proba``/``transform`` of anything else.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_array, check_is_fitted

from ..core._backend import get_keras
from ..core._paths import looks_like_paths, read_image_paths

KINDS = ("image", "signal", "tabular")


@dataclass
class Subject:
    """One fitted estimator seen as a function of one sample in network shape.

    ``model`` is a Keras model (None when only the estimator's own methods can
    be called), ``shape`` the shape of one sample as the network reads it,
    ``kind`` one of ``KINDS``, ``classes`` the class labels of a classifier.
    """

    estimator: object
    model: object
    shape: tuple
    kind: str
    classes: object = None
    output: str = "predict"  # what occlusion calls: predict_proba, predict or transform

    def predict_outputs(self, x, sample_shape):
        """Outputs of the estimator's own method on ``x`` (network-shaped samples)."""
        X = np.asarray(x).reshape((len(x),) + tuple(sample_shape))
        values = np.asarray(getattr(self.estimator, self.output)(X), dtype=np.float64)
        return values.reshape(len(values), -1)


def _kind_of(shape, is_cnn):
    if is_cnn:
        return "image" if len(shape) == 3 else "signal"
    return "tabular"


def _is_cnn(model):
    """A network whose input keeps spatial axes: some layer outputs a feature map."""
    keras = get_keras()
    spatial = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.DepthwiseConv2D,
               keras.layers.SeparableConv1D, keras.layers.SeparableConv2D)
    for layer in model.layers:
        if isinstance(layer, spatial):
            return True
        if isinstance(layer, keras.Model) and _is_cnn(layer):
            return True
    return False


def _network_subject(estimator):
    check_is_fitted(estimator, "model_")
    model = estimator.model_
    shape = tuple(estimator.input_shape_)
    kind = _kind_of(shape, len(shape) > 1 and _is_cnn(model))
    classes = getattr(estimator, "classes_", None) if is_classifier(estimator) else None
    output = "predict_proba" if classes is not None else "predict"
    if getattr(estimator, "target_mean_", None) is not None:
        model = _in_target_units(model, estimator.target_mean_, estimator.target_scale_)
    return Subject(estimator, model, shape, kind, classes, output)


def _in_target_units(model, mean, scale):
    """A regressor's network followed by the map of its standardised outputs to y's units."""
    keras = get_keras()
    output = model.outputs[0]
    rescale = keras.layers.Rescaling(
        scale=np.asarray(scale), offset=np.asarray(mean), dtype=output.dtype,
        name="to_target_units",
    )
    if isinstance(model, keras.Sequential):
        # Still a Sequential, which Grad-CAM re-applies layer by layer on a
        # new input (_gradients._cam_model): a functional wrapper of a loaded
        # network computed its feature map and output on separate graphs,
        # and every Grad-CAM map was zero (tests/test_insight_images.py).
        inputs = keras.Input(tuple(model.inputs[0].shape)[1:], dtype=model.inputs[0].dtype)
        return keras.Sequential([inputs, *model.layers, rescale], name=model.name)
    return keras.Model(model.inputs, rescale(output), name=model.name)


def _extractor_subject(extractor):
    check_is_fitted(extractor, "network_")
    keras = get_keras()
    network = extractor.network_
    full = network.model_
    layer = full.get_layer(extractor.layer_)
    width = int(np.prod(tuple(layer.output.shape)[1:]))
    # The features are the layer itself unless a PCA of it was kept, which
    # only transform knows how to apply: then only occlusion applies.
    model = None
    if width == extractor.n_components_:
        model = keras.Model(full.inputs, layer.output, name=f"{full.name}_to_{layer.name}")
    shape = tuple(network.input_shape_)
    kind = _kind_of(shape, len(shape) > 1 and _is_cnn(full))
    return Subject(extractor, model, shape, kind, None, "transform")


def subject_of(estimator, X):
    """The :class:`Subject` for ``estimator``, a fitted skdeepmine estimator or any model.

    Network estimators (``model_``) and extractors (``network_``) give
    gradients; anything else with ``predict_proba``, ``predict`` or
    ``transform`` (the hybrids among them) only its own outputs.
    """
    if hasattr(estimator, "model_") and hasattr(estimator, "input_shape_"):
        return _network_subject(estimator)
    if hasattr(estimator, "network_") and hasattr(estimator, "layer_"):
        return _extractor_subject(estimator)
    check_is_fitted(estimator)
    if looks_like_paths(X):
        X = read_image_paths(estimator, X[:1])
    sample_shape = tuple(np.shape(X)[1:])
    if len(sample_shape) >= 2:
        shape = sample_shape if len(sample_shape) == 3 else sample_shape + (1,)
        kind = "image"
    else:
        shape, kind = sample_shape, "tabular"
    if is_classifier(estimator) and hasattr(estimator, "predict_proba"):
        return Subject(estimator, None, shape, kind, estimator.classes_, "predict_proba")
    for output in ("predict", "transform"):
        if hasattr(estimator, output):
            return Subject(estimator, None, shape, kind, None, output)
    raise TypeError(
        f"{type(estimator).__name__} has none of predict_proba, predict or transform; "
        "there is nothing to explain."
    )


def check_samples(subject, X):
    """``X`` as a float array of samples, and the same samples in network shape.

    Image file paths are decoded as the estimator reads them at predict.
    """
    if looks_like_paths(X):
        X = read_image_paths(subject.estimator, X)
    X = check_array(X, allow_nd=True, dtype="numeric", ensure_min_samples=1)
    X = np.asarray(X, dtype=np.float64)
    n_values = int(np.prod(subject.shape))
    if int(np.prod(X.shape[1:])) != n_values:
        raise ValueError(
            f"X has samples of shape {X.shape[1:]} ({int(np.prod(X.shape[1:]))} values), "
            f"but {type(subject.estimator).__name__} was fitted on samples of "
            f"{n_values} values."
        )
    return X, X.reshape((len(X),) + subject.shape)


def target_indices(subject, target, default):
    """Index of the explained output for each sample.

    ``target`` is a class label for classifiers, the index of an output (a
    target of a regressor, a feature of a transformer) otherwise; ``default``
    gives the indices used when it is None.
    """
    if target is None:
        return default()
    if subject.classes is not None:
        matches = np.flatnonzero(np.asarray(subject.classes) == target)
        if not len(matches):
            raise ValueError(
                f"target={target!r} is not a class of the classifier; its classes are "
                f"{list(subject.classes)}."
            )
        return matches[0]
    if not isinstance(target, (int, np.integer)) or isinstance(target, bool) or target < 0:
        raise ValueError(
            f"target must be the index of an output (an int >= 0) for "
            f"{type(subject.estimator).__name__}; got {target!r}."
        )
    return int(target)


def check_baseline(baseline, sample_shape, shape):
    """``baseline`` (None, a number or one sample) in network shape."""
    if baseline is None:
        return np.zeros(shape)
    values = np.asarray(baseline, dtype=np.float64)
    try:
        values = np.broadcast_to(values, sample_shape)
    except ValueError:
        raise ValueError(
            f"baseline must be a number or one sample of shape {tuple(sample_shape)}; "
            f"got shape {values.shape}."
        ) from None
    if not np.all(np.isfinite(values)):
        raise ValueError("baseline holds NaN or infinite values.")
    return np.array(values).reshape(shape)
