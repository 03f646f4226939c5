"""Crystal-graph construction speed: skcromel periodic graphs vs the CroMEL reference construction.

The reference construction (re-implemented here from its description in docs/cromel.md, not copied)
turns each crystal into a finite cluster: unit-cell sites plus every periodic-image neighbour within
the cutoff, de-duplicated by coordinates; then an O(N^2) distance matrix over the cluster gives the
edges (all pairs closer than the cutoff), each expanded on 64 Gaussians. Two variants are timed:

* ``reference-loop``: pair loop in Python with one Gaussian call per edge (as the reference does);
* ``reference-vectorised``: the same cluster and distance matrix, edges and Gaussians vectorised
  (an upper bound on what the cluster approach can do).

skcromel: ``structure_to_graph`` (pymatgen ``get_neighbor_list``) + ``gaussian_expansion``.
Structure parsing is done before timing and is not counted. Peak memory is tracemalloc's peak of
Python/NumPy allocations during each pass.

Usage::

    SKCROMEL_DATA_HOME=/work/shared/data python benchmarks/speed/graphs.py --n 1000 \
        --dataset mp_elastic_structs
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np

from skcromel.config import get_data_home
from skcromel.cromel import gaussian_expansion, structure_to_graph

CUTOFF = 4.0
CENTERS = np.linspace(1.0, CUTOFF, 64)


def load_structures(dataset: str, n: int, seed: int = 0):
    from pymatgen.core import Structure

    home = get_data_home()
    if dataset == "mp_elastic_structs":
        files = sorted((home / "mp_elastic_structs" / "cif").glob("*.cif"))
        rng = np.random.default_rng(seed)
        files = [files[i] for i in np.sort(rng.permutation(len(files))[:n])]
        return [Structure.from_file(f) for f in files]
    if dataset == "cdvae_perov5":
        import pandas as pd

        d = home / "cdvae_perov5" / "data" / "perov_5"
        df = pd.concat([pd.read_csv(d / "val.csv"), pd.read_csv(d / "test.csv")])
        return [Structure.from_str(c, fmt="cif") for c in df["cif"].iloc[:n]]
    raise ValueError(dataset)


def _cluster(structure, cutoff):
    """Unit-cell sites + unique image neighbours (by exact coordinates) -> (coords, Z)."""
    coords = [np.asarray(c) for c in structure.cart_coords]
    z = list(structure.atomic_numbers)
    seen = {tuple(c) for c in coords}
    for nbrs in structure.get_all_neighbors(cutoff):
        for nb in nbrs:
            key = tuple(nb.coords)
            if key not in seen:
                seen.add(key)
                coords.append(np.asarray(nb.coords))
                z.append(nb.specie.Z)
    return np.vstack(coords), np.asarray(z)


def reference_loop(structure, cutoff=CUTOFF):
    coords, z = _cluster(structure, cutoff)
    diff = coords[:, None, :] - coords[None, :, :]
    dmat = np.sqrt((diff**2).sum(-1))
    edges, feats = [], []
    n = coords.shape[0]
    for i in range(n):
        for j in range(n):
            if i != j and dmat[i, j] < cutoff:
                edges.append((i, j))
                feats.append(np.exp(-((np.full(64, dmat[i, j]) - CENTERS) ** 2) / 0.5**2))
    return z, np.asarray(edges), np.vstack(feats) if feats else None


def reference_vectorised(structure, cutoff=CUTOFF):
    coords, z = _cluster(structure, cutoff)
    diff = coords[:, None, :] - coords[None, :, :]
    dmat = np.sqrt((diff**2).sum(-1))
    mask = dmat < cutoff
    np.fill_diagonal(mask, False)
    i, j = np.nonzero(mask)
    return z, np.vstack([i, j]), gaussian_expansion(dmat[i, j])


def skcromel_graph(structure, cutoff=CUTOFF):
    g = structure_to_graph(structure, cutoff)
    return g, gaussian_expansion(g.distances)


def run(fn, structures):
    tracemalloc.start()
    t0 = time.perf_counter()
    out = [fn(s) for s in structures]
    dt = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return dt, peak, out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=500)
    p.add_argument("--dataset", default="mp_elastic_structs")
    p.add_argument("--skip-loop", action="store_true", help="do not time the Python pair loop")
    args = p.parse_args(argv)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen CIF rounding notices
        structs = load_structures(args.dataset, args.n)
    n_sites = np.array([len(s) for s in structs])
    print(
        f"dataset={args.dataset} N={len(structs)} sites/structure median={np.median(n_sites):.0f} "
        f"max={n_sites.max()} cutoff={CUTOFF}"
    )
    skcromel_graph(structs[0])  # warm-up
    t_sk, m_sk, out_sk = run(skcromel_graph, structs)
    nodes_sk = sum(g.n_nodes for g, _ in out_sk)
    edges_sk = sum(g.n_edges for g, _ in out_sk)
    rows = [("skcromel", t_sk, m_sk, nodes_sk, edges_sk)]
    t_vec, m_vec, out_vec = run(reference_vectorised, structs)
    rows.append(
        (
            "reference-vectorised",
            t_vec,
            m_vec,
            sum(len(o[0]) for o in out_vec),
            sum(o[1].shape[1] for o in out_vec),
        )
    )
    if not args.skip_loop:
        t_loop, m_loop, out_loop = run(reference_loop, structs)
        rows.append(
            (
                "reference-loop",
                t_loop,
                m_loop,
                sum(len(o[0]) for o in out_loop),
                sum(len(o[1]) for o in out_loop),
            )
        )
    print(
        f"{'method':<22}{'seconds':>10}{'struct/s':>10}{'peak MB':>10}{'nodes':>10}{'edges':>12}"
        f"{'speed-up':>10}"
    )
    for name, t, m, nn_, ne in rows:
        print(
            f"{name:<22}{t:>10.2f}{len(structs) / t:>10.1f}{m / 2**20:>10.1f}{nn_:>10}{ne:>12}"
            f"{t / t_sk:>9.1f}x"
        )


if __name__ == "__main__":
    main()
