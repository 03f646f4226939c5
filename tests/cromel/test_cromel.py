"""Tests for skcromel.cromel and skcromel.losses (no data home needed)."""

import numpy as np
import pandas as pd
import pytest
import torch
from pymatgen.core import Lattice, Structure
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

from skcromel.cromel import (
    CompositionEncoder,
    CroMELFeaturizer,
    CroMELPretrainer,
    CroMELRegressor,
    composition_descriptor,
    load_composition_encoder,
)
from skcromel.cromel import _losses as L
from skcromel.exceptions import CompositionError

torch.set_num_threads(1)

PAIRS = [("Na", "Cl"), ("K", "Br"), ("Mg", "O"), ("Li", "F"), ("Ca", "S"), ("Ba", "O"),
         ("Sr", "Se"), ("Rb", "I")]  # fmt: skip


def _structures():
    out = []
    for k, (a, b) in enumerate(PAIRS):
        h = (4.0 + 0.25 * k) / 2  # primitive rock-salt cell
        lat = Lattice([[0, h, h], [h, 0, h], [h, h, 0]])
        out.append(Structure(lat, [a, b], [[0, 0, 0], [0.5] * 3]))
    return out


def _targets():
    return np.array([-2.0, -1.8, -3.0, -3.2, -2.2, -2.8, -1.9, -1.7])


@pytest.fixture(scope="module")
def pretrained():
    return CroMELPretrainer(alignment="cosine", epochs=3, batch_size=4, random_state=0).fit(
        _structures(), _targets()
    )


def _formulas(n=40, seed=0):
    rng = np.random.default_rng(seed)
    els = ["Fe", "O", "Ni", "Al", "Cu", "Zn", "Ti", "Si"]
    out, y = [], []
    for _ in range(n):
        a, b = rng.choice(els, 2, replace=False)
        x = rng.integers(1, 4)
        out.append(f"{a}{x}{b}")
        y.append(0.3 * x - (a in "FeNiCu") + 0.1 * rng.normal())
    return out, np.array(y)


# --------------------------------------------------------------------------- encoder
def test_composition_encoder_mean_path_default_and_sampling():
    enc = CompositionEncoder()
    x = torch.randn(5, 600)
    torch.testing.assert_close(enc(x), enc(x))
    torch.testing.assert_close(enc(x), enc.mean(x))
    enc.sample = "always"
    assert not torch.allclose(enc(x), enc(x))
    enc.sample = "train"
    enc.eval()
    torch.testing.assert_close(enc(x), enc.mean(x))
    enc.train()
    assert not torch.allclose(enc(x), enc.mean(x))
    with pytest.raises(ValueError):
        CompositionEncoder(sample="sometimes")


# --------------------------------------------------------------------------- losses
def test_paired_losses():
    h = torch.nn.functional.normalize(torch.randn(6, 8), dim=1)
    assert L.paired_cosine_loss(h, h).item() == pytest.approx(0.0, abs=1e-6)
    assert L.paired_mse_loss(h, h).item() == pytest.approx(0.0)
    assert L.paired_cosine_loss(-h, h).item() == pytest.approx(2.0, abs=1e-6)
    assert L.paired_mse_loss(2 * h, h).item() == pytest.approx(1.0, abs=1e-6)
    own = L.info_nce_loss(h, h, temperature=0.05).item()
    shuffled = L.info_nce_loss(h, h[torch.randperm(6)], temperature=0.05).item()
    assert own < 0.1 < shuffled


def test_reference_gradient_penalty_uses_batch_mean():
    """Linear critic with unit weight: the standard GP is 0; the reference GP sees |w|/n per row."""
    critic = torch.nn.Linear(4, 1, bias=False)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[1.0, 0.0, 0.0, 0.0]]))
    h_s, h_c = torch.randn(8, 4), torch.randn(8, 4)
    wass = -critic(h_s).mean() + critic(h_c).mean()
    std = L.critic_loss_wgan_gp(critic, h_s, h_c, gp_weight=10.0)
    ref = L.critic_loss_reference(critic, h_s, h_c, gp_weight=10.0)
    assert std.item() == pytest.approx(wass.item(), abs=1e-5)
    assert ref.item() == pytest.approx(wass.item() + 10.0 * (1 / 8 - 1) ** 2, abs=1e-5)
    assert L.generator_loss(critic, h_c).item() == pytest.approx(-critic(h_c).mean().item())


# --------------------------------------------------------------------------- pretrainer
@pytest.mark.parametrize("alignment", ["wgan-gp-reference", "wgan-gp", "mse", "infonce", "none"])
def test_pretrainer_alignments_run(alignment):
    p = CroMELPretrainer(alignment=alignment, epochs=2, batch_size=4, n_critic=1, random_state=0)
    p.fit(_structures(), _targets())
    assert len(p.history_) == 2 and np.isfinite(p.history_[-1]["property"])
    assert p.transform_compositions(["NaCl"]).shape == (1, 64)


