"""The recommended estimators for a new small dataset, and the choice of pretrained sources.

* :class:`TransferRegressor` -- bagged gradient boosting on composition statistics and frozen
  pretrained sources chosen on the training rows; uncertainty (``predict(X, return_std=True)``)
  and calibrated prediction intervals (``predict_interval``); a zero-inflation hurdle when many
  targets are exactly zero; optional fine-tuned ElemNet members (``networks=[...]``) blended on a
  hold-out of the training compounds.
* :class:`TransferClassifier` -- its classification twin (``predict_proba``).
* :class:`TransferFeatures` -- their feature table as a transformer.
* :func:`rank_sources` -- transferability score of each pretrained source for a target dataset,
  from the training rows only (before any fine-tuning).
"""

from __future__ import annotations

from .._lazy import lazy_attributes
from ._base import AUTO_SOURCES
from ._classifier import TransferClassifier
from ._features import COMPOSITION_BLOCKS, TransferFeatures, source_kind
from ._regressor import TransferRegressor

_LAZY: dict[str, str] = {"rank_sources": "._ranking"}

__all__ = [
    "AUTO_SOURCES",
    "COMPOSITION_BLOCKS",
    "TransferClassifier",
    "TransferFeatures",
    "TransferRegressor",
    "source_kind",
    *_LAZY,
]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())
