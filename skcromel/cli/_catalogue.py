"""``skcromel datasets`` / ``models`` / ``zoo``: what there is to use, as tables."""

from __future__ import annotations

import sys

from ._common import CLIError, check_name, print_table

__all__ = ["add_catalogue_subparsers", "download_datasets"]

_FORMATS = ("table", "csv")


def add_catalogue_subparsers(sub) -> None:
    """Add ``datasets``, ``models`` and ``zoo`` to an ``argparse`` subparsers object."""
    p = sub.add_parser(
        "datasets",
        help="list the dataset catalogue; --download fetches files",
        description="The catalogued datasets (no data needed to list them). The 'data' column "
        "says whether the files are in the data home ('local'), ship inside an installed "
        "package ('embedded'), can be fetched with --download ('download'), or must be put "
        "there by hand ('manual').",
    )
    p.add_argument("--collection", default=None, help="show only this collection")
    p.add_argument(
        "--download",
        nargs="*",
        metavar="NAME",
        default=None,
        help="download the files of these datasets into the data home (sha256-checked); "
        "with no names, every downloadable dataset of --collection",
    )
    p.add_argument("--data-home", default=None, help="data folder (default: $SKCROMEL_DATA_HOME)")
    p.add_argument("--format", default="table", choices=_FORMATS, help="output format")
    p.set_defaults(func=_cmd_datasets)

    p = sub.add_parser(
        "models",
        help="list the benchmark's model recipes",
        description="Named recipes of the benchmark runner (skcromel benchmark --models ...).",
    )
    p.add_argument(
        "--plugins", nargs="*", default=[], help="modules to import first (they register models)"
    )
    p.add_argument("--format", default="table", choices=_FORMATS, help="output format")
    p.set_defaults(func=_cmd_models)

    p = sub.add_parser(
        "zoo",
        help="list the pretrained sources (read from their model cards)",
        description="Pretrained source models shipped with skcromel or registered, read from "
        "their model cards (no weights are loaded). Use a name as source= of "
        "CrossPropertyRegressor / CroMELFeaturizer.",
    )
    p.add_argument("--format", default="table", choices=_FORMATS, help="output format")
    p.set_defaults(func=_cmd_zoo)


# ------------------------------------------------------------------------------- datasets
def _availability(info, home) -> str:
    if info.embedded:
        return "embedded"
    if all((home / f.path).is_file() for f in info.files):
        return "local"
    if all(f.url for f in info.files):
        return "download"
    return "manual"


def _cmd_datasets(args) -> int:
    from ..config import get_data_home
    from ..datasets import CATALOGUE

    collections = sorted({info.collection for info in CATALOGUE.values()})
    if args.collection is not None:
        check_name(args.collection, collections, "collection")
    infos = [
        info
        for info in CATALOGUE.values()
        if args.collection is None or info.collection == args.collection
    ]
    if args.download is not None:
        names = args.download
        if not names:
            if args.collection is None:
                raise CLIError(
                    "--download needs dataset names or --collection (it never downloads the "
                    "whole catalogue by accident)"
                )
            names = [i.name for i in infos if not i.embedded and all(f.url for f in i.files)]
        return download_datasets(names, args.data_home)
    home = get_data_home(args.data_home)
    rows = [(i.name, i.task, i.n_rows, i.unit, i.collection, _availability(i, home)) for i in infos]
    header = ("name", "task", "rows", "unit", "collection", "data")
    _emit(args.format, rows, header, f"{len(rows)} datasets; data home: {home}")
    return 0


def download_datasets(names, data_home, *, out=None) -> int:
    """Fetch the missing files of the catalogued datasets ``names`` into the data home.

    Raises :class:`CLIError` for an unknown name (with suggestions) before downloading anything,
    and after trying every dataset when some could not be fetched.
    """
    from ..config import get_data_home
    from ..datasets import CATALOGUE, ensure_files
    from ..exceptions import ChecksumError, DataNotFoundError

    out = out or sys.stdout
    for name in names:
        check_name(name, CATALOGUE, "dataset", "`skcromel datasets`")
    home = get_data_home(data_home)
    failed = []
    for name in dict.fromkeys(names):
        info = CATALOGUE[name]
        if info.embedded:
            print(f"{name}: ships inside an installed package, nothing to download", file=out)
            continue
        missing = [f for f in info.files if not (home / f.path).is_file()]
        try:
            ensure_files(info, data_home, download=True)
        except (DataNotFoundError, ChecksumError) as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            failed.append(name)
            continue
        what = f"downloaded {len(missing)} file(s)" if missing else "already present"
        print(f"{name}: {what} in {home} (sha256 verified)", file=out)
    if failed:
        raise CLIError(f"could not download {', '.join(failed)} (reasons above)")
    return 0


# ------------------------------------------------------------------------------- models
def _cmd_models(args) -> int:
    import importlib

    from ..benchmark import list_models

    for module in args.plugins:
        _import_plugin(importlib, module)
    table = list_models()
    rows = [tuple(r) for r in table[["name", "tasks", "description"]].itertuples(index=False)]
    header = ("name", "tasks", "description")
    footer = f"{len(rows)} models; use them with `skcromel benchmark --models NAME ...`"
    _emit(args.format, rows, header, footer)
    return 0


def _import_plugin(importlib, module: str) -> None:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise CLIError(f"--plugins: cannot import {module!r} ({exc})") from exc


# ------------------------------------------------------------------------------- zoo
def _size(n) -> str:
    if n is None or n != n:
        return "-"
    n = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # pragma: no cover


def _cmd_zoo(args) -> int:
    from ..registry import list_pretrained

    try:
        table = list_pretrained(as_frame=True)
    except ValueError as exc:  # an unreadable card.json: the message names the file
        raise CLIError(str(exc)) from exc
    header = (
        "name", "property", "unit", "database", "rows", "excluded", "validation MAE", "size",
    )  # fmt: skip
    if args.format == "csv":
        cols = ["name", "property", "unit", "database", "rows", "rows_excluded", "validation_mae"]
        _write_csv(
            table[cols].assign(size_bytes=table["size_bytes"]).itertuples(index=False),
            (*cols, "size_bytes"),
        )
        return 0
    rows = []
    for r in table.itertuples(index=False):
        mae = "per target" if r.validation_mae != r.validation_mae else float(r.validation_mae)
        rows.append(
            (
                r.name,
                _short(r.property, 40),
                r.unit or "-",
                _short(r.database, 34),
                _count(r.rows),
                _count(r.rows_excluded),
                mae,
                _size(r.size_bytes),
            )
        )
    footer = (
        f"{len(rows)} sources; full model cards: "
        'python -c "from skcromel.registry import list_pretrained; '
        "print(list_pretrained(details=True)['NAME'])\""
    )
    _emit("table", rows, header, footer)
    return 0


def _count(value) -> str:
    """A row count with thousands separators; "-" when missing (None or NaN)."""
    return "-" if value is None or value != value else f"{int(value):,}"


def _short(text, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _emit(fmt: str, rows, header, footer: str) -> None:
    """``rows`` as CSV (``fmt="csv"``) or as an aligned table followed by ``footer``."""
    if fmt == "csv":
        _write_csv(rows, header)
    else:
        print_table(rows, header)
        print(f"\n{footer}")


def _write_csv(rows, header) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
