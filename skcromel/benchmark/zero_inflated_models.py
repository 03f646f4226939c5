"""Zero-inflated (hurdle) models for band-gap-like targets, registered with the benchmark runner.

Each is a :class:`skcromel.zero_inflated.ZeroInflatedRegressor` (a classifier for zero vs
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
"""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    VotingRegressor,
)
from sklearn.pipeline import Pipeline

from .runner import register_model

__all__ = ["make_zi_combined_gap", "make_zi_hgb"]

GAP_SOURCE = "elemnet-small-mp-gap"


def _features(source: str | None) -> ColumnTransformer:
    from ..cross_property import CrossPropertyFeaturizer
    from ..featurizers import ElementStats

    parts = [("magpie", ElementStats("magpie"), "composition")]
    if source is not None:
        parts.append(
            ("xprop", CrossPropertyFeaturizer(source, layer=(-1, "output")), "composition")
        )
    return ColumnTransformer(parts)


def _hgb_pair(source: str | None):
    clf = Pipeline(
        [("features", _features(source)),
         ("model", HistGradientBoostingClassifier(max_iter=400, learning_rate=0.05))]
    )  # fmt: skip
    reg = Pipeline(
        [("features", _features(source)),
         ("model", HistGradientBoostingRegressor(max_iter=600, learning_rate=0.05))]
    )  # fmt: skip
    return clf, reg


def make_zi_hgb(source: str | None = None):
    """Hurdle model with HistGradientBoosting members on magpie (+ a frozen source)."""
    from ..zero_inflated import ZeroInflatedRegressor

    clf, reg = _hgb_pair(source)
    return ZeroInflatedRegressor(clf, reg)


def make_zi_combined_gap(max_epochs: int = 300):
    """Hurdle model whose regressor averages HGB, CroMEL and cross-property fine-tunes."""
    from ..cromel_benchmark import CompositionColumn, make_cromel
    from ..cross_property import CrossPropertyRegressor
    from ..zero_inflated import ZeroInflatedRegressor
    from .transfer_models import CPU_SETTINGS

    clf, hgb = _hgb_pair(GAP_SOURCE)
    xprop = Pipeline(
        [("composition", CompositionColumn()),
         ("model", CrossPropertyRegressor(source=GAP_SOURCE, device="cpu", **CPU_SETTINGS))]
    )  # fmt: skip
    reg = VotingRegressor(
        [("hgb", hgb), ("cromel", make_cromel(max_epochs=max_epochs)), ("xprop", xprop)]
    )
    return ZeroInflatedRegressor(clf, reg)


_HGB_QUICK = {"classifier__model__max_iter": 30, "regressor__model__max_iter": 30}
register_model(
    "zi_hgb_magpie",
    make_zi_hgb,
    description="zero-inflated: HGB classifier (zero vs non-zero) + HGB regressor on the non-zero "
    "rows, both on magpie statistics",
    quick_params=_HGB_QUICK,
)
register_model(
    "zi_hgb_magpie_xgap",
    lambda: make_zi_hgb(GAP_SOURCE),
    description="zero-inflated HGB pair on magpie + the frozen shipped band-gap source "
    "(last hidden layer and prediction)",
    quick_params=_HGB_QUICK,
)
register_model(
    "zi_combined_gap",
    make_zi_combined_gap,
    description="zero-inflated: HGB classifier on magpie + gap source; regressor = mean of HGB, "
    "CroMEL fine-tune and ElemNet fine-tuned from the gap source (non-zero rows only)",
    quick_params={
        "classifier__model__max_iter": 30,
        "regressor__hgb__model__max_iter": 30,
        "regressor__cromel__model__max_epochs": 5,
        "regressor__xprop__model__max_epochs": 5,
    },
)
