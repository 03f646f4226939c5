"""Tests for skcromel.graphs (periodic crystal graphs)."""

import itertools

import numpy as np
import pytest
import torch
from pymatgen.core import Lattice, Structure

from skcromel.cromel import (
    CrystalGraph,
    batch_graphs,
    element_table,
    gaussian_expansion,
    structure_to_graph,
    structures_to_graphs,
)


def _rocksalt(a=4.2):
    fcc = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
    coords = np.vstack([fcc, (fcc + 0.5) % 1.0])
    return Structure(Lattice.cubic(a), ["Na"] * 4 + ["Cl"] * 4, coords)


def _random_structure(seed):
    rng = np.random.default_rng(seed)
    lat = Lattice.from_parameters(*rng.uniform(3.0, 5.0, 3), *rng.uniform(70, 110, 3))
    n = int(rng.integers(2, 5))
    species = list(rng.choice(["Fe", "O", "Si", "Li"], size=n))
    return Structure(lat, species, rng.uniform(0, 1, (n, 3)))


def _brute_force_neighbours(s, cutoff):
    """Distances from every unit-cell site to every image site within cutoff (explicit supercell)."""
    frac = s.frac_coords
    out = {i: [] for i in range(len(s))}
    rng = range(-3, 4)
    for i in range(len(s)):
        for j in range(len(s)):
            for n in itertools.product(rng, rng, rng):
                d = np.linalg.norm(s.lattice.get_cartesian_coords(frac[j] + np.array(n) - frac[i]))
                if 1e-8 < d < cutoff:
                    out[i].append((j, round(d, 6)))
    return {i: sorted(v) for i, v in out.items()}


def test_simple_cubic_six_neighbours():
    s = Structure(Lattice.cubic(3.0), ["Cu"], [[0, 0, 0]])
    g = structure_to_graph(s, cutoff=4.0)
    assert g.n_nodes == 1
    assert g.n_edges == 6  # next shell is at 3*sqrt(2) = 4.24 A
    np.testing.assert_allclose(g.distances, 3.0)
    assert (g.edge_index == 0).all()


@pytest.mark.parametrize("seed", range(4))
def test_edges_match_brute_force_supercell(seed):
    s = _random_structure(seed)
    g = structure_to_graph(s, cutoff=4.0)
    expected = _brute_force_neighbours(s, 4.0)
    for i in range(len(s)):
        mask = g.edge_index[1] == i
        got = sorted(zip(g.edge_index[0, mask].tolist(), np.round(g.distances[mask], 6).tolist()))
        assert got == expected[i]


def test_every_site_once_and_types():
    s = _rocksalt()
    g = structure_to_graph(s)
    assert g.n_nodes == len(s) == 8
    assert g.atomic_numbers.dtype == np.int64
    assert g.edge_index.dtype == np.int64 and g.edge_index.shape == (2, g.n_edges)
    assert sorted(set(g.atomic_numbers.tolist())) == [11, 17]
    # each site: 6 nearest (2.1 A) + 12 next (2.97 A) + 8 third (3.64 A) neighbours within 4 A
    np.testing.assert_array_equal(np.bincount(g.edge_index[1]), np.full(8, 26))


def test_supercell_has_proportional_graph():
    s = _rocksalt()
    g1 = structure_to_graph(s)
    s2 = s.copy()
    s2.make_supercell([2, 1, 1])
    g2 = structure_to_graph(s2)
    assert g2.n_nodes == 2 * g1.n_nodes and g2.n_edges == 2 * g1.n_edges


def test_disordered_structure_raises():
    s = Structure(Lattice.cubic(3.0), [{"Fe": 0.5, "Ni": 0.5}], [[0, 0, 0]])
    with pytest.raises(ValueError, match="disordered"):
        structure_to_graph(s)


def test_gaussian_expansion_numpy_and_torch_agree():
    d = np.array([1.0, 2.5, 4.0, 3.3])
    e = gaussian_expansion(d)
    assert e.shape == (4, 64)
    np.testing.assert_allclose(e[0, 0], 1.0)
    np.testing.assert_allclose(e[2, -1], 1.0)
    np.testing.assert_allclose(e[1, 10], np.exp(-((2.5 - (1 + 10 * 3 / 63)) ** 2) / 0.25))
    et = gaussian_expansion(torch.tensor(d, dtype=torch.float64))
    np.testing.assert_allclose(et.numpy(), e, rtol=1e-12)
    e2 = gaussian_expansion(d, d_min=0.0, d_max=6.0, n_centers=10, width=1.0)
    assert e2.shape == (4, 10)


def test_element_table_matscholar():
    t = element_table()
    assert t.shape == (119, 200)
    assert np.isnan(t[0]).all() and np.isfinite(t[26]).all()
    assert not t.flags.writeable


def test_batch_graphs_offsets_and_features():
    gs = structures_to_graphs([_rocksalt(), Structure(Lattice.cubic(3.0), ["Cu"], [[0, 0, 0]])])
    b = batch_graphs(gs)
    assert b.n_graphs == 2
    assert b.x.shape == (9, 200) and b.x.dtype == torch.float32
    assert b.edge_attr.shape == (gs[0].n_edges + 6, 64)
    np.testing.assert_array_equal(b.batch.numpy(), [0] * 8 + [1])
    # the Cu edges point at node 8 (offset by the 8 rocksalt sites)
    assert (b.edge_index[:, -6:] == 8).all()
    assert int(b.edge_index[:, : gs[0].n_edges].max()) == 7
    np.testing.assert_allclose(b.x[8].numpy(), element_table()[29].astype(np.float32))


def test_batch_graphs_unknown_element_named():
    g = CrystalGraph(np.array([118]), np.zeros((2, 0), dtype=np.int64), np.zeros(0))
    with pytest.raises(ValueError, match="Og"):
        batch_graphs([g])
    with pytest.raises(ValueError):
        batch_graphs([])
