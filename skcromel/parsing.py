"""Composition input: the one place where skcromel turns user input into element amounts.

Accepted input (a *collection* of compositions):

* formula strings — ``"Fe2O3"``, fractional ``"Li0.5Fe0.5PO4"``, parentheses/brackets
  ``"Ca3(PO4)2"``, ``"K4[Fe(CN)6]"``, hydrates ``"CuSO4·5H2O"``, ``"CuSO4.5H2O"``, ``"CuSO4*5H2O"``,
  whitespace ``"Fe2 O3"``, Unicode subscripts ``"Fe₂O₃"``, scientific notation ``"Fe1e-3Ni"``;
* pymatgen :class:`~pymatgen.core.Composition` (species such as ``Fe3+`` count as their element),
  :class:`~pymatgen.core.Structure` / ``Molecule`` (their composition);
* ``dict`` mapping element symbols (or pymatgen ``Element``/``Species``) to amounts;

given as a list, tuple, 1-D array, :class:`pandas.Series`, or a one-column 2-D array /
:class:`pandas.DataFrame` (what :class:`~sklearn.compose.ColumnTransformer` passes).

Rules for the ambiguous ``.`` in a formula: a dot between two digits is a decimal point
(``Fe0.5``), except when what follows is an (optional) integer multiplier and ``H2O`` and the digits
before the dot are not ``0`` — ``CuSO4.5H2O`` is copper sulfate pentahydrate, ``Fe0.5H2O`` is
Fe0.5 H2 O. A dot that is not between digits always separates hydrate parts (``Na2CO3.H2O``).
A number in front of a hydrate part multiplies it (``5H2O``). Two dots in a row (``Fe..5O``,
``CuSO4..5H2O``) are an error, not a guess.

Hydrogen isotopes: ``D`` (deuterium) and ``T`` (tritium) are read as hydrogen ``H``
(:data:`HYDROGEN_ISOTOPES`): ``D2O`` is H2O and ``Hf1V2D0.5`` is HfV2H0.5, as pymatgen and
matminer read them. Element featurizers have no isotope dimension, so nothing is lost; the reduced
formulas used to group rows in cross-validation treat ``D2O`` and ``H2O`` as the same compound.

Amounts must be finite: a number that overflows float64 (``Fe1e400``, 400 digits), amounts whose
sum overflows (``Fe1e308O1e308``), and a non-zero number that underflows to 0 (``Fe1e-400Ni``) are
errors. Element symbols, digits and brackets are ASCII: a non-ASCII letter or digit (``Ｆｅ２Ｏ３``,
``Ω``) is an error naming the character (Unicode subscripts ``₀``-``₉`` and any whitespace are
accepted).

Bad input never becomes a silent NaN: with ``on_error="raise"`` (default) a
:class:`~skcromel.exceptions.CompositionError` names the row, the value and the reason; with
``on_error="nan"`` the row is returned as NaN and one warning reports how many rows failed and the
first examples. Rows are never dropped or reordered, and every row is parsed on its own (a string
with a NUL byte is never confused with the same string cut at the NUL). Error messages show at most
the first 80 characters of a value.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from types import MappingProxyType

import numpy as np
import pandas as pd

from .elements import SYMBOLS
from .exceptions import CompositionError, SkcromelWarning

__all__ = [
    "HYDROGEN_ISOTOPES",
    "ON_ERROR_OPTIONS",
    "ParsedCompositions",
    "as_composition_array",
    "parse_formula",
    "parse_compositions",
    "to_element_matrix",
    "element_matrix",
    "reduced_formulas",
    "reduced_formulas_of",
]

ON_ERROR_OPTIONS = ("raise", "nan")

#: Symbols of hydrogen isotopes and the element they are read as. The policy of skcromel: ``D``
#: (deuterium) and ``T`` (tritium) are hydrogen, so ``"D2O"`` parses as ``{"H": 2, "O": 1}`` and
#: ``"HDO"`` as ``{"H": 2, "O": 1}`` (pymatgen's ``Composition("D2O")`` gives the same). Read-only.
HYDROGEN_ISOTOPES = MappingProxyType({"D": "H", "T": "H"})

_Z_INDEX = {s: i for i, s in enumerate(SYMBOLS)}  # symbol -> Z - 1 (element columns)
# symbols accepted in input -> Z - 1 (elements plus the hydrogen isotopes)
_SYMBOL_Z = {**_Z_INDEX, **{iso: _Z_INDEX[el] for iso, el in HYDROGEN_ISOTOPES.items()}}

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_HYDRATE_SEPARATORS = re.compile(r"[·•∙⋅*]")
# ASCII digits only ([0-9], not \d): a non-ASCII digit is reported, not silently converted
_SIMPLE = re.compile(r"(?:[A-Z][a-z]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)?)+")
_SIMPLE_TOKEN = re.compile(r"([A-Z][a-z]?)([0-9]+(?:\.[0-9]+)?|\.[0-9]+)?")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_ELEMENT = re.compile(r"[A-Z][a-z]*")
_LEADING_MULT = re.compile(r"^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?=[A-Z(\[{])")
# "4.5H2O" -> hydrate split after the 4 unless the integer part is 0 ("Fe0.5H2O").
_DOT_HYDRATE = re.compile(r"(?<=[0-9])\.(?=[0-9]*H2O(?![a-z]))")
_NONZERO_MANTISSA = re.compile(r"^[0-9.]*[1-9]")
#: Characters of a value shown in error messages and of a symbol shown in a reason.
_SHOW = 80
_OPEN = "([{"
_CLOSE = {")": "(", "]": "[", "}": "{"}


# --------------------------------------------------------------------------------------------
# single formula
# --------------------------------------------------------------------------------------------
class _FormulaError(ValueError):
    """Internal: a reason why one formula string is invalid."""


def _short(text: str, limit: int = _SHOW) -> str:
    """``repr`` of ``text`` cut to ``limit`` characters (for messages about huge inputs)."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} characters)"


