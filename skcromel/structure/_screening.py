"""Geometric screening of ABO3 perovskite candidates (Goldschmidt tolerance and octahedral factor).

* tolerance factor ``t = (r_A + r_O) / (sqrt(2) (r_B + r_O))``,
* octahedral factor ``mu = r_B / r_O``,

with Shannon ionic radii from pymatgen: A twelve-coordinated (when Shannon lists no XII radius
for that ion, the largest coordination it lists is used and reported in ``cn_A``), B six-coordinated,
O2- six-coordinated (1.40 A). Oxidation states are not guessed from one table: every
charge-neutral pair ``ox_A + ox_B = 6`` (``(1, 5)``, ``(2, 4)``, ``(3, 3)``, ``(4, 2)``, ``(5, 1)``)
with both radii known is tried, and the pair that satisfies the windows (or comes closest to them)
is reported. Li et al. (2023) keep ``0.7 < t <= 1.1`` and ``0.45 < mu < 0.7``.

Optionally a formation-energy predictor (anything with ``predict`` taking a list of formulas, e.g.
``make_pipeline(CenterEnvironmentFeaturizer(prototype="perovskite"), model)``) adds a
``formation_energy`` column and a ``max_formation_energy`` filter.
"""

from __future__ import annotations

import math
import warnings
from functools import cache

import numpy as np
import pandas as pd

from ..elements import SYMBOLS

__all__ = [
    "R_OXYGEN",
    "tolerance_factor",
    "octahedral_factor",
    "shannon_radius",
    "screen_perovskites",
]

#: Shannon ionic radius of six-coordinated O2- (angstrom).
R_OXYGEN = 1.40
_ROMAN = {
    "I": 1, "II": 2, "III": 3, "IIIPY": 3, "IV": 4, "IVSQ": 4, "IVPY": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
    "IX": 9, "X": 10, "XI": 11, "XII": 12, "XIV": 14,
}  # fmt: skip


def tolerance_factor(r_a, r_b, r_x=R_OXYGEN):
    """Goldschmidt tolerance factor ``(r_A + r_X) / (sqrt(2) (r_B + r_X))`` (array-friendly)."""
    r_a, r_b = np.asarray(r_a, dtype=float), np.asarray(r_b, dtype=float)
    return (r_a + r_x) / (math.sqrt(2.0) * (r_b + r_x))


def octahedral_factor(r_b, r_x=R_OXYGEN):
    """Octahedral factor ``r_B / r_X`` (array-friendly)."""
    return np.asarray(r_b, dtype=float) / r_x


@cache
def _shannon_table(symbol: str, oxidation: int) -> dict[str, float]:
    """Coordination (roman) -> ionic radius for one ion; high spin preferred; {} if unknown."""
    from pymatgen.core import Element

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        radii = Element(symbol).data.get("Shannon radii", {})
    by_cn = radii.get(str(oxidation), {})
    out = {}
    for cn, spins in by_cn.items():
        spin = spins.get("High Spin") or spins.get("") or next(iter(spins.values()))
        out[cn] = float(spin["ionic_radius"])
    return out


def shannon_radius(symbol: str, oxidation: int, cn: str, *, fallback: bool = False):
    """Shannon ionic radius of an ion, or ``(radius, cn_used)`` candidates.

    Parameters
    ----------
    symbol : str
    oxidation : int
    cn : str
        Roman-numeral coordination (``"VI"``, ``"XII"``).
    fallback : bool, default=False
        When the coordination is not listed, use the largest listed coordination below it.

    Returns
    -------
    (float, str) or (nan, "")
        Radius in angstrom and the coordination actually used.
    """
    table = _shannon_table(symbol, int(oxidation))
    if cn in table:
        return table[cn], cn
    if fallback and table:
        want = _ROMAN[cn]
        below = [c for c in table if 0 < _ROMAN.get(c, 0) <= want]
        if below:
            best = max(below, key=lambda c: _ROMAN[c])
            return table[best], best
    return float("nan"), ""


def _violation(t, mu, t_window, mu_window):
    return (
        max(0.0, t_window[0] - t)
        + max(0.0, t - t_window[1])
        + max(0.0, mu_window[0] - mu)
        + max(0.0, mu - mu_window[1])
    )


def _split_candidate(c):
    if isinstance(c, tuple) and len(c) == 2:
        return str(c[0]), str(c[1])
    from ._prototypes import _cations_from_formula

    return _cations_from_formula(c, "perovskite", "O")


