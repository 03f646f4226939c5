"""Which zoo transfers better: single-task sources or one multi-task trunk?

For a few target datasets (JARVIS-DFT sets of CrossPropertyTL and experimental sets), every
feature set below feeds the same fixed ``HistGradientBoostingRegressor`` (absolute-error loss,
500 rounds, learning rate 0.05, seed 0), scored by 5-fold cross-validation whose folds keep
near-duplicate compositions together (:class:`skcromel.model_selection.FormulaGroupKFold`,
``random_state`` = repeat index). Nothing is tuned: no setting is chosen on any fold.

* ``magpie``: the 132 Magpie statistics (no transfer);
* ``st_pred``: Magpie + the prediction of each single-task source (one column per property);
* ``mt_pred``: Magpie + the multi-task trunk's head predictions (one column per property);
* ``st_hidden``: ``st_pred`` + the last hidden layer (32 units) of every single-task source;
* ``mt_hidden``: ``mt_pred`` + the trunk's last hidden layer (32 units).

The sources are frozen and never saw a near duplicate of any benchmark composition.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/cross_property/zoo_transfer.py \\
        --st-dirs skcromel/pretrained,/tmp/zoo/skcromel_sources --mt /tmp/zoo/mt/elemnet-small-multitask \\
        --out /tmp/zoo/results/zoo_transfer.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.ensemble import HistGradientBoostingRegressor

from skcromel.cross_property import CrossPropertyFeaturizer
from skcromel.cross_property._estimators import _fractions
from skcromel.datasets import load_dataset
from skcromel.featurizers import ElementStats
from skcromel.matching import near_duplicate_groups
from skcromel.model_selection import FormulaGroupKFold
from skcromel.registry import load_pretrained

TARGETS = [
    "crossprop_exfoliation_energy",
    "crossprop_piezo_max_dij",
    "crossprop_slme",
    "crossprop_mbj_bandgap",
    "crossprop_shearmodulusgv",
    "efe",
    "kingsbury_formation_enthalpy",
    "matbench_expt_gap",
    "gtt_trg",
]
FEATURE_SETS = ["magpie", "st_pred", "mt_pred", "st_hidden", "mt_hidden"]


def st_sources(dirs, heads):
    """head -> source directory of the single-task source trained on the same table."""
    found = {}
    for d in dirs:
        for card_file in sorted(Path(d).glob("*/card.json")):
            card = json.loads(card_file.read_text())
            if card.get("kind") != "cross-property-source" or "heads" in card:
                continue
            files = card["data"].get("file")
            files = tuple([files] if isinstance(files, str) else files)
            found.setdefault(files, card_file.parent)
    out = {}
    for h in heads:
        files = h["file"]
        files = tuple([files] if isinstance(files, str) else files)
        if files in found:
            out[h["name"]] = found[files]
    return out


def mt_features(mt_dir, X):
    model = load_pretrained(mt_dir)
    module = model.build_module().eval()
    frac = torch.from_numpy(_fractions(X, on_error="nan").astype(np.float32))
    with torch.inference_mode():
        out = module(torch.nan_to_num(frac)).double().numpy()
    mean = np.array([h["scaling"]["mean"] for h in model.card["heads"]])
    scale = np.array([h["scaling"]["scale"] for h in model.card["heads"]])
    pred = out * scale + mean
    pred[np.isnan(frac.numpy()).any(axis=1)] = np.nan
    hidden = CrossPropertyFeaturizer(mt_dir, layer=-1, on_error="nan").fit_transform(X)
    return pred, hidden


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--st-dirs", required=True, help="comma list of folders of single-task sources")
    p.add_argument("--mt", required=True, help="multi-task source directory")
    p.add_argument("--targets", default=",".join(TARGETS))
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--out", required=True, help="JSON lines file (appended; cached rows skipped)")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if out.is_file():
        for line in out.read_text().splitlines():
            r = json.loads(line)
            done.add((r["target"], r["features"], r["repeat"]))
    mt_card = load_pretrained(args.mt).card
    heads = mt_card["heads"]
    st = st_sources(args.st_dirs.split(","), heads)
    missing = [h["name"] for h in heads if h["name"] not in st]
    print(f"{len(st)} single-task sources match the {len(heads)} heads; missing: {missing}")
    keep = [j for j, h in enumerate(heads) if h["name"] in st]  # compare on the same properties
    for target in args.targets.split(","):
        ds = load_dataset(target)
        X = ds.X["composition"].to_numpy(dtype=object)
        y = ds.y.to_numpy()
        groups = near_duplicate_groups(X)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            magpie = ElementStats("magpie", on_error="nan").fit_transform(X)
            st_pred, st_hid = [], []
            for j in keep:
                f = CrossPropertyFeaturizer(str(st[heads[j]["name"]]), layer=(-1, "output"),
                                            on_error="nan").fit_transform(X)  # fmt: skip
                st_hid.append(f[:, :-1])
                st_pred.append(f[:, -1:])
            mt_pred, mt_hid = mt_features(args.mt, X)
        st_pred = np.hstack(st_pred)
        feats = {
            "magpie": magpie,
            "st_pred": np.hstack([magpie, st_pred]),
            "mt_pred": np.hstack([magpie, mt_pred[:, keep]]),
            "st_hidden": np.hstack([magpie, st_pred, *st_hid]),
            "mt_hidden": np.hstack([magpie, mt_pred[:, keep], mt_hid]),
        }
        for rep in range(args.repeats):
            folds = list(FormulaGroupKFold(5, random_state=rep).split(X, groups=groups))
            for name in FEATURE_SETS:
                if (target, name, rep) in done:
                    continue
                t0 = time.perf_counter()
                F = feats[name]
                pred = np.empty(len(y))
                for tr, te in folds:
                    model = HistGradientBoostingRegressor(
                        loss="absolute_error", max_iter=500, learning_rate=0.05, random_state=0
                    )
                    pred[te] = model.fit(F[tr], y[tr]).predict(F[te])
                fold_mae = [float(np.mean(np.abs(pred[te] - y[te]))) for _, te in folds]
                row = {
                    "target": target,
                    "features": name,
                    "repeat": rep,
                    "n_rows": len(y),
                    "n_features": F.shape[1],
                    "mae": float(np.mean(np.abs(pred - y))),
                    "fold_mae": fold_mae,
                    "unit": ds.info.unit,
                    "seconds": round(time.perf_counter() - t0, 1),
                    "split": "FormulaGroupKFold(5, tol=0.005, random_state=repeat)",
                }
                with open(out, "a") as fh:
                    fh.write(json.dumps(row) + "\n")
                print(f"{target:32s} {name:10s} rep {rep}: MAE {row['mae']:.4f} {ds.info.unit}"
                      f" ({row['seconds']} s)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
