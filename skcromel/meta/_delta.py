"""Δ-learning: a regressor fitted on the residual between the target and a physical baseline.

When a cheap estimate of the target exists for every row — the convex-hull energy of computed
competing phases for a formation energy (:class:`~skcromel.ReferenceHullEnergy`), a DFT value for
an experimental one, the prediction of a pretrained source model — learning the *correction*
``y - baseline`` is usually far easier than learning ``y`` (Ramakrishnan, Dral, Rupp & von
Lilienfeld, *J. Chem. Theory Comput.* 11, 2087 (2015)). The baseline needs no fitting on the
target, so it is transfer that cannot leak the test rows.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._tags import copy_input_attributes, shared_input_tags

__all__ = ["DeltaRegressor"]


class DeltaRegressor(RegressorMixin, BaseEstimator):
    """Fit ``regressor`` on ``y - baseline(X)``; predict ``baseline(X) + regressor(X)``.

    Parameters
    ----------
    regressor : regressor, optional
        Receives ``X`` unchanged (so it may be a pipeline that featurizes compositions).
        Default: ``HistGradientBoostingRegressor()``.
    baseline : transformer or None, default=None
        Computes the baseline from ``X`` (column ``baseline_column`` of its output), e.g.
        :class:`~skcromel.ReferenceHullEnergy`. It is fitted on ``X`` alone — never on ``y`` —
        in every ``fit`` (a fresh clone). ``None``: column ``baseline_column`` of the numeric
        ``X`` itself is the baseline (a precomputed baseline).
    baseline_column : int, default=0
    baseline_scale : float, default=1.0
        Multiplies the baseline (e.g. a unit conversion); 0 turns Δ-learning off.
    drop_baseline_column : bool, default=False
        With ``baseline=None``: remove the baseline column from what the regressor sees (by
        default it stays one of the regressor's features).

    Attributes
    ----------
    baseline_ : fitted transformer or None
    regressor_ : fitted regressor
    n_features_in_ : int
        When ``baseline`` is None, or when the regressor (or the baseline) exposes it.
    feature_names_in_ : ndarray of str
        Likewise, when ``X`` had feature names.

    Raises
    ------
    ValueError
        If the baseline is not finite for some row (the message names the first such row):
        a residual of NaN would silently drop that row from the fit.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> X = np.array([[1.0, 0.1], [2.0, 0.3], [3.0, 0.2], [4.0, 0.5]])
    >>> y = X[:, 0] + 0.5 * X[:, 1]          # baseline = first column, residual linear in X
    >>> DeltaRegressor(Ridge(alpha=1e-6)).fit(X, y).predict(X).round(3)
    array([1.05, 2.15, 3.1 , 4.25])
    """

    def __init__(
        self,
        regressor=None,
        baseline=None,
        *,
        baseline_column=0,
        baseline_scale=1.0,
        drop_baseline_column=False,
    ):
        self.regressor = regressor
        self.baseline = baseline
        self.baseline_column = baseline_column
        self.baseline_scale = baseline_scale
        self.drop_baseline_column = drop_baseline_column

    def _split(self, X, fitting: bool) -> tuple[np.ndarray, object]:
        """The baseline of every row and what the regressor receives (``X`` validated once)."""
        if self.baseline is None:
            X = validate_data(self, X, reset=fitting, dtype=np.float64)
            if not 0 <= self.baseline_column < X.shape[1]:
                raise ValueError(
                    f"baseline_column={self.baseline_column} but X has {X.shape[1]} columns"
                )
            b = X[:, self.baseline_column]
            if self.drop_baseline_column:
                X = np.delete(X, self.baseline_column, axis=1)
        else:
            if fitting:
                self.baseline_ = clone(self.baseline).fit(X)
            out = self.baseline_.transform(X)
            if sparse.issparse(out):  # a baseline that keeps sparse input sparse: one column
                b = out.tocsc()[:, [self.baseline_column]].toarray()[:, 0]
            else:
                out = np.asarray(out)
                b = out[:, self.baseline_column] if out.ndim == 2 else out
        b = np.asarray(b, dtype=np.float64) * float(self.baseline_scale)
        bad = np.flatnonzero(~np.isfinite(b))
        if len(bad):
            raise ValueError(
                f"baseline is not finite for row {bad[0]} ({len(bad)} rows in all); fix the "
                "input or use a baseline that covers every row"
            )
        return b, X

    def fit(self, X, y, **fit_params):
        """Fit the baseline on ``X``, then the regressor on the residual.

        ``fit_params`` are passed to the regressor's ``fit``.
        """
        from sklearn.ensemble import HistGradientBoostingRegressor

        y = column_or_1d(y, warn=True).astype(np.float64)
        if self.baseline is None:
            self.baseline_ = None
        b, X_reg = self._split(X, fitting=True)
        if len(b) != len(y):
            raise ValueError(f"X has {len(b)} rows but y has {len(y)}")
        reg = self.regressor if self.regressor is not None else HistGradientBoostingRegressor()
        self.regressor_ = clone(reg).fit(X_reg, y - b, **fit_params)
        if self.baseline is not None:  # else validate_data set them
            copy_input_attributes(self, (self.regressor_, self.baseline_))
        return self

    def predict(self, X):
        """``baseline(X) + regressor.predict(X)`` as float64."""
        check_is_fitted(self, "regressor_")
        b, X_reg = self._split(X, fitting=False)
        return b + np.asarray(self.regressor_.predict(X_reg), dtype=np.float64).reshape(-1)

    def predict_baseline(self, X):
        """The baseline alone (the prediction with a zero correction)."""
        check_is_fitted(self, "regressor_")
        return self._split(X, fitting=False)[0]

    def __sklearn_tags__(self):
        from sklearn.ensemble import HistGradientBoostingRegressor

        tags = super().__sklearn_tags__()
        if self.baseline is not None:  # X goes to the baseline and the regressor as it is
            reg = self.regressor if self.regressor is not None else HistGradientBoostingRegressor()
            tags = shared_input_tags(tags, [self.baseline, reg])
        return tags
