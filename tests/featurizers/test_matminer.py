"""skcromel.matminer: featurize_dataframe with batched, in-process work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matminer.featurizers.base import BaseFeaturizer
from pymatgen.core import Composition
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skcromel import ElementFraction, ElementStats
from skcromel.exceptions import CompositionError
from skcromel.featurizers import MatminerFeaturizer


def test_featurize_dataframe_matches_transformer():
    df = pd.DataFrame({"formula": ["Fe2O3", "NaCl", "CuSO4·5H2O"], "y": [1.0, 2.0, 3.0]})
    f = MatminerFeaturizer.from_preset("magpie")
    assert isinstance(f, BaseFeaturizer)
    out = f.featurize_dataframe(df, "formula", pbar=False)
    assert list(out.columns[:2]) == ["formula", "y"]
    assert list(out.columns[2:]) == f.feature_labels()
    np.testing.assert_allclose(
        out.iloc[:, 2:].to_numpy(float), ElementStats().fit_transform(df.formula)
    )


def test_compositions_and_elemnet_preset():
    df = pd.DataFrame({"composition": [Composition("Fe2O3"), Composition("NaCl")]})
    f = MatminerFeaturizer.from_preset("elemnet")
    out = f.featurize_dataframe(df, "composition", pbar=False)
    assert out.shape == (2, 87)
    assert out.loc[0, "Fe"] == pytest.approx(0.4)
    assert len(f.featurize("NaCl")) == 86
    assert f.citations() and f.implementors()


def test_errors_raise_or_are_returned():
    df = pd.DataFrame({"formula": ["Fe2O3", "Xx3"]})
    f = MatminerFeaturizer(ElementFraction())
    with pytest.raises(CompositionError, match="row 1"):
        f.featurize_dataframe(df, "formula", pbar=False)
    out = f.featurize_dataframe(df, "formula", pbar=False, ignore_errors=True, return_errors=True)
    err_col = out.columns[-1]
    assert "Exceptions" in err_col
    assert out[err_col].iloc[0] == "" and "unknown element symbol 'Xx'" in out[err_col].iloc[1]
    assert np.isnan(out.iloc[1, 1:-1].to_numpy(float)).all()


def test_no_process_pool_is_used(monkeypatch):
    import multiprocessing

    def boom(*a, **k):  # pragma: no cover - must not be called
        raise AssertionError("featurize_many must not start a pool")

    monkeypatch.setattr(multiprocessing, "Pool", boom)
    f = MatminerFeaturizer.from_preset("magpie")
    assert len(f.featurize_many(["NaCl"] * 50, pbar=False)) == 50


def test_get_params_works():
    f = MatminerFeaturizer(ElementStats(preset="xenonpy"))
    assert "transformer" in f.get_params()


# --------------------------------------------------------------------------------------------
# any skcromel transformer (issue 17): unions, transfer features, structures, single objects
# --------------------------------------------------------------------------------------------
def _srtio3():
    from pymatgen.core import Lattice, Structure

    return Structure(
        Lattice.cubic(3.905),
        ["Sr", "Ti", "O", "O", "O"],
        [[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]],
    )


def _transfer(kind):
    from skcromel import CroMELFeaturizer, CrossPropertyFeaturizer
    from skcromel.featurizers import magpie_full

    return {
        "magpie_full": magpie_full,
        "crossprop": CrossPropertyFeaturizer,
        "cromel": CroMELFeaturizer,
    }[kind]()


@pytest.mark.parametrize("kind", ["magpie_full", "crossprop", "cromel"])
def test_unions_and_transfer_features_go_through_featurize_dataframe(kind):
    t = _transfer(kind)
    f = MatminerFeaturizer(t)
    labels = f.feature_labels()  # known before any data
    assert labels == list(clone(t).fit(["H"]).get_feature_names_out())
    df = pd.DataFrame({"formula": ["Fe2O3", "NaCl", "LiFePO4"]})
    out = f.featurize_dataframe(df, "formula", pbar=False)
    assert list(out.columns) == ["formula", *labels]
    np.testing.assert_allclose(
        out[labels].to_numpy(float), clone(t).fit(df.formula).transform(df.formula)
    )
    assert repr(t) == repr(_transfer(kind))  # the wrapped object is neither changed nor fitted
    with pytest.raises(NotFittedError):
        check_is_fitted(t)


@pytest.mark.parametrize("kind", ["magpie_full", "crossprop", "cromel"])
def test_single_pymatgen_objects_and_lists_of_them(kind):
    f = MatminerFeaturizer(_transfer(kind))
    ref = np.asarray(f.featurize_many(["Fe2O3", "SrTiO3"], pbar=False))
    tol = {"rtol": 1e-4, "atol": 1e-6}  # float32 networks: batch size changes the last bits
    np.testing.assert_allclose(f.featurize(Composition("Fe2O3")), ref[0], **tol)
    np.testing.assert_allclose(f.featurize(_srtio3()), ref[1], **tol)
    many = f.featurize_many([Composition("Fe2O3"), _srtio3()], pbar=False)
    np.testing.assert_allclose(np.asarray(many), ref, **tol)
    one_col = f.featurize_many(np.array([[Composition("Fe2O3")], ["SrTiO3"]], dtype=object))
    np.testing.assert_allclose(np.asarray(one_col), ref, **tol)


def test_structure_featurizer_takes_structures():
    from skcromel import CenterEnvironmentFeaturizer

    ce = CenterEnvironmentFeaturizer()
    f = MatminerFeaturizer(ce)
    got = f.featurize(_srtio3())
    np.testing.assert_allclose(got, clone(ce).fit([_srtio3()]).transform([_srtio3()])[0])
    df = pd.DataFrame({"structure": [_srtio3(), _srtio3()]})
    out = f.featurize_dataframe(df, "structure", pbar=False)
    assert out.shape == (2, 1 + len(f.feature_labels()))


def test_fitted_pipeline_is_used_as_fitted():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = ["Fe2O3", "NaCl", "LiFePO4", "SrTiO3"]
    pipe = make_pipeline(ElementFraction(elements="elemnet"), StandardScaler()).fit(X)
    f = MatminerFeaturizer(pipe)
    np.testing.assert_allclose(np.asarray(f.featurize_many(X, pbar=False)), pipe.transform(X))
    assert len(f.feature_labels()) == 86
    with pytest.raises(TypeError, match="must be fitted before wrapping"):
        MatminerFeaturizer(make_pipeline(ElementFraction(), StandardScaler())).feature_labels()


@pytest.mark.parametrize("bad", ["passthrough_union", "sklearn", "regressor"])
def test_non_skcromel_transformers_are_refused_with_the_reason(bad):
    from sklearn.pipeline import FeatureUnion
    from sklearn.preprocessing import StandardScaler

    from skcromel import CrossPropertyRegressor

    t = {
        "passthrough_union": FeatureUnion([("m", ElementStats()), ("raw", "passthrough")]),
        "sklearn": StandardScaler(),
        "regressor": CrossPropertyRegressor(),
    }[bad]
    with pytest.raises(TypeError, match="wraps skcromel featurizers"):
        MatminerFeaturizer(t).featurize("NaCl")


def test_implementors_and_citations_are_those_of_the_wrapped_method():
    from skcromel import CroMELFeaturizer, CrossPropertyFeaturizer

    f = MatminerFeaturizer.from_preset("magpie")
    assert f.implementors()[0] == "Logan Ward"
    assert any(c.startswith("@article{ward2016magpie") for c in f.citations())
    f = MatminerFeaturizer(ElementStats(preset="matscholar"))
    assert {"Leigh Weston", "Anthony Onwuli"} <= set(f.implementors())
    assert any("weston2019matscholar" in c for c in f.citations())
    assert all(c.count("@") == 1 for c in f.citations())  # one BibTeX entry per item
    f = MatminerFeaturizer(CrossPropertyFeaturizer())
    assert f.implementors()[:2] == ["Vishu Gupta", "Dipendra Jha"]
    assert "gupta2021cross" in f.citations()[0] and "jha2018elemnet" in f.citations()[1]
    assert "na2025cromel" in MatminerFeaturizer(CroMELFeaturizer()).citations()[0]
    for preset in ["magpie_full", "elemnet", "xenonpy"]:
        f = MatminerFeaturizer.from_preset(preset)
        assert f.implementors()[-1] == "skcromel developers" and len(f.implementors()) >= 2
        assert len(f.citations()) >= 2


def test_chunks_keep_row_numbers_and_show_progress(monkeypatch, capsys):
    from skcromel.featurizers import _matminer

    monkeypatch.setattr(_matminer, "CHUNK_ROWS", 2)
    f = MatminerFeaturizer(ElementFraction())
    X = ["NaCl", "KBr", "Fe2O3", "Qq", "LiF"]
    with pytest.raises(CompositionError, match="row 3: cannot use composition 'Qq'"):
        f.featurize_many(X, pbar=False)
    rows = f.featurize_many(X, ignore_errors=True, return_errors=True, pbar=True)
    assert [r[-1] for r in rows][:3] == ["", "", ""] and rows[4][-1] == ""
    assert rows[3][-1].startswith("row 3: cannot use composition 'Qq'")
    assert "MatminerFeaturizer" in capsys.readouterr().err  # more than one chunk: a bar
    with pytest.raises(ValueError, match="requires ignore_errors"):
        f.featurize_many(X, return_errors=True)


def test_fitted_part_with_fit_time_on_error_still_ignores_errors():
    """A fitted CroMELFeaturizer keeps the on_error it was fitted with in its descriptor; the
    adapter still returns NaN rows for ignore_errors=True instead of raising."""
    from skcromel import CroMELFeaturizer

    fitted = CroMELFeaturizer().fit()
    f = MatminerFeaturizer(fitted)
    rows = np.asarray(f.featurize_many(["NaCl", "Qq", "Fe2O3", "Xx"], ignore_errors=True))
    assert np.isnan(rows[[1, 3]]).all() and not np.isnan(rows[[0, 2]]).any()
    np.testing.assert_allclose(
        rows[[0, 2]], fitted.transform(["NaCl", "Fe2O3"]), rtol=1e-4, atol=1e-6
    )
