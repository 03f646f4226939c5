"""Structure-based featurizers: Center-Environment (CE) features and prototype structures."""

from __future__ import annotations

from .ce_properties import CE_PROPERTIES, ce_property_table, describe_properties
from .center_environment import CenterEnvironmentFeaturizer
from .prototypes import perovskite_structure, prototype_structure, spinel_structure

__all__ = [
    "CE_PROPERTIES",
    "CenterEnvironmentFeaturizer",
    "ce_property_table",
    "describe_properties",
    "perovskite_structure",
    "prototype_structure",
    "spinel_structure",
]
