"""The Keras core shared by every Keras-backed skdeepmine estimator."""

from ._base import BaseKerasEstimator
from ._engine import predict_raw
from ._targets import ClassifierCore, RegressorCore

__all__ = ["BaseKerasEstimator", "ClassifierCore", "RegressorCore", "predict_raw"]
