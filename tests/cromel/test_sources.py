"""The shipped CroMEL source: registry loading, checksum, determinism, non-regression."""

import shutil

import numpy as np
import pandas as pd
import pytest
import torch

from skcromel import registry
from skcromel.cromel import CompositionEncoder, CroMELFeaturizer, CroMELRegressor
from skcromel.cromel._sources import (
    ARCHITECTURE_TYPE,
    DEFAULT_SOURCE,
    PROBE_FORMULAS,
    export_source,
)
from skcromel.datasets import sha256_file
from skcromel.exceptions import ChecksumError, DataNotFoundError

SHIPPED = registry.PRETRAINED_DIR / DEFAULT_SOURCE


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def test_shipped_model_loads_and_checksum_matches():
    assert DEFAULT_SOURCE in registry.list_pretrained()
    model = registry.load_pretrained(DEFAULT_SOURCE)
    assert model.card["sha256"] == sha256_file(SHIPPED / "weights.pt")
    assert model.architecture["type"] == ARCHITECTURE_TYPE
    enc = model.build_module()
    assert isinstance(enc, CompositionEncoder)
    assert enc.in_dim == 600 and enc.hidden == 64
    card = model.card
    # the card documents data, exclusions, licences and held-out metrics
    for key in ("training_data", "excluded_formulas", "licences", "held_out_mae", "settings"):
        assert key in card
    assert card["excluded_formulas"]["total_unique"] > 0


def test_corrupt_copy_is_rejected(tmp_path):
    bad = tmp_path / "cromel-bad"
    shutil.copytree(SHIPPED, bad)
    raw = bytearray((bad / "weights.pt").read_bytes())
    raw[-20] ^= 0xFF
    (bad / "weights.pt").write_bytes(bytes(raw))
    registry.clear_cache()
    with pytest.raises(ChecksumError):
        registry.load_pretrained(bad)
    with pytest.raises(ChecksumError):
        CroMELFeaturizer(source=str(bad)).fit()


def test_default_featurizer_is_deterministic_64d():
    X = ["Fe2O3", "NaCl", "LiFePO4"]
    a = CroMELFeaturizer().fit_transform(X)
    b = CroMELFeaturizer().fit(["ignored"]).transform(np.array(X, dtype=object))
    assert a.shape == (3, 64) and a.dtype == np.float64
    np.testing.assert_array_equal(a, b)
    assert np.isfinite(a).all()
    assert not np.allclose(a[0], a[1])


def test_shipped_model_reproduces_stored_embeddings():
    """Non-regression: the card stores embeddings computed when the model was exported."""
    card = registry.load_pretrained(DEFAULT_SOURCE).card
    stored = card["reference_embeddings"]
    assert set(stored) == set(PROBE_FORMULAS)
    got = CroMELFeaturizer().fit_transform(list(stored))
    np.testing.assert_allclose(got, np.array(list(stored.values())), rtol=1e-5, atol=1e-6)


def test_regressor_defaults_to_shipped_weights():
    reg = CroMELRegressor()
    assert reg.source == DEFAULT_SOURCE
    net = reg._build_module(600)
    ref = registry.load_pretrained(DEFAULT_SOURCE).state_dict()
    for k, v in net.encoder.state_dict().items():
        torch.testing.assert_close(v, ref[k])
    # a fresh copy: changing it does not change the cache
    with torch.no_grad():
        net.encoder.fc1.weight.add_(1.0)
    torch.testing.assert_close(
        registry.load_pretrained(DEFAULT_SOURCE).state_dict()["fc1.weight"], ref["fc1.weight"]
    )


def test_export_source_roundtrip(tmp_path):
    enc = CompositionEncoder(600, 64)
    X = ["Fe2O3", "NaCl", "GaAs", "MgO", "TiO2", "ZnS"]
    out = export_source(enc, tmp_path / "m16", {"name": "m16"}, check_formulas=X)
    card = registry.load_pretrained(out).card
    assert card["float16_check"]["stored_as"] == card["weights_dtype"]
    with pytest.raises(DataNotFoundError):
        registry.load_pretrained(str(tmp_path / "nope"))
    got = CroMELFeaturizer(source=str(out)).fit_transform(PROBE_FORMULAS)
    np.testing.assert_allclose(
        got, np.array(list(card["reference_embeddings"].values())), rtol=1e-5, atol=1e-6
    )
    # a zero threshold forces float32, which reproduces the module exactly
    out32 = export_source(
        enc, tmp_path / "m32", {"name": "m32"}, check_formulas=X, float16_rtol=0.0
    )
    card32 = registry.load_pretrained(out32).card
    assert card32["weights_dtype"] == "float32"
    direct = CroMELFeaturizer(source=enc).fit_transform(X)
    np.testing.assert_allclose(
        CroMELFeaturizer(source=str(out32)).fit_transform(X), direct, rtol=1e-6, atol=1e-7
    )


def test_benchmark_models_registered_and_fit():
    from skcromel.benchmark import list_models, make_model

    names = set(list_models()["name"])
    assert {"cromel", "cromel_scratch"} <= names
    formulas = ["NaCl", "KCl", "MgO", "CaO", "Fe2O3", "Al2O3", "GaAs", "ZnS"] * 2
    X = pd.DataFrame({"composition": formulas})
    y = np.random.default_rng(0).normal(size=len(formulas))
    est = make_model("cromel", quick=True).set_params(model__random_state=0, model__max_epochs=2)
    pred = est.fit(X, y).predict(X.iloc[:5])
    assert pred.shape == (5,) and np.isfinite(pred).all()
