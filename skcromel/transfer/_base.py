"""What :class:`TransferRegressor` and :class:`TransferClassifier` share: inputs, features,
compound groups, the choice of sources and the bagged members."""

from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..featurizers._base import composition_input_tags
from ..matching import near_duplicate_groups
from ._ensemble import BAGGING, fit_member, member_bins
from ._features import TransferFeatures
from ._selection import select_sources

__all__ = ["AUTO_SOURCES"]


#: The pretrained sources ``sources="auto"`` scores (all ship with skcromel): the four ElemNet
#: cross-property sources (Materials Project formation energy and band gap; OQMD formation
#: enthalpy and volume per atom, the versions trained on the full OQMD tables) and the
#: CHGNet-taught CroMEL source. Other sources (the zoo, your own) are used by naming them.
AUTO_SOURCES = (
    "elemnet-small-mp-eform",
    "elemnet-small-mp-gap",
    "elemnet-small-oqmd-hform-full",
    "elemnet-small-oqmd-vol-full",
    "cromel-chgnet",
)

#: Rows featurized and predicted at a time by ``predict``, ``predict_interval`` and
#: ``predict_proba``: the feature table stays about 20 MB (at 300 columns) whatever the input's
#: size; measured fastest of 2,048 to 16,384 rows with ``benchmarks/speed/transfer.py`` (larger
#: tables cost fresh memory on every call). Results do not depend on it.
PREDICT_BATCH_ROWS = 8192


def default_sources() -> list[str]:
    """The candidates of ``sources="auto"``: :data:`AUTO_SOURCES` that are available."""
    from ..registry import list_pretrained

    available = set(list_pretrained())
    return [name for name in AUTO_SOURCES if name in available]


