"""Center-Environment (CE) structure features (Li et al., npj Comput. Mater. 9, 106, 2023).

For every cation site (the *center*) of a crystal structure and every element property p:

* center value ``C = p(center)``;
* environment value ``E = sum_j w_j p(element_j)`` over the neighbours j in the first
  ``n_shells`` coordination shells, with normalised inverse-distance weights
  ``w_j = (1/d_j) / sum_k (1/d_k)``.

Sites are grouped by role: **B** = six-coordinated cations (the octahedral site of spinels and
perovskites), **A** = the other cations (tetrahedral in spinels, 12-coordinated in perovskites),
**X** = anions. The features of a role are the mean over its sites, which equals the
multiplicity-weighted mean over its symmetry-distinct sites (equivalent sites have identical
features), so no symmetry analysis is needed. Per role ``C + E`` (``combine="sum"``, the published
"C+E" variant) or ``[C, E]`` (``combine="concat"``, "C|E") is returned; roles are concatenated in the
order of ``sites``. With the published layout (``sites=("A", "B")``, ``combine="sum"``, 56
properties) this gives the 112 columns ``A1..A56, B1..B56`` of the paper.

The first shell of a center is every neighbour closer than ``d_min * (1 + shell_tol)``, ``d_min``
being its nearest-neighbour distance; shell ``k + 1`` starts at the nearest neighbour not in shells
``1..k``. Neighbours are found with pymatgen's vectorised periodic neighbour list; the cutoff
grows automatically until every requested shell is complete.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..elements import SYMBOLS
from ..exceptions import CompositionError, SkcromelWarning
from ..featurizers._base import OneColumnTransformerMixin
from ._ce_properties import ce_property_table, paper_index
from ._prototypes import PROTOTYPES, prototype_structure

__all__ = ["CenterEnvironmentFeaturizer", "SITE_ROLES"]

#: Site roles a featurizer can report.
SITE_ROLES = ("A", "B", "X")
_MAX_CUTOFF = 30.0


class _SiteError(ValueError):
    """Internal: why one structure cannot be featurised."""


class CenterEnvironmentFeaturizer(OneColumnTransformerMixin, TransformerMixin, BaseEstimator):
    """Center-Environment features of crystal structures (A/B/X sites x element properties).

    Parameters
    ----------
    properties : {"shipped", "published", "combined"} or pandas.DataFrame, default="shipped"
        Element property table (see :func:`skcromel.structure.ce_property_table`):
        ``"shipped"`` builds it from installed packages (26 of the paper's 56 properties),
        ``"published"`` reads the authors' 37-property ``ElementsProperties.xlsx`` from the data
        home, ``"combined"`` is both (44 properties); a DataFrame (index = element symbols,
        columns = properties) is used as given.
    combine : {"sum", "concat"}, default="sum"
        ``"sum"``: one column per property and site, ``C + E`` (published). ``"concat"``: two,
        ``C`` then ``E``.
    sites : tuple of {"A", "B", "X"}, default=("A", "B")
        Roles to report, in this order.
    n_shells : int, default=1
        Number of coordination shells forming the environment.
    shell_tol : float, default=0.15
        Relative distance tolerance of a shell (see module docstring).
    cutoff : float, default=5.0
        Initial neighbour-search radius in angstrom; enlarged automatically (up to 30 A) until
        every requested shell is complete.
    anions : tuple of str, default=None
        Elements treated as anions (never A or B centers). None: the most electronegative element
        (Pauling) of each structure, i.e. O in oxides even when Te, Se or S are cations.
    prototype : {None, "perovskite", "spinel"}, default=None
        When set, rows that are compositions (formula strings, dicts, pymatgen ``Composition``,
        or ``(A, B)`` tuples) are first turned into the idealised prototype structure
        (:func:`~skcromel.structure.prototype_structure`); structures pass unchanged.
    feature_names : {"paper", "descriptive"}, default="paper"
        ``"paper"``: ``A3``, ``B37``... for properties with a published column number (others
        ``A_<code>``); with ``combine="concat"`` suffixes ``_C`` / ``_E``. ``"descriptive"``:
        ``A_<code>`` (``A_<code>_C`` / ``A_<code>_E``).
    impute_nan : bool, default=False
        Replace missing values of elements the table knows by the property mean (see
        ``ce_property_table``). With False, missing values give NaN features (and one warning).
    data_home : str or path-like, default=None
        Data home for ``properties="published"``.
    on_error : {"raise", "nan"}, default="raise"
        A row that cannot be featurised (not a structure, disordered sites, an element absent from
        the table, no A or no B site...): raise :class:`~skcromel.exceptions.CompositionError`
        naming the row and the reason, or return a NaN row and warn once.

    Attributes
    ----------
    property_table_ : pandas.DataFrame
        The element table used (elements x properties).
    properties_ : ndarray of str
        Property codes, in column order.
    n_features_in_ : int
        Always 1 (one column of structures).
    feature_names_in_ : ndarray of str
        Only when fitted on a named one-column DataFrame.
    feature_names_out_ : ndarray of str

    Examples
    --------
    >>> from skcromel.structure import CenterEnvironmentFeaturizer
    >>> ce = CenterEnvironmentFeaturizer(prototype="perovskite")
    >>> ce.fit_transform(["SrTiO3", "LaAlO3"]).shape
    (2, 52)
    """

    def __init__(
        self,
        properties="shipped",
        combine="sum",
        sites=("A", "B"),
        n_shells=1,
        shell_tol=0.15,
        cutoff=5.0,
        anions=None,
        prototype=None,
        feature_names="paper",
        impute_nan=False,
        data_home=None,
        on_error="raise",
    ):
        self.properties = properties
        self.combine = combine
        self.sites = sites
        self.n_shells = n_shells
        self.shell_tol = shell_tol
        self.cutoff = cutoff
        self.anions = anions
        self.prototype = prototype
        self.feature_names = feature_names
        self.impute_nan = impute_nan
        self.data_home = data_home
        self.on_error = on_error

    # ------------------------------------------------------------------ scikit-learn API
    def fit(self, X, y=None):
        """Validate parameters, load the element table and check the input's form.

        Parameters
        ----------
        X : collection of pymatgen Structures (or compositions when ``prototype`` is set)
            List, 1-D array, Series or one-column 2-D array/DataFrame.
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        self._record_input(X, "structures")
        table = ce_property_table(
            self.properties, data_home=self.data_home, impute_nan=self.impute_nan
        )
        self.property_table_ = table
        self.properties_ = np.asarray(table.columns, dtype=object)
        self.feature_names_out_ = np.asarray(self._make_feature_names(), dtype=object)
        return self

    def transform(self, X):
        """CE features; rows keep their number and order.

        Returns
        -------
        ndarray of float64, shape (n_samples, n_features_out)
        """
        check_is_fitted(self, "feature_names_out_")
        values = self._check_input(X, "structures")
        by_z, known = self._table_by_z()
        anion_z = (
            None
            if self.anions is None
            else np.array([SYMBOLS.index(a) + 1 for a in self.anions], dtype=int)
        )
        n_out = len(self.feature_names_out_)
        out = np.full((len(values), n_out), np.nan, dtype=np.float64)
        errors = []
        for i, item in enumerate(values):
            try:
                structure = self._as_structure(item)
                out[i] = self._featurize_one(structure, by_z, known, anion_z)
            except (_SiteError, CompositionError, ValueError, TypeError, AttributeError) as exc:
                reason = exc.reason if isinstance(exc, CompositionError) else str(exc)
                err = CompositionError(reason, row=i, value=_short(item))
                if self.on_error == "raise":
                    raise err from exc
                errors.append(err)
        if errors:
            warnings.warn(
                f"CenterEnvironmentFeaturizer: {len(errors)} of {len(values)} rows could not be "
                f"featurized and are NaN (on_error='nan'). First: "
                + "; ".join(str(e) for e in errors[:3]),
                SkcromelWarning,
                stacklevel=2,
            )
        valid = np.ones(len(values), dtype=bool)
        valid[[e.row for e in errors]] = False
        n_nan_feat = int(np.isnan(out[valid]).any(axis=0).sum())
        if n_nan_feat:
            warnings.warn(
                f"CenterEnvironmentFeaturizer: {n_nan_feat} feature columns contain NaN because "
                "the element table lacks values; use impute_nan=True or an imputer",
                SkcromelWarning,
                stacklevel=2,
            )
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # structures; compositions (strings, dicts) only when they are turned into prototypes
        tags.input_tags.string = self.prototype is not None
        tags.input_tags.dict = self.prototype is not None
        return tags

    # ------------------------------------------------------------------ helpers
    def _check_params(self):
        self._check_on_error()
        if self.combine not in ("sum", "concat"):
            raise ValueError(f"combine must be 'sum' or 'concat', got {self.combine!r}")
        sites = tuple(self.sites) if not isinstance(self.sites, str) else (self.sites,)
        if not sites or any(s not in SITE_ROLES for s in sites) or len(set(sites)) != len(sites):
            raise ValueError(f"sites must be distinct roles from {SITE_ROLES}, got {self.sites!r}")
        if not isinstance(self.n_shells, (int, np.integer)) or self.n_shells < 1:
            raise ValueError(f"n_shells must be an integer >= 1, got {self.n_shells!r}")
        if not (0 <= float(self.shell_tol) < 1):
            raise ValueError(f"shell_tol must be in [0, 1), got {self.shell_tol!r}")
        if not (0 < float(self.cutoff) <= _MAX_CUTOFF):
            raise ValueError(f"cutoff must be in (0, {_MAX_CUTOFF}], got {self.cutoff!r}")
        if self.prototype is not None and self.prototype not in PROTOTYPES:
            raise ValueError(f"prototype must be None or one of {PROTOTYPES}")
        if self.feature_names not in ("paper", "descriptive"):
            raise ValueError("feature_names must be 'paper' or 'descriptive'")
        bad = [a for a in (self.anions or ()) if a not in SYMBOLS]
        if bad or isinstance(self.anions, str):
            raise ValueError(f"unknown anion symbols {bad}")

    def _sites(self) -> tuple[str, ...]:
        return tuple(self.sites) if not isinstance(self.sites, str) else (self.sites,)

    def _make_feature_names(self) -> list[str]:
        names = []
        for site in self._sites():
            for code in self.properties_:
                idx = paper_index(code) if self.feature_names == "paper" else None
                base = f"{site}{idx}" if idx is not None else f"{site}_{code}"
                if self.combine == "sum":
                    names.append(base)
                else:
                    names.extend([f"{base}_C", f"{base}_E"])
        return names

    def _table_by_z(self):
        table = self.property_table_
        by_z = np.full((len(SYMBOLS) + 1, table.shape[1]), np.nan, dtype=np.float64)
        known = np.zeros(len(SYMBOLS) + 1, dtype=bool)
        z = np.array([SYMBOLS.index(e) + 1 for e in table.index], dtype=int)
        by_z[z] = table.to_numpy(dtype=np.float64)
        known[z] = ~np.all(np.isnan(by_z[z]), axis=1)
        return by_z, known

    def _as_structure(self, item):
        from pymatgen.core import Structure

        if isinstance(item, Structure):
            return item
        if self.prototype is not None and not hasattr(item, "lattice"):
            return prototype_structure(item, self.prototype)
        raise _SiteError(
            f"expected a pymatgen Structure, got {type(item).__name__}"
            + ("" if self.prototype else " (set prototype= to featurize compositions)")
        )

    def _featurize_one(self, structure, by_z, known, anion_z) -> np.ndarray:
        if not structure.is_ordered:
            raise _SiteError("disordered (partially occupied) sites are not supported")
        z = np.array([sp.Z for sp in structure.species], dtype=int)
        unknown = sorted({SYMBOLS[k - 1] for k in z[~known[z]]})
        if unknown:
            raise _SiteError(f"element(s) {unknown} not in the CE property table")
        if anion_z is None:
            x = _electronegativity()[z]
            is_anion = x == np.nanmax(x)
        else:
            is_anion = np.isin(z, anion_z)
        roles = self._sites()
        center_mask = ~is_anion if "X" not in roles else np.ones(len(z), dtype=bool)
        centers = np.flatnonzero(center_mask)
        if len(centers) == 0:
            raise _SiteError("no cation site")
        c_idx, n_idx, dist, cn = _shell_neighbours(
            structure, centers, self.n_shells, float(self.shell_tol), float(self.cutoff)
        )
        inv = 1.0 / dist
        norm = np.bincount(c_idx, weights=inv, minlength=len(centers))
        w = inv / norm[c_idx]
        weights = sparse.csr_matrix((w, (c_idx, n_idx)), shape=(len(centers), len(z)))
        env = weights @ by_z[z]  # (n_centers, n_props); only stored weights multiply
        cen = by_z[z[centers]]
        role_of = np.where(is_anion[centers], "X", np.where(cn == 6, "B", "A"))
        parts = []
        for role in roles:
            sel = role_of == role
            if not sel.any():
                raise _SiteError(
                    f"no {role} site found (A = cation not 6-coordinated, B = 6-coordinated "
                    f"cation, X = anion; cation coordination numbers: {sorted(set(cn[~is_anion[centers]].tolist()))})"
                )
            c_mean = cen[sel].mean(axis=0)
            e_mean = env[sel].mean(axis=0)
            if self.combine == "sum":
                parts.append(c_mean + e_mean)
            else:
                parts.append(np.column_stack([c_mean, e_mean]).ravel())
        return np.concatenate(parts)


def _shell_neighbours(structure, centers, n_shells, tol, cutoff):
    """Neighbours of each center within its first ``n_shells`` shells.

    Returns center positions (0..len(centers)-1), neighbour site indices, distances and the
    first-shell coordination number of each center.
    """
    r = cutoff
    sites = [structure[i] for i in centers]
    while True:
        c_idx, n_idx, _, dist = structure.get_neighbor_list(r, sites=sites)
        c_idx = np.asarray(c_idx, dtype=int)
        n_idx = np.asarray(n_idx, dtype=int)
        dist = np.asarray(dist, dtype=np.float64)
        keep = dist > 1e-8
        c_idx, n_idx, dist = c_idx[keep], n_idx[keep], dist[keep]
        remaining = np.ones(len(dist), dtype=bool)
        selected = np.zeros(len(dist), dtype=bool)
        cn = None
        complete = True
        for shell in range(n_shells):
            dmin = np.full(len(centers), np.inf)
            np.minimum.at(dmin, c_idx[remaining], dist[remaining])
            bound = dmin * (1.0 + tol)
            if not np.all(np.isfinite(dmin)) or np.any(bound >= r):
                complete = False
                break
            in_shell = remaining & (dist <= bound[c_idx])
            if shell == 0:
                cn = np.bincount(c_idx[in_shell], minlength=len(centers))
            selected |= in_shell
            remaining &= ~in_shell
        if complete:
            return c_idx[selected], n_idx[selected], dist[selected], cn
        if r >= _MAX_CUTOFF:
            raise _SiteError(f"coordination shells not complete within {_MAX_CUTOFF} A")
        r = min(r * 1.6, _MAX_CUTOFF)


@lru_cache(maxsize=1)
def _electronegativity() -> np.ndarray:
    from pymatgen.core import Element

    x = np.full(len(SYMBOLS) + 1, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, sym in enumerate(SYMBOLS[:103], start=1):
            x[k] = Element(sym).X
    x[np.isnan(x)] = 0.0
    return x


def _short(item) -> object:
    if hasattr(item, "composition") and hasattr(item, "lattice"):
        return f"Structure({item.composition.reduced_formula})"
    return item
