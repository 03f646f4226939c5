"""Tests of the pretrained-model registry (skcromel.registry) and the shipped source models."""

import json

import numpy as np
import pandas as pd
import pytest
import torch

from skcromel import registry
from skcromel.config import get_data_home
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
        "name", "kind", "property", "unit", "database", "rows", "validation_mae", "size_bytes",
        "description",
    ]  # fmt: skip
    assert list(table["name"]) == registry.list_pretrained()
    row = table.set_index("name").loc["elemnet-small-mp-eform"]
    card = registry.list_pretrained(details=True)["elemnet-small-mp-eform"]
    assert row["property"] == card["target"] and row["unit"] == "eV/atom"
    assert row["database"] == "Materials Project"
    assert row["rows"] == card["data"]["n_rows_train"] + card["data"]["n_rows_validation"]
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


def test_benchmark_target_formulas_keep(tmp_path):
    """``keep`` leaves named target sets out of the exclusion list (and counts them as 0)."""
    from skcromel.cross_property import benchmark_target_formulas

    d = tmp_path / "matminer_csv"
    d.mkdir()
    pd.DataFrame({"formula": ["NaCl", "Fe2O3"]}).to_csv(
        d / "expt_formation_enthalpy_kingsbury.csv", index=False
    )
    formulas, counts = benchmark_target_formulas(tmp_path)
    assert formulas == ["ClNa", "Fe2O3"]  # reduced formulas, alphabetical element order
    assert counts["matminer_csv/expt_formation_enthalpy_kingsbury.csv"] == 2
    formulas, counts = benchmark_target_formulas(tmp_path, keep=["kingsbury"])
    assert formulas == [] and counts["matminer_csv/expt_formation_enthalpy_kingsbury.csv"] == 0


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("name", ELEMNET_SHIPPED)
def test_shipped_model_reproduces_its_card(name, tmp_path):
    """Non-regression: exclusion list and validation MAE of the shipped weights match the card."""
    from skcromel.cross_property import (
        benchmark_target_formulas,
        prepare_pretraining_data,
        write_exclude_file,
    )

    model = registry.load_pretrained(name)
    card = model.card
    files = card["data"]["file"]  # one CSV, or several concatenated in order (OQMD val + test)
    data_files = [get_data_home() / f for f in ([files] if isinstance(files, str) else files)]
    for data_file in data_files:
        if not data_file.is_file():
            pytest.skip(f"needs {data_file} (set SKCROMEL_DATA_HOME)")
    formulas, _ = benchmark_target_formulas()
    exclude = write_exclude_file(formulas, tmp_path / card["data"]["exclusion"]["file"])
    assert sha256_file(exclude) == card["data"]["exclusion"]["file_sha256"]
    df = pd.concat([pd.read_csv(f) for f in data_files], ignore_index=True)
    prep = prepare_pretraining_data(
        df["formula"].to_numpy(dtype=object),
        df["target"].to_numpy(dtype=float),
        exclude=exclude,
        random_state=card["settings"]["random_state"],
    )
    va = prep["valid_idx"]
    assert len(va) == card["data"]["n_rows_validation"]
    from skcromel.cross_property._estimators import _fractions

    x = torch.from_numpy(_fractions(prep["values"][va]).astype(np.float32))
    with torch.inference_mode():
        out = model.build_module()(x).double().numpy().ravel()
    scaling = card["target_scaling"]
    pred = out * scaling["scale"] + scaling["mean"]
    mae = float(np.mean(np.abs(pred - prep["y"][va])))
    expected = card["metrics"]["float16_check"][f"validation_mae_{card['weights_dtype']}"]
    assert mae == pytest.approx(expected, rel=1e-4)


# ------------------------------------------------------------------------ pretraining API / CLI
def _pretrain_data():
    metals = ["Li", "Na", "K", "Mg", "Ca", "Fe", "Co", "Ni", "Cu", "Zn", "Al", "Ti"]
    anions = ["O", "S", "Cl", "F"]
    formulas = [f"{m}{a}" for m in metals for a in anions] + [f"{m}2O3" for m in metals]
    rng = np.random.default_rng(0)
    return formulas, rng.normal(size=len(formulas))


def test_pretrain_elemnet_excludes_and_saves(tmp_path):
    from skcromel.cross_property import CrossPropertyRegressor, pretrain_elemnet, save_source

    formulas, y = _pretrain_data()
    formulas = [*formulas, "Cl2Na2"]  # same reduced formula as NaCl
    y = np.append(y, 0.0)
    model, card = pretrain_elemnet(
        formulas, y, exclude=["NaCl", "MgO", "XeF8"], name="t", max_epochs=2,
        batch_size=16, progress=False, device="cpu", target="y", unit="eV",
    )  # fmt: skip
    ex = card["data"]["exclusion"]
    assert ex == {"n_formulas_in_list": 3, "n_rows_removed": 3, "n_formulas_removed": 2}
    assert card["data"]["n_rows_train"] + card["data"]["n_rows_validation"] == len(y) - 3
    assert card["training"]["epochs_run"] == 2
    out = save_source(model, card, tmp_path / "t")
    saved = json.loads((out / "card.json").read_text())
    assert saved["weights_dtype"] in ("float16", "float32") and "weights_dtype_reason" in saved
    reg = CrossPropertyRegressor(out, max_epochs=1, random_state=0, device="cpu")
    assert reg.fit(formulas[:20], y[:20]).predict(["KCl"]).shape == (1,)
    registry.clear_cache()


def test_pretrain_cli(tmp_path):
    import argparse

    from skcromel.cli._pretrain import add_pretrain_subparser

    formulas, y = _pretrain_data()
    csv = tmp_path / "d.csv"
    pd.DataFrame({"f": formulas, "t": y}).to_csv(csv, index=False)
    (tmp_path / "ex.txt").write_text("# comment\nLiO  # inline\n\nNaS\n")
    parser = argparse.ArgumentParser()
    add_pretrain_subparser(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(
        ["pretrain", "elemnet", "--data", str(csv), "--formula-col", "f", "--target-col", "t",
         "--exclude", str(tmp_path / "ex.txt"), "--out", str(tmp_path / "src"), "--epochs", "1",
         "--device", "cpu"]
    )  # fmt: skip
    assert args.func(args) == 0
    card = registry.load_pretrained(tmp_path / "src").card
    assert card["name"] == "src" and card["data"]["exclusion"]["n_rows_removed"] == 2
    registry.clear_cache()
    from skcromel.cli._common import CLIError  # main() prints it as one line, exit code 2

    with pytest.raises(CLIError, match="has no column 'nope'"):
        args.target_col = "nope"
        args.func(args)
