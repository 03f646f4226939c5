"""Bagged gradient boosting over compound-grouped bootstrap samples, with out-of-bag predictions.

Each member is fitted on a bootstrap sample of *compounds* (near-duplicate groups drawn with
replacement, every row of a drawn compound included as many times as it is drawn), so the
out-of-bag rows of a member are compounds it never saw, spellings and repeats included. The
out-of-bag predictions give an honest residual for every training row, which calibrates the
prediction intervals (out-of-bag conformal prediction, see ``TransferRegressor.predict_interval``).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

__all__: list[str] = []  # internal to skcromel.transfer


def _group_index(groups: np.ndarray) -> tuple[np.ndarray, int]:
    """``(index, n)``: each row's group as an integer in ``0 .. n - 1``."""
    _, inverse = np.unique(groups, return_inverse=True)
    inverse = inverse.ravel()
    return inverse, int(inverse.max()) + 1


def bootstrap_bags(groups: np.ndarray, n_bags: int, rng: np.random.RandomState):
    """Yield ``(weights, oob)`` per bag: row weights (draw counts of each row's group) and the
    boolean mask of rows whose group was not drawn."""
    inverse, n_groups = _group_index(groups)
    for _ in range(int(n_bags)):
        draws = np.bincount(rng.randint(n_groups, size=n_groups), minlength=n_groups)
        weights = draws[inverse].astype(np.float64)
        yield weights, weights == 0


def kfold_bags(groups: np.ndarray, n_bags: int, rng: np.random.RandomState):
    """Yield ``(weights, oob)`` per bag for K-fold complements of *compounds*: the groups are
    dealt at random into ``n_bags`` folds and bag ``k`` holds every row outside fold ``k`` once
    (weight 1), so each member sees ``(n_bags - 1) / n_bags`` of the compounds, no row is
    repeated, and every row is out-of-bag for exactly one member (CV+-style calibration)."""
    inverse, n_groups = _group_index(groups)
    if n_groups < int(n_bags):
        raise ValueError(
            f"bagging='kfold' needs at least n_estimators={n_bags} compounds, got {n_groups}: "
            "lower n_estimators or use bagging='bootstrap'"
        )
    fold_of_group = rng.permutation(n_groups) % int(n_bags)
    fold = fold_of_group[inverse]
    for k in range(int(n_bags)):
        oob = fold == k
        yield (~oob).astype(np.float64), oob


BAGGING = {"bootstrap": bootstrap_bags, "kfold": kfold_bags}


def fit_member(template, X, y, weights, seed: int):
    """Fit a clone of ``template`` on the bootstrap sample: every row repeated as many times as
    its weight (draw count). Repeating rows rather than passing ``sample_weight`` keeps gradient
    boosting's feature binning fast (with sample weights scikit-learn bins on weighted quantiles,
    about 100 times slower on a few thousand rows)."""
    rows = np.repeat(np.arange(len(weights)), np.asarray(weights, dtype=np.int64))
    est = clone(template).set_params(random_state=seed)
    return est.fit(X[rows], y[rows])


def _supports_binned(est, n_features: int) -> bool:
    """Whether ``est`` is a fitted histogram gradient-boosting model whose trees can walk binned
    features (numerical features only, scikit-learn's internals as this module knows them)."""
    mapper = getattr(est, "_bin_mapper", None)
    return (
        mapper is not None
        and hasattr(mapper, "bin_thresholds_")
        and hasattr(est, "_predict_iterations")
        and not np.any(mapper.is_categorical_)
        and getattr(est, "n_features_in_", None) == n_features
    )


