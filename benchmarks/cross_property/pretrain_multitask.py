"""Pretrain one multi-task ElemNet trunk on the union of the zoo's computed tables.

The heads are the properties of ``pretrain_sources.py`` (``--heads``, default every full table:
MP, OQMD, AFLOW, Bartel); rows of the same composition are merged per table (mean), the loss is
the MAE over the labelled entries of the standardised targets, and every near duplicate of a
benchmark composition is removed first (as for the single-task sources). Resumable: a checkpoint
is written after every epoch under ``--work-dir``.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/cross_property/pretrain_multitask.py --max-time 2700 \\
        --out-dir /tmp/zoo/mt
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from skcromel.config import get_data_home
from skcromel.cross_property import benchmark_compositions, pretrain_elemnet_multitask
from skcromel.matching import DEFAULT_TOL
from skcromel.registry import save_pretrained

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pretrain_sources import DATA_LICENCE, SOURCES, read_source_table  # noqa: E402

DEFAULT_HEADS = [k for k in SOURCES if not k.endswith("-vt")]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--heads", default=",".join(DEFAULT_HEADS))
    p.add_argument("--name", default="elemnet-small-multitask")
    p.add_argument("--variant", default="elemnet-small", choices=["elemnet", "elemnet-small"])
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--patience", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--max-time", type=float, default=2700.0)
    p.add_argument("--tol", type=float, default=DEFAULT_TOL)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument("--data-home", default=None)
    p.add_argument(
        "--out-dir", default="data-home", help="'data-home' = <data home>/skcromel_sources"
    )
    p.add_argument("--work-dir", default=str(Path.home() / ".cache" / "skcromel-pretrain"))
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    home = get_data_home(args.data_home)
    out_dir = home / "skcromel_sources" if args.out_dir == "data-home" else Path(args.out_dir)
    heads = [h.strip() for h in args.heads.split(",") if h.strip()]
    tables = {}
    for h in heads:
        db, files, target, unit, description = SOURCES[h]
        df = read_source_table(h, home)
        tables[h] = {
            "compositions": df["formula"].to_numpy(dtype=object),
            "y": df["target"].to_numpy(dtype=np.float64),
            "target": target,
            "unit": unit,
            "description": description,
            "file": files,
            "database": db,
        }
    bench = benchmark_compositions(home)
    t0 = time.perf_counter()
    module, card = pretrain_elemnet_multitask(
        tables,
        exclude=bench,
        exclude_tol=args.tol,
        name=args.name,
        variant=args.variant,
        max_epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        patience=args.patience,
        max_time=args.max_time,
        device=args.device,
        random_state=args.random_state,
        checkpoint=Path(args.work_dir) / f"{args.name}.ckpt",
        data_description="computed tables of the data home: "
        + ", ".join(sorted({SOURCES[h][0] for h in heads})),
    )
    card["data"]["licence"] = {
        db: DATA_LICENCE[db] for db in sorted({SOURCES[h][0] for h in heads})
    }
    card["command"] = (
        "python benchmarks/cross_property/pretrain_multitask.py "
        f"--heads {','.join(heads)} --variant {args.variant} --epochs {args.epochs} "
        f"--patience {args.patience} --batch-size {args.batch_size} --lr {args.lr} "
        f"--max-time {args.max_time} --tol {args.tol} --device {args.device} "
        f"--threads {args.threads}"
    )
    change = card["metrics"]["float16_check"]["max_relative_change"]
    dtype = torch.float16 if change < 0.005 else torch.float32
    card["weights_dtype_reason"] = f"float16 changes the per-head validation MAE by <= {change:.3%}"
    out = save_pretrained(module, card, out_dir / args.name, dtype=dtype)
    print(json.dumps(card["metrics"], indent=1))
    print(f"{args.name}: {card['training']['epochs_run']} epochs ({card['training']['stopped_by']}),"
          f" {time.perf_counter() - t0:.0f} s -> {out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