def _isdigit(c: str) -> bool:
    return "0" <= c <= "9" and len(c) == 1


def _symbol(sym: str) -> str:
    """The element symbol ``sym`` stands for (hydrogen isotopes -> ``"H"``); error if unknown."""
    if sym not in _SYMBOL_Z:
        raise _FormulaError(f"unknown element symbol {_short(sym)}")
    return HYDROGEN_ISOTOPES.get(sym, sym)


def _to_float(text: str) -> float:
    """``float(text)`` of a matched number; a non-zero number that underflows to 0 is an error."""
    value = float(text)
    if value == 0.0 and _NONZERO_MANTISSA.match(text):
        raise _FormulaError(f"amount {_short(text, 30)} is too small for float64 (underflows to 0)")
    return value


def _bad_character(c: str, i: int, s: str) -> _FormulaError:
    """The error for an unexpected character ``c`` at position ``i`` of ``s``."""
    if c.isascii():
        return _FormulaError(f"unexpected character {c!r} at position {i}")
    name = unicodedata.name(c, "unnamed")
    reason = (
        f"non-ASCII character {c!r} (U+{ord(c):04X} {name}) at position {i}; element symbols "
        "and amounts must be ASCII"
    )
    ascii_form = unicodedata.normalize("NFKC", s)
    if ascii_form != s and ascii_form.isascii() and len(ascii_form) <= _SHOW:
        reason += f" (did you mean {ascii_form!r}?)"
    return _FormulaError(reason)


