"""Dataset loaders."""

from ._image_folder import load_image_folder

__all__ = ["load_image_folder"]
