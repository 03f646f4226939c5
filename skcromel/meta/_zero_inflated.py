"""Zero-inflated ("hurdle") regression for targets with a point mass at zero.

Experimental band gaps are the typical case: about half of ``matbench_expt_gap`` are metals with a
gap of exactly 0 eV. A single regressor smears that point mass (it predicts small positive gaps for
metals and pulls semiconductors down); a hurdle model first classifies *zero vs non-zero*, then
regresses the value on the non-zero rows only.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples, check_is_fitted, column_or_1d

from ._tags import copy_input_attributes, shared_input_tags

__all__ = ["ZeroInflatedRegressor"]


class ZeroInflatedRegressor(RegressorMixin, BaseEstimator):
    """Classifier for ``y == zero_value`` + regressor fitted on the other rows.

    Parameters
    ----------
    classifier : classifier, optional
        Predicts whether a row is non-zero (needs ``predict_proba``). Default:
        ``HistGradientBoostingClassifier(max_iter=400, learning_rate=0.05)``.
    regressor : regressor, optional
        Fitted on the rows with ``y != zero_value`` only. Default:
        ``HistGradientBoostingRegressor(max_iter=600, learning_rate=0.05)``.
    prediction : {"threshold", "expected"}, default="threshold"
        ``"threshold"``: the regressor's value where P(non-zero) > ``threshold``, else
        ``zero_value`` (the better choice for MAE); ``"expected"``: P(non-zero) × value +
        (1 − P) × ``zero_value`` (the better choice for squared error).
    threshold : float, default=0.5
    zero_value : float, default=0.0
        The point mass (compared exactly; values within ``atol`` of it count as zero).
    atol : float, default=0.0
    min_class_count : int, default=2
        Fewest rows the smaller class (zero or non-zero) must have for the hurdle to be used.
        Below it (e.g. one zero among thousands of rows, which a stratified early-stopping
        classifier cannot split) the classifier is a constant for the larger class, and if
        that class is non-zero the regressor is fitted on *all* rows (a plain regressor).

    Attributes
    ----------
    classifier_ : fitted classifier
    regressor_ : fitted regressor
    nonzero_fraction_ : float
        Fraction of training rows that are non-zero.
    hurdle_ : bool
        Whether the classifier was fitted (both classes have at least ``min_class_count`` rows).
    n_features_in_ : int
        Only when a member exposes it (the classifier's first).
    feature_names_in_ : ndarray of str
        Only when a member exposes it (the classifier's first).

    Notes
    -----
    Inputs are passed to both members unchanged, so ``X`` may be anything they accept (a
    DataFrame with a composition column for a pipeline that featurizes, an array...). If all
    training rows are zero or all non-zero, the missing member is replaced by a constant.
    """

    def __init__(
        self,
        classifier=None,
        regressor=None,
        *,
        prediction="threshold",
        threshold=0.5,
        zero_value=0.0,
        atol=0.0,
        min_class_count=2,
    ):
        self.classifier = classifier
        self.regressor = regressor
        self.prediction = prediction
        self.threshold = threshold
        self.zero_value = zero_value
        self.atol = atol
        self.min_class_count = min_class_count

    def _members(self):
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        clf = self.classifier
        if clf is None:
            clf = HistGradientBoostingClassifier(max_iter=400, learning_rate=0.05)
        reg = self.regressor
        if reg is None:
            reg = HistGradientBoostingRegressor(max_iter=600, learning_rate=0.05)
        return clone(clf), clone(reg)

    def fit(self, X, y):
        if self.prediction not in ("threshold", "expected"):
            raise ValueError(
                f"prediction must be 'threshold' or 'expected', got {self.prediction!r}"
            )
        if not 0.0 < float(self.threshold) < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold!r}")
        n_rows = _num_samples(X)
        if n_rows == 0:
            shape = getattr(X, "shape", (0,))
            raise ValueError(
                f"Found array with 0 sample(s) (shape={tuple(shape)}) while a minimum of 1 is "
                "required."
            )
        y = column_or_1d(np.asarray(y, dtype=np.float64), warn=True)
        if not np.isfinite(y).all():
            bad = int(np.flatnonzero(~np.isfinite(y))[0])
            raise ValueError(f"y has a non-finite value at row {bad}: {y[bad]!r}")
        if n_rows != y.shape[0]:
            raise ValueError(f"X has {n_rows} rows but y has {y.shape[0]}")
        if int(self.min_class_count) < 1:
            raise ValueError(f"min_class_count must be >= 1, got {self.min_class_count!r}")
        nonzero = np.abs(y - float(self.zero_value)) > float(self.atol)
        self.nonzero_fraction_ = float(nonzero.mean())
        clf, reg = self._members()
        n_nonzero = int(nonzero.sum())
        self.hurdle_ = min(n_nonzero, n_rows - n_nonzero) >= int(self.min_class_count)
        if self.hurdle_:
            self.classifier_ = clf.fit(X, nonzero.astype(int))
        else:  # one class (nearly) absent: no hurdle
            majority_nonzero = n_nonzero * 2 >= n_rows
            self.classifier_ = _Constant(float(majority_nonzero))
            nonzero = np.ones(n_rows, dtype=bool) if majority_nonzero else np.zeros(n_rows, bool)
        if nonzero.any():
            rows = np.flatnonzero(nonzero)
            if sparse.issparse(X):
                X = X.tocsr()  # row indexing (COO/DIA formats have none)
            elif not hasattr(X, "__getitem__"):  # array-likes without indexing (e.g. __array__)
                X = np.asarray(X)
            self.regressor_ = reg.fit(_safe_indexing(X, rows), y[nonzero])
        else:
            self.regressor_ = _Constant(float(self.zero_value))
        copy_input_attributes(self, (self.classifier_, self.regressor_))
        return self

    def predict_proba_nonzero(self, X) -> np.ndarray:
        """P(y != zero_value) for each row (float64, 1-D)."""
        check_is_fitted(self, "classifier_")
        proba = self.classifier_.predict_proba(X)
        classes = list(getattr(self.classifier_, "classes_", [0, 1]))
        return np.asarray(proba[:, classes.index(1)], dtype=np.float64)

    def predict(self, X) -> np.ndarray:
        """Predicted values (float64, 1-D)."""
        p = self.predict_proba_nonzero(X)
        value = np.asarray(self.regressor_.predict(X), dtype=np.float64).reshape(-1)
        zero = float(self.zero_value)
        if self.prediction == "expected":
            return p * value + (1.0 - p) * zero
        return np.where(p > float(self.threshold), value, zero)

    def __sklearn_tags__(self):
        # X goes to both members unchanged: it accepts what both accept (sparse, NaN, strings...)
        return shared_input_tags(super().__sklearn_tags__(), self._members())


class _Constant:
    """Stand-in member when the training targets are all zero or all non-zero."""

    classes_ = np.array([0, 1])

    def __init__(self, value: float):
        self.value = value

    def predict(self, X):
        return np.full(_num_samples(X), self.value)

    def predict_proba(self, X):
        p = np.full(_num_samples(X), self.value)
        return np.column_stack([1.0 - p, p])
