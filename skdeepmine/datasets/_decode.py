"""Decode one image file into pixels: the single reader behind the loader and image-path inputs.

``load_image_folder`` and estimators fitted on file paths both go through
:func:`decode_image`, so an image read either way gives the same array.
Imports Pillow only when called.
"""

import os

import numpy as np

IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png", ".tif", ".tiff", ".webp")
PIL_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


class UnreadableImageError(ValueError):
    """An image file that cannot be decoded; the message names the file."""


def check_image_size(image_size, name="image_size"):
    """``image_size`` as ``(height, width)``: an int means a square."""
    if isinstance(image_size, (int, np.integer)) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    try:
        ok = len(image_size) == 2 and all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0
            for s in image_size
        )
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(
            f"{name} must be a positive int or (height, width), got {image_size!r}."
        )
    return int(image_size[0]), int(image_size[1])


def check_color_mode(color_mode):
    if color_mode not in PIL_MODES:
        raise ValueError(
            f"color_mode must be one of {sorted(PIL_MODES)}, got {color_mode!r}."
        )
    return color_mode


def _to_8bit(image):
    """Scale 16-bit integer images to [0, 255]; ``convert`` would clip them.

    The scale is the file's, never the image's own values, so that two images
    of one source keep their order of brightness.  16-bit modes (``I;16``),
    and PNG files in Pillow's 32-bit mode ``I`` (PNG stores at most 16 bits;
    older Pillow opened 16-bit PNGs as ``I``), map 65535 to 255.  Other
    ``I`` images (32-bit TIFFs) do not say whether they hold 8-, 16- or
    32-bit values: values within [0, 255] are read as 8-bit, others refused
    (``decode_image`` names the file).  Choosing by each image's maximum made
    256 darker than 255 and 70000 darker than 60000.
    """
    from PIL import Image

    if not (image.mode.startswith("I;16") or image.mode == "I"):
        return image
    pixels = np.asarray(image, dtype=np.float64)
    if image.mode == "I" and image.format != "PNG":
        low, high = (float(pixels.min()), float(pixels.max())) if pixels.size else (0.0, 0.0)
        if low < 0 or high > 255:
            raise ValueError(
                f"it holds 32-bit integer pixels (Pillow mode 'I') from {low:g} to "
                f"{high:g}, whose scale (8-, 16- or 32-bit) the file does not say; "
                "convert such images to 8- or 16-bit files first."
            )
        scale = 1.0
    else:
        scale = 1.0 / 257.0  # 65535 -> 255
    pixels = np.clip(np.rint(pixels * scale), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, mode="L")


def _crop_box(width, height, target_width, target_height):
    """The centred box of ``width`` x ``height`` with the target's aspect ratio."""
    target_ratio = target_width / target_height
    if width / height > target_ratio:
        new_width = max(1, round(height * target_ratio))
        left = (width - new_width) // 2
        return (left, 0, left + new_width, height)
    new_height = max(1, round(width / target_ratio))
    top = (height - new_height) // 2
    return (0, top, width, top + new_height)


def decode_image(path, image_size, color_mode="rgb", crop_to_aspect_ratio=False):
    """Read ``path`` as float32 pixels of shape (height, width, channels) in [0, 255].

    ``image_size`` is ``(height, width)`` (bilinear resize), or None to keep the
    file's size.  Raises :class:`UnreadableImageError` naming the file when it
    cannot be read, including images over Pillow's decompression-bomb limit
    (``PIL.Image.MAX_IMAGE_PIXELS``).
    """
    from PIL import Image, UnidentifiedImageError

    path = os.fspath(path)
    try:
        # Pillow warns (without the file's name) past MAX_IMAGE_PIXELS and
        # raises past twice that; the check below names the file.  Callers on
        # the main thread silence Pillow's warning (load_image_folder); worker
        # threads cannot change warning filters safely.
        image = Image.open(path)
        with image:
            limit = Image.MAX_IMAGE_PIXELS
            if limit is not None and image.width * image.height > limit:
                raise UnreadableImageError(
                    f"Cannot read image {path!r}: {image.width}x{image.height} "
                    f"pixels exceed Pillow's decompression-bomb limit "
                    f"PIL.Image.MAX_IMAGE_PIXELS={limit} (raise it to read this file)."
                )
            image = _to_8bit(image).convert(PIL_MODES[color_mode])
            if image_size is not None:
                height, width = image_size
                box = None
                if crop_to_aspect_ratio:
                    box = _crop_box(image.width, image.height, width, height)
                if (image.width, image.height) != (width, height) or box is not None:
                    image = image.resize((width, height), Image.BILINEAR, box=box)
            pixels = np.asarray(image, dtype=np.float32)
    except UnreadableImageError:
        raise
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError,
            SyntaxError, EOFError) as exc:
        raise UnreadableImageError(f"Cannot read image {path!r}: {exc}") from exc
    return pixels.reshape(pixels.shape[0], pixels.shape[1], CHANNELS[color_mode])


def image_file_size(path):
    """``(height, width)`` of the image file at ``path``, read from its header."""
    from PIL import Image

    path = os.fspath(path)
    try:
        with Image.open(path) as image:
            height, width = image.height, image.width
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise UnreadableImageError(f"Cannot read image {path!r}: {exc}") from exc
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and height * width > limit:
        raise UnreadableImageError(
            f"Cannot read image {path!r}: {width}x{height} pixels exceed Pillow's "
            f"decompression-bomb limit PIL.Image.MAX_IMAGE_PIXELS={limit} (raise "
            "it to read this file)."
        )
    return height, width