def _split_hydrate(formula: str) -> list[str]:
    s = _HYDRATE_SEPARATORS.sub("|", formula)
    out = []
    i = 0
    # dots: decimal point only when between digits and not a "<int>.<n>H2O" hydrate
    for m in re.finditer(r"\.", s):
        j = m.start()
        before = s[j - 1] if j > 0 else ""
        after = s[j + 1] if j + 1 < len(s) else ""
        if before == ".":
            raise _FormulaError(f"two dots in a row at position {j - 1}")
        before_digit, after_digit = _isdigit(before), _isdigit(after)
        if before_digit and after_digit:
            if _DOT_HYDRATE.match(s, j) and not _integer_part_is_zero(s, j):
                out.append(s[i:j])
                i = j + 1
            continue
        if before_digit and not after_digit and after not in ("", "|"):
            # "Fe2.O3" or "Na2CO3.H2O": separator
            out.append(s[i:j])
            i = j + 1
            continue
        if not before_digit and after_digit and (j == 0 or s[j - 1] in "|"):
            continue  # ".5H2O" at the start of a part: a leading decimal number
        if not before_digit and after_digit:
            # "(SO4).5H2O" -> decimal subscript of the group; keep as number
            continue
        out.append(s[i:j])
        i = j + 1
    out.append(s[i:])
    parts = []
    for chunk in out:
        parts.extend(chunk.split("|"))
    return parts


def _integer_part_is_zero(s: str, dot: int) -> bool:
    k = dot - 1
    while k >= 0 and _isdigit(s[k]):
        k -= 1
    return s[k + 1 : dot] == "0"


def _parse_part(part: str) -> dict[str, float]:
    """Parse one hydrate-free part (may start with a multiplier)."""
    mult = 1.0
    m = _LEADING_MULT.match(part)
    if m:
        mult = _to_float(m.group(1))
        part = part[m.end() :]
    if not part:
        raise _FormulaError("empty formula part")
    if _SIMPLE.fullmatch(part):  # fast path: no brackets, no exponents
        amounts: dict[str, float] = {}
        for sym, num in _SIMPLE_TOKEN.findall(part):
            sym = _symbol(sym)
            amounts[sym] = amounts.get(sym, 0.0) + (_to_float(num) if num else 1.0)
    else:
        amounts = _parse_nested(part)
    if mult != 1.0:
        amounts = {k: v * mult for k, v in amounts.items()}
    return amounts


def _parse_nested(s: str) -> dict[str, float]:
    stack: list[tuple[str, dict[str, float]]] = [("", {})]
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in _OPEN:
            stack.append((c, {}))
            i += 1
        elif c in _CLOSE:
            if len(stack) == 1 or stack[-1][0] != _CLOSE[c]:
                raise _FormulaError(f"unbalanced bracket {c!r} at position {i}")
            _, group = stack.pop()
            i += 1
            num, i = _read_number(s, i)
            if not group:
                raise _FormulaError(f"empty brackets before position {i}")
            target = stack[-1][1]
            for k, v in group.items():
                target[k] = target.get(k, 0.0) + v * num
        elif "A" <= c <= "Z":
            m = _ELEMENT.match(s, i)
            sym = _symbol(m.group(0))  # "CO" never gets here: the fast path reads it as C + O
            i = m.end()
            num, i = _read_number(s, i)
            target = stack[-1][1]
            target[sym] = target.get(sym, 0.0) + num
        elif c == "-" and i + 1 < n and (s[i + 1].isdigit() or s[i + 1] == "."):
            raise _FormulaError(f"negative amount at position {i}")
        elif _isdigit(c) or c == ".":
            raise _FormulaError(f"number without an element at position {i}")
        else:
            raise _bad_character(c, i, s)
    if len(stack) != 1:
        raise _FormulaError(f"unclosed bracket {stack[-1][0]!r}")
    return stack[0][1]


def _read_number(s: str, i: int) -> tuple[float, int]:
    if i < len(s) and s[i] == "-":
        raise _FormulaError(f"negative amount at position {i}")
    m = _NUMBER.match(s, i)
    if not m:
        return 1.0, i
    return _to_float(m.group(0)), m.end()


