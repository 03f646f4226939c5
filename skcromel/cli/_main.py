"""The ``skcromel`` parser and the small commands (featurize, presets, demo)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main", "build_parser"]


def _read_table(path: Path, sheet: str | None):
    import pandas as pd

    if path.suffix.lower() in {".xlsx", ".xls"}:
        return pd.read_excel(path, sheet_name=sheet or 0)
    return pd.read_csv(path)


def _make_featurizer(name: str, on_error: str):
    from ..element_tables import PRESETS
    from ..featurizers import ElementFraction, ElementStats

    if name == "elemnet":
        return ElementFraction(elements="elemnet", on_error=on_error)
    if name == "fractions":
        return ElementFraction(elements="all", on_error=on_error)
    if name in PRESETS:
        return ElementStats(preset=name, on_error=on_error)
    raise SystemExit(f"unknown featurizer {name!r}; see `skcromel presets`")


def _cmd_featurize(args) -> int:
    import pandas as pd

    df = _read_table(Path(args.input), args.sheet)
    if args.column not in df.columns:
        raise SystemExit(f"column {args.column!r} not in {args.input}: {list(df.columns)}")
    feat = _make_featurizer(args.featurizer, args.on_error).set_output(transform="pandas")
    X = df[[args.column]]
    out = feat.fit_transform(X)
    if args.keep:
        out = pd.concat([df, out], axis=1)
    if args.output == "-":
        out.to_csv(sys.stdout, index=False)
    else:
        out.to_csv(args.output, index=False)
        print(f"wrote {out.shape[0]} rows x {out.shape[1]} columns to {args.output}")
    return 0


def _cmd_presets(args) -> int:
    from ..element_tables import PRESETS, load_table
    from ..featurizers import ElementStats

    print(f"{'name':<12} {'features':>8}  elements  source")
    print(f"{'elemnet':<12} {86:>8}  86        ElemNet element fractions (H-Pu minus 8)")
    print(f"{'fractions':<12} {118:>8}  118       element fractions, Z=1..118")
    for p in PRESETS:
        t = load_table(p)
        n = len(ElementStats(preset=p).fit(["H"]).get_feature_names_out())
        print(f"{p:<12} {n:>8}  {int(t.supported.sum()):<8}  {t.source}")
    return 0


def _cmd_demo(args) -> int:
    from ._demo import run_demo

    return run_demo(out_dir=Path(args.out), quick=args.quick, seed=args.seed)


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="skcromel",
        description="Transfer learning for small experimental materials datasets.",
    )
    parser.add_argument("--version", action="version", version=f"skcromel {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("featurize", help="featurize a column of compositions")
    p.add_argument("input", help="CSV or XLSX file")
    p.add_argument("--column", default="formula", help="column holding compositions")
    p.add_argument("--sheet", default=None, help="sheet name for XLSX input")
    p.add_argument(
        "--featurizer", default="magpie", help="magpie, matscholar, xenonpy, elemnet, ..."
    )
    p.add_argument("--on-error", default="raise", choices=["raise", "nan"])
    p.add_argument("--keep", action="store_true", help="keep the input columns in the output")
    p.add_argument("-o", "--output", default="-", help="output CSV (default: stdout)")
    p.set_defaults(func=_cmd_featurize)

    p = sub.add_parser("presets", help="list featurizer presets")
    p.set_defaults(func=_cmd_presets)

    p = sub.add_parser("demo", help="the main job on a dataset that ships with pymatgen")
    p.add_argument("--out", default="skcromel_output", help="output folder")
    p.add_argument("--quick", action="store_true", help="smaller, faster run")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_cmd_demo)

    for register in _extension_registrars():
        register(sub)
    return parser


def _extension_registrars():
    """The sub-commands defined in their own modules (argparse only: nothing heavy imported)."""
    from ._benchmark import add_benchmark_subparser
    from ._pretrain import add_pretrain_subparser
    from ._screen import add_screen_subparser

    return [add_benchmark_subparser, add_pretrain_subparser, add_screen_subparser]


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
