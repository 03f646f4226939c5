"""ReferenceLookup: statistics of a computed reference over polymorphs, missing-row policies."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import make_pipeline, make_union

from skcromel import ElementStats, ReferenceLookup
from skcromel.exceptions import CompositionError
from skcromel.featurizers import read_reference_table

REF = pd.DataFrame(
    {
        "formula": ["TiO2", "Ti2O4", "Ti3O6", "ZnO", "GaN", "Fe"],
        "gap": [1.8, 2.2, 3.0, 0.7, 1.7, 0.0],
    }
)


def test_lookup_statistics_over_polymorphs():
    lk = ReferenceLookup(REF, statistics=("min", "mean", "median", "max", "std", "count"))
    out = lk.fit_transform(["Ti2O4", "O2Ti", "ZnO", "GaAs"])
    assert lk.n_reference_ == 4  # TiO2 (3 polymorphs), ZnO, GaN, Fe
    np.testing.assert_allclose(
        out[0], [1.8, 7 / 3, 2.2, 3.0, np.std([1.8, 2.2, 3.0], ddof=1), 3, 1]
    )
    np.testing.assert_allclose(out[1], out[0])  # same reduced formula, any spelling
    np.testing.assert_allclose(out[2], [0.7, 0.7, 0.7, 0.7, 0.0, 1, 1])
    assert np.isnan(out[3, :-1]).all() and out[3, -1] == 0.0
    assert out.dtype == np.float64
    assert list(lk.get_feature_names_out()) == [
        "reference_min", "reference_mean", "reference_median", "reference_max", "reference_std",
        "reference_count", "reference_found",
    ]  # fmt: skip


def test_lookup_missing_policies_and_exclude():
    X = ["ZnO", "GaAs"]
    filled = ReferenceLookup(REF, on_missing="fill", fill_value=-1.0, prefix="pbe").fit_transform(X)
    np.testing.assert_allclose(filled, [[0.7, 0.7, 0.7, 1.0], [-1.0, -1.0, -1.0, 0.0]])
    with pytest.raises(CompositionError, match="row 1.*'AsGa'.*not in the reference"):
        ReferenceLookup(REF, on_missing="raise").fit(X).transform(X)
    excl = ReferenceLookup(REF, exclude=["Zn2O2"]).fit(X)
    assert excl.n_reference_ == 3 and excl.transform(X)[0, -1] == 0.0


def test_lookup_bad_parameters_and_input():
    with pytest.raises(ValueError, match="statistics"):
        ReferenceLookup(REF, statistics=("mode",)).fit(["ZnO"])
    with pytest.raises(ValueError, match="on_missing"):
        ReferenceLookup(REF, on_missing="drop").fit(["ZnO"])
    with pytest.raises(TypeError, match="reference must be"):
        ReferenceLookup(2.0).fit(["ZnO"])
    with pytest.raises(CompositionError, match="row 1"):
        ReferenceLookup(REF).fit(["ZnO"]).transform(["ZnO", "Qq2"])
    with pytest.warns(UserWarning):
        out = ReferenceLookup(REF, on_error="nan").fit(["ZnO"]).transform(["ZnO", "Qq2"])
    assert np.isnan(out[1]).all() and out[0, -1] == 1.0
    bad = REF.assign(gap=[1.0, np.nan, 1, 1, 1, 1])
    with pytest.raises(ValueError, match="row 1 .*'Ti2O4'.* not finite"):
        read_reference_table(bad)


def test_lookup_in_pipeline_clone_pickle():
    X = pd.Series(["TiO2", "ZnO", "GaN", "Fe", "GaAs", "ZnS"] * 5)
    y = np.arange(len(X), dtype=float) % 3
    model = make_pipeline(
        make_union(ElementStats(), ReferenceLookup(REF)),
        HistGradientBoostingRegressor(max_iter=5, min_samples_leaf=2),
    )
    pred = clone(model).fit(X, y).predict(X)
    fitted = model.fit(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X), pred)
    lk = ReferenceLookup(REF).set_output(transform="pandas")
    df = lk.fit_transform(X)
    assert list(df.columns) == list(lk.get_feature_names_out()) and len(df) == len(X)


def test_lookup_mp_gap_reference(data_home):
    lk = ReferenceLookup(data_home=data_home).fit(["Si"])
    out = lk.transform(["Si", "NaCl", "Cu"])
    assert lk.n_reference_ > 50_000
    assert 0.3 < out[0, 0] <= out[0, 2] < 1.5  # PBE silicon polymorphs: ~0.4-0.9 eV
    assert out[1, 0] > 4.0 and out[2, 0] == 0.0
    assert list(lk.get_feature_names_out())[-1] == "mp_gap_found"