@lru_cache(maxsize=200_000)
def _parse_cached(formula: str) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """(element indices, amounts) of one formula; cached because datasets repeat formulas."""
    if _SIMPLE.fullmatch(formula) and ("H2O" not in formula or not _DOT_HYDRATE.search(formula)):
        # fast path for plain formulas ("Fe2O3", "Li0.5FePO4"): most real data
        amounts: dict[int, float] = {}
        for sym, num in _SIMPLE_TOKEN.findall(formula):
            z = _SYMBOL_Z.get(sym)
            if z is None:
                raise _FormulaError(f"unknown element symbol {_short(sym)}")
            amounts[z] = amounts.get(z, 0.0) + (float(num) if num else 1.0)
        if not math.isfinite(sum(amounts.values())):  # one check for any inf and a sum overflow
            return _finish({SYMBOLS[z]: a for z, a in amounts.items()})  # says which
        if 0.0 in amounts.values():
            for _sym, num in _SIMPLE_TOKEN.findall(formula):
                if num:
                    _to_float(num)  # a written non-zero that underflowed is an error
            amounts = {z: a for z, a in amounts.items() if a > 0}
            if not amounts:
                raise _FormulaError("no atoms (all amounts are zero)")
        return tuple(amounts), tuple(amounts.values())
    s = formula.translate(_SUBSCRIPTS)
    s = "".join(s.split())  # all whitespace
    if not s:
        raise _FormulaError("empty formula")
    total = {}
    for part in _split_hydrate(s):
        if not part:
            raise _FormulaError("empty part around a hydrate separator")
        for k, v in _parse_part(part).items():
            total[k] = total.get(k, 0.0) + v
    return _finish(total)


def _finish(total: Mapping[str, float]) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """(element indices, amounts) of ``{symbol: amount}``: finite, non-negative, not all zero.

    Symbols of hydrogen isotopes are merged into hydrogen.
    """
    by_z: dict[int, float] = {}
    for k, v in total.items():
        z = _SYMBOL_Z.get(k) if isinstance(k, str) else None
        if z is None:
            raise _FormulaError(f"unknown element symbol {_short(str(k))}")
        if math.isnan(v):
            raise _FormulaError(f"amount of {k} is NaN")
        if math.isinf(v):
            raise _FormulaError(
                f"amount of {k} is not finite (a number overflows float64, whose largest value "
                "is about 1.8e308)"
            )
        if v < 0:
            raise _FormulaError(f"negative amount for {k}")
        if v > 0:
            by_z[z] = by_z.get(z, 0.0) + float(v)
    if not by_z:
        raise _FormulaError("no atoms (all amounts are zero)")
    if not math.isfinite(sum(by_z.values())):
        raise _FormulaError(
            "amounts too large: their sum overflows float64 (about 1.8e308), so atomic fractions "
            "cannot be computed"
        )
    return tuple(by_z), tuple(by_z.values())


def parse_formula(formula: str) -> dict[str, float]:
    """Parse one formula string into ``{element symbol: amount}``.

    Raises
    ------
    CompositionError
        If the formula cannot be parsed (the message says why).

    Examples
    --------
    >>> parse_formula("CuSO4·5H2O") == {"Cu": 1, "S": 1, "O": 9, "H": 10}
    True
    """
    if not isinstance(formula, str):
        raise CompositionError("not a string", value=formula)
    try:
        zs, amounts = _parse_cached(formula)
        return {SYMBOLS[z]: a for z, a in zip(zs, amounts)}
    except _FormulaError as exc:
        raise CompositionError(str(exc), value=formula) from None


