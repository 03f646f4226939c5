"""Fraction-weighted statistics of element property tables (magpie, matscholar, xenonpy, ...)."""

from __future__ import annotations

import warnings

import numpy as np

from ..element_tables import PRESETS, load_table
from ..exceptions import SkcromelWarning
from ..parsing import ParsedCompositions, warn_failed_rows
from .base import CompositionTransformer

__all__ = ["ElementStats", "STATS"]

#: Statistic names (aliases map to them). w = atomic fraction, n = amount as written.
STATS = {
    "minimum": "min over the elements present",
    "maximum": "max over the elements present",
    "range": "maximum - minimum",
    "mean": "sum w_i p_i",
    "avg_dev": "sum w_i |p_i - mean| (matminer's mean absolute deviation)",
    "mode": "p of the element with the largest amount (ties: smallest p), as matminer",
    "std_dev": "matminer's weighted standard deviation (unbiased weights), 0 for one element",
    "var": "sum w_i (p_i - mean)^2 (XenonPy's weighted variance)",
    "sum": "sum n_i p_i over raw atom counts (XenonPy's weighted sum)",
}
_ALIASES = {"min": "minimum", "max": "maximum", "ave": "mean", "average": "mean"}

# preset -> (default stats, layout, label prefix)
_PRESET_DEFAULTS = {
    "magpie": (("minimum", "maximum", "range", "mean", "avg_dev", "mode"), "property", "MagpieData"),
    "oliynyk": (("minimum", "maximum", "range", "mean", "avg_dev", "mode"), "property", "oliynyk"),
    "matscholar": (("mean", "minimum", "maximum"), "stat", "matscholar"),
    "mat2vec": (("mean", "minimum", "maximum"), "stat", "mat2vec"),
    "megnet16": (("mean", "minimum", "maximum"), "stat", "megnet16"),
    "xenonpy": (("mean", "sum", "var", "maximum", "minimum"), "stat", "xenonpy"),
}


class ElementStats(CompositionTransformer):
    """Composition features: weighted statistics of an element property table.

    Parameters
    ----------
    preset : {"magpie", "matscholar", "mat2vec", "megnet16", "oliynyk", "xenonpy"}, default="magpie"
        Element table (read from files shipped in matminer / ``elementembeddings``) and its
        default statistics:

        * ``magpie``: 22 properties x (minimum, maximum, range, mean, avg_dev, mode) = 132
          columns, in the order and with the labels of matminer's
          ``ElementProperty.from_preset("magpie")``, numerically identical to it.
        * ``matscholar``: 200-d embeddings x (mean, minimum, maximum) = 600 columns, stat-major:
          the composition descriptor of CroMEL (Na 2025).
        * ``mat2vec`` (200-d), ``megnet16`` (16-d): mean, minimum, maximum, stat-major.
        * ``oliynyk``: 44 numeric properties x the magpie statistics, property-major.
        * ``xenonpy``: XenonPy's 58 properties x its "classic" statistics (weighted mean, sum over
          raw atom counts, weighted variance, max, min) = 290 columns, stat-major.
    stats : sequence of str, default=None
        Override the statistics (see :data:`STATS`; aliases ``min``, ``max``, ``ave``).
    impute_nan : bool, default=True
        Replace missing property values of known elements by the property's mean over the table
        (matminer's rule). With False they stay NaN and a warning counts the NaN features.
        Elements the table does not know at all are always an error (see ``on_error``).
    on_error : {"raise", "nan"}, default="raise"
        What to do with an unparsable composition or an element the table lacks: raise a
        :class:`~skcromel.exceptions.CompositionError` naming the row, or return a NaN row and warn
        once.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    feature_names_out_ : ndarray of str
        ``"{prefix} {stat} {property}"``; for magpie exactly matminer's labels.

    Examples
    --------
    >>> from skcromel import ElementStats
    >>> ElementStats().fit_transform(["Fe2O3", "NaCl"]).shape
    (2, 132)
    """

    def __init__(self, preset="magpie", stats=None, impute_nan=True, on_error="raise"):
        self.preset = preset
        self.stats = stats
        self.impute_nan = impute_nan
        self.on_error = on_error

    # ------------------------------------------------------------------ parameters
    def _resolved(self):
        if self.preset not in PRESETS:
            raise ValueError(f"unknown preset {self.preset!r}; choose from {PRESETS}")
        default_stats, layout, prefix = _PRESET_DEFAULTS[self.preset]
        stats = default_stats if self.stats is None else self.stats
        if isinstance(stats, str):
            stats = (stats,)
        out = []
        for s in stats:
            name = _ALIASES.get(s, s)
            if name not in STATS:
                raise ValueError(f"unknown statistic {s!r}; choose from {sorted(STATS)}")
            out.append(name)
        if not out or len(set(out)) != len(out):
            raise ValueError(f"stats must be non-empty and without duplicates, got {stats!r}")
        return tuple(out), layout, prefix

    def _check_params(self):
        self._resolved()

    def _feature_names(self):
        stats, layout, prefix = self._resolved()
        props = load_table(self.preset).properties
        if layout == "property":
            return [f"{prefix} {s} {p}" for p in props for s in stats]
        return [f"{prefix} {s} {p}" for s in stats for p in props]

    # ------------------------------------------------------------------ computation
    def _featurize(self, parsed: ParsedCompositions) -> np.ndarray:
        stats, layout, _ = self._resolved()
        table = load_table(self.preset)
        parsed = parsed.restrict_to(
            table.supported, f"ElementStats(preset={self.preset!r})", self.on_error
        )
        warn_failed_rows(parsed, type(self).__name__)
        values = table.imputed() if self.impute_nan else table.values
        blocks = _weighted_stats(parsed, values, stats)  # list of (n_valid, n_props)
        n_props = values.shape[1]
        if layout == "property":
            block = np.stack(blocks, axis=2).reshape(-1, n_props * len(stats))
        else:
            block = np.concatenate(blocks, axis=1)
        out = np.full((parsed.n_rows, block.shape[1]), np.nan)
        out[parsed.valid] = block
        if not self.impute_nan:
            n_nan = int(np.isnan(block).sum())
            if n_nan:
                warnings.warn(
                    f"ElementStats(preset={self.preset!r}, impute_nan=False): {n_nan} feature "
                    "values are NaN because the table lacks a property for an element present",
                    SkcromelWarning,
                    stacklevel=3,
                )
        return out


