"""Frozen CroMEL features for gradient boosting: CHGNet-taught vs CGCNN-taught vs no transfer.

Protocol, fixed before the run (no setting was chosen on these datasets):

* learner: ``skcromel.transfer.TransferRegressor`` with its defaults (8 bagged histogram
  gradient-boosting members on the Magpie + MEGNet composition statistics), ``random_state=0``;
  models: ``sources=None`` (no transfer), ``sources=["cromel-offline-cosine"]`` (CGCNN-taught
  CroMEL), ``sources=["cromel-chgnet"]`` (CHGNet-taught CroMEL);
* datasets: ``efe`` (experimental formation enthalpies of the CroMEL paper) and
  ``kingsbury_formation_enthalpy`` (eV/atom);
* 5 folds of :class:`skcromel.model_selection.FormulaGroupKFold` (``shuffle=True``,
  ``random_state=0``, near-duplicate tolerance 0.005: a compound never straddles folds), one seed;
* MAE with a bootstrap CI over compounds and the paired CI of each model's MAE minus the
  no-transfer MAE (:func:`skcromel.benchmark.compound_bootstrap`, 2,000 resamples).

``TransferRegressor`` lives on the main branch; run this script with a checkout of it first on
``PYTHONPATH`` and ``--register DIR`` for sources it does not ship, e.g.::

    git -C /work/main archive main | tar -x -C /tmp/chgnet/main_src
    SKCROMEL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 PYTHONPATH=/tmp/chgnet/main_src \\
        python benchmarks/cromel/chgnet_transfer.py \\
        --register skcromel/pretrained/cromel-chgnet --out /tmp/chgnet/transfer
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

#: Model name -> ``sources`` of TransferRegressor; any other name given to ``--models`` is a
#: source used alone (e.g. ``cromel-chgnet-crystal`` registered with ``--register``).
MODELS = {
    "no_transfer": None,
    "cromel-offline-cosine": ["cromel-offline-cosine"],
    "cromel-chgnet": ["cromel-chgnet"],
}
DATASETS = ("efe", "kingsbury_formation_enthalpy")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", nargs="*", default=list(DATASETS))
    p.add_argument("--models", nargs="*", default=list(MODELS))
    p.add_argument("--register", nargs="*", default=[], help="source directories to register")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="/tmp/chgnet/transfer")
    args = p.parse_args(argv)
    torch.set_num_threads(1)

    try:
        from skcromel.transfer import TransferRegressor
    except ImportError as exc:
        raise SystemExit(
            "skcromel.transfer.TransferRegressor not found: put a checkout of the main branch "
            "first on PYTHONPATH (see the module docstring)"
        ) from exc
    from skcromel.benchmark import compound_bootstrap
    from skcromel.datasets import load_dataset
    from skcromel.matching import near_duplicate_groups
    from skcromel.model_selection import FormulaGroupKFold
    from skcromel.registry import register_source

    for d in args.register:
        register_source(Path(d).name, d)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pred_file = out / "predictions.csv"
    done = pd.read_csv(pred_file) if pred_file.is_file() else pd.DataFrame()
    rows = [done] if len(done) else []
    for ds_name in args.datasets:
        ds = load_dataset(ds_name)
        X = np.asarray(ds.X.iloc[:, 0] if hasattr(ds.X, "iloc") else ds.X, dtype=object)
        y = np.asarray(ds.y, dtype=float)
        groups = near_duplicate_groups(X)
        cv = FormulaGroupKFold(args.folds, shuffle=True, random_state=args.seed)
        folds = list(cv.split(X, y, groups))
        print(f"{ds_name}: {len(y)} rows, {len(set(groups))} compounds", flush=True)
        for model_name in args.models:
            key = (ds_name, model_name)
            if len(done) and ((done["dataset"] == key[0]) & (done["model"] == key[1])).any():
                print(f"  {model_name}: done earlier, skipped", flush=True)
                continue
            pred = np.full(len(y), np.nan)
            fold_of = np.full(len(y), -1)
            t0 = time.perf_counter()
            for k, (tr, te) in enumerate(folds):
                m = TransferRegressor(
                    sources=MODELS.get(model_name, [model_name]), random_state=args.seed
                )
                m.fit(X[tr], y[tr])
                pred[te] = m.predict(X[te])
                fold_of[te] = k
            seconds = time.perf_counter() - t0
            frame = pd.DataFrame(
                {
                    "dataset": ds_name,
                    "protocol": f"FormulaGroupKFold{args.folds}-s{args.seed}",
                    "model": model_name,
                    "seed": args.seed,
                    "row": np.arange(len(y)),
                    "fold": fold_of,
                    "group": groups,
                    "composition": X,
                    "y_true": y,
                    "y_pred": pred,
                }
            )
            rows.append(frame)
            pd.concat(rows, ignore_index=True).to_csv(pred_file, index=False)
            mae = np.mean(np.abs(pred - y))
            print(f"  {model_name}: MAE {mae:.4f} ({seconds:.0f} s)", flush=True)
    preds = pd.concat(rows, ignore_index=True)
    table = compound_bootstrap(preds, reference="no_transfer", n_boot=2000, random_state=0)
    table.to_csv(out / "summary.csv", index=False)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(4).to_string(index=False))
    (out / "summary.json").write_text(json.dumps(table.to_dict(orient="records"), default=str))
    return table


if __name__ == "__main__":
    main()