# --------------------------------------------------------------------------------------------
# collections of compositions
# --------------------------------------------------------------------------------------------
def as_composition_array(X) -> tuple[np.ndarray, str | None]:
    """Coerce a collection of compositions to a 1-D object array.

    Returns the array and the column name when ``X`` was a named one-column DataFrame (else None).
    """
    name = None
    if isinstance(X, str) or _is_single_composition(X):
        raise TypeError(
            f"expected a 1-D collection of compositions, got a single {type(X).__name__}; "
            "wrap it in a list, e.g. transform([x])"
        )
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(
                f"expected one column of compositions, got a DataFrame with {X.shape[1]} columns "
                f"{list(X.columns)[:5]}; select the column first (e.g. with ColumnTransformer)"
            )
        name = X.columns[0] if isinstance(X.columns[0], str) else None
        values = X.iloc[:, 0].to_numpy(dtype=object)
    elif isinstance(X, pd.Series):
        values = X.to_numpy(dtype=object)
    elif isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            values = X[:, 0]
        elif X.ndim == 1:
            values = X
        else:
            raise ValueError(
                f"expected a 1-D array or a one-column 2-D array of compositions, got shape {X.shape}"
            )
        values = values.astype(object, copy=False)
    elif isinstance(X, Sequence) or hasattr(X, "__iter__"):
        items = list(X)
        values = np.empty(len(items), dtype=object)
        for i, v in enumerate(items):
            if isinstance(v, (list, tuple, np.ndarray)) and len(v) == 1:
                v = v[0]  # a row of a one-column 2-D list
            values[i] = v
    else:
        raise TypeError(f"cannot read compositions from {type(X).__name__}")
    if values.ndim != 1:
        raise ValueError("compositions must be 1-D")
    return values, name


def _is_single_composition(x) -> bool:
    """A lone pymatgen object (Composition, Structure, Molecule, entry) or dict."""
    if isinstance(x, (pd.DataFrame, pd.Series, np.ndarray, list, tuple)):
        return False
    return isinstance(x, Mapping) or type(x).__module__.startswith("pymatgen")


