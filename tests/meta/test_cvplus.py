"""CVPlusRegressor: CV+ intervals for any regressor, compound-grouped folds by default."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from skcromel import ElementStats
from skcromel.meta import CVPlusRegressor


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ [1.0, -2.0, 0.5] + rng.normal(scale=0.5, size=n)
    return X, y


def test_coverage_and_width_on_new_rows():
    X, y = _data(1400)
    model = CVPlusRegressor(Ridge(), cv=5, random_state=0).fit(X[:400], y[:400])
    iv = model.predict_interval(X[400:], alpha=0.1)
    inside = ((y[400:] >= iv[:, 0]) & (y[400:] <= iv[:, 1])).mean()
    assert 0.86 <= inside <= 0.95
    # noise sd 0.5: a 90 % interval is about 2 x 1.645 x 0.5 wide
    assert np.mean(iv[:, 1] - iv[:, 0]) == pytest.approx(1.645, rel=0.15)
    assert (iv[:, 0] <= model.predict(X[400:])).all()
    assert (model.predict_interval(X[400:405], alpha=0.02)[:, 1] >= iv[:5, 1] - 1e-12).all()


def test_matches_the_cv_plus_definition():
    X, y = _data(60, seed=1)
    model = CVPlusRegressor(Ridge(), cv=3, random_state=0).fit(X, y)
    x = X[:2]
    P = np.column_stack([e.predict(x) for e in model.estimators_])[:, model.fold_of_row_]
    n, alpha = len(y), 0.2
    lo = np.sort(P - model.residuals_, axis=1)[:, int(np.floor(alpha * (n + 1))) - 1]
    hi = np.sort(P + model.residuals_, axis=1)[:, int(np.ceil((1 - alpha) * (n + 1))) - 1]
    np.testing.assert_allclose(model.predict_interval(x, alpha=alpha), np.column_stack([lo, hi]))


def test_compound_groups_keep_spellings_in_one_fold():
    formulas = ["GdCo5", "Co0.834Gd0.166", "NaCl", "KCl", "MgO", "CaO", "SrO", "BaO"] * 3
    df = pd.DataFrame({"composition": formulas})
    y = np.arange(len(formulas), dtype=float)
    model = CVPlusRegressor(make_pipeline(ElementStats(), Ridge()), cv=3, random_state=0)
    model.fit(df, y)
    folds = model.fold_of_row_
    assert len({folds[i] for i, f in enumerate(formulas) if "Gd" in f}) == 1
    assert model.n_features_in_ == 1 and list(model.feature_names_in_) == ["composition"]
    assert clone(model).get_params()["cv"] == 3


def test_anchor_mapie_cv_plus():
    """Same intervals as MAPIE's CrossConformalRegressor(method='plus') on the same folds."""
    mapie = pytest.importorskip("mapie.regression")
    from sklearn.model_selection import KFold

    X, y = _data(120, seed=2)
    cv = KFold(4, shuffle=True, random_state=0)
    ours = CVPlusRegressor(Ridge(), cv=cv).fit(X, y).predict_interval(X[:10], alpha=0.1)
    ref = mapie.CrossConformalRegressor(Ridge(), confidence_level=0.9, method="plus", cv=cv)
    _, pis = ref.fit_conformalize(X, y).predict_interval(X[:10])
    np.testing.assert_allclose(ours, pis[:, :, 0], rtol=1e-10, atol=1e-10)
