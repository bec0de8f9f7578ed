"""Insight mining: ranked findings about data and fitted models.

Nothing heavy is imported here: matplotlib and mlxtend load when a figure is
drawn or rules are mined, Keras never (a deep extractor brings its own).
"""

from ._findings import Insight
from ._report import InsightReport
from ._reporter import InsightReporter

__all__ = ["Insight", "InsightReport", "InsightReporter"]