@dataclass(frozen=True)
class ParsedCompositions:
    """Element amounts of ``n_rows`` compositions in coordinate (sparse) form, sorted by row.

    Attributes
    ----------
    n_rows : int
    row : ndarray of int64, shape (nnz,)
        Row of each entry; non-decreasing.
    z : ndarray of int64, shape (nnz,)
        Element index (atomic number - 1) of each entry.
    amount : ndarray of float64, shape (nnz,)
        Amount of the element as given (atoms per formula as written; hydrates expanded).
    valid : ndarray of bool, shape (n_rows,)
        False for rows that failed under ``on_error="nan"`` (they have no entries).
    errors : tuple of CompositionError
        Up to five example failures (empty unless ``on_error="nan"``); ``valid`` has them all.
    """

    n_rows: int
    row: np.ndarray
    z: np.ndarray
    amount: np.ndarray
    valid: np.ndarray
    errors: tuple = ()

    @property
    def fraction(self) -> np.ndarray:
        """Atomic fraction of each entry."""
        totals = np.bincount(self.row, weights=self.amount, minlength=self.n_rows)
        return self.amount / totals[self.row]

    @property
    def bounds(self) -> np.ndarray:
        """Entry offsets, shape (n_rows + 1,): row ``r``'s entries are ``bounds[r]:bounds[r + 1]``."""
        return np.searchsorted(self.row, np.arange(self.n_rows + 1))

    @property
    def counts(self) -> np.ndarray:
        """Number of elements of every row (0 for failed rows)."""
        return np.diff(self.bounds)

    @property
    def starts(self) -> np.ndarray:
        """Index of the first entry of every *valid* row (for ``np.ufunc.reduceat``)."""
        return self.bounds[:-1][self.valid]

    def take(self, rows) -> ParsedCompositions:
        """The compositions of ``rows`` (increasing row indices), renumbered from 0. The example
        ``errors`` of the rows taken are kept (naming their row of the original input)."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.ndim != 1 or np.any(np.diff(rows) <= 0):
            raise ValueError("rows must be increasing row indices")
        if len(rows) == self.n_rows and (
            not len(rows) or (rows[0], rows[-1]) == (0, len(rows) - 1)
        ):
            return self  # every row, in order (nothing to copy)
        bounds = self.bounds
        counts = bounds[rows + 1] - bounds[rows]
        offsets = np.cumsum(counts) - counts  # first entry of each taken row, in the result
        entries = np.repeat(bounds[rows] - offsets, counts) + np.arange(int(counts.sum()))
        kept = set(rows.tolist())
        return ParsedCompositions(
            len(rows),
            np.repeat(np.arange(len(rows), dtype=np.int64), counts),
            self.z[entries],
            self.amount[entries],
            self.valid[rows],
            tuple(e for e in self.errors if getattr(e, "row", None) in kept),
        )

    def restrict_to(self, allowed: np.ndarray, who: str, on_error: str) -> ParsedCompositions:
        """Fail rows containing an element whose ``allowed[z]`` is False (unsupported)."""
        bad_entry = ~allowed[self.z]
        if not bad_entry.any():
            return self
        bad_rows = np.unique(self.row[bad_entry])
        errors = []
        for r in bad_rows[:5] if on_error == "nan" else bad_rows[:1]:
            in_row = self.row == r
            els = sorted({SYMBOLS[z] for z in self.z[in_row & bad_entry]})
            # the parsed composition stands for the input value (the raw value is not kept here)
            formula = "".join(
                f"{SYMBOLS[z]}{a:g}" for z, a in zip(self.z[in_row], self.amount[in_row])
            )
            errors.append(
                CompositionError(
                    f"element(s) {els} not supported by {who}", row=int(r), value=formula
                )
            )
        if on_error == "raise":
            raise errors[0]
        keep = ~np.isin(self.row, bad_rows)
        valid = self.valid.copy()
        valid[bad_rows] = False
        return ParsedCompositions(
            self.n_rows,
            self.row[keep],
            self.z[keep],
            self.amount[keep],
            valid,
            (self.errors + tuple(errors))[:5],
        )


def _dummy_error(species) -> _FormulaError:
    return _FormulaError(
        f"pymatgen DummySpecies {_short(str(species))} is not a chemical element (a placeholder "
        "for a vacancy or an unknown site); replace it with an element or drop the row"
    )


def _is_dummy(species) -> bool:
    return type(species).__name__ in ("DummySpecies", "DummySpecie")


def _composition_items(value) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Element amounts of one non-string composition-like value."""
    if hasattr(value, "composition") and not isinstance(value, Mapping):
        value = value.composition  # Structure, Molecule, ComputedEntry
    if type(value).__name__ == "Composition" and hasattr(value, "get_el_amt_dict"):
        for species in value:
            if _is_dummy(species):
                raise _dummy_error(species)
        return _finish(value.get_el_amt_dict())
    if isinstance(value, Mapping):
        total: dict[str, float] = {}
        for k, v in value.items():
            if _is_dummy(k):
                raise _dummy_error(k)
            sym = getattr(k, "symbol", k)
            if hasattr(k, "element"):  # pymatgen Species -> its element
                sym = k.element.symbol
            if not isinstance(sym, str):
                raise _FormulaError(f"unknown element symbol {_short(repr(sym))}")
            sym = _symbol(sym)
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise _FormulaError(f"amount of {sym} is not a number: {_short(repr(v))}")
            total[sym] = total.get(sym, 0.0) + float(v)
        return _finish(total)
    raise _FormulaError(f"unsupported input type {type(value).__name__}")


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _factorize_strings(values: np.ndarray) -> tuple[np.ndarray, list]:
    """``pd.factorize`` of an object array of str that is exact for strings with a NUL byte.

    pandas hashes strings as C strings, which end at the first NUL: ``"NaCl\\x00"`` and ``"NaCl"``
    (or ``"Fe2O3"`` and ``"Fe2O3\\x00junk"``) get the same code. Every row is compared with its
    unique (one vectorised comparison); rows that differ get codes of their own.
    """
    codes, uniq = pd.factorize(values)
    uniques = np.asarray(uniq, dtype=object)
    if len(values) == 0:
        return codes, list(uniques)
    differ = np.flatnonzero(uniques[codes] != values)
    uniques = list(uniques)
    if differ.size:
        extra: dict[str, int] = {}
        for r in differ:  # only rows that collided at a NUL byte (normally none)
            code = extra.setdefault(values[r], len(uniques))
            if code == len(uniques):
                uniques.append(values[r])
            codes[r] = code
    return codes, uniques


