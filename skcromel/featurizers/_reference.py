"""Computed reference tables (composition → property) and look-up features from them.

An experimental target often has a computed twin: a DFT band gap for a measured gap, a DFT
formation energy for a measured enthalpy. Where the computed database knows the compound, its
value is the strongest feature there is (the correction to it is what remains to learn; see
:class:`skcromel.DeltaRegressor`). :class:`ReferenceLookup` returns, per composition, statistics
over the reference's polymorphs of the same reduced formula and an indicator of whether it was
found. :func:`read_reference_table` is the one reader of such tables (also used by
:class:`~skcromel.ReferenceHullEnergy`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import CompositionError
from ..parsing import ParsedCompositions, reduced_formulas, reduced_formulas_of, warn_failed_rows
from ._base import CompositionTransformer

__all__ = ["ReferenceLookup", "read_reference_table"]

STATISTICS = ("min", "mean", "median", "max", "std", "count")
ON_MISSING = ("nan", "fill", "raise")
_TABLE_CACHE: dict = {}


def read_reference_table(reference, data_home=None) -> tuple[np.ndarray, np.ndarray]:
    """(compositions, values) of a reference: a catalogue name, a DataFrame or a pair.

    A string is loaded with :func:`skcromel.datasets.load_dataset` from the data home (which
    says where it looked, and how to provide the file, when it is missing); a DataFrame has the
    compositions in its first column and the values in its second. Non-finite values raise,
    naming the first such row.
    """
    if isinstance(reference, str):
        from ..datasets import load_dataset

        ds = load_dataset(reference, data_home)
        comps, values = ds.X["composition"].to_numpy(dtype=object), ds.y.to_numpy()
    elif isinstance(reference, pd.DataFrame):
        if reference.shape[1] < 2:
            raise ValueError("a reference DataFrame needs a composition and a value column")
        comps = reference.iloc[:, 0].to_numpy(dtype=object)
        values = reference.iloc[:, 1].to_numpy()
    elif isinstance(reference, (tuple, list)) and len(reference) == 2:
        comps, values = np.asarray(reference[0], dtype=object), np.asarray(reference[1])
    else:
        raise TypeError(
            "reference must be a catalogue name, a DataFrame (composition, value) or a "
            f"(compositions, values) pair, got {type(reference).__name__}"
        )
    values = np.asarray(values, dtype=np.float64)
    if len(comps) != len(values):
        raise ValueError(f"reference: {len(comps)} compositions but {len(values)} values")
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise ValueError(
            f"reference value of row {bad[0]} ({comps[bad[0]]!r}) is not finite "
            f"({len(bad)} such rows); drop or fill them first"
        )
    return comps, values


def cached_reference(cache: dict, reference, data_home, exclude, build):
    """``build(excluded)`` for a reference, computed once per process for a catalogued one.

    ``excluded`` is ``exclude`` as reduced formulas (or None). A catalogue name is keyed by
    (name, data home, excluded); ``cache`` keeps one such entry (the reference tables are large).
    DataFrames and pairs are built afresh on every call.
    """
    excluded = None if exclude is None else reduced_formulas(list(exclude))
    key = None
    if isinstance(reference, str):
        from ..config import get_data_home

        excl = None if excluded is None else tuple(sorted(excluded))
        key = (reference, str(get_data_home(data_home)), excl)
    value = cache.get(key) if key is not None else None
    if value is None:
        value = build(excluded)
        if key is not None:
            cache.clear()  # keep one catalogued reference in memory at most
            cache[key] = value
    return value


class ReferenceLookup(CompositionTransformer):
    """Statistics of a computed reference property over the polymorphs of each composition.

    Parameters
    ----------
    reference : str, DataFrame or (compositions, values), default="mp_gap"
        The computed table (see :func:`read_reference_table`); default the Materials Project
        PBE band gaps of ``matbench_mp_gap`` (106,113 entries).
    statistics : tuple of str, default=("min", "mean", "max")
        Aggregates over the reference rows with the query's reduced formula, from
        ``("min", "mean", "median", "max", "std", "count")`` (``std`` is 0 for one polymorph).
    exclude : list of compositions, optional
        Reduced formulas removed from the reference at ``fit`` (e.g. a benchmark's target set,
        when the reference must not know it).
    on_missing : {"nan", "fill", "raise"}, default="nan"
        What a composition absent from the reference gets: NaN in the statistic columns (for
        models that handle missing values, e.g. ``HistGradientBoostingRegressor``; the
        ``<prefix>_found`` column says which rows these are), ``fill_value``, or a
        :class:`~skcromel.exceptions.CompositionError` naming the first such row.
    fill_value : float, default=0.0
    prefix : str, optional
        Feature-name prefix; default the reference's catalogue name (``"reference"`` otherwise).
    data_home : path-like, optional
        Where a catalogued ``reference`` is read from (``$SKCROMEL_DATA_HOME`` by default).
    on_error : {"raise", "nan"}, default="raise"
        Unparsable queries raise a :class:`~skcromel.exceptions.CompositionError` naming the row,
        or become NaN (every column, ``found`` included) with one warning.

    Attributes
    ----------
    n_reference_ : int
        Distinct reduced formulas in the reference after ``exclude``.
    feature_names_out_ : ndarray of str
        ``<prefix>_<statistic>`` for each statistic, then ``<prefix>_found`` (1.0 or 0.0).

    Notes
    -----
    A catalogued reference is read and aggregated once per process and shared by later fits with
    the same settings; ``transform`` is one vectorised table look-up (no per-row Python).

    Examples
    --------
    >>> import pandas as pd
    >>> ref = pd.DataFrame({"formula": ["TiO2", "Ti2O4", "ZnO"], "gap": [1.8, 2.2, 0.7]})
    >>> ReferenceLookup(ref, statistics=("min", "max")).fit_transform(["TiO2", "ZnO", "GaN"])
    array([[1.8, 2.2, 1. ],
           [0.7, 0.7, 1. ],
           [nan, nan, 0. ]])
    """

    def __init__(
        self,
        reference="mp_gap",
        statistics=("min", "mean", "max"),
        exclude=None,
        on_missing="nan",
        fill_value=0.0,
        prefix=None,
        data_home=None,
        on_error="raise",
    ):
        self.reference = reference
        self.statistics = statistics
        self.exclude = exclude
        self.on_missing = on_missing
        self.fill_value = fill_value
        self.prefix = prefix
        self.data_home = data_home
        self.on_error = on_error

    def fit(self, X, y=None):
        """Read the reference and aggregate it by reduced formula.

        Parameters
        ----------
        X : collection of compositions
            Only checked for form; the reference is what is learned.
        y : ignored
        """
        super().fit(X, y)
        table = cached_reference(
            _TABLE_CACHE, self.reference, self.data_home, self.exclude, self._aggregate
        )
        self._table = table
        self.n_reference_ = int(len(table))
        return self

    def _aggregate(self, excluded) -> pd.DataFrame:
        comps, values = read_reference_table(self.reference, self.data_home)
        frame = pd.DataFrame({"red": reduced_formulas(comps), "v": values})
        if excluded is not None:
            frame = frame[~frame["red"].isin(excluded)]
        table = frame.groupby("red")["v"].agg(list(STATISTICS))
        table["std"] = table["std"].fillna(0.0)  # one polymorph: no spread
        return table

    def _check_params(self):
        stats = tuple(self.statistics)
        if not stats or any(s not in STATISTICS for s in stats):
            raise ValueError(f"statistics must be a non-empty subset of {STATISTICS}, got {stats}")
        if self.on_missing not in ON_MISSING:
            raise ValueError(f"on_missing must be one of {ON_MISSING}, got {self.on_missing!r}")

    def _prefix(self) -> str:
        if self.prefix is not None:
            return str(self.prefix)
        return self.reference if isinstance(self.reference, str) else "reference"

    def _feature_names(self):
        p = self._prefix()
        return [f"{p}_{s}" for s in self.statistics] + [f"{p}_found"]

    def _featurize(self, parsed: ParsedCompositions) -> np.ndarray:
        warn_failed_rows(parsed, type(self).__name__)
        stats = list(self.statistics)
        out = np.full((parsed.n_rows, len(stats) + 1), np.nan)
        valid = np.flatnonzero(parsed.valid)
        if not len(valid):
            return out
        red = reduced_formulas_of(parsed)[valid]
        pos = self._table.index.get_indexer(red)  # one hash look-up per row; -1: absent
        found = pos >= 0
        values = np.full((len(red), len(stats)), np.nan)
        values[found] = self._table[stats].to_numpy(dtype=np.float64)[pos[found]]
        if not found.all():
            if self.on_missing == "raise":
                i = int(valid[np.flatnonzero(~found)[0]])
                raise CompositionError(
                    f"its reduced formula {red[~found][0]!r} is not in the reference "
                    f"({(~found).sum()} of {len(found)} compositions missing); use "
                    "on_missing='nan' or 'fill' to featurize them anyway",
                    row=i,
                    value=red[~found][0],
                )
            if self.on_missing == "fill":
                values[~found] = float(self.fill_value)
        out[valid, : len(stats)] = values
        out[valid, -1] = found
        return out
