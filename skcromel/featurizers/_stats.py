"""Fraction-weighted statistics of element property tables (magpie, matscholar, xenonpy, ...)."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..element_tables import PRESETS, load_table
from ..exceptions import CompositionError, SkcromelWarning
from ..parsing import ParsedCompositions, parse_compositions, warn_failed_rows
from ._base import CompositionTransformer

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
    "magpie": (
        ("minimum", "maximum", "range", "mean", "avg_dev", "mode"),
        "property",
        "MagpieData",
    ),
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
    def transform(self, X):
        """Featurize compositions; rows keep their number and order.

        The input is parsed and featurized in chunks of rows, written straight into the output,
        so peak memory stays close to the size of the output whatever the number of rows.

        Returns
        -------
        ndarray of float64, shape (n_samples, n_features_out)
        """
        check_is_fitted(self, "feature_names_out_")
        values = self._check_input(X)
        n = len(values)
        out = np.empty((n, len(self.feature_names_out_)))
        valid = np.ones(n, dtype=bool)
        errors: list[CompositionError] = []
        n_nan = 0
        for a in range(0, n, _CHUNK_ROWS):
            try:
                parsed = self._restrict(
                    parse_compositions(values[a : a + _CHUNK_ROWS], on_error=self.on_error)
                )
            except CompositionError as exc:  # name the row of the whole input
                raise _shifted(exc, a) from None
            block = out[a : a + parsed.n_rows]
            self._fill(parsed, block)
            valid[a : a + parsed.n_rows] = parsed.valid
            errors.extend(_shifted(e, a) for e in parsed.errors[: 5 - len(errors)])
            if not self.impute_nan:
                n_nan += int(np.isnan(block[parsed.valid]).sum())
        empty = np.zeros(0, dtype=np.int64)
        warn_failed_rows(
            ParsedCompositions(n, empty, empty, empty.astype(float), valid, tuple(errors)),
            type(self).__name__,
        )
        self._warn_nan(n_nan)
        return out

    def _featurize(self, parsed: ParsedCompositions) -> np.ndarray:
        """Features of already parsed compositions, in one piece (see :meth:`transform`)."""
        parsed = self._restrict(parsed)
        warn_failed_rows(parsed, type(self).__name__)
        out = np.empty((parsed.n_rows, len(self._feature_names())))
        self._fill(parsed, out)
        if not self.impute_nan:
            self._warn_nan(int(np.isnan(out[parsed.valid]).sum()))
        return out

    def _restrict(self, parsed: ParsedCompositions) -> ParsedCompositions:
        """Fail the rows with an element the table lacks (raise, or NaN rows)."""
        table = load_table(self.preset)
        return parsed.restrict_to(
            table.supported, f"ElementStats(preset={self.preset!r})", self.on_error
        )

    def _fill(self, parsed: ParsedCompositions, out: np.ndarray) -> None:
        """Write the features of ``parsed`` into ``out`` (n_rows, n_features); failed rows NaN."""
        stats, layout, _ = self._resolved()
        table = load_table(self.preset)
        values = table.imputed() if self.impute_nan else table.values
        n_props = values.shape[1]
        blocks = _weighted_stats(parsed, values, stats)  # list of (n_valid, n_props)
        if layout == "property":  # column p * n_stats + j
            views = [out.reshape(len(out), n_props, len(stats))[:, :, j] for j in range(len(stats))]
        else:  # column j * n_props + p
            views = [out[:, j * n_props : (j + 1) * n_props] for j in range(len(stats))]
        rows = np.flatnonzero(parsed.valid)
        all_valid = len(rows) == len(out)
        for view, block in zip(views, blocks):
            if all_valid:
                view[...] = block
            else:
                view[rows] = block
        out[~parsed.valid] = np.nan

    def _warn_nan(self, n_nan: int) -> None:
        if n_nan:
            warnings.warn(
                f"ElementStats(preset={self.preset!r}, impute_nan=False): {n_nan} feature "
                "values are NaN because the table lacks a property for an element present",
                SkcromelWarning,
                stacklevel=3,
            )


#: Rows parsed and featurized per chunk: bounds the working memory (besides the output) to a few
#: chunk x elements-per-row x properties floats.
_CHUNK_ROWS = 8192


def _shifted(exc: CompositionError, offset: int) -> CompositionError:
    """The same error with its row counted in the whole input (not in the chunk)."""
    row = None if exc.row is None else exc.row + offset
    return CompositionError(exc.reason, row=row, value=exc.value)


def _weighted_stats(parsed: ParsedCompositions, table: np.ndarray, stats) -> list[np.ndarray]:
    """All requested statistics for the valid rows, vectorised.

    Rows are bucketed by their number of elements k, so every bucket is a dense
    (rows, k, properties) block reduced along axis 1 — no Python loop over rows, no padding.
    Work proceeds in chunks of rows so memory stays bounded for any input size.
    """
    n_valid = int(parsed.valid.sum())
    n_props = table.shape[1]
    out = [np.empty((n_valid, n_props)) for _ in stats]
    if n_valid == 0:
        return out
    pos = np.cumsum(parsed.valid) - 1
    r = pos[parsed.row]  # entry -> index among valid rows (non-decreasing)
    counts = np.bincount(r, minlength=n_valid)
    frac = parsed.fraction
    bounds = np.searchsorted(r, np.arange(0, n_valid + _CHUNK_ROWS, _CHUNK_ROWS).clip(max=n_valid))
    for e0, e1 in zip(bounds[:-1], bounds[1:]):
        if e0 == e1:
            continue
        rr = r[e0:e1]
        order = np.argsort(counts[rr], kind="stable") + e0  # entries grouped by k, rows kept whole
        ks = counts[r[order]]
        for k in np.unique(ks):
            idx = order[ks == k]
            rows = r[idx[::k]]
            V = table[parsed.z[idx]].reshape(-1, k, n_props)
            w = frac[idx].reshape(-1, k, 1)
            n = parsed.amount[idx].reshape(-1, k, 1)
            for j, block in enumerate(_bucket_stats(V, w, n, stats)):
                out[j][rows] = block
    return out


def _bucket_stats(V: np.ndarray, w: np.ndarray, n: np.ndarray, stats):
    """Statistics of a (rows, k, properties) block; w: fractions, n: amounts, both (rows, k, 1)."""
    cache: dict[str, np.ndarray] = {}

    def get(name, fn):
        if name not in cache:
            cache[name] = fn()
        return cache[name]

    mean = lambda: get("mean", lambda: (w * V).sum(axis=1))  # noqa: E731
    vmin = lambda: get("minimum", lambda: V.min(axis=1))  # noqa: E731
    vmax = lambda: get("maximum", lambda: V.max(axis=1))  # noqa: E731
    dev = lambda: get("dev", lambda: V - mean()[:, None, :])  # noqa: E731
    k = V.shape[1]
    for s in stats:
        if s == "minimum":
            yield vmin()
        elif s == "maximum":
            yield vmax()
        elif s == "range":
            yield vmax() - vmin()
        elif s == "mean":
            yield mean()
        elif s == "avg_dev":
            yield (w * np.abs(dev())).sum(axis=1)
        elif s == "var":
            yield (w * dev() ** 2).sum(axis=1)
        elif s == "sum":
            yield (n * V).sum(axis=1)
        elif s == "mode":
            top = n.max(axis=1, keepdims=True)
            is_top = np.abs(n - top) <= 1e-8 + 1e-5 * np.abs(top)  # np.isclose, as matminer
            yield np.where(is_top, V, np.inf).min(axis=1)
        elif s == "std_dev":
            if k == 1:
                yield np.zeros((V.shape[0], V.shape[2]))
            else:
                sw = n.sum(axis=1)
                beta = sw / (sw**2 - (n**2).sum(axis=1))
                yield np.sqrt(beta * (n * dev() ** 2).sum(axis=1))
        else:  # pragma: no cover - validated earlier
            raise ValueError(s)