def test_pretrainer_paired_alignment_converges():
    structs = _structures()
    p = CroMELPretrainer(
        alignment="cosine", epochs=120, batch_size=8, align_lr=1e-2, random_state=0
    )
    p.fit(structs, _targets())
    h_s = p.transform(structs)
    h_c = p.transform_compositions([s.composition for s in structs])
    cos = (h_s * h_c).sum(1) / np.linalg.norm(h_c, axis=1)
    assert cos.mean() > 0.9
    assert p.history_[-1]["align"] < p.history_[0]["align"]


def test_pretrainer_outputs_and_reproducibility(pretrained):
    structs = _structures()
    pred = pretrained.predict(structs)
    assert pred.shape == (8,) and pred.dtype == np.float64
    h = pretrained.transform(structs)
    np.testing.assert_allclose(np.linalg.norm(h, axis=1), 1.0, rtol=1e-5)
    again = clone(pretrained).fit(structs, _targets())
    np.testing.assert_allclose(again.predict(structs), pred, rtol=1e-6)
    card = pretrained.model_card_
    assert card["n_structures"] == 8 and card["targets"] == ["y0"] and card["epochs_run"] == 3


def test_pretrainer_multi_target_with_nan_and_validation():
    y = pd.DataFrame({"e_form": _targets(), "gap": [1.0, np.nan, 5.0, 6.0, 2.0, 3.0, np.nan, 1.5]})
    p = CroMELPretrainer(epochs=2, batch_size=4, validation_fraction=0.25, random_state=1)
    p.fit(_structures(), y)
    assert p.target_names_ == ["e_form", "gap"]
    assert p.predict(_structures()).shape == (8, 2)
    rec = p.history_[-1]
    assert {"val_mae_0", "val_mae_1", "val_cosine", "val_top1"} <= set(rec)
    assert np.isfinite(rec["property"])


def test_pretrainer_rejects_bad_params():
    with pytest.raises(ValueError, match="alignment"):
        CroMELPretrainer(alignment="gan").fit(_structures(), _targets())
    with pytest.raises(ValueError, match="structures"):
        CroMELPretrainer().fit(_structures(), _targets()[:3])


def test_pretrainer_save_load_roundtrip(pretrained, tmp_path):
    path = pretrained.save(tmp_path / "src.pt")
    raw = torch.load(path, weights_only=True)
    assert raw["format"] == "skcromel.cromel" and raw["format_version"] == 1
    assert raw["model_card"]["targets"] == ["y0"]
    back = CroMELPretrainer.load(path)
    structs = _structures()
    np.testing.assert_allclose(back.predict(structs), pretrained.predict(structs), rtol=1e-6)
    np.testing.assert_allclose(
        back.transform_compositions(["MgO"]), pretrained.transform_compositions(["MgO"])
    )
    raw["format_version"] = 99
    torch.save(raw, tmp_path / "future.pt")
    with pytest.raises(ValueError, match="upgrade"):
        CroMELPretrainer.load(tmp_path / "future.pt")


