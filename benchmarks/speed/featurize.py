"""Magpie featurization speed: skcromel.ElementStats vs matminer's ElementProperty, one run.

Both featurize the same N real compositions from Materials Project (matbench mp_e_form, read from
the data home) in one process on one core. matminer is given pre-built pymatgen Compositions (its
string conversion is timed separately and NOT charged to it); skcromel starts from the formula
strings, parsing included (median of several runs, the parse cache cleared before each). The result (ratio and max |difference|) is printed and, with --write,
saved as markdown under docs/benchmarks/.

    python benchmarks/speed/featurize.py --n 20000 --write
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skcromel import ElementStats  # noqa: E402
from skcromel.config import get_data_home  # noqa: E402

SOURCE = "crabnet/data/matbench/mp_e_form.csv"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=5, help="skcromel timings (median reported)")
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks/featurize_speed.md")
    args = ap.parse_args(argv)

    path = get_data_home() / SOURCE
    if not path.is_file():
        raise SystemExit(f"{path} not found: set SKCROMEL_DATA_HOME to the shared data folder")
    formulas = (
        pd.read_csv(path)["formula"].sample(args.n, random_state=args.seed).astype(str).tolist()
    )

    from matminer.featurizers.composition import ElementProperty
    from pymatgen.core import Composition

    t0 = time.perf_counter()
    comps = [Composition(f) for f in formulas]
    t_conv = time.perf_counter() - t0

    mm = ElementProperty.from_preset("magpie")
    mm.set_n_jobs(1)
    t0 = time.perf_counter()
    ref = np.asarray(mm.featurize_many(comps, pbar=False), dtype=float)
    t_mm = time.perf_counter() - t0

    est = ElementStats(preset="magpie")
    est.fit(formulas[:1])
    ElementStats(preset="magpie").fit_transform(["NaCl"])  # warm the table cache (one-off load)
    from skcromel.parsing import _parse_cached

    times = []
    for _ in range(args.repeats):
        _parse_cached.cache_clear()  # every repeat parses all strings again
        t0 = time.perf_counter()
        ours = est.transform(formulas)
        times.append(time.perf_counter() - t0)
    t_sk = float(np.median(times))

    diff = float(np.nanmax(np.abs(ours - ref)))
    same_nan = bool((np.isnan(ours) == np.isnan(ref)).all())
    ratio = t_mm / t_sk
    lines = [
        f"compositions: {args.n} (random sample, seed {args.seed}, of {SOURCE})",
        f"matminer ElementProperty.from_preset('magpie').featurize_many, n_jobs=1: {t_mm:.2f} s "
        f"({args.n / t_mm:,.0f} compositions/s; +{t_conv:.2f} s str->Composition not counted)",
        f"skcromel ElementStats(preset='magpie').transform from strings: {t_sk:.3f} s "
        f"(median of {args.repeats} runs, parse cache cleared before each; "
        f"min {min(times):.3f}, max {max(times):.3f}; {args.n / t_sk:,.0f} compositions/s)",
        f"speed-up: {ratio:.0f}x",
        f"max |difference|: {diff:.3g} (NaN pattern identical: {same_nan})",
    ]
    print("\n".join(lines))
    if args.write:
        out = Path(__file__).resolve().parents[2] / "docs" / "benchmarks" / "featurize_speed.md"
        out.write_text(
            "# Magpie featurization speed\n\n"
            "Command: `python benchmarks/speed/featurize.py --n "
            f"{args.n} --write`\n\n"
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, one process, OMP_NUM_THREADS=1.\n\n"
            + "\n".join(f"- {line}" for line in lines)
            + "\n"
        )
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