def parse_compositions(X, *, on_error: str = "raise") -> ParsedCompositions:
    """Parse a collection of compositions into :class:`ParsedCompositions`.

    Strings are parsed once per unique value (cached), so repeated formulas cost nothing.
    """
    if on_error not in ON_ERROR_OPTIONS:
        raise ValueError(f"on_error must be one of {ON_ERROR_OPTIONS}, got {on_error!r}")
    values, _ = as_composition_array(X)
    n = len(values)
    is_str = np.fromiter((type(v) is str for v in values), dtype=bool, count=n)
    codes = np.empty(n, dtype=np.int64)
    uniques: list = []
    if is_str.all():
        codes[:], uniques = _factorize_strings(values)
    else:
        # strings are de-duplicated; every other object gets its own slot
        str_idx = np.flatnonzero(is_str)
        if str_idx.size:
            codes[str_idx], uniques = _factorize_strings(values[str_idx])
        other = np.flatnonzero(~is_str)
        codes[other] = np.arange(len(uniques), len(uniques) + other.size)
        uniques.extend(values[other])

    parsed: list = [None] * len(uniques)
    failures: dict[int, str] = {}
    for u, value in enumerate(uniques):
        try:
            if isinstance(value, str):
                parsed[u] = _parse_cached(value)
            elif _is_missing(value):
                raise _FormulaError("missing value (None/NaN)")
            else:
                parsed[u] = _composition_items(value)
        except _FormulaError as exc:
            failures[u] = str(exc)
        except Exception as exc:  # noqa: BLE001 - foreign objects may raise anything
            message = str(exc)
            if len(message) > 2 * _SHOW:
                message = message[: 2 * _SHOW] + "…"
            failures[u] = f"{type(exc).__name__}: {message}"

    errors: list[CompositionError] = []
    valid = np.ones(n, dtype=bool)
    if failures:
        failed_codes = np.fromiter(failures, dtype=np.int64)
        bad_rows = np.flatnonzero(np.isin(codes, failed_codes))
        if on_error == "raise":
            r = int(bad_rows[0])
            raise CompositionError(failures[int(codes[r])], row=r, value=values[r])
        valid[bad_rows] = False
        errors = [
            CompositionError(failures[int(codes[r])], row=int(r), value=values[r])
            for r in bad_rows[:5]
        ]
        for u in failures:
            parsed[u] = ((), ())

    lens_u = np.fromiter((len(p[0]) for p in parsed), dtype=np.int64, count=len(parsed))
    z_u = np.fromiter(chain.from_iterable(p[0] for p in parsed), dtype=np.int64)
    a_u = np.fromiter(chain.from_iterable(p[1] for p in parsed), dtype=np.float64)
    ptr_u = np.concatenate(([0], np.cumsum(lens_u)[:-1])) if len(parsed) else np.zeros(0, int)

    lens = lens_u[codes] if n else np.zeros(0, dtype=np.int64)
    total = int(lens.sum())
    row = np.repeat(np.arange(n, dtype=np.int64), lens)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)
    idx = np.repeat(ptr_u[codes] if n else np.zeros(0, np.int64), lens) + within
    return ParsedCompositions(n, row, z_u[idx], a_u[idx], valid, tuple(errors))


def warn_failed_rows(parsed: ParsedCompositions, who: str) -> None:
    """Emit one warning summarising rows that became NaN under ``on_error="nan"``."""
    n_bad = int((~parsed.valid).sum())
    if n_bad:
        examples = "; ".join(str(e) for e in parsed.errors[:3])
        warnings.warn(
            f"{who}: {n_bad} of {parsed.n_rows} rows could not be featurized and are NaN "
            f"(on_error='nan'). First: {examples}",
            SkcromelWarning,
            stacklevel=3,
        )


