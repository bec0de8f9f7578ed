"""Gradient attributions: vanilla gradients, integrated gradients and Grad-CAM.

All three run the Keras model eagerly under a ``tf.GradientTape`` in batches:
tracing a ``tf.function`` per call would cost memory that TensorFlow never
hands back (see core/_engine.py).
"""

import weakref
from collections import OrderedDict

import numpy as np

from ..core._backend import get_keras, get_tf

# The last few Grad-CAM sub-models, so that repeated calls on one network do
# not rebuild theirs; bounded, as each one holds its network alive.
_MAX_CAM_MODELS = 4
_cam_models = OrderedDict()


def _scores(subject, outputs, indices, logits=False):
    """The explained output of each row: ``outputs[i, indices[i]]``.

    ``indices`` None explains each row's largest output (the predicted class),
    found in the same forward pass.  With ``logits``, ``outputs`` are the
    scores before a sigmoid or softmax.
    """
    tf = get_tf()
    outputs = tf.reshape(outputs, (tf.shape(outputs)[0], -1))
    if subject.classes is not None and len(subject.classes) == 2 and outputs.shape[-1] == 1:
        # One sigmoid unit: class 0's score is 1 - p, or -z before the sigmoid.
        outputs = tf.concat([-outputs if logits else 1 - outputs, outputs], axis=1)
    if indices is None:
        indices = tf.argmax(outputs, axis=1)
    return tf.gather(outputs, indices, axis=1, batch_dims=1)


def _squashed_output(model):
    """The output Dense layer when it ends in a sigmoid or softmax, else None."""
    keras = get_keras()
    last = model.layers[-1] if model.layers else None
    if isinstance(last, keras.layers.Dense) and last.activation in (
        keras.activations.softmax, keras.activations.sigmoid
    ):
        return last
    return None


def _score_tensor(model):
    """What Grad-CAM differentiates: the output layer's input when the output squashes.

    Grad-CAM explains the class score before the softmax (Selvaraju et al.):
    a confident network's probabilities saturate, and their gradients vanish
    (every map all zero, its "peak" at the first pixel).
    """
    last = _squashed_output(model)
    return model.outputs[0] if last is None else last.input


def _cam_model(model, layer):
    """A model returning ``layer``'s feature map and the score Grad-CAM explains.

    A Sequential network is re-applied layer by layer on a new input: one
    that was loaded (unpickled, copied) keeps its layers' first graph beside
    its own, and a model mixing the two would compute the feature map and the
    score on separate paths (no gradient between them).
    """
    keras = get_keras()
    if not isinstance(model, keras.Sequential):
        return keras.Model(model.inputs, [layer.output, _score_tensor(model)])
    last = _squashed_output(model)
    inputs = keras.Input(tuple(model.inputs[0].shape)[1:], dtype=model.inputs[0].dtype)
    x, feature_map = inputs, None
    for each in model.layers:
        if each is last:
            break
        x = each(x)
        if each is layer:
            feature_map = x
    # ``x`` is the output layer's input, or with no squashing output, the output.
    return keras.Model(inputs, [feature_map, x])


def _logits(last, values):
    """Class scores before the squashing output ``last``, from :func:`_score_tensor`'s values."""
    if last is None:
        return values
    tf = get_tf()
    kernel = tf.cast(last.kernel, values.dtype)
    scores = tf.matmul(values, kernel)
    return scores + tf.cast(last.bias, values.dtype) if last.use_bias else scores


def _batch_indices(indices, start, size):
    return None if indices is None else get_tf().constant(indices[start : start + size])


def forward(subject, x, batch_size):
    """Network outputs for ``x``, with a single sigmoid unit read as two classes.

    On any Keras backend (occlusion calls it for the predicted classes, and
    occlusion runs without TensorFlow).
    """
    keras = get_keras()
    dtype = np.dtype(subject.model.inputs[0].dtype)
    parts = []
    for start in range(0, len(x), batch_size):
        batch = np.asarray(x[start : start + batch_size], dtype=dtype)
        outputs = keras.ops.convert_to_numpy(subject.model(batch, training=False))
        outputs = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
        if subject.classes is not None and len(subject.classes) == 2 and outputs.shape[1] == 1:
            outputs = np.hstack([1 - outputs, outputs])
        parts.append(outputs)
    return np.concatenate(parts)


def _gradient_batches(subject, x, indices, batch_size):
    tf = get_tf()
    dtype = subject.model.inputs[0].dtype
    parts = []
    for start in range(0, len(x), batch_size):
        batch = tf.constant(x[start : start + batch_size], dtype=dtype)
        with tf.GradientTape() as tape:
            tape.watch(batch)
            score = _scores(
                subject, subject.model(batch, training=False),
                _batch_indices(indices, start, batch_size),
            )
        parts.append(np.asarray(tape.gradient(score, batch), dtype=np.float64))
    return np.concatenate(parts)


def vanilla_gradients(subject, x, indices, batch_size):
    """d output / d input for each sample."""
    return _gradient_batches(subject, x, indices, batch_size)