def screen_perovskites(
    candidates=None,
    *,
    elements=None,
    t_window=(0.7, 1.1),
    mu_window=(0.45, 0.7),
    radii=None,
    predictor=None,
    max_formation_energy=None,
    predict_all=False,
) -> pd.DataFrame:
    """Tolerance/octahedral-factor screening of ABO3 candidates.

    Parameters
    ----------
    candidates : sequence of str or (A, B) tuples, default=None
        Formulas (``"SrTiO3"``: the first cation written is A) or explicit pairs. None: every
        ordered pair of ``elements`` (A = B included), i.e. ``len(elements) ** 2`` candidates.
        The ``formula`` column repeats the input strings; pairs are named ``ABO3`` / ``A2O3``.
    elements : sequence of str, default=None
        Cations to combine when ``candidates`` is None.
    t_window : (float, float), default=(0.7, 1.1)
        Kept when ``t_window[0] < t <= t_window[1]``.
    mu_window : (float, float), default=(0.45, 0.7)
        Kept when ``mu_window[0] < mu < mu_window[1]``.
    radii : mapping of str to float, default=None
        One radius per element (angstrom), used on both sites regardless of oxidation state
        (the convention of Li et al.'s screening); ``ox_A``/``ox_B`` are then NaN and ``cn_A``
        is ``"given"``. None: Shannon radii as described in the module docstring.
    predictor : object with ``predict(list_of_formulas)``, default=None
        Adds ``formation_energy`` (for candidates passing t and mu only; it receives their
        ``formula`` strings).
    max_formation_energy : float, default=None
        With a predictor: also require ``formation_energy <= max_formation_energy`` (Li et al.
        used -1.0 eV/atom, see
        :data:`skcromel.datasets.PAPER_MAX_FORMATION_ENERGY`).
    predict_all : bool, default=False
        With a predictor: predict ``formation_energy`` for every candidate, not only for those
        passing t and mu (the ``stable`` decision is the same).

    Returns
    -------
    pandas.DataFrame
        One row per candidate, in input order: ``formula, A, B, ox_A, ox_B, r_A, r_B, cn_A, t,
        mu, pass_t, pass_mu`` (``formation_energy``) and ``stable`` (all filters passed).
        Candidates without any pair of known radii get NaN ``t`` / ``mu`` and ``stable=False``.
    """
    if candidates is None:
        if elements is None:
            raise ValueError("give candidates or elements")
        elements = list(elements)
        bad = [e for e in elements if e not in SYMBOLS]
        if bad:
            raise ValueError(f"unknown element symbols {bad}")
        pairs = [(a, b) for a in elements for b in elements]
        names = [f"{a}{b}O3" if a != b else f"{a}2O3" for a, b in pairs]
    else:
        candidates = list(candidates)
        pairs = [_split_candidate(c) for c in candidates]
        names = [
            c if isinstance(c, str) else (f"{a}{b}O3" if a != b else f"{a}2O3")
            for c, (a, b) in zip(candidates, pairs)
        ]
    rows = []
    for formula, (a, b) in zip(names, pairs):
        best = None
        if radii is not None:
            r_a, r_b = float(radii.get(a, np.nan)), float(radii.get(b, np.nan))
            if np.isfinite(r_a) and np.isfinite(r_b):
                t = float(tolerance_factor(r_a, r_b))
                mu = float(octahedral_factor(r_b))
                best = (None, np.nan, np.nan, r_a, r_b, "given", t, mu)
        for ox_a in range(1, 6) if radii is None else ():
            ox_b = 6 - ox_a
            r_a, cn_a = shannon_radius(a, ox_a, "XII", fallback=True)
            r_b, _ = shannon_radius(b, ox_b, "VI")
            if not (np.isfinite(r_a) and np.isfinite(r_b)):
                continue
            t = float(tolerance_factor(r_a, r_b))
            mu = float(octahedral_factor(r_b))
            v = _violation(t, mu, t_window, mu_window)
            key = (v, abs(t - 0.9))
            if best is None or key < best[0]:
                best = (key, ox_a, ox_b, r_a, r_b, cn_a, t, mu)
        if best is None:
            rows.append({"formula": formula, "A": a, "B": b})
            continue
        _, ox_a, ox_b, r_a, r_b, cn_a, t, mu = best
        rows.append(
            {"formula": formula, "A": a, "B": b, "ox_A": ox_a, "ox_B": ox_b, "r_A": r_a,
             "r_B": r_b, "cn_A": cn_a, "t": t, "mu": mu}
        )  # fmt: skip
    cols = ["formula", "A", "B", "ox_A", "ox_B", "r_A", "r_B", "cn_A", "t", "mu"]
    df = pd.DataFrame(rows).reindex(columns=cols)
    df["pass_t"] = (df["t"] > t_window[0]) & (df["t"] <= t_window[1])
    df["pass_mu"] = (df["mu"] > mu_window[0]) & (df["mu"] < mu_window[1])
    df["stable"] = df["pass_t"] & df["pass_mu"]
    if predictor is not None:
        df["formation_energy"] = np.nan
        idx = np.flatnonzero(np.ones(len(df), bool) if predict_all else df["stable"].to_numpy())
        if len(idx):
            passed = df["formula"].to_numpy()[idx].tolist()
            df.loc[idx, "formation_energy"] = np.asarray(predictor.predict(passed), dtype=float)
        if max_formation_energy is not None:
            df["stable"] &= df["formation_energy"] <= max_formation_energy
    return df
