"""Neural feature extraction and the dense networks behind it."""

from ._extractor import NeuralFeatureExtractor
from ._networks import DenseNetworkClassifier, DenseNetworkRegressor

__all__ = ["DenseNetworkClassifier", "DenseNetworkRegressor", "NeuralFeatureExtractor"]
