"""The configurable convolutional network behind CNNClassifier and CNNRegressor."""

import warnings

import numpy as np

from ..core._backend import get_keras
from ..core._standardize import set_moments, standardize_layer
from ._backbone import build_backbone_cnn

# The most values the last feature map may hold when flattened into the dense
# head; larger maps are max-pooled further first.
MAX_FLATTENED_VALUES = 4096

# Keras's 0.99 leaves the moving statistics far from the batch statistics
# after the few hundred steps of a small data set: 200 digits scored 0.26 on
# held-out rows (0.38 on their own training rows) with a training loss of
# 0.004; 0.9 (PyTorch's default) follows them (tests/test_cnn_defaults.py).
BATCH_NORM_MOMENTUM = 0.9

AUGMENTATION_PARAMS = ("random_flip", "random_rotation", "random_zoom", "random_translation")


# Images up to this many pixels a side get batch normalisation and global
# average pooling by default; larger ones, and signals, the flattened head.
SMALL_IMAGE_SIDE = 16

# Kernel sizes of the default network: 3x3 on images; 7 steps on signals,
# where the events to learn are a dozen steps wide (benchmarks/_cnn_defaults.py).
IMAGE_KERNEL_SIZE = 3
SIGNAL_KERNEL_SIZE = 7

# Label smoothing of the default network's loss on signals (images: none).
SIGNAL_LABEL_SMOOTHING = 0.1

# Convolution blocks of the default network: two; three for classifying
# signals, whose last map is then pooled, not flattened
# (benchmarks/_cnn_defaults.py).
FILTERS = (32, 64)
POOLED_SIGNAL_FILTERS = (32, 64, 128)


def resolve_auto(params, spatial, *, pooled_signals=False):
    """``params`` with ``batch_norm``, ``global_pooling``, ``kernel_size`` and ``filters`` of ``"auto"`` made concrete.

    Small images (at most ``SMALL_IMAGE_SIDE`` pixels a side) get batch
    normalisation and global average pooling: on digits (8x8) that lifts the
    default from 0.984 to 0.99+ (benchmarks/_cnn_defaults.py), on 16x16
    discs-vs-squares from 0.955 to 0.978.  Larger images keep the flattened
    head without normalisation, which won there: 0.993 against 0.50 at 32x32
    and 0.993 against 0.69 at 64x64 (1,000 images, 5 epochs), and 0.994 for
    the seed's network against 0.50 at 150x150 (benchmarks/bench_images.py
    --workflow).  Signals get kernels of ``SIGNAL_KERNEL_SIZE`` steps, which
    see a whole local event (on the motifs of benchmarks/_signals_motifs.py
    they lifted the old flattened network from 0.89 to 0.93), a third block
    and their last map's average and maximum over time side by side: what
    a signal holds may sit anywhere in it, and a flattened map gives each
    position dense weights of its own, trained only where the training
    signals put their events (tests/test_cnn_defaults.py).  Without
    normalisation, which scored lower there (benchmarks/_cnn_defaults.py).
    Only with ``pooled_signals`` (the classifier's): a regression target
    often depends on where things are, which pooling discards; scikit-learn's
    ``check_regressors_train`` failed with it (tests/test_common.py), so the
    regressor keeps two blocks and the flattened map on signals.
    """
    params = dict(params)
    image = len(spatial) == 2
    small = image and max(spatial) <= SMALL_IMAGE_SIDE
    if params.get("batch_norm") == "auto":
        params["batch_norm"] = small
    if params.get("global_pooling") == "auto":
        if image:
            params["global_pooling"] = "avg" if small else None
        else:
            params["global_pooling"] = "avg_max" if pooled_signals else None
    if params.get("kernel_size") == "auto":
        params["kernel_size"] = IMAGE_KERNEL_SIZE if image else SIGNAL_KERNEL_SIZE
    if params.get("filters") == "auto":
        params["filters"] = POOLED_SIGNAL_FILTERS if pooled_signals and not image else FILTERS
    return params


def resolve_label_smoothing(label_smoothing, input_shape, built_in):
    """The label smoothing of the loss: ``"auto"`` means some for signals.

    Only the built-in network on 1-D signals (``input_shape`` of length 2:
    steps, channels) gets ``SIGNAL_LABEL_SMOOTHING``; images and networks
    given as ``model`` or ``backbone`` get none.
    """
    if label_smoothing != "auto":
        return float(label_smoothing)
    return SIGNAL_LABEL_SMOOTHING if built_in and len(input_shape) == 2 else 0.0


