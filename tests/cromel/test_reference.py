"""Import of the reference CroMEL checkpoints (fixtures read from the data home, never copied)."""

import json
from importlib import resources

import numpy as np
import pytest
import torch
from pymatgen.core import Composition

from skcromel.config import get_data_home
from skcromel.cromel import (
    CroMELFeaturizer,
    composition_descriptor,
    load_composition_encoder,
    load_reference_checkpoint,
    reference_generator_state,
    reference_structure_state,
)

pytestmark = pytest.mark.data

NAMES = ["mp_fe_cgcnn", "mp_bg_cgcnn", "mp_fe_mpnn", "mp_bg_mpnn"]
FORMULAS = ["Fe2O3", "NaCl", "Cu", "Li0.5Co0.5O", "BaTiO3", "Al2(SO4)3", "H2O", "Nb4CoSi"]


def _ckpt(name):
    path = get_data_home() / "cromel" / "save" / f"{name}_cromel.pt"
    if not path.is_file():
        pytest.skip(f"reference checkpoint not found: {path}")
    return path


def _reference_descriptor(formula):
    """Straightforward re-implementation of the reference 600-d composition vector."""
    path = resources.files("elementembeddings") / "data/element_representations"
    table = json.loads((path / "matscholar-embedding.json").read_text())
    comp = Composition(formula)
    vecs = np.array([table[el.symbol] for el in comp.elements], dtype=np.float64)
    frac = np.array([comp.get_atomic_fraction(el) for el in comp.elements])
    return np.concatenate([frac @ vecs, vecs.min(0), vecs.max(0)])


def _prelu(x, a):
    return np.where(x >= 0, x, a * x)


def _reference_mean_path(sd, x):
    """The reference generator without its noise term, written out in NumPy."""
    w = {k: v.double().numpy() for k, v in sd.items()}
    h = _prelu(
        x @ w["generator.emb_net_cv.0.weight"].T + w["generator.emb_net_cv.0.bias"],
        w["generator.emb_net_cv.1.weight"],
    )
    return _prelu(
        h @ w["generator.emb_net_cv.2.weight"].T + w["generator.emb_net_cv.2.bias"],
        w["generator.emb_net_cv.3.weight"],
    )


def test_descriptor_equals_reference_construction():
    ref = np.vstack([_reference_descriptor(f) for f in FORMULAS])
    np.testing.assert_allclose(composition_descriptor(FORMULAS), ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_imported_encoder_matches_reference_mean_path(name):
    path = _ckpt(name)
    sd = torch.load(path, map_location="cpu", weights_only=True)
    x = np.vstack([_reference_descriptor(f) for f in FORMULAS])
    expected = _reference_mean_path(sd, x)
    enc = load_reference_checkpoint(path)["composition_encoder"].double()
    with torch.no_grad():
        got = enc(torch.as_tensor(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    # the featurizer (float32, chunked, descriptor from ElementStats) gives the same embedding
    feat = CroMELFeaturizer(source=f"cromel-ref:{name}", batch_size=3).fit().transform(FORMULAS)
    np.testing.assert_allclose(feat, expected, rtol=1e-4, atol=1e-5)
    assert feat.dtype == np.float64 and feat.shape == (len(FORMULAS), 64)


def test_sampling_option_reproduces_reference_noise_model():
    path = _ckpt("mp_fe_cgcnn")
    sd = torch.load(path, map_location="cpu", weights_only=True)
    enc = load_composition_encoder(str(path), sample="always").double()
    x = torch.as_tensor(_reference_descriptor("Fe2O3")).repeat(20000, 1)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        out = enc(x, generator=gen).numpy()
    h = _reference_mean_path(sd, x[:1].numpy())
    std = np.log1p(
        np.exp(
            h @ sd["generator.fc_std.0.weight"].double().numpy().T
            + sd["generator.fc_std.0.bias"].double().numpy()
        )
    )
    np.testing.assert_allclose(out.mean(0), h[0], atol=5 * std.max() / np.sqrt(20000))
    np.testing.assert_allclose(out.std(0), std[0], rtol=0.05)


def test_structure_encoder_import_cgcnn_only():
    sd = torch.load(_ckpt("mp_fe_cgcnn"), map_location="cpu", weights_only=True)
    s = reference_structure_state(sd)
    assert s["convs.1.lin_s.weight"].shape == (64, 192)
    mods = load_reference_checkpoint(_ckpt("mp_fe_cgcnn"))
    assert mods["structure_encoder"] is not None and mods["head"] is not None
    assert load_reference_checkpoint(_ckpt("mp_fe_mpnn"))["structure_encoder"] is None
    with pytest.raises(KeyError):
        reference_structure_state(
            torch.load(_ckpt("mp_fe_mpnn"), map_location="cpu", weights_only=True)
        )
    with pytest.raises(KeyError):
        reference_generator_state({"foo": torch.zeros(1)})


@pytest.mark.filterwarnings("ignore:Issues encountered while parsing CIF")
def test_imported_structure_encoder_predicts_source_property():
    """Sanity check of the graph/convolution semantics: the imported CGCNN source model predicts
    MP formation energies of real structures well on skcromel's periodic graphs."""
    import pandas as pd
    from pymatgen.core import Structure

    from skcromel.cromel import batch_graphs, structure_to_graph

    d = get_data_home() / "mp_elastic_structs"
    if not (d / "labels.csv").is_file():
        pytest.skip("mp_elastic_structs not in the data home")
    lab = pd.read_csv(d / "labels.csv").dropna(subset=["form_eng"]).iloc[:60]
    structs = [Structure.from_file(d / "cif" / f"{m}.cif") for m in lab["m_id"]]
    mods = load_reference_checkpoint(_ckpt("mp_fe_cgcnn"))
    with torch.no_grad():
        gb = batch_graphs([structure_to_graph(s) for s in structs])
        pred = mods["head"](mods["structure_encoder"].encode_batch(gb)).numpy().ravel()
    y = lab["form_eng"].to_numpy()
    assert np.corrcoef(pred, y)[0, 1] > 0.95
    assert np.abs(pred - y).mean() < 0.2


def test_source_cache_not_mutated_by_fine_tuning():
    _ckpt("mp_fe_cgcnn")
    a = load_composition_encoder("cromel-ref:mp_fe_cgcnn")
    ref = {k: v.clone() for k, v in a.state_dict().items()}
    with torch.no_grad():
        for p in a.parameters():
            p.add_(1.0)
    b = load_composition_encoder("cromel-ref:mp_fe_cgcnn")
    for k, v in b.state_dict().items():
        torch.testing.assert_close(v, ref[k])
