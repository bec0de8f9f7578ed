"""Attribution speed: skdeepmine.inspection beside Keras's own Grad-CAM recipe.

Prints one table from one run: milliseconds per image for each attribution
method at 64x64 and 224x224 (RGB, the default CNNClassifier, batches of
``--n-images``), beside the Grad-CAM recipe of the Keras examples
("Grad-CAM class activation visualization": a ``tf.GradientTape`` on a
sub-model, one image per call) written here on the same network, and the
time for a 2,000-image folder extrapolated from the per-image figures.

Run with::

    .venv/bin/python benchmarks/bench_inspection.py [--n-images 16] [--repeats 3]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

METHODS = ("gradient", "integrated_gradients", "grad_cam", "occlusion")


def keras_grad_cam(grad_model, image, tf):
    """The Keras example's make_gradcam_heatmap, with its sub-model built once, outside."""
    with tf.GradientTape() as tape:
        last_conv_layer_output, preds = grad_model(image)
        pred_index = tf.argmax(preds[0])
        class_channel = preds[:, pred_index]
    grads = tape.gradient(class_channel, last_conv_layer_output)
    pooled_grads = tf.reduce_mean(grads, axis=(0, 1, 2))
    heatmap = last_conv_layer_output[0] @ pooled_grads[..., tf.newaxis]
    heatmap = tf.squeeze(heatmap)
    heatmap = tf.maximum(heatmap, 0) / tf.math.reduce_max(heatmap)
    return heatmap.numpy()


def median_ms(function, repeats):
    function()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(size, n_images, repeats):
    from skdeepmine import CNNClassifier
    from skdeepmine.core._backend import get_keras, get_tf
    from skdeepmine.inspection import attributions

    keras, tf = get_keras(), get_tf()
    rng = np.random.RandomState(0)
    X = rng.uniform(0, 1, size=(64, size, size, 3)).astype(np.float32)
    y = np.arange(64) % 3
    clf = CNNClassifier(epochs=1, random_state=0).fit(X, y)
    images = X[:n_images]
    row = {}
    for method in METHODS:
        row[method] = median_ms(
            lambda: attributions(clf, images, method=method), repeats
        ) / n_images
    row["grad_cam, 1 image per call"] = median_ms(
        lambda: [attributions(clf, image[None], method="grad_cam") for image in images],
        repeats,
    ) / n_images
    model = clf.model_
    grad_model = keras.Model(
        model.inputs, [model.get_layer("conv_1_activation").output, model.outputs[0]]
    )
    row["Keras recipe Grad-CAM, 1 image per call"] = median_ms(
        lambda: [keras_grad_cam(grad_model, tf.constant(image[None]), tf) for image in images],
        repeats,
    ) / n_images
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-images", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    small = measure(64, args.n_images, args.repeats)
    large = measure(224, args.n_images, args.repeats)

    load = os.getloadavg()[0]
    print(f"$ {sys.executable} {' '.join(sys.argv)}   (load average {load:.1f}, "
          f"{os.cpu_count()} CPUs)")
    header = ("method (ms per image, median)", "64x64", "224x224", "2,000 images at 224x224")
    rows = [
        (name, f"{small[name]:.1f}", f"{large[name]:.1f}", f"{large[name] * 2:.0f} s (extrapolated)")
        for name in small
    ]
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(4)]
    line = "| " + " | ".join("{:<%d}" % w for w in widths) + " |"
    print(line.format(*header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line.format(*row))
    print(f"(batches of {args.n_images} images; integrated gradients: 32 steps; occlusion: "
          "8x8 windows, one prediction per window)")


if __name__ == "__main__":
    main()