class _TransferBase(BaseEstimator):
    """Fitting logic shared by the transfer regressor and classifier (see their docstrings)."""

    # ------------------------------------------------------------------ parameters
    def _check_params(self):
        if int(self.n_estimators) < 2:
            raise ValueError(f"n_estimators must be >= 2, got {self.n_estimators!r}")
        if not (isinstance(self.sources, str) and self.sources == "auto") and isinstance(
            self.sources, str
        ):
            raise ValueError(
                f"sources must be 'auto', a list of source names or None, got {self.sources!r}"
            )
        if self.bagging not in BAGGING:
            raise ValueError(f"bagging must be one of {sorted(BAGGING)}, got {self.bagging!r}")

    def _candidate_sources(self) -> list[str]:
        if self.sources is None:
            return []
        if isinstance(self.sources, str):  # "auto"
            return default_sources()
        return list(self.sources)

    # ------------------------------------------------------------------ data
    def _features_and_groups(self, X, groups):
        self.features_ = TransferFeatures(
            self.composition_column,
            composition_features=tuple(self.composition_features),
            sources=tuple(self._candidate_sources()),
            on_error=self.on_error,
        ).fit(X)
        F = self.features_.transform(X)
        self.n_features_in_ = self.features_.n_features_in_
        if hasattr(self.features_, "feature_names_in_"):
            self.feature_names_in_ = self.features_.feature_names_in_
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        if groups is None:
            compositions, _ = self.features_._split_input(X, fitting=False)
            groups = near_duplicate_groups(compositions, tol=self.group_tol, on_error="nan")
        groups = np.asarray(groups)
        if len(groups) != len(F):
            raise ValueError(f"groups has {len(groups)} entries but X has {len(F)} rows")
        return F, groups

    def _split_blocks(self, F):
        """Base columns (composition blocks + extras) and one column block per source."""
        slices = self.features_.block_slices_
        source_names = [n for n in slices if n.startswith("source:")]
        base_cols = np.concatenate(
            [np.arange(s.start, s.stop) for n, s in slices.items() if n not in source_names]
        ).astype(np.int64)
        blocks = {n.split(":", 1)[1]: slices[n] for n in source_names}
        return base_cols, blocks

    def _choose_columns(self, F, y, groups, learner, error=None):
        base_cols, blocks = self._split_blocks(F)
        if isinstance(self.sources, str) and blocks:  # "auto": inner CV on the training rows
            selected, self.source_scores_ = select_sources(
                F[:, base_cols],
                {name: F[:, s] for name, s in blocks.items()},
                y,
                groups,
                learner,
                error=error,
                random_state=self._seed(1),
            )
        else:
            selected, self.source_scores_ = list(blocks), None
        self.sources_ = selected
        cols = [base_cols] + [np.arange(blocks[s].start, blocks[s].stop) for s in selected]
        return np.concatenate(cols).astype(np.int64)

    def _booster(self, cls, fast: bool = False):
        """A gradient-boosting member of class ``cls`` with the estimator's settings; ``fast``:
        the learner of the inner CV of ``sources="auto"`` (60 iterations, learning rate 0.2,
        seeded), which only has to rank the candidate sources."""
        return cls(
            max_iter=60 if fast else int(self.max_iter),
            learning_rate=0.2 if fast else float(self.learning_rate),
            max_features=float(self.max_features),
            min_samples_leaf=int(self.min_samples_leaf),
            early_stopping=False,
            random_state=0 if fast else None,
        )

    def _seed(self, k: int) -> int:
        return int(check_random_state(self._random_base).randint(2**31 - 1)) + k

    # ------------------------------------------------------------------ members
    def _fit_members(self, template, X, y, groups, fit_rows=None):
        """Bagged clones of ``template``; returns members and the out-of-bag masks (n, B)."""
        rng = check_random_state(self._random_base)
        bags = list(BAGGING[self.bagging](groups, self.n_estimators, rng))
        seeds = rng.randint(2**31 - 1, size=len(bags))
        weights = [w if fit_rows is None else w * fit_rows for w, _ in bags]
        members = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(fit_member)(template, X, y, w, int(s)) for w, s in zip(weights, seeds)
        )
        oob = np.column_stack([o for _, o in bags])
        return members, oob

    def _index_members(self):
        """The binning tables of the fitted members (``estimators_``, ``classifiers_``), used by
        every prediction; derived from the members, so not pickled but rebuilt on loading."""
        self._bins = {
            name: member_bins(getattr(self, name, None) or [])
            for name in ("estimators_", "classifiers_")
        }

    def _member_bins(self, name: str):
        return getattr(self, "_bins", {}).get(name)

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: object.__getstate__ gives __dict__ itself
        state.pop("_bins", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if hasattr(self, "estimators_"):
            self._index_members()

    def _transform(self, X):
        check_is_fitted(self, "features_")
        return self._usable(*self.features_._compute(X, self.columns_))

    @staticmethod
    def _usable(F, parsed):
        """``(F, valid)``: the rows that parsed and have at least one feature are valid."""
        return F, parsed & ~np.isnan(F).all(axis=1)

    def _in_batches(self, X, predict_batch):
        """``(results, compositions)``: ``predict_batch(Z, valid)`` on consecutive batches of
        ``PREDICT_BATCH_ROWS`` rows of ``X`` (the whole input checked first, so errors name rows
        of ``X``), the results (an array or a tuple of arrays) concatenated along the rows, and
        the composition column of ``X``. Bounds the memory of the feature table, whatever the
        number of rows."""
        check_is_fitted(self, "features_")
        values, extras, parsed = self.features_._checked_input(X)
        parts = []
        for start in range(0, len(values), PREDICT_BATCH_ROWS):
            rows = slice(start, start + PREDICT_BATCH_ROWS)
            batch = parsed.take(np.arange(start, min(start + PREDICT_BATCH_ROWS, len(values))))
            table = self.features_._table(values[rows], extras[rows], batch, self.columns_)
            parts.append(predict_batch(*self._usable(*table)))
        if isinstance(parts[0], tuple):
            return tuple(np.concatenate(p) for p in zip(*parts)), values
        return np.concatenate(parts), values

    def _prepare_fit(self, X, groups):
        self._check_params()
        self._random_base = self.random_state
        if isinstance(self.random_state, np.random.RandomState):
            self._random_base = self.random_state.randint(2**31 - 1)
        return self._features_and_groups(X, groups)

    def _benchmark_context(self) -> dict:
        """What the fitted model depends on beyond its parameters, for the benchmark runner's
        cache key: the candidates of ``sources="auto"`` (a changed :data:`AUTO_SOURCES` is a
        changed model)."""
        auto = isinstance(self.sources, str) and self.sources == "auto"
        return {"auto_sources": tuple(default_sources())} if auto else {}

    def __sklearn_tags__(self):
        return composition_input_tags(super().__sklearn_tags__())
