"""skcromel: scikit-learn transfer learning for small experimental materials datasets."""

from __future__ import annotations

import importlib

from .featurizers import ElementFraction, ElementStats

__version__ = "0.1.0"

# Public names provided by submodules, imported on first use (keeps `import skcromel` fast and
# lets torch-heavy modules load only when needed).
_LAZY = {
    "get_data_home": "skcromel.config",
    "CompositionError": "skcromel.exceptions",
    "parse_formula": "skcromel.parsing",
    "reduced_formulas": "skcromel.parsing",
    "to_element_matrix": "skcromel.parsing",
    # datasets, splitting and benchmarks
    "load_dataset": "skcromel.datasets",
    "list_datasets": "skcromel.datasets",
    "load_kingsbury": "skcromel.datasets",
    "FormulaGroupKFold": "skcromel.model_selection",
    "RepeatedFormulaGroupKFold": "skcromel.model_selection",
    "CroMELKFold": "skcromel.model_selection",
    "run_benchmark": "skcromel.benchmark",
    "register_model": "skcromel.benchmark",
    "ZeroInflatedRegressor": "skcromel.zero_inflated",
    # the other Magpie attribute groups (Ward et al. 2016)
    "Stoichiometry": "skcromel.featurizers.attributes",
    "ValenceOrbital": "skcromel.featurizers.attributes",
    "IonProperty": "skcromel.featurizers.attributes",
    "magpie_full": "skcromel.featurizers.attributes",
    # competing-phase baseline and delta-learning
    "ReferenceHullEnergy": "skcromel.featurizers.hull",
    "ReferenceLookup": "skcromel.featurizers.reference",
    "DeltaRegressor": "skcromel.delta",
    "HoldoutBlendRegressor": "skcromel.blending",
    # torch regressors, pretrained sources, cross-property transfer (Gupta et al. 2021)
    "TorchRegressor": "skcromel.nn",
    "MLPRegressorTorch": "skcromel.nn",
    "ElemNetRegressor": "skcromel.cross_property",
    "CrossPropertyRegressor": "skcromel.cross_property",
    "CrossPropertyFeaturizer": "skcromel.cross_property",
    "list_pretrained": "skcromel.registry",
    "load_pretrained": "skcromel.registry",
    "register_source": "skcromel.registry",
    "register_architecture": "skcromel.registry",
    "pretrain_elemnet": "skcromel.pretrain",
    # CroMEL (Na 2025)
    "CroMELPretrainer": "skcromel.cromel",
    "CroMELFeaturizer": "skcromel.cromel",
    "CroMELRegressor": "skcromel.cromel",
    "load_reference_checkpoint": "skcromel.cromel_import",
    "structure_to_graph": "skcromel.graphs",
    # Center-Environment structure features and perovskite screening (Li et al. 2023)
    "CenterEnvironmentFeaturizer": "skcromel.structure.center_environment",
    "ce_property_table": "skcromel.structure.ce_properties",
    "prototype_structure": "skcromel.structure.prototypes",
    "screen_perovskites": "skcromel.screening",
    "CETransferRegressor": "skcromel.structure.transfer",
    "FineTunedMLPRegressor": "skcromel.structure.transfer",
    "perovskite_energy_model": "skcromel.structure.transfer",
}

__all__ = ["ElementFraction", "ElementStats", "__version__", *_LAZY]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'skcromel' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
