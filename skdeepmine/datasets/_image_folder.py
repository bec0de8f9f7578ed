"""Read a class-per-subfolder image directory, the layout of Keras's ``flow_from_directory``."""

import os
import warnings

import numpy as np
from sklearn.utils import Bunch

from ._decode import (
    IMAGE_EXTENSIONS,
    UnreadableImageError,
    check_color_mode,
    check_image_size,
    decode_image,
    image_file_size,
)


def load_image_folder(
    path,
    *,
    image_size=(64, 64),
    color_mode="rgb",
    classes=None,
    crop_to_aspect_ratio=False,
    load_images=True,
    follow_links=False,
    on_error="raise",
    subfolders="raise",
    return_X_y=False,
):
    """Load images stored one folder per class into arrays, or list their paths.

    Reads ``path/<class name>/<image>`` (``data/train/cat/001.jpg``, ...), the
    layout of Keras's ``flow_from_directory`` and
    ``image_dataset_from_directory``: classes are the sub-folder names in
    sorted order (or ``classes``), images are resized to ``image_size`` and
    returned as float32 pixel values in [0, 255].  A class folder that holds
    folders of images (``data/`` holding ``train/<class>``) is refused unless
    ``subfolders="include"``.

    Parameters
    ----------
    path : str or path-like
        Folder holding one sub-folder per class.

    image_size : int or tuple of (int, int), default=(64, 64)
        ``(height, width)`` every image is resized to (bilinear); an int means
        a square.

    color_mode : {"rgb", "grayscale", "rgba"}, default="rgb"
        Channels of the returned images: 3, 1 or 4.  16-bit images are scaled
        to [0, 255]; 32-bit integer images (Pillow mode ``"I"``, other than
        PNG) are read as 8-bit when their values lie in [0, 255] and refused
        otherwise, as the file does not say their scale.

    classes : list of str, default=None
        The class names, in the order that numbers them (name ``classes[i]``
        gets target ``i``), as in ``flow_from_directory``.  Pass the training
        folder's ``target_names`` when reading a test folder, so that a
        missing or extra folder cannot shift the labels.  ``None`` takes the
        sub-folders in sorted order.  A class without a folder and a folder
        that is not a class are reported with a warning (its images are
        skipped).

    crop_to_aspect_ratio : bool, default=False
        Crop the centre of each image to the aspect ratio of ``image_size``
        before resizing, instead of stretching it.

    load_images : bool, default=True
        False lists the files without decoding any: ``filenames`` and
        ``target`` only, ready to be passed as X to the CNN estimators, which
        read the images a batch at a time.  Only each file's header is read,
        so ``on_error`` applies to files that are not images or are over
        Pillow's size limit; a file damaged further in is reported when an
        estimator reads it.

    follow_links : bool, default=False
        Follow symbolic links that lead out of ``path``.  By default such links
        are skipped with a warning, so a link cannot pull an outside file into
        the data set; links that stay inside ``path`` are always followed.

    on_error : {"raise", "warn"}, default="raise"
        What to do with a file that has an image extension but cannot be read
        (corrupt, or over Pillow's decompression-bomb limit): raise a
        ``ValueError`` naming it, or skip it with a warning.

    subfolders : {"raise", "include"}, default="raise"
        What to do when a class folder holds sub-folders with images, as when
        ``path`` is a folder of splits (``data/train/<class>``) or of groups
        of classes: raise a ``ValueError`` naming them, or count their images
        as the class of the folder above them (as Keras does).

    return_X_y : bool, default=False
        Return ``(images, target)`` (``(filenames, target)`` when
        ``load_images=False``) instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``images`` (ndarray of shape (n_images, height, width, channels); absent
        when ``load_images=False``), ``target`` (class index of each image),
        ``target_names`` (class names, indexed by ``target``) and
        ``filenames`` (ndarray of str).

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
    >>> data = load_image_folder(root, image_size=8, color_mode="grayscale")
    >>> data.images.shape, data.target.tolist(), data.target_names
    ((2, 8, 8, 1), [0, 1], ['dark', 'light'])
    >>> paths, y = load_image_folder(root, classes=["light", "dark"],
    ...                              load_images=False, return_X_y=True)
    >>> [pathlib.Path(p).parent.name for p in paths], y.tolist()
    (['light', 'dark'], [0, 1])
    """
    color_mode = check_color_mode(color_mode)
    if on_error not in ("raise", "warn"):
        raise ValueError(f"on_error must be 'raise' or 'warn', got {on_error!r}.")
    if subfolders not in ("raise", "include"):
        raise ValueError(f"subfolders must be 'raise' or 'include', got {subfolders!r}.")
    image_size = check_image_size(image_size)
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise ValueError(f"No such image folder: {path!r}.")
    listing = _FolderListing(path, follow_links)
    class_names = _class_names(path, listing, classes)
    if subfolders == "raise":
        _refuse_folders_of_folders(path, listing, class_names)
    files, target = [], []
    for index, name in enumerate(class_names):
        found = listing.images(name)
        if not found:
            where = "has no folder" if name not in listing.folders else "folder holds no images"
            warnings.warn(
                f"Class {name!r} (target {index}) {where} under {path!r}: it gets "
                "no samples.", UserWarning, stacklevel=2,
            )
        files.extend(found)
        target.extend([index] * len(found))
    for link in listing.skipped_links:
        warnings.warn(
            f"Skipped {link!r}: a symbolic link leading out of {path!r} (to "
            f"{os.path.realpath(link)!r}); pass follow_links=True to read it.",
            UserWarning, stacklevel=2,
        )
    if not files:
        raise ValueError(f"No images under {path!r} (extensions {IMAGE_EXTENSIONS}).")
    target = np.asarray(target, dtype=np.int64)
    filenames = np.asarray(files)

    def read(file_path):
        if not load_images:
            return image_file_size(file_path)
        return decode_image(file_path, image_size, color_mode, crop_to_aspect_ratio)

    images, kept = [], []
    with warnings.catch_warnings():
        # decode_image names the file of an over-large image; Pillow's own
        # warning for it does not.
        from PIL import Image

        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        for position, file_path in enumerate(files):
            try:
                images.append(read(file_path))
            except UnreadableImageError as exc:
                if on_error == "raise":
                    raise
                warnings.warn(f"{exc} Skipped.", UserWarning, stacklevel=2)
                continue
            kept.append(position)
    if not images:
        raise ValueError(f"No readable images under {path!r} (extensions {IMAGE_EXTENSIONS}).")
    target, filenames = target[kept], filenames[kept]
    if not load_images:
        if return_X_y:
            return filenames, target
        return Bunch(target=target, target_names=class_names, filenames=filenames)
    images = np.stack(images)
    if return_X_y:
        return images, target
    return Bunch(images=images, target=target, target_names=class_names, filenames=filenames)


