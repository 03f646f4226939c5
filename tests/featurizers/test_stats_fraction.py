"""ElementFraction and ElementStats: correctness, scikit-learn citizenship, integration."""

from __future__ import annotations

import gzip
import json
import pickle
import warnings
from importlib import resources

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks as ec

from skcromel import ElementFraction, ElementStats
from skcromel.element_tables import PRESETS, load_table
from skcromel.exceptions import CompositionError
from skcromel.featurizers import STATS
from skcromel.parsing import parse_compositions

FORMULAS = ["Fe2O3", "NaCl", "Li0.5Fe0.5PO4", "CuSO4·5H2O", "Ba(Zr0.5Ti0.5)O3", "Si", "GaAs"]


def _kingsbury_records() -> list[dict]:
    """Experimental formation enthalpies shipped inside pymatgen (Kingsbury et al.)."""
    for pkg in ("pymatgen.analysis.compatibility", "pymatgen.entries"):
        try:
            path = resources.files(pkg) / "exp_compounds.json.gz"
        except ModuleNotFoundError:
            continue
        if path.is_file():
            with gzip.open(str(path), "rt") as fh:
                return json.load(fh)
    pytest.skip("pymatgen does not ship exp_compounds.json.gz")


def _kingsbury_formulas() -> list[str]:
    return [d["formula"] for d in _kingsbury_records()]


ESTIMATORS = [
    ElementFraction(),
    ElementFraction(elements="all", sparse_output=True),
    *[ElementStats(preset=p) for p in PRESETS],
]
API_CHECKS = [
    ec.check_no_attributes_set_in_init,
    ec.check_get_params_invariance,
    ec.check_set_params,
    ec.check_estimator_repr,
    ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_parameters_default_constructible,
    ec.check_mixin_order,
    ec.check_estimator_cloneable,
]


@pytest.mark.parametrize("est", ESTIMATORS, ids=repr)
@pytest.mark.parametrize("check", API_CHECKS, ids=lambda c: c.__name__)
def test_api_checks(est, check):
    check(type(est).__name__, clone(est))


@pytest.mark.parametrize("est", ESTIMATORS, ids=repr)
def test_fit_transform_pickle_clone(est):
    est = clone(est)
    X = pd.Series(FORMULAS[:3] + ["MgO"])
    out = est.fit(X).transform(X)
    out = out.toarray() if sp.issparse(out) else out
    assert out.dtype == np.float64
    assert out.shape == (4, len(est.get_feature_names_out()))
    assert np.isfinite(out).all()
    restored = pickle.loads(pickle.dumps(est))
    out2 = restored.transform(X)
    np.testing.assert_array_equal(out, out2.toarray() if sp.issparse(out2) else out2)
    fresh = clone(est)
    assert not hasattr(fresh, "feature_names_out_")
    # order preserved: reversing input reverses output
    rev = est.transform(X[::-1])
    rev = rev.toarray() if sp.issparse(rev) else rev
    np.testing.assert_array_equal(rev, out[::-1])


def test_transform_before_fit_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ElementStats().transform(["NaCl"])


def test_invalid_params_raise_in_fit_not_init():
    ElementStats(preset="nope")  # no error at construction
    with pytest.raises(ValueError, match="unknown preset"):
        ElementStats(preset="nope").fit(["NaCl"])
    with pytest.raises(ValueError, match="unknown statistic"):
        ElementStats(stats=("median",)).fit(["NaCl"])
    with pytest.raises(ValueError, match="on_error"):
        ElementFraction(on_error="ignore").fit(["NaCl"])
    with pytest.raises(ValueError, match="unknown element set"):
        ElementFraction(elements="nope").fit(["NaCl"])


def test_magpie_identical_to_matminer():
    from matminer.featurizers.composition import ElementProperty
    from pymatgen.core import Composition

    formulas = _kingsbury_formulas()[::7]  # ~300 real compositions
    ours = ElementStats(preset="magpie").fit_transform(formulas)
    mm = ElementProperty.from_preset("magpie")
    mm.set_n_jobs(1)
    ref = np.array(mm.featurize_many([Composition(f) for f in formulas], pbar=False), float)
    assert list(ElementStats().fit(formulas).get_feature_names_out()) == mm.feature_labels()
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-6)


def test_elemnet_fractions():
    ef = ElementFraction().fit(["NaCl"])
    names = list(ef.get_feature_names_out())
    assert len(names) == 86 and names[0] == "H" and names[-1] == "Pu"
    assert "He" not in names and "Po" not in names
    out = ef.transform(["Fe2O3"])
    assert out[0, names.index("Fe")] == pytest.approx(0.4)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    with pytest.raises(CompositionError, match="not supported") as info:
        ef.transform(["NaCl", "HeH"])
    assert info.value.row == 1


def test_sparse_output_matches_dense():
    dense = ElementFraction().fit_transform(FORMULAS)
    sparse = ElementFraction(sparse_output=True).fit_transform(FORMULAS)
    assert sp.issparse(sparse) and sparse.dtype == np.float64
    np.testing.assert_array_equal(sparse.toarray(), dense)


