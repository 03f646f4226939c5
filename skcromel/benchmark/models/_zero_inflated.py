"""Zero-inflated (hurdle) recipes of the benchmark runner, for band-gap-like targets.

Each is a :class:`skcromel.meta.ZeroInflatedRegressor` (a classifier for zero vs
non-zero, a regressor fitted on the non-zero rows only, ``prediction="threshold"``) on datasets
with a ``composition`` column:

``zi_hgb_magpie``
    both members HistGradientBoosting on the 132 magpie statistics.
``zi_hgb_magpie_xgap``
    both members HistGradientBoosting on magpie + the frozen shipped band-gap source
    ``elemnet-small-mp-gap`` (last hidden layer and its prediction of the PBE gap).
``zi_combined_gap``
    classifier as in ``zi_hgb_magpie_xgap``; regressor = equal-weight mean of that HGB, a CroMEL
    fine-tune (shipped ``cromel-offline-cosine``) and a cross-property ElemNet fine-tuned from
    ``elemnet-small-mp-gap``, all fitted on the non-zero training rows.
``zi_hgb_magpie_ion``
    both members HGB on magpie + :class:`~skcromel.IonProperty` (charge balance and ionic
    character; no transfer): isolates the ionic attributes.
``zi_hgb_full``
    both members HGB on the full Magpie set (:func:`~skcromel.magpie_full`: stoichiometry,
    magpie statistics, valence orbitals, ionic attributes), oliynyk and megnet16 statistics and
    both frozen shipped ElemNet sources (band gap and formation energy: last hidden layer and
    prediction).
``zi_hgb_full_pbe``
    ``zi_hgb_full`` + the Materials Project PBE band gap of the same compound where MP has it
    (:class:`~skcromel.ReferenceLookup` of ``matbench_mp_gap``): computed → experimental
    transfer by look-up; reads ``mp_gap`` from the data home.
``zi_combined_full``
    classifier as in ``zi_hgb_full``; regressor = equal-weight mean of that HGB, a CroMEL
    fine-tune and the gap-source ElemNet fine-tune (non-zero training rows only).
"""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    VotingRegressor,
)
from sklearn.pipeline import Pipeline

from .._spec import ModelList

__all__ = ["MODELS", "make_zi_combined_gap", "make_zi_hgb"]

GAP_SOURCE = "elemnet-small-mp-gap"


EFORM_SOURCE = "elemnet-small-mp-eform"
FULL = "full"  # feature set of zi_hgb_full
FULL_PBE = "full-pbe"  # zi_hgb_full + the MP PBE gap of the same compound


def _features(source: str | None, extra: str | None = None) -> ColumnTransformer:
    """magpie statistics (+ a frozen source); ``extra="ion"``: + IonProperty; ``extra="full"``:
    full Magpie set + oliynyk + megnet16 + both shipped sources (``source`` is ignored);
    ``extra="full-pbe"``: ``"full"`` + :class:`~skcromel.ReferenceLookup` of the MP PBE gaps
    (min/mean/max over the compound's polymorphs, NaN + ``found`` = 0 where MP lacks it)."""
    from ...cross_property import CrossPropertyFeaturizer
    from ...featurizers import ElementStats, IonProperty, ReferenceLookup, magpie_full

    if extra in (FULL, FULL_PBE):
        parts = [("magpie_full", magpie_full(), "composition")]
        parts += [(p, ElementStats(p), "composition") for p in ("oliynyk", "megnet16")]
        sources = (GAP_SOURCE, EFORM_SOURCE)
    else:
        parts = [("magpie", ElementStats("magpie"), "composition")]
        if extra == "ion":
            parts.append(("ion", IonProperty(), "composition"))
        sources = () if source is None else (source,)
    for src in sources:
        parts.append((src, CrossPropertyFeaturizer(src, layer=(-1, "output")), "composition"))
    if extra == FULL_PBE:
        parts.append(("mp_gap", ReferenceLookup("mp_gap"), "composition"))
    return ColumnTransformer(parts)


