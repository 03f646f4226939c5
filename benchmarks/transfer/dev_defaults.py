"""Development study of TransferRegressor's learner defaults, on data outside the benchmark sets.

The 14 experimental sets and CrossPropertyTL's two are the evaluation: no default may be chosen
on them. This script compares variants of the learner (``sources=None``: the learner alone, as
in the ablation) against gradient boosting on the full Magpie set on development tasks that are
none of those sets:

* ``mdf_glass_tg``: glass-transition temperature of metallic glasses (MDF/DMREF v5, 1,472 alloys,
  repeated reports per alloy);
* ``matbench_steels``: yield strength of steels (312 compositions);
* ``mdf_characteristic_t``: the same MDF file stacked as one row per alloy and characteristic
  temperature (Tg, Tx, Tl: the ``kind`` column, 0 / 1 / 2, an extra numeric input) -- several
  rows per compound that differ by a condition, the shape of the temperature-resolved
  thermoelectric sets, from data that is not one of them.

Grouped 5-fold (near-duplicate compound groups), ``--seeds`` splits, MAE with paired 95 %
intervals over compounds against ``hgb_magpie_full``.

    python benchmarks/transfer/dev_defaults.py --seeds 0 1 --out /tmp/dev_defaults
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pandas as pd

VARIANTS = {
    "learner_default": {},
    "learner_kfold": {"bagging": "kfold"},
    "learner_max_features_1": {"max_features": 1.0},
    "learner_leaf_20": {"min_samples_leaf": 20},
}


def characteristic_temperatures(data_home=None):
    """One row per MDF alloy report and characteristic temperature (Tg, Tx, Tl), ``kind`` 0/1/2;
    values outside 250-2000 K (the file's x10 typos) dropped."""
    from dataclasses import replace

    from skcromel.datasets import Dataset, ensure_files, get_dataset_info
    from skcromel.parsing import reduced_formulas

    info = get_dataset_info("mdf_glass_tg")
    path = ensure_files(info, data_home)[0]
    df = pd.read_csv(path, usecols=["Composition", "Tg_[K]", "Tx_[K]", "Tl_[K]"])
    parts = []
    for kind, column in enumerate(["Tg_[K]", "Tx_[K]", "Tl_[K]"]):
        part = df[["Composition", column]].rename(columns={column: "T"}).dropna()
        part = part[(part["T"] > 250) & (part["T"] < 2000)]
        parts.append(part.assign(kind=float(kind)))
    df = pd.concat(parts, ignore_index=True)
    X = pd.DataFrame({"composition": df["Composition"].astype(str), "kind": df["kind"]})
    info = replace(
        info,
        name="mdf_characteristic_t",
        property="characteristic temperature (Tg, Tx, Tl by 'kind')",
        n_rows=len(df),
    )
    return Dataset(
        X=X,
        y=df["T"].astype(np.float64).reset_index(drop=True),
        groups=np.asarray(reduced_formulas(X["composition"], on_error="nan"), dtype=object),
        info=info,
        metadata={"paths": [path]},
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    ap.add_argument("--datasets", nargs="+", default=None)
    ap.add_argument("--out", required=True, help="fold cache and result tables")
    ap.add_argument("--n-jobs", type=int, default=2)
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from skcromel import TransferRegressor
    from skcromel.benchmark import compound_bootstrap, run_benchmark

    datasets = ["mdf_glass_tg", "matbench_steels", characteristic_temperatures()]
    if args.datasets:
        datasets = [d for d in datasets if getattr(d, "name", d) in args.datasets]
    models = ["hgb_magpie_full"] + [
        (name, TransferRegressor(sources=None, **VARIANTS[name])) for name in args.variants
    ]
    result = run_benchmark(
        models, datasets, "grouped-kfold", seeds=args.seeds, out_dir=args.out,
        n_jobs=args.n_jobs,
    )  # fmt: skip
    out = Path(args.out)
    result.predictions.to_csv(out / "dev_predictions.csv", index=False)
    table = compound_bootstrap(result.predictions, reference="hgb_magpie_full")
    table.to_csv(out / "dev_bootstrap.csv", index=False)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