def to_element_matrix(
    X, elements: Sequence[str] = SYMBOLS, *, on_error: str = "raise", normalize: bool = True
) -> np.ndarray:
    """Element amounts (or atomic fractions) of each composition as a dense float64 matrix.

    Parameters
    ----------
    X : collection of compositions (see module docstring)
    elements : sequence of str
        Column order. A composition containing an element outside ``elements`` is an error
        (``on_error`` decides whether it raises or yields a NaN row).
    on_error : {"raise", "nan"}
    normalize : bool, default=True
        Return atomic fractions (rows sum to 1) instead of amounts as written.
    """
    parsed = parse_compositions(X, on_error=on_error)
    out, parsed = element_matrix(parsed, elements, on_error, normalize)
    warn_failed_rows(parsed, "to_element_matrix")
    return out


def element_matrix(
    parsed: ParsedCompositions, elements: Sequence[str], on_error: str, normalize: bool = True
) -> tuple[np.ndarray, ParsedCompositions]:
    """:func:`to_element_matrix` of already parsed compositions: ``(matrix, parsed)``, the
    latter restricted to ``elements`` (rows with another element failed)."""
    col = np.full(len(SYMBOLS), -1, dtype=np.int64)
    col[[_Z_INDEX[s] for s in elements]] = np.arange(len(elements))
    parsed = parsed.restrict_to(col >= 0, f"this element set ({len(elements)} elements)", on_error)
    out = np.zeros((parsed.n_rows, len(elements)), dtype=np.float64)
    vals = parsed.fraction if normalize else parsed.amount
    out[parsed.row, col[parsed.z]] = vals
    out[~parsed.valid] = np.nan
    return out, parsed


def _format_amount(x: float) -> str:
    if abs(x - 1.0) < 1e-9:
        return ""
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    return f"{x:.6g}"


def reduced_formulas(X, *, on_error: str = "raise") -> np.ndarray:
    """Canonical reduced formula of each composition (for grouping duplicates in CV).

    ``Fe2O3``, ``O3Fe2``, ``Fe4O6`` and ``Fe0.4O0.6`` all give ``"Fe2O3"``. Elements are written in
    alphabetical order; amounts are reduced to the smallest integers when a multiplier up to 12
    makes them integral (within 1e-4 relative), otherwise atomic fractions with 6 significant
    digits are used. Failed rows (``on_error="nan"``) are ``None``.
    """
    parsed = parse_compositions(X, on_error=on_error)
    warn_failed_rows(parsed, "reduced_formulas")
    return reduced_formulas_of(parsed)


def reduced_formulas_of(parsed: ParsedCompositions) -> np.ndarray:
    """:func:`reduced_formulas` of already parsed compositions (``None`` for failed rows)."""
    out = np.empty(parsed.n_rows, dtype=object)
    frac = parsed.fraction
    bounds = parsed.bounds
    cache: dict[tuple, str] = {}
    for r in range(parsed.n_rows):
        a, b = bounds[r], bounds[r + 1]
        if a == b:
            out[r] = None
            continue
        key = tuple(zip(parsed.z[a:b].tolist(), np.round(frac[a:b], 8).tolist()))
        if key not in cache:
            cache[key] = _reduce(key)
        out[r] = cache[key]
    return out


def _reduce(key: tuple) -> str:
    items = sorted(((SYMBOLS[z], f) for z, f in key), key=lambda t: t[0])
    fr = np.array([f for _, f in items])
    base = fr / fr.min()
    for mult in range(1, 13):
        scaled = base * mult
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-4 * scaled):
            ints = np.round(scaled).astype(int)
            g = np.gcd.reduce(ints)
            return "".join(f"{s}{_format_amount(n // g)}" for (s, _), n in zip(items, ints))
    return "".join(f"{s}{f:.6g}" for (s, f) in items)
