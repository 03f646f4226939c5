"""Small CPU CroMEL pretraining run on ``mp_elastic_structs`` (2,275 labelled MP structures).

Source properties: ``form_eng`` (formation energy, eV/atom) and ``band_gap`` (eV) from
``mp_elastic_structs/labels.csv`` (see its SOURCE.md). Every structure whose composition is a
near duplicate of a benchmark composition is removed (same element set, fractions within 0.005;
:func:`skcromel.cross_property.benchmark_compositions`: every benchmark set of the catalogue, or
with ``--efe-only`` only the EFE target set, the original small experiment), so the source never
sees a target composition. 10 % of the structures are held out to report the property MAE
and how well composition embeddings match their own structure embeddings (mean cosine, top-1
retrieval among the held-out set).

The checkpoint is written outside the repository (default ``/tmp/cromel_mp_elastic.pt``).

Full Materials Project on a connected machine (132,752 structures of ``matbench_mp_e_form``;
every near duplicate of a benchmark composition is removed, as for the shipped ElemNet
sources)::

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

import numpy as np
import pandas as pd
import torch

from skcromel.config import get_data_home
from skcromel.cromel import ALIGNMENTS, CroMELPretrainer
from skcromel.matching import DEFAULT_TOL


def _exclusion(compositions, efe_only: bool):
    """Rows to remove (near duplicates of benchmark compositions) and the exclusion record."""
    from skcromel.cross_property import benchmark_compositions, exclude_near_duplicates

    bench = benchmark_compositions()  # raises when a benchmark set is missing from the data home
    if efe_only:
        bench = {"efe": bench["efe"]}
    return exclude_near_duplicates(compositions, bench, tol=DEFAULT_TOL)


def load_source(targets, efe_only=False):
    from pymatgen.core import Structure

    home = get_data_home()
    lab = pd.read_csv(home / "mp_elastic_structs" / "labels.csv").dropna(subset=list(targets))
    hit, info = _exclusion(lab["formula"].astype(str).to_numpy(dtype=object), efe_only)
    print(f"removed {info['n_rows_removed']} structures ({info['rule']})")
    lab = lab[~hit]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CIF rounding notices
        structs = [
            Structure.from_file(home / "mp_elastic_structs" / "cif" / f"{m}.cif")
            for m in lab["m_id"]
        ]
    return structs, lab[list(targets)].reset_index(drop=True)


def load_matbench(path, targets, max_rows=None):
    """Structures + target of a matbench JSON file, minus every near duplicate of a benchmark
    composition."""
    from skcromel.datasets import read_matbench_structures

    structs, y, _ = read_matbench_structures(path, targets[0], max_rows=max_rows)
    comps = np.array([s.composition.formula.replace(" ", "") for s in structs], dtype=object)
    hit, info = _exclusion(comps, efe_only=False)
    print(f"removed {info['n_rows_removed']} of {len(structs)} structures ({info['rule']})")
    keep = ~hit
    return [s for s, k in zip(structs, keep) if k], y[keep].to_frame().reset_index(drop=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--alignment", default="cosine", choices=ALIGNMENTS)
    p.add_argument("--targets", nargs="+", default=["form_eng", "band_gap"])
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--time-limit", type=float, default=540.0)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument(
        "--efe-only",
        action="store_true",
        help="exclude only EFE near duplicates (the original experiment; not for shipping)",
    )
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
        structs, y = load_source(args.targets, efe_only=args.efe_only)
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
