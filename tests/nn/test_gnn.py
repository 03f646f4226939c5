"""Tests for skcromel.nn.gnn (pure-torch CGCNN-style encoder)."""

import numpy as np
import pytest
import torch
from pymatgen.core import Lattice, Structure

from skcromel.cromel import batch_graphs, structure_to_graph
from skcromel.nn import GatedGraphConv, PropertyHead, StructureEncoder, mean_pool


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def _structs():
    h = 2.1  # primitive rock-salt cell
    nacl = Structure(
        Lattice([[0, h, h], [h, 0, h], [h, h, 0]]), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3]
    )
    cu = Structure(Lattice.cubic(3.0), ["Cu"], [[0, 0, 0]])
    feo = Structure(Lattice.hexagonal(3.0, 5.0), ["Fe", "O"], [[0, 0, 0], [1 / 3, 2 / 3, 0.4]])
    return [nacl, cu, feo]


def _encode(model, structs):
    gb = batch_graphs([structure_to_graph(s) for s in structs])
    return model.encode_batch(gb)


def test_gated_conv_matches_naive_loop():
    conv = GatedGraphConv(4, 3)
    x = torch.randn(5, 4)
    ei = torch.tensor([[0, 1, 2, 3, 4, 0], [1, 1, 0, 0, 2, 4]])
    ea = torch.randn(6, 3)
    out = conv(x, ei, ea)
    ref = x.clone()
    for k in range(ei.shape[1]):
        j, i = ei[0, k], ei[1, k]
        z = torch.cat([x[i], x[j], ea[k]])
        ref[i] = ref[i] + torch.sigmoid(conv.lin_f(z)) * torch.nn.functional.softplus(conv.lin_s(z))
    torch.testing.assert_close(out, ref)
    assert conv.lin_f.weight.shape == (4, 11)


def test_mean_pool():
    h = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    out = mean_pool(h, torch.tensor([0, 0, 1]), 3)
    torch.testing.assert_close(out, torch.tensor([[2.0, 3.0], [5.0, 6.0], [0.0, 0.0]]))


def test_reference_layout_shapes():
    m = StructureEncoder()
    assert m.embed.weight.shape == (64, 200)
    assert [c.lin_f.weight.shape for c in m.convs] == [(64, 192)] * 2
    assert m.out.weight.shape == (64, 64)
    assert PropertyHead(64, 2)(torch.zeros(3, 64)).shape == (3, 2)


def test_embeddings_unit_norm_and_batch_consistent():
    m = StructureEncoder().eval()
    structs = _structs()
    with torch.no_grad():
        h = _encode(m, structs)
        alone = torch.cat([_encode(m, [s]) for s in structs])
    assert h.shape == (3, 64)
    torch.testing.assert_close(h.norm(dim=1), torch.ones(3))
    torch.testing.assert_close(h, alone, atol=1e-5, rtol=1e-5)
    assert not torch.allclose(h[0], h[1])


def test_invariant_to_site_order_and_supercell():
    m = StructureEncoder().eval()
    s = _structs()[2]
    perm = Structure.from_sites([s[1], s[0]])
    sc = s.copy()
    sc.make_supercell([1, 2, 1])
    with torch.no_grad():
        h = _encode(m, [s, perm, sc])
    torch.testing.assert_close(h[1], h[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(h[2], h[0], atol=1e-5, rtol=1e-5)


def test_encoder_can_fit_tiny_set():
    structs = _structs()
    gb = batch_graphs([structure_to_graph(s) for s in structs])
    y = torch.tensor([[-2.0], [0.0], [-1.0]])
    enc, head = StructureEncoder(), PropertyHead()
    opt = torch.optim.Adam([*enc.parameters(), *head.parameters()], lr=1e-2)
    first = None
    for _ in range(150):
        loss = ((head(enc.encode_batch(gb)) - y) ** 2).mean()
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.05 * first
    assert np.isfinite(loss.item())
