"""
===========================================================
From a folder of images to a CNN: the image-folder workflow
===========================================================

The classic Keras workflow keeps images on disk, one sub-folder per class
(``data/train/cat/001.jpg``, ``data/train/dog/002.jpg``, ...), and feeds them
to a network with ``flow_from_directory``.  In skdeepmine the same layout is
read by :func:`~skdeepmine.datasets.load_image_folder` into plain arrays (or
listed as file paths that the estimator reads a batch at a time), and what
``ImageDataGenerator`` did, rescaling and augmentation, are parameters of
:class:`~skdeepmine.CNNClassifier`, so the whole thing is an ordinary
scikit-learn estimator.

To stay self-contained, this example first writes such a folder itself, from
the two photographs bundled with scikit-learn.
"""

# %%
# Writing a class-per-subfolder directory
# ---------------------------------------
# Each photograph is one class; its images are square crops of random size.
# Crops from the left 60% of a photograph go to ``train/``, crops from the
# right 40% to ``test/``, so the test images show parts of the scene the
# network never saw.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image
from sklearn.datasets import load_sample_images
from sklearn.metrics import accuracy_score

from skdeepmine import CNNClassifier
from skdeepmine.datasets import load_image_folder

photos = load_sample_images()
names = [Path(filename).stem for filename in photos.filenames]  # china, flower
root = Path(tempfile.mkdtemp(prefix="skdeepmine-images-"))
rng = np.random.RandomState(0)


def write_crops(photo, folder, n_images, columns):
    folder.mkdir(parents=True)
    height, width, _ = photo.shape
    left, right = int(columns[0] * width), int(columns[1] * width)
    for index in range(n_images):
        size = rng.randint(48, 128)
        top = rng.randint(0, height - size)
        start = rng.randint(left, right - size)
        crop = photo[top : top + size, start : start + size]
        Image.fromarray(crop).save(folder / f"{index:03d}.jpg", quality=90)


for name, photo in zip(names, photos.images):
    write_crops(photo, root / "train" / name, 120, (0.0, 0.6))
    write_crops(photo, root / "test" / name, 40, (0.6, 1.0))

for path in sorted(root.glob("*/*"))[:4]:
    print(path.relative_to(root), "-", len(list(path.iterdir())), "images")

# %%
# Loading it
# ----------
# :func:`~skdeepmine.datasets.load_image_folder` resizes every image to
# ``image_size`` and returns float32 pixel values in [0, 255], the class of
# each image (sub-folders in sorted order) and the class names.  The test
# folder is read with the training folder's classes, so that its labels mean
# the same even if it lacked a class.
train = load_image_folder(root / "train", image_size=32)
test = load_image_folder(root / "test", image_size=32, classes=train.target_names)
print("images:", train.images.shape, train.images.dtype)
print("classes:", train.target_names)

fig, axes = plt.subplots(2, 8, figsize=(9, 2.6))
for row, label in zip(axes, range(len(train.target_names))):
    for ax, index in zip(row, np.flatnonzero(train.target == label)):
        ax.imshow(train.images[index].astype(np.uint8))
        ax.set_axis_off()
    row[0].set_title(train.target_names[label], loc="left", fontsize=10)

# %%
# Rescaling and augmentation, as estimator parameters
# ---------------------------------------------------
# ``rescale=1 / 255`` is ``ImageDataGenerator(rescale=1/255)``: the network
# divides its input itself, so it takes raw pixel values at prediction time
# too.  The ``random_*`` parameters add Keras's augmentation layers, which
# flip, rotate and zoom each training image anew in every epoch and do
# nothing at prediction time.  ``random_state`` makes it all reproducible.
clf = CNNClassifier(
    filters=(16, 32),
    dense_units=(32,),
    global_pooling="avg",
    rescale=1 / 255,
    random_flip="horizontal",
    random_rotation=0.05,
    random_zoom=0.1,
    epochs=25,
    random_state=0,
)
clf.fit(train.images, train.target)
y_pred = clf.predict(test.images)
print(f"epochs run: {clf.n_iter_}, final training loss: {clf.loss_curve_[-1]:.3f}")
print(f"accuracy on the unseen right-hand crops: {accuracy_score(test.target, y_pred):.3f}")

# %%
# Predictions on test images
# --------------------------
# The class names come back through ``target_names``; the estimator itself
# predicts the integer labels it was trained on.
proba = clf.predict_proba(test.images)
shown = rng.choice(len(test.images), size=8, replace=False)
fig, axes = plt.subplots(1, 8, figsize=(9, 1.8))
for ax, index in zip(axes, shown):
    ax.imshow(test.images[index].astype(np.uint8))
    label = test.target_names[y_pred[index]]
    ax.set_title(f"{label} {proba[index].max():.0%}", fontsize=8)
    ax.set_axis_off()

# %%
# Straight from the files
# -----------------------
# A folder too large for memory need not be loaded: list its files instead,
# and the estimator reads, resizes and batches the images while it trains.
# The pixels are the ones ``load_image_folder`` gives, so the fit is the
# same as from the array.
from sklearn.base import clone

train_files = load_image_folder(root / "train", load_images=False)
test_files = load_image_folder(root / "test", load_images=False, classes=train.target_names)
from_files = clone(clf).set_params(image_size=32)
from_files.fit(train_files.filenames, train_files.target)
same = np.allclose(from_files.predict_proba(test_files.filenames), proba, atol=1e-5)
print("file paths:", train_files.filenames[:2])
print("same predictions as from the array:", same)

# %%
# The folder was only needed for fitting; remove it.
import shutil

shutil.rmtree(root)
