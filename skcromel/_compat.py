"""Import paths of skcromel 0.1 that moved in the package restructure, kept for one release.

Importing an old module path (``skcromel.zero_inflated``, ``skcromel.cromel_import``, ...) or
reading an old top-level name (``skcromel.CroMELPretrainer``, ``skcromel.nn.MLPRegressorTorch``)
still works, with a :class:`FutureWarning` naming the new place. Models pickled under the old
module paths therefore still load.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

__all__ = ["MOVED_MODULES", "MOVED_NAMES", "moved_name"]

#: old module path -> the module that now holds the same objects
MOVED_MODULES = {
    "skcromel.cromel_import": "skcromel.cromel._reference",
    "skcromel.cromel_pretrained": "skcromel.cromel._sources",
    "skcromel.cromel_benchmark": "skcromel.benchmark.models._cromel",
    "skcromel.graphs": "skcromel.cromel._graphs",
    "skcromel.losses": "skcromel.cromel._losses",
    "skcromel.pretrain": "skcromel.cross_property._pretrain",
    "skcromel.delta": "skcromel.meta._delta",
    "skcromel.blending": "skcromel.meta._blending",
    "skcromel.zero_inflated": "skcromel.meta._zero_inflated",
    "skcromel.screening": "skcromel.structure._screening",
    "skcromel.matminer": "skcromel.featurizers._matminer",
    "skcromel.demo": "skcromel.cli._demo",
    "skcromel.benchmark.runner": "skcromel.benchmark._runner",
    "skcromel.benchmark.report": "skcromel.benchmark._report",
    "skcromel.benchmark.transfer_models": "skcromel.benchmark.models._transfer",
    "skcromel.benchmark.zero_inflated_models": "skcromel.benchmark.models._zero_inflated",
    "skcromel.datasets.catalogue": "skcromel.datasets._catalogue",
    "skcromel.datasets.loaders": "skcromel.datasets._loaders",
    "skcromel.datasets.matbench_structures": "skcromel.datasets._matbench_structures",
    **{f"skcromel.featurizers.{m}": f"skcromel.featurizers._{m}"
       for m in ("attributes", "base", "fraction", "hull", "reference", "stats")},
    **{f"skcromel.nn.{m}": f"skcromel.nn._{m}"
       for m in ("estimator", "networks", "training", "gnn")},
    **{f"skcromel.structure.{m}": f"skcromel.structure._{m}"
       for m in ("ce_properties", "center_environment", "prototypes", "transfer")},
}  # fmt: skip

#: (package, old name) -> (module, new name)
MOVED_NAMES = {
    ("skcromel", "parse_formula"): ("skcromel.parsing", "parse_formula"),
    ("skcromel", "reduced_formulas"): ("skcromel.parsing", "reduced_formulas"),
    ("skcromel", "to_element_matrix"): ("skcromel.parsing", "to_element_matrix"),
    ("skcromel", "CroMELKFold"): ("skcromel.model_selection", "CroMELKFold"),
    ("skcromel", "run_benchmark"): ("skcromel.benchmark", "run_benchmark"),
    ("skcromel", "register_model"): ("skcromel.benchmark", "register_model"),
    ("skcromel", "TorchRegressor"): ("skcromel.nn", "TorchRegressor"),
    ("skcromel", "MLPRegressorTorch"): ("skcromel.nn", "TorchMLPRegressor"),
    ("skcromel.nn", "MLPRegressorTorch"): ("skcromel.nn", "TorchMLPRegressor"),
    ("skcromel", "register_source"): ("skcromel.registry", "register_source"),
    ("skcromel", "register_architecture"): ("skcromel.registry", "register_architecture"),
    ("skcromel", "pretrain_elemnet"): ("skcromel.cross_property", "pretrain_elemnet"),
    ("skcromel", "CroMELPretrainer"): ("skcromel.cromel", "CroMELPretrainer"),
    ("skcromel", "load_reference_checkpoint"): ("skcromel.cromel", "load_reference_checkpoint"),
    ("skcromel", "structure_to_graph"): ("skcromel.cromel", "structure_to_graph"),
    ("skcromel", "ce_property_table"): ("skcromel.structure", "ce_property_table"),
    ("skcromel", "prototype_structure"): ("skcromel.structure", "prototype_structure"),
    ("skcromel", "screen_perovskites"): ("skcromel.structure", "screen_perovskites"),
    ("skcromel", "FineTunedMLPRegressor"): ("skcromel.structure", "FineTunedMLPRegressor"),
    ("skcromel", "perovskite_energy_model"): ("skcromel.structure", "perovskite_energy_model"),
}


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"{old} moved to {new}; the old path is removed in the next release",
        FutureWarning,
        stacklevel=4,
    )


def moved_name(name: str, package: str = "skcromel"):
    """The object an old attribute name of ``package`` now refers to (with a FutureWarning), or
    None when ``name`` is not a moved name."""
    target = MOVED_NAMES.get((package, name))
    if target is None:
        return None
    module, new = target
    _warn(f"{package}.{name}", f"{module}.{new}")
    return getattr(importlib.import_module(module), new)


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        _warn(spec.name, self.target.split("._")[0])
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        new = MOVED_MODULES.get(fullname)
        if new is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(new))


if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
    sys.meta_path.append(_AliasFinder())
