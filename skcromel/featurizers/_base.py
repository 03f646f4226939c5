"""Shared behaviour of composition featurizers (scikit-learn transformers on compositions)."""

from __future__ import annotations

import warnings
from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..parsing import ON_ERROR_OPTIONS, ParsedCompositions, as_composition_array, parse_compositions

__all__ = ["CompositionTransformer", "OneColumnTransformerMixin"]


def validate_compositions(estimator, X, *, reset: bool, what: str = "compositions") -> np.ndarray:
    """One column of compositions (or structures) as a 1-D object array, checked the way
    :func:`sklearn.utils.validation.validate_data` checks a numeric ``X``.

    * An empty collection raises a ``ValueError`` (at fit, transform and predict alike).
    * ``reset=True`` (fit) sets ``n_features_in_ = 1`` and ``feature_names_in_`` (only for a
      one-column DataFrame with a string column name; removed otherwise). ``X=None`` (estimators
      whose ``fit`` needs no data) sets ``n_features_in_ = 1`` and leaves the names unchecked later.
    * ``reset=False`` (transform/predict): a DataFrame column whose name differs from the one seen
      in ``fit`` raises a ``ValueError`` naming both; names present at only one of fit and
      predict warn, with scikit-learn's messages.

    The contents are not parsed here (the estimators parse with their own ``on_error``).
    """
    if reset and X is None:
        estimator.n_features_in_ = 1
        estimator._input_names_unknown = True
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return np.empty(0, dtype=object)
    values, name = as_composition_array(X)
    cls = type(estimator).__name__
    if len(values) == 0:
        raise ValueError(
            f"{cls}: X holds 0 {what} (an empty collection) while a minimum of 1 is required"
        )
    if reset:
        estimator.n_features_in_ = 1
        estimator._input_names_unknown = False
        if name is not None:
            estimator.feature_names_in_ = np.asarray([name], dtype=object)
        elif hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return values
    check_feature_names(estimator, None if name is None else [name], stacklevel=4)
    return values


def check_feature_names(estimator, names, *, stacklevel: int = 3) -> None:
    """Check the column names of ``X`` at transform/predict against those seen in ``fit``.

    ``names``: the columns of ``X`` (a list of str), or None for input without names. Names that
    differ from ``estimator.feature_names_in_`` raise a ``ValueError`` naming both; names present
    at only one of fit and predict warn, with scikit-learn's messages.
    """
    cls = type(estimator).__name__
    fitted = getattr(estimator, "feature_names_in_", None)
    if fitted is not None and names is not None and list(names) != list(fitted):
        raise ValueError(
            f"{cls} was fitted with the columns {list(fitted)}, but X has the columns "
            f"{list(names)}: the feature names should match those that were passed during fit "
            "(same names, same order)"
        )
    if fitted is not None and names is None:
        warnings.warn(
            f"X does not have valid feature names, but {cls} was fitted with feature names",
            UserWarning,
            stacklevel=stacklevel,
        )
    elif (
        fitted is None
        and names is not None
        and hasattr(estimator, "n_features_in_")
        and not getattr(estimator, "_input_names_unknown", False)
    ):
        warnings.warn(
            f"X has feature names, but {cls} was fitted without feature names",
            UserWarning,
            stacklevel=stacklevel,
        )


def composition_input_tags(tags):
    """Input tags of an estimator whose ``X`` is one column of compositions."""
    tags.input_tags.two_d_array = False
    tags.input_tags.one_d_array = True
    tags.input_tags.string = True
    tags.input_tags.dict = True
    tags.input_tags.allow_nan = False
    return tags


class OneColumnTransformerMixin:
    """Bookkeeping shared by transformers whose input is one column of objects (formulas,
    compositions, structures): input recording at fit, ``on_error`` check, feature names, tags.

    Used by :class:`CompositionTransformer` and
    :class:`~skcromel.structure.CenterEnvironmentFeaturizer`; a subclass sets
    ``feature_names_out_`` in ``fit``.
    """

    def _record_input(self, X, what: str = "compositions"):
        """Values of ``X`` as a 1-D object array; sets ``n_features_in_``/``feature_names_in_``."""
        return validate_compositions(self, X, reset=True, what=what)

    def _check_input(self, X, what: str = "compositions"):
        """Values of ``X`` at transform: not empty, same column name as in ``fit``."""
        return validate_compositions(self, X, reset=False, what=what)

    def _check_on_error(self):
        if self.on_error not in ON_ERROR_OPTIONS:
            raise ValueError(f"on_error must be one of {ON_ERROR_OPTIONS}, got {self.on_error!r}")

    def get_feature_names_out(self, input_features=None):
        """Names of the output features."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = composition_input_tags(super().__sklearn_tags__())
        tags.requires_fit = True
        return tags


class CompositionTransformer(
    OneColumnTransformerMixin, TransformerMixin, BaseEstimator, metaclass=ABCMeta
):
    """Abstract base class: input handling, fitted attributes, feature names and tags.

    Subclasses implement ``_check_params()`` (validate constructor arguments, return nothing),
    ``_feature_names()`` (computable from parameters alone, so adapters know the labels before any
    data is seen) and ``_featurize(parsed)`` (a :class:`~skcromel.parsing.ParsedCompositions` ->
    float64 array).
    """

    # ------------------------------------------------------------------ scikit-learn API
    def fit(self, X, y=None):
        """Validate parameters and the input's form. No data-dependent state is learned.

        Parameters
        ----------
        X : collection of compositions
            Formula strings, pymatgen ``Composition``/``Structure`` objects or dicts, as a list,
            1-D array, Series, or one-column 2-D array/DataFrame.
        y : ignored
        """
        self._check_on_error()
        self._check_params()
        self._record_input(X, "compositions")
        self.feature_names_out_ = np.asarray(self._feature_names(), dtype=object)
        return self

    def transform(self, X):
        """Featurize compositions; rows keep their number and order.

        Returns
        -------
        ndarray of float64, shape (n_samples, n_features_out)
        """
        check_is_fitted(self, "feature_names_out_")
        parsed = parse_compositions(self._check_input(X), on_error=self.on_error)
        return self._featurize(parsed)

    # ------------------------------------------------------------------ helpers
    def _check_params(self):  # pragma: no cover - overridden
        pass

    @abstractmethod
    def _feature_names(self) -> list[str]:
        """Output feature names, from the parameters alone."""

    @abstractmethod
    def _featurize(self, parsed: ParsedCompositions) -> np.ndarray:
        """Parsed compositions -> float64 features (one row per composition)."""
