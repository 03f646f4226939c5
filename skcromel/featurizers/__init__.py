"""Composition featurizers (scikit-learn transformers) and the matminer adapter.

* :class:`ElementStats` -- weighted statistics of element property tables (Magpie and embedding
  presets); :class:`ElementFraction` -- element fractions (the ElemNet input).
* :class:`Stoichiometry`, :class:`ValenceOrbital`, :class:`IonProperty` and :func:`magpie_full`
  -- the other Magpie attribute groups (L. Ward et al., *npj Comput. Mater.* 2, 16028, 2016).
* :class:`ReferenceHullEnergy`, :class:`ReferenceLookup` -- values of a computed reference table:
  the convex hull of competing phases at a composition, or the value of the same compound.
* :class:`MatminerFeaturizer` -- any of them as a matminer ``BaseFeaturizer`` (imported on first
  use; needs matminer).
"""

from __future__ import annotations

from .._lazy import lazy_attributes
from ._attributes import IonProperty, Stoichiometry, ValenceOrbital, magpie_full
from ._base import CompositionTransformer, OneColumnTransformerMixin
from ._fraction import ElementFraction
from ._hull import ReferenceHullEnergy, hull_energy
from ._reference import ReferenceLookup, read_reference_table
from ._stats import STATS, ElementStats

_LAZY = {"MatminerFeaturizer": "._matminer"}

__all__ = [
    "STATS",
    "CompositionTransformer",
    "ElementFraction",
    "ElementStats",
    "IonProperty",
    "OneColumnTransformerMixin",
    "ReferenceHullEnergy",
    "ReferenceLookup",
    "Stoichiometry",
    "ValenceOrbital",
    "hull_energy",
    "magpie_full",
    "read_reference_table",
    *_LAZY,
]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())
