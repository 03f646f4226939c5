"""Named benchmark suites: datasets, protocol and seeds of the tables in the documentation."""

from __future__ import annotations

__all__ = ["SUITES"]

#: suite name -> {"datasets", "protocol", "seeds", "description"}; ``skcromel benchmark --suite``.
SUITES = {
    "baselines": {
        "datasets": ["kingsbury_formation_enthalpy", "efe"],
        "protocol": "grouped-kfold",
        "seeds": [0, 1, 2],
        "description": "Kingsbury and EFE, leak-free grouped 5-fold, 3 seeds",
    },
    "suite14": {
        "datasets": ["suite14"],
        "protocol": "grouped-kfold",
        "seeds": [0, 1, 2],
        "description": "the 14 experimental datasets, leak-free grouped 5-fold, 3 seeds",
    },
    "efe-cromel": {
        "datasets": ["efe"],
        "protocol": "cromel-5fold",
        "seeds": [0],
        "description": "EFE under the CroMEL paper's 5-fold protocol (numpy seed 0)",
    },
    "efe-combined": {
        "datasets": ["efe"],
        "protocol": "grouped-kfold",
        "seeds": [0, 1, 2],
        "description": "EFE, leak-free grouped 5-fold, 3 seeds (transfer combinations)",
    },
    "crossprop-expt": {
        "datasets": ["crossprop_expt_deltae", "crossprop_expt_bandgap"],
        "protocol": "crossprop",
        "seeds": [0],
        "description": "CrossPropertyTL's experimental sets, the paper's train/test files",
    },
    "matbench": {
        "datasets": ["matbench_expt_gap", "matbench_expt_is_metal"],
        "protocol": "matbench",
        "seeds": [0],
        "description": "matbench_expt_gap / expt_is_metal, official folds",
    },
    # models chosen on the official folds re-scored on fresh 5-fold splits of the same data (its
    # compositions are unique, so grouped = plain K-fold)
    "matbench-resplit": {
        "datasets": ["matbench_expt_gap"],
        "protocol": "grouped-kfold",
        "seeds": [1, 2],
        "description": "matbench_expt_gap on fresh grouped 5-fold splits, seeds 1-2",
    },
}