def _inside(real, root):
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


class _FolderListing:
    """The class folders of ``root`` and the image files below each, links checked."""

    def __init__(self, root, follow_links):
        self.root = root
        self._real_root = os.path.realpath(root)
        self.follow_links = follow_links
        self.skipped_links = []
        self.folders = {}
        for entry in sorted(os.scandir(root), key=lambda e: e.name):
            if entry.name.startswith(".") or not self._allowed(entry):
                continue
            if entry.is_dir():
                self.folders[entry.name] = entry.path
        self._cache = {}

    def _allowed(self, entry):
        if entry.is_symlink() and not self.follow_links:
            if not _inside(os.path.realpath(entry.path), self._real_root):
                self.skipped_links.append(entry.path)
                return False
        return True

    def images(self, name):
        """Image files under the class folder ``name``, in sorted order."""
        if name not in self._cache:
            folder = self.folders.get(name)
            self._cache[name] = [] if folder is None else self._walk(folder, set())
        return self._cache[name]

    def direct_images_and_subfolders(self, name):
        folder = self.folders[name]
        files = self.images(name)
        direct = [f for f in files if os.path.dirname(f) == folder]
        below = {os.path.relpath(f, folder).split(os.sep)[0] for f in files} - {
            os.path.basename(f) for f in direct
        }
        return direct, below

    def _walk(self, folder, seen):
        real = os.path.realpath(folder)
        if real in seen:  # a link loop
            return []
        seen = seen | {real}
        files, subfolders = [], []
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.startswith(".") or not self._allowed(entry):
                continue
            if entry.is_dir():
                subfolders.append(entry.path)
            elif entry.is_file() and entry.name.lower().endswith(IMAGE_EXTENSIONS):
                files.append(entry.path)
        for sub in subfolders:
            files.extend(self._walk(sub, seen))
        return files


def _class_names(path, listing, classes):
    if classes is None:
        names = list(listing.folders)
        if not names:
            raise ValueError(
                f"{path!r} has no class sub-folders (expected {path}/<class>/<image>)."
            )
    else:
        if isinstance(classes, str) or not all(isinstance(c, str) for c in classes):
            raise ValueError(f"classes must be a list of folder names, got {classes!r}.")
        names = list(classes)
        if len(set(names)) != len(names) or not names:
            raise ValueError(f"classes must name distinct classes, got {names!r}.")
        extra = [name for name in listing.folders if name not in names]
        if extra:
            warnings.warn(
                f"Folders {extra} under {path!r} are not in classes={names}: "
                "their images are skipped.", UserWarning, stacklevel=3,
            )
    return names


def _refuse_folders_of_folders(path, listing, names):
    """``data/`` holding ``train/<class>`` and ``test/<class>`` is not a class folder.

    Any class folder holding sub-folders with images is refused, not only when
    every split holds the same classes: ``train/{a,b,c}`` next to ``test/{a,c}``
    would otherwise silently become the two classes 'test' and 'train'.
    """
    present = [name for name in names if name in listing.folders]
    inner = {}
    for name in present:
        _, below = listing.direct_images_and_subfolders(name)
        if below:
            inner[name] = sorted(below)
    if not inner:
        return
    nested = list(inner)
    sets = [set(sub) for sub in inner.values()]
    if len(nested) == len(present) >= 2 and all(sub == sets[0] for sub in sets):
        what = (
            f"looks like a folder of splits, not of classes: {nested} each hold "
            f"the same class folders {inner[nested[0]]} instead of images"
        )
    else:
        held = "; ".join(f"{name!r} holds {sub}" for name, sub in inner.items())
        what = (
            f"has class folders holding folders of images ({held}): it looks "
            "like a folder of splits or of groups, not of classes"
        )
    raise ValueError(
        f"{path!r} {what}. Load each on its own, e.g. "
        f"load_image_folder({os.path.join(path, nested[0])!r}), or pass "
        "subfolders='include' to count those images as the class of the folder "
        "above them."
    )
