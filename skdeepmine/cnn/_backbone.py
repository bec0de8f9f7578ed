"""A pretrained ``keras.applications`` backbone under skdeepmine's CNN head.

``CNNClassifier(backbone="MobileNetV3Small")`` builds: input, ``rescaling``
and augmentation (when asked), ``to_rgb`` (grey images repeated over three
channels), ``resize`` (to the backbone's native size), ``preprocess`` (the
backbone's own ``preprocess_input``, written with built-in layers so that the
network clones, pickles and loads without custom code), the backbone (frozen
unless ``fine_tune``), ``backbone_features`` (its feature map), ``global_pool``,
the dense head and ``output``.
"""

import os

from ..core._backend import get_keras

# name -> (module under keras.applications, native size, preprocess_input mode).
# Mode None: the model preprocesses inside itself and preprocess_input is the
# identity (MobileNetV3, EfficientNet, ConvNeXt: raw 0-255 pixels in).
_APPLICATIONS = {
    "MobileNet": ("mobilenet", 224, "tf"),
    "MobileNetV2": ("mobilenet_v2", 224, "tf"),
    "MobileNetV3Small": ("mobilenet_v3", 224, None),
    "MobileNetV3Large": ("mobilenet_v3", 224, None),
    **{f"EfficientNetB{i}": ("efficientnet", size, None)
       for i, size in enumerate((224, 240, 260, 300, 380, 456, 528, 600))},
    **{f"EfficientNetV2{v}": ("efficientnet_v2", size, None)
       for v, size in (("B0", 224), ("B1", 240), ("B2", 260), ("B3", 300),
                       ("S", 384), ("M", 480), ("L", 480))},
    **{f"ResNet{d}": ("resnet", 224, "caffe") for d in (50, 101, 152)},
    **{f"ResNet{d}V2": ("resnet_v2", 224, "tf") for d in (50, 101, 152)},
    "VGG16": ("vgg16", 224, "caffe"),
    "VGG19": ("vgg19", 224, "caffe"),
    **{f"DenseNet{d}": ("densenet", 224, "torch") for d in (121, 169, 201)},
    "InceptionV3": ("inception_v3", 299, "tf"),
    "Xception": ("xception", 299, "tf"),
    **{f"ConvNeXt{s}": ("convnext", 224, None)
       for s in ("Tiny", "Small", "Base", "Large", "XLarge")},
}

BACKBONE_NAMES = tuple(sorted(_APPLICATIONS))

_CAFFE_MEAN_BGR = [103.939, 116.779, 123.68]
_TORCH_MEAN = [0.485, 0.456, 0.406]
_TORCH_STD = [0.229, 0.224, 0.225]


def preprocessing_layers(keras, mode):
    """Built-in layers computing ``preprocess_input`` of ``mode`` on 0-255 RGB."""
    if mode == "tf":  # to [-1, 1]
        return [keras.layers.Rescaling(1 / 127.5, offset=-1.0, name="preprocess")]
    if mode == "torch":  # to [0, 1], then standardised per channel
        return [
            keras.layers.Rescaling(1 / 255.0, name="preprocess_scale"),
            keras.layers.Normalization(
                mean=_TORCH_MEAN, variance=[s**2 for s in _TORCH_STD], name="preprocess"
            ),
        ]
    if mode == "caffe":  # RGB to BGR, minus the ImageNet mean; a fixed 1x1 convolution
        swap = [[[[1.0 if out == 2 - inp else 0.0 for out in range(3)] for inp in range(3)]]]
        return [keras.layers.Conv2D(
            3, 1, trainable=False, name="preprocess",
            kernel_initializer=keras.initializers.Constant(swap),
            bias_initializer=keras.initializers.Constant([-m for m in _CAFFE_MEAN_BGR]),
        )]
    return []


def _check_weights(weights):
    if weights is None or weights == "imagenet":
        return weights
    path = os.fspath(weights)
    if not os.path.isfile(path):
        raise ValueError(
            f"backbone_weights={weights!r} is neither 'imagenet', None nor an existing "
            "weights file."
        )
    return path


