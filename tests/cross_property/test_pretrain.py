"""Source pretraining: near-duplicate exclusion, cards, resumable training, CLI."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from skcromel import registry
from skcromel.config import get_data_home
from skcromel.cross_property import (
    benchmark_compositions,
    benchmark_target_formulas,
    composition_set_sha256,
    exclude_near_duplicates,
    exclusion_rule,
    prepare_pretraining_data,
    pretrain_elemnet,
    save_source,
    source_table,
    source_training_compositions,
)
from skcromel.datasets._catalogue import benchmark_dataset_names
from skcromel.exceptions import DataNotFoundError

torch.set_num_threads(1)


def _pretrain_data():
    metals = ["Li", "Na", "K", "Mg", "Ca", "Fe", "Co", "Ni", "Cu", "Zn", "Al", "Ti"]
    anions = ["O", "S", "Cl", "F"]
    formulas = [f"{m}{a}" for m in metals for a in anions] + [f"{m}2O3" for m in metals]
    rng = np.random.default_rng(0)
    return formulas, rng.normal(size=len(formulas))


# ------------------------------------------------------------------------ exclusion rule
def test_exclude_near_duplicates_catches_rounded_spellings():
    source = ["GdCo5", "Co5Gd1", "GdCo2", "Fe2O3", "Fe4O6", "Fe1.99Ti0.01O3", "NaCl", "SmPd"]
    bench = {"efe": ["Co0.834Gd0.166", "Fe2O3"], "kingsbury": ["Gd333Co667"], "none": []}
    hit, info = exclude_near_duplicates(source, bench)
    # GdCo5 (x2) via the rounded EFE spelling, GdCo2 via Kingsbury's, Fe2O3 and Fe4O6 exactly;
    # a dopant changes the element set (Fe1.99Ti0.01O3 kept)
    assert hit.tolist() == [True, True, True, True, True, False, False, False]
    assert (
        info["rule"] == exclusion_rule(0.005) == "near-duplicate: same elements, max |dx| <= 0.005"
    )
    assert info["tol"] == 0.005
    assert info["datasets"] == {"efe": 2, "kingsbury": 1, "none": 0}
    assert info["n_rows_removed"] == 5 and info["n_compositions_removed"] == 5
    assert info["n_rows_removed_per_dataset"] == {"efe": 4, "kingsbury": 1, "none": 0}
    # tol=0 is equality of reduced formulas: the rounded spellings no longer match
    hit0, _ = exclude_near_duplicates(source, bench, tol=0)
    assert hit0.tolist() == [False, False, False, True, True, False, False, False]


def test_exclude_counts_only_usable_rows():
    hit, info = exclude_near_duplicates(
        ["NaCl", "NaCl", "KCl"], ["ClNa"], usable=[True, False, True]
    )
    assert hit.tolist() == [True, True, False] and info["n_rows_removed"] == 1


def test_pretrain_elemnet_excludes_and_saves(tmp_path):
    formulas, y = _pretrain_data()
    formulas = [*formulas, "Cl2Na2", "Na0.501Cl0.499"]  # both near duplicates of NaCl
    y = np.append(y, [0.0, 0.0])
    model, card = pretrain_elemnet(
        formulas, y, exclude=["NaCl", "MgO", "XeF8"], name="t", max_epochs=2,
        batch_size=16, progress=False, device="cpu", target="y", unit="eV",
    )  # fmt: skip
    ex = card["data"]["exclusion"]
    assert ex["rule"] == exclusion_rule() and ex["tol"] == 0.005
    assert ex["n_rows_removed"] == 4 and ex["n_rows_removed_per_dataset"] == {"list": 4}
    kept = card["data"]["n_rows_train"] + card["data"]["n_rows_validation"]
    assert kept == len(y) - 4
    removed = {"NaCl", "MgO", "Cl2Na2", "Na0.501Cl0.499"}
    assert card["data"]["training_compositions_sha256"] == composition_set_sha256(
        [f for f in formulas if f not in removed]
    )
    assert card["training"]["epochs_run"] == 2 and card["training"]["stopped_by"] == "max_epochs"
    assert card["training"]["rows_per_s_median"] > 0
    out = save_source(model, card, tmp_path / "t")
    saved = json.loads((out / "card.json").read_text())
    assert saved["weights_dtype"] in ("float16", "float32") and "weights_dtype_reason" in saved
    from skcromel.cross_property import CrossPropertyRegressor

    reg = CrossPropertyRegressor(out, max_epochs=1, random_state=0, device="cpu")
    assert reg.fit(formulas[:20], y[:20]).predict(["KCl"]).shape == (1,)
    # the registry module predicts what the returned model predicts (up to float16 storage)
    from skcromel.cross_property._estimators import _fractions

    src = registry.load_pretrained(out)
    with torch.inference_mode():
        raw = src.build_module()(torch.from_numpy(_fractions(["KCl"]).astype(np.float32)))
    pred = float(raw) * card["target_scaling"]["scale"] + card["target_scaling"]["mean"]
    assert pred == pytest.approx(float(model.predict(["KCl"])[0]), rel=1e-2, abs=1e-3)
    registry.clear_cache()


def test_validation_split_keeps_near_duplicates_together():
    formulas, y = _pretrain_data()
    formulas = [*formulas, "Cl2Na2", "Na0.501Cl0.499", "NaCl"]
    y = np.append(y, [0.0, 0.0, 0.0])
    for seed in range(5):
        prep = prepare_pretraining_data(formulas, y, validation_fraction=0.3, random_state=seed)
        sides = {
            "tr" if i in set(prep["train_idx"]) else "va"
            for i, f in enumerate(formulas)
            if f in ("Cl2Na2", "Na0.501Cl0.499", "NaCl")
        }
        assert len(sides) == 1


def test_resumed_training_equals_an_uninterrupted_run(tmp_path):
    formulas, y = _pretrain_data()
    kw = dict(max_epochs=4, batch_size=16, progress=False, device="cpu", patience=None)
    ckpt = tmp_path / "run.ckpt"
    pretrain_elemnet(formulas, y, checkpoint=ckpt, **{**kw, "max_epochs": 2})
    assert ckpt.is_file()
    resumed, card_r = pretrain_elemnet(formulas, y, checkpoint=ckpt, **kw)
    straight, card_s = pretrain_elemnet(formulas, y, **kw)
    assert card_r["training"]["resumed_from_epoch"] == 2
    assert card_r["training"]["validation_curve"] == card_s["training"]["validation_curve"]
    np.testing.assert_allclose(resumed.predict(["KCl"]), straight.predict(["KCl"]), rtol=1e-6)
    # another run's checkpoint is refused
    with pytest.raises(ValueError, match="another run"):
        pretrain_elemnet(formulas, y[::-1].copy(), checkpoint=ckpt, **kw)


def test_pretrain_cli(tmp_path):
    import argparse

    from skcromel.cli._pretrain import add_pretrain_subparser

    formulas, y = _pretrain_data()
    csv = tmp_path / "d.csv"
    pd.DataFrame({"f": formulas, "t": y}).to_csv(csv, index=False)
    (tmp_path / "ex.txt").write_text("# comment\nLi0.499O0.501  # inline\n\nNaS\n")
    parser = argparse.ArgumentParser()
    add_pretrain_subparser(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(
        ["pretrain", "elemnet", "--data", str(csv), "--formula-col", "f", "--target-col", "t",
         "--exclude", str(tmp_path / "ex.txt"), "--out", str(tmp_path / "src"), "--epochs", "1",
         "--device", "cpu"]
    )  # fmt: skip
    assert args.func(args) == 0
    card = registry.load_pretrained(tmp_path / "src").card
    ex = card["data"]["exclusion"]
    assert card["name"] == "src" and ex["n_rows_removed"] == 2  # LiO (rounded) and NaS
    assert ex["file"] == "ex.txt" and len(ex["file_sha256"]) == 64
    registry.clear_cache()
    from skcromel.cli._common import CLIError  # main() prints it as one line, exit code 2

    with pytest.raises(CLIError, match="has no column 'nope'"):
        args.target_col = "nope"
        args.func(args)


# ------------------------------------------------------------------------ benchmark sets
def _fake_home(tmp_path):
    d = tmp_path / "matminer_csv"
    d.mkdir()
    pd.DataFrame({"formula": ["NaCl", "Fe2O3"]}).to_csv(
        d / "expt_formation_enthalpy_kingsbury.csv", index=False
    )
    return tmp_path


def test_benchmark_compositions_refuse_an_incomplete_home(tmp_path):
    home = _fake_home(tmp_path)
    with pytest.raises(DataNotFoundError, match="every benchmark"):
        benchmark_compositions(home)
    with pytest.warns(UserWarning, match="benchmark sets missing"):
        sets = benchmark_compositions(home, on_missing="skip")
    key = "file:matminer_csv/expt_formation_enthalpy_kingsbury.csv"
    assert sets[key].tolist() == ["NaCl", "Fe2O3"]
    # the Kingsbury catalogue entry reads pymatgen's own copy: no data home needed
    assert len(sets["kingsbury_formation_enthalpy"]) > 2000


def test_benchmark_target_formulas_union_and_keep(tmp_path):
    home = _fake_home(tmp_path)
    comps, counts = benchmark_target_formulas(home)
    key = "file:matminer_csv/expt_formation_enthalpy_kingsbury.csv"
    assert counts[key] == 2 and counts["efe"] == -1 and "NaCl" in comps
    comps, counts = benchmark_target_formulas(home, keep=["kingsbury"])
    assert counts[key] == 0 and counts["kingsbury_formation_enthalpy"] == 0
    assert "NaCl" not in comps


def test_benchmark_names_cover_the_evaluation_collections():
    names = set(benchmark_dataset_names())
    assert {"efe", "matbench_expt_gap", "kingsbury_formation_enthalpy", "gtt_trg"} <= names
    assert {"estm_zt", "mrl_seebeck", "crossprop_klu", "crossprop_expt_deltae"} <= names
    assert {"matbench_glass", "matbench_steels", "ce_perovskite_formation_energy"} <= names
    assert len([n for n in names if n.startswith("crossprop_")]) == 41
    assert not names & {"mp_e_form", "oqmd_formation_enthalpy", "ce_spinel_formation_energy"}


def test_source_table_and_rebuild_from_a_card(tmp_path):
    home = tmp_path
    (home / "t").mkdir()
    pd.DataFrame(
        {"formula": ["NaCl", "Na2Cl2", "KCl", "XeF8", "MgO"], "target": [1, 2, 3, 4, np.nan]}
    ).to_csv(home / "t" / "a.csv", index=False)
    bench = {"s": np.array(["Na0.501Cl0.499"], dtype=object)}
    card = {
        "name": "x",
        "data": {
            "file": "t/a.csv",
            "exclusion": {"rule": exclusion_rule(0.005), "tol": 0.005, "datasets": {"s": 1}},
        },
    }
    values, usable = source_table(card, home)
    assert usable.tolist() == [True, True, True, True, False]  # Xe is an ElemNet element
    rebuilt = source_training_compositions(card, home, benchmark=bench)
    assert rebuilt.tolist() == ["KCl", "XeF8"]
    # a card of the old exact-formula rule is rebuilt with tol=0 over the sets it names
    bench["crossprop_klu"] = bench["s"]
    legacy = {"name": "y", "data": {"file": "t/a.csv"}}
    legacy["data"]["exclusion"] = {"target_sets": {"crossprop/klu": 1}}
    assert source_training_compositions(legacy, home, benchmark=bench).tolist() == [
        "NaCl", "Na2Cl2", "KCl", "XeF8",
    ]  # fmt: skip


# ------------------------------------------------------------------------ shipped sources
ELEMNET_SHIPPED = [
    n
    for n, c in registry.list_pretrained(details=True).items()
    if c.get("kind") == "cross-property-source"
]


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("name", ELEMNET_SHIPPED)
def test_shipped_source_reproduces_its_card(name):
    """Non-regression: the rebuilt split and the validation MAE of the shipped weights."""
    from skcromel.cross_property._estimators import _fractions

    model = registry.load_pretrained(name)
    card = model.card
    files = card["data"]["file"]
    for f in [files] if isinstance(files, str) else files:
        if not (get_data_home() / f).is_file():
            pytest.skip(f"needs {f} (set SKCROMEL_DATA_HOME)")
    values, _ = source_table(card)
    df = pd.concat(
        [pd.read_csv(get_data_home() / f) for f in ([files] if isinstance(files, str) else files)],
        ignore_index=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prep = prepare_pretraining_data(
            values,
            df["target"].to_numpy(dtype=float),
            exclude=benchmark_compositions(),
            exclude_tol=card["data"]["exclusion"]["tol"],
            random_state=card["settings"]["random_state"],
        )
    va = prep["valid_idx"]
    assert len(va) == card["data"]["n_rows_validation"]
    x = torch.from_numpy(_fractions(prep["values"][va]).astype(np.float32))
    with torch.inference_mode():
        out = model.build_module()(x).double().numpy().ravel()
    scaling = card["target_scaling"]
    pred = out * scaling["scale"] + scaling["mean"]
    mae = float(np.mean(np.abs(pred - prep["y"][va])))
    expected = card["metrics"]["float16_check"][f"validation_mae_{card['weights_dtype']}"]
    assert mae == pytest.approx(expected, rel=1e-4)


def test_multitask_trunk_merges_tables_and_masks_the_loss(tmp_path):
    from skcromel.cross_property import pretrain_elemnet_multitask

    metals = ["Li", "Na", "K", "Mg", "Ca", "Fe", "Co", "Ni", "Cu", "Zn", "Al", "Ti"]
    f1 = [f"{m}O" for m in metals] + [f"{m}2O3" for m in metals] + ["NaCl", "Cl2Na2"]
    f2 = [f"{m}S" for m in metals] + ["NaCl", "MgO"]
    rng = np.random.default_rng(0)
    tables = {
        "a": {"compositions": f1, "y": rng.normal(size=len(f1)), "unit": "eV", "file": "a.csv"},
        "b": {"compositions": f2, "y": 10 * rng.normal(size=len(f2)), "unit": "K", "file": "b.csv"},
    }
    module, card = pretrain_elemnet_multitask(
        tables, exclude={"s": ["Mg0.501O0.499"]}, max_epochs=2, batch_size=8, progress=False,
        validation_fraction=0.25, device="cpu",
    )  # fmt: skip
    ex = card["data"]["exclusion"]
    assert ex["rule"] == exclusion_rule() and ex["n_rows_removed_per_table"] == {"a": 1, "b": 1}
    assert card["data"]["n_rows_pool"] == len(f1) + len(f2) - 2
    # NaCl and Cl2Na2 are one composition; NaCl of both tables is one row with two labels
    assert card["data"]["n_rows_train"] + card["data"]["n_rows_validation"] == 36
    heads = {h["name"]: h for h in card["heads"]}
    assert heads["a"]["n_compositions_train"] + heads["a"]["n_compositions_validation"] == 24
    assert heads["b"]["unit"] == "K" and heads["b"]["scaling"]["scale"] > 1
    assert card["architecture"]["n_out"] == 2
    assert module(torch.zeros(3, 86)).shape == (3, 2)
    out = registry.save_pretrained(module, card, tmp_path / "mt", dtype=torch.float16)
    assert registry.load_pretrained(out).build_module()(torch.zeros(1, 86)).shape == (1, 2)
    registry.clear_cache()


def test_register_data_home_sources(tmp_path):
    from skcromel.cross_property import register_data_home_sources, source_cards

    formulas, y = _pretrain_data()
    model, card = pretrain_elemnet(
        formulas, y, name="zoo-x", max_epochs=1, batch_size=16, progress=False, device="cpu"
    )
    save_source(model, card, tmp_path / "skcromel_sources" / "zoo-x")
    assert register_data_home_sources(tmp_path) == ["zoo-x"]
    assert registry.load_pretrained("zoo-x").card["name"] == "zoo-x"
    cards = source_cards(tmp_path, shipped=False)
    assert list(cards) == ["zoo-x"]
    assert register_data_home_sources(tmp_path / "nowhere") == []
    registry._EXTRA_SOURCES.pop("zoo-x")  # no public unregister: leave the registry as found
    registry.clear_cache()


def test_unusable_rows_are_dropped_not_fatal():
    formulas, y = _pretrain_data()
    formulas = [*formulas, "He1", "He2Ne1", "NaCl"]
    y = np.append(y, [1.0, 2.0, np.nan])
    _, card = pretrain_elemnet(formulas, y, max_epochs=1, batch_size=16, progress=False)
    assert card["data"]["n_rows_unusable"] == 3
    assert card["data"]["n_rows_train"] + card["data"]["n_rows_validation"] == len(y) - 3
