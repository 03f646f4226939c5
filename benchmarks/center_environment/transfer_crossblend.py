"""Blend CE transfer models built on two feature sets (published 112 columns + skcromel's combined).

Same seeded splits as ``benchmarks/center_environment/transfer.py``. For each feature set F in {published,
combined}: ``dnn-F`` (one fine-tuned transfer DNN; scaler and source model from the spinels) and
``svr4-F`` (SVR C=10, eps=0.02 on CE + four source "virtual spinel" predictions, extra block
scaled on the training rows). Blends with fixed equal weights: ``blend-F`` (dnn-F, svr4-F) and
``blend-4`` (all four). The published columns exist only for the 855 released perovskites, so
``blend-4`` is a benchmark of feature diversity, not a screening model.

Usage::

    export SKCROMEL_DATA_HOME=/work/shared/data
    python benchmarks/center_environment/transfer_crossblend.py --protocol paper \\
        --source-cache /tmp/ce/final_src.pt --source-cache-combined /tmp/ce_w/src_combined.pt
    python benchmarks/center_environment/transfer_crossblend.py --protocol kfold --repeats 3 ...

Source caches are created when missing. Writes ``docs/benchmarks/center_environment/transfer_crossblend_<protocol>.csv``.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import torch
from _common import DNN, OUT, prepare, record_split, save_records, splits
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

from skcromel.config import get_data_home
from skcromel.structure import FineTunedMLPRegressor


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-home", default=None)
    p.add_argument("--protocol", default="paper", choices=["paper", "kfold"])
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--source-cache", default=None, help="published-feature source weights")
    p.add_argument("--source-cache-combined", default=None)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    command = "python benchmarks/center_environment/transfer_crossblend.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    t0 = time.perf_counter()
    home = get_data_home(args.data_home)
    sets = {
        "pub": prepare(home, "published", args.data_home, args.source_cache),
        "comb": prepare(home, "combined", args.data_home, args.source_cache_combined),
    }
    yt = sets["pub"][1]
    assert np.array_equal(yt, sets["comb"][1])
    records = []
    repeats = args.repeats or (5 if args.protocol == "paper" else 1)
    for seed, k, tr, te in splits(args.protocol, len(yt), repeats):
        preds = {}
        for name, (Xt_, _, S4, state) in sets.items():
            Z = np.column_stack([Xt_, StandardScaler().fit(S4[tr]).transform(S4)])
            preds[f"svr4-{name}"] = SVR(C=10, epsilon=0.02).fit(Z[tr], yt[tr]).predict(Z[te])
            dnn = FineTunedMLPRegressor(init_state=state, lr=5e-4, **DNN,
                                        random_state=seed * 10 + k)  # fmt: skip
            preds[f"dnn-{name}"] = dnn.fit(Xt_[tr], yt[tr]).predict(Xt_[te])
            preds[f"blend-{name}"] = 0.5 * (preds[f"svr4-{name}"] + preds[f"dnn-{name}"])
        preds["blend-4"] = np.mean(
            [preds[m] for m in ("svr4-pub", "dnn-pub", "svr4-comb", "dnn-comb")], axis=0
        )
        record_split(records, args.protocol, seed, k, yt[te], preds)
    save_records(records, command, t0, OUT / f"ce_transfer_crossblend_{args.protocol}.csv")


if __name__ == "__main__":
    main()
