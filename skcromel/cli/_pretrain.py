"""``skcromel pretrain elemnet``: train a cross-property source on a composition -> property table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import CLIError, at_least, check_column, check_file, read_table

__all__ = ["add_pretrain_subparser", "run_pretrain_cli"]


def add_pretrain_subparser(subparsers) -> argparse.ArgumentParser:
    """Add ``pretrain elemnet ...`` to an ``argparse`` subparsers object; returns the parser.

    The parsed namespace has ``func`` set to :func:`run_pretrain_cli`.
    """
    pre = subparsers.add_parser(
        "pretrain",
        help="pretrain a source model for transfer learning",
        description="Pretrain a source model on your own composition -> property table.",
    )
    kinds = pre.add_subparsers(dest="pretrain_kind", required=True, metavar="<kind>")
    p = kinds.add_parser(
        "elemnet",
        help="ElemNet on element fractions (cross-property source)",
        description="Train ElemNet on a CSV of formulas and targets; writes weights.pt and "
        "card.json (a model directory usable as source= of CrossPropertyRegressor). Shows a "
        "progress bar over epochs.",
    )
    p.add_argument("--data", required=True, help="CSV file with formulas and targets")
    p.add_argument("--formula-col", default="formula", help="column of formulas")
    p.add_argument("--target-col", default="target", help="column of target values")
    p.add_argument("--exclude", default=None, help="file with formulas to remove, one per line")
    p.add_argument("--out", required=True, help="output directory (weights.pt + card.json)")
    p.add_argument("--name", default=None, help="registry name (default: the --out folder name)")
    p.add_argument(
        "--variant", default="elemnet-small", choices=["elemnet", "elemnet-small"],
        help="network size",
    )  # fmt: skip
    p.add_argument("--epochs", type=at_least(1), default=300, help="maximum epochs")
    p.add_argument("--batch-size", type=at_least(1), default=256, help="rows per batch")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--patience", type=at_least(1), default=20, help="early-stopping patience")
    p.add_argument("--max-time", type=float, default=None, help="wall-clock budget (s)")
    p.add_argument(
        "--validation-fraction", type=float, default=0.1, help="held-out share (by formula)"
    )
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--threads", type=at_least(1), default=None, help="torch CPU threads")
    p.add_argument(
        "--dtype", default="auto", choices=["auto", "float16", "float32"],
        help="storage dtype of the weights (auto: float16 when it changes the MAE < 0.5 %%)",
    )  # fmt: skip
    p.add_argument("--unit", default=None, help="unit of the target, recorded in the card")
    p.add_argument("--random-state", type=int, default=0, help="seed")
    p.set_defaults(func=run_pretrain_cli)
    return p


_NA_TEXT = {"", "na", "nan", "n/a", "null", "none", "-nan", "#n/a"}


def _read_pretraining_table(args):
    """(formulas, targets): formulas as written ("NaN" is sodium nitride), targets numeric with
    the usual missing-value spellings as NaN; any other text in the target column is an error."""
    import numpy as np
    import pandas as pd

    path = check_file(args.data, "--data file")
    df = read_table(path)
    for col in (args.formula_col, args.target_col):
        check_column(df, col, path)
    raw = df[args.target_col]
    y = pd.to_numeric(raw, errors="coerce")
    text = raw.astype(str).str.strip().str.lower()
    bad = np.flatnonzero(y.isna().to_numpy() & ~text.isin(_NA_TEXT).to_numpy())
    if bad.size:
        r = int(bad[0])
        raise CLIError(
            f"column {args.target_col!r} of {path}, row {r} (line {r + 2}): {raw.iloc[r]!r} is "
            f"not a number ({bad.size} such rows)"
        )
    return df[args.formula_col].to_numpy(dtype=object), y.to_numpy(dtype=float)


def run_pretrain_cli(args: argparse.Namespace) -> int:
    """Run ``skcromel pretrain elemnet`` from parsed arguments."""
    check_file(args.exclude, "--exclude file")
    formulas, targets = _read_pretraining_table(args)
    import torch

    from ..cross_property import pretrain_elemnet, save_source

    if args.threads:
        torch.set_num_threads(args.threads)
    out = Path(args.out)
    name = args.name or out.name
    print(f"pretraining {args.variant} on {len(targets)} rows of {args.data}...", file=sys.stderr)
    model, card = pretrain_elemnet(
        formulas,
        targets,
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
