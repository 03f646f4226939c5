"""TransferRegressor speed: fit + predict on 1,000 rows and prediction throughput, beside rf_magpie.

Both models (the recommended ``TransferRegressor()`` with its defaults, and the usual baseline,
a 300-tree random forest on the 132 magpie statistics: the benchmark recipe ``rf_magpie``) are
timed in the same process on the same rows: ``--n-fit`` Kingsbury experimental formation
enthalpies (shipped with pymatgen: no data home needed) to fit, then ``--n-predict`` Materials
Project compositions to predict (from the data home when present, else the Kingsbury formulas
repeated). Threads: ``--threads`` for OpenMP/BLAS/torch (2 = the CI machine's cores).

    python benchmarks/speed/transfer.py --threads 2 --write
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path


def _set_threads(n: int) -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-fit", type=int, default=1000)
    ap.add_argument("--n-predict", type=int, default=20_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="prediction calls, each on new rows")
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks/transfer_speed.md")
    args = ap.parse_args(argv)
    _set_threads(args.threads)

    import numpy as np
    import pandas as pd
    import torch

    torch.set_num_threads(args.threads)
    from skcromel import TransferRegressor
    from skcromel.benchmark import make_model
    from skcromel.config import get_data_home
    from skcromel.datasets import load_kingsbury
    from skcromel.parsing import _parse_cached

    ds = load_kingsbury()
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(len(ds.y), args.n_fit, replace=False))
    X = ds.X.iloc[rows].reset_index(drop=True)
    y = ds.y.to_numpy()[rows]
    mp = get_data_home() / "crabnet/data/matbench/mp_e_form.csv"
    if mp.is_file():
        pool = pd.read_csv(mp)["formula"].to_numpy(dtype=object)
        what = "Materials Project compositions (matbench mp_e_form)"
    else:
        pool = ds.X["composition"].to_numpy(dtype=object)
        what = "Kingsbury compositions, repeated"
    # one set of rows per repeat, disjoint where the pool allows: every call parses new formulas
    pool = np.resize(rng.permutation(pool), args.n_predict * args.repeat)
    X_preds = [
        pd.DataFrame({"composition": pool[r * args.n_predict : (r + 1) * args.n_predict]})
        for r in range(args.repeat)
    ]

    results = []
    for name, model in (
        ("TransferRegressor()", TransferRegressor(n_jobs=args.threads, random_state=0)),
        ("rf_magpie", make_model("rf_magpie").set_params(model__n_jobs=args.threads)),
    ):
        t0 = time.perf_counter()
        model.fit(X, y)
        fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        model.predict(X.iloc[:200])
        small = time.perf_counter() - t0
        rates = []
        for X_pred in X_preds:
            _parse_cached.cache_clear()  # no model reads formulas the other one parsed
            t0 = time.perf_counter()
            model.predict(X_pred)
            rates.append(args.n_predict / (time.perf_counter() - t0))
        results.append(
            {"model": name, "fit_s": fit, "fit_predict_s": fit + small,
             "predict_rows_per_s": float(np.median(rates)), "calls": rates}
        )  # fmt: skip
        print(results[-1], flush=True)
    df = pd.DataFrame(results).set_index("model")
    ratio_fit = (
        df.loc["TransferRegressor()", "fit_predict_s"] / df.loc["rf_magpie", "fit_predict_s"]
    )
    ratio_pred = (
        df.loc["TransferRegressor()", "predict_rows_per_s"]
        / df.loc["rf_magpie", "predict_rows_per_s"]
    )
    text = "\n".join(
        [
            "# TransferRegressor speed",
            "",
            f"Fit on {args.n_fit} Kingsbury formation enthalpies (+ predict 200 of them), then "
            f"predict {args.n_predict} {what} in {args.repeat} calls, each on rows not seen "
            "before (formula parsing cache emptied before each call); throughput: the median "
            f"call, all calls listed below; {args.threads} threads, one process, "
            f"{platform.processor() or platform.machine()}, Python {platform.python_version()}.",
            "",
            "| model | fit + predict 200 rows (s) | predict throughput (rows/s) |",
            "|---|---|---|",
            *[
                f"| {m} | {r.fit_predict_s:.1f} | {r.predict_rows_per_s:,.0f} |"
                for m, r in df.iterrows()
            ],
            "",
            *[
                f"{m}, every call (rows/s): " + ", ".join(f"{v:,.0f}" for v in r.calls) + "."
                for m, r in df.iterrows()
            ],
            "",
            f"Ratio TransferRegressor / rf_magpie: fit + predict time {ratio_fit:.1f}x, "
            f"prediction throughput {ratio_pred:.2f}x (same run).",
            "",
            f"Command: `python benchmarks/speed/transfer.py {' '.join(sys.argv[1:])}`",
            "",
        ]
    )
    print(text)
    if args.write:
        out = Path(__file__).resolve().parents[2] / "docs" / "benchmarks" / "transfer_speed.md"
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
