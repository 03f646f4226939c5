"""Helpers shared by the commands: help formatting, one-line errors, suggestions, tables, files.

Nothing here imports a numerical library at module level (``skcromel --help`` stays fast).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = [
    "CLIError",
    "HelpFormatter",
    "Parser",
    "at_least",
    "check_column",
    "check_file",
    "check_name",
    "print_table",
    "read_table",
    "suggest",
]


class CLIError(Exception):
    """A user error of a command: printed as ``skcromel: error: <message>``, exit code 2."""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show every default that means something in ``--help`` (not ``None`` / off switches);
    lists are shown as on the command line (``dummy rf_magpie``)."""

    def _get_help_string(self, action):
        help_text = action.help or ""
        default = action.default
        if (
            "%(default)" in help_text
            or "(default:" in help_text
            or default is None
            or default is False
            or default == []
            or default is argparse.SUPPRESS
            or isinstance(action, argparse._HelpAction | argparse._VersionAction)
        ):
            return help_text
        if not (action.option_strings or action.nargs in (argparse.OPTIONAL, "*")):
            return help_text
        if isinstance(default, list | tuple):
            shown = " ".join(map(str, default))
        else:
            shown = str(default)
        shown = shown.replace("%", "%%")
        return f"{help_text} (default: {shown})" if help_text else f"(default: {shown})"


class Parser(argparse.ArgumentParser):
    """``ArgumentParser`` whose sub-parsers (at every level) use :class:`HelpFormatter`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        """One line ``skcromel: error: ...`` (exit code 2) instead of the usage block; a
        misspelled choice gets a "did you mean" instead of the list of every choice."""
        m = re.match(r"argument (.+?): invalid choice: (.*?) \(choose from (.*)\)$", message)
        if m:  # the quoting of argparse's message differs between Python versions
            arg, value, listed = m.groups()
            value = value.strip("'\"")
            choices = re.findall(r"'([^']*)'", listed) or [c.strip() for c in listed.split(",")]
            what = "command" if arg == "<command>" else "choice"
            message = f"argument {arg}: {suggest(value, choices, what)}"
            if what == "command" and "did you mean" not in message:
                message += f"; commands: {', '.join(choices)}"
        hint = f" (`{self.prog} --help` shows the usage)"
        self.exit(2, f"skcromel: error: {message}{hint}\n")


def at_least(minimum: int):
    """argparse ``type``: an int ``>= minimum`` (``--n-splits 1`` is a usage error)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    parse.__name__ = f"int>={minimum}"
    return parse


def suggest(name: str, choices: Iterable[str], what: str, listing: str | None = None) -> str:
    """``unknown <what> 'x'; did you mean 'y'?`` (difflib), never the whole list of names."""
    choices = sorted({str(c) for c in choices})
    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.6)
    if not close:  # also try case-insensitively and as a substring ("magpi", "EFE")
        lower = {c.lower(): c for c in choices}
        close = [lower[c] for c in difflib.get_close_matches(name.lower(), lower, n=3, cutoff=0.6)]
        close += [c for c in choices if name.lower() in c.lower() and c not in close][
            : 3 - len(close)
        ]
    text = f"unknown {what} {name!r}"
    if close:
        text += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    elif len(choices) <= 8:
        text += f"; choose from {', '.join(choices)}"
    if listing:
        text += f" ({listing} lists all {len(choices)})"
    return text


def check_name(name: str, choices: Iterable[str], what: str, listing: str | None = None) -> str:
    choices = list(choices)
    if name not in choices:
        raise CLIError(suggest(name, choices, what, listing))
    return name


def check_file(path: str | os.PathLike | None, what: str = "input file") -> Path | None:
    """``Path(path)`` of an existing file, else a :class:`CLIError` naming it."""
    if path is None:
        return None
    p = Path(path).expanduser()
    if not p.exists():
        where = "" if p.is_absolute() else f" (looked in {Path.cwd()})"
        raise CLIError(f"{what} {str(path)!r} not found{where}")
    if p.is_dir():
        raise CLIError(f"{what} {str(path)!r} is a folder, not a file")
    return p


def read_table(path: Path, sheet: str | None = None, *, text_column: str | None = None):
    """Read a CSV or XLSX file as written: ``NaN`` / ``NA`` / ``None`` stay strings (``NaN`` is
    sodium nitride), blank lines are rows (blank lines at the very end of the file are dropped,
    with a note on stderr). Errors name the file."""
    import pandas as pd

    try:
        if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
            df = pd.read_excel(path, sheet_name=sheet or 0, keep_default_na=False)
        else:
            df = pd.read_csv(path, keep_default_na=False, skip_blank_lines=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError) as exc:
        raise CLIError(f"cannot read {path}: {type(exc).__name__}: {exc}") from exc
    if len(df):
        blank = (df.astype(str) == "").all(axis=1).to_numpy()
        n_trailing = 0
        while n_trailing < len(blank) and blank[len(blank) - 1 - n_trailing]:
            n_trailing += 1
        if n_trailing == len(blank):
            n_trailing = 0  # every row blank: keep them, they are reported as bad rows
        if n_trailing:
            df = df.iloc[: len(df) - n_trailing]
            print(
                f"skcromel: note: ignored {n_trailing} blank line(s) at the end of {path}",
                file=sys.stderr,
            )
    return df


def check_column(df, column: str, path) -> None:
    """A :class:`CLIError` naming the file, a close column name and the columns there are."""
    if column not in df.columns:
        columns = [str(c) for c in df.columns]
        close = difflib.get_close_matches(column, columns, n=2, cutoff=0.6)
        shown = ", ".join(repr(c) for c in columns[:10]) + (" ..." if len(columns) > 10 else "")
        text = f"{path} has no column {column!r}"
        if close:
            text += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
        raise CLIError(f"{text} (columns: {shown})")


def print_table(rows: Sequence[Sequence], header: Sequence[str], *, file=None) -> None:
    """Plain fixed-width table (numbers right-aligned), no extra dependency."""
    file = file or sys.stdout
    text = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in text)]) for i, h in enumerate(header)]
    numeric = [
        bool(rows) and all(isinstance(r[i], int | float) or r[i] in ("", "-") for r in rows)
        for i in range(len(header))
    ]

    def line(cells):
        parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)]
        return "  ".join(parts).rstrip()

    print(line(header), file=file)
    print("  ".join("-" * w for w in widths), file=file)
    for r in text:
        print(line(r), file=file)


def _cell(v) -> str:
    if isinstance(v, float):
        return "-" if v != v else f"{v:.4g}"
    return str(v)
