"""Convex blends of regressors with weights chosen on a held-out part of the training data.

A fine-tuned network and gradient boosting on frozen source features make different errors;
their mean is often better than either. Equal weights are a guess, and weights chosen on the test
rows are a leak. :class:`HoldoutBlendRegressor` chooses them the honest way: each member is fitted
on a random (or formula-grouped) part of the training rows, the weights that minimise the error on
the rest are found exactly (a linear programme for the absolute error, a small constrained
least-squares for the squared error), and the members are then refitted on all training rows.

scikit-learn's ``StackingRegressor`` needs a cross-validation partition (k + 1 fits of every
member) and an unconstrained meta-model; one hold-out and weights on the simplex cost two fits
and cannot extrapolate beyond the members.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import linprog, minimize
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.model_selection import GroupShuffleSplit, ShuffleSplit
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples, check_is_fitted, column_or_1d

from ._tags import copy_input_attributes, shared_input_tags

__all__ = ["HoldoutBlendRegressor", "simplex_weights"]


def simplex_weights(P, y, loss: str = "absolute_error") -> np.ndarray:
    """Non-negative weights summing to one that minimise the blend error of member predictions.

    Parameters
    ----------
    P : array of shape (n_samples, n_members)
        Member predictions on held-out rows.
    y : array of shape (n_samples,)
    loss : {"absolute_error", "squared_error"}
        ``absolute_error`` is solved exactly as a linear programme (HiGHS):
        minimise ``sum(t)`` subject to ``-t <= y - P w <= t``, ``w >= 0``, ``sum(w) = 1``.

    Returns
    -------
    ndarray of shape (n_members,)
    """
    P = np.asarray(P, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, m = P.shape
    if len(y) != n:
        raise ValueError(f"P has {n} rows but y has {len(y)}")
    if m == 1:
        return np.ones(1)
    if loss == "absolute_error":
        # variables: w (m), t (n)
        c = np.concatenate([np.zeros(m), np.ones(n)])
        eye = np.eye(n)
        A_ub = np.block([[-P, -eye], [P, -eye]])  # y - Pw <= t  and  Pw - y <= t
        b_ub = np.concatenate([-y, y])
        A_eq = np.concatenate([np.ones(m), np.zeros(n)])[None, :]
        res = linprog(
            c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0],
            bounds=[(0, None)] * (m + n), method="highs",
        )  # fmt: skip
        if not res.success:  # pragma: no cover - a feasible bounded LP always solves
            raise RuntimeError(f"blend weight LP failed: {res.message}")
        w = res.x[:m]
    elif loss == "squared_error":
        res = minimize(
            lambda w: np.mean((y - P @ w) ** 2),
            np.full(m, 1.0 / m),
            jac=lambda w: -2.0 * P.T @ (y - P @ w) / n,
            bounds=[(0.0, 1.0)] * m,
            constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0}],
            method="SLSQP",
        )
        w = res.x
    else:
        raise ValueError(f"loss must be 'absolute_error' or 'squared_error', got {loss!r}")
    w = np.clip(w, 0.0, None)
    return w / w.sum()


def _indexable(X):
    """``X`` in a form rows can be taken from (``sklearn.utils._safe_indexing``): itself for a
    DataFrame, array or list, CSR for sparse input, an array for array-likes that only define
    ``__array__``."""
    if sparse.issparse(X):
        return X.tocsr()  # row indexing (COO/DIA formats have none)
    if hasattr(X, "iloc") or hasattr(X, "shape") or isinstance(X, (list, tuple)):
        return X
    return np.asarray(X)


class HoldoutBlendRegressor(RegressorMixin, BaseEstimator):
    """Weighted mean of regressors, weights chosen on a hold-out of the training rows.

    Parameters
    ----------
    estimators : list of (str, regressor)
        The members; each receives ``X`` unchanged (pipelines that featurize compositions work).
    validation_fraction : float, default=0.1
        Share of the training rows held out to choose the weights.
    loss : {"absolute_error", "squared_error"}, default="absolute_error"
        What the weights minimise on the hold-out (see :func:`simplex_weights`).
    refit : bool, default=True
        Refit every member on all training rows once the weights are chosen (two fits per
        member). ``False`` keeps the members fitted on the smaller part (one fit, less data).
    random_state : int, RandomState or None, default=None
        Seeds the hold-out split.

    Attributes
    ----------
    weights_ : ndarray of shape (n_members,)
        Non-negative, summing to one.
    estimators_ : list of fitted regressors
    holdout_scores_ : dict
        Hold-out error of each member and of the blend (``"blend"``), in ``loss`` units
        (mean absolute or mean squared error).
    n_features_in_ : int
        When a member exposes it (the first member's first).
    feature_names_in_ : ndarray of str
        When a member exposes it (the first member's first).

    Notes
    -----
    ``fit(X, y, groups=...)`` holds out whole groups (``GroupShuffleSplit``), e.g. reduced
    formulas, so that a member that memorises repeated formulas is not favoured when the
    test rows will not share formulas with the training rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.dummy import DummyRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3)); y = X @ [1.0, 2.0, 0.5]
    >>> blend = HoldoutBlendRegressor([("lin", LinearRegression()), ("mean", DummyRegressor())],
    ...                               random_state=0).fit(X, y)
    >>> blend.weights_.round(3)
    array([1., 0.])
    """

    def __init__(
        self,
        estimators,
        *,
        validation_fraction=0.1,
        loss="absolute_error",
        refit=True,
        random_state=None,
    ):
        self.estimators = estimators
        self.validation_fraction = validation_fraction
        self.loss = loss
        self.refit = refit
        self.random_state = random_state

    def _check_params(self):
        if not self.estimators:
            raise ValueError("estimators must be a non-empty list of (name, regressor)")
        names = [name for name, _ in self.estimators]
        if len(set(names)) != len(names):
            raise ValueError(f"estimator names must be unique, got {names}")
        if not 0.0 < float(self.validation_fraction) < 1.0:
            raise ValueError(
                f"validation_fraction must be in (0, 1), got {self.validation_fraction}"
            )
        if self.loss not in ("absolute_error", "squared_error"):
            raise ValueError(f"loss must be 'absolute_error' or 'squared_error', got {self.loss!r}")

    def fit(self, X, y, groups=None):
        """Choose the weights on a hold-out, then (``refit``) refit the members on all rows."""
        self._check_params()
        y = column_or_1d(y, warn=True).astype(np.float64)
        X = _indexable(X)
        n = len(y)
        if _num_samples(X) != n:
            raise ValueError(f"X has {_num_samples(X)} rows but y has {n}")
        if n < 4:
            raise ValueError(
                f"HoldoutBlendRegressor needs at least 4 rows to hold out, got {n} sample(s)"
            )
        if groups is None:
            splitter = ShuffleSplit(
                1, test_size=self.validation_fraction, random_state=self.random_state
            )
        else:
            splitter = GroupShuffleSplit(
                1, test_size=self.validation_fraction, random_state=self.random_state
            )
        fit_idx, val_idx = next(splitter.split(np.zeros((n, 1)), y, groups))

        X_fit, X_val = _safe_indexing(X, fit_idx), _safe_indexing(X, val_idx)
        members = [clone(est).fit(X_fit, y[fit_idx]) for _, est in self.estimators]
        P = np.column_stack([np.asarray(m.predict(X_val), dtype=np.float64) for m in members])
        self.weights_ = simplex_weights(P, y[val_idx], self.loss)

        def err(pred):
            r = y[val_idx] - pred
            return float(np.mean(np.abs(r)) if self.loss == "absolute_error" else np.mean(r**2))

        self.holdout_scores_ = {name: err(P[:, j]) for j, (name, _) in enumerate(self.estimators)}
        self.holdout_scores_["blend"] = err(P @ self.weights_)
        if self.refit:
            members = [clone(est).fit(X, y) for _, est in self.estimators]
        self.estimators_ = members
        copy_input_attributes(self, members)
        return self

    def predict(self, X):
        """Weighted mean of the members' predictions (float64)."""
        check_is_fitted(self, "estimators_")
        X = _indexable(X)
        out = np.zeros(_num_samples(X), dtype=np.float64)
        for w, est in zip(self.weights_, self.estimators_, strict=True):
            if w > 0:  # a member with zero weight does not predict
                out += w * np.asarray(est.predict(X), dtype=np.float64)
        return out

    def __sklearn_tags__(self):
        # what every member accepts, the blend accepts
        members = [est for _, est in (self.estimators or [])]
        return shared_input_tags(super().__sklearn_tags__(), members)

    @property
    def named_estimators_(self) -> dict:
        check_is_fitted(self, "estimators_")
        return {name: est for (name, _), est in zip(self.estimators, self.estimators_, strict=True)}
