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
from skcromel.benchmark.models._external import RoostBaseline, _composition_strings

HAS_AVIARY = importlib.util.find_spec("aviary") is not None and (
    importlib.util.find_spec("aviary.roost") is not None
)


def test_roost_is_listed_with_its_install_line():
    row = list_models().set_index("name").loc["roost"]
    assert "pip install aviary-models" in row["description"]
    assert isinstance(make_model("roost"), RoostBaseline)
    assert make_model("roost", quick=True).epochs == 5


def test_composition_strings_accepts_formulas_compositions_and_arrays():
    X = pd.DataFrame({"composition": ["NaCl", Composition("Fe2O3")]})
    assert _composition_strings(X) == ["NaCl", "Fe2 O3"]
    assert _composition_strings(np.array([["MgO"], ["SiO2"]], dtype=object)) == ["MgO", "SiO2"]


@pytest.mark.parametrize(
    "X, match",
    [
        (pd.DataFrame({"composition": ["NaCl"], "temperature": [300.0]}), "compositions only"),
        (pd.DataFrame({"formula": ["NaCl"]}), "compositions only"),
        (np.array([["NaCl", 1.0]], dtype=object), "compositions only"),
        (pd.DataFrame({"composition": ["NaCl", None]}), "row 1"),
    ],
)
def test_composition_strings_refuses_what_roost_cannot_take(X, match):
    with pytest.raises(ValueError, match=match):
        _composition_strings(X)


@pytest.mark.skipif(HAS_AVIARY, reason="aviary-models is installed")
def test_roost_without_aviary_says_how_to_install():
    X = pd.DataFrame({"composition": ["NaCl", "KCl"]})
    with pytest.raises(ImportError, match="pip install aviary-models"):
        RoostBaseline(epochs=1).fit(X, [1.0, 2.0])


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