def integrated_gradients(subject, x, indices, baseline, n_steps, batch_size):
    """Integrated gradients from ``baseline`` to each sample (midpoint rule).

    They sum to ``output(x) - output(baseline)`` up to the error of the
    ``n_steps``-point rule (tests/test_inspection.py checks it).
    """
    alphas = (np.arange(n_steps) + 0.5) / n_steps
    attributions = np.empty_like(x)
    # Whole samples per batch, so that each path is one run of batches.
    per_batch = max(1, batch_size // n_steps)
    steps = alphas.reshape((1, n_steps) + (1,) * (x.ndim - 1))
    for start in range(0, len(x), per_batch):
        chunk = x[start : start + per_batch]
        path = baseline + steps * (chunk - baseline)[:, None]
        flat = path.reshape((-1,) + x.shape[1:])
        rows = np.repeat(np.asarray(indices[start : start + per_batch]), n_steps)
        grads = _gradient_batches(subject, flat, rows, batch_size)
        mean = grads.reshape(path.shape).mean(axis=1)
        attributions[start : start + per_batch] = (chunk - baseline) * mean
    return attributions


def _conv_layer_types(keras):
    return (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.DepthwiseConv2D,
            keras.layers.SeparableConv1D, keras.layers.SeparableConv2D)


def default_cam_layer(model, spatial_rank):
    """Name of the layer Grad-CAM reads by default.

    The last convolution, or the last layer after it that keeps its feature
    map's shape (its normalisation and activation); a nested model that
    outputs a feature map (a pretrained backbone) counts as a convolution.
    """
    keras = get_keras()
    conv_types = _conv_layer_types(keras)
    layers = model.layers
    found = None
    for index, layer in enumerate(layers):
        is_map = len(tuple(layer.output.shape)) == spatial_rank + 2
        if is_map and (isinstance(layer, conv_types) or isinstance(layer, keras.Model)):
            found = index
    if found is None:
        raise ValueError(
            "method='grad_cam' needs a convolutional network; this one has no "
            "convolution layer. Use 'integrated_gradients', 'gradient' or 'occlusion'."
        )
    if isinstance(layers[found], keras.Model) and found + 1 < len(layers):
        # A nested model's own output lives in its inner graph; read the
        # layer after it (the CNNs' ``backbone_features``).
        if len(tuple(layers[found + 1].output.shape)) == spatial_rank + 2:
            found += 1
    shape = tuple(layers[found].output.shape)
    while found + 1 < len(layers) and tuple(layers[found + 1].output.shape) == shape:
        found += 1
    return layers[found].name


def explains_regression(subject):
    """Whether ``subject``'s outputs are a regressor's predictions."""
    return subject.classes is None and subject.output == "predict"


def grad_cam(subject, x, indices, layer_name, batch_size):
    """Grad-CAM maps, upsampled (bilinear) to the input's spatial size.

    In units of the explained output; identical across the channels of a
    sample.  For a class score or a deep feature, the ReLU of Selvaraju et
    al. keeps what raises it (non-negative).  For a regressor's prediction
    the map stays signed (Captum's ``LayerGradCam`` with
    ``relu_attributions=False``): positive where the region raises the
    prediction, negative where it lowers it.  A regression target's sign is
    arbitrary, and with the ReLU the maps of a network whose flattened map
    weighs the planted region negatively were all zero (50 of 50 in two
    seeds on the bump of tests/test_inspection_regression.py), where
    negating y gave none.
    """
    keras, tf = get_keras(), get_tf()
    model = subject.model
    spatial_rank = len(subject.shape) - 1
    if layer_name is None:
        layer_name = default_cam_layer(model, spatial_rank)
    try:
        layer = model.get_layer(layer_name)
    except ValueError:
        raise ValueError(
            f"layer={layer_name!r} is not a layer of the network; its layers are "
            f"{[layer.name for layer in model.layers]}."
        ) from None
    if len(tuple(layer.output.shape)) != spatial_rank + 2:
        raise ValueError(
            f"layer={layer_name!r} outputs shape {tuple(layer.output.shape)[1:]}, "
            "not a feature map; Grad-CAM reads a convolution layer."
        )
    key = (id(model), layer_name)
    network, cam_model = _cam_models.get(key, (None, None))
    if network is None or network() is not model:
        try:
            cam_model = _cam_model(model, layer)
        except ValueError as exc:
            raise ValueError(
                f"Cannot read layer={layer_name!r} from the network's graph ({exc}); a "
                "nested model's output is read through the layer after it."
            ) from None
        _cam_models[key] = (weakref.ref(model), cam_model)
        while len(_cam_models) > _MAX_CAM_MODELS:
            _cam_models.popitem(last=False)
    dtype = model.inputs[0].dtype
    spatial = subject.shape[:-1]
    squashed = _squashed_output(model)
    signed = explains_regression(subject)
    maps = []
    for start in range(0, len(x), batch_size):
        batch = tf.constant(x[start : start + batch_size], dtype=dtype)
        with tf.GradientTape() as tape:
            feature_map, outputs = cam_model(batch, training=False)
            outputs = _logits(squashed, outputs)
            score = _scores(subject, outputs, _batch_indices(indices, start, batch_size),
                            logits=squashed is not None)
        grads = tape.gradient(score, feature_map)
        axes = tuple(range(1, spatial_rank + 1))
        weights = tf.reduce_mean(grads, axis=axes, keepdims=True)
        cam = tf.reduce_sum(weights * feature_map, axis=-1)
        if not signed:
            cam = tf.nn.relu(cam)
        if spatial_rank == 1:
            cam = tf.image.resize(cam[:, :, None, None], (spatial[0], 1))[:, :, 0, 0]
        else:
            cam = tf.image.resize(cam[..., None], spatial)[..., 0]
        maps.append(np.asarray(cam, dtype=np.float64))
    cam = np.concatenate(maps)
    return np.broadcast_to(cam[..., None], (len(x),) + subject.shape).copy()
