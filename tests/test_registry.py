"""Tests of the pretrained-model registry (skcromel.registry) and the shipped source models."""

import json

import pandas as pd
import pytest
import torch

from skcromel import registry
from skcromel.cross_property import ELEMNET_INPUT
from skcromel.datasets import sha256_file
from skcromel.exceptions import ChecksumError, DataNotFoundError
from skcromel.nn import MLP

torch.set_num_threads(1)


def _card(name="tiny", hidden=(8, 4), **extra):
    card = {
        "name": name,
        "input": ELEMNET_INPUT,
        "architecture": {"type": "MLP", "n_in": 86, "hidden": list(hidden), "activation": "relu"},
    }
    card.update(extra)
    return card


@pytest.fixture
def tiny_dir(tmp_path):
    torch.manual_seed(0)
    module = MLP(86, (8, 4))
    out = registry.save_pretrained(module, _card(), tmp_path / "tiny")
    yield out, module
    registry.clear_cache()


def test_save_and_load_roundtrip(tiny_dir):
    path, module = tiny_dir
    model = registry.load_pretrained(path)
    rebuilt = model.build_module()
    x = torch.rand(5, 86)
    torch.testing.assert_close(rebuilt(x), module.eval()(x))
    card = json.loads((path / "card.json").read_text())
    assert card["sha256"] == sha256_file(path / "weights.pt")
    assert card["weights_dtype"] == "float32" and card["format_version"] == 1


def test_cache_is_read_only(tiny_dir):
    path, _ = tiny_dir
    model = registry.load_pretrained(path)
    assert registry.load_pretrained(path) is model  # cached
    sd = model.state_dict()
    key = next(iter(sd))
    sd[key].add_(100.0)
    module = model.build_module()
    with torch.no_grad():
        next(module.parameters()).add_(100.0)
    torch.testing.assert_close(
        model.state_dict()[key], registry.load_pretrained(path).state_dict()[key]
    )
    assert not torch.allclose(model.state_dict()[key], sd[key])
    with pytest.raises(TypeError):
        model.card["name"] = "changed"


def test_checksum_mismatch_names_file_and_hashes(tiny_dir):
    path, _ = tiny_dir
    registry.clear_cache()
    expected = json.loads((path / "card.json").read_text())["sha256"]
    with open(path / "weights.pt", "ab") as fh:
        fh.write(b"tampered")
    actual = sha256_file(path / "weights.pt")
    with pytest.raises(ChecksumError) as err:
        registry.load_pretrained(path)
    msg = str(err.value)
    assert "weights.pt" in msg and expected in msg and actual in msg


def test_missing_checksum_is_refused(tiny_dir):
    path, _ = tiny_dir
    registry.clear_cache()
    card = json.loads((path / "card.json").read_text())
    del card["sha256"]
    (path / "card.json").write_text(json.dumps(card))
    with pytest.raises(ChecksumError, match="no sha256"):
        registry.load_pretrained(path)


def test_unknown_name_lists_available():
    with pytest.raises(DataNotFoundError, match="unknown pretrained model 'no-such-model'"):
        registry.load_pretrained("no-such-model")


def test_register_source_and_list(tiny_dir):
    path, _ = tiny_dir
    registry.register_source("my-tiny", path)
    try:
        assert "my-tiny" in registry.list_pretrained()
        assert registry.list_pretrained(details=True)["my-tiny"]["name"] == "tiny"
        assert registry.load_pretrained("my-tiny").path == path.resolve()
    finally:
        registry._EXTRA_SOURCES.pop("my-tiny", None)
    with pytest.raises(DataNotFoundError):
        registry.register_source("bad", path.parent)


@pytest.mark.parametrize("text", ['{"name": "tiny", ', "", "not json", "[1, 2]", "\udcff"])
def test_invalid_card_names_the_file(tiny_dir, text):
    path, _ = tiny_dir
    registry.clear_cache()
    card_file = path / "card.json"
    if text == "\udcff":
        card_file.write_bytes(b"\xff\xfe{")  # not UTF-8
    else:
        card_file.write_text(text)
    with pytest.raises(ValueError, match="model card .*card.json") as err:
        registry.load_pretrained(path)
    assert str(card_file) in str(err.value)
    registry.register_source("broken-card", path)
    try:
        with pytest.raises(ValueError, match="restore it"):
            registry.list_pretrained(details=True)
    finally:
        registry._EXTRA_SOURCES.pop("broken-card", None)


@pytest.mark.parametrize("keep", [0.05, 0.9])  # zip directory lost / a tensor cut (Errno 22)
def test_truncated_weights_with_matching_checksum_name_the_file(tiny_dir, keep):
    """A card written for a truncated weights file passes the checksum; torch.load must not
    surface as a bare ``OSError: [Errno 22]`` or a zip-reader RuntimeError."""
    path, _ = tiny_dir
    registry.clear_cache()
    weights = path / "weights.pt"
    data = weights.read_bytes()
    n = int(len(data) * keep)
    weights.write_bytes(data[:n])
    card = json.loads((path / "card.json").read_text())
    card["sha256"] = sha256_file(weights)
    (path / "card.json").write_text(json.dumps(card))
    with pytest.raises(ValueError, match="truncated or not a torch file") as err:
        registry.load_pretrained(path)
    assert str(weights) in str(err.value) and f"{n} bytes" in str(err.value)


