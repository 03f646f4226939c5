"""Optional baselines from other packages (``skcromel.benchmark.models._external``)."""

from __future__ import annotations

import importlib.util
import pickle

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Composition
from sklearn.base import clone

from skcromel.benchmark import list_models, make_model
from skcromel.benchmark.models._external import CrabNetBaseline, RoostBaseline, _split_columns

HAS_AVIARY = importlib.util.find_spec("aviary") is not None and (
    importlib.util.find_spec("aviary.roost") is not None
)
HAS_CRABNET = importlib.util.find_spec("crabnet") is not None


@pytest.mark.parametrize(
    "name, cls, install",
    [
        ("roost", RoostBaseline, "pip install aviary-models"),
        ("crabnet", CrabNetBaseline, "--ignore-requires-python crabnet==2.0.8"),
    ],
)
def test_external_models_are_listed_with_their_install_line(name, cls, install):
    row = list_models().set_index("name").loc[name]
    assert install in row["description"]
    assert isinstance(make_model(name), cls)
    assert make_model(name, quick=True).epochs < 10


def test_split_columns_accepts_formulas_compositions_and_arrays():
    X = pd.DataFrame({"composition": ["NaCl", Composition("Fe2O3")], "temperature": [300, 400]})
    formulas, extra = _split_columns(X, allow_extra=True, model="m")
    assert formulas == ["NaCl", "Fe2 O3"]
    assert extra["temperature"].dtype == np.float64
    formulas, extra = _split_columns(
        np.array([["MgO"], ["SiO2"]], dtype=object), allow_extra=False, model="m"
    )
    assert formulas == ["MgO", "SiO2"] and extra.shape == (2, 0)


@pytest.mark.parametrize(
    "X, allow_extra, match",
    [
        (
            pd.DataFrame({"composition": ["NaCl"], "temperature": [300.0]}),
            False,
            "compositions only",
        ),
        (np.array([["NaCl", 1.0]], dtype=object), False, "compositions only"),
        (pd.DataFrame({"formula": ["NaCl"]}), True, "no 'composition' column"),
        (pd.DataFrame({"composition": ["NaCl", None]}), True, "row 1"),
        (pd.DataFrame({"composition": ["NaCl"], "phase": ["cubic"]}), True, "numeric"),
    ],
)
def test_split_columns_refuses_what_the_models_cannot_take(X, allow_extra, match):
    with pytest.raises(ValueError, match=match):
        _split_columns(X, allow_extra=allow_extra, model="m")


@pytest.mark.skipif(HAS_AVIARY, reason="aviary-models is installed")
def test_roost_without_aviary_says_how_to_install():
    X = pd.DataFrame({"composition": ["NaCl", "KCl"]})
    with pytest.raises(ImportError, match="pip install aviary-models"):
        RoostBaseline(epochs=1).fit(X, [1.0, 2.0])


@pytest.mark.skipif(HAS_CRABNET, reason="crabnet is installed")
def test_crabnet_without_crabnet_says_how_to_install():
    X = pd.DataFrame({"composition": ["NaCl", "KCl"]})
    with pytest.raises(ImportError, match="ignore-requires-python"):
        CrabNetBaseline(epochs=2).fit(X, [1.0, 2.0])


@pytest.mark.skipif(not HAS_AVIARY, reason="needs aviary-models")
def test_roost_fits_predicts_and_is_reproducible():
    formulas = ["NaCl", "KCl", "MgO", "CaO", "SiO2", "Al2O3", "Fe2O3", "TiO2", "ZnO", "LiF"] * 3
    rng = np.random.RandomState(0)
    y = rng.normal(size=len(formulas))
    X = pd.DataFrame({"composition": formulas})
    model = RoostBaseline(epochs=2, batch_size=8, random_state=0).fit(X, y)
    mean, std = model.predict(X, return_std=True)
    assert mean.dtype == np.float64 and mean.shape == (len(formulas),)
    assert np.all(std > 0)
    again = clone(model).fit(X, y).predict(X)
    np.testing.assert_allclose(again, mean)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(model)).predict(X), mean)
    with pytest.raises(ValueError, match="non-finite"):
        clone(model).fit(X, np.r_[y[:-1], np.nan])


@pytest.mark.skipif(not HAS_CRABNET, reason="needs crabnet 2.0.8")
def test_crabnet_fits_with_an_extra_column():
    formulas = ["NaCl", "KCl", "MgO", "CaO", "SiO2", "Al2O3", "Fe2O3", "TiO2", "ZnO", "LiF"] * 3
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"composition": formulas, "temperature": rng.uniform(300, 600, len(formulas))})
    y = rng.normal(size=len(formulas))
    model = CrabNetBaseline(epochs=2, random_state=0).fit(X, y)
    mean, std = model.predict(X, return_std=True)
    assert mean.shape == std.shape == (len(formulas),) and mean.dtype == np.float64
    np.testing.assert_allclose(pickle.loads(pickle.dumps(model)).predict(X), mean)
    # a copy of CrabNet's optimizers hooks their class's step (torch >= 2): fitting again in the
    # same process used to fail for want of the hook tables
    clone(model).fit(X, y)
    with pytest.raises(ValueError, match="fitted on"):
        model.predict(X[["composition"]])
