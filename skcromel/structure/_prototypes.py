"""Idealised prototype structures, so that candidates without a computed structure can be featurised.

* ``"perovskite"`` (ABX3): cubic Pm-3m, B at the origin (octahedral, 6 X), A at the body centre
  (12 X), X at the face centres.
* ``"spinel"`` (AB2X4): the 56-atom conventional cell of Fd-3m (origin choice 2), A on 8a
  (tetrahedral, 4 X), B on 16d (octahedral, 6 X), X on 32e (u, u, u). The defaults
  a = 8.17073 A and u = 0.26363 give the geometry of the unrelaxed spinel CIFs of Li et al. (2023)
  (A-O 1.962 A, B-O 1.938 A).

The cation order is read from the formula: for a perovskite the first cation written is A
(``"SrTiO3"``: A = Sr, B = Ti); for a spinel A is the cation with amount 1 and B the one with
amount 2 (``"MgAl2O4"``), and ``"Fe3O4"``-like single-cation formulas put the element on both sites.
An explicit ``(A, B)`` pair of symbols avoids any guessing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..elements import SYMBOLS
from ..parsing import parse_formula

__all__ = ["PROTOTYPES", "perovskite_structure", "spinel_structure", "prototype_structure"]

PROTOTYPES = ("perovskite", "spinel")

_SPINEL_A = 8.17073
_SPINEL_U = 0.26363
_PEROVSKITE_A = 3.9


def _check_symbol(sym: str) -> str:
    if sym not in SYMBOLS:
        raise ValueError(f"unknown element symbol {sym!r}")
    return sym


def perovskite_structure(A: str, B: str, X: str = "O", a: float = _PEROVSKITE_A):
    """Cubic ABX3 perovskite (Pm-3m, 5 atoms).

    Parameters
    ----------
    A, B, X : str
        Element symbols of the 12-coordinated A site, the octahedral B site and the anion.
    a : float, default=3.9
        Lattice constant in angstrom. First-shell CE features do not depend on it.

    Returns
    -------
    pymatgen.core.Structure
    """
    from pymatgen.core import Lattice, Structure

    A, B, X = (_check_symbol(s) for s in (A, B, X))
    coords = [[0.5, 0.5, 0.5], [0, 0, 0], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]]
    return Structure(Lattice.cubic(a), [A, B, X, X, X], coords)


def spinel_structure(A: str, B: str, X: str = "O", a: float = _SPINEL_A, u: float = _SPINEL_U):
    """Normal AB2X4 spinel, conventional cubic cell (Fd-3m origin choice 2, 56 atoms).

    Parameters
    ----------
    A, B, X : str
        Element symbols of the tetrahedral A site (8a), the octahedral B site (16d), the anion
        (32e).
    a : float, default=8.17073
        Lattice constant in angstrom.
    u : float, default=0.26363
        Anion parameter of 32e (u = 0.25 is the ideal cubic close packing in this setting).

    Returns
    -------
    pymatgen.core.Structure
    """
    from pymatgen.core import Lattice, Structure

    A, B, X = (_check_symbol(s) for s in (A, B, X))
    fcc = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
    a_sites = np.array([[1 / 8, 1 / 8, 1 / 8], [7 / 8, 3 / 8, 3 / 8]])
    b_sites = np.array(
        [[1 / 2, 1 / 2, 1 / 2], [1 / 4, 3 / 4, 0], [3 / 4, 0, 1 / 4], [0, 1 / 4, 3 / 4]]
    )
    x_sites = np.array(
        [
            [u, u, u],
            [-u + 1 / 4, -u + 3 / 4, u + 1 / 2],
            [-u + 3 / 4, u + 1 / 2, -u + 1 / 4],
            [u + 1 / 2, -u + 1 / 4, -u + 3 / 4],
            [-u, -u, -u],
            [u + 3 / 4, u + 1 / 4, -u + 1 / 2],
            [u + 1 / 4, -u + 1 / 2, u + 3 / 4],
            [-u + 1 / 2, u + 3 / 4, u + 1 / 4],
        ]
    )

    def expand(orbit):
        return np.mod((orbit[:, None, :] + fcc[None, :, :]).reshape(-1, 3), 1.0)

    species = [A] * 8 + [B] * 16 + [X] * 32
    coords = np.vstack([expand(a_sites), expand(b_sites), expand(x_sites)])
    return Structure(Lattice.cubic(a), species, coords)


def _cations_from_formula(composition, prototype: str, anion: str) -> tuple[str, str]:
    if isinstance(composition, tuple) and len(composition) == 2:
        return tuple(str(s) for s in composition)  # type: ignore[return-value]
    if isinstance(composition, str):
        amounts = parse_formula(composition)
    elif isinstance(composition, Mapping):
        amounts = {str(k): float(v) for k, v in composition.items()}
    elif hasattr(composition, "get_el_amt_dict"):
        amounts = dict(composition.get_el_amt_dict())
    else:
        raise TypeError(f"cannot read a composition from {type(composition).__name__}")
    if anion not in amounts:
        raise ValueError(f"{composition!r} has no {anion}")
    n_x = {"perovskite": 3.0, "spinel": 4.0}[prototype]
    scale = n_x / amounts[anion]
    cations = [(el, amt * scale) for el, amt in amounts.items() if el != anion]
    want = (1.0, 1.0) if prototype == "perovskite" else (1.0, 2.0)
    if len(cations) == 1 and np.isclose(cations[0][1], sum(want)):
        return cations[0][0], cations[0][0]
    if len(cations) != 2:
        raise ValueError(f"{composition!r} is not an {'ABX3' if n_x == 3 else 'AB2X4'} formula")
    (e1, n1), (e2, n2) = cations
    if np.allclose([n1, n2], want):
        return e1, e2
    if np.allclose([n2, n1], want):
        return e2, e1
    raise ValueError(
        f"{composition!r} does not have the {prototype} stoichiometry "
        f"({'ABX3' if n_x == 3 else 'AB2X4'}, amounts found {n1:g}, {n2:g} per {n_x:g} {anion})"
    )


def prototype_structure(composition, prototype: str, *, anion: str = "O", **kwargs):
    """Idealised structure of a composition in a prototype.

    Parameters
    ----------
    composition : str, dict, pymatgen Composition or (A, B) tuple
        ``"SrTiO3"`` / ``"MgAl2O4"``; amounts are rescaled to 3 (perovskite) or 4 (spinel) anions.
    prototype : {"perovskite", "spinel"}
    anion : str, default="O"
    **kwargs
        Passed to :func:`perovskite_structure` / :func:`spinel_structure` (``a``, ``u``).

    Returns
    -------
    pymatgen.core.Structure

    Raises
    ------
    ValueError
        Unknown prototype, or the composition does not have the prototype's stoichiometry.
    """
    if prototype not in PROTOTYPES:
        raise ValueError(f"prototype must be one of {PROTOTYPES}, got {prototype!r}")
    A, B = _cations_from_formula(composition, prototype, anion)
    build = perovskite_structure if prototype == "perovskite" else spinel_structure
    return build(A, B, anion, **kwargs)
