"""Shared behaviour of composition featurizers (scikit-learn transformers on compositions)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..parsing import ON_ERROR_OPTIONS, ParsedCompositions, as_composition_array, parse_compositions

__all__ = ["CompositionTransformer", "OneColumnTransformerMixin"]


class OneColumnTransformerMixin:
    """Bookkeeping shared by transformers whose input is one column of objects (formulas,
    compositions, structures): input recording at fit, ``on_error`` check, feature names, tags.

    Used by :class:`CompositionTransformer` and
    :class:`~skcromel.structure.CenterEnvironmentFeaturizer`; a subclass sets
    ``feature_names_out_`` in ``fit``.
    """

    def _record_input(self, X, what: str = "compositions"):
        """Values of ``X`` as a 1-D object array; sets ``n_features_in_``/``feature_names_in_``."""
        values, name = as_composition_array(X)
        if len(values) == 0:
            raise ValueError(f"cannot fit on an empty collection of {what}")
        self.n_features_in_ = 1
        if name is not None:
            self.feature_names_in_ = np.asarray([name], dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return values

    def _check_on_error(self):
        if self.on_error not in ON_ERROR_OPTIONS:
            raise ValueError(f"on_error must be one of {ON_ERROR_OPTIONS}, got {self.on_error!r}")

    def get_feature_names_out(self, input_features=None):
        """Names of the output features."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        tags.input_tags.allow_nan = False
        tags.requires_fit = True
        return tags


class CompositionTransformer(OneColumnTransformerMixin, TransformerMixin, BaseEstimator):
    """Base class: input handling, fitted attributes, feature names and tags.

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
        parsed = parse_compositions(X, on_error=self.on_error)
        return self._featurize(parsed)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags

    # ------------------------------------------------------------------ helpers
    def _check_params(self):  # pragma: no cover - overridden
        pass

    def _feature_names(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _featurize(self, parsed: ParsedCompositions) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError
