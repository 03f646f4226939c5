"""Tests of the zero-inflated (hurdle) regressor."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from skcromel import ElementStats
from skcromel.meta import ZeroInflatedRegressor


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    gap = 1.0 + 2.0 * np.abs(X[:, 1]) + 0.05 * rng.normal(size=n)
    y = np.where(X[:, 0] > 0, gap, 0.0)  # metals (X0 <= 0) have exactly zero
    return X, y


@parametrize_with_checks(
    [
        ZeroInflatedRegressor(),
        ZeroInflatedRegressor(
            HistGradientBoostingClassifier(max_iter=10),
            HistGradientBoostingRegressor(max_iter=10),
            prediction="expected",
        ),
    ]
)
def test_sklearn_common_checks(estimator, check):
    check(estimator)


def test_beats_a_single_regressor_on_a_point_mass():
    X, y = _data()
    Xt, yt = _data(seed=1)
    hurdle = ZeroInflatedRegressor(
        RandomForestClassifier(100, random_state=0), RandomForestRegressor(100, random_state=0)
    ).fit(X, y)
    single = RandomForestRegressor(100, random_state=0).fit(X, y)
    mae_h = np.mean(np.abs(hurdle.predict(Xt) - yt))
    mae_s = np.mean(np.abs(single.predict(Xt) - yt))
    assert mae_h < mae_s
    pred = hurdle.predict(Xt)
    assert pred.dtype == np.float64 and (pred[yt == 0] == 0).mean() > 0.9  # exact zeros
    assert hurdle.nonzero_fraction_ == pytest.approx((y > 0).mean())


def test_regressor_sees_only_nonzero_rows_and_modes():
    X, y = _data()
    est = ZeroInflatedRegressor(LogisticRegression(), LinearRegression()).fit(X, y)
    reg = LinearRegression().fit(X[y > 0], y[y > 0])
    np.testing.assert_allclose(est.regressor_.coef_, reg.coef_)
    p = est.predict_proba_nonzero(X)
    expected = est.set_params(prediction="expected").predict(X)
    np.testing.assert_allclose(expected, p * reg.predict(X))
    thr = est.set_params(prediction="threshold", threshold=0.7).predict(X)
    np.testing.assert_allclose(thr, np.where(p > 0.7, reg.predict(X), 0.0))
    shifted = ZeroInflatedRegressor(LogisticRegression(), LinearRegression(), zero_value=-1.0)
    assert set(np.unique(shifted.fit(X, np.where(y > 0, y, -1.0)).predict(X))) >= {-1.0}


def test_degenerate_targets_and_errors():
    X, y = _data(50)
    assert (ZeroInflatedRegressor().fit(X, np.zeros(50)).predict(X) == 0).all()
    allpos = ZeroInflatedRegressor(regressor=LinearRegression()).fit(X, y + 1)
    assert (allpos.predict_proba_nonzero(X) == 1).all()
    with pytest.raises(ValueError, match="prediction"):
        ZeroInflatedRegressor(prediction="mean").fit(X, y)
    with pytest.raises(ValueError, match="threshold"):
        ZeroInflatedRegressor(threshold=1.0).fit(X, y)
    bad = y.copy()
    bad[7] = np.nan
    with pytest.raises(ValueError, match="row 7"):
        ZeroInflatedRegressor().fit(X, bad)
    with pytest.raises(ValueError, match="min_class_count"):
        ZeroInflatedRegressor(min_class_count=0).fit(X, y)


def test_a_single_zero_row_switches_the_hurdle_off():
    """One zero among many rows: a stratified early-stopping classifier cannot split it, and a
    hurdle would be meaningless; the model is then the regressor fitted on every row."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = _data(200)
    y = np.abs(y) + 0.5
    y[3] = 0.0
    es = HistGradientBoostingClassifier(early_stopping=True, validation_fraction=0.1)
    model = ZeroInflatedRegressor(es, LinearRegression()).fit(X, y)
    assert not model.hurdle_
    np.testing.assert_allclose(model.predict(X), LinearRegression().fit(X, y).predict(X))
    assert (model.predict_proba_nonzero(X) == 1).all()
    strict = ZeroInflatedRegressor(LogisticRegression(), LinearRegression(), min_class_count=1)
    assert strict.fit(X, y).hurdle_
    y2 = y.copy()
    y2[:5] = 0.0
    assert ZeroInflatedRegressor(es, LinearRegression(), min_class_count=5).fit(X, y2).hurdle_


def test_compositions_pipeline_clone_pickle_gridsearch():
    formulas = ["Cu", "Fe", "Al", "Ni", "NaCl", "MgO", "SiO2", "GaAs", "ZnO", "TiO2"] * 4
    y = np.array([0, 0, 0, 0, 8.5, 7.8, 9.0, 1.4, 3.4, 3.2] * 4, dtype=float)
    X = pd.DataFrame({"composition": formulas})
    est = make_pipeline(
        ElementStats("magpie"),
        ZeroInflatedRegressor(RandomForestClassifier(20, random_state=0),
                              RandomForestRegressor(20, random_state=0)),
    )  # fmt: skip
    pred = clone(est).fit(X, y).predict(X)
    assert (pred[y == 0] == 0).all() and np.abs(pred[y > 0] - y[y > 0]).mean() < 1.0
    again = pickle.loads(pickle.dumps(est.fit(X, y)))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    grid = GridSearchCV(est, {"zeroinflatedregressor__threshold": [0.3, 0.7]}, cv=2).fit(X, y)
    assert grid.best_params_["zeroinflatedregressor__threshold"] in (0.3, 0.7)


def test_tags_follow_the_members():
    """Sparse input is accepted exactly when both members accept it (any sparse format)."""
    from scipy import sparse
    from sklearn.linear_model import Ridge
    from sklearn.utils import get_tags

    X, y = _data(200)
    assert not get_tags(ZeroInflatedRegressor()).input_tags.sparse  # gradient boosting: dense
    lin = ZeroInflatedRegressor(LogisticRegression(), Ridge())
    assert get_tags(lin).input_tags.sparse and get_tags(lin).input_tags.two_d_array
    dense = clone(lin).fit(X, y).predict(X)
    for fmt in ("csr", "coo", "csc"):
        Xs = getattr(sparse, f"{fmt}_matrix")(X)
        np.testing.assert_allclose(clone(lin).fit(Xs, y).predict(Xs), dense)
    # members that featurize compositions: the hurdle takes compositions, not a 2-D array
    comp = ZeroInflatedRegressor(
        make_pipeline(ElementStats(), LogisticRegression()),
        make_pipeline(ElementStats(), LinearRegression()),
    )
    tags = get_tags(comp).input_tags
    assert tags.string and not tags.two_d_array and not tags.sparse


def test_refit_does_not_keep_feature_names_from_an_earlier_fit():
    X, y = _data(100)
    est = ZeroInflatedRegressor(LogisticRegression(), LinearRegression())
    est.fit(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    assert list(est.feature_names_in_) == ["a", "b", "c"]
    est.fit(X, y)
    assert not hasattr(est, "feature_names_in_") and est.n_features_in_ == 3
