"""skdeepmine: Keras deep learning and data mining as scikit-learn estimators.

Importing skdeepmine does not import Keras or TensorFlow; they load on the
first fit.
"""

from ._version import __version__
from .cnn import CNNClassifier, CNNRegressor

__all__ = ["CNNClassifier", "CNNRegressor", "__version__"]
