"""TransferRegressor / TransferClassifier / TransferFeatures on small built data (no data home).

Sources are passed explicitly (the shipped ElemNet source) or switched off, so the tests do not
depend on which sources a future zoo ships.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skcromel import TransferClassifier, TransferFeatures, TransferRegressor
from skcromel.datasets import load_kingsbury
from skcromel.exceptions import CompositionError, SkcromelWarning
from skcromel.model_selection import FormulaGroupKFold

SOURCE = "elemnet-small-mp-eform"
FAST = dict(n_estimators=4, max_iter=40, random_state=0)


@pytest.fixture(scope="module")
def kingsbury():
    ds = load_kingsbury()
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(len(ds.y), 300, replace=False))
    return ds.X["composition"].to_numpy()[rows], ds.y.to_numpy()[rows]


def test_fit_predict_std_interval_and_sources(kingsbury):
    X, y = kingsbury
    model = TransferRegressor(sources=[SOURCE], **FAST).fit(X[:250], y[:250])
    assert model.sources_ == [SOURCE] and not model.hurdle_
    pred, std = model.predict(X[250:], return_std=True)
    assert pred.dtype == np.float64 and pred.shape == (50,) and (std > 0).all()
    interval = model.predict_interval(X[250:], alpha=0.1)
    assert interval.shape == (50, 2) and (interval[:, 0] <= pred).all()
    assert (interval[:, 1] >= pred).all()
    wider = model.predict_interval(X[250:], alpha=0.02)
    assert (wider[:, 1] - wider[:, 0] >= interval[:, 1] - interval[:, 0] - 1e-12).all()
    # the source carries the DFT formation energy: it must beat the same model without it
    plain = TransferRegressor(sources=None, **FAST).fit(X[:250], y[:250])
    assert plain.sources_ == []
    mae = lambda m: np.mean(np.abs(m.predict(X[250:]) - y[250:]))  # noqa: E731
    assert mae(model) < mae(plain)


def test_auto_sources_are_chosen_on_training_rows_only(kingsbury):
    X, y = kingsbury
    model = TransferRegressor(**FAST).fit(X, y)
    scores = model.source_scores_
    assert set(scores.columns) >= {"source", "gain", "t", "selected"}
    assert model.sources_ == scores.loc[scores["selected"], "source"].tolist()
    # formation enthalpies: the MP formation-energy source must be among the selected
    assert SOURCE in model.sources_


@pytest.mark.parametrize("bagging", ["bootstrap", "kfold"])
def test_intervals_cover_new_compounds(kingsbury, bagging):
    """Grouped CV on 300 rows: the 90 % intervals cover roughly 90 % of unseen compounds."""
    X, y = kingsbury
    inside = []
    for train, test in FormulaGroupKFold(3, random_state=0).split(X):
        m = TransferRegressor(
            sources=None, n_estimators=8, bagging=bagging, max_iter=60, random_state=0
        )
        iv = m.fit(X[train], y[train]).predict_interval(X[test])
        assert np.isfinite(m.oob_prediction_).all() or bagging == "bootstrap"
        inside.append((y[test] >= iv[:, 0]) & (y[test] <= iv[:, 1]))
    coverage = np.concatenate(inside).mean()
    assert 0.8 <= coverage <= 0.99


def test_zero_inflation_hurdle_is_automatic():
    rng = np.random.default_rng(1)
    metals = [f"Cu{a}Zn{b}" for a in range(1, 9) for b in range(1, 9)]
    oxides = [f"Mg{a}Al{b}O{a + 1.5 * b}" for a in range(1, 9) for b in range(1, 9)]
    X = np.array(metals + oxides, dtype=object)
    y = np.r_[np.zeros(len(metals)), 3 + rng.random(len(oxides))]
    model = TransferRegressor(sources=None, **FAST).fit(X, y)
    assert model.hurdle_
    pred = model.predict(X)
    assert (pred[: len(metals)] == 0).mean() > 0.9 and (pred[len(metals) :] > 2).mean() > 0.9
    iv = model.predict_interval(X)
    assert (iv[:, 0] >= 0).all()
    assert not TransferRegressor(sources=None, zero_inflation=False, **FAST).fit(X, y).hurdle_
    assert (
        not TransferRegressor(sources=None, **FAST).fit(X[len(metals) :], y[len(metals) :]).hurdle_
    )


def test_dataframe_with_extra_column_and_pipeline(kingsbury):
    X, y = kingsbury
    df = pd.DataFrame({"T": np.linspace(300, 900, len(X)), "formula": X})
    model = TransferRegressor(sources=None, **FAST).fit(df, y)
    assert model.n_features_in_ == 2 and list(model.feature_names_in_) == ["T", "formula"]
    assert model.features_.composition_column_ == "formula"
    assert model.features_.get_feature_names_out()[-1] == "extra:T"
    with pytest.raises(ValueError, match="columns"):
        model.predict(df[["formula", "T"]])
    with pytest.raises(ValueError, match="extra column 'note' must be numeric"):
        TransferRegressor(sources=None, **FAST).fit(df.assign(note="x"), y)
    unnamed = df.rename(columns={"formula": "other"})
    with pytest.raises(ValueError, match="composition_column"):
        TransferRegressor(sources=None, **FAST).fit(unnamed, y)
    named = TransferRegressor(composition_column="other", sources=None, **FAST).fit(unnamed, y)
    assert named.features_.extra_columns_ == ["T"]
    # after a ColumnTransformer that renames nothing, inside a pipeline and a grid search
    pipe = Pipeline(
        [("cols", ColumnTransformer([("keep", "passthrough", ["formula", "T"])]).set_output(
            transform="pandas")),
         ("model", TransferRegressor(composition_column="keep__formula", sources=None, **FAST))]
    )  # fmt: skip
    search = GridSearchCV(pipe, {"model__max_iter": [20, 40]}, cv=2).fit(df, y)
    assert search.best_estimator_.predict(df).shape == (len(X),)


def test_clone_pickle_and_determinism(kingsbury):
    X, y = kingsbury
    model = TransferRegressor(sources=[SOURCE], **FAST)
    c = clone(model)
    assert c.get_params() == model.get_params()
    a = model.fit(X, y).predict(X[:20])
    b = clone(model).fit(X, y).predict(X[:20])
    np.testing.assert_array_equal(a, b)
    # the members' binning tables are derived data: not pickled, rebuilt on loading
    assert "_bins" not in model.__getstate__() and model._member_bins("estimators_") is not None
    restored = pickle.loads(pickle.dumps(model))
    assert restored._member_bins("estimators_") is not None
    np.testing.assert_array_equal(restored.predict(X[:20]), a)
    np.testing.assert_array_equal(restored.predict_interval(X[:20]), model.predict_interval(X[:20]))


def test_bad_input_errors(kingsbury):
    X, y = kingsbury
    model = TransferRegressor(sources=None, **FAST)
    with pytest.raises(CompositionError, match="row 3"):
        model.fit(np.r_[X[:3], ["Xx2O"], X[4:50]], y[:50])
    with pytest.raises(ValueError, match="row 7"):
        model.fit(X[:50], np.r_[y[:7], np.nan, y[8:50]])
    with pytest.raises(ValueError, match="at least 2"):
        model.fit(X[:1], y[:1])
    with pytest.raises(ValueError, match="bagging must be one of"):
        TransferRegressor(sources=None, bagging="jackknife", **FAST).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="0 compositions"):
        model.fit(X[:50], y[:50]).predict([])
    lenient = TransferRegressor(sources=None, on_error="nan", **FAST)
    pred = lenient.fit(X[:50], y[:50]).predict(["NaCl", "not a formula"])
    assert np.isfinite(pred[0]) and np.isnan(pred[1])
    # an extra column does not make an unparsable composition predictable
    frame = pd.DataFrame({"composition": X[:50], "T": np.linspace(300, 800, 50)})
    pred = lenient.fit(frame, y[:50]).predict(
        pd.DataFrame({"composition": ["NaCl", "not a formula"], "T": [300.0, 300.0]})
    )
    assert np.isfinite(pred[0]) and np.isnan(pred[1])


def test_prediction_in_row_batches_is_the_same_and_names_rows_of_x(kingsbury, monkeypatch):
    import skcromel.transfer._base as base

    X, y = kingsbury
    X_new = np.r_[X[250:262], ["not a formula"], X[262:280]]
    model = TransferRegressor(sources=[SOURCE], on_error="nan", **FAST).fit(X[:250], y[:250])
    labels = np.where(y < np.median(y), "a", "b")
    clf = TransferClassifier(sources=None, **FAST).fit(X[:250], labels[:250])
    whole = model.predict(X_new, return_std=True), model.predict_interval(X_new)
    proba = clf.predict_proba(X[250:])
    monkeypatch.setattr(base, "PREDICT_BATCH_ROWS", 5)
    (pred, std), interval = model.predict(X_new, return_std=True), model.predict_interval(X_new)
    np.testing.assert_array_equal(pred, whole[0][0])
    np.testing.assert_array_equal(std, whole[0][1])
    np.testing.assert_array_equal(interval, whole[1])
    assert np.isnan(pred[12]) and np.isfinite(np.delete(pred, 12)).all()
    np.testing.assert_array_equal(clf.predict_proba(X[250:]), proba)
    strict = clone(model).set_params(on_error="raise").fit(X[:250], y[:250])
    with pytest.raises(CompositionError, match="row 12"):  # a row of X, not of its batch
        strict.predict(X_new)


def test_unsupported_element_gives_nan_block_not_a_crash(kingsbury):
    X, y = kingsbury
    feats = TransferFeatures(composition_features=("magpie", "oliynyk")).fit(X)
    F = feats.transform(["PuO2", "NaCl"])
    oliynyk = feats.block_slices_["oliynyk"]
    assert np.isnan(F[0, oliynyk]).all() and np.isfinite(F[0, feats.block_slices_["magpie"]]).all()
    assert np.isfinite(F[1]).all()
    model = TransferRegressor(composition_features=("magpie", "oliynyk"), sources=None, **FAST)
    assert np.isfinite(model.fit(X, y).predict(["PuO2"])).all()


def test_classifier(kingsbury):
    X, y = kingsbury
    labels = np.where(y < np.median(y), "stable", "less stable")
    clf = TransferClassifier(sources=None, **FAST).fit(X[:250], labels[:250])
    proba = clf.predict_proba(X[250:])
    assert proba.shape == (50, 2) and np.allclose(proba.sum(axis=1), 1)
    assert set(clf.predict(X[250:])) <= {"stable", "less stable"}
    assert (clf.predict(X[250:]) == labels[250:]).mean() > 0.7
    assert clf.oob_decision_.shape == (250, 2)
    auto = TransferClassifier(**FAST).fit(X[:250], labels[:250])
    assert auto.source_scores_ is not None


@pytest.fixture
def quick_networks(monkeypatch):
    """Network members with 3 epochs (the estimator uses CrossPropertyRegressor's defaults)."""
    from skcromel.cross_property import CrossPropertyRegressor
    from skcromel.transfer import _networks

    def quick(source, seed):
        return CrossPropertyRegressor(source=source, max_epochs=3, device="cpu", random_state=seed)

    monkeypatch.setattr(_networks, "_network", quick)


def test_network_members_blended_on_a_holdout(kingsbury, quick_networks):
    X, y = kingsbury
    model = TransferRegressor(sources=None, networks=[SOURCE], **FAST).fit(X[:250], y[:250])
    w = model.blend_weights_
    assert w.shape == (2,) and np.all(w >= 0) and w.sum() == pytest.approx(1.0)
    assert len(model.networks_) == 1
    pred, std = model.predict(X[250:], return_std=True)
    ensemble = clone(model).set_params(networks=()).fit(X[:250], y[:250])
    expected = w[0] * ensemble.predict(X[250:]) + w[1] * model.networks_[0].predict(X[250:])
    np.testing.assert_allclose(pred, expected, rtol=1e-10)
    _, std_ensemble = ensemble.predict(X[250:], return_std=True)
    np.testing.assert_allclose(std, w[0] * std_ensemble, rtol=1e-10)
    assert ensemble.networks_ == [] and ensemble.blend_weights_ is None
    # intervals from the blend's hold-out residuals (about 20 % of the compounds)
    assert 5 <= len(model.oob_residuals_) <= 0.3 * 250
    lo, hi = model.predict_interval(X[250:], alpha=0.2).T
    np.testing.assert_allclose(hi - lo, 2 * model.interval_half_width(0.2))
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X[250:]), pred)


def test_network_members_refuse_extra_columns_and_tiny_holdouts(kingsbury, quick_networks):
    X, y = kingsbury
    frame = pd.DataFrame({"composition": X[:60], "T": np.linspace(300, 800, 60)})
    with pytest.raises(ValueError, match=r"compositions only.*\['T'\]"):
        TransferRegressor(sources=None, networks=[SOURCE], **FAST).fit(frame, y[:60])
    with pytest.raises(ValueError, match="network_holdout"):
        TransferRegressor(sources=None, networks=[SOURCE], network_holdout=0.01, **FAST).fit(
            X[:60], y[:60]
        )


def test_too_few_calibration_rows_give_an_infinite_interval_with_a_warning(kingsbury):
    X, y = kingsbury
    model = TransferRegressor(sources=None, **FAST).fit(X[:8], y[:8])
    assert len(model.oob_residuals_) < 9  # 9 are needed at alpha = 0.1
    with pytest.warns(SkcromelWarning, match="too few for alpha=0.1: at least 9"):
        interval = model.predict_interval(X[:2], alpha=0.1)
    assert np.isinf(interval).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(model.predict_interval(X[:2], alpha=0.5)).all()  # needs 1
