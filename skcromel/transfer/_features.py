"""``TransferFeatures``: composition statistics + frozen pretrained-source features + extra inputs.

The feature table of :class:`TransferRegressor` and :class:`TransferClassifier`, usable on its
own in any pipeline.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

from ..exceptions import SkcromelWarning
from ..featurizers._base import check_feature_names, composition_input_tags
from ..parsing import as_composition_array, parse_compositions

__all__ = ["COMPOSITION_BLOCKS", "TransferFeatures", "source_kind"]

#: Composition-statistics blocks by name: ``magpie_full`` (149 columns, Ward et al. 2016),
#: ``magpie`` (132), and the embedding presets of :class:`~skcromel.featurizers.ElementStats`.
COMPOSITION_BLOCKS = (
    "magpie_full",
    "magpie",
    "oliynyk",
    "megnet16",
    "mat2vec",
    "matscholar",
    "xenonpy",
)
_COMPOSITION_NAMES = ("composition", "formula", "Composition", "Formula")


def source_kind(name) -> str:
    """``"cross-property"`` or ``"cromel"``: how a pretrained source turns compositions into
    features (read from its model card)."""
    from ..registry import load_pretrained

    card = load_pretrained(name).card
    kind = card.get("architecture", {}).get("type")
    if kind == "CroMELCompositionEncoder":
        return "cromel"
    if card.get("input") == "elemnet-fractions-86":
        return "cross-property"
    raise ValueError(
        f"pretrained source {name!r} has architecture {kind!r} and input {card.get('input')!r}: "
        "not a composition source (ElemNet-type or CroMEL)"
    )


def _block(name: str):
    """Featurizer of a composition block; unsupported elements give NaN rows (on_error="nan")."""
    from ..featurizers import ElementStats, magpie_full

    if name == "magpie_full":
        return magpie_full(on_error="nan")
    if name in COMPOSITION_BLOCKS:
        return ElementStats(name, on_error="nan")
    raise ValueError(f"unknown composition block {name!r}; choose from {COMPOSITION_BLOCKS}")


def _source_featurizer(name: str):
    """Frozen features of a source: an ElemNet source's last hidden layer and its own
    prediction, or a CroMEL source's composition embedding."""
    if source_kind(name) == "cromel":
        from ..cromel import CroMELFeaturizer

        return CroMELFeaturizer(source=name, on_error="nan", device="cpu")
    from ..cross_property import CrossPropertyFeaturizer

    return CrossPropertyFeaturizer(source=name, layer=(-1, "output"), on_error="nan")


def _feature_parts(featurizer, values: np.ndarray, parsed):
    """Yield ``(start, part)``: the columns of ``featurizer.transform(values)`` from ``start``
    on, from the compositions parsed once for every block. skcromel's composition featurizers
    and ElemNet sources take parsed compositions (``_featurize``), a ``FeatureUnion`` of them
    gives its parts one by one (no stacked copy), any other featurizer parses ``values``."""
    parts = [featurizer]
    if isinstance(featurizer, FeatureUnion) and featurizer.transformer_weights is None:
        parts = [t for _, t in featurizer.transformer_list]
    if not all(hasattr(t, "_featurize") for t in parts):
        yield 0, np.asarray(featurizer.transform(values), dtype=np.float64)
        return
    start = 0
    for t in parts:
        part = np.asarray(t._featurize(parsed), dtype=np.float64)
        yield start, part
        start += part.shape[1]