def test_truncated_checkpoint_file_names_the_file(tmp_path):
    bad = tmp_path / "model_cromel.pt"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match="truncated or not a torch file") as err:
        registry.load_pretrained(bad)
    assert str(bad) in str(err.value)


def test_list_pretrained_as_frame_reads_the_cards():
    table = registry.list_pretrained(as_frame=True)
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == [
        "name", "kind", "property", "unit", "database", "rows", "rows_excluded",
        "validation_mae", "size_bytes", "description",
    ]  # fmt: skip
    assert list(table["name"]) == registry.list_pretrained()
    row = table.set_index("name").loc["elemnet-small-mp-eform"]
    card = registry.list_pretrained(details=True)["elemnet-small-mp-eform"]
    assert row["property"] == card["target"] and row["unit"] == "eV/atom"
    assert row["database"] == "Materials Project"
    assert row["rows"] == card["data"]["n_rows_train"] + card["data"]["n_rows_validation"]
    assert row["rows_excluded"] == card["data"]["exclusion"]["n_rows_removed"] > 0
    assert row["validation_mae"] == pytest.approx(card["metrics"]["validation_mae"])
    assert row["size_bytes"] == card["weights_bytes"]
    oqmd = table.set_index("name").loc["elemnet-small-oqmd-hform"]
    assert oqmd["database"] == "OQMD"
    with pytest.raises(ValueError, match="not both"):
        registry.list_pretrained(details=True, as_frame=True)


def test_float16_storage(tmp_path):
    torch.manual_seed(1)
    module = MLP(86, (8,))
    out = registry.save_pretrained(
        module, _card("half", hidden=(8,)), tmp_path / "half", dtype=torch.float16
    )
    raw = torch.load(out / "weights.pt", map_location="cpu", weights_only=True)
    assert all(v.dtype == torch.float16 for v in raw.values())
    model = registry.load_pretrained(out)
    assert all(v.dtype == torch.float32 for v in model.state_dict().values())
    x = torch.rand(3, 86)
    torch.testing.assert_close(model.build_module()(x), module(x), atol=5e-3, rtol=5e-3)
    registry.clear_cache()


def test_register_architecture(tmp_path):
    class Lin(torch.nn.Module):
        def __init__(self, n):
            super().__init__()
            self.lin = torch.nn.Linear(n, 1)

    module = Lin(3)
    card = {"name": "lin", "architecture": {"type": "TestLinear", "n_in": 3}}
    out = registry.save_pretrained(module, card, tmp_path / "lin")
    with pytest.raises(ValueError, match="no builder"):
        registry.load_pretrained(out).build_module()
    registry.register_architecture("TestLinear", lambda spec: Lin(spec["n_in"]))
    try:
        rebuilt = registry.load_pretrained(out).build_module()
        torch.testing.assert_close(rebuilt.lin.weight, module.lin.weight)
    finally:
        registry._ARCHITECTURES.pop("TestLinear")
        registry.clear_cache()


# ------------------------------------------------------------------------ shipped models
SHIPPED = sorted(p.parent.name for p in registry.PRETRAINED_DIR.glob("*/card.json"))
# ElemNet sources (the CroMEL encoder's card is checked in test_cromel_pretrained.py)
_CARDS = registry.list_pretrained(details=True)  # cards only, no weights loaded
ELEMNET_SHIPPED = [n for n in SHIPPED if _CARDS[n].get("kind") == "cross-property-source"]


def test_models_are_shipped():
    assert len(SHIPPED) >= 2, "the package should ship at least two source models"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_card_and_checksum(name):
    model = registry.load_pretrained(name)
    card = model.card
    for key in (
        "architecture",
        "data",
        "settings",
        "training",
        "metrics",
        "sha256",
        "skcromel_version",
        "input",
        "target_scaling",
    ):
        assert key in card, key
    assert (model.path / "weights.pt").stat().st_size < 10_000_000
    assert card["weights_dtype"] in ("float16", "float32")
    assert card["data"]["exclusion"]["n_rows_removed"] > 0
    module = model.build_module()
    assert sum(p.numel() for p in module.parameters()) == card["n_parameters"]


# The pretraining API (pretrain_elemnet, exclusion, CLI) is tested in
# tests/cross_property/test_pretrain.py; the benchmark-overlap audit of every source in
# tests/test_sources_leak.py.


def test_sources_built_into_the_data_home_are_found(tmp_path, monkeypatch):
    """``<data home>/skcromel_sources/<name>/`` is searched by name; a shipped name wins, and an
    unknown name's error says where it looked and how to build a zoo source."""
    torch.manual_seed(0)
    registry.save_pretrained(
        MLP(86, (8, 4)), _card("zoo-tiny"), tmp_path / registry.DATA_HOME_SOURCES / "zoo-tiny"
    )
    monkeypatch.setenv("SKCROMEL_DATA_HOME", str(tmp_path))
    registry.clear_cache()
    try:
        assert "zoo-tiny" in registry.list_pretrained()
        assert "elemnet-small-mp-eform" in registry.list_pretrained()
        model = registry.load_pretrained("zoo-tiny")
        assert model.card["name"] == "zoo-tiny"
        with pytest.raises(DataNotFoundError, match="skcromel_sources.*pretrain_sources.py"):
            registry.load_pretrained("zoo-missing")
    finally:
        registry.clear_cache()
