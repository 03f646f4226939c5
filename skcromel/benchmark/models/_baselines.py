"""Baselines: the training mean, random forests and gradient boosting on Magpie statistics."""

from __future__ import annotations

from .._spec import ModelList

__all__ = ["MODELS"]

MODELS = ModelList()


def _dummy_factory(task: str = "regression"):
    from sklearn.dummy import DummyClassifier, DummyRegressor

    if task == "classification":
        return DummyClassifier(strategy="prior")
    return DummyRegressor(strategy="mean")


def _on_composition(name: str, featurizer, model):
    """``featurizer`` on the ``composition`` column (step ``name``), extra numeric inputs such as
    temperature passed through, then ``model``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    features = ColumnTransformer([(name, featurizer, "composition")], remainder="passthrough")
    return Pipeline([("features", features), ("model", model)])


def _rf_magpie_factory(task: str = "regression", full: bool = False):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    from ...featurizers import ElementStats, magpie_full

    magpie = magpie_full() if full else ElementStats("magpie")
    # 300 trees, a third of the features per split (Breiman's regression default): close to the
    # 500-tree full-feature forest at a fifth of the cost, so 15 folds stay within minutes
    if task == "classification":
        model = RandomForestClassifier(n_estimators=300, n_jobs=1)
    else:
        model = RandomForestRegressor(n_estimators=300, max_features=1 / 3, n_jobs=1)
    return _on_composition("magpie", magpie, model)


MODELS.add(
    "dummy",
    _dummy_factory,
    tasks=("regression", "classification"),
    description="mean of the training targets (prior class probabilities for classification)",
)
MODELS.add(
    "rf_magpie",
    _rf_magpie_factory,
    tasks=("regression", "classification"),
    description="random forest (300 trees, max_features=1/3 for regression) on the 132 magpie "
    "statistics of ElementStats('magpie'), extra inputs (e.g. temperature) passed through",
    quick_params={"model__n_estimators": 50},
)
MODELS.add(
    "rf_magpie_full",
    lambda task="regression": _rf_magpie_factory(task, full=True),
    tasks=("regression", "classification"),
    description="rf_magpie on the full Magpie set (magpie_full: + stoichiometry, valence "
    "orbitals, ionic attributes; 149 columns)",
    quick_params={"model__n_estimators": 50},
)


def _hgb_magpie_full_factory(task: str = "regression"):
    """Gradient boosting on the full Magpie set: the bar a transfer model has to clear."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    from ...featurizers import magpie_full

    if task == "classification":
        model = HistGradientBoostingClassifier(max_iter=600, learning_rate=0.05)
    else:
        model = HistGradientBoostingRegressor(max_iter=600, learning_rate=0.05)
    return _on_composition("magpie_full", magpie_full(), model)


MODELS.add(
    "hgb_magpie_full",
    _hgb_magpie_full_factory,
    tasks=("regression", "classification"),
    description="HistGradientBoosting (600 iterations, learning rate 0.05) on the full Magpie set "
    "(magpie_full: 149 columns), extra inputs (e.g. temperature) passed through",
    quick_params={"model__max_iter": 50},
)


def _rf_magpie_cvplus_factory():
    """rf_magpie with CV+ intervals (5 folds grouped by near-duplicate compound)."""
    from ...meta import CVPlusRegressor

    return CVPlusRegressor(_rf_magpie_factory("regression"), cv=5)


MODELS.add(
    "rf_magpie_cvplus",
    _rf_magpie_cvplus_factory,
    description="rf_magpie with 90 % prediction intervals by CV+ (5 folds grouped by "
    "near-duplicate compound; Barber et al. 2021): the interval baseline",
    quick_params={"estimator__model__n_estimators": 30},
)
