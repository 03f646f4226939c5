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
