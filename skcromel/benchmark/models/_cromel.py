"""CroMEL recipes of the benchmark runner (composition-only datasets; ``X`` has a
``composition`` column or is a list of formulas):

``cromel``
    :class:`~skcromel.cromel.CroMELRegressor` fine-tuned from the shipped source
    (``"cromel-offline-cosine"``), 300 epochs.
``cromel_scratch``
    the same network from random initialisation (no transfer).

The blends of CroMEL, cross-property and gradient-boosting members of earlier releases were
configured on the folds they were reported on; they are described on the benchmark archive page
and no longer offered as recipes.
"""

from __future__ import annotations

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from ...cromel import DEFAULT_SOURCE, CroMELRegressor
from .._spec import ModelList

__all__ = ["MODELS", "CompositionColumn", "make_cromel", "make_cromel_scratch"]


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
