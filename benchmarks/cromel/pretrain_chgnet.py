"""Pretrain (and optionally ship) a CroMEL composition encoder taught by frozen CHGNet embeddings.

Reads the teacher-embedding cache written by ``benchmarks/cromel/chgnet_embeddings.py``
(``<data home>/skcromel_cache/chgnet-<version>/<set>.npz``: the structure pools minus every
near duplicate of a benchmark composition), re-checks that no cached composition is a near
duplicate of a benchmark composition of the current catalogue, and aligns the composition encoder
(600-d matscholar mean/min/max -> 64-d) with the standardised CHGNet embeddings
(:class:`skcromel.cromel.CroMELPretrainer` with ``teacher_embeddings``: no CHGNet call). 10 % of
the structures (seeded) are held out for the alignment metrics (loss, mean cosine, top-1
retrieval among the held-out rows, R^2 of the standardised teacher embeddings).

``--ship NAME`` exports the encoder with :func:`skcromel.cromel.export_source` (float16 when the
embeddings of 5,000 MP compositions change by < 1e-3 relative) to ``skcromel/pretrained/NAME/``
(or ``--out-dir``) with its model card: teacher, CHGNet version, licences, structures used,
exclusions (rule, tolerance, rows removed per benchmark set and per pool), settings, held-out
alignment metrics.

Usage::

    SKCROMEL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 python \\
        benchmarks/cromel/pretrain_chgnet.py --features crystal --budget 600 \\
        --out /tmp/chgnet/cromel_chgnet.pt --ship cromel-chgnet
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from skcromel.config import get_data_home
from skcromel.cromel import CHGNetTeacher, CroMELPretrainer
from skcromel.cromel._sources import export_source
from skcromel.cromel._teachers import CHGNET_CITATION
from skcromel.cross_property import (
    benchmark_compositions,
    composition_set_sha256,
    exclude_near_duplicates,
)
from skcromel.registry import PRETRAINED_DIR

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chgnet_embeddings import COMPOSITION_SOURCES, POOLS, cache_dir, load_cache  # noqa: E402

LICENCES = {
    "teacher": "CHGNet 0.3.0 weights and the chgnet package: Modified BSD (3-clause) licence, "
    "(c) 2023 Bowen Deng, Ceder group; trained on MPtrj (Materials Project relaxation "
    "trajectories, CC-BY 4.0)",
    "mp_elastic_structs": "Materials Project structures (CC-BY 4.0, Jain et al., APL Mater. 1, "
    "011002 (2013)) via salil91/intrinsic-hardness (MIT, (c) 2023 Salil Bavdekar); no labels "
    "used",
    "cdvae_perov5": "Castelli et al., Energy Environ. Sci. 5, 9034 and 5814 (2012) via "
    "txie-93/cdvae data/perov_5 val+test (MIT, (c) 2021 Tian Xie, Xiang Fu); structures only",
    "ce_spinels": "Li et al., npj Comput. Mater. 9, 106 (2023) via liyihang1024/"
    "spinel_to_perovskite_TL (MIT, (c) 2023 Yihang LI); structures only",
}


def load_pool(cache, sets, features):
    """Concatenated cache of ``sets``: compositions, embeddings of ``features``, pool labels and
    the per-set metadata."""
    comps, H, src, metas = [], [], [], {}
    for name in sets:
        arrays, meta = load_cache(Path(cache) / f"{name}.npz")
        comps.append(arrays["compositions"].astype(object))
        H.append(arrays[features])
        src += [name] * len(arrays["compositions"])
        metas[name] = meta
    return np.concatenate(comps), np.concatenate(H).astype(np.float32), np.asarray(src), metas


def merged_exclusion(metas):
    """One exclusion record for the card from the per-set records of the cache."""
    first = next(iter(metas.values()))["exclusion"]
    per_set: dict[str, int] = {}
    for m in metas.values():
        for k, v in m["exclusion"]["n_rows_removed_per_dataset"].items():
            per_set[k] = per_set.get(k, 0) + int(v)
    return {
        "rule": first["rule"],
        "tol": first["tol"],
        "datasets": first["datasets"],
        "n_compositions_in_list": first["n_compositions_in_list"],
        "n_rows_removed": int(sum(m["exclusion"]["n_rows_removed"] for m in metas.values())),
        "n_compositions_removed": int(
            sum(m["exclusion"]["n_compositions_removed"] for m in metas.values())
        ),
        "n_rows_removed_per_dataset": per_set,
        "n_rows_removed_per_pool": {n: m["exclusion"]["n_rows_removed"] for n, m in metas.items()},
    }


def _command(args) -> str:
    parts = []
    for k, v in vars(args).items():
        if v is None or v is False:
            continue
        flag = "--" + k.replace("_", "-")
        if v is True:
            parts.append(flag)
        elif isinstance(v, (list, tuple)):
            parts.append(" ".join([flag, *map(str, v)]))
        else:
            parts.append(f"{flag} {v}")
    return " ".join(parts)


def build_card(args, model, meta):
    mc = model.model_card_
    final = mc["final"]
    teacher = dict(mc["teacher"])
    teacher.pop("embeddings", None)
    teacher["embeddings"] = "cached by benchmarks/cromel/chgnet_embeddings.py (frozen, eval mode)"
    ex = meta["exclusion"]
    metrics = {
        "val_align_loss": final.get("val_align"),
        "val_cosine": final.get("val_cosine"),
        "val_top1_retrieval": final.get("val_top1"),
        "val_r2": final.get("val_r2"),
        "n_held_out": meta["n_structures"] - meta["n_train"],
        "held_out_split": "random 10 % of the structures (seeded); polymorphs and identical "
        "compositions may straddle; top-1: own structure is the most cosine-similar teacher "
        "embedding among the held-out rows; R^2: 1 - squared error / total variance of the "
        "standardised teacher embeddings (scale-sensitive: the cosine alignment leaves the "
        "norm of the composition embeddings free, so it stays low there)",
    }
    card = {
        "name": args.ship,
        "kind": "cromel-composition-encoder",
        "description": "CroMEL composition encoder (600-d matscholar mean/min/max -> 64-d) aligned "
        f"({args.alignment}) with frozen CHGNet 0.3.0 structure embeddings ({args.features} "
        "features, standardised) of the offline structure pools (Materials Project subset, "
        "Castelli perovskites, spinels); every near duplicate of a benchmark composition (all "
        "benchmark sets of the catalogue) excluded. CHGNet was trained on MPtrj (all of the "
        "Materials Project): the teacher itself has seen the DFT structures and energies of "
        "the MP twins of many benchmark compounds.",
        "teacher": teacher,
        "licences": LICENCES,
        "citation": [mc["citation"], CHGNET_CITATION],
        "data": {
            "sources": list(args.sets),
            "n_structures": meta["n_structures"],
            "n_rows_pool": meta["n_rows_pool"],
            "structures_per_pool": meta["structures_per_pool"],
            "exclusion": ex,
            "exclusion_scope": meta["exclusion_scope"],
            "composition_sources": [COMPOSITION_SOURCES[s] for s in args.sets],
            "composition_overrides": meta["composition_overrides"],
            "training_compositions_sha256": meta["training_compositions_sha256"],
            "cache": meta["cache"],
            "n_teacher_failures": meta["n_teacher_failures"],
        },
        "settings": {
            k: getattr(model, k)
            for k in (
                "alignment",
                "hidden",
                "epochs",
                "batch_size",
                "align_lr",
                "standardize_teacher",
                "validation_fraction",
                "random_state",
            )
        },
        "training": {
            "epochs_run": mc["epochs_run"],
            "fit_seconds": meta["fit_seconds"],
            "torch_threads": args.threads,
            "machine": "shared 2-core CPU (other jobs running)",
            "command": "benchmarks/cromel/pretrain_chgnet.py " + _command(args),
        },
        "metrics": metrics,
        "input": "composition -> ElementStats('matscholar', stats=('mean','min','max')), 600-d",
        "target_scaling": {
            "note": "the encoder is trained towards the CHGNet embeddings standardised per "
            "dimension with these training-row statistics",
            "teacher_mean": [float(v) for v in model.teacher_mean_],
            "teacher_scale": [float(v) for v in model.teacher_scale_],
        },
        "n_parameters": int(sum(p.numel() for p in model.composition_encoder_.parameters())),
    }
    return card


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cache-dir", default=None)
    p.add_argument("--sets", nargs="*", default=list(POOLS))
    p.add_argument("--features", choices=("crystal", "atoms"), default="crystal")
    p.add_argument(
        "--exclude-only",
        nargs="*",
        default=None,
        help="evaluation-only sources: check only the benchmark sets whose key contains one of "
        "these strings (caches written with the same option; never shipped)",
    )
    p.add_argument("--alignment", default="cosine")
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--align-lr", type=float, default=None)
    p.add_argument("--budget", type=float, default=600.0, help="wall seconds for the training")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="/tmp/chgnet/cromel_chgnet.pt")
    p.add_argument("--ship", default=None, help="export as this registry name")
    p.add_argument("--out-dir", default=None, help="default skcromel/pretrained/<ship name>")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    home = get_data_home()
    cache = Path(args.cache_dir) if args.cache_dir else cache_dir(home)
    comps, H, src, metas = load_pool(cache, args.sets, args.features)
    # the cache excluded the benchmark near duplicates when it was written; re-check against
    # today's catalogue (a set added since would otherwise leak)
    bench = benchmark_compositions(home)
    if args.exclude_only is not None:
        if args.ship and not args.out_dir:
            raise SystemExit("an evaluation-only source is never shipped: give --out-dir")
        bench = {k: v for k, v in bench.items() if any(s in k for s in args.exclude_only)}
    hit, _ = exclude_near_duplicates(comps, bench)
    if hit.any():
        raise SystemExit(
            f"{int(hit.sum())} cached compositions are near duplicates of benchmark compositions "
            f"(e.g. {list(comps[hit][:5])}): rebuild the cache (chgnet_embeddings.py --force)"
        )
    versions = {m["chgnet_version"] for m in metas.values()} | {
        m["chgnet_model"] for m in metas.values()
    }
    print(f"{len(comps)} structures from {args.sets} ({versions}); features {args.features}")
    teacher = CHGNetTeacher(features=args.features)
    model = CroMELPretrainer(
        teacher=teacher,
        alignment=args.alignment,
        epochs=args.epochs,
        batch_size=args.batch_size,
        align_lr=args.align_lr,
        validation_fraction=0.1,
        time_limit=args.budget,
        random_state=args.seed,
    )
    t0 = time.perf_counter()
    model.fit(comps, teacher_embeddings=H)
    fit_seconds = time.perf_counter() - t0
    step = max(1, len(model.history_) // 10)
    for rec in model.history_[::step] + model.history_[-1:]:
        print({k: round(v, 4) for k, v in rec.items()}, flush=True)
    model.save(args.out)
    overrides = {}
    for m in metas.values():
        overrides.update(m["composition_overrides"])
    meta = {
        "n_structures": int(len(comps) - model.n_teacher_failures_),
        "n_rows_pool": int(len(comps)),
        "n_train": int(model.n_train_),
        "n_teacher_failures": int(model.n_teacher_failures_),
        "structures_per_pool": {s: int((src == s).sum()) for s in args.sets},
        "exclusion": merged_exclusion(metas),
        "exclusion_scope": sorted(
            {m.get("exclusion_scope", "all benchmark sets") for m in metas.values()}
        ),
        "composition_overrides": overrides,
        "training_compositions_sha256": composition_set_sha256(comps),
        "fit_seconds": round(fit_seconds, 1),
        "cache": {
            s: {
                k: metas[s][k]
                for k in (
                    "chgnet_version",
                    "chgnet_model",
                    "input_sha256",
                    "kept_compositions_sha256",
                    "n_pool",
                    "n_kept",
                    "structures_per_second",
                )
            }
            for s in args.sets
        },
        "args": vars(args),
    }
    Path(args.out + ".meta.json").write_text(
        json.dumps({"run": meta, "model_card": model.model_card_}, indent=1, default=str)
    )
    print(json.dumps(model.model_card_["final"], indent=1))
    print(f"saved {args.out} ({fit_seconds:.0f} s)")
    if args.ship:
        card = build_card(args, model, meta)
        out = Path(args.out_dir) if args.out_dir else PRETRAINED_DIR / args.ship
        mp = pd.read_csv(home / "crabnet" / "data" / "matbench" / "mp_e_form.csv", nrows=5000)
        export_source(
            model.composition_encoder_, out, card, check_formulas=mp["formula"].astype(str).tolist()
        )
        written = json.loads((out / "card.json").read_text())
        print(json.dumps(written["float16_check"], indent=1))
        print(f"wrote {out}")
    return model


if __name__ == "__main__":
    main()
