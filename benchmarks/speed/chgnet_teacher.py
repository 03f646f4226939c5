"""Throughput of the frozen CHGNet teacher (structures -> 64-d embeddings) on CPU, one thread.

Inputs: the first ``--n`` CIFs of ``mp_elastic_structs`` (sorted by material id, as the files
come), from the data home, parsed once. Reports structures/s for

* ``predict_structure`` as CHGNet's README calls it (default ``task="efsm"``: energies, forces,
  stresses and magnetic moments, forces and stresses by autograd) with
  ``return_crystal_feas=True`` -- what a naive teacher would run;
* ``predict_structure(task="e", return_crystal_feas=True)`` -- energy only, no autograd;
* :func:`skcromel.cromel.chgnet_features` (what :class:`~skcromel.cromel.CHGNetTeacher` and
  ``benchmarks/cromel/chgnet_embeddings.py`` run: graph conversion, then batched energy-only
  forward passes under ``torch.no_grad``), for several batch sizes, split into graph conversion
  and forward pass.

Each timing is the best of ``--repeats``; the machine may be shared, so also compare with the
CPU time (``process_time``) printed beside it.

Usage::

    SKCROMEL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 python \\
        benchmarks/speed/chgnet_teacher.py --n 200
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
import torch

from skcromel.config import get_data_home
from skcromel.cromel import chgnet_features, load_chgnet
from skcromel.cromel._teachers import chgnet_version


def _timed(fn, repeats):
    best = (float("inf"), float("inf"))
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - w, time.process_time() - c))
    return best


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--batch-sizes", default="16,64,128")
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--skip-efsm", action="store_true", help="skip the slow default-task timing")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    from pymatgen.core import Structure

    cifs = sorted((get_data_home() / "mp_elastic_structs" / "cif").glob("*.cif"))[: args.n]
    S = [Structure.from_file(f) for f in cifs]
    n_sites = np.array([len(s) for s in S])
    model = load_chgnet()
    print(
        f"N={len(S)} MP structures ({n_sites.mean():.1f} sites on average, max {n_sites.max()}); "
        f"chgnet {chgnet_version()}, model 0.3.0; torch threads={torch.get_num_threads()}",
        flush=True,
    )
    chgnet_features(model, S[:8])  # warm-up
    rows = []

    def report(name, wall, cpu, **extra):
        row = {
            "method": name,
            "structures_per_s": round(len(S) / wall, 1),
            "cpu_structures_per_s": round(len(S) / cpu, 1),
            "wall_s": round(wall, 2),
            **extra,
        }
        rows.append(row)
        print(json.dumps(row), flush=True)

    if not args.skip_efsm:
        w, c = _timed(
            lambda: model.predict_structure(S, return_crystal_feas=True, batch_size=16), 1
        )
        report("predict_structure task=efsm (CHGNet default), batch 16", w, c)
    w, c = _timed(
        lambda: model.predict_structure(S, task="e", return_crystal_feas=True, batch_size=64),
        args.repeats,
    )
    report("predict_structure task=e, batch 64", w, c)
    w, c = _timed(lambda: [model.graph_converter(s) for s in S], args.repeats)
    report("graph conversion only", w, c)
    for bs in (int(b) for b in args.batch_sizes.split(",")):
        w, c = _timed(lambda bs=bs: chgnet_features(model, S, batch_size=bs), args.repeats)
        report(f"chgnet_features (teacher), batch {bs}", w, c, batch_size=bs)
    return rows


if __name__ == "__main__":
    main()