def _reference_stats(formula, preset):
    """Straightforward per-formula re-computation of the statistics."""
    from skcromel.elements import SYMBOLS
    from skcromel.parsing import parse_formula

    table = load_table(preset)
    vals = table.imputed()
    amounts = parse_formula(formula)
    els = list(amounts)
    n = np.array([amounts[e] for e in els])
    w = n / n.sum()
    P = vals[[SYMBOLS.index(e) for e in els]]
    mean = w @ P
    return {
        "mean": mean,
        "minimum": P.min(0),
        "maximum": P.max(0),
        "range": P.max(0) - P.min(0),
        "avg_dev": w @ np.abs(P - mean),
        "var": w @ (P - mean) ** 2,
        "sum": n @ P,
        "mode": P[np.isclose(n, n.max())].min(0),
    }


@pytest.mark.parametrize("preset", ["xenonpy", "matscholar", "oliynyk", "megnet16"])
def test_stats_against_reference(preset):
    stats = ("mean", "minimum", "maximum", "range", "avg_dev", "var", "sum", "mode")
    est = ElementStats(preset=preset, stats=stats).fit(FORMULAS)
    out = est.transform(FORMULAS)
    names = est.get_feature_names_out()
    n_props = len(load_table(preset).properties)
    for i, f in enumerate(FORMULAS):
        ref = _reference_stats(f, preset)
        for s in stats:
            if preset == "oliynyk":  # property-major layout
                idx = [j for j, nm in enumerate(names) if nm.split(" ")[1] == s]
            else:
                k = stats.index(s)
                idx = list(range(k * n_props, (k + 1) * n_props))
            np.testing.assert_allclose(out[i, idx], ref[s], rtol=1e-10, atol=1e-10, err_msg=s)


def test_presets_shapes():
    assert ElementStats("magpie").fit(["H"]).get_feature_names_out().shape == (132,)
    assert ElementStats("matscholar").fit(["H"]).get_feature_names_out().shape == (600,)
    assert ElementStats("xenonpy").fit(["H"]).get_feature_names_out().shape == (290,)
    assert ElementStats("mat2vec").fit(["H"]).get_feature_names_out().shape == (600,)
    assert ElementStats("megnet16").fit(["H"]).get_feature_names_out().shape == (48,)
    names = ElementStats("xenonpy").fit(["H"]).get_feature_names_out()
    assert names[0] == "xenonpy mean atomic_number" and names[58] == "xenonpy sum atomic_number"


def test_std_dev_matches_matminer():
    from matminer.featurizers.utils.stats import PropertyStats

    est = ElementStats(preset="magpie", stats=("std_dev",)).fit(["H"])
    out = est.transform(["Fe2O3", "Na", "Li0.5Fe0.5PO4"])
    vals = load_table("magpie").imputed()
    from skcromel.elements import SYMBOLS

    for i, amounts in enumerate(
        [{"Fe": 2, "O": 3}, {"Na": 1}, {"Li": 0.5, "Fe": 0.5, "P": 1, "O": 4}]
    ):
        P = vals[[SYMBOLS.index(e) for e in amounts]]
        for j in range(P.shape[1]):
            ref = PropertyStats.std_dev(P[:, j], list(amounts.values()))
            assert out[i, j] == pytest.approx(ref, abs=1e-9)


def test_unsupported_element_policy():
    est = ElementStats(preset="xenonpy")  # xenonpy covers H..Pu only
    with pytest.raises(CompositionError, match="not supported by ElementStats") as info:
        est.fit_transform(["NaCl", "AmO2"])
    assert info.value.row == 1
    assert info.value.value == "Am1O2" and "'Am1O2'" in str(info.value)  # names the composition
    with pytest.warns(UserWarning, match="1 of 2 rows"):
        out = ElementStats(preset="xenonpy", on_error="nan").fit_transform(["NaCl", "AmO2"])
    assert np.isfinite(out[0]).all() and np.isnan(out[1]).all()


def test_impute_nan_false_warns_about_nan_features():
    with pytest.warns(UserWarning, match="NaN"):
        out = ElementStats(impute_nan=False).fit_transform(["He"])  # no magpie MeltingT for He
    assert np.isnan(out).any()
    assert np.isfinite(ElementStats().fit_transform(["He"])).all()


def test_stat_aliases():
    a = ElementStats("magpie", stats=("min", "max", "ave")).fit_transform(FORMULAS)
    b = ElementStats("magpie", stats=("minimum", "maximum", "mean")).fit_transform(FORMULAS)
    np.testing.assert_array_equal(a, b)
    assert set(STATS) >= {"mean", "minimum", "maximum", "range", "avg_dev", "mode", "var", "sum"}


def test_dataframe_column_names_and_pandas_output():
    df = pd.DataFrame({"formula": FORMULAS}, index=np.arange(100, 100 + len(FORMULAS)))
    est = ElementStats().set_output(transform="pandas").fit(df)
    assert list(est.feature_names_in_) == ["formula"]
    out = est.transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == list(df.index)
    assert list(out.columns) == list(est.get_feature_names_out())


