"""Hybrid meta-estimators: deep features mined by classical estimators."""

from ._hybrid import HybridClassifier, HybridRegressor

__all__ = ["HybridClassifier", "HybridRegressor"]
