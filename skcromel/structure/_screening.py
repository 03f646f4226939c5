"""Geometric screening of ABO3 perovskite candidates: tolerance, octahedral and tau factors.

* Goldschmidt tolerance factor ``t = (r_A + r_O) / (sqrt(2) (r_B + r_O))`` (Goldschmidt 1926),
* octahedral factor ``mu = r_B / r_O``,
* Bartel's tolerance factor ``tau = r_O / r_B - n_A (n_A - (r_A / r_B) / ln(r_A / r_B))``
  (Bartel et al. 2019; ``n_A`` is the oxidation state of A, defined for ``r_A > r_B``),

with Shannon ionic radii from pymatgen: A twelve-coordinated (when Shannon lists no XII radius
for that ion, the largest coordination it lists is used and reported in ``cn_A``), B
six-coordinated, O2- six-coordinated (1.40 A), as in Bartel et al. Oxidation states are not
guessed from one table: every charge-neutral pair ``ox_A + ox_B = 6`` (``(1, 5)``, ``(2, 4)``,
``(3, 3)``, ``(4, 2)``, ``(5, 1)``) with both radii known is tried, and the pair that passes the
rule (or comes closest to it) is reported.

The decision rule (``rule=``):

* ``"tau"`` (default): ``tau < 4.18`` (Bartel et al. 2019).
* ``"t_mu"``: ``0.825 < t <= 1.059`` (the best bounds for t on Bartel's 576 compounds) and
  ``0.414 < mu < 0.732`` (Pauling's radius-ratio limits of octahedral coordination,
  ``sqrt(2) - 1`` and ``sqrt(3) - 1``).
* ``"li2023"``: ``0.7 < t <= 1.1`` and ``0.45 < mu < 0.7``, the windows of Li et al. (2023),
  kept to reproduce their screening. Their windows were set for their own (undocumented)
  radii; with Shannon radii ``mu`` is lower and the rule rejects SrTiO3, BaTiO3, CaTiO3, LaAlO3,
  LaCoO3 and most other archetypal perovskites (``mu`` of Ti4+ is 0.432).

Why ``"tau"`` by default: on the 369 oxides of Bartel et al.'s experimental table (232
perovskites, 137 non-perovskites) with the radii and oxidation-pair search above, ``"tau"``
classifies 92.7 % right (221 / 232 perovskites, 121 / 137 non-perovskites; 95 % on the 81
compounds Bartel et al. held out from fitting tau), ``"t_mu"`` 87.3 % (197 / 232, 125 / 137)
and ``"li2023"`` 69.4 % (153 / 232, 103 / 137). On a separate list of 47 well-known perovskite
oxides and 33 ABO3 non-perovskites (ilmenites, LiNbO3-type, calcite/aragonite-type carbonates,
nitrates and borates, chain silicates, metavanadates, hexagonal BaMnO3/BaNiO3) ``"tau"`` gets
46 / 47 and 32 / 33 (misses DyScO3, keeps hexagonal BaMnO3), ``"t_mu"`` 42 / 47 and 32 / 33,
``"li2023"`` 31 / 47 and 27 / 33. Restricting the oxidation states to pymatgen's common or ICSD
ones, taking A-site radii at CN VIII or r_O = 1.35 A (CN II) was no better for any rule. The
comparison table is in the screening section of the Center-Environment user guide.

References: V. M. Goldschmidt, *Naturwissenschaften* 14, 477 (1926); L. Pauling, *J. Am.
Chem. Soc.* 51, 1010 (1929); C. J. Bartel et al., *Sci. Adv.* 5, eaav0693 (2019); Y. Li et al.,
*npj Comput. Mater.* 9, 106 (2023).

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
    "SCREENING_RULES",
    "TAU_THRESHOLD",
    "octahedral_factor",
    "screen_perovskites",
    "shannon_radius",
    "tau_factor",
    "tolerance_factor",
]

#: Shannon ionic radius of six-coordinated O2- (angstrom).
R_OXYGEN = 1.40
#: Bartel et al.'s (2019) boundary: ``tau < 4.18`` predicts a perovskite.
TAU_THRESHOLD = 4.18
#: The named decision rules of :func:`screen_perovskites`: windows ``(low, high)`` kept as
#: ``low < t <= high`` and ``low < mu < high`` (None: no window), the tau boundary (None: tau not
#: used), and whether A = B candidates (single-cation oxides A2O3) are screened like the others
#: (Li et al.'s 73 x 73 grid includes them) or rejected.
SCREENING_RULES = {
    "tau": {"t_window": None, "mu_window": None, "tau_max": TAU_THRESHOLD, "same_element": False},
    "t_mu": {"t_window": (0.825, 1.059), "mu_window": (0.414, 0.732), "tau_max": None,
             "same_element": False},
    "li2023": {"t_window": (0.7, 1.1), "mu_window": (0.45, 0.7), "tau_max": None,
               "same_element": True},
}  # fmt: skip
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


def tau_factor(r_a, r_b, n_a, r_x=R_OXYGEN):
    """Bartel et al.'s tolerance factor ``r_X / r_B - n_A (n_A - (r_A / r_B) / ln(r_A / r_B))``.

    ``tau < 4.18`` (:data:`TAU_THRESHOLD`) predicts a perovskite (C. J. Bartel et al., *Sci. Adv.*
    5, eaav0693, 2019). Defined for ``r_A > r_B`` only (the larger cation on the A site); NaN
    elsewhere. Array-friendly.
    """
    r_a, r_b = np.broadcast_arrays(np.asarray(r_a, dtype=float), np.asarray(r_b, dtype=float))
    n_a = np.asarray(n_a, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = r_a / r_b
        tau = r_x / r_b - n_a * (n_a - ratio / np.log(ratio))
    return np.where(ratio > 1.0, tau, np.nan)


@cache
def _shannon_table(symbol: str, oxidation: int) -> dict[str, float]:
    """Coordination (roman) -> ionic radius for one ion; high spin preferred; {} if unknown."""
    from pymatgen.core import Element

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            radii = Element(symbol).data.get("Shannon radii", {})
    except (ValueError, KeyError):  # not an element
        return {}
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


def _split_candidate(c):
    if isinstance(c, tuple) and len(c) == 2:
        return str(c[0]), str(c[1])
    from ._prototypes import _cations_from_formula

    return _cations_from_formula(c, "perovskite", "O")


def _resolve_rule(rule, t_window, mu_window):
    if rule not in SCREENING_RULES:
        raise ValueError(f"unknown rule {rule!r}; known: {', '.join(SCREENING_RULES)}")
    spec = SCREENING_RULES[rule]
    t_window = spec["t_window"] if t_window is None else tuple(float(v) for v in t_window)
    mu_window = spec["mu_window"] if mu_window is None else tuple(float(v) for v in mu_window)
    for name, window in (("t_window", t_window), ("mu_window", mu_window)):
        if window is not None and not (len(window) == 2 and window[0] < window[1]):
            raise ValueError(f"{name} must be (low, high) with low < high, got {window!r}")
    return t_window, mu_window, spec["tau_max"], spec["same_element"]


def _in_t(t, window):
    return window[0] < t <= window[1]


def _in_mu(mu, window):
    return window[0] < mu < window[1]


def _violation(t, mu, tau, t_window, mu_window, tau_max):
    """How far a pair is from passing the windows and the tau boundary (0 when inside)."""
    v = 0.0
    if t_window is not None:
        v += max(0.0, t_window[0] - t) + max(0.0, t - t_window[1])
    if mu_window is not None:
        v += max(0.0, mu_window[0] - mu) + max(0.0, mu - mu_window[1])
    if tau_max is not None:
        v += max(0.0, tau - tau_max) if np.isfinite(tau) else math.inf
    return v


def _passes(t, mu, tau, t_window, mu_window, tau_max):
    """(t passes, mu passes, tau passes); None for a criterion the rule does not use."""
    return (
        None if t_window is None else bool(_in_t(t, t_window)),
        None if mu_window is None else bool(_in_mu(mu, mu_window)),
        None if tau_max is None else bool(np.isfinite(tau) and tau < tau_max),
    )


def _fmt_window(window, closed_high):
    return f"({window[0]:g}, {window[1]:g}{']' if closed_high else ')'}"


def _radius_note(a, b) -> str:
    """Which oxidation states of A (any CN up to XII) and B (CN VI) have Shannon radii."""

    def states(symbol, cn, fallback):
        found = [
            f"{ox}+"
            for ox in range(1, 9)
            if np.isfinite(shannon_radius(symbol, ox, cn, fallback=fallback)[0])
        ]
        return f"radii for {', '.join(found)}" if found else "no Shannon radius"

    return (
        "no charge-neutral pair (ox_A + ox_B = 6) with Shannon radii: "
        f"A-site {a} has {states(a, 'XII', True)}, B-site {b} (CN VI) has {states(b, 'VI', False)}"
    )


def screen_perovskites(
    candidates=None,
    *,
    elements=None,
    rule="tau",
    t_window=None,
    mu_window=None,
    radii=None,
    predictor=None,
    max_formation_energy=None,
    predict_all=False,
) -> pd.DataFrame:
    """Geometric screening of ABO3 candidates (tau, or tolerance and octahedral factor windows).

    Every charge-neutral pair of oxidation states with Shannon radii is tried and the one that
    passes the rule (or comes closest) is reported; the module docstring gives the radii, the
    rules and how the default was chosen.

    Parameters
    ----------
    candidates : sequence of str or (A, B) tuples, default=None
        Formulas (``"SrTiO3"``: the first cation written is A) or explicit pairs. None: every
        ordered pair of ``elements`` (A = B included), i.e. ``len(elements) ** 2`` candidates.
        The ``formula`` column repeats the input strings; pairs are named ``ABO3`` / ``A2O3``.
        A string that is not an ABO3 formula gives a rejected row saying why.
    elements : sequence of str, default=None
        Cations to combine when ``candidates`` is None.
    rule : {"tau", "t_mu", "li2023"}, default="tau"
        The decision rule: ``"tau"``, Bartel et al.'s ``tau < 4.18``
        (the most accurate on known perovskites and non-perovskites, see the module docstring);
        ``"t_mu"``, ``0.825 < t <= 1.059`` and ``0.414 < mu < 0.732``; ``"li2023"``, Li et al.'s
        ``0.7 < t <= 1.1`` and ``0.45 < mu < 0.7`` (reproduces their screening, but with Shannon
        radii it rejects SrTiO3, BaTiO3 and most other archetypal perovskites). Every rule but
        ``"li2023"`` rejects A = B candidates (single-cation oxides, not ternary ABO3).
    t_window : (float, float), default=None
        Replaces the rule's tolerance-factor window, kept when ``t_window[0] < t <=
        t_window[1]``; with ``rule="tau"`` (no window of its own) an extra filter.
    mu_window : (float, float), default=None
        Replaces the rule's octahedral-factor window, kept when ``mu_window[0] < mu <
        mu_window[1]``; with ``rule="tau"`` an extra filter.
    radii : mapping of str to float, default=None
        One radius per element (angstrom), used on both sites regardless of oxidation state
        (the convention of Li et al.'s screening); ``ox_A``/``ox_B`` and ``tau`` are then NaN and
        ``cn_A`` is ``"given"``. Needs a window rule (tau needs oxidation states). None: Shannon
        radii as described in the module docstring.
    predictor : object with ``predict(list_of_formulas)``, default=None
        Adds ``formation_energy`` (for candidates passing the geometric rule only; it receives
        their ``formula`` strings).
    max_formation_energy : float, default=None
        With a predictor: also require ``formation_energy <= max_formation_energy`` (Li et al.
        used -1.0 eV/atom, see
        :data:`skcromel.datasets.PAPER_MAX_FORMATION_ENERGY`); a NaN prediction fails.
    predict_all : bool, default=False
        With a predictor: predict ``formation_energy`` for every candidate, not only for those
        passing the geometric rule (the ``stable`` decision is the same).

    Returns
    -------
    pandas.DataFrame
        One row per candidate, in input order: ``formula, A, B, ox_A, ox_B, r_A, r_B, cn_A, t,
        mu, tau, pass_t, pass_mu, pass_tau`` (``formation_energy``), ``stable`` (every filter
        passed) and ``reason``, a sentence for every row saying why it was kept or rejected (the
        criteria and their values, the oxidation pair and radii used, or which radius is
        missing). ``pass_*`` is ``<NA>`` for a criterion the rule does not use. Candidates
        without a pair of known radii have NaN factors and ``stable=False``.

    Examples
    --------
    >>> from skcromel.structure import screen_perovskites
    >>> df = screen_perovskites(["SrTiO3", "FeTiO3"])
    >>> df["stable"].tolist()
    [True, False]
    >>> print(df.loc[1, "reason"])  # doctest: +ELLIPSIS
    rejected: tau = 5.570 >= 4.18 [Fe2+ on A (CN VIII, 0.92 A), Ti4+ on B (CN VI, 0.605 A); ...]
    """
    t_window, mu_window, tau_max, same_element = _resolve_rule(rule, t_window, mu_window)
    if radii is not None and tau_max is not None:
        raise ValueError(
            f"rule={rule!r} needs oxidation states (tau uses n_A), which radii= does not give; "
            "use rule='li2023' or rule='t_mu' (or windows) with given radii"
        )
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
        pairs = []
        for c in candidates:
            try:
                pairs.append(_split_candidate(c))
            except (ValueError, TypeError) as exc:
                pairs.append(exc)
        names = [
            c if isinstance(c, str) or isinstance(p, Exception)
            else (f"{p[0]}{p[1]}O3" if p[0] != p[1] else f"{p[0]}2O3")
            for c, p in zip(candidates, pairs)
        ]  # fmt: skip
    rows, fails, passes = [], [], []
    for formula, pair in zip(names, pairs):
        row, failed, passed = _screen_one(
            formula, pair, radii, t_window, mu_window, tau_max, same_element
        )
        rows.append(row)
        fails.append(failed)
        passes.append(passed)
    cols = ["formula", "A", "B", "ox_A", "ox_B", "r_A", "r_B", "cn_A", "t", "mu", "tau"]
    df = pd.DataFrame(rows).reindex(columns=cols + ["_pass_t", "_pass_mu", "_pass_tau", "_pair"])
    for col in ("ox_A", "ox_B", "r_A", "r_B", "t", "mu", "tau"):
        df[col] = df[col].astype(float)
    for name, used in (("t", t_window), ("mu", mu_window), ("tau", tau_max)):
        raw = df.pop(f"_pass_{name}")
        if used is None:
            df[f"pass_{name}"] = pd.array([pd.NA] * len(df), dtype="boolean")
        else:
            df[f"pass_{name}"] = np.array([v is True for v in raw], dtype=bool)
    geometric = np.array([not f for f in fails], dtype=bool)
    pair_text = df.pop("_pair").tolist()
    df["stable"] = geometric
    if predictor is not None:
        df["formation_energy"] = np.nan
        idx = np.flatnonzero(np.ones(len(df), bool) if predict_all else geometric)
        if len(idx):
            chosen = df["formula"].to_numpy()[idx].tolist()
            df.loc[idx, "formation_energy"] = np.asarray(predictor.predict(chosen), dtype=float)
        energy = df["formation_energy"].to_numpy()
        for i in idx:
            e = energy[i]
            if not np.isfinite(e):
                note = "formation energy not predicted (NaN)"
                (fails[i] if max_formation_energy is not None else passes[i]).append(note)
            elif max_formation_energy is None:
                passes[i].append(f"E_f = {e:.3f} eV/atom (no energy filter)")
            elif e <= max_formation_energy:
                passes[i].append(f"E_f = {e:.3f} <= {max_formation_energy:g} eV/atom")
            else:
                fails[i].append(f"E_f = {e:.3f} > {max_formation_energy:g} eV/atom")
        if max_formation_energy is not None:
            df["stable"] &= df["formation_energy"].to_numpy() <= max_formation_energy
        df = df[[*cols, "pass_t", "pass_mu", "pass_tau", "formation_energy", "stable"]]
    df["reason"] = [
        ("rejected: " + "; ".join(f) + (f"; passes {', '.join(p)}" if p else "")
         if f else "kept: " + "; ".join(p))
        + (f" [{txt}]" if isinstance(txt, str) and txt else "")
        for f, p, txt in zip(fails, passes, pair_text)
    ]  # fmt: skip
    return df


def _screen_one(formula, pair, radii, t_window, mu_window, tau_max, same_element):
    """One candidate: its row, the failed and the passed criteria (sentences)."""
    if isinstance(pair, Exception):
        return {"formula": formula}, [f"not an ABO3 candidate ({pair})"], []
    a, b = pair
    row = {"formula": formula, "A": a, "B": b}
    found = []  # (key, ox_a, ox_b, r_a, r_b, cn_a, t, mu, tau, flags)
    if radii is not None:
        r_a, r_b = float(radii.get(a, np.nan)), float(radii.get(b, np.nan))
        missing = [el for el, r in ((a, r_a), (b, r_b)) if not np.isfinite(r)]
        if missing:
            names = ", ".join(dict.fromkeys(missing))
            return row, [f"radius not given for {names} (radii=)"], []
        t, mu = float(tolerance_factor(r_a, r_b)), float(octahedral_factor(r_b))
        flags = _passes(t, mu, np.nan, t_window, mu_window, None)
        found.append((None, np.nan, np.nan, r_a, r_b, "given", t, mu, np.nan, flags))
    else:
        for ox_a in range(1, 6):
            ox_b = 6 - ox_a
            r_a, cn_a = shannon_radius(a, ox_a, "XII", fallback=True)
            r_b, _ = shannon_radius(b, ox_b, "VI")
            if not (np.isfinite(r_a) and np.isfinite(r_b)):
                continue
            t, mu = float(tolerance_factor(r_a, r_b)), float(octahedral_factor(r_b))
            tau = float(tau_factor(r_a, r_b, ox_a))
            flags = _passes(t, mu, tau, t_window, mu_window, tau_max)
            ok = all(f for f in flags if f is not None)
            v = _violation(t, mu, tau, t_window, mu_window, tau_max)
            tie = (tau if np.isfinite(tau) else math.inf) if tau_max is not None else abs(t - 0.9)
            found.append(((not ok, v, tie), ox_a, ox_b, r_a, r_b, cn_a, t, mu, tau, flags))
    if not found:
        return row, [_radius_note(a, b)], []
    best = min(found, key=lambda f: f[0]) if found[0][0] is not None else found[0]
    _, ox_a, ox_b, r_a, r_b, cn_a, t, mu, tau, (ok_t, ok_mu, ok_tau) = best
    row.update(ox_A=ox_a, ox_B=ox_b, r_A=r_a, r_B=r_b, cn_A=cn_a, t=t, mu=mu, tau=tau,
               _pass_t=ok_t, _pass_mu=ok_mu, _pass_tau=ok_tau)  # fmt: skip
    failed, passed = [], []
    if a == b and not same_element:
        failed.append(f"A = B (a single-cation oxide {a}2O3, not a ternary ABO3)")
    if ok_tau is not None:
        if not np.isfinite(tau):
            failed.append(
                f"tau undefined: r_A ({r_a:.3g} A) <= r_B ({r_b:.3g} A), the larger cation "
                "belongs on the A site"
            )
        else:
            (passed if ok_tau else failed).append(
                f"tau = {tau:.3f} {'<' if ok_tau else '>='} {tau_max:g}"
            )
    if ok_t is not None:
        (passed if ok_t else failed).append(
            f"t = {t:.3f} {'inside' if ok_t else 'outside'} {_fmt_window(t_window, True)}"
        )
    if ok_mu is not None:
        (passed if ok_mu else failed).append(
            f"mu = {mu:.3f} {'inside' if ok_mu else 'outside'} {_fmt_window(mu_window, False)}"
        )
    if cn_a == "given":
        row["_pair"] = f"given radii: r_A {r_a:.3g} A, r_B {r_b:.3g} A"
    else:
        text = f"{a}{ox_a}+ on A (CN {cn_a}, {r_a:.3g} A), {b}{ox_b}+ on B (CN VI, {r_b:.3g} A)"
        if len(found) > 1:
            which = "chosen" if not failed else "closest"
            text += f"; {which} of {len(found)} charge-neutral pairs with radii"
        row["_pair"] = text
    return row, failed, passed
