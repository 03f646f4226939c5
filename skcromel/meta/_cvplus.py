"""``CVPlusRegressor``: prediction intervals for any regressor by CV+ (cross-conformal)."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples, check_is_fitted, column_or_1d

from ._tags import copy_input_attributes, shared_input_tags

__all__ = ["CVPlusRegressor"]


def _compound_groups(X):
    """Near-duplicate groups when ``X`` holds compositions, else None."""
    from ..matching import near_duplicate_groups

    if hasattr(X, "columns"):
        if "composition" not in X.columns:
            return None
        X = X["composition"]
    values = np.asarray(X, dtype=object)
    if values.ndim != 1 or not len(values) or isinstance(values[0], int | float | np.number):
        return None
    return near_duplicate_groups(values, on_error="nan")


class CVPlusRegressor(RegressorMixin, BaseEstimator):
    """Any regressor with CV+ prediction intervals (R. F. Barber, E. J. Candès, A. Ramdas,
    R. J. Tibshirani, "Predictive inference with the jackknife+", *Ann. Statist.* 49, 486, 2021).

    ``fit`` fits one clone of ``estimator`` per cross-validation fold (its out-of-fold absolute
    residuals ``R_i`` calibrate the intervals) and one on all rows (the point prediction). The
    interval at ``x`` is ``[q_lo{mu_-k(i)(x) - R_i}, q_hi{mu_-k(i)(x) + R_i}]`` over the training
    rows ``i``, with ``mu_-k(i)`` the model that did not see row ``i``'s fold: at least
    ``1 - 2 alpha`` coverage in theory, about ``1 - alpha`` in practice. The anchor implementation
    is MAPIE's ``CrossConformalRegressor(method="plus")``; this one takes groups, so folds can
    keep compounds together.

    Parameters
    ----------
    estimator : regressor
    cv : int or cross-validation splitter, default=5
        An int means scikit-learn's ``GroupKFold`` (shuffled) with that many folds when ``fit``
        gets ``groups``, else a shuffled ``KFold``.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds (an int cv) and is passed to the clones when they take one.

    Attributes
    ----------
    estimator_ : fitted regressor (on all rows)
    estimators_ : list of fitted regressors (one per fold)
    fold_of_row_ : ndarray of int
    residuals_ : ndarray of float
        Out-of-fold absolute residuals of the training rows.
    n_features_in_ : int
    """

    def __init__(self, estimator, *, cv=5, random_state=None):
        self.estimator = estimator
        self.cv = cv
        self.random_state = random_state

    def _splitter(self, X, groups):
        if not isinstance(self.cv, int | np.integer):
            return self.cv
        from sklearn.model_selection import GroupKFold, KFold

        if groups is not None:
            return GroupKFold(int(self.cv), shuffle=True, random_state=self.random_state)
        return KFold(int(self.cv), shuffle=True, random_state=self.random_state)

    def _clone(self):
        est = clone(self.estimator)
        seeded = {k: self.random_state for k in est.get_params() if k.endswith("random_state")}
        return est.set_params(**seeded) if self.random_state is not None and seeded else est

    def fit(self, X, y, groups=None):
        """Fit one clone per fold (calibration residuals) and one on all rows.

        Parameters
        ----------
        X : what ``estimator`` accepts
        y : array-like of shape (n_samples,)
        groups : array-like of shape (n_samples,), optional
            Rows sharing a group are kept in one fold. Default: when ``X`` holds compositions
            (a DataFrame with a ``composition`` column, or a 1-D collection of formulas or
            pymatgen objects), their near-duplicate compounds
            (:func:`skcromel.matching.near_duplicate_groups`), so a compound's residual always
            comes from a model that never saw it; otherwise no groups.

        Returns
        -------
        self
        """
        y = column_or_1d(np.asarray(y, dtype=np.float64), warn=True)
        if sparse.issparse(X):
            X = X.tocsr()  # row indexing (COO/DIA formats have none)
        elif not hasattr(X, "__getitem__"):  # array-likes without indexing (e.g. __array__)
            X = np.asarray(X)
        n = _num_samples(X)
        if n != len(y):
            raise ValueError(f"X has {n} rows but y has {len(y)}")
        if n < 2:
            raise ValueError(f"CVPlusRegressor needs at least 2 samples, got {n} sample(s)")
        if groups is None:
            groups = _compound_groups(X)
        fold = np.full(n, -1)
        self.estimators_ = []
        pred = np.empty(n)
        splitter = self._splitter(X, groups)
        for k, (train, test) in enumerate(splitter.split(np.zeros((n, 1)), y, groups)):
            est = self._clone().fit(_safe_indexing(X, train), y[train])
            pred[test] = est.predict(_safe_indexing(X, test))
            fold[test] = k
            self.estimators_.append(est)
        if (fold < 0).any():
            raise ValueError("the cross-validation splitter left rows out of every test fold")
        self.fold_of_row_ = fold
        self.residuals_ = np.abs(y - pred)
        self.estimator_ = self._clone().fit(X, y)
        copy_input_attributes(self, [self.estimator_])
        return self

    def predict(self, X):
        """Point predictions of the model fitted on all rows."""
        check_is_fitted(self, "estimator_")
        return np.asarray(self.estimator_.predict(X), dtype=np.float64)

    def predict_interval(self, X, alpha=0.1):
        """CV+ intervals at miscoverage ``alpha``, shape (n_samples, 2)."""
        check_is_fitted(self, "estimators_")
        if not 0 < float(alpha) < 1:
            raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
        P = np.column_stack([np.asarray(e.predict(X), dtype=np.float64) for e in self.estimators_])
        n = len(self.residuals_)
        k_lo = int(np.floor(float(alpha) * (n + 1)))
        k_hi = int(np.ceil((1 - float(alpha)) * (n + 1)))
        out = np.empty((len(P), 2))
        step = max(1, 2_000_000 // max(n, 1))
        for s in range(0, len(P), step):
            centre = P[s : s + step][:, self.fold_of_row_]  # (m, n): mu_-k(i)(x)
            low = np.sort(centre - self.residuals_, axis=1)
            high = np.sort(centre + self.residuals_, axis=1)
            out[s : s + step, 0] = low[:, k_lo - 1] if k_lo >= 1 else -np.inf
            out[s : s + step, 1] = high[:, k_hi - 1] if k_hi <= n else np.inf
        return out

    def __sklearn_tags__(self):
        return shared_input_tags(super().__sklearn_tags__(), [self.estimator])
