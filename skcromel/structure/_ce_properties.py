"""Element property tables for Center-Environment (CE) features.

Li et al. (npj Comput. Mater. 9, 106, 2023) describe every cation site by 56 elemental properties
(their SI Table S1). Their released feature files (``A1..A56``, ``B1..B56``) are, for the unrelaxed
spinels and perovskites, exactly ``p(cation) + p(O)`` per property, which let us identify the
properties column by column (see ``docs/center_environment.md`` and
``benchmarks/ce_reproduce_features.py``):

* 37 columns are the 37 rows of the authors' ``ElementsProperties.xlsx`` (Villars-style data),
  reproduced to floating-point precision, including that file's typos (e.g. Mg metallic radius
  1602.89, Si neutron cross-section 171);
* 10 more are identified by their values (Allred-Rochow, Martynov-Batsanov and Mulliken
  electronegativities, enthalpies of atomization, fusion and vaporization, the period, the Slater
  effective nuclear charge, the nuclear magnetic moment, the thermal-neutron absorption
  cross-section);
* 9 could not be identified (``A1``, ``A2``, ``A6``, ``A24``, ``A26``-``A28``, ``A52``, ``A53``).

Two table presets are available:

``"shipped"`` (default)
    Built only from data files inside installed packages (pymatgen, matminer's magpie tables,
    ``elementembeddings``' Oliynyk and XenonPy tables). It holds the properties for which such a
    source exists; :data:`CE_PROPERTIES` records, per paper column, the source and whether it is
    ``"exact"`` (same numbers up to rounding for >= 95 % of the 73 cations), ``"equivalent"`` (same
    physical property from another compilation) or ``"unavailable"``.
``"published"``
    The authors' ``ElementsProperties.xlsx`` (37 properties, MIT licence), read at run time from the
    data home (:func:`skcromel.config.get_data_home`), never shipped with skcromel.
``"combined"``
    ``"published"`` plus the 7 shipped properties the xlsx lacks (Allred-Rochow, Martynov-Batsanov
    and Mulliken electronegativities, enthalpies of atomization, fusion and vaporization, period):
    44 of the 56 paper properties, in paper column order.

A plain :class:`pandas.DataFrame` (index = element symbols, columns = properties) can be used
instead of a preset anywhere a table is accepted.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import get_data_home
from ..elements import SYMBOLS
from ..exceptions import DataNotFoundError

__all__ = [
    "CEProperty",
    "CE_PROPERTIES",
    "CE_TABLE_PRESETS",
    "PUBLISHED_TABLE_PATH",
    "ce_property_table",
    "describe_properties",
    "paper_index",
]

#: Where the authors' element table lives below the data home.
PUBLISHED_TABLE_PATH = "ce/spinel_to_perovskite_TL/CE-features-generation/ElementsProperties.xlsx"

CE_TABLE_PRESETS = ("shipped", "published", "combined")

_EV_TO_KJMOL = 96.48533212  # 1 eV per particle in kJ/mol
_ELEMENTS = SYMBOLS[:94]  # H ... Pu, the range of every source used here


@dataclass(frozen=True)
class CEProperty:
    """One of the 56 CE element properties of Li et al. (2023).

    Attributes
    ----------
    index : int
        Column number in the published files (``A{index}``, ``B{index}``), 1-based.
    code : str
        Short name used as column label (the authors' abbreviation where they have one).
    name : str
        Property name.
    unit : str
        Unit of the published values.
    in_xlsx : bool
        Whether the authors' ``ElementsProperties.xlsx`` holds it.
    source : str or None
        Shipped source: ``"<provider>:<column>"``, ``None`` when unavailable.
    status : str
        Agreement of the shipped source with the published column: ``"exact"``, ``"equivalent"``
        or ``"unavailable"``.
    note : str
        How it was identified / what differs.
    """

    index: int
    code: str
    name: str
    unit: str
    in_xlsx: bool
    source: str | None
    status: str
    note: str = ""


_P = CEProperty
#: The 56 properties in the column order of the published files.
CE_PROPERTIES: tuple[CEProperty, ...] = (
    _P(1, "U1", "unidentified", "", False, None, "unavailable", "not in any table tried"),
    _P(2, "U2", "unidentified", "", False, None, "unavailable", "not in any table tried"),
    _P(3, "LTLR", "Atomic number", "", True, "pymatgen:Z", "exact"),
    _P(4, "AW", "Atomic weight", "g/mol", True, "pymatgen:atomic_mass", "exact"),
    _P(5, "BT", "Boiling temperature", "K", True, "xenonpy:boiling_point", "equivalent"),
    _P(6, "U6", "unidentified", "", False, None, "unavailable", "not in any table tried"),
    _P(7, "CM", "Compression modulus", "GPa", True, None, "unavailable", "xlsx only"),
    _P(
        8,
        "D",
        "Density",
        "kg/m^3",
        True,
        "xenonpy:density*1000",
        "equivalent",
        "xlsx gives O 2000 kg/m^3 (solid); XenonPy 1.43 (gas): constant offset",
    ),
    _P(9, "DFCE", "Distance from core electron (Schubert)", "A", True, None, "unavailable"),
    _P(10, "DFVE", "Distance from valence electron (Schubert)", "A", True, None, "unavailable"),
    _P(
        11,
        "EWE",
        "Electrochemical weight equivalent",
        "mg/C",
        True,
        None,
        "unavailable",
        "~ atomic weight / (valence * F), valence not recoverable",
    ),
    _P(12, "EA", "Electron affinity", "kJ/mol", True, "magpie:ElectronAffinity", "equivalent"),
    _P(
        13,
        "EGAR",
        "Electronegativity (Allred-Rochow)",
        "",
        False,
        "oliynyk:Allred-Rockow_electronegativity",
        "equivalent",
        "identified by value, O = 3.50",
    ),
    _P(
        14,
        "EGMB",
        "Electronegativity (Martynov-Batsanov)",
        "",
        False,
        "oliynyk:MB_electonegativity",
        "exact",
        "O = 3.32",
    ),
    _P(
        15,
        "EGP",
        "Electronegativity (Pauling)",
        "",
        True,
        "pymatgen:X",
        "equivalent",
        "xlsx uses the older Pauling values (O 3.5 vs 3.44)",
    ),
    _P(
        16,
        "EGMU",
        "Electronegativity (Mulliken)",
        "eV",
        False,
        "oliynyk:Mulliken_EN",
        "equivalent",
        "identified by value, O = 7.54",
    ),
    _P(
        17,
        "EC",
        "Energy cohesive (Brewer)",
        "eV/atom",
        True,
        "oliynyk:Cohesive_energy",
        "equivalent",
    ),
    _P(18, "EIF", "Energy of ionization, first", "kJ/mol", True, "pymatgen:IE1", "equivalent"),
    _P(19, "EIS", "Energy of ionization, second", "kJ/mol", True, "pymatgen:IE2", "equivalent"),
    _P(20, "EIT", "Energy of ionization, third", "kJ/mol", True, "pymatgen:IE3", "equivalent"),
    _P(
        21,
        "HA",
        "Enthalpy of atomization",
        "kJ/mol",
        False,
        "oliynyk:heat_atomization(kJ/mol)",
        "equivalent",
        "identified by value, O = 249.2",
    ),
    _P(
        22,
        "HF",
        "Enthalpy of fusion",
        "kJ/mol",
        False,
        "magpie:FusionEnthalpy",
        "equivalent",
        "identified by value, O = 0.444 (per O2)",
    ),
    _P(
        23,
        "HV",
        "Enthalpy of vaporization",
        "kJ/mol",
        False,
        "magpie:HeatVaporization",
        "equivalent",
        "identified by value, O = 6.82 (per O2)",
    ),
    _P(24, "U24", "unidentified", "", False, None, "unavailable", "not in any table tried"),
    _P(
        25,
        "GN",
        "Group number (old-style, 1-8)",
        "",
        True,
        "oliynyk:number_of_valence_electrons",
        "exact",
        "Villars' group = valence count",
    ),
    _P(26, "U26", "unidentified", "", False, None, "unavailable", "not in any table tried"),
    _P(27, "U27", "unidentified", "", False, None, "unavailable", "not in any table tried"),
    _P(28, "U28", "unidentified", "", False, None, "unavailable", "not in any table tried"),
    _P(29, "MT", "Melting temperature", "K", True, "xenonpy:melting_point", "equivalent"),
    _P(30, "MCS", "Mendeleev number (chemists sequence)", "", True, None, "unavailable"),
    _P(31, "DTSL", "Mendeleev number (d-t start left)", "", True, None, "unavailable"),
    _P(32, "DTSR", "Mendeleev number (d-t start right)", "", True, None, "unavailable"),
    _P(33, "HDTSL", "Mendeleev number (H d-t start left)", "", True, None, "unavailable"),
    _P(34, "HDTSR", "Mendeleev number (H d-t start right)", "", True, None, "unavailable"),
    _P(35, "HTDSL", "Mendeleev number (H t-d start left)", "", True, None, "unavailable"),
    _P(36, "HTSSR", "Mendeleev number (H t-d start right)", "", True, None, "unavailable"),
    _P(37, "MP", "Mendeleev number (Pettifor)", "", True, "pymatgen:mendeleev_no", "exact"),
    _P(38, "MPR", "Mendeleev number (Pettifor, regular)", "", True, None, "unavailable"),
    _P(39, "TDSL", "Mendeleev number (t-d start left)", "", True, None, "unavailable"),
    _P(40, "TDSR", "Mendeleev number (t-d start right)", "", True, None, "unavailable"),
    _P(
        41,
        "MHC",
        "Molar heat capacity",
        "J/(mol K)",
        True,
        "magpie:HeatCapacityMolar",
        "equivalent",
    ),
    _P(
        42,
        "NMM",
        "Nuclear magnetic moment",
        "mu_N",
        False,
        None,
        "unavailable",
        "identified by value (7Li 3.256, 27Al 3.642; 17O -1.894)",
    ),
    _P(
        43,
        "ZEFF",
        "Effective nuclear charge (Slater)",
        "",
        False,
        None,
        "unavailable",
        "identified by value (O 4.55); derivable from Slater's rules",
    ),
    _P(
        44,
        "OSF",
        "Oxidation state, first",
        "",
        True,
        "magpie:OxidationStates",
        "equivalent",
        "first value of magpie's list",
    ),
    _P(45, "BRRL", "Periodic number (bottom right, right-left)", "", True, None, "unavailable"),
    _P(46, "LBLR", "Periodic number (left bottom, left-right)", "", True, None, "unavailable"),
    _P(47, "TRRL", "Periodic number (top right, right-left)", "", True, None, "unavailable"),
    _P(48, "PER", "Period", "", False, "magpie:Row", "exact", "O = 2"),
    _P(49, "RC", "Radius, covalent", "pm", True, "magpie:CovalentRadius", "equivalent"),
    _P(
        50,
        "RM",
        "Radius, metallic (Waber)",
        "A",
        True,
        None,
        "unavailable",
        "no shipped table has an O value",
    ),
    _P(
        51,
        "RSP",
        "Radius, pseudo-potential (Zunger)",
        "a.u.",
        True,
        "oliynyk:Zunger_radii_sum",
        "exact",
    ),
    _P(52, "U52", "unidentified", "", False, None, "unavailable", "not in any table tried"),
    _P(53, "U53", "unidentified", "", False, None, "unavailable", "not in any table tried"),
    _P(
        54,
        "NCS",
        "Thermal-neutron absorption cross-section",
        "barn",
        False,
        None,
        "unavailable",
        "identified by value (Gd 49000, Sm 5900, B 3837)",
    ),
    _P(
        55,
        "VEN",
        "Valence electron number",
        "",
        True,
        "oliynyk:number_of_valence_electrons",
        "exact",
    ),
    _P(
        56,
        "VOA",
        "Atomic volume (Villars, Daams)",
        "10^-2 nm^3",
        True,
        "magpie:ICSDVolume*0.1",
        "equivalent",
        "ICSD volume per atom, A^3 / 10",
    ),
)
del _P
assert [p.index for p in CE_PROPERTIES] == list(range(1, 57))

_BY_CODE = {p.code: p for p in CE_PROPERTIES}
# xlsx "Property" abbreviation -> code (identical here)
_XLSX_CODES = tuple(p.code for p in CE_PROPERTIES if p.in_xlsx)


def paper_index(code: str) -> int | None:
    """Published column number (1..56) of a CE property code, ``None`` if not a paper property."""
    p = _BY_CODE.get(code)
    return None if p is None else p.index


# ----------------------------------------------------------------------------- loaders
def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


@cache
def _magpie_column(name: str) -> pd.Series:
    path = _package_file("matminer", "utils", "data_files", "magpie_elementdata", f"{name}.table")
    values = []
    with open(path) as fh:
        for line in fh:
            tok = line.split()
            try:
                values.append(float(tok[0]) if tok else np.nan)
            except ValueError:
                values.append(np.nan)
    values = (values + [np.nan] * len(SYMBOLS))[: len(SYMBOLS)]
    return pd.Series(values, index=list(SYMBOLS), dtype=np.float64)


@cache
def _ee_csv(file: str) -> pd.DataFrame:
    path = _package_file("elementembeddings", "data", "element_representations", file)
    table = pd.read_csv(path, index_col=0)
    return table.apply(pd.to_numeric, errors="coerce")


@cache
def _pymatgen_column(attr: str) -> pd.Series:
    from pymatgen.core import Element

    out = {}
    for sym in _ELEMENTS:
        el = Element(sym)
        with warnings.catch_warnings():  # pymatgen warns about missing data for heavy elements
            warnings.simplefilter("ignore")
            out[sym] = _element_value(el, attr)
    return pd.Series(out, dtype=np.float64)


def _element_value(el, attr: str) -> float:
    if attr == "Z":
        v = el.Z
    elif attr.startswith("IE"):
        ies = el.ionization_energies
        k = int(attr[2:]) - 1
        v = ies[k] * _EV_TO_KJMOL if len(ies) > k and ies[k] is not None else np.nan
    else:
        v = getattr(el, attr, None)
    return np.nan if v is None else float(v)


def _resolve_source(source: str) -> pd.Series:
    scale = 1.0
    if "*" in source:
        source, factor = source.rsplit("*", 1)
        scale = float(factor)
    provider, column = source.split(":", 1)
    if provider == "pymatgen":
        s = _pymatgen_column(column)
    elif provider == "magpie":
        s = _magpie_column(column)
    elif provider == "oliynyk":
        s = _ee_csv("oliynyk.csv")[column]
    elif provider == "xenonpy":
        s = _ee_csv("xenonpy_element_features.csv")[column]
    else:  # pragma: no cover - guarded by the static table
        raise ValueError(f"unknown provider {provider!r}")
    return s.reindex(_ELEMENTS).astype(np.float64) * scale


@cache
def _shipped_table() -> pd.DataFrame:
    cols = {p.code: _resolve_source(p.source) for p in CE_PROPERTIES if p.source is not None}
    table = pd.DataFrame(cols, index=list(_ELEMENTS))
    table.index.name = "element"
    return table


@lru_cache(maxsize=8)
def _published_table(path: str, mtime: float) -> pd.DataFrame:  # mtime: cache key only
    raw = pd.read_excel(path, sheet_name="property")
    raw = raw.set_index("Property")
    elements = [c for c in raw.columns if c in SYMBOLS]
    table = raw.loc[list(_XLSX_CODES), elements].T.apply(pd.to_numeric, errors="coerce")
    table.index.name = "element"
    table.columns.name = None
    return table.astype(np.float64)


def ce_property_table(preset="shipped", *, data_home=None, impute_nan=False) -> pd.DataFrame:
    """Element property table for CE features.

    Parameters
    ----------
    preset : {"shipped", "published", "combined"} or pandas.DataFrame, default="shipped"
        ``"shipped"``: the properties of :data:`CE_PROPERTIES` that have a source in installed
        packages (H-Pu). ``"published"``: the authors' 37-property ``ElementsProperties.xlsx``
        read from ``<data home>/`` :data:`PUBLISHED_TABLE_PATH`. ``"combined"``: both, the xlsx
        taking precedence (44 properties, needs the xlsx too). A DataFrame (index = element
        symbols, columns = properties, numeric) is validated and returned as float64.
    data_home : str or path-like, default=None
        Passed to :func:`~skcromel.config.get_data_home` (``"published"`` only).
    impute_nan : bool, default=False
        Replace missing values of an element that has at least one value by the column mean over
        the table's elements. Elements with no value at all stay NaN.

    Returns
    -------
    pandas.DataFrame
        A fresh copy (float64), index = element symbols, columns = property codes.

    Raises
    ------
    DataNotFoundError
        ``"published"`` / ``"combined"`` and the xlsx is not in the data home.
    """
    if isinstance(preset, pd.DataFrame):
        table = preset.copy()
        bad = [e for e in table.index if e not in SYMBOLS]
        if bad:
            raise ValueError(f"property table index has unknown element symbols: {bad[:5]}")
        try:
            table = table.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError("property table must be numeric") from exc
        table.columns = [str(c) for c in table.columns]
    elif preset == "shipped":
        table = _shipped_table().copy()
    elif preset in ("published", "combined"):
        path = get_data_home(data_home) / PUBLISHED_TABLE_PATH
        if not path.is_file():
            raise DataNotFoundError(
                f"the published CE element table is not at {path}; set SKCROMEL_DATA_HOME (or "
                "data_home=) to a folder holding it, or use preset='shipped'"
            )
        table = _published_table(str(path), os.path.getmtime(path)).copy()
        if preset == "combined":
            shipped = _shipped_table()
            extra = [c for c in shipped.columns if c not in table.columns]
            table = table.join(shipped[extra], how="left")
            order = sorted(table.columns, key=lambda c: _BY_CODE[c].index)
            table = table[order]
            table.index.name = "element"
    else:
        raise ValueError(
            f"preset must be one of {CE_TABLE_PRESETS} or a pandas DataFrame, got {preset!r}"
        )
    if table.shape[1] == 0:
        raise ValueError("property table has no columns")
    if impute_nan:
        known = table.notna().any(axis=1)
        filled = table.fillna(table.mean(axis=0))
        table.loc[known] = filled.loc[known]
    return table


def describe_properties() -> pd.DataFrame:
    """The 56 CE properties with their shipped source and status, as a DataFrame."""
    return pd.DataFrame([p.__dict__ for p in CE_PROPERTIES]).set_index("index")
