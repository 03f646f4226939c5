"""The non-statistical Magpie attributes: stoichiometry, valence orbitals, ionic character.

Ward et al. (*npj Comput. Mater.* 2, 16028, 2016) describe a composition by four groups of
attributes; :class:`~skcromel.ElementStats` (``preset="magpie"``) is the largest (132 elemental
property statistics). The other three are here, each equal to its matminer featurizer and
vectorised over all rows:

* :class:`Stoichiometry` — number of elements and Lp norms of the atomic fractions
  (matminer ``Stoichiometry()``);
* :class:`ValenceOrbital` — mean number and fraction of s/p/d/f valence electrons
  (matminer ``ValenceOrbital()``, magpie element table);
* :class:`IonProperty` — whether a charge-neutral ionic compound is possible with the common
  oxidation states (one state per element), maximum and mean ionic character from Pauling
  electronegativities (matminer ``IonProperty(fast=True)``, pymatgen element data).

:func:`magpie_full` unions all four (149 columns). The ionic attributes matter most for
metal / non-metal questions: on ``matbench_expt_gap`` they are the largest single gain measured
in this project (``docs/cromel.md``).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..element_tables import load_table
from ..elements import SYMBOLS
from ..parsing import ParsedCompositions, warn_failed_rows
from ._base import CompositionTransformer

__all__ = ["IonProperty", "Stoichiometry", "ValenceOrbital", "magpie_full"]

_ORBITALS = ("s", "p", "d", "f")


def _dense(parsed: ParsedCompositions):
    """Rows bucketed by their number of elements: ``{k: (rows, Z (n, k), fractions (n, k))}``."""
    bounds = parsed.bounds
    counts, starts = np.diff(bounds), bounds[:-1]
    frac = parsed.fraction
    out = {}
    for k in np.unique(counts[parsed.valid]):
        rows = np.flatnonzero((counts == k) & parsed.valid)
        idx = starts[rows, None] + np.arange(k)[None, :]
        out[int(k)] = (rows, parsed.z[idx], frac[idx])
    return out


class Stoichiometry(CompositionTransformer):
    """Number of elements (``p = 0``) and Lp norms ``(Σ x_i^p)^(1/p)`` of the atomic fractions.

    Parameters
    ----------
    p_list : tuple of int, default=(0, 2, 3, 5, 7, 10)
    on_error : {"raise", "nan"}, default="raise"

    Examples
    --------
    >>> Stoichiometry(p_list=(0, 2)).fit_transform(["Fe2O3"]).round(4)
    array([[2.    , 0.7211]])
    """

    def __init__(self, p_list=(0, 2, 3, 5, 7, 10), on_error="raise"):
        self.p_list = p_list
        self.on_error = on_error

    def _check_params(self):
        if any(p < 0 for p in self.p_list) or not len(self.p_list):
            raise ValueError(f"p_list must hold non-negative numbers, got {self.p_list!r}")

    def _feature_names(self):
        return [f"{p}-norm" for p in self.p_list]

    def _featurize(self, parsed):
        warn_failed_rows(parsed, type(self).__name__)
        out = np.full((parsed.n_rows, len(self.p_list)), np.nan)
        counts = parsed.counts
        frac = parsed.fraction
        for j, p in enumerate(self.p_list):
            if p == 0:
                out[parsed.valid, j] = counts[parsed.valid]
            else:
                s = np.bincount(parsed.row, weights=frac**p, minlength=parsed.n_rows)
                out[parsed.valid, j] = s[parsed.valid] ** (1.0 / p)
        return out


class ValenceOrbital(CompositionTransformer):
    """Fraction-weighted mean number of s/p/d/f valence electrons, and their share of the total.

    Parameters
    ----------
    orbitals : tuple of {"s", "p", "d", "f"}, default=("s", "p", "d", "f")
    props : tuple of {"avg", "frac"}, default=("avg", "frac")
    on_error : {"raise", "nan"}, default="raise"
        Elements without magpie data are errors (or NaN rows).
    """

    def __init__(self, orbitals=_ORBITALS, props=("avg", "frac"), on_error="raise"):
        self.orbitals = orbitals
        self.props = props
        self.on_error = on_error

    def _check_params(self):
        if not set(self.orbitals) <= set(_ORBITALS) or not self.orbitals:
            raise ValueError(f"orbitals must be a subset of {_ORBITALS}, got {self.orbitals!r}")
        if not set(self.props) <= {"avg", "frac"} or not self.props:
            raise ValueError(f"props must be a subset of ('avg', 'frac'), got {self.props!r}")

    def _feature_names(self):
        return [f"{p} {o} valence electrons" for p in self.props for o in self.orbitals]

    def _featurize(self, parsed):
        table = load_table("magpie")
        parsed = parsed.restrict_to(table.supported, "the magpie element table", self.on_error)
        warn_failed_rows(parsed, type(self).__name__)
        vals = table.imputed()
        cols = [table.properties.index(f"N{o}Valence") for o in self.orbitals]
        total = table.properties.index("NValence")
        frac = parsed.fraction
        n = parsed.n_rows

        def mean(col):
            return np.bincount(parsed.row, weights=frac * vals[parsed.z, col], minlength=n)

        avg = np.column_stack([mean(c) for c in cols])
        with np.errstate(invalid="ignore", divide="ignore"):
            share = avg / mean(total)[:, None]
        out = np.column_stack([{"avg": avg, "frac": share}[p] for p in self.props])
        out[~parsed.valid] = np.nan
        return out


@cache
def _ion_tables() -> tuple[np.ndarray, np.ndarray]:
    """Pauling electronegativity (matminer's imputation: mean of the known values) and common
    oxidation states (``(0,)`` where pymatgen lists none), padded with NaN, per element."""
    import warnings

    from pymatgen.core import Element

    chi = np.full(len(SYMBOLS), np.nan)
    states = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for z, sym in enumerate(SYMBOLS):
            el = Element(sym)
            x = el.X
            chi[z] = x if x and not np.isnan(x) else np.nan
            states.append(tuple(el.common_oxidation_states) or (0,))
        known = [e.X for e in Element]
        fill = np.nanmean([v if v else np.nan for v in known])
    chi[np.isnan(chi)] = fill
    width = max(len(s) for s in states)
    table = np.full((len(SYMBOLS), width), np.nan)
    for z, s in enumerate(states):
        table[z, : len(s)] = s
    return chi, table


class IonProperty(CompositionTransformer):
    """Charge-neutral ionic compound possible (0/1), maximum and mean ionic character.

    ``compound possible`` is 1 when some assignment of one common oxidation state (pymatgen's
    ``Element.common_oxidation_states``) per element makes ``Σ x_i q_i = 0``; mixed valence (one
    element in two states, as in Fe3O4) is not considered, as in matminer's ``fast=True``.
    Ionic character of a pair: ``1 - exp(-(χ_i - χ_j)² / 4)`` (Pauling electronegativity);
    ``max ionic char`` over pairs, ``avg ionic char = Σ_{i<j} x_i x_j ic_ij``. Single elements:
    1, 0, 0.

    Parameters
    ----------
    on_error : {"raise", "nan"}, default="raise"

    Notes
    -----
    The charge balance is tested for all rows with ``k`` elements at once (every combination of
    oxidation states as one broadcast sum), in chunks bounded to a few million combinations;
    compositions with many elements (alloys) by a pruned dynamic programme, one at a time.

    Examples
    --------
    >>> IonProperty().fit_transform(["NaCl", "Cu3Au"])[:, 0]
    array([1., 0.])
    """

    def __init__(self, on_error="raise"):
        self.on_error = on_error

    def _feature_names(self):
        return ["compound possible", "max ionic char", "avg ionic char"]

    def _featurize(self, parsed):
        warn_failed_rows(parsed, type(self).__name__)
        chi, states = _ion_tables()
        out = np.full((parsed.n_rows, 3), np.nan)
        for k, (rows, Z, x) in _dense(parsed).items():
            if k == 1:
                out[rows] = [1.0, 0.0, 0.0]
                continue
            c = chi[Z]
            i, j = np.triu_indices(k, 1)
            ic = 1.0 - np.exp(-0.25 * (c[:, i] - c[:, j]) ** 2)
            out[rows, 1] = ic.max(axis=1)
            out[rows, 2] = (x[:, i] * x[:, j] * ic).sum(axis=1)
            out[rows, 0] = _charge_balanced(Z, x, states)
        return out


def _charge_balanced(Z: np.ndarray, x: np.ndarray, states: np.ndarray) -> np.ndarray:
    """For each row: does some choice of one state per element give Σ x_i q_i = 0?

    Rows are grouped by how many states their elements offer (``width``). Few combinations
    (``width ** k <= 4096``): every combination as one broadcast sum. More: meet in the middle:
    the partial sums of the first and of the second half of the elements, sorted, one search
    of the negated first half in the second (all rows of a chunk at once). Only compositions
    whose halves alone exceed ``2 ** 16`` combinations (alloys of a dozen elements with many
    states) go one at a time through a pruned dynamic programme.
    """
    n, k = Z.shape
    n_states = (~np.isnan(states)).sum(axis=1)
    row_width = n_states[Z].max(axis=1)
    result = np.zeros(n, dtype=np.float64)
    for width in np.unique(row_width):
        rows = np.flatnonzero(row_width == width)
        st = states[:, :width]
        if width**k <= 4096:
            result[rows] = _balanced_broadcast(Z[rows], x[rows], st)
        elif width ** ((k + 1) // 2) <= 2**16:
            result[rows] = _balanced_meet_in_middle(Z[rows], x[rows], st)
        else:
            result[rows] = [_charge_balanced_row(x[r], st[Z[r]]) for r in rows]
    return result


def _partial_sums(Z: np.ndarray, x: np.ndarray, st: np.ndarray) -> np.ndarray:
    """Σ x_e q_e over every choice of states, per row: shape (n, width ** k); NaN where a
    chosen state does not exist."""
    sums = np.zeros((len(Z), 1))
    for e in range(Z.shape[1]):
        sums = (sums[:, :, None] + x[:, e, None, None] * st[Z[:, e]][:, None, :]).reshape(
            len(Z), -1
        )
    return sums


def _balanced_broadcast(Z, x, st, tol=1e-8) -> np.ndarray:
    n, k = Z.shape
    out = np.zeros(n, dtype=bool)
    chunk = max(1, 4_000_000 // st.shape[1] ** k)
    for a in range(0, n, chunk):
        sums = _partial_sums(Z[a : a + chunk], x[a : a + chunk], st)
        with np.errstate(invalid="ignore"):
            out[a : a + chunk] = np.any(np.abs(sums) <= tol, axis=1)
    return out


def _balanced_meet_in_middle(Z, x, st, tol=1e-8) -> np.ndarray:
    n, k = Z.shape
    h = (k + 1) // 2
    out = np.zeros(n, dtype=bool)
    chunk = max(1, 2_000_000 // st.shape[1] ** h)
    for a in range(0, n, chunk):
        zz, xx = Z[a : a + chunk], x[a : a + chunk]
        m = len(zz)
        left = _partial_sums(zz[:, :h], xx[:, :h], st)
        right = _partial_sums(zz[:, h:], xx[:, h:], st)
        # one sorted array for all rows: row r's values live in [r * span, r * span + span)
        bound = np.nanmax(np.abs(right)) + np.nanmax(np.abs(left)) + 1.0
        span = 4.0 * bound
        base = (np.arange(m, dtype=np.float64) * span + 2.0 * bound)[:, None]
        keys = np.where(np.isnan(right), bound, right) + base  # missing states: out of reach
        keys = np.sort(keys, axis=1).ravel()  # rows ascend, so the whole array is sorted
        target = np.where(np.isnan(left), -1.5 * bound, -left) + base  # out of reach too
        pos = np.searchsorted(keys, target.ravel())
        near = np.minimum(
            np.abs(keys[np.minimum(pos, keys.size - 1)] - target.ravel()),
            np.abs(keys[np.maximum(pos - 1, 0)] - target.ravel()),
        )
        out[a : a + chunk] = (near <= tol).reshape(m, -1).any(axis=1)
    return out


def _charge_balanced_row(x: np.ndarray, states: np.ndarray, tol: float = 1e-8) -> bool:
    """Charge balance of one composition (amounts ``x``, one row of states per element)."""
    options = [np.unique(xe * s[~np.isnan(s)]) for xe, s in zip(x, states)]
    low = np.array([o.min() for o in options])
    high = np.array([o.max() for o in options])
    # what elements e+1.. can still add at least / at most
    low_rest = np.concatenate([np.cumsum(low[::-1])[::-1][1:], [0.0]])
    high_rest = np.concatenate([np.cumsum(high[::-1])[::-1][1:], [0.0]])
    sums = np.zeros(1)
    for e, opt in enumerate(options):
        sums = np.unique(np.round((sums[:, None] + opt[None, :]).ravel(), 10))
        sums = sums[(sums + low_rest[e] <= tol) & (sums + high_rest[e] >= -tol)]
        if not len(sums):
            return False
    return bool(np.any(np.abs(sums) <= tol))


def magpie_full(on_error="raise"):
    """The four Magpie attribute groups of Ward et al. (2016) as one transformer (149 columns:
    6 + 132 + 8 + 3).

    ``FeatureUnion`` of :class:`Stoichiometry`, :class:`~skcromel.ElementStats` (``magpie``),
    :class:`ValenceOrbital` and :class:`IonProperty`.
    """
    from sklearn.pipeline import FeatureUnion

    from ._stats import ElementStats

    return FeatureUnion(
        [
            ("stoichiometry", Stoichiometry(on_error=on_error)),
            ("magpie", ElementStats("magpie", on_error=on_error)),
            ("valence", ValenceOrbital(on_error=on_error)),
            ("ionic", IonProperty(on_error=on_error)),
        ]
    )
