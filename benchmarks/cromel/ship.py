"""Export a checkpoint of ``cromel_pretrain_offline.py`` as the shipped registry model.

Writes ``skcromel/pretrained/<name>/{weights.pt,card.json}``: the composition encoder only
(float16 when the embeddings of 5,000 MP compositions change by < 1e-3 relative), and a model card
with the training data, exclusions, settings, held-out metrics, licences and reference embeddings.

Usage::

    SKCROMEL_DATA_HOME=/work/shared/data python benchmarks/cromel/ship.py \
        --checkpoint /tmp/cromel_offline.pt --name cromel-offline-cosine
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from skcromel.config import get_data_home
from skcromel.cromel import CroMELPretrainer
from skcromel.cromel._sources import export_source
from skcromel.registry import PRETRAINED_DIR as SHIPPED_DIR

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pretrain_offline import COMPOSITION_SOURCES  # noqa: E402

LICENCES = {
    "mp_elastic_structs": {
        "structures": "Materials Project (CC-BY 4.0, Jain et al., APL Mater. 1, 011002 (2013)) via "
        "salil91/intrinsic-hardness (MIT, (c) 2023 Salil Bavdekar)",
        "labels": "Materials Project values (CC-BY 4.0) compiled in ngs00/emrl metadata tables, which "
        "carry no licence file: re-derive the labels from MP before redistributing the weights "
        "outside research use",
    },
    "cdvae_perov5": "Castelli et al., Energy Environ. Sci. 5, 9034 and 5814 (2012) via "
    "txie-93/cdvae data/perov_5 val+test (MIT, (c) 2021 Tian Xie, Xiang Fu); CMR licence not "
    "re-verified offline",
    "ce_spinels": "Li et al., npj Comput. Mater. 9, 106 (2023) via liyihang1024/"
    "spinel_to_perovskite_TL (MIT, (c) 2023 Yihang LI)",
}


def _num(v):
    return None if v is None or v != v else float(v)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--name", default="cromel-offline-cosine")
    p.add_argument("--out-dir", default=None, help="default: skcromel/pretrained/<name>")
    args = p.parse_args(argv)

    model = CroMELPretrainer.load(args.checkpoint)
    meta = json.loads(Path(args.checkpoint + ".meta.json").read_text())["run"]
    ex = meta["exclusion"]
    mc = model.model_card_
    final = mc.get("final", {})
    held_out = {name: final.get(f"val_mae_{i}") for i, name in enumerate(model.target_names_)}
    units = {
        "form_eng_mp": "eV/atom",
        "band_gap_mp": "eV",
        "heat_perov5": "eV/atom (heat_all / 5 sites)",
        "gap_perov5": "eV (GLLB-SC indirect)",
        "form_eng_spinel": "eV/atom",
    }
    home = get_data_home()
    mp = pd.read_csv(home / "crabnet" / "data" / "matbench" / "mp_e_form.csv", nrows=5000)
    card = {
        "name": args.name,
        "kind": "cromel-composition-encoder",
        "description": "CroMEL composition encoder (600-d matscholar mean/min/max -> 64-d), "
        "pretrained with the paired cosine alignment to a CGCNN-style structure encoder trained "
        "on formation energies and band gaps of the offline structures (MP subset, Castelli "
        "perovskites, spinels); every near duplicate of a benchmark composition (all benchmark "
        "sets of the catalogue: JARVIS, experimental, matbench, CE perovskites) excluded",
        "training_data": {
            "structures_kept": meta["kept_structures"],
            "structures_removed_as_target_compositions": meta["removed_structures"],
            "n_structures": meta["n_structures"],
            "n_train": mc.get("n_train"),
            "n_held_out": meta["n_structures"] - int(mc.get("n_train", 0)),
            "labelled_per_target": meta["labelled"],
            "target_units": units,
            "notes": "each source property is its own target column (different DFT setups / "
            "references); perovskite heat_all is per 5-atom cell and was divided by 5; spinel "
            "formation energies > 1 eV/atom (7 documented outliers) set missing; spinels are "
            "unrelaxed substituted cells, reduced to their 14-site primitive cell",
        },
        "excluded_formulas": {
            "per_target_set": ex["datasets"],
            "total_unique": ex["n_compositions_in_list"],
            "rule": ex["rule"],
            "tol": ex["tol"],
        },
        "licences": LICENCES,
        "settings": {
            k: mc.get("params", {}).get(k, getattr(model, k, None))
            for k in (
                "alignment",
                "hidden",
                "n_conv",
                "cutoff",
                "n_gaussians",
                "gaussian_width",
                "epochs",
                "batch_size",
                "lr",
                "weight_decay",
                "align_lr",
                "property_loss",
                "standardize_y",
                "validation_fraction",
                "random_state",
            )
        },
        "training_run": {
            "epochs_run": meta["epochs_run"],
            "fit_seconds": meta["fit_seconds"],
            "load_seconds": meta["load_seconds"],
            "torch_threads": meta["torch_threads"],
            "device": mc.get("device"),
            "machine": "shared 2-core CPU (other jobs running)",
            "command": "benchmarks/cromel/pretrain_offline.py "
            + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in meta["args"].items()),
        },
        "held_out_mae": held_out,
        "alignment_held_out": {
            "mean_cosine_hc_hs": _num(final.get("val_cosine")),
            "top1_retrieval": _num(final.get("val_top1")),
            "held_out_split": "random 10 % of the structures (seeded); polymorphs may straddle",
        },
        "citation": mc.get("citation"),
    }
    # keys shared with the other shipped models (skcromel.registry card schema)
    card["data"] = {
        "sources": list(LICENCES),
        "n_structures": meta["n_structures"],
        "exclusion": ex,
        "composition_sources": COMPOSITION_SOURCES,
        "composition_overrides": meta["composition_overrides"],
        "training_compositions_sha256": meta["training_compositions_sha256"],
        "n_rows_pool": meta["n_structures"],
    }
    card["training"] = card["training_run"]
    card["metrics"] = {"held_out_mae": held_out, **card["alignment_held_out"]}
    card["input"] = "composition -> ElementStats('matscholar', stats=('mean','min','max')), 600-d"
    card["target_scaling"] = {
        "note": "the composition encoder outputs embeddings; the source-property standardisation "
        "below applies to the (not shipped) structure head",
        "y_mean": dict(zip(model.target_names_, map(float, model.y_mean_))),
        "y_scale": dict(zip(model.target_names_, map(float, model.y_scale_))),
    }
    card["n_parameters"] = int(sum(p.numel() for p in model.composition_encoder_.parameters()))
    out = Path(args.out_dir) if args.out_dir else SHIPPED_DIR / args.name
    export_source(
        model.composition_encoder_, out, card, check_formulas=mp["formula"].astype(str).tolist()
    )
    print(json.dumps(json.loads((out / "card.json").read_text())["float16_check"], indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
