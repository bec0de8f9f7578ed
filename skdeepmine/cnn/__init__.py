"""Convolutional networks for images and 1-D signals."""

from ._estimators import CNNClassifier, CNNRegressor

__all__ = ["CNNClassifier", "CNNRegressor"]
