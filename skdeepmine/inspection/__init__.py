"""Inspect what a network learned: attributions, activations, filters, displays.

Functions return arrays, as :mod:`sklearn.inspection` does; the displays draw
them with matplotlib (imported when a display draws).
"""

from ._attribution_display import AttributionDisplay
from ._attributions import attributions
from ._deep_features import deep_feature_inputs
from ._layers import activations, conv_filters
from ._network_displays import DeepFeatureDisplay, FilterDisplay

__all__ = [
    "AttributionDisplay",
    "DeepFeatureDisplay",
    "FilterDisplay",
    "activations",
    "attributions",
    "conv_filters",
    "deep_feature_inputs",
]