def _hgb_pair(source: str | None, extra: str | None = None):
    clf = Pipeline(
        [("features", _features(source, extra)),
         ("model", HistGradientBoostingClassifier(max_iter=400, learning_rate=0.05))]
    )  # fmt: skip
    reg = Pipeline(
        [("features", _features(source, extra)),
         ("model", HistGradientBoostingRegressor(max_iter=600, learning_rate=0.05))]
    )  # fmt: skip
    return clf, reg


def make_zi_hgb(source: str | None = None, extra: str | None = None):
    """Hurdle model with HistGradientBoosting members on magpie (+ a frozen source, + ``extra``
    attributes: ``"ion"`` or ``"full"``, see :func:`_features`)."""
    from ...meta import ZeroInflatedRegressor

    clf, reg = _hgb_pair(source, extra)
    return ZeroInflatedRegressor(clf, reg)


def make_zi_combined_gap(max_epochs: int = 300, extra: str | None = None):
    """Hurdle model whose regressor averages HGB, CroMEL and cross-property fine-tunes."""
    from ...cross_property import CrossPropertyRegressor
    from ...meta import ZeroInflatedRegressor
    from ._cromel import CompositionColumn, make_cromel
    from ._transfer import CPU_SETTINGS

    clf, hgb = _hgb_pair(GAP_SOURCE, extra)
    xprop = Pipeline(
        [("composition", CompositionColumn()),
         ("model", CrossPropertyRegressor(source=GAP_SOURCE, device="cpu", **CPU_SETTINGS))]
    )  # fmt: skip
    reg = VotingRegressor(
        [("hgb", hgb), ("cromel", make_cromel(max_epochs=max_epochs)), ("xprop", xprop)]
    )
    return ZeroInflatedRegressor(clf, reg)


_HGB_QUICK = {"classifier__model__max_iter": 30, "regressor__model__max_iter": 30}
_COMBINED_QUICK = {
    "classifier__model__max_iter": 30,
    "regressor__hgb__model__max_iter": 30,
    "regressor__cromel__model__max_epochs": 5,
    "regressor__xprop__model__max_epochs": 5,
}
MODELS = ModelList()
MODELS.add(
    "zi_hgb_magpie",
    make_zi_hgb,
    description="zero-inflated: HGB classifier (zero vs non-zero) + HGB regressor on the non-zero "
    "rows, both on magpie statistics",
    quick_params=_HGB_QUICK,
)
MODELS.add(
    "zi_hgb_magpie_xgap",
    lambda: make_zi_hgb(GAP_SOURCE),
    description="zero-inflated HGB pair on magpie + the frozen shipped band-gap source "
    "(last hidden layer and prediction)",
    quick_params=_HGB_QUICK,
)
MODELS.add(
    "zi_combined_gap",
    make_zi_combined_gap,
    description="zero-inflated: HGB classifier on magpie + gap source; regressor = mean of HGB, "
    "CroMEL fine-tune and ElemNet fine-tuned from the gap source (non-zero rows only)",
    quick_params=_COMBINED_QUICK,
)
MODELS.add(
    "zi_hgb_magpie_ion",
    lambda: make_zi_hgb(None, "ion"),
    description="zero-inflated HGB pair on magpie + IonProperty (charge balance, ionic "
    "character); no transfer",
    quick_params=_HGB_QUICK,
)
MODELS.add(
    "zi_hgb_full",
    lambda: make_zi_hgb(None, FULL),
    description="zero-inflated HGB pair on the full Magpie set + oliynyk + megnet16 + both "
    "frozen shipped ElemNet sources (gap, formation energy)",
    quick_params=_HGB_QUICK,
)
MODELS.add(
    "zi_hgb_full_pbe",
    lambda: make_zi_hgb(None, FULL_PBE),
    description="zi_hgb_full + the Materials Project PBE gap of the same compound "
    "(ReferenceLookup of matbench_mp_gap: min/mean/max over polymorphs, found flag)",
    quick_params=_HGB_QUICK,
)
MODELS.add(
    "zi_combined_full",
    lambda: make_zi_combined_gap(extra=FULL),
    description="zero-inflated: classifier as zi_hgb_full; regressor = mean of that HGB, CroMEL "
    "fine-tune and ElemNet fine-tuned from the gap source (non-zero rows only)",
    quick_params=_COMBINED_QUICK,
)