# --------------------------------------------------------------------------- featurizer
def test_featurizer_from_pretrainer_and_file(pretrained, tmp_path):
    X = ["Fe2O3", "NaCl", "MgO", "NaCl"]
    f1 = CroMELFeaturizer(source=pretrained).fit()
    E = f1.transform(X)
    assert E.shape == (4, 64) and E.dtype == np.float64
    np.testing.assert_allclose(E[1], E[3])
    np.testing.assert_allclose(E, pretrained.transform_compositions(X), rtol=1e-5, atol=1e-6)
    path = pretrained.save(tmp_path / "src.pt")
    f2 = CroMELFeaturizer(source=str(path), batch_size=3).fit()
    np.testing.assert_allclose(f2.transform(X), E, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(f2.transform(pd.Series(X)), E, rtol=1e-5, atol=1e-7)
    names = f2.get_feature_names_out()
    assert list(names[:2]) == ["cromel_0", "cromel_1"] and len(names) == 64
    out = f2.set_output(transform="pandas").fit_transform(pd.DataFrame({"c": X}))
    assert list(out.columns) == list(names)


def test_featurizer_sampling_seeded_and_errors(pretrained):
    X = ["Fe2O3", "NaCl"]
    a = CroMELFeaturizer(source=pretrained, sample=True, random_state=0).fit().transform(X)
    b = CroMELFeaturizer(source=pretrained, sample=True, random_state=0).fit().transform(X)
    c = CroMELFeaturizer(source=pretrained).fit().transform(X)
    np.testing.assert_allclose(a, b)
    assert not np.allclose(a, c)
    with pytest.raises(CompositionError) as exc:
        CroMELFeaturizer(source=pretrained, batch_size=2).fit().transform(["NaCl", "Fe", "Xx2"])
    assert exc.value.row == 2
    out = CroMELFeaturizer(source=pretrained, on_error="nan").fit()
    with pytest.warns(UserWarning):
        E = out.transform(["NaCl", "Xx2", "MgO"])
    assert np.isnan(E[1]).all() and np.isfinite(E[[0, 2]]).all()


def test_featurizer_sklearn_api(pretrained):
    from sklearn.utils.estimator_checks import (
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_set_params,
    )

    est = CroMELFeaturizer(source=pretrained)
    check_no_attributes_set_in_init("CroMELFeaturizer", est)
    check_get_params_invariance("CroMELFeaturizer", est)
    check_set_params("CroMELFeaturizer", est)
    X, y = _formulas(30)
    pipe = make_pipeline(CroMELFeaturizer(source=pretrained.composition_encoder_), Ridge())
    assert cross_val_predict(pipe, np.array(X), y, cv=3).shape == (30,)


def test_missing_source_errors(tmp_path, pretrained):
    with pytest.raises(ValueError, match="needs a source"):
        CroMELFeaturizer(source=None).fit()
    with pytest.raises(ValueError, match="unfitted"):
        CroMELFeaturizer(source=clone(pretrained)).fit()
    with pytest.raises(FileNotFoundError):
        CroMELFeaturizer(source=str(tmp_path / "nope.pt")).fit()
    torch.save({"a": torch.zeros(1)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a checkpoint skcromel can read"):
        load_composition_encoder(str(tmp_path / "other.pt"))


# --------------------------------------------------------------------------- regressor
def _reg(source, **kw):
    params = dict(max_epochs=4, batch_size=8, device="cpu", random_state=0)
    params.update(kw)
    return CroMELRegressor(source=source, **params)


def test_regressor_fit_predict(pretrained):
    X, y = _formulas()
    reg = _reg(pretrained).fit(X, y)
    pred = reg.predict(X)
    assert pred.shape == (40,) and pred.dtype == np.float64 and np.isfinite(pred).all()
    assert reg.n_epochs_ == 4
    scratch = _reg(None).fit(X, y)
    assert not np.allclose(scratch.predict(X), pred)


def test_regressor_no_fold_leakage(pretrained, tmp_path):
    """Every fit starts from the pristine source: training on fold A never reaches fold B's model,
    and the source weights themselves never change."""
    path = str(pretrained.save(tmp_path / "src.pt"))
    pristine = {k: v.clone() for k, v in load_composition_encoder(path).state_dict().items()}
    X, y = _formulas(40)
    XA, yA, XB, yB = X[:20], y[:20], X[20:], y[20:]
    for source in (path, pretrained.composition_encoder_):
        reg = _reg(source, max_epochs=6)
        reg.fit(XA, yA)
        enc_a = {k: v.clone() for k, v in reg.net_.module_.encoder.state_dict().items()}
        changed = [not torch.equal(enc_a[k], pristine[k]) for k in pristine]
        assert any(changed), "fine-tuning should change the encoder copy"
        pred_after_a = reg.fit(XB, yB).predict(XB)
        pred_fresh = clone(reg).fit(XB, yB).predict(XB)
        np.testing.assert_array_equal(pred_after_a, pred_fresh)
        for k, v in load_composition_encoder(path).state_dict().items():
            torch.testing.assert_close(v, pristine[k])
        for k, v in pretrained.composition_encoder_.state_dict().items():
            torch.testing.assert_close(v, pristine[k])
    # in a CV loop, each fold's encoder is a different tensor, never the shared source
    reg = _reg(path)
    groups = np.arange(40) % 5
    folds = list(GroupKFold(5).split(X, y, groups))
    ptrs = set()
    for tr, _ in folds[:2]:
        r = clone(reg).fit([X[i] for i in tr], y[tr])
        ptrs.add(r.net_.module_.encoder.fc1.weight.data_ptr())
    assert len(ptrs) == 2


def test_regressor_freeze_encoder(pretrained):
    X, y = _formulas()
    reg = _reg(pretrained, freeze_encoder=True).fit(X, y)
    for k, v in reg.net_.module_.encoder.state_dict().items():
        torch.testing.assert_close(v, pretrained.composition_encoder_.state_dict()[k])


def test_descriptor_shape():
    D = composition_descriptor(["Fe2O3", "Cu"])
    assert D.shape == (2, 600)
    np.testing.assert_allclose(D[1, :200], D[1, 200:400])
    np.testing.assert_allclose(D[1, :200], D[1, 400:])


def test_regressor_and_featurizer_pickle(pretrained):
    import pickle

    X, y = _formulas(20)
    reg = _reg(pretrained.composition_encoder_).fit(X, y)
    back = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(back.predict(X), reg.predict(X))
    f = CroMELFeaturizer(source=pretrained.composition_encoder_).fit()
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(f)).transform(X), f.transform(X))
    # the regressor's (fine-tuned) encoder can itself be a source for a featurizer
    emb = CroMELFeaturizer(source=reg.net_.module_.encoder).fit().transform(X)
    assert emb.shape == (20, 64)
