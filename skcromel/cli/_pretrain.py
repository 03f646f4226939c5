"""``skcromel pretrain elemnet``: train a cross-property source on a composition -> property table."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_pretrain_subparser", "run_pretrain_cli"]


def add_pretrain_subparser(subparsers) -> argparse.ArgumentParser:
    """Add ``pretrain elemnet ...`` to an ``argparse`` subparsers object; returns the parser.

    The parsed namespace has ``func`` set to :func:`run_pretrain_cli`.
    """
    pre = subparsers.add_parser("pretrain", help="pretrain a source model for transfer learning")
    kinds = pre.add_subparsers(dest="pretrain_kind", required=True)
    p = kinds.add_parser("elemnet", help="ElemNet on element fractions (cross-property source)")
    p.add_argument("--data", required=True, help="CSV file with formulas and targets")
    p.add_argument("--formula-col", default="formula")
    p.add_argument("--target-col", default="target")
    p.add_argument("--exclude", default=None, help="file with formulas to remove, one per line")
    p.add_argument("--out", required=True, help="output directory (weights.pt + card.json)")
    p.add_argument("--name", default=None, help="registry name (default: the --out folder name)")
    p.add_argument("--variant", default="elemnet-small", choices=["elemnet", "elemnet-small"])
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--patience", type=int, default=20)
    p.add_argument("--max-time", type=float, default=None, help="wall-clock budget (s)")
    p.add_argument("--validation-fraction", type=float, default=0.1)
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument("--dtype", default="auto", choices=["auto", "float16", "float32"])
    p.add_argument("--unit", default=None)
    p.add_argument("--random-state", type=int, default=0)
    p.set_defaults(func=run_pretrain_cli)
    return p


def run_pretrain_cli(args: argparse.Namespace) -> int:
    """Run ``skcromel pretrain elemnet`` from parsed arguments."""
    import pandas as pd
    import torch

    from ..cross_property import pretrain_elemnet, save_source

    if args.threads:
        torch.set_num_threads(args.threads)
    df = pd.read_csv(args.data)
    for col in (args.formula_col, args.target_col):
        if col not in df.columns:
            raise SystemExit(f"column {col!r} not in {args.data} (columns: {list(df.columns)})")
    out = Path(args.out)
    name = args.name or out.name
    model, card = pretrain_elemnet(
        df[args.formula_col].to_numpy(dtype=object),
        df[args.target_col].to_numpy(dtype=float),
        exclude=args.exclude,
        name=name,
        variant=args.variant,
        max_epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        validation_fraction=args.validation_fraction,
        patience=args.patience,
        max_time=args.max_time,
        device=args.device,
        random_state=args.random_state,
        target=args.target_col,
        unit=args.unit,
        data_description=f"{Path(args.data).name} ({args.formula_col} -> {args.target_col})",
    )
    path = save_source(model, card, out, dtype=args.dtype)
    metrics = card["metrics"]
    print(
        f"saved {name} to {path}: validation MAE {metrics['validation_mae']:.4g} "
        f"(mean baseline {metrics['validation_mae_mean_baseline']:.4g}), "
        f"{card['training']['epochs_run']} epochs in {card['training']['wall_time_s']} s"
    )
    return 0
