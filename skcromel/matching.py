"""Near-duplicate compositions: one matcher for cross-validation groups and source exclusion.

Two compositions are **near duplicates** when they have the same set of elements and their
normalised atomic fractions differ by at most ``tol`` in every element (``max |Δx| <= tol``,
default 0.005). Identical reduced formulas are the ``tol = 0`` case. The rule catches the rounded
spellings experimental tables use for one compound: ``Co0.834Gd0.166`` is GdCo5 (Δx = 0.0007),
``Gd333Co667`` is GdCo2, ``Pd0.57Sm0.43`` is Sm3Pd4, and ``Ir0.66Nd0.33`` / ``Ir0.67Nd0.33`` are
one material. A dopant changes the element set, so ``Fe1.99Ti0.01O3`` is not a near duplicate of
``Fe2O3``.

* :func:`near_duplicate_groups` -- group labels for cross-validation: the connected components of
  the near-duplicate relation (a chain of compositions each within ``tol`` of the next is one
  group, so the groups are an equivalence relation that folds can respect).
* :func:`find_near_duplicates` -- which rows of ``X`` have a near duplicate in a ``reference``
  set (the exclusion rule of source pretraining: rows of a source table that are near duplicates
  of any benchmark composition are removed).
* :func:`near_duplicate_pairs` -- the pairs themselves.

Everything is vectorised: compositions are bucketed by element set, sorted by their first fraction
inside a bucket, and compared with their neighbours in a sliding window; exact repeats are
collapsed first. Hundreds of thousands of compositions take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .parsing import parse_compositions

__all__ = [
    "DEFAULT_TOL",
    "find_near_duplicates",
    "near_duplicate_groups",
    "near_duplicate_pairs",
]

#: Default tolerance on normalised atomic fractions (max absolute difference per element).
DEFAULT_TOL = 0.005
_EPS = 1e-9  # fractions computed from rounded decimals are compared with this slack


@dataclass(frozen=True)
class _Unique:
    """Distinct normalised compositions of a set of rows."""

    inverse: np.ndarray  # row -> unique id (-1 for rows that failed to parse)
    bucket: np.ndarray  # unique id -> element-set id
    fractions: np.ndarray  # unique id -> fractions, padded with 0 (shape (n_unique, k_max))


def _unique_compositions(X, on_error: str) -> _Unique:
    parsed = parse_compositions(X, on_error=on_error)
    n = parsed.n_rows
    order = np.lexsort((parsed.z, parsed.row))
    row, z = parsed.row[order], parsed.z[order]
    frac = parsed.fraction[order]
    counts = np.bincount(row, minlength=n)
    k_max = int(counts.max()) if n else 0
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos = np.arange(len(row)) - starts[row]
    Z = np.full((n, k_max), -1, dtype=np.int64)
    F = np.zeros((n, k_max))
    Z[row, pos] = z
    F[row, pos] = frac
    valid = parsed.valid & (counts > 0)
    inverse = np.full(n, -1, dtype=np.int64)
    if not valid.any():
        return _Unique(inverse, np.zeros(0, np.int64), np.zeros((0, k_max)))
    # exact repeats (same elements, fractions equal to 1e-9) collapse to one entry
    key = np.column_stack([Z[valid].astype(np.float64), np.round(F[valid], 9)])
    uniq, inv = np.unique(key, axis=0, return_inverse=True)
    inverse[valid] = inv.ravel()
    _, bucket = np.unique(uniq[:, :k_max], axis=0, return_inverse=True)
    return _Unique(inverse, bucket.ravel(), uniq[:, k_max:])


def _pairs_of_unique(u: _Unique, tol: float) -> np.ndarray:
    """Pairs ``(i, j)``, ``i != j``, of unique compositions in one bucket within ``tol``."""
    n = len(u.bucket)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((u.fractions[:, 0], u.bucket))
    b, f = u.bucket[order], u.fractions[order]
    found = []
    limit = tol + _EPS
    for d in range(1, n):
        # rows d apart in the sort: same bucket and first fractions within tol; once no such pair
        # is left, none is at any larger distance (the first fraction only grows)
        near = (b[d:] == b[:-d]) & (f[d:, 0] - f[:-d, 0] <= limit)
        if not near.any():
            break
        i = np.flatnonzero(near)
        close = np.abs(f[i + d] - f[i]).max(axis=1) <= limit
        i = i[close]
        found.append(np.column_stack([order[i], order[i + d]]))
    return np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)


def _check_tol(tol) -> float:
    tol = float(tol)
    if not 0 <= tol < 0.5:
        raise ValueError(f"tol must be in [0, 0.5), got {tol!r}")
    return tol


def near_duplicate_pairs(X, *, tol: float = DEFAULT_TOL, on_error: str = "raise") -> np.ndarray:
    """Row pairs ``(i, j)`` with ``i < j`` whose compositions are near duplicates.

    Parameters
    ----------
    X : compositions (formula strings, pymatgen Composition/Structure, dicts; 1-D or one column)
    tol : float, default=0.005
        Maximum absolute difference of any normalised atomic fraction (same element set).
    on_error : {"raise", "nan"}, default="raise"
        Unparsable rows raise, or are never paired.

    Returns
    -------
    ndarray of int64, shape (n_pairs, 2)
    """
    u = _unique_compositions(X, on_error)
    up = _pairs_of_unique(u, _check_tol(tol))
    rows = np.flatnonzero(u.inverse >= 0)
    by_unique = rows[np.argsort(u.inverse[rows], kind="stable")]
    uid = u.inverse[by_unique]
    count = np.bincount(uid, minlength=len(u.bucket))
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    out = []
    # rows that are the same composition
    for d in range(1, len(uid)):
        same = np.flatnonzero(uid[d:] == uid[:-d])
        if not len(same):
            break
        out.append(np.column_stack([by_unique[same], by_unique[same + d]]))
    # every row of one composition with every row of a near-duplicate composition
    if len(up):
        a, b = up[:, 0], up[:, 1]
        sizes = count[a] * count[b]
        p = np.repeat(np.arange(len(up)), sizes)
        within = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        ia, ib = within // count[b][p], within % count[b][p]
        out.append(np.column_stack([by_unique[first[a][p] + ia], by_unique[first[b][p] + ib]]))
    if not out:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.sort(np.concatenate(out), axis=1), axis=0)


def near_duplicate_groups(X, *, tol: float = DEFAULT_TOL, on_error: str = "raise") -> np.ndarray:
    """Group label of every row: connected components of the near-duplicate relation.

    Use as ``groups`` of a group-aware splitter so that no compound (however it is spelled) is
    on both sides of a split. ``tol=0`` groups identical reduced formulas only.

    Parameters
    ----------
    X : compositions (formula strings, pymatgen Composition/Structure, dicts; 1-D or one column)
    tol : float, default=0.005
    on_error : {"raise", "nan"}, default="raise"
        With ``"nan"`` every unparsable row is a group of its own.

    Returns
    -------
    ndarray of int64, shape (n_samples,)
        Labels ``0 .. n_groups - 1``, numbered in order of first appearance.

    Examples
    --------
    >>> near_duplicate_groups(["GdCo5", "Co0.834Gd0.166", "Fe2O3", "Fe4O6", "FeO"]).tolist()
    [0, 0, 1, 1, 2]
    """
    u = _unique_compositions(X, on_error)
    pairs = _pairs_of_unique(u, _check_tol(tol))
    m = len(u.bucket)
    graph = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(m, m))
    _, component = connected_components(graph, directed=False)
    n = len(u.inverse)
    bad = u.inverse < 0
    raw = np.where(bad, -1, component[np.maximum(u.inverse, 0)] if m else -1)
    # failed rows: a group each; then renumber in order of first appearance
    raw = np.where(bad, (component.max() + 1 if m else 0) + np.cumsum(bad) - 1, raw)
    _, first, inverse = np.unique(raw, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[inverse.ravel()] if n else np.zeros(0, dtype=np.int64)


def find_near_duplicates(
    X, reference, *, tol: float = DEFAULT_TOL, on_error: str = "raise"
) -> np.ndarray:
    """Boolean mask of the rows of ``X`` that have a near duplicate in ``reference``.

    Parameters
    ----------
    X : compositions to test (e.g. the rows of a source training table)
    reference : compositions (e.g. every benchmark composition)
    tol : float, default=0.005
    on_error : {"raise", "nan"}, default="raise"
        Unparsable rows (in either set) raise, or never match.

    Returns
    -------
    ndarray of bool, shape (n_samples,)
    """
    from .parsing import as_composition_array

    xs, _ = as_composition_array(X)
    refs, _ = as_composition_array(reference)
    u = _unique_compositions(np.concatenate([xs, refs]), on_error)
    n_x = len(xs)
    in_ref = np.zeros(len(u.bucket), dtype=bool)
    ref_ids = u.inverse[n_x:]
    in_ref[ref_ids[ref_ids >= 0]] = True
    hit = in_ref.copy()
    pairs = _pairs_of_unique(u, _check_tol(tol))
    if len(pairs):
        hit[pairs[:, 0][in_ref[pairs[:, 1]]]] = True
        hit[pairs[:, 1][in_ref[pairs[:, 0]]]] = True
    ids = u.inverse[:n_x]
    return np.where(ids >= 0, hit[np.maximum(ids, 0)], False)
