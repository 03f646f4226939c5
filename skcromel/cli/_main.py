"""The ``skcromel`` parser, the error handling of every command, and the small commands
(featurize, presets, demo)."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

from ..exceptions import ChecksumError, CompositionError, DataNotFoundError
from ._common import CLIError, Parser, check_column, check_file, read_table, suggest

__all__ = ["main", "build_parser"]

#: Set to 1 to see the traceback of a user error instead of the one-line message.
TRACEBACK_ENV = "SKCROMEL_TRACEBACK"

#: Featurizers of ``skcromel featurize`` that are not ElementStats presets.
_OTHER_FEATURIZERS = {
    "elemnet": "ElemNet element fractions (86 elements, H-Pu minus 8)",
    "fractions": "element fractions, Z=1..118",
    "magpie_full": "the four Magpie groups (stoichiometry, statistics, valence, ionic): 149",
}


def _make_featurizer(name: str, on_error: str):
    from ..element_tables import PRESETS
    from ..featurizers import ElementFraction, ElementStats, magpie_full

    if name == "elemnet":
        return ElementFraction(elements="elemnet", on_error=on_error)
    if name == "fractions":
        return ElementFraction(elements="all", on_error=on_error)
    if name == "magpie_full":
        return magpie_full(on_error=on_error)
    if name in PRESETS:
        return ElementStats(preset=name, on_error=on_error)
    raise CLIError(
        suggest(name, [*_OTHER_FEATURIZERS, *PRESETS], "featurizer", "`skcromel presets`")
    )


def _cmd_featurize(args) -> int:
    import pandas as pd

    path = check_file(args.input)
    feat = _make_featurizer(args.featurizer, args.on_error).set_output(transform="pandas")
    df = read_table(path, args.sheet)
    check_column(df, args.column, path)
    try:
        out = feat.fit_transform(df[[args.column]])
    except CompositionError as exc:
        line = "" if exc.row is None else f" (line {exc.row + 2} of {path}, the header is line 1)"
        raise CLIError(
            f"column {args.column!r}, {exc}{line}; pass --on-error nan to write NaN rows instead"
        ) from exc
    out.index = df.index
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
    print(f"{'elemnet':<12} {86:>8}  86        {_OTHER_FEATURIZERS['elemnet']}")
    print(f"{'fractions':<12} {118:>8}  118       {_OTHER_FEATURIZERS['fractions']}")
    print(f"{'magpie_full':<12} {149:>8}  {'':<8}  {_OTHER_FEATURIZERS['magpie_full']}")
    for p in PRESETS:
        t = load_table(p)
        n = len(ElementStats(preset=p).fit(["H"]).get_feature_names_out())
        print(f"{p:<12} {n:>8}  {int(t.supported.sum()):<8}  {t.source}")
    return 0


def _cmd_demo(args) -> int:
    from ._demo import run_demo

    return run_demo(out_dir=Path(args.out), quick=args.quick, seed=args.seed)


DESCRIPTION = (
    "Transfer learning for small experimental materials datasets. `skcromel <command> --help` "
    "describes a command. Errors print one line (exit code 2); set SKCROMEL_TRACEBACK=1 to see "
    "the traceback instead."
)


def build_parser() -> Parser:
    """The ``skcromel`` parser; imports no numerical library (``skcromel --help`` is fast)."""
    from .. import __version__

    parser = Parser(prog="skcromel", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"skcromel {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="<command>")

    p = sub.add_parser(
        "featurize",
        help="featurize a column of compositions",
        description="Featurize the compositions of one column of a CSV or XLSX file. Cells are "
        "read as written: 'NaN' is sodium nitride and a blank line is a row (a bad one).",
    )
    p.add_argument("input", help="CSV or XLSX file")
    p.add_argument("--column", default="formula", help="column holding compositions")
    p.add_argument("--sheet", default=None, help="sheet name for XLSX input (default: the first)")
    p.add_argument(
        "--featurizer",
        default="magpie",
        help="magpie, magpie_full, matscholar, xenonpy, elemnet, ... (see `skcromel presets`)",
    )
    p.add_argument(
        "--on-error",
        default="raise",
        choices=["raise", "nan"],
        help="a bad row (unknown element, blank cell...): stop with an error, or write NaN",
    )
    p.add_argument("--keep", action="store_true", help="keep the input columns in the output")
    p.add_argument("-o", "--output", default="-", help="output CSV ('-': stdout)")
    p.set_defaults(func=_cmd_featurize)

    p = sub.add_parser("presets", help="list featurizer presets")
    p.set_defaults(func=_cmd_presets)

    from ._catalogue import add_catalogue_subparsers

    add_catalogue_subparsers(sub)

    p = sub.add_parser(
        "demo",
        help="the main job on a dataset that ships with pymatgen",
        description="Featurize the 2,135 Kingsbury experimental formation enthalpies (inside "
        "pymatgen) and compare models under 5-fold CV grouped by compound. Prints "
        "progress as it goes.",
    )
    p.add_argument("--out", default="skcromel_output", help="output folder")
    p.add_argument("--quick", action="store_true", help="smaller, faster run (about 400 rows)")
    p.add_argument("--seed", type=int, default=0, help="seed of the folds and the models")
    p.set_defaults(func=_cmd_demo)

    for register in _extension_registrars():
        register(sub)
    return parser


def _extension_registrars():
    """The sub-commands defined in their own modules (argparse only: nothing heavy imported)."""
    from ._benchmark import add_benchmark_subparser
    from ._pretrain import add_pretrain_subparser
    from ._screen import add_screen_subparser

    return [add_pretrain_subparser, add_benchmark_subparser, add_screen_subparser]


#: Exceptions that are the user's to fix (bad input, missing data): one line, exit code 2.
USER_ERRORS = (CLIError, CompositionError, DataNotFoundError, ChecksumError, OSError)


def main(argv=None) -> int:
    """Run ``skcromel``. Usage errors and user errors raise ``SystemExit(2)`` after printing
    ``skcromel: error: <message>`` on stderr (no traceback); returns the command's exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning  # one line per warning, no source line
            return int(args.func(args) or 0)
    except BrokenPipeError:  # `skcromel ... | head`: the reader left, not an error
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # stdout without a file descriptor
            pass
        return 0
    except USER_ERRORS as exc:
        if os.environ.get(TRACEBACK_ENV, "") not in ("", "0"):
            raise
        parser.exit(2, f"skcromel: error: {_message(exc)}\n")
    except KeyboardInterrupt:
        parser.exit(130, "skcromel: interrupted\n")


def _show_warning(message, category, filename, lineno, file=None, line=None):
    text = str(message).strip()
    print(f"skcromel: warning: {text}", file=file or sys.stderr)


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    text = str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, DataNotFoundError | ChecksumError):
        text = f"{exc.strerror or type(exc).__name__}: {exc.filename}" if exc.filename else text
    return text.rstrip() or type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
