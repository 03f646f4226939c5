"""Frozen structure teachers of CroMELPretrainer (skcromel.cromel._teachers), the CHGNet
embedding cache script and the shipped ``cromel-chgnet`` source. Tiny structures only; nothing
is downloaded (CHGNet's weights ship in its wheel)."""

from __future__ import annotations

import builtins
import json

import numpy as np
import pytest
import torch
from pymatgen.core import Lattice, Structure
from sklearn.base import clone

from skcromel import registry
from skcromel.cromel import (
    CHGNetTeacher,
    CroMELFeaturizer,
    CroMELPretrainer,
    CroMELRegressor,
    composition_descriptor,
    resolve_teacher,
)
from skcromel.cromel import _teachers as T
from skcromel.cromel._sources import read_cromel_checkpoint

from .._scripts import load_script

torch.set_num_threads(1)

PAIRS = [("Na", "Cl"), ("K", "Br"), ("Mg", "O"), ("Li", "F"), ("Ca", "S"), ("Ba", "O"),
         ("Sr", "Se"), ("Rb", "I")]  # fmt: skip


def _rocksalt(a, b, lattice=4.0, conventional=False):
    if conventional:
        return Structure(
            Lattice.cubic(lattice),
            [a, b] * 4,
            [
                [0, 0, 0],
                [0.5, 0.5, 0.5],
                [0.5, 0.5, 0],
                [0, 0, 0.5],
                [0.5, 0, 0.5],
                [0, 0.5, 0],
                [0, 0.5, 0.5],
                [0.5, 0, 0],
            ],
        )
    h = lattice / 2
    return Structure(Lattice([[0, h, h], [h, 0, h], [h, h, 0]]), [a, b], [[0, 0, 0], [0.5] * 3])


def _structures():
    return [_rocksalt(a, b, 4.0 + 0.25 * k) for k, (a, b) in enumerate(PAIRS)]


def _formulas(n=60, seed=0):
    rng = np.random.default_rng(seed)
    els = ["Fe", "O", "Ni", "Al", "Cu", "Zn", "Ti", "Si", "Mg", "Ca", "Na", "Cl"]
    out = []
    for _ in range(n):
        a, b = rng.choice(els, 2, replace=False)
        out.append(f"{a}{rng.integers(1, 4)}{b}{rng.integers(1, 4)}")
    return out


def _learnable_targets(formulas, dim=64, seed=1):
    """Teacher embeddings that are a smooth function of the composition descriptor."""
    D = composition_descriptor(formulas)
    D = (D - D.mean(0)) / (D.std(0) + 1e-6)
    W = np.random.default_rng(seed).normal(size=(D.shape[1], dim)) / np.sqrt(D.shape[1])
    return np.tanh(D @ W).astype(np.float32)


@pytest.fixture
def no_chgnet(monkeypatch):
    """chgnet cannot be imported (and no CHGNet model is cached)."""
    real_import = builtins.__import__

    def fake(name, *args, **kw):
        if name == "chgnet" or name.startswith("chgnet."):
            raise ImportError("No module named 'chgnet'")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", fake)
    monkeypatch.setattr(T, "_MODELS", {})
    monkeypatch.setattr(T, "_MEMO", {})


# ------------------------------------------------------------------ interface without CHGNet
def test_default_teacher_is_the_joint_cgcnn():
    pre = CroMELPretrainer()
    assert pre.get_params()["teacher"] == "cgcnn"
    assert resolve_teacher("cgcnn") is None and resolve_teacher("precomputed") is None
    with pytest.raises(ValueError, match="teacher_embeddings needs a frozen teacher"):
        pre.fit(_structures(), np.zeros(8), teacher_embeddings=np.zeros((8, 64)))
    with pytest.raises(ValueError, match="y .* is required"):
        CroMELPretrainer().fit(_structures())


def test_unknown_teacher_is_refused():
    with pytest.raises(ValueError, match="teacher must be one of"):
        CroMELPretrainer(teacher="schnet").fit(
            ["NaCl", "KBr"], teacher_embeddings=np.zeros((2, 64))
        )
    with pytest.raises(TypeError, match="embed"):
        resolve_teacher(3)


def test_missing_chgnet_names_the_extra(no_chgnet):
    with pytest.raises(ImportError, match=r'pip install "skcromel\[chgnet\]"'):
        CHGNetTeacher().embed(_structures()[:2])
    with pytest.raises(ImportError, match=r"skcromel\[chgnet\]"):
        CroMELPretrainer(teacher="chgnet", epochs=1).fit(_structures())


