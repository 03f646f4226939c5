"""The periodic table as skcromel sees it: element symbols and named element sets.

Element *property tables* (magpie, matscholar, ...) live in :mod:`skcromel.element_tables`.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "SYMBOLS",
    "ELEMNET_ELEMENTS",
    "ELEMENT_SETS",
    "atomic_number",
    "resolve_elements",
]

#: Element symbols ordered by atomic number (index = Z - 1), Z = 1 ... 118.
SYMBOLS: tuple[str, ...] = tuple(
    """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br
    Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er
    Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md
    No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og""".split()
)
assert len(SYMBOLS) == 118

_Z = {s: i + 1 for i, s in enumerate(SYMBOLS)}

#: The 86 input elements of ElemNet (Jha et al. 2018): H ... Pu without He, Ne, Ar, Po, At, Rn, Fr, Ra.
ELEMNET_ELEMENTS: tuple[str, ...] = tuple(
    s for s in SYMBOLS[:94] if s not in {"He", "Ne", "Ar", "Po", "At", "Rn", "Fr", "Ra"}
)
assert len(ELEMNET_ELEMENTS) == 86

#: Named element sets accepted wherever an ``elements=`` argument is.
ELEMENT_SETS: dict[str, tuple[str, ...]] = {
    "elemnet": ELEMNET_ELEMENTS,
    "all": SYMBOLS,
    "h-pu": SYMBOLS[:94],
}


def atomic_number(symbol: str) -> int:
    """Atomic number of an element symbol (``KeyError`` names the unknown symbol)."""
    try:
        return _Z[symbol]
    except KeyError:
        raise KeyError(f"unknown element symbol {symbol!r}") from None


def resolve_elements(elements: str | Sequence[str]) -> tuple[str, ...]:
    """Turn an ``elements=`` argument (a set name or a list of symbols) into a tuple of symbols."""
    if isinstance(elements, str):
        try:
            return ELEMENT_SETS[elements.lower()]
        except KeyError:
            raise ValueError(
                f"unknown element set {elements!r}; use one of {sorted(ELEMENT_SETS)} "
                "or a list of element symbols"
            ) from None
    out = tuple(elements)
    bad = [s for s in out if s not in _Z]
    if bad:
        raise ValueError(f"unknown element symbols in elements=: {bad}")
    if len(set(out)) != len(out):
        raise ValueError("elements= contains duplicates")
    if not out:
        raise ValueError("elements= is empty")
    return out
