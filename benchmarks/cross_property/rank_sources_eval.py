"""Does ``skcromel.transfer.rank_sources`` predict which source helps? Spearman vs realised gain.

For each target dataset, outer 5-fold cross-validation with near-duplicate groups
(:class:`skcromel.model_selection.FormulaGroupKFold`, ``random_state=0``). In every outer fold:

* ``rank_sources`` scores each source on the **training rows** only (inner 5-fold ridge gain and
  LogME gain);
* the realised gain of each source is measured on the fold's **test rows**: the MAE of a fixed
  ``HistGradientBoostingRegressor`` (absolute error, 300 rounds, learning rate 0.1, seed 0) on
  Magpie statistics, minus its MAE on Magpie + the source's frozen features (last hidden layer
  and prediction; a CroMEL source's embedding).

The Spearman correlation between scores and realised gains across sources is computed per fold
and averaged; whether the top-ranked source is among the three best realised ones is counted.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/cross_property/rank_sources_eval.py \\
        --sources-dirs skcromel/pretrained,/tmp/zoo/skcromel_sources --out /tmp/zoo/results/rank.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.ensemble import HistGradientBoostingRegressor

from skcromel.datasets import load_dataset
from skcromel.featurizers import ElementStats
from skcromel.matching import near_duplicate_groups
from skcromel.model_selection import FormulaGroupKFold
from skcromel.transfer import rank_sources
from skcromel.transfer._ranking import source_features

TARGETS = [
    "crossprop_exfoliation_energy",
    "crossprop_piezo_max_dij",
    "crossprop_piezo_max_eij",
    "crossprop_max_ir_mode",
    "crossprop_slme",
    "crossprop_spillage",
]


def _hgb():
    return HistGradientBoostingRegressor(
        loss="absolute_error", max_iter=300, learning_rate=0.1, random_state=0
    )


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sources-dirs", required=True, help="comma list of folders of sources")
    p.add_argument("--targets", default=",".join(TARGETS))
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    sources = [
        str(d.parent)
        for folder in args.sources_dirs.split(",")
        for d in sorted(Path(folder).glob("*/card.json"))
        if "heads" not in json.loads(d.read_text())  # single-output sources
    ]
    print(f"{len(sources)} sources")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for target in args.targets.split(","):
        t0 = time.perf_counter()
        ds = load_dataset(target)
        X = ds.X["composition"].to_numpy(dtype=object)
        y = ds.y.to_numpy()
        groups = near_duplicate_groups(X)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            magpie = ElementStats("magpie", on_error="nan").fit_transform(X)
            feats = {s: source_features(s, X) for s in sources}
        folds = list(FormulaGroupKFold(5, random_state=0).split(X, groups=groups))
        for k, (tr, te) in enumerate(folds):
            table = rank_sources(X[tr], y[tr], sources, cv=5, random_state=0)
            base = np.mean(np.abs(_hgb().fit(magpie[tr], y[tr]).predict(magpie[te]) - y[te]))
            realised = {}
            for s in sources:
                F = np.hstack([magpie, feats[s]])
                mae = np.mean(np.abs(_hgb().fit(F[tr], y[tr]).predict(F[te]) - y[te]))
                realised[s] = float(base - mae)
            gain = np.array([realised[s] for s in table.index])
            rho_ridge = spearmanr(table["gain"].to_numpy(), gain).statistic
            rho_logme = spearmanr(table["logme_gain"].to_numpy(), gain).statistic
            best3 = set(sorted(realised, key=realised.get, reverse=True)[:3])
            row = {
                "target": target,
                "fold": k,
                "n_train": len(tr),
                "n_test": len(te),
                "baseline_test_mae": float(base),
                "spearman_ridge_gain": float(rho_ridge),
                "spearman_logme_gain": float(rho_logme),
                "top1_in_best3": table.index[0] in best3,
                "score_ridge": table["gain"].to_dict(),
                "score_logme": table["logme_gain"].to_dict(),
                "realised_gain": realised,
            }
            with open(out, "a") as fh:
                fh.write(json.dumps(row) + "\n")
            print(f"{target} fold {k}: spearman ridge {rho_ridge:.2f} logme {rho_logme:.2f}; "
                  f"top-1 in best 3: {row['top1_in_best3']} ({time.perf_counter() - t0:.0f} s)",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
