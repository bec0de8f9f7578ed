"""Tools for developers: the estimator registry and the checks each configuration fails."""

from ._discovery import all_estimators
from ._expected_failures import expected_failed_checks

__all__ = ["all_estimators", "expected_failed_checks"]