# Samples (a, b) read as images under input_kind="auto" warn when one side is
# at least this many times the other: (n, 32, 2) is far likelier 32 steps of
# 2 channels than 32x2-pixel images, and read as images the default network
# scored at chance on such signals (tests/test_cnn_defaults.py).
ELONGATED = 4


def network_input_shape(sample_shape, input_shape, input_kind):
    """Map the shape of one sample of X to the (spatial..., channels) shape of the network.

    Flat rows are signals of one channel unless ``input_shape`` says otherwise;
    3-D X is a batch of single-channel images unless ``input_kind="signal"``
    (with a warning where ``input_kind="auto"`` and the samples are elongated).
    """
    n_values = int(np.prod(sample_shape))
    if input_shape is not None:
        shape = tuple(int(d) for d in input_shape)
        if int(np.prod(shape)) != n_values:
            raise ValueError(
                f"input_shape={shape} holds {int(np.prod(shape))} values, but each "
                f"sample of X has {n_values} (shape {tuple(sample_shape)})."
            )
    else:
        shape = tuple(sample_shape)
        if input_kind == "image" and len(shape) == 1:
            raise ValueError(
                "input_kind='image' with flat rows needs input_shape=(height, "
                "width[, channels]) to know how to reshape them."
            )
    if len(shape) == 1:
        return shape + (1,)
    if len(shape) == 2:
        if input_kind == "auto" and max(shape) >= ELONGATED * min(shape):
            warnings.warn(
                f"X's samples of shape {shape} are read as single-channel "
                f"{shape[0]}x{shape[1]} images (input_kind='auto'); signals of "
                f"length {shape[0]} with {shape[1]} channels need "
                "input_kind='signal', and input_kind='image' reads them as images "
                "without this warning.",
                UserWarning, stacklevel=5,
            )
        if input_kind == "signal" and shape[1] > shape[0]:
            warnings.warn(
                f"X's samples of shape {shape} are read as signals of length "
                f"{shape[0]} with {shape[1]} channels, more channels than steps; "
                "signals stored channels first, (n, channels, length), need "
                "X.transpose(0, 2, 1) to be (n, length, channels).",
                UserWarning, stacklevel=5,
            )
        return shape if input_kind == "signal" else shape + (1,)
    if len(shape) == 3 and input_kind != "signal":
        return shape
    raise ValueError(
        f"Cannot read samples of shape {shape} as "
        f"{'signals (length, channels)' if input_kind == 'signal' else 'images'}; "
        "CNNs take images (H, W) or (H, W, C) and signals (L,) or (L, C)."
    )


def _augmentation_layers(keras, params):
    layers = []
    if params["random_flip"]:
        layers.append(keras.layers.RandomFlip(params["random_flip"], name="random_flip"))
    if params["random_rotation"]:
        layers.append(
            keras.layers.RandomRotation(params["random_rotation"], name="random_rotation")
        )
    if params["random_zoom"]:
        layers.append(keras.layers.RandomZoom(params["random_zoom"], name="random_zoom"))
    if params["random_translation"]:
        factor = params["random_translation"]
        layers.append(
            keras.layers.RandomTranslation(factor, factor, name="random_translation")
        )
    return layers


