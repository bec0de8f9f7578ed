"""skdeepmine: Keras deep learning and data mining as scikit-learn estimators.

Importing skdeepmine does not import Keras or TensorFlow; they load on the
first fit.
"""

from ._version import __version__
from .cnn import CNNClassifier, CNNRegressor
from .features import DenseNetworkClassifier, DenseNetworkRegressor, NeuralFeatureExtractor
from .hybrid import HybridClassifier, HybridRegressor
from .insight import Insight, InsightReport, InsightReporter

__all__ = [
    "CNNClassifier",
    "CNNRegressor",
    "DenseNetworkClassifier",
    "DenseNetworkRegressor",
    "HybridClassifier",
    "HybridRegressor",
    "Insight",
    "InsightReport",
    "InsightReporter",
    "NeuralFeatureExtractor",
    "__version__",
]