def make_backbone(backbone, weights):
    """The backbone model, its input size (or None) and its preprocessing mode."""
    keras = get_keras()
    weights = _check_weights(weights)
    if isinstance(backbone, str):
        if backbone not in _APPLICATIONS:
            raise ValueError(
                f"backbone={backbone!r} is not a known keras.applications model; "
                f"use one of {list(BACKBONE_NAMES)} or pass a keras.Model."
            )
        _, size, mode = _APPLICATIONS[backbone]
        constructor = getattr(keras.applications, backbone)
        model = constructor(include_top=False, weights=weights, input_shape=(size, size, 3))
        return model, (size, size), 3, mode
    if not isinstance(backbone, keras.Model):
        raise TypeError(
            f"backbone must be a keras.applications model name or a keras.Model; "
            f"got {type(backbone).__name__}."
        )
    # A model of your own keeps its weights ("imagenet", the default, and None
    # alike), unless a weights file is named.
    model = keras.models.clone_model(backbone)
    model.set_weights(backbone.get_weights())
    if weights not in (None, "imagenet"):
        model.load_weights(weights)
    shape = tuple(model.inputs[0].shape)
    if len(shape) != 4:
        raise ValueError(
            f"A backbone reads images (batch, height, width, channels); this one takes {shape}."
        )
    size = None if None in shape[1:3] else tuple(int(s) for s in shape[1:3])
    return model, size, shape[3], None


def build_backbone_cnn(meta, params, n_outputs, output_activation, augmentation_layers):
    """The network of a CNN estimator with ``params["backbone"]``."""
    keras = get_keras()
    input_shape = tuple(meta["input_shape"])
    if len(input_shape) != 3:
        raise ValueError(
            f"backbone={params['backbone']!r} reads images, but the network reads X as "
            f"signals of shape {input_shape}."
        )
    backbone, size, channels, mode = make_backbone(params["backbone"], params["backbone_weights"])
    backbone.trainable = bool(params["fine_tune"])

    inputs = keras.Input(input_shape, dtype=meta["dtype"], name="input")
    x = inputs
    if params["rescale"] is not None:
        x = keras.layers.Rescaling(params["rescale"], name="rescaling")(x)
    for layer in augmentation_layers:
        x = layer(x)
    if input_shape[-1] != channels:
        if input_shape[-1] != 1 or channels is None:
            raise ValueError(
                f"The backbone takes images of {channels} channels; X has "
                f"{input_shape[-1]}."
            )
        x = keras.layers.Concatenate(name="to_rgb")([x] * channels)
    if size is not None and tuple(input_shape[:2]) != size:
        x = keras.layers.Resizing(*size, name="resize")(x)
    for layer in preprocessing_layers(keras, mode):
        x = layer(x)
    # Frozen: batch normalisation inside runs in inference mode, as Keras's
    # transfer-learning guide does.
    x = backbone(x, training=False if not params["fine_tune"] else None)
    if len(x.shape) == 4:
        # The feature map under a name of the outer network: a nested model's
        # own ``output`` belongs to its inner graph, so Grad-CAM and
        # activations read this layer instead.
        x = keras.layers.Identity(name="backbone_features")(x)
        if params["global_pooling"] == "avg_max":
            x = keras.layers.Concatenate(name="global_pool")([
                keras.layers.GlobalAveragePooling2D(name="global_avg_pool")(x),
                keras.layers.GlobalMaxPooling2D(name="global_max_pool")(x),
            ])
        else:
            pool = (keras.layers.GlobalMaxPooling2D if params["global_pooling"] == "max"
                    else keras.layers.GlobalAveragePooling2D)
            x = pool(name="global_pool")(x)
    last = len(params["dense_units"]) - 1
    for index, units in enumerate(params["dense_units"]):
        name = "embedding" if index == last else f"dense_{index}"
        x = keras.layers.Dense(units, activation=params["activation"], name=name)(x)
        if params["dropout"]:
            x = keras.layers.Dropout(params["dropout"], name=f"{name}_dropout")(x)
    outputs = keras.layers.Dense(n_outputs, activation=output_activation, name="output")(x)
    return keras.Model(inputs, outputs, name="cnn")
