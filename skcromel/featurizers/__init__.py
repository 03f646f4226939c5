"""Composition featurizers (scikit-learn transformers)."""

from .base import CompositionTransformer
from .fraction import ElementFraction
from .hull import ReferenceHullEnergy
from .stats import STATS, ElementStats

__all__ = [
    "CompositionTransformer",
    "ElementFraction",
    "ElementStats",
    "ReferenceHullEnergy",
    "STATS",
]
