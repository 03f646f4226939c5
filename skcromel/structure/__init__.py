"""Structure-based features and cross-structure transfer (Center-Environment).

Y. Li et al., "Center-environment deep transfer machine learning across crystal structures: from
spinel oxides to perovskite oxides", *npj Comput. Mater.* 9, 106 (2023).

* :class:`CenterEnvironmentFeaturizer` -- per-site center + environment features of structures or
  of idealised prototypes of formulas (:func:`prototype_structure`), over the element properties
  of :func:`ce_property_table`.
* :class:`CETransferRegressor` / :class:`FineTunedMLPRegressor` -- the spinel -> perovskite
  source-pretrained, target-fine-tuned DNN; :func:`perovskite_energy_model` a fitted formula ->
  formation-energy model.
* :func:`screen_perovskites` -- tolerance / octahedral factor (and optional formation-energy)
  screening of ABO3 candidates (``skcromel screen-perovskites``).

The torch-based transfer estimators are imported on first use.
"""

from __future__ import annotations

from .._lazy import lazy_attributes
from ._ce_properties import (
    CE_PROPERTIES,
    CE_TABLE_PRESETS,
    PUBLISHED_TABLE_PATH,
    CEProperty,
    ce_property_table,
    describe_properties,
    paper_index,
)
from ._center_environment import SITE_ROLES, CenterEnvironmentFeaturizer
from ._prototypes import PROTOTYPES, perovskite_structure, prototype_structure, spinel_structure
from ._screening import (
    R_OXYGEN,
    SCREENING_RULES,
    TAU_THRESHOLD,
    octahedral_factor,
    screen_perovskites,
    shannon_radius,
    tau_factor,
    tolerance_factor,
)

_LAZY = {
    "CE_HIDDEN": "._transfer",
    "CETransferRegressor": "._transfer",
    "FineTunedMLPRegressor": "._transfer",
    "perovskite_energy_model": "._transfer",
}

__all__ = [
    "CE_PROPERTIES",
    "CE_TABLE_PRESETS",
    "PROTOTYPES",
    "PUBLISHED_TABLE_PATH",
    "R_OXYGEN",
    "SCREENING_RULES",
    "SITE_ROLES",
    "TAU_THRESHOLD",
    "CEProperty",
    "CenterEnvironmentFeaturizer",
    "ce_property_table",
    "describe_properties",
    "octahedral_factor",
    "paper_index",
    "perovskite_structure",
    "prototype_structure",
    "screen_perovskites",
    "shannon_radius",
    "spinel_structure",
    "tau_factor",
    "tolerance_factor",
    *_LAZY,
]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())
