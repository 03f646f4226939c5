"""skcromel: scikit-learn transfer learning for small experimental materials datasets.

The top level holds what goes into a pipeline (featurizers, estimators) and the ``list_*`` /
``load_*`` entry points; everything else is reached through its subpackage:
:mod:`skcromel.featurizers`, :mod:`skcromel.cromel`, :mod:`skcromel.cross_property`,
:mod:`skcromel.structure`, :mod:`skcromel.meta`, :mod:`skcromel.nn`, :mod:`skcromel.datasets`,
:mod:`skcromel.model_selection`, :mod:`skcromel.benchmark`, :mod:`skcromel.registry`,
:mod:`skcromel.parsing`. Names are imported on first use, so ``import skcromel`` is fast and torch
loads only when a torch model is used.
"""

from __future__ import annotations

from ._lazy import lazy_attributes

__version__ = "0.1.0"

_LAZY = {
    # featurizers
    "ElementFraction": "skcromel.featurizers",
    "ElementStats": "skcromel.featurizers",
    "IonProperty": "skcromel.featurizers",
    "Stoichiometry": "skcromel.featurizers",
    "ValenceOrbital": "skcromel.featurizers",
    "magpie_full": "skcromel.featurizers",
    "ReferenceHullEnergy": "skcromel.featurizers",
    "ReferenceLookup": "skcromel.featurizers",
    # the recommended estimators
    "TransferRegressor": "skcromel.transfer",
    "TransferClassifier": "skcromel.transfer",
    "TransferFeatures": "skcromel.transfer",
    "rank_sources": "skcromel.transfer",
    # method estimators
    "CrossPropertyFeaturizer": "skcromel.cross_property",
    "CrossPropertyRegressor": "skcromel.cross_property",
    "ElemNetRegressor": "skcromel.cross_property",
    "CroMELFeaturizer": "skcromel.cromel",
    "CroMELRegressor": "skcromel.cromel",
    "CenterEnvironmentFeaturizer": "skcromel.structure",
    "CETransferRegressor": "skcromel.structure",
    # meta-estimators
    "DeltaRegressor": "skcromel.meta",
    "HoldoutBlendRegressor": "skcromel.meta",
    "ZeroInflatedRegressor": "skcromel.meta",
    # cross-validation
    "FormulaGroupKFold": "skcromel.model_selection",
    "RepeatedFormulaGroupKFold": "skcromel.model_selection",
    # entry points
    "CompositionError": "skcromel.exceptions",
    "get_data_home": "skcromel.config",
    "list_datasets": "skcromel.datasets",
    "load_dataset": "skcromel.datasets",
    "load_kingsbury": "skcromel.datasets",
    "list_pretrained": "skcromel.registry",
    "load_pretrained": "skcromel.registry",
}

__all__ = ["__version__", *_LAZY]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())
