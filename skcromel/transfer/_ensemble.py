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


def bootstrap_bags(groups: np.ndarray, n_bags: int, rng: np.random.RandomState):
    """Yield ``(weights, oob)`` per bag: row weights (draw counts of each row's group) and the
    boolean mask of rows whose group was not drawn."""
    _, inverse = np.unique(groups, return_inverse=True)
    inverse = inverse.ravel()
    n_groups = inverse.max() + 1
    for _ in range(int(n_bags)):
        draws = np.bincount(rng.randint(n_groups, size=n_groups), minlength=n_groups)
        weights = draws[inverse].astype(np.float64)
        yield weights, weights == 0


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


class _SharedBins:
    """The feature table binned for several members at once.

    Each member bins a feature by its own thresholds (bin = number of thresholds strictly
    below the value, NaN to the missing-value bin: scikit-learn's rule). The value's rank among
    the union of all members' thresholds is computed once per feature; a member's bin is then a
    look-up of that rank (its thresholds are a subset of the union), so binning costs one
    binary search per value for all members together instead of one per member.
    """

    def __init__(self, mappers, Z: np.ndarray):
        n_samples, n_features = Z.shape
        self.union = [
            np.unique(np.concatenate([m.bin_thresholds_[j] for m in mappers]))
            for j in range(n_features)
        ]
        # ranks as 16-bit rows (a union holds at most n_members * 255 thresholds), one column of
        # Z at a time: no transposed copy of the whole float table
        dtype = np.uint16 if max(map(len, self.union), default=0) < 2**16 else np.intp
        self.rank = np.empty((n_features, n_samples), dtype=dtype)
        self.missing = []  # per feature: the rows holding NaN
        for j, union in enumerate(self.union):
            column = Z[:, j]
            self.rank[j] = np.searchsorted(union, column, side="left")
            self.missing.append(np.flatnonzero(np.isnan(column)))

    def binned(self, mapper) -> np.ndarray:
        """(n_samples, n_features) uint8 bins of one member, column-major."""
        out = np.empty(self.rank.shape, dtype=np.uint8)
        for j, union in enumerate(self.union):
            table = np.empty(len(union) + 1, dtype=np.uint8)
            table[0] = 0
            table[1:] = np.searchsorted(mapper.bin_thresholds_[j], union, side="right")
            np.take(table, self.rank[j], out=out[j])
            out[j, self.missing[j]] = mapper.missing_values_bin_idx_
        return out.T


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


def _raw_outputs(estimators, Z: np.ndarray):
    """Yield ``(est, raw)`` per member: raw predictions from shared binned features where every
    member allows it, else ``raw=None`` (the caller uses the member's own ``predict``)."""
    Z = np.asarray(Z, dtype=np.float64)
    if not all(_supports_binned(est, Z.shape[1]) for est in estimators):
        for est in estimators:
            yield est, None
        return
    bins = _SharedBins([est._bin_mapper for est in estimators], Z)
    for est in estimators:
        yield est, _binned_raw(est, bins.binned(est._bin_mapper))


def member_predictions(estimators, Z: np.ndarray) -> np.ndarray:
    """``predict(Z)`` of every histogram gradient-boosting regressor in ``estimators``, shape
    (n_samples, n_members): the same numbers, trees walked on binned features."""
    return np.column_stack(
        [
            est.predict(Z) if raw is None else est._loss.link.inverse(raw.ravel())
            for est, raw in _raw_outputs(estimators, Z)
        ]
    )


def member_probas(classifiers, Z: np.ndarray) -> list[np.ndarray]:
    """``predict_proba(Z)`` of every histogram gradient-boosting classifier in ``classifiers``
    (the same numbers, trees walked on binned features)."""
    return [
        est.predict_proba(Z) if raw is None else est._loss.predict_proba(raw)
        for est, raw in _raw_outputs(classifiers, Z)
    ]


def member_probabilities(classifiers, Z: np.ndarray) -> np.ndarray:
    """P(class 1) of every binary classifier in ``classifiers``: shape (n_samples, n_members)."""
    probas = member_probas(classifiers, Z)
    return np.column_stack([p[:, list(c.classes_).index(1)] for c, p in zip(classifiers, probas)])
