"""Throughput of CroMELFeaturizer (compositions -> 64-d embeddings) on CPU, one thread.

Inputs: the formulas of ``crabnet/data/matbench/mp_e_form.csv`` (132,752 rows, mostly unique), from
the data home. Reports compositions/s for the whole transform (with the formula parser's cache cleared
before each repeat, and warm) and for its two parts (warm): the 600-d
matscholar descriptor (``ElementStats``) and the encoder forward pass. The encoder is the reference
checkpoint ``cromel-ref:mp_fe_cgcnn`` when present in the data home, else a randomly initialised
``CompositionEncoder`` (same cost).

Usage::

    SKCROMEL_DATA_HOME=/work/shared/data python benchmarks/speed/cromel_featurizer.py --n 100000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch

from skcromel.config import get_data_home
from skcromel.cromel import CompositionEncoder, CroMELFeaturizer
from skcromel.cromel._encoder import _descriptor_transformer
from skcromel.parsing import _parse_cached


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--batch-size", type=int, default=8192)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(1)

    df = pd.read_csv(get_data_home() / "crabnet" / "data" / "matbench" / "mp_e_form.csv")
    X = df["formula"].astype(str).to_numpy(dtype=object)[: args.n]
    print(
        f"N={len(X)} compositions ({len(set(X))} unique), batch_size={args.batch_size}, "
        f"torch threads={torch.get_num_threads()}"
    )
    ref = get_data_home() / "cromel" / "save" / "mp_fe_cgcnn_cromel.pt"
    source = "cromel-ref:mp_fe_cgcnn" if ref.is_file() else CompositionEncoder()
    f = CroMELFeaturizer(source=source, batch_size=args.batch_size).fit()
    f.transform(X[:1000])  # warm-up

    def best(fn, cold=False):
        times = []
        for _ in range(args.repeats):
            if cold:
                _parse_cached.cache_clear()
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    t_cold = best(lambda: f.transform(X), cold=True)
    t_all = best(lambda: f.transform(X))
    desc = _descriptor_transformer()
    t_desc = best(
        lambda: [
            desc.fit_transform(X[s : s + args.batch_size])
            for s in range(0, len(X), args.batch_size)
        ]
    )
    D = torch.as_tensor(np.asarray(desc.fit_transform(X[: args.batch_size]), np.float32))
    reps = max(1, len(X) // len(D))

    def enc():
        with torch.inference_mode():
            for _ in range(reps):
                f.encoder_(D)

    t_enc = best(enc) * len(X) / (reps * len(D))
    print(f"{'part':<30}{'seconds':>10}{'compositions/s':>16}")
    for name, t in [
        ("transform, cold parse cache", t_cold),
        ("transform, warm parse cache", t_all),
        ("  descriptor (ElementStats)", t_desc),
        ("  encoder forward", t_enc),
    ]:
        print(f"{name:<30}{t:>10.2f}{len(X) / t:>16,.0f}")


if __name__ == "__main__":
    main()
