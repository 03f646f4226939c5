"""Small CPU CroMEL pretraining run on ``mp_elastic_structs`` (2,275 labelled MP structures).

Source properties: ``form_eng`` (formation energy, eV/atom) and ``band_gap`` (eV) from
``mp_elastic_structs/labels.csv`` (see its SOURCE.md). By default every structure whose reduced
formula occurs in the EFE target set (``cromel/dataset/tgt_exp/efe.xlsx``) is removed, so the source
never sees a target composition. 10 % of the structures are held out to report the property MAE
and how well composition embeddings match their own structure embeddings (mean cosine, top-1
retrieval among the held-out set).

The checkpoint is written outside the repository (default ``/tmp/cromel_mp_elastic.pt``).

Full Materials Project on a connected machine (132,752 structures of ``matbench_mp_e_form``;
every structure whose reduced formula is in one of skcromel's benchmark target sets is removed,
as for the shipped ElemNet sources)::

    python -c "from matminer.datasets import load_dataset; load_dataset('matbench_mp_e_form')"
    python benchmarks/cromel/pretrain.py --matbench ~/.../matbench_mp_e_form.json.gz \
        --targets e_form --device cuda --time-limit 36000 --out /tmp/cromel_mp_full.pt

Usage::

    SKCROMEL_DATA_HOME=/work/shared/data python benchmarks/cromel/pretrain.py \
        --alignment cosine --time-limit 540 --out /tmp/cromel_mp_elastic.pt
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import pandas as pd
import torch

from skcromel.config import get_data_home
from skcromel.cromel import ALIGNMENTS, CroMELPretrainer
from skcromel.parsing import reduced_formulas


def load_source(targets, exclude_efe=True):
    from pymatgen.core import Structure

    home = get_data_home()
    lab = pd.read_csv(home / "mp_elastic_structs" / "labels.csv").dropna(subset=list(targets))
    if exclude_efe:
        efe = pd.read_excel(home / "cromel" / "dataset" / "tgt_exp" / "efe.xlsx", sheet_name=0)
        banned = set(reduced_formulas(efe["composition"].astype(str)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            keep = ~pd.Series(reduced_formulas(lab["formula"].astype(str))).isin(banned).to_numpy()
        print(f"removed {int((~keep).sum())} structures whose formula is in EFE")
        lab = lab[keep]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CIF rounding notices
        structs = [
            Structure.from_file(home / "mp_elastic_structs" / "cif" / f"{m}.cif")
            for m in lab["m_id"]
        ]
    return structs, lab[list(targets)].reset_index(drop=True)


def load_matbench(path, targets, max_rows=None):
    """Structures + target of a matbench JSON file, minus every benchmark target formula."""
    from skcromel.cross_property import benchmark_target_formulas
    from skcromel.datasets import read_matbench_structures

    structs, y, _ = read_matbench_structures(path, targets[0], max_rows=max_rows)
    formulas, counts = benchmark_target_formulas()
    missing = [k for k, v in counts.items() if v < 0]
    if missing:  # an incomplete exclusion would make the source unfair: refuse
        raise SystemExit(
            f"{len(missing)} benchmark target sets not found in the data home (e.g. {missing[0]}):"
            " set SKCROMEL_DATA_HOME so that every target formula can be excluded"
        )
    banned = set(formulas)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        red = reduced_formulas([s.composition for s in structs])
    keep = ~pd.Series(red).isin(banned).to_numpy()
    print(f"removed {int((~keep).sum())} of {len(structs)} structures whose formula is a target")
    return [s for s, k in zip(structs, keep) if k], y[keep].to_frame().reset_index(drop=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--alignment", default="cosine", choices=ALIGNMENTS)
    p.add_argument("--targets", nargs="+", default=["form_eng", "band_gap"])
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--time-limit", type=float, default=540.0)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--keep-efe", action="store_true", help="do not remove EFE formulas")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="/tmp/cromel_mp_elastic.pt")
    p.add_argument("--matbench", default=None, help="matbench/matminer structure JSON(.gz)")
    p.add_argument("--max-rows", type=int, default=None)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    t0 = time.perf_counter()
    if args.matbench:
        structs, y = load_matbench(args.matbench, args.targets, args.max_rows)
    else:
        structs, y = load_source(args.targets, exclude_efe=not args.keep_efe)
    print(
        f"{len(structs)} structures, targets {args.targets}; loading took "
        f"{time.perf_counter() - t0:.0f} s"
    )
    model = CroMELPretrainer(
        alignment=args.alignment,
        epochs=args.epochs,
        batch_size=args.batch_size,
        validation_fraction=0.1,
        time_limit=args.time_limit,
        device=args.device,
        random_state=args.seed,
    )
    model.fit(structs, y)
    for rec in model.history_[:: max(1, len(model.history_) // 10)] + model.history_[-1:]:
        print({k: round(v, 4) for k, v in rec.items()})
    model.save(args.out)
    print(json.dumps(model.model_card_, indent=1))
    print(f"saved {args.out}; total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
