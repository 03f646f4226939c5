"""Choice of pretrained sources on the training rows only (inner cross-validation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone

from ..model_selection import FormulaGroupKFold

__all__: list[str] = []  # internal to skcromel.transfer


def select_sources(
    base: np.ndarray,
    blocks: dict[str, np.ndarray],
    y: np.ndarray,
    groups: np.ndarray,
    learner,
    *,
    error=None,
    n_splits: int = 3,
    min_t: float = 1.0,
    random_state=None,
) -> tuple[list[str], pd.DataFrame]:
    """Sources whose frozen features lower the inner-CV error of ``learner`` on the training rows.

    Every source block is scored by the paired, compound-grouped ``n_splits``-fold CV of
    ``learner`` on ``base`` vs ``base + block``: the mean per-row reduction of the error
    (``error(fitted, X_test, y_test)``; default the absolute error of ``predict``) and its t
    statistic (mean / standard error). A source is kept when ``t > min_t`` (the gain is
    larger than one standard error of the paired difference), so a source that helps only by
    chance on a few rows is left out; sources are scored one at a time against the same base.

    Returns
    -------
    selected : list of str
        Kept sources, best first.
    scores : pandas.DataFrame
        One row per source: ``gain`` (mean reduction of the absolute error, target units),
        ``relative_gain`` (over the base MAE), ``t``, ``selected``.
    """
    if not blocks:
        return [], pd.DataFrame(columns=["source", "gain", "relative_gain", "t", "selected"])
    n_groups = len(np.unique(groups))
    splits = list(
        FormulaGroupKFold(min(n_splits, n_groups), random_state=random_state).split(base, y, groups)
    )

    if error is None:

        def error(est, X, y_true):
            return np.abs(est.predict(X) - y_true)

    def cv_errors(X):
        err = np.empty(len(y))
        for train, test in splits:
            est = clone(learner).fit(X[train], y[train])
            err[test] = error(est, X[test], y[test])
        return err

    base_err = cv_errors(base)
    rows = []
    for name, block in blocks.items():
        diff = base_err - cv_errors(np.hstack([base, block]))
        se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.inf
        t = diff.mean() / se if se > 0 else 0.0
        rows.append(
            {
                "source": name,
                "gain": float(diff.mean()),
                "relative_gain": float(diff.mean() / max(base_err.mean(), 1e-12)),
                "t": float(t),
            }
        )
    scores = pd.DataFrame(rows).sort_values("t", ascending=False, kind="stable")
    scores["selected"] = scores["t"] > min_t
    scores = scores.reset_index(drop=True)
    return scores.loc[scores["selected"], "source"].tolist(), scores
