"""Convex-hull energy of a computed reference database at a composition (competing phases).

A formation energy is, to first order, the energy of the competing phases a compound could
decompose into, plus a (smaller) reaction energy. :class:`ReferenceHullEnergy` computes the first
term from a table of computed formation energies (Materials Project, OQMD, ...): the lower convex
hull of the reference phases of the query's chemical system, evaluated at the query composition.
It is a physically motivated transfer from the computed side that needs no structure, and the
natural baseline for Δ-learning (:class:`skcromel.DeltaRegressor`).

By default (``phases="lower-order"``) only phases with *fewer* elements than the query are used
(for ABO3: the binary A–O and B–O oxides and the elements), so no phase of the query's own
chemical system — and in particular no polymorph of the query itself — enters its baseline.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from ..parsing import (
    ParsedCompositions,
    parse_compositions,
    reduced_formulas_of,
    warn_failed_rows,
)
from ._base import CompositionTransformer
from ._reference import cached_reference, read_reference_table

__all__ = ["ReferenceHullEnergy", "hull_energy"]

PHASES = ("lower-order", "exclude-formula", "all")
_INDEX_CACHE: dict = {}


def hull_energy(fractions: np.ndarray, energies: np.ndarray, target: np.ndarray) -> float:
    """Lower convex hull energy at ``target`` of phases with atom ``fractions`` and ``energies``.

    Solves ``min e·λ  s.t.  F λ = x, λ >= 0`` (``F``: one column of atom fractions per phase,
    ``x``: the target's atom fractions); the elements (energy 0) are added as unit columns, so the
    problem is always feasible and the result is <= 0 for formation energies.

    Parameters
    ----------
    fractions : ndarray, shape (n_elements, n_phases)
    energies : ndarray, shape (n_phases,)
        Energies per atom (formation energies: elements are 0).
    target : ndarray, shape (n_elements,)
        Atom fractions of the query (sum 1).
    """
    n_el = len(target)
    if fractions.shape[1] == 0:
        return 0.0
    A = np.hstack([fractions, np.eye(n_el)])
    c = np.concatenate([energies, np.zeros(n_el)])
    res = linprog(c, A_eq=A, b_eq=target, bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - feasible by construction (unit columns)
        raise RuntimeError(f"hull linear program failed: {res.message}")
    return float(res.fun)


class ReferenceHullEnergy(CompositionTransformer):
    """Energy of the lower convex hull of a reference table's phases at each composition.

    Parameters
    ----------
    reference : str, DataFrame or (compositions, energies), default="mp_e_form"
        Computed formation energies per atom (eV/atom, elements = 0). A string is a catalogue
        name loaded with :func:`skcromel.datasets.load_dataset` from the data home (default: the
        Materials Project formation energies of ``matbench_mp_e_form``); a DataFrame has the
        compositions in its first column and the energies in its second. Polymorphs (repeated
        reduced formulas) keep their lowest energy.
    phases : {"lower-order", "exclude-formula", "all"}, default="lower-order"
        Which reference phases enter a query's hull: ``"lower-order"``, only phases whose
        elements are a strict subset of the query's (for a ternary oxide: its binaries and the
        elements); ``"exclude-formula"``, every phase of the query's chemical system except those
        with the query's reduced formula; ``"all"``, every phase, the query's own included (then
        the result is the reference's own energy where it knows the compound).
    exclude : list of compositions, optional
        Reduced formulas removed from the reference at ``fit`` (e.g. the rows of a benchmark).
    data_home : path-like, optional
        Where a catalogued ``reference`` is read from (``$SKCROMEL_DATA_HOME`` by default).
    on_error : {"raise", "nan"}, default="raise"
        Unparsable queries raise a :class:`~skcromel.exceptions.CompositionError` naming the row,
        or become NaN with one warning.

    Attributes
    ----------
    n_reference_ : int
        Distinct reduced formulas kept from the reference (compounds of >= 2 elements).
    feature_names_out_ : ndarray of str
        ``["hull_energy_per_atom"]``.

    Notes
    -----
    A catalogued reference is read and indexed once per process (about 6 s for the 132,752 rows
    of ``mp_e_form``) and shared by later fits with the same reference, data home and
    ``exclude``. Each distinct query (chemical system + reduced formula) is one small linear program
    (:func:`hull_energy`, HiGHS), solved once however often the composition repeats: about 1 ms
    per distinct ternary composition. Elements missing from the reference simply contribute
    their elemental energy 0 (the hull then rises towards 0); the result is never NaN for a valid
    composition.

    Examples
    --------
    >>> import pandas as pd
    >>> ref = pd.DataFrame({"formula": ["FeO", "Fe2O3", "Li2O"], "e_form": [-1.4, -1.7, -2.1]})
    >>> ReferenceHullEnergy(ref).fit_transform(["LiFeO2", "Fe3O4"]).round(4)  # 1/2 Li2O + 1/2 Fe2O3
    array([[-1.85],
           [ 0.  ]])
    >>> ReferenceHullEnergy(ref, phases="exclude-formula").fit_transform(["Fe3O4"]).round(4)
    array([[-1.619]])
    """

    def __init__(
        self,
        reference="mp_e_form",
        phases="lower-order",
        exclude=None,
        data_home=None,
        on_error="raise",
    ):
        self.reference = reference
        self.phases = phases
        self.exclude = exclude
        self.data_home = data_home
        self.on_error = on_error

    # ------------------------------------------------------------------ scikit-learn API
    def fit(self, X, y=None):
        """Read the reference table and index its phases by chemical system.

        Parameters
        ----------
        X : collection of compositions
            Only checked for form; the reference is what is learned.
        y : ignored
        """
        super().fit(X, y)
        self._index, self.n_reference_ = cached_reference(
            _INDEX_CACHE, self.reference, self.data_home, self.exclude, self._build_index
        )
        return self

    def _build_index(self, excluded):
        comps, energies = read_reference_table(self.reference, self.data_home)
        parsed = parse_compositions(comps, on_error="raise")
        red = reduced_formulas_of(parsed)
        keep = parsed.counts >= 2  # elements: the hull's fixed zero-energy vertices
        if excluded is not None:
            keep &= ~np.isin(red, excluded)
        table = pd.DataFrame({"red": red, "e": energies})[keep]
        rows = table.groupby("red", sort=True)["e"].idxmin().to_numpy()  # lowest polymorph
        bounds = parsed.bounds
        frac = parsed.fraction
        index: dict[tuple, list] = {}
        for r in rows:
            z, x = _sorted_entries(parsed.z, frac, bounds[r], bounds[r + 1])
            index.setdefault(z, []).append((red[r], x, float(energies[r])))
        # chemical system (sorted element indices) -> (formulas, fractions (n_el, n), energies)
        index = {
            k: (np.array([f for f, _, _ in v], dtype=object),
                np.stack([a for _, a, _ in v], axis=1), np.array([e for _, _, e in v]))
            for k, v in index.items()
        }  # fmt: skip
        return index, int(len(rows))

    def _check_params(self):
        if self.phases not in PHASES:
            raise ValueError(f"phases must be one of {PHASES}, got {self.phases!r}")

    def _feature_names(self):
        return ["hull_energy_per_atom"]

    # ------------------------------------------------------------------ helpers
    def _candidates(self, key: tuple, formula: str):
        """Fractions (over ``key``'s elements) and energies of the phases allowed for a query."""
        cols, es = [], []
        n = len(key)
        pos = {z: i for i, z in enumerate(key)}
        top = n - 1 if self.phases == "lower-order" else n
        if n <= 12:  # enumerate the sub-systems of the query (at most 4,083)
            subs = (c for m in range(2, top + 1) for c in itertools.combinations(key, m))
        else:  # many elements: scan the index instead of 2^n sub-systems
            elements = set(key)
            subs = (k for k in self._index if len(k) <= top and elements.issuperset(k))
        for sub in subs:
            entry = self._index.get(sub)
            if entry is None:
                continue
            names, frac, energy = entry
            if self.phases == "exclude-formula" and len(sub) == n:
                ok = names != formula
                frac, energy = frac[:, ok], energy[ok]
            full = np.zeros((n, frac.shape[1]))
            full[[pos[z] for z in sub]] = frac
            cols.append(full)
            es.append(energy)
        if not cols:
            return np.zeros((n, 0)), np.zeros(0)
        return np.hstack(cols), np.concatenate(es)

    def _featurize(self, parsed: ParsedCompositions) -> np.ndarray:
        warn_failed_rows(parsed, type(self).__name__)
        out = np.full((parsed.n_rows, 1), np.nan)
        red = reduced_formulas_of(parsed)
        valid = np.flatnonzero(parsed.valid)
        if not len(valid):
            return out
        # one linear program per distinct composition, whatever the number of rows
        codes, uniq = pd.factorize(red[valid])
        first = valid[np.unique(codes, return_index=True)[1]]
        bounds = parsed.bounds
        frac = parsed.fraction
        values = np.empty(len(uniq))
        for u, (r, formula) in enumerate(zip(first, uniq)):
            key, x = _sorted_entries(parsed.z, frac, bounds[r], bounds[r + 1])
            if len(key) < 2:
                values[u] = 0.0
                continue
            F, e = self._candidates(key, formula)
            values[u] = hull_energy(F, e, x)
        out[valid, 0] = values[codes]
        return out


def _sorted_entries(z: np.ndarray, frac: np.ndarray, a: int, b: int) -> tuple[tuple, np.ndarray]:
    """Element indices (sorted, as a tuple key) and matching fractions of one parsed row."""
    order = np.argsort(z[a:b])
    return tuple(z[a:b][order].tolist()), frac[a:b][order]