def _as_slice(index: np.ndarray):
    """``index`` as a slice when it is a run of consecutive integers (a view, not a copy)."""
    if len(index) and index[-1] - index[0] == len(index) - 1 and np.all(np.diff(index) == 1):
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def _short(text, limit: int = 80) -> str:
    text = repr(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TransferFeatures(TransformerMixin, BaseEstimator):
    """Compositions (+ numeric columns) -> composition statistics, frozen source features, extras.

    Parameters
    ----------
    composition_column : str or None, default=None
        With a DataFrame ``X``: the column holding compositions (formula strings, pymatgen
        ``Composition``/``Structure`` objects or dicts); None looks for a column named
        ``composition`` or ``formula``, or takes the only column. Every other column is an extra
        numeric input (temperature, doping level, pressure, ...) passed through unchanged. A 1-D
        ``X`` (list, array, Series) is compositions only.
    composition_features : sequence of str, default=("magpie_full", "megnet16", "oliynyk")
        Blocks of composition statistics (:data:`COMPOSITION_BLOCKS`). An element missing from
        one block's table (e.g. Pu in ``oliynyk``) gives NaN for that block of that row, never an
        error: the gradient-boosting learners of the transfer estimators handle missing values.
    sources : sequence of str, default=()
        Pretrained sources (registry names or model directories): ElemNet-type sources give their
        last hidden layer and their own prediction (:class:`~skcromel.cross_property.
        CrossPropertyFeaturizer` ``layer=(-1, "output")``), CroMEL sources their 64-d composition
        embedding. Elements a source does not know give NaN for its block.
    on_error : {"raise", "nan"}, default="raise"
        An unparsable composition (or a missing one) raises a
        :class:`~skcromel.exceptions.CompositionError` naming the row, or gives a row of NaN.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only for DataFrame input.
    composition_column_ : str or None
    extra_columns_ : list of str
    blocks_ : list of (str, transformer)
        Fitted featurizers, composition blocks first, then sources.
    block_slices_ : dict of str to slice
        Output columns of each block (and ``"extra"``).
    feature_names_out_ : ndarray of str
    """

    def __init__(
        self,
        composition_column=None,
        *,
        composition_features=("magpie_full", "megnet16", "oliynyk"),
        sources=(),
        on_error="raise",
    ):
        self.composition_column = composition_column
        self.composition_features = composition_features
        self.sources = sources
        self.on_error = on_error

    # ------------------------------------------------------------------ input handling
    def _split_input(self, X, fitting: bool):
        """``(compositions 1-D object array, extras float64 2-D array)``."""
        if isinstance(X, pd.DataFrame):
            columns = [str(c) for c in X.columns]
            if fitting:
                self.feature_names_in_ = np.asarray(columns, dtype=object)
                self.n_features_in_ = len(columns)
                self.composition_column_ = self._find_composition_column(columns)
                self.extra_columns_ = [c for c in columns if c != self.composition_column_]
            else:
                self._check_columns(columns)
            if not fitting and not hasattr(self, "feature_names_in_"):
                comp = X.iloc[:, 0].to_numpy(dtype=object)  # fitted on an unnamed column
                return comp, np.zeros((len(comp), 0))
            comp = X.iloc[:, columns.index(self.composition_column_)].to_numpy(dtype=object)
            extras = self._extras(X[[c for c in X.columns if str(c) in self.extra_columns_]])
            return comp, extras
        if isinstance(X, np.ndarray) and X.ndim == 2 and X.shape[1] > 1:
            raise ValueError(
                f"X has {X.shape[1]} columns but is not a DataFrame: pass a DataFrame so that "
                "the composition column and the extra numeric columns can be told apart by name"
            )
        values, name = as_composition_array(X)
        if fitting:
            self.n_features_in_ = 1
            self.composition_column_ = name
            self.extra_columns_ = []
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif getattr(self, "extra_columns_", []):
            raise ValueError(
                f"fitted on a DataFrame with extra columns {self.extra_columns_}; X must be a "
                "DataFrame with the same columns"
            )
        else:
            check_feature_names(self, None, stacklevel=4)
        return values, np.zeros((len(values), 0))

    def _find_composition_column(self, columns):
        if self.composition_column is not None:
            if str(self.composition_column) not in columns:
                raise ValueError(
                    f"composition_column={self.composition_column!r} is not a column of X "
                    f"(columns: {columns})"
                )
            return str(self.composition_column)
        for name in _COMPOSITION_NAMES:
            if name in columns:
                return name
        if len(columns) == 1:
            return columns[0]
        raise ValueError(
            f"X has columns {columns}: name the column holding compositions with "
            "composition_column= (none is called 'composition' or 'formula')"
        )

    def _check_columns(self, columns):
        if not hasattr(self, "feature_names_in_") and len(columns) != self.n_features_in_:
            raise ValueError(f"X has {len(columns)} columns, expected {self.n_features_in_}")
        check_feature_names(self, columns, stacklevel=5)

    @staticmethod
    def _extras(frame: pd.DataFrame) -> np.ndarray:
        out = np.empty(frame.shape, dtype=np.float64)
        for j, column in enumerate(frame.columns):
            values = frame[column]
            if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
                bad = next(
                    (i for i, v in enumerate(values) if not isinstance(v, (int, float, np.number))),
                    0,
                )
                raise ValueError(
                    f"extra column {column!r} must be numeric (it is passed to the learner as "
                    f"is); row {bad} holds {_short(values.iloc[bad])}. Encode categories as "
                    "numbers first"
                )
            out[:, j] = values.to_numpy(dtype=np.float64)
        return out

    def _check_compositions(self, values):
        """Parse once (:class:`~skcromel.parsing.ParsedCompositions`): unparsable rows raise
        (naming the row) or are marked invalid, to become NaN rows."""
        return parse_compositions(values, on_error=self.on_error)

    # ------------------------------------------------------------------ API
    def fit(self, X, y=None):
        """Resolve the columns and load the featurizers (no data-dependent state)."""
        if self.on_error not in ("raise", "nan"):
            raise ValueError(f"on_error must be 'raise' or 'nan', got {self.on_error!r}")
        values, extras = self._split_input(X, fitting=True)
        if len(values) == 0:
            raise ValueError(
                f"{type(self).__name__}: X holds 0 compositions (an empty collection) while a "
                "minimum of 1 is required"
            )
        self._check_compositions(values)
        blocks = [(name, _block(name)) for name in self.composition_features]
        blocks += [(f"source:{src}", _source_featurizer(src)) for src in self.sources]
        if not blocks and not extras.shape[1]:
            raise ValueError("no features: give composition_features or sources")
        names, slices, start = [], {}, 0
        probe = np.array(["NaCl"], dtype=object)
        for name, featurizer in blocks:
            featurizer.fit(probe)
            cols = [f"{name}:{c}" for c in featurizer.get_feature_names_out()]
            slices[name] = slice(start, start + len(cols))
            names += cols
            start += len(cols)
        slices["extra"] = slice(start, start + len(self.extra_columns_))
        names += [f"extra:{c}" for c in self.extra_columns_]
        self.blocks_ = blocks
        self.block_slices_ = slices
        self.feature_names_out_ = np.asarray(names, dtype=object)
        return self

    def transform(self, X):
        """Feature table, float64 of shape (n_samples, n_features_out); rows keep their order."""
        return self._compute(X)[0]

    def _compute(self, X, columns=None):
        """``(features, parsed)``: the feature table restricted to ``columns`` (indices into
        :attr:`feature_names_out_`, default all; only the blocks holding one of them are
        computed) and the mask of rows whose composition parsed (the others are NaN)."""
        return self._table(*self._checked_input(X), columns)

    def _checked_input(self, X):
        """``(values, extras, parsed)`` of the whole input, ``parsed`` its
        :class:`~skcromel.parsing.ParsedCompositions`: unparsable rows raise, naming the row (or
        are marked invalid, with ``on_error="nan"``). Callers that featurize in row batches
        check the whole input first, so that an error names the row of ``X``, and give each
        batch its rows of ``parsed`` (``parsed.take``): every composition is parsed once."""
        check_is_fitted(self, "blocks_")
        values, extras = self._split_input(X, fitting=False)
        if len(values) == 0:
            raise ValueError(
                f"{type(self).__name__}: X holds 0 compositions (an empty collection) while a "
                "minimum of 1 is required"
            )
        return values, extras, self._check_compositions(values)

    def _table(self, values, extras, parsed, columns=None):
        """The feature table of checked rows (see :meth:`_compute`); ``parsed``: their
        :class:`~skcromel.parsing.ParsedCompositions` (from :meth:`_checked_input`)."""
        valid = parsed.valid
        n_out = len(self.feature_names_out_)
        columns = np.arange(n_out) if columns is None else np.asarray(columns, dtype=np.intp)
        rows = np.flatnonzero(valid)
        every_row = len(rows) == len(values)
        # column-major: each block writes whole columns, and the trees' binning reads them;
        # the blocks cover every column: only rows that did not parse need filling
        out = np.empty((len(values), len(columns)), order="F")
        out[~valid] = np.nan
        valid_values = values[rows]
        if not every_row:
            parsed = parsed.take(rows)  # the valid rows, for every block that needs them
        with warnings.catch_warnings():
            # unsupported elements -> NaN blocks by design; the rows are valid compositions
            warnings.simplefilter("ignore", SkcromelWarning)
            warnings.simplefilter("ignore", UserWarning)
            for name, featurizer in [*self.blocks_, ("extra", None)]:
                block = self.block_slices_[name]
                take = np.flatnonzero((columns >= block.start) & (columns < block.stop))
                if not len(take):
                    continue
                if featurizer is None:
                    out[:, take] = extras[:, columns[take] - block.start]
                    continue
                if not len(rows):
                    continue
                local = columns[take] - block.start  # columns wanted, within the block
                for start, part in _feature_parts(featurizer, valid_values, parsed):
                    inside = (local >= start) & (local < start + part.shape[1])
                    if not inside.any():
                        continue
                    part = part[:, _as_slice(local[inside] - start)]
                    if every_row:
                        out[:, _as_slice(take[inside])] = part
                    else:
                        out[np.ix_(rows, take[inside])] = part
        return out, valid

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = composition_input_tags(super().__sklearn_tags__())
        tags.input_tags.allow_nan = True  # a NaN extra column passes through
        return tags