def test_precomputed_embeddings_never_call_the_teacher(no_chgnet):
    """Pretraining on a cache works without chgnet installed; compositions suffice as X."""
    X = _formulas(40)
    H = _learnable_targets(X)
    pre = CroMELPretrainer(teacher="chgnet", epochs=3, batch_size=8, random_state=0)
    pre.fit(X, teacher_embeddings=H)
    assert pre.structure_encoder_ is None and pre.head_ is None
    assert pre.transform_compositions(["NaCl"]).shape == (1, 64)
    assert pre.teacher_info_["embeddings"] == "precomputed (passed to fit)"


def test_alignment_learns_the_teacher_and_none_does_not():
    """A teacher that is a function of composition is recovered on held-out rows."""
    X = _formulas(300, seed=3)
    H = _learnable_targets(X)
    kw = dict(
        teacher="precomputed", epochs=60, batch_size=32, validation_fraction=0.2, random_state=0
    )
    aligned = CroMELPretrainer(alignment="mse", **kw).fit(X, teacher_embeddings=H)
    untrained = CroMELPretrainer(alignment="none", **kw).fit(X, teacher_embeddings=H)
    first, last = aligned.history_[0], aligned.history_[-1]
    assert last["align"] < first["align"]
    assert last["val_r2"] > 0.5, last
    assert last["val_r2"] > untrained.history_[-1]["val_r2"] + 0.5
    assert last["val_cosine"] > 0.7
    # the standardisation is fitted on the training rows only
    assert aligned.teacher_mean_.shape == (64,) and np.all(aligned.teacher_scale_ > 0)


@pytest.mark.parametrize("alignment", ["cosine", "infonce", "wgan-gp", "wgan-gp-reference"])
def test_every_alignment_runs_with_a_frozen_teacher(alignment):
    X = _formulas(40)
    pre = CroMELPretrainer(
        teacher="precomputed",
        alignment=alignment,
        epochs=5,
        batch_size=8,
        n_critic=2,
        validation_fraction=0.25,
        random_state=0,
    )
    pre.fit(X, teacher_embeddings=_learnable_targets(X))
    rec = pre.history_[-1]
    assert {"align", "critic", "val_align", "val_cosine", "val_top1", "val_r2"} <= set(rec)
    if alignment.startswith("wgan"):
        assert rec["critic"] != 0.0
    assert np.isfinite(pre.transform_compositions(X[:3])).all()


def test_same_seed_same_encoder_and_shape_checks():
    X = _formulas(30)
    H = _learnable_targets(X)
    kw = dict(teacher="precomputed", epochs=3, batch_size=8, random_state=5)
    a = CroMELPretrainer(**kw).fit(X, teacher_embeddings=H).transform_compositions(X)
    b = CroMELPretrainer(**kw).fit(X, teacher_embeddings=H).transform_compositions(X)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="set hidden=32"):
        CroMELPretrainer(**kw).fit(X, teacher_embeddings=H[:, :32])
    with pytest.raises(ValueError, match="shape"):
        CroMELPretrainer(**kw).fit(X, teacher_embeddings=H[:10])


def test_nan_teacher_rows_are_left_out_with_a_warning():
    X = _formulas(30)
    H = _learnable_targets(X)
    H[[2, 7]] = np.nan
    pre = CroMELPretrainer(teacher="precomputed", epochs=2, batch_size=8, random_state=0)
    with pytest.warns(UserWarning, match="2 of 30 structures have no teacher embedding"):
        pre.fit(X, teacher_embeddings=H)
    assert pre.n_teacher_failures_ == 2 and pre.n_train_ == 28


def test_teacher_object_and_checkpoint_roundtrip(tmp_path):
    class Fixed:
        """Any object with embed(structures) -> (n, d) is a teacher."""

        def embed(self, structures):
            return _learnable_targets([s.composition for s in structures], dim=16)

        def describe(self):
            return {"name": "fixed-test-teacher"}

    S = _structures()
    pre = CroMELPretrainer(teacher=Fixed(), hidden=16, epochs=3, batch_size=4, random_state=0)
    pre.fit(S)
    assert pre.model_card_["teacher"] == {"name": "fixed-test-teacher"}
    assert pre.transform(S).shape == (8, 16)
    with pytest.raises(ValueError, match="no property head"):
        pre.predict(S)
    path = pre.save(tmp_path / "frozen.pt")
    obj = torch.load(path, weights_only=True)
    assert obj["format_version"] == 2 and "structure_encoder" not in obj["state"]
    card, state = read_cromel_checkpoint(obj)
    assert card["architecture"]["hidden"] == 16 and "fc1.weight" in state
    back = CroMELPretrainer.load(path)
    assert back.teacher == "precomputed" and back.teacher_info_["name"] == "fixed-test-teacher"
    np.testing.assert_allclose(
        back.transform_compositions(["NaCl", "MgO"]),
        pre.transform_compositions(["NaCl", "MgO"]),
        atol=1e-6,
    )
    np.testing.assert_allclose(back.teacher_mean_, pre.teacher_mean_)
    f = CroMELFeaturizer(source=str(path)).fit()
    np.testing.assert_allclose(
        f.transform(["NaCl"]), pre.transform_compositions(["NaCl"]), atol=1e-5
    )


