"""Constants that several insight modules share; this module imports nothing.

Keeping them here lets the miners, the report and the figures agree on one
value without importing each other (no import cycles).
"""

#: Kinds of finding, in the order a report lists equally strong findings.
KINDS = (
    "data_quality",
    "target",
    "relationships",
    "association_rules",
    "structure",
    "model",
)

#: Languages a report's own text can be rendered in (the data stay as they are).
LANGUAGES = ("en", "zh")

#: False-discovery rate of every family of tests (Benjamini-Hochberg).
ALPHA = 0.05

#: Feature pairs at least this associated (|Spearman rho| or Cramer's V) are
#: redundant; the model's grouped permutation importance shuffles each such
#: group together.
REDUNDANT_ASSOCIATION = 0.9

#: Effect sizes on a [0, 1] scale (|rank-biserial r|, |Spearman rho|,
#: Cramer's V, Kruskal-Wallis eta) from which a relation is weak, moderate, strong
#: (Cohen's conventions for correlations).
EFFECT_BANDS = (0.1, 0.3, 0.5)

#: Categorical levels with fewer rows than this are merged into one level
#: before testing: rare levels make chi-square unreliable and identifiers
#: look like perfect predictors.
MIN_LEVEL_ROWS = 5

#: Categorical columns with more levels than this (after merging rare ones)
#: are not tested or one-hot encoded.
MAX_LEVELS = 50
