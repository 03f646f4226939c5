"""CroMEL recipes of the benchmark runner (composition-only datasets; ``X`` has a
``composition`` column or is a list of formulas):

``cromel``
    :class:`~skcromel.cromel.CroMELRegressor` fine-tuned from the shipped source
    (``"cromel-offline-cosine"``), 300 epochs.
``cromel_scratch``
    the same network from random initialisation (no transfer).
``hgb_magpie_cromel``
    HistGradientBoosting (600 iterations, learning rate 0.05) on the 132 magpie statistics
    (:class:`~skcromel.ElementStats`) concatenated with the 64-d shipped CroMEL embeddings
    (:class:`~skcromel.cromel.CroMELFeaturizer`, frozen).
``cromel_hgb_avg``
    mean prediction of ``cromel`` and ``hgb_magpie_cromel`` (scikit-learn ``VotingRegressor``:
    both members are cloned and fitted inside each training fold).
``cromel_ens3_hgb``
    0.5 x the mean of three ``cromel`` fine-tunes (``random_state`` = the run seed, 1 and 2)
    + 0.5 x ``hgb_magpie_cromel``.
``cromel_ens3_hgb_magpie``
    the same with HGB on magpie statistics only.
``cromel_baseline_hgb_magpie``
    HistGradientBoosting on magpie statistics only (the baseline these rows are compared with).
``hgb_magpie_xprop``
    HistGradientBoosting on magpie statistics + the shipped cross-property source
    ``elemnet-small-mp-eform`` as frozen features (its last hidden layer and its own prediction,
    :class:`~skcromel.cross_property.CrossPropertyFeaturizer` ``layer=(-1, "output")``).
``cromel_xprop_hgb``
    combined sources, equal thirds: the mean of three ``cromel`` fine-tunes (``random_state`` = the
    run seed, 101, 102), the cross-property ElemNet fine-tuned from ``elemnet-small-mp-eform``
    (runner CPU settings), and ``hgb_magpie_xprop``; every member fitted inside each training fold.
``cromel_xprop_gap_hgb``
    the same with the shipped band-gap source ``elemnet-small-mp-gap`` (for band-gap targets).
"""

from __future__ import annotations

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor, VotingRegressor
from sklearn.pipeline import Pipeline

from ...cromel import DEFAULT_SOURCE, CroMELFeaturizer, CroMELRegressor
from .._spec import ModelList

__all__ = [
    "MODELS",
    "CompositionColumn",
    "make_cromel",
    "make_cromel_hgb_avg",
    "make_cromel_ens3_hgb",
    "make_cromel_scratch",
    "make_hgb_magpie",
    "make_hgb_magpie_cromel",
    "make_hgb_magpie_xprop",
    "make_cromel_xprop_hgb",
]


class CompositionColumn(TransformerMixin, BaseEstimator):
    """Select the ``composition`` column of a DataFrame (pass anything else through as 1-D)."""

    def __init__(self, column="composition"):
        self.column = column

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        if hasattr(X, "columns"):
            return X[self.column].to_numpy(dtype=object)
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = False
        return tags


def make_cromel(source=DEFAULT_SOURCE, max_epochs=300):
    """Fine-tuned CroMEL regressor (CPU; composition column selected first)."""
    return Pipeline(
        [
            ("composition", CompositionColumn()),
            ("model", CroMELRegressor(source=source, max_epochs=max_epochs, device="cpu")),
        ]
    )


def make_cromel_scratch(max_epochs=300):
    """The CroMEL network from random initialisation."""
    return make_cromel(source=None, max_epochs=max_epochs)


def make_hgb_magpie_cromel(source=DEFAULT_SOURCE, max_iter=600, learning_rate=0.05):
    """HistGradientBoosting on magpie statistics + frozen CroMEL embeddings."""
    from ...featurizers import ElementStats

    features = ColumnTransformer(
        [
            ("magpie", ElementStats("magpie"), "composition"),
            ("cromel", CroMELFeaturizer(source=source), "composition"),
        ]
    )
    model = HistGradientBoostingRegressor(max_iter=max_iter, learning_rate=learning_rate)
    return Pipeline([("features", features), ("model", model)])


def make_cromel_hgb_avg(source=DEFAULT_SOURCE, max_epochs=300):
    """Average of the fine-tuned CroMEL regressor and HGB on magpie + CroMEL embeddings."""
    return VotingRegressor(
        [
            ("cromel", make_cromel(source, max_epochs)),
            ("hgb", make_hgb_magpie_cromel(source)),
        ]
    )


def make_cromel_ens3_hgb(source=DEFAULT_SOURCE, max_epochs=300, hgb_cromel_features=True):
    """Half the mean of three CroMEL fine-tunes (seeds: run seed, 1, 2) + half HGB
    (on magpie + CroMEL embeddings, or magpie only with ``hgb_cromel_features=False``)."""
    members = [("cromel", make_cromel(source, max_epochs))]
    for k in (1, 2):
        est = make_cromel(source, max_epochs).set_params(model__random_state=k)
        members.append((f"cromel{k}", est))
    hgb = make_hgb_magpie_cromel(source) if hgb_cromel_features else make_hgb_magpie()
    members.append(("hgb", hgb))
    return VotingRegressor(members, weights=[1, 1, 1, 3])


def make_hgb_magpie_xprop(source="elemnet-small-mp-eform", max_iter=600, learning_rate=0.05):
    """HistGradientBoosting on magpie statistics + a frozen cross-property source (last hidden
    layer and its prediction)."""
    from ...cross_property import CrossPropertyFeaturizer
    from ...featurizers import ElementStats

    features = ColumnTransformer(
        [
            ("magpie", ElementStats("magpie"), "composition"),
            ("xprop", CrossPropertyFeaturizer(source, layer=(-1, "output")), "composition"),
        ]
    )
    model = HistGradientBoostingRegressor(max_iter=max_iter, learning_rate=learning_rate)
    return Pipeline([("features", features), ("model", model)])