def test_cgcnn_checkpoints_keep_format_1(tmp_path):
    pre = CroMELPretrainer(epochs=1, batch_size=4, random_state=0).fit(
        _structures(), np.arange(8.0)
    )
    assert pre.teacher_info_ == {"name": "cgcnn"}
    obj = torch.load(pre.save(tmp_path / "c.pt"), weights_only=True)
    assert obj["format_version"] == 1 and "structure_encoder" in obj["state"]
    assert CroMELPretrainer.load(tmp_path / "c.pt").structure_encoder_ is not None


# ------------------------------------------------------------------ CHGNet itself
chgnet = pytest.importorskip(
    "chgnet", reason='chgnet not installed (pip install "skcromel[chgnet]")'
)


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad")
def test_chgnet_features_are_cell_invariant_and_match_chgnet():
    model = T.load_chgnet()
    prim = _rocksalt("Na", "Cl", 5.64)
    conv = _rocksalt("Na", "Cl", 5.64, conventional=True)
    f = T.chgnet_features(model, [prim, conv, prim * (2, 1, 1)], batch_size=2)
    assert f["crystal"].shape == (3, 64) and f["atoms"].shape == (3, 64)
    np.testing.assert_array_equal(f["n_sites"], [2, 8, 4])
    for k in ("crystal", "atoms", "energy"):
        np.testing.assert_allclose(f[k][1], f[k][0], atol=2e-4)
        np.testing.assert_allclose(f[k][2], f[k][0], atol=2e-4)
    np.testing.assert_allclose(f["crystal_sum"], f["crystal"] * f["n_sites"][:, None], rtol=1e-5)
    ref = model.predict_structure([prim, conv], task="e", return_crystal_feas=True)
    np.testing.assert_allclose(f["crystal_sum"][1], ref[1]["crystal_fea"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(f["energy"][:2], [r["e"] for r in ref], atol=1e-5)
    # different chemistry, different embedding
    other = T.chgnet_features(model, [_rocksalt("Mg", "O", 4.21)])["crystal"][0]
    assert np.linalg.norm(other - f["crystal"][0]) > 0.1


def test_chgnet_teacher_memoises_and_marks_failures(monkeypatch):
    calls = []
    real = T.chgnet_features

    def counting(model, structures, **kw):
        calls.append(len(structures))
        return real(model, structures, **kw)

    monkeypatch.setattr(T, "chgnet_features", counting)
    S = _structures()[:3]
    lonely = Structure(Lattice.cubic(15.0), ["Na"], [[0, 0, 0]])  # no neighbour within 6 A
    teacher = CHGNetTeacher(features="atoms")
    a = teacher.embed([*S, lonely])
    assert np.isfinite(a[:3]).all() and np.isnan(a[3]).all()
    b = CHGNetTeacher(features="crystal").embed(S)  # other variant, same pass: memoised
    assert calls == [4]
    assert not np.allclose(a[:3], b)
    assert CHGNetTeacher().describe()["chgnet_version"] == chgnet.__version__


def test_pretrainer_with_chgnet_teacher(tmp_path):
    S = _structures()
    pre = CroMELPretrainer(
        teacher="chgnet", epochs=4, batch_size=4, validation_fraction=0.25, random_state=0
    )
    pre.fit(S)
    card = pre.model_card_
    assert card["teacher"]["model"] == "0.3.0" and card["teacher"]["features"] == "crystal"
    assert "Modified BSD" in card["teacher"]["licence"]
    H = CHGNetTeacher().embed(S)
    np.testing.assert_allclose(
        pre.transform(S), (H - pre.teacher_mean_) / pre.teacher_scale_, rtol=1e-5, atol=1e-5
    )
    # the same embeddings given as a cache train the same encoder
    cached = clone(pre).fit(S, teacher_embeddings=H)
    np.testing.assert_allclose(
        cached.transform_compositions(["NaCl"]), pre.transform_compositions(["NaCl"]), atol=1e-6
    )
    back = CroMELPretrainer.load(pre.save(tmp_path / "chgnet.pt"))
    assert back.teacher == "chgnet"
    np.testing.assert_allclose(back.transform(S[:2]), pre.transform(S[:2]), atol=1e-5)


def test_clone_keeps_a_teacher_object():
    pre = CroMELPretrainer(teacher=CHGNetTeacher(features="atoms", batch_size=8))
    c = clone(pre)
    assert isinstance(c.teacher, CHGNetTeacher) and c.teacher is not pre.teacher
    assert c.teacher.get_params()["features"] == "atoms"


# ------------------------------------------------------------------ the cache script
def _script():
    return load_script("cromel/chgnet_embeddings.py", "chgnet_embeddings_script")


def test_embedding_script_excludes_caches_and_resumes(tmp_path, monkeypatch):
    mod = _script()
    S = _structures()
    mb = tmp_path / "matbench_tiny.json"
    mb.write_text(
        json.dumps(
            {
                "index": [f"mb-{i}" for i in range(8)],
                "columns": ["structure", "e"],
                "data": [[s.as_dict(), 0.0] for s in S],
            }
        )
    )
    excl = tmp_path / "exclude.txt"
    excl.write_text("MgO\nLiF\n")
    calls = []
    real = mod.chgnet_features

    def counting(model, structures, **kw):
        calls.append(len(structures))
        return real(model, structures, **kw)

    monkeypatch.setattr(mod, "chgnet_features", counting)
    argv = [
        "--sets",
        "--matbench",
        str(mb),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--exclude-file",
        str(excl),
        "--chunk",
        "4",
        "--no-progress",
    ]
    (path,) = mod.main(argv)
    arrays, meta = mod.load_cache(path)
    assert path.name == "matbench_tiny.npz"
    assert list(arrays["compositions"]) == ["Na1Cl1", "K1Br1", "Ca1S1", "Ba1O1", "Sr1Se1", "Rb1I1"]
    assert meta["exclusion"]["n_rows_removed"] == 2
    assert sorted(meta["exclusion"]["removed_ids"]) == ["mb-2", "mb-3"]
    assert meta["chgnet_version"] == chgnet.__version__ and meta["n_embedded"] == 6
    np.testing.assert_allclose(
        arrays["crystal"], CHGNetTeacher().embed([S[i] for i in (0, 1, 4, 5, 6, 7)]), atol=1e-5
    )
    assert calls == [4, 2]
    mod.main(argv)  # same inputs: skipped entirely
    assert calls == [4, 2]
    # an interrupted run: the first chunk done, the merged file not written yet
    parts = tmp_path / "cache" / "matbench_tiny.parts"
    parts.mkdir()
    first = {k: arrays[k][:4] for k in mod.FEATURES}
    np.savez(
        parts / "chunk-00000.npz",
        ids=arrays["ids"][:4],
        input_sha=np.asarray(meta["input_sha256"]),
        seconds=np.asarray(1.0),
        **first,
    )
    path.unlink()
    mod.main(argv)
    assert calls == [4, 2, 2]
    again, _ = mod.load_cache(path)
    np.testing.assert_array_equal(again["crystal"], arrays["crystal"])
    # changed inputs invalidate the cache
    mb.write_text(mb.read_text().replace('"e"', '"e2"'))
    mod.main(argv)
    assert calls == [4, 2, 2, 4, 2]


# ------------------------------------------------------------------ the shipped source
SHIPPED = registry.PRETRAINED_DIR / "cromel-chgnet"


@pytest.mark.skipif(not (SHIPPED / "card.json").is_file(), reason="cromel-chgnet not built")
def test_shipped_cromel_chgnet_source():
    model = registry.load_pretrained("cromel-chgnet")
    card = model.card
    assert model.architecture["type"] == "CroMELCompositionEncoder"
    assert card["teacher"]["model"] == "0.3.0" and card["teacher"]["chgnet_version"]
    assert "Modified BSD" in json.dumps(card["licences"]) and "CC-BY 4.0" in json.dumps(
        card["licences"]
    )
    ex = card["data"]["exclusion"]
    assert ex["tol"] == 0.005 and ex["n_rows_removed"] > 0 and ex["n_rows_removed_per_dataset"]
    assert 0 < card["metrics"]["val_cosine"] <= 1
    # the CroMEL regressor starts from these weights
    net = CroMELRegressor(source="cromel-chgnet")._build_module(600)
    for k, v in net.encoder.state_dict().items():
        torch.testing.assert_close(v, model.state_dict()[k])
    f = CroMELFeaturizer(source="cromel-chgnet").fit()
    probes = list(card["reference_embeddings"])
    np.testing.assert_allclose(
        f.transform(probes), np.array([card["reference_embeddings"][p] for p in probes]), atol=1e-5
    )