class MemberBins:
    """The binning of several fitted members, built once (at fit) and applied to any table.

    Each member bins a feature by its own thresholds (bin = number of thresholds strictly
    below the value, NaN to the missing-value bin: scikit-learn's rule). The value's rank among
    the union of all members' thresholds is computed once per feature; every member's bin is
    then a look-up of that rank in a table built here (a member's thresholds are a subset of the
    union), so binning costs one binary search per value for all members together, and the
    tables are not rebuilt at every prediction.

    Parameters
    ----------
    estimators : list of fitted histogram gradient-boosting models (see ``_supports_binned``)
    """

    def __init__(self, estimators):
        mappers = [est._bin_mapper for est in estimators]
        self.members = tuple(map(id, estimators))  # the fitted objects these tables belong to
        self.n_features = len(mappers[0].bin_thresholds_)
        self.union = [
            np.unique(np.concatenate([m.bin_thresholds_[j] for m in mappers]))
            for j in range(self.n_features)
        ]
        # tables[j][b, r]: member b's bin of a value with r union thresholds below it
        self.tables = []
        for j, union in enumerate(self.union):
            table = np.zeros((len(mappers), len(union) + 1), dtype=np.uint8)
            for b, m in enumerate(mappers):
                table[b, 1:] = np.searchsorted(m.bin_thresholds_[j], union, side="right")
            self.tables.append(table)
        self.missing_bins = np.array([m.missing_values_bin_idx_ for m in mappers], dtype=np.uint8)
        # ranks as 16-bit integers where they fit (a union holds at most n_members * 255)
        widest = max(map(len, self.union), default=0)
        self.rank_dtype = np.uint16 if widest < 2**16 else np.intp

    def serves(self, estimators, Z: np.ndarray) -> bool:
        """Whether these tables belong to ``estimators`` (the same objects) and fit ``Z``."""
        return self.members == tuple(map(id, estimators)) and self.n_features == Z.shape[1]

    def ranks(self, Z: np.ndarray):
        """``(rank, missing)``: every value's rank among the union thresholds of its feature,
        (n_features, n_samples), and per feature the rows holding NaN."""
        rank = np.empty((self.n_features, Z.shape[0]), dtype=self.rank_dtype)
        missing = []
        for j, union in enumerate(self.union):
            column = Z[:, j]  # one column at a time: no transposed copy of the float table
            rank[j] = np.searchsorted(union, column, side="left")
            missing.append(np.flatnonzero(np.isnan(column)))
        return rank, missing

    def binned(self, Z: np.ndarray):
        """Yield every member's (n_samples, n_features) uint8 bins of ``Z`` in turn (one
        buffer, rewritten for each member: use each table before taking the next)."""
        rank, missing = self.ranks(Z)
        out = np.empty(rank.shape, dtype=np.uint8)
        for b, missing_bin in enumerate(self.missing_bins):
            for j, table in enumerate(self.tables):
                np.take(table[b], rank[j], out=out[j])
                out[j, missing[j]] = missing_bin
            yield out.T


def member_bins(estimators) -> MemberBins | None:
    """:class:`MemberBins` of ``estimators``, or None where one of them cannot walk binned
    features (then every member predicts with its own ``predict``)."""
    if not estimators:
        return None
    n_features = getattr(estimators[0], "n_features_in_", None)
    if not all(_supports_binned(est, n_features) for est in estimators):
        return None
    return MemberBins(estimators)


def _binned_raw(est, binned: np.ndarray) -> np.ndarray:
    """Raw predictions of ``est`` from its binned features: the path scikit-learn takes for its
    own early-stopping scores, the same numbers as ``est._raw_predict`` on the raw features and
    several times faster on wide tables (the trees read one byte per feature, not eight)."""
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

    raw = np.zeros(
        (binned.shape[0], est.n_trees_per_iteration_),
        dtype=est._baseline_prediction.dtype,
        order="F",
    )
    raw += est._baseline_prediction
    est._predict_iterations(
        binned, est._predictors, raw, is_binned=True, n_threads=_openmp_effective_n_threads()
    )
    return raw


def _raw_outputs(estimators, Z: np.ndarray, bins: MemberBins | None = None):
    """Yield ``(est, raw)`` per member: raw predictions from shared binned features where every
    member allows it, else ``raw=None`` (the caller uses the member's own ``predict``).
    ``bins``: the members' :class:`MemberBins`, when built beforehand."""
    Z = np.asarray(Z, dtype=np.float64)
    if bins is None or not bins.serves(estimators, Z):  # not given, or another model's
        bins = member_bins(estimators)
        if bins is not None and bins.n_features != Z.shape[1]:
            bins = None  # a table of another width: the members' own predict says so
    if bins is None:
        for est in estimators:
            yield est, None
        return
    for est, binned in zip(estimators, bins.binned(Z)):
        yield est, _binned_raw(est, binned)


def member_predictions(estimators, Z: np.ndarray, bins: MemberBins | None = None) -> np.ndarray:
    """``predict(Z)`` of every histogram gradient-boosting regressor in ``estimators``, shape
    (n_samples, n_members): the same numbers, trees walked on binned features (``bins``: the
    members' :class:`MemberBins`, built here when not given)."""
    return np.column_stack(
        [
            est.predict(Z) if raw is None else est._loss.link.inverse(raw.ravel())
            for est, raw in _raw_outputs(estimators, Z, bins)
        ]
    )


def member_probas(classifiers, Z: np.ndarray, bins: MemberBins | None = None) -> list[np.ndarray]:
    """``predict_proba(Z)`` of every histogram gradient-boosting classifier in ``classifiers``
    (the same numbers, trees walked on binned features)."""
    return [
        est.predict_proba(Z) if raw is None else est._loss.predict_proba(raw)
        for est, raw in _raw_outputs(classifiers, Z, bins)
    ]


def member_probabilities(classifiers, Z: np.ndarray, bins: MemberBins | None = None) -> np.ndarray:
    """P(class 1) of every binary classifier in ``classifiers``: shape (n_samples, n_members)."""
    probas = member_probas(classifiers, Z, bins)
    return np.column_stack([p[:, list(c.classes_).index(1)] for c, p in zip(classifiers, probas)])
