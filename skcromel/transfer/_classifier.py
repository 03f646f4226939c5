"""``TransferClassifier``: bagged gradient boosting on the features of :class:`TransferRegressor`."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._base import _TransferBase
from ._ensemble import member_probas

__all__ = ["TransferClassifier"]


def _true_class_error(est, X, y):
    """1 - predicted probability of the true class (per row)."""
    proba = est.predict_proba(X)
    cols = np.searchsorted(est.classes_, y)
    ok = (cols < len(est.classes_)) & (est.classes_[np.minimum(cols, len(est.classes_) - 1)] == y)
    p = np.zeros(len(y))
    p[ok] = proba[np.flatnonzero(ok), cols[ok]]
    return 1.0 - p


class TransferClassifier(ClassifierMixin, _TransferBase):
    """Bagged gradient-boosting classifier on composition statistics and frozen sources.

    The classification twin of :class:`TransferRegressor` (metal / non-metal, glass formation):
    the same features (composition statistics, frozen pretrained sources chosen on the training
    rows, extra numeric columns) and ``n_estimators`` members fitted on compound-grouped bootstrap
    samples; ``predict_proba`` averages the members' probabilities. Every default was fixed before
    any evaluation on the benchmark datasets and is the same for every dataset.

    Parameters
    ----------
    composition_column, composition_features, sources, n_estimators, bagging, max_iter, \
learning_rate, max_features, min_samples_leaf, group_tol, on_error, n_jobs, random_state
        As in :class:`TransferRegressor`; with ``sources="auto"`` a source is kept when it lowers
        the inner-CV error ``1 - P(true class)`` by more than one standard error. One difference:
        ``bagging`` defaults to ``"bootstrap"`` here (the regressor's ``"kfold"`` was chosen on
        regression development sets; the classifier keeps the setting it was evaluated with).

    Attributes
    ----------
    classes_ : ndarray
    estimators_ : list of HistGradientBoostingClassifier
    features_, sources_, source_scores_, columns_, n_features_in_, feature_names_in_
        As in :class:`TransferRegressor`.
    oob_decision_ : ndarray of shape (n_samples, n_classes)
        Out-of-bag class probabilities of the training rows (NaN without out-of-bag members).
    """

    def __init__(
        self,
        composition_column=None,
        *,
        composition_features=("magpie_full", "megnet16"),
        sources="auto",
        n_estimators=8,
        bagging="bootstrap",
        max_iter=300,
        learning_rate=0.1,
        max_features=0.5,
        min_samples_leaf=10,
        group_tol=0.005,
        on_error="raise",
        n_jobs=None,
        random_state=None,
    ):
        self.composition_column = composition_column
        self.composition_features = composition_features
        self.sources = sources
        self.n_estimators = n_estimators
        self.bagging = bagging
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf
        self.group_tol = group_tol
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _classifier(self, fast: bool = False):
        return self._booster(HistGradientBoostingClassifier, fast=fast)

    def fit(self, X, y, groups=None):
        """Featurize, choose sources on the training rows, fit the bagged members.

        Parameters
        ----------
        X : compositions or DataFrame with a composition column (+ numeric columns)
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), optional
            Compound labels (default: near-duplicate groups of the compositions).

        Returns
        -------
        self
        """
        y = column_or_1d(np.asarray(y), warn=True)
        if len(y) < 2:
            raise ValueError(
                f"TransferClassifier needs at least 2 samples (compounds), got {len(y)} sample(s)"
            )
        if y.dtype.kind in "fc" and not np.isfinite(y).all():
            bad = int(np.flatnonzero(~np.isfinite(y))[0])
            raise ValueError(f"y has a missing or non-finite label at row {bad}")
        check_classification_targets(y)
        self._label_encoder = LabelEncoder().fit(y)
        self.classes_ = self._label_encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(f"TransferClassifier needs at least 2 classes, got {self.classes_}")
        yi = self._label_encoder.transform(y)
        F, groups = self._prepare_fit(X, groups)
        if len(F) != len(yi):
            raise ValueError(f"X has {len(F)} rows but y has {len(yi)}")
        self.columns_ = self._choose_columns(
            F, yi, groups, self._classifier(fast=True), error=_true_class_error
        )
        Z = F[:, self.columns_]
        self.estimators_, oob = self._fit_members(self._classifier(), Z, yi, groups)
        self._index_members()
        P = self._member_proba(Z)  # (n, B, k)
        with np.errstate(invalid="ignore"):
            num = np.where(oob[:, :, None], P, 0.0).sum(axis=1)
            den = oob.sum(axis=1)[:, None]
            self.oob_decision_ = np.where(den > 0, num / np.maximum(den, 1), np.nan)
        return self

    def _member_proba(self, Z) -> np.ndarray:
        k = len(self.classes_)
        out = np.zeros((len(Z), len(self.estimators_), k))
        probas = member_probas(self.estimators_, Z, self._member_bins("estimators_"))
        for b, (est, proba) in enumerate(zip(self.estimators_, probas)):
            # a member whose bootstrap sample missed a class gives it probability 0
            out[:, b, est.classes_] = proba
        return out

    def predict_proba(self, X) -> np.ndarray:
        """Mean class probabilities of the members, shape (n_samples, n_classes)."""
        check_is_fitted(self, "estimators_")

        def mean_proba(Z, valid):
            proba = self._member_proba(Z).mean(axis=1)
            proba[~valid] = np.nan
            return proba

        return self._in_batches(X, mean_proba)[0]

    def predict(self, X) -> np.ndarray:
        """Most probable class of every row."""
        proba = self.predict_proba(X)
        if np.isnan(proba).any():
            raise ValueError(
                "some rows could not be featurized (on_error='nan'); use predict_proba, which "
                "gives them NaN"
            )
        return self._label_encoder.inverse_transform(proba.argmax(axis=1))
