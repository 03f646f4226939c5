"""skcromel.matminer: featurize_dataframe with batched, in-process work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matminer.featurizers.base import BaseFeaturizer
from pymatgen.core import Composition

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
