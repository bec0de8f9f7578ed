"""Read a class-per-subfolder image directory, the layout of Keras's ``flow_from_directory``."""

import os
import warnings

import numpy as np
from sklearn.utils import Bunch

IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png", ".tif", ".tiff", ".webp")
_PIL_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}


def load_image_folder(
    path,
    *,
    image_size=(64, 64),
    color_mode="rgb",
    on_error="raise",
    return_X_y=False,
):
    """Load images stored one folder per class into arrays.

    Reads ``path/<class name>/<image>`` (``data/train/cat/001.jpg``, ...), the
    layout of Keras's ``flow_from_directory`` and
    ``image_dataset_from_directory``: classes are the sub-folder names in
    sorted order, images are resized to ``image_size`` and returned as float32
    pixel values in [0, 255].

    Parameters
    ----------
    path : str or path-like
        Folder holding one sub-folder per class.

    image_size : tuple of (int, int), default=(64, 64)
        ``(height, width)`` every image is resized to (bilinear).

    color_mode : {"rgb", "grayscale", "rgba"}, default="rgb"
        Channels of the returned images: 3, 1 or 4.

    on_error : {"raise", "warn"}, default="raise"
        What to do with a file that has an image extension but cannot be read:
        raise a ``ValueError`` naming it, or skip it with a warning.

    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``images`` (ndarray of shape (n_images, height, width, channels)),
        ``target`` (class index of each image), ``target_names`` (class names,
        indexed by ``target``) and ``filenames``.

    (images, target) : tuple
        When ``return_X_y`` is True.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> from skdeepmine.datasets import load_image_folder
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for label, shade in [("dark", 20), ("light", 230)]:
    ...     (root / label).mkdir()
    ...     Image.new("L", (10, 12), shade).save(root / label / "a.png")
    >>> data = load_image_folder(root, image_size=(8, 8), color_mode="grayscale")
    >>> data.images.shape, data.target.tolist(), data.target_names
    ((2, 8, 8, 1), [0, 1], ['dark', 'light'])
    """
    from PIL import Image, UnidentifiedImageError

    if color_mode not in _PIL_MODES:
        raise ValueError(
            f"color_mode must be one of {sorted(_PIL_MODES)}, got {color_mode!r}."
        )
    if on_error not in ("raise", "warn"):
        raise ValueError(f"on_error must be 'raise' or 'warn', got {on_error!r}.")
    if len(image_size) != 2 or not all(int(s) > 0 for s in image_size):
        raise ValueError(f"image_size must be (height, width), got {image_size!r}.")
    height, width = (int(s) for s in image_size)
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise ValueError(f"No such image folder: {path!r}.")
    class_names = sorted(
        entry.name for entry in os.scandir(path)
        if entry.is_dir() and not entry.name.startswith(".")
    )
    if not class_names:
        raise ValueError(f"{path!r} has no class sub-folders (expected {path}/<class>/<image>).")

    images, target, filenames = [], [], []
    for index, name in enumerate(class_names):
        folder = os.path.join(path, name)
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for filename in sorted(files):
                if filename.startswith(".") or not filename.lower().endswith(IMAGE_EXTENSIONS):
                    continue
                file_path = os.path.join(root, filename)
                try:
                    with Image.open(file_path) as image:
                        image = image.convert(_PIL_MODES[color_mode])
                        image = image.resize((width, height), Image.BILINEAR)
                        pixels = np.asarray(image, dtype=np.float32)
                except (OSError, UnidentifiedImageError, ValueError) as exc:
                    message = f"Cannot read image {file_path!r}: {exc}"
                    if on_error == "raise":
                        raise ValueError(message) from exc
                    warnings.warn(message + " Skipped.", UserWarning, stacklevel=2)
                    continue
                images.append(pixels.reshape(height, width, -1))
                target.append(index)
                filenames.append(file_path)
    if not images:
        raise ValueError(f"No readable images under {path!r} (extensions {IMAGE_EXTENSIONS}).")
    images = np.stack(images)
    target = np.asarray(target)
    if return_X_y:
        return images, target
    return Bunch(
        images=images, target=target, target_names=class_names,
        filenames=np.asarray(filenames),
    )