def build_cnn(meta, params, n_outputs, output_activation, *, pooled_signals=False):
    """Build the CNN described by ``params`` for the data described by ``meta``.

    Layers have fixed names, the same in every process (Keras would number
    them per process): ``conv_0``, ``conv_0_activation``, ``pool_0``, ...,
    ``dense_0``, ..., the last dense layer ``embedding``, then ``output``
    (tests/test_layer_names.py).
    """
    keras = get_keras()
    if params.get("backbone") is not None:
        augmentation = _augmentation_layers(keras, params)
        return build_backbone_cnn(meta, params, n_outputs, output_activation, augmentation)
    input_shape = tuple(meta["input_shape"])
    spatial = input_shape[:-1]
    is_image = len(spatial) == 2
    params = resolve_auto(params, spatial, pooled_signals=pooled_signals)
    conv = keras.layers.Conv2D if is_image else keras.layers.Conv1D
    pool = keras.layers.MaxPooling2D if is_image else keras.layers.MaxPooling1D

    layers = [keras.Input(input_shape, dtype=meta["dtype"], name="input")]
    if params["rescale"] is not None:
        layers.append(keras.layers.Rescaling(params["rescale"], name="rescaling"))
    standardized = "X_mean_" in meta  # the estimator's _data_meta
    if standardized:
        layers.append(standardize_layer(keras))
    augmentation = [name for name in AUGMENTATION_PARAMS if params[name]]
    if augmentation:
        if not is_image:
            raise ValueError(
                f"{', '.join(augmentation)} augment images, but the network "
                f"reads X as 1-D signals of shape {input_shape}."
            )
        layers.extend(_augmentation_layers(keras, params))

    size = list(spatial)
    for index, filters in enumerate(params["filters"]):
        block = f"conv_{index}"
        layers.append(conv(filters, params["kernel_size"], padding="same", name=block))
        if params["batch_norm"]:
            layers.append(keras.layers.BatchNormalization(
                momentum=BATCH_NORM_MOMENTUM, name=f"{block}_norm"
            ))
        layers.append(keras.layers.Activation(params["activation"], name=f"{block}_activation"))
        if all(s >= params["pool_size"] for s in size):
            layers.append(pool(params["pool_size"], name=f"pool_{index}"))
            size = [s // params["pool_size"] for s in size]
        if params["dropout"]:
            layers.append(keras.layers.Dropout(params["dropout"], name=f"{block}_dropout"))

    if params["global_pooling"] == "avg_max":
        head = _dense_head(keras, params, n_outputs, output_activation)
        return _with_moments(_avg_max_network(keras, layers, head, is_image), meta)
    if params["global_pooling"] == "avg":
        global_pool = keras.layers.GlobalAveragePooling2D if is_image else keras.layers.GlobalAveragePooling1D
        layers.append(global_pool(name="global_pool"))
    elif params["global_pooling"] == "max":
        global_pool = keras.layers.GlobalMaxPooling2D if is_image else keras.layers.GlobalMaxPooling1D
        layers.append(global_pool(name="global_pool"))
    else:
        # Large inputs: pool on until the map is small enough to flatten, so
        # that 150x150 RGB does not feed millions of dense weights
        # (tests/test_cnn.py); small images (digits) keep their full map.
        channels = params["filters"][-1] if params["filters"] else input_shape[-1]
        extra = 0
        while (
            int(np.prod(size)) * channels > MAX_FLATTENED_VALUES
            and params["pool_size"] >= 2
            and all(s >= params["pool_size"] for s in size)
        ):
            layers.append(pool(params["pool_size"], name=f"downsample_{extra}"))
            size = [s // params["pool_size"] for s in size]
            extra += 1
        layers.append(keras.layers.Flatten(name="flatten"))
    layers.extend(_dense_head(keras, params, n_outputs, output_activation))
    return _with_moments(keras.Sequential(layers, name="cnn"), meta)


def _with_moments(model, meta):
    """``model`` with its standardisation (if any) set to the training data's moments."""
    if "X_mean_" in meta:
        set_moments(model, meta)
    return model


def _dense_head(keras, params, n_outputs, output_activation):
    """The dense layers after the pooled or flattened map, ``output`` last."""
    layers = []
    last = len(params["dense_units"]) - 1
    for index, units in enumerate(params["dense_units"]):
        # The last dense layer is the one NeuralFeatureExtractor reads.
        name = "embedding" if index == last else f"dense_{index}"
        layers.append(keras.layers.Dense(units, activation=params["activation"], name=name))
        if params["dropout"]:
            layers.append(keras.layers.Dropout(params["dropout"], name=f"{name}_dropout"))
    layers.append(keras.layers.Dense(n_outputs, activation=output_activation, name="output"))
    return layers


def _avg_max_network(keras, layers, head, is_image):
    """``layers`` (an ``Input`` first), then the map's average and maximum side by side, then ``head``.

    Two poolings of one map need a functional model; its layers keep the
    Sequential network's names, with ``global_avg_pool`` and
    ``global_max_pool`` joined in ``global_pool``.
    """
    if is_image:
        average, maximum = keras.layers.GlobalAveragePooling2D, keras.layers.GlobalMaxPooling2D
    else:
        average, maximum = keras.layers.GlobalAveragePooling1D, keras.layers.GlobalMaxPooling1D
    inputs = x = layers[0]
    for layer in layers[1:]:
        x = layer(x)
    x = keras.layers.Concatenate(name="global_pool")(
        [average(name="global_avg_pool")(x), maximum(name="global_max_pool")(x)]
    )
    for layer in head:
        x = layer(x)
    return keras.Model(inputs, x, name="cnn")
