"""DeltaRegressor: Δ-learning on a baseline (a transformer or a precomputed column)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from skcromel import DeltaRegressor, ElementStats, ReferenceHullEnergy

from ..featurizers.test_hull import TOY


def _first_column_doubled(A):
    return np.asarray(A)[:, :1] * 2.0


def _first_column(A):
    return np.asarray(A)[:, :1]


def _first_column_with_hole(A):
    A = np.asarray(A, dtype=float)
    return np.where(np.arange(len(A))[:, None] == 7, np.nan, A[:, :1])


# DeltaRegressor(Ridge()) runs scikit-learn's checks in tests/test_common.py; here the variant with
# a fitted baseline transformer.
@parametrize_with_checks(
    [DeltaRegressor(Ridge(), baseline=FunctionTransformer(_first_column_doubled, validate=True))]
)
def test_delta_sklearn_common_checks(estimator, check):
    check(estimator)


def _delta_data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    base = 3.0 * np.sin(2 * X[:, 0]) + X[:, 0] ** 3  # hard for a linear model
    y = base + 0.5 * X[:, 1] - 0.2 * X[:, 2] + 0.01 * rng.normal(size=n)
    return np.column_stack([base, X]), y


def test_delta_learns_the_correction_not_the_baseline():
    X, y = _delta_data()
    cv = KFold(5, shuffle=True, random_state=0)
    plain = cross_val_predict(Ridge(), X[:, 1:], y, cv=cv)
    delta = cross_val_predict(
        DeltaRegressor(Ridge(), baseline=FunctionTransformer(_first_column)), X, y, cv=cv
    )
    mae = lambda p: np.mean(np.abs(y - p))  # noqa: E731
    assert mae(delta) < 0.05 < mae(plain)
    est = DeltaRegressor(Ridge(), baseline=None).fit(X, y)
    np.testing.assert_allclose(est.predict_baseline(X), X[:, 0])
    assert est.regressor_.coef_[2] == pytest.approx(0.5, abs=0.01)
    off = DeltaRegressor(Ridge(), baseline_scale=0.0).fit(X, y)
    np.testing.assert_allclose(off.predict(X), Ridge().fit(X, y).predict(X))


def test_delta_with_composition_pipeline_gridsearch_pickle():
    """Formulas in: hull baseline + magpie/ridge correction, inside GridSearchCV, pickled."""
    rng = np.random.default_rng(0)
    fe = np.linspace(0.1, 0.9, 30)
    X = pd.Series([f"Li{a:.3f}Fe{1 - a:.3f}O{1.5 - a:.3f}" for a in fe])
    hull = ReferenceHullEnergy(TOY).fit(X).transform(X)[:, 0]
    y = hull - 0.1 * fe + 0.001 * rng.normal(size=len(fe))
    model = DeltaRegressor(
        make_pipeline(ElementStats(), Ridge()), baseline=ReferenceHullEnergy(TOY)
    )
    gs = GridSearchCV(model, {"regressor__ridge__alpha": [1e-3, 1.0]}, cv=3).fit(X, y)
    pred = gs.predict(X)
    assert np.mean(np.abs(pred - y)) < 0.02
    restored = pickle.loads(pickle.dumps(gs.best_estimator_))
    np.testing.assert_array_equal(restored.predict(X), pred)
    assert not hasattr(clone(model), "regressor_")


def test_delta_non_finite_baseline_names_the_row():
    X, y = _delta_data(20)
    hole = FunctionTransformer(_first_column_with_hole)
    with pytest.raises(ValueError, match="row 7"):
        DeltaRegressor(Ridge(), baseline=hole).fit(X, y)
    with pytest.raises(ValueError, match="baseline_column=9"):
        DeltaRegressor(Ridge(), baseline_column=9).fit(X[:5], y[:5])


def test_delta_drop_baseline_column():
    X, y = _delta_data(50)
    est = DeltaRegressor(Ridge(), drop_baseline_column=True).fit(X, y)
    assert est.regressor_.n_features_in_ == 3
    np.testing.assert_allclose(est.predict(X)[:3], (X[:3, 0] + est.regressor_.predict(X[:3, 1:])))


def test_sparse_baseline_output():
    """A baseline transformer with sparse output: its column is read without densifying all."""
    from skcromel import ElementFraction

    X = ["Fe2O3", "FeO", "Fe3O4", "O2", "Fe", "Fe2O3"]
    y = np.array([0.6, 0.5, 4 / 7, 1.0, 0.0, 0.6]) + 0.1
    est = DeltaRegressor(
        make_pipeline(ElementStats(), Ridge(alpha=1e3)),
        baseline=ElementFraction(elements=["Fe", "O"], sparse_output=True),
        baseline_column=1,
    ).fit(X, y)
    np.testing.assert_allclose(est.predict_baseline(X), y - 0.1)
    np.testing.assert_allclose(est.predict(X), y, atol=0.05)
