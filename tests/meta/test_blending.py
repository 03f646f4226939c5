"""HoldoutBlendRegressor: exact simplex weights, honest hold-out, scikit-learn citizenship."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks

from skcromel import ElementStats, HoldoutBlendRegressor
from skcromel.meta import simplex_weights


# HoldoutBlendRegressor([("ridge", Ridge()), ("mean", DummyRegressor())], random_state=0) runs
# scikit-learn's checks in tests/test_common.py; here another loss, refit=False and a tree.
@parametrize_with_checks(
    [
        HoldoutBlendRegressor(
            [("ridge", Ridge()), ("tree", DecisionTreeRegressor(random_state=0))],
            loss="squared_error",
            refit=False,
            random_state=0,
        ),
    ]
)
def test_blend_sklearn_common_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("loss", ["absolute_error", "squared_error"])
def test_simplex_weights_are_optimal_on_a_grid(loss):
    rng = np.random.default_rng(1)
    y = rng.normal(size=400)
    P = np.column_stack([y + rng.normal(0, 0.3, 400), y + rng.normal(0, 0.6, 400),
                         rng.normal(size=400)])  # fmt: skip
    w = simplex_weights(P, y, loss)
    assert w.min() >= 0 and w.sum() == pytest.approx(1.0)

    def err(v):
        r = y - P @ v
        return np.mean(np.abs(r)) if loss == "absolute_error" else np.mean(r**2)

    grid = [np.array([a, b, 1 - a - b]) for a in np.linspace(0, 1, 41)
            for b in np.linspace(0, 1, 41) if a + b <= 1 + 1e-12]  # fmt: skip
    best = min(err(v) for v in grid)
    assert err(w) <= best + 1e-9
    # two members with independent errors of equal size: about half each
    assert w[0] > w[1] > w[2] - 1e-6


def test_simplex_weights_errors():
    with pytest.raises(ValueError, match="rows"):
        simplex_weights(np.ones((3, 2)), np.ones(4))
    with pytest.raises(ValueError, match="loss"):
        simplex_weights(np.ones((3, 2)), np.ones(3), loss="huber")
    np.testing.assert_array_equal(simplex_weights(np.ones((3, 1)), np.ones(3)), [1.0])


def _nonlinear(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    y = X[:, 0] + np.sign(X[:, 1]) + 0.05 * rng.normal(size=n)
    return X, y


def test_blend_beats_its_members_and_refits_on_all_rows():
    X, y = _nonlinear()
    Xt, yt = _nonlinear(seed=1)
    members = [("lin", LinearRegression()), ("tree", DecisionTreeRegressor(max_depth=3,
                                                                          random_state=0))]  # fmt: skip
    blend = HoldoutBlendRegressor(members, random_state=0).fit(X, y)
    mae = lambda est: np.mean(np.abs(est.predict(Xt) - yt))  # noqa: E731
    singles = [mae(clone(e).fit(X, y)) for _, e in members]
    assert 0 < blend.weights_[0] < 1
    assert mae(blend) < min(singles)
    assert set(blend.holdout_scores_) == {"lin", "tree", "blend"}
    assert blend.holdout_scores_["blend"] <= min(blend.holdout_scores_["lin"],
                                                 blend.holdout_scores_["tree"]) + 1e-12  # fmt: skip
    # refit=True: the members are the ones fitted on every row
    np.testing.assert_allclose(blend.named_estimators_["lin"].coef_,
                               LinearRegression().fit(X, y).coef_)  # fmt: skip
    kept = HoldoutBlendRegressor(members, refit=False, random_state=0).fit(X, y)
    np.testing.assert_array_equal(kept.weights_, blend.weights_)
    assert not np.allclose(
        kept.named_estimators_["lin"].coef_, blend.named_estimators_["lin"].coef_
    )


def test_blend_grouped_holdout_keeps_groups_together(monkeypatch):
    X, y = _nonlinear(60)
    groups = np.repeat(np.arange(20), 3)
    seen = {}
    real_fit = LinearRegression.fit

    def spy(self, A, b):
        seen.setdefault("rows", []).append(len(A))
        return real_fit(self, A, b)

    monkeypatch.setattr(LinearRegression, "fit", spy)
    HoldoutBlendRegressor([("lin", LinearRegression()), ("mean", DummyRegressor())],
                          validation_fraction=0.2, random_state=0).fit(X, y, groups=groups)  # fmt: skip
    assert seen["rows"][0] == 48 and seen["rows"][1] == 60  # 4 of 20 groups held out, then refit


def test_blend_on_formulas_in_gridsearch_and_pickle():
    rng = np.random.default_rng(0)
    fe = rng.uniform(0.05, 0.95, 60)
    X = pd.Series([f"Fe{a:.3f}Ni{1 - a:.3f}O{1 + a:.3f}" for a in fe])
    y = 2.0 * fe + 0.01 * rng.normal(size=60)
    model = HoldoutBlendRegressor(
        [("ridge", make_pipeline(ElementStats(), Ridge())), ("mean", DummyRegressor())],
        validation_fraction=0.25,
        random_state=0,
    )
    gs = GridSearchCV(model, {"validation_fraction": [0.2, 0.3]}, cv=3).fit(X, y)
    pred = gs.predict(X)
    assert pred.dtype == np.float64 and np.mean(np.abs(pred - y)) < 0.1
    restored = pickle.loads(pickle.dumps(gs.best_estimator_))
    np.testing.assert_array_equal(restored.predict(X), pred)
    # a list of formula strings works the same as a Series
    np.testing.assert_allclose(gs.best_estimator_.predict(list(X)), pred)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"estimators": []}, "non-empty"),
        ({"estimators": [("a", Ridge()), ("a", Ridge())]}, "unique"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
        ({"loss": "huber"}, "loss"),
    ],
)
def test_blend_bad_parameters(kwargs, match):
    params = {"estimators": [("a", Ridge()), ("b", DummyRegressor())], **kwargs}
    X, y = _nonlinear(40)
    with pytest.raises(ValueError, match=match):
        HoldoutBlendRegressor(**params).fit(X, y)
