"""TransferRegressor on the 14 experimental datasets and the published splits, honestly scored.

Runs the benchmark runner (resumable fold cache under ``--out``) for:

* ``grouped``: the 14 experimental sets (``suite14``: EFE, matbench_expt_gap, GTT, ESTM x 5 and MRL
  x 5 with temperature as an extra input, Kingsbury) plus CrossPropertyTL's experimental ΔH and band
  gap, 5 folds grouped by near-duplicate compound, ``--seeds`` repetitions;
* ``matbench``: matbench_expt_gap (and, with the classifier, matbench_expt_is_metal) on the
  official folds;
* ``crossprop``: CrossPropertyTL's experimental ΔH and band gap on the paper's train/test files;
* ``classification`` (``TransferClassifier``): matbench_expt_is_metal and matbench_glass
  (metallic-glass formation), grouped folds; ``classification-matbench``: their official folds.

Every model is fitted inside each training fold (``TransferRegressor(sources="auto")`` chooses its
sources there: nested by construction); every default was fixed before these runs. Reports (MAE
with 95 % intervals over compounds, paired differences to ``hgb_magpie_full``, interval coverage,
parity plots) go to ``--report-dir``, plus ``summary.md`` counting the sets where ``transfer``
is better / tied / worse than the bar, and the ablation ``transfer_nosource``.

    python benchmarks/transfer/suite.py --parts grouped --seeds 0 1 2 --out benchmarks/results/transfer
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import sys
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks" / "transfer"
GROUPED = ["suite14", "crossprop_expt_deltae", "crossprop_expt_bandgap"]
MODELS = ["transfer", "transfer_nosource", "hgb_magpie_full", "rf_magpie"]
INTERVALS = ["rf_magpie_cvplus"]  # regression parts only: CV+ intervals of the random forest
PARTS = {
    "grouped": (GROUPED, "grouped-kfold", MODELS + INTERVALS),
    "matbench": (["matbench_expt_gap"], "matbench", MODELS + INTERVALS),
    "crossprop": (
        ["crossprop_expt_deltae", "crossprop_expt_bandgap"],
        "crossprop",
        MODELS + INTERVALS,
    ),
    "classification": (["matbench_expt_is_metal", "matbench_glass"], "grouped-kfold", MODELS),
    "classification-matbench": (["matbench_expt_is_metal", "matbench_glass"], "matbench", MODELS),
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parts", nargs="+", default=list(PARTS), choices=list(PARTS))
    ap.add_argument("--models", nargs="+", default=None, help="default: the part's models")
    ap.add_argument("--datasets", nargs="+", default=None, help="restrict to these datasets")
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--out", default="benchmarks/results/transfer", help="fold cache")
    ap.add_argument("--report-dir", default=str(REPORTS))
    ap.add_argument("--n-jobs", type=int, default=1)
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    import torch

    torch.set_num_threads(1)
    from skcromel.benchmark import run_benchmark, write_report
    from skcromel.datasets import SUITE_14

    command = "python benchmarks/transfer/suite.py " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    for part in args.parts:
        names, protocol, models = PARTS[part]
        datasets = []
        for d in names:
            datasets.extend(SUITE_14 if d == "suite14" else [d])
        if args.datasets:
            datasets = [d for d in datasets if d in args.datasets]
        if not datasets:
            continue
        out = Path(args.out) / part
        result = run_benchmark(
            args.models or models, datasets, protocol, seeds=args.seeds, out_dir=out,
            n_jobs=args.n_jobs,
        )  # fmt: skip
        # the runner's predictions_<protocol>.csv holds the last run only: keep this run's rows
        # under its own name too (summary.py reads them all and drops repeated rows)
        run_id = hashlib.sha256(
            repr((sorted(args.models or models), sorted(datasets), sorted(args.seeds))).encode()
        ).hexdigest()[:8]
        result.predictions.to_csv(out / f"predictions_{protocol}.{run_id}.csv", index=False)
        result.folds.to_csv(out / f"results_{protocol}.{run_id}.csv", index=False)
        path = write_report(
            result, Path(args.report_dir) / part, title=f"TransferRegressor: {part}",
            command=command, reference="hgb_magpie_full",
        )  # fmt: skip
        print(f"{part}: {path}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