def test_column_transformer_pipeline_gridsearch():
    rng = np.random.default_rng(0)
    formulas = _kingsbury_formulas()[:120]
    y = rng.normal(size=len(formulas))
    df = pd.DataFrame({"formula": formulas, "temperature": rng.uniform(300, 900, len(formulas))})
    ct = ColumnTransformer(
        [("magpie", ElementStats(), "formula"), ("frac", ElementFraction(), ["formula"])],
        remainder="passthrough",
    ).set_output(transform="pandas")
    feats = ct.fit_transform(df)
    assert isinstance(feats, pd.DataFrame)
    assert feats.shape == (120, 132 + 86 + 1)
    assert "magpie__MagpieData mean Number" in feats.columns
    assert "remainder__temperature" in feats.columns
    pipe = make_pipeline(clone(ct), Ridge())
    grid = GridSearchCV(
        pipe,
        {"columntransformer__magpie__preset": ["magpie", "megnet16"], "ridge__alpha": [1.0, 10.0]},
        cv=KFold(3, shuffle=True, random_state=0),
    )
    grid.fit(df, y)
    assert grid.best_params_["columntransformer__magpie__preset"] in ("magpie", "megnet16")
    pred = grid.predict(df)
    assert pred.shape == (120,)


def test_pipeline_with_forest_learns_something():
    """Magpie features + a forest beat the mean on a real property (Kingsbury enthalpies)."""
    data = _kingsbury_records()
    from skcromel.parsing import to_element_matrix

    formulas = [d["formula"] for d in data]
    n_atoms = to_element_matrix(formulas, normalize=False).sum(axis=1)
    y = np.array([d["exp energy"] for d in data]) / n_atoms
    train, test = np.arange(0, len(y), 2), np.arange(1, len(y), 2)
    model = make_pipeline(ElementStats(), RandomForestRegressor(60, random_state=0, n_jobs=1))
    model.fit([formulas[i] for i in train], y[train])
    mae = np.abs(model.predict([formulas[i] for i in test]) - y[test]).mean()
    assert mae < 0.6 * np.abs(y[test] - y[train].mean()).mean()


@pytest.mark.parametrize(
    "preset, stats, impute_nan",
    [
        ("magpie", None, True),  # property-major layout
        ("xenonpy", None, True),  # stat-major layout, "sum" over raw amounts
        ("magpie", ("std_dev", "mode", "var", "range"), False),  # NaN property values stay NaN
    ],
)
def test_chunked_transform_is_identical(monkeypatch, preset, stats, impute_nan):
    """Rows featurized in chunks (any chunk size) give exactly the one-piece result."""
    from skcromel.featurizers import _stats

    rng = np.random.default_rng(0)
    X = list(rng.choice(FORMULAS + ["He", "Fe", "Pu2O3", "NaCl"], size=57))
    est = ElementStats(preset, stats=stats, impute_nan=impute_nan).fit(X)
    with warnings.catch_warnings(record=True) as whole_warnings:
        warnings.simplefilter("always")
        whole = est._featurize(parse_compositions(X))  # the whole input in one piece
    assert not np.isnan(whole).all(axis=1).any()
    for chunk in (1, 5, 16, 57, 10_000):
        monkeypatch.setattr(_stats, "_CHUNK_ROWS", chunk)
        with warnings.catch_warnings(record=True) as got_warnings:
            warnings.simplefilter("always")
            got = est.transform(X)
        np.testing.assert_array_equal(got, whole)
        assert [str(w.message) for w in got_warnings] == [str(w.message) for w in whole_warnings]


def test_chunked_errors_name_the_row_of_the_whole_input(monkeypatch):
    from skcromel.featurizers import _stats

    monkeypatch.setattr(_stats, "_CHUNK_ROWS", 4)
    X = ["NaCl"] * 9 + ["Xx2"] + ["AmO2"] * 2 + ["Fe2O3", "Qq"]
    est = ElementStats("xenonpy")  # no Am
    with pytest.raises(CompositionError, match="row 9") as info:
        est.fit_transform(X)
    assert info.value.row == 9 and info.value.value == "Xx2"
    with pytest.raises(CompositionError, match=r"row 9: .*'Am1O2'.*not supported"):
        est.fit_transform(X[:9] + X[10:])  # an unsupported element, in the third chunk
    with pytest.warns(UserWarning, match=r"4 of 14 rows .* row 9: .*; row 10: .*; row 11: "):
        out = ElementStats("xenonpy", on_error="nan").fit_transform(X)
    assert np.isnan(out[[9, 10, 11, 13]]).all() and np.isfinite(out[[0, 8, 12]]).all()
    monkeypatch.setattr(_stats, "_CHUNK_ROWS", 100)
    with pytest.warns(UserWarning):
        np.testing.assert_array_equal(ElementStats("xenonpy", on_error="nan").fit_transform(X), out)