def _weighted_stats(parsed: ParsedCompositions, table: np.ndarray, stats) -> list[np.ndarray]:
    """All requested statistics, vectorised over entries with ``ufunc.reduceat``."""
    n_valid = int(parsed.valid.sum())
    if n_valid == 0:
        return [np.empty((0, table.shape[1])) for _ in stats]
    starts = parsed.starts
    pos = np.cumsum(parsed.valid) - 1
    r = pos[parsed.row]  # entry -> index among valid rows
    V = table[parsed.z]  # (nnz, n_props)
    amount = parsed.amount
    w = parsed.fraction[:, None]
    cache: dict[str, np.ndarray] = {}

    def mean():
        if "mean" not in cache:
            cache["mean"] = np.add.reduceat(w * V, starts, axis=0)
        return cache["mean"]

    def minimum():
        if "minimum" not in cache:
            cache["minimum"] = np.minimum.reduceat(V, starts, axis=0)
        return cache["minimum"]

    def maximum():
        if "maximum" not in cache:
            cache["maximum"] = np.maximum.reduceat(V, starts, axis=0)
        return cache["maximum"]

    def dev():
        return V - mean()[r]

    out = []
    for s in stats:
        if s == "minimum":
            out.append(minimum())
        elif s == "maximum":
            out.append(maximum())
        elif s == "range":
            out.append(maximum() - minimum())
        elif s == "mean":
            out.append(mean())
        elif s == "avg_dev":
            out.append(np.add.reduceat(w * np.abs(dev()), starts, axis=0))
        elif s == "var":
            out.append(np.add.reduceat(w * dev() ** 2, starts, axis=0))
        elif s == "sum":
            out.append(np.add.reduceat(amount[:, None] * V, starts, axis=0))
        elif s == "mode":
            top = np.maximum.reduceat(amount, starts)[r]
            is_top = np.abs(amount - top) <= 1e-8 + 1e-5 * np.abs(top)  # np.isclose, as matminer
            out.append(np.minimum.reduceat(np.where(is_top[:, None], V, np.inf), starts, axis=0))
        elif s == "std_dev":
            sw = np.add.reduceat(amount, starts)
            sw2 = np.add.reduceat(amount**2, starts)
            n_el = np.diff(np.append(starts, len(amount)))
            with np.errstate(divide="ignore", invalid="ignore"):
                beta = np.where(n_el > 1, sw / (sw**2 - sw2), 0.0)
            sq = np.add.reduceat(amount[:, None] * dev() ** 2, starts, axis=0)
            out.append(np.sqrt(np.where(n_el[:, None] > 1, beta[:, None] * sq, 0.0)))
        else:  # pragma: no cover - validated earlier
            raise ValueError(s)
    return out