def make_cromel_xprop_hgb(
    source=DEFAULT_SOURCE, xprop_source="elemnet-small-mp-eform", max_epochs=300
):
    """Equal thirds: mean of three CroMEL fine-tunes, a cross-property ElemNet fine-tune, and HGB
    on magpie + the frozen cross-property source."""
    from ...cross_property import CrossPropertyRegressor
    from ._transfer import CPU_SETTINGS

    members = [("cromel", make_cromel(source, max_epochs))]
    for k in (101, 102):
        est = make_cromel(source, max_epochs).set_params(model__random_state=k)
        members.append((f"cromel{k}", est))
    xprop = CrossPropertyRegressor(source=xprop_source, device="cpu", **CPU_SETTINGS)
    members.append(("xprop", Pipeline([("composition", CompositionColumn()), ("model", xprop)])))
    members.append(("hgb", make_hgb_magpie_xprop(xprop_source)))
    return VotingRegressor(members, weights=[1, 1, 1, 3, 3])


def make_hgb_magpie(max_iter=600, learning_rate=0.05):
    """Baseline: HistGradientBoosting on the magpie statistics only."""
    from ...featurizers import ElementStats

    features = ColumnTransformer([("magpie", ElementStats("magpie"), "composition")])
    model = HistGradientBoostingRegressor(max_iter=max_iter, learning_rate=learning_rate)
    return Pipeline([("features", features), ("model", model)])


MODELS = ModelList()
MODELS.add(
    "cromel",
    make_cromel,
    description="CroMELRegressor fine-tuned from the shipped source 'cromel-offline-cosine' "
    "(fresh copy per fit), 300 epochs; composition-only datasets",
    quick_params={"model__max_epochs": 5},
)
MODELS.add(
    "cromel_scratch",
    make_cromel_scratch,
    description="the CroMEL network from random initialisation (no transfer), 300 epochs",
    quick_params={"model__max_epochs": 5},
)
MODELS.add(
    "hgb_magpie_cromel",
    make_hgb_magpie_cromel,
    description="HistGradientBoosting (600 iter, lr 0.05) on magpie statistics + frozen shipped "
    "CroMEL embeddings",
    quick_params={"model__max_iter": 50},
)
MODELS.add(
    "cromel_hgb_avg",
    make_cromel_hgb_avg,
    description="mean of 'cromel' and 'hgb_magpie_cromel', both fitted inside each training fold",
    quick_params={"cromel__model__max_epochs": 5, "hgb__model__max_iter": 50},
)
MODELS.add(
    "cromel_ens3_hgb",
    make_cromel_ens3_hgb,
    description="0.5 x mean of three CroMEL fine-tunes (random_state = run seed, 1, 2) + 0.5 x "
    "hgb_magpie_cromel, all fitted inside each training fold",
    quick_params={
        "cromel__model__max_epochs": 5,
        "cromel1__model__max_epochs": 5,
        "cromel2__model__max_epochs": 5,
        "hgb__model__max_iter": 50,
    },
)
MODELS.add(
    "cromel_baseline_hgb_magpie",
    make_hgb_magpie,
    description="baseline for the CroMEL rows: HistGradientBoosting (600 iter, lr 0.05) on the "
    "132 magpie statistics only",
    quick_params={"model__max_iter": 50},
)
MODELS.add(
    "cromel_ens3_hgb_magpie",
    lambda: make_cromel_ens3_hgb(hgb_cromel_features=False),
    description="0.5 x mean of three CroMEL fine-tunes (random_state = run seed, 1, 2) + 0.5 x "
    "HistGradientBoosting on magpie statistics only",
    quick_params={
        "cromel__model__max_epochs": 5,
        "cromel1__model__max_epochs": 5,
        "cromel2__model__max_epochs": 5,
        "hgb__model__max_iter": 50,
    },
)
MODELS.add(
    "hgb_magpie_xprop",
    make_hgb_magpie_xprop,
    description="HistGradientBoosting (600 iter, lr 0.05) on magpie statistics + the frozen shipped "
    "cross-property source 'elemnet-small-mp-eform' (last hidden layer and its prediction)",
    quick_params={"model__max_iter": 50},
)
_COMBINED_QUICK = {
    "cromel__model__max_epochs": 5,
    "cromel101__model__max_epochs": 5,
    "cromel102__model__max_epochs": 5,
    "xprop__model__max_epochs": 5,
    "hgb__model__max_iter": 50,
}
MODELS.add(
    "cromel_xprop_gap_hgb",
    lambda: make_cromel_xprop_hgb(xprop_source="elemnet-small-mp-gap"),
    description="equal thirds: mean of three CroMEL fine-tunes (random_state = run seed, 101, 102), "
    "ElemNet fine-tuned from 'elemnet-small-mp-gap', HGB on magpie + that frozen source",
    quick_params=_COMBINED_QUICK,
)
MODELS.add(
    "cromel_xprop_hgb",
    make_cromel_xprop_hgb,
    description="equal thirds: mean of three CroMEL fine-tunes (random_state = run seed, 101, 102), "
    "ElemNet fine-tuned from 'elemnet-small-mp-eform', HGB on magpie + that frozen source",
    quick_params={
        "cromel__model__max_epochs": 5,
        "cromel101__model__max_epochs": 5,
        "cromel102__model__max_epochs": 5,
        "xprop__model__max_epochs": 5,
        "hgb__model__max_iter": 50,
    },
)
