"""Structure-based featurizers: Center-Environment (CE) features and prototype structures.

The spinel -> perovskite transfer estimators of :mod:`skcromel.structure.transfer` (which need
torch) are imported on first use.
"""

from __future__ import annotations

import importlib

from .ce_properties import CE_PROPERTIES, ce_property_table, describe_properties
from .center_environment import CenterEnvironmentFeaturizer
from .prototypes import perovskite_structure, prototype_structure, spinel_structure

_LAZY = {
    "CETransferRegressor": "transfer",
    "FineTunedMLPRegressor": "transfer",
    "PAPER_MAX_FORMATION_ENERGY": "transfer",
    "load_ce_transfer_data": "transfer",
    "perovskite_energy_model": "transfer",
}

__all__ = [
    "CE_PROPERTIES",
    "CenterEnvironmentFeaturizer",
    "ce_property_table",
    "describe_properties",
    "perovskite_structure",
    "prototype_structure",
    "spinel_structure",
    *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
