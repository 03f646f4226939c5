"""Composition featurizers (scikit-learn transformers)."""

from .attributes import IonProperty, Stoichiometry, ValenceOrbital, magpie_full
from .base import CompositionTransformer
from .fraction import ElementFraction
from .hull import ReferenceHullEnergy
from .reference import ReferenceLookup, read_reference_table
from .stats import STATS, ElementStats

__all__ = [
    "IonProperty",
    "Stoichiometry",
    "ValenceOrbital",
    "magpie_full",
    "CompositionTransformer",
    "ElementFraction",
    "ElementStats",
    "ReferenceHullEnergy",
    "ReferenceLookup",
    "read_reference_table",
    "STATS",
]
