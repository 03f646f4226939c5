"""EFE benchmark: CroMEL transfer vs scratch vs random forest, leak-free.

Data: ``cromel/dataset/tgt_exp/efe.xlsx`` (Kim et al. 2017 experimental formation enthalpies,
1,196 rows, 1,145 formulas; target ``form_eng_exp`` in eV/atom) from the data home.

Protocol: 5 folds grouped by reduced formula (``GroupKFold(5, shuffle=True, random_state=0)``), or
``--protocol rows`` for plain ``KFold(5, shuffle=True, random_state=0)`` over rows (closer to the
reference script, duplicates may straddle folds). Every neural model is a ``clone`` of a
``CroMELRegressor`` and starts from a fresh copy of its source in every fold (no fold leakage).

Methods:

* ``ref-mp_fe_cgcnn``: the reference MP formation-energy CGCNN checkpoint's composition encoder
  (imported, mean path), fine-tuned with the head Linear 64 -> LeakyReLU -> Linear 1;
* ``own:<file>``: a source written by ``benchmarks/cromel/pretrain.py`` (``--own``);
* ``scratch``: the same network, random initialisation;
* with ``--ensemble``: the mean prediction of all transfer models (``ref-*`` and ``own:*``);
* ``rf-600d``: RandomForestRegressor (``--rf-trees``, default 500; ``--rf-max-features``, default
  1.0) on the 600-d matscholar mean/min/max descriptor.

Usage::

    SKCROMEL_DATA_HOME=/work/shared/data python benchmarks/cromel/efe.py --epochs 300 \
        --own /tmp/cromel_mp_elastic_cosine.pt
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import GroupKFold, KFold

from skcromel.config import get_data_home
from skcromel.cromel import CroMELRegressor, composition_descriptor
from skcromel.parsing import reduced_formulas


def load_efe():
    df = pd.read_excel(get_data_home() / "cromel" / "dataset" / "tgt_exp" / "efe.xlsx", "ent_fe")
    return df["composition"].astype(str).to_numpy(dtype=object), df["form_eng_exp"].to_numpy(float)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--protocol", choices=["grouped", "rows"], default="grouped")
    p.add_argument("--own", nargs="*", default=[], help="skcromel CroMEL checkpoints to compare")
    p.add_argument("--methods", nargs="*", default=None, help="subset of method names to run")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ensemble", action="store_true", help="also average the transfer models")
    p.add_argument("--rf-trees", type=int, default=500)
    p.add_argument("--rf-max-features", type=float, default=1.0)
    args = p.parse_args(argv)
    torch.set_num_threads(1)

    X, y = load_efe()
    groups = reduced_formulas(X)
    if args.protocol == "grouped":
        folds = list(GroupKFold(5, shuffle=True, random_state=args.seed).split(X, y, groups))
    else:
        folds = list(KFold(5, shuffle=True, random_state=args.seed).split(X))
    print(
        f"EFE: {len(y)} rows, {len(set(groups))} formulas, protocol={args.protocol}, "
        f"epochs={args.epochs}"
    )

    base = CroMELRegressor(max_epochs=args.epochs, device="cpu", random_state=args.seed)
    methods = {"ref-mp_fe_cgcnn": clone(base).set_params(source="cromel-ref:mp_fe_cgcnn")}
    for path in args.own:
        methods[f"own:{path}"] = clone(base).set_params(source=path)
    methods["scratch"] = clone(base).set_params(source=None)
    methods["rf-600d"] = "rf"
    if args.methods:
        methods = {k: v for k, v in methods.items() if k in args.methods}
    D = composition_descriptor(X)

    rows = []
    preds = {}
    for name, est in methods.items():
        t0 = time.perf_counter()
        r2s, maes = [], []
        preds[name] = np.full(len(y), np.nan)
        for tr, te in folds:
            if est == "rf":
                m = RandomForestRegressor(
                    args.rf_trees, max_features=args.rf_max_features, random_state=args.seed
                ).fit(D[tr], y[tr])
                pred = m.predict(D[te])
            else:
                pred = clone(est).fit(X[tr], y[tr]).predict(X[te])
            preds[name][te] = pred
            r2s.append(r2_score(y[te], pred))
            maes.append(mean_absolute_error(y[te], pred))
        dt = time.perf_counter() - t0
        rows.append((name, np.mean(r2s), np.std(r2s), np.mean(maes), np.std(maes), dt))
        print(
            f"{name:<40} R2 {np.mean(r2s):.3f} ± {np.std(r2s):.3f}  MAE {np.mean(maes):.4f} ± "
            f"{np.std(maes):.4f}  folds R2 {np.round(r2s, 3).tolist()}  ({dt:.0f} s)",
            flush=True,
        )
    transfer = [k for k in preds if k.startswith(("own:", "ref-"))]
    if args.ensemble and len(transfer) > 1:
        ens = np.mean([preds[k] for k in transfer], axis=0)
        r2s = [r2_score(y[te], ens[te]) for _, te in folds]
        maes = [mean_absolute_error(y[te], ens[te]) for _, te in folds]
        name = "mean of " + " + ".join(transfer)
        rows.append((name, np.mean(r2s), np.std(r2s), np.mean(maes), np.std(maes), 0.0))
        print(
            f"{name}: R2 {np.mean(r2s):.3f} ± {np.std(r2s):.3f}  MAE {np.mean(maes):.4f} ± "
            f"{np.std(maes):.4f}  folds R2 {np.round(r2s, 3).tolist()}"
        )
    print("\n| method | R² | MAE (eV/atom) |\n|---|---|---|")
    for name, r2, r2s, mae, maes, _ in rows:
        print(f"| {name} | {r2:.3f} ± {r2s:.3f} | {mae:.4f} ± {maes:.4f} |")


if __name__ == "__main__":
    main()
