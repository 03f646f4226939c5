"""Pretrain the shipped CroMEL source on the union of the offline structure sets (~15k structures).

Sources (read through ``skcromel.config.get_data_home()``; see each folder's SOURCE.md):

* ``mp_elastic_structs`` -- Materials Project CIFs; ``form_eng`` (eV/atom, MP) and ``band_gap``
  (eV, PBE) from ``labels.csv`` (2,275 labelled).
* ``cdvae_perov5`` -- Castelli cubic perovskites (val + test, 7,572); ``heat_all`` is the heat of
  formation of the whole **5-atom cell** (eV) and is divided by the number of sites to give
  eV/atom; ``ind_gap`` is a GLLB-SC gap (eV). Castelli's heat of formation uses other references
  than MP (e.g. LaAlO3 -0.02 eV/atom here vs about -3.6 in MP), so it is its own target column.
* ``ce`` spinels -- 5,173 unrelaxed conventional AB2O4 cells (56 sites); ``FormationEnergy/atom``
  (eV/atom) from ``csv/spinel_source_FE_CE_AB_AB.csv``; the 7 values > 1 eV/atom (SOURCE.md:
  outliers up to +7.7) are treated as missing. The cells are reduced to their primitive cell
  (14 sites; the periodic graph and its mean pool do not depend on the cell choice).

Each source property is its own target column (different DFT setups and references); missing
labels are NaN and ignored by the pretrainer. Every structure whose composition is a **near
duplicate** of a benchmark composition is removed
(:func:`skcromel.cross_property.benchmark_compositions`: every benchmark set of the catalogue,
JARVIS and the CE perovskites included; rule: same element set, fractions within 0.005). The
composition of each structure is its table's formula (``labels.csv`` ``formula``, perov-5
``formula``, the spinel file name), checked against the parsed structure; the rows where they
differ are recorded in ``composition_overrides`` so that the training compositions can be rebuilt
from the tables alone (:func:`skcromel.cross_property.source_training_compositions`).

Usage::

    SKCROMEL_DATA_HOME=/work/shared/data python benchmarks/cromel/pretrain_offline.py \
        --budget 1140 --threads 1 --out /tmp/cromel_offline.pt
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from skcromel.config import get_data_home
from skcromel.cromel import CroMELPretrainer
from skcromel.cross_property import (
    benchmark_compositions,
    composition_set_sha256,
    exclude_near_duplicates,
)
from skcromel.datasets._catalogue import STRUCTURE_POOLS
from skcromel.matching import DEFAULT_TOL
from skcromel.parsing import reduced_formulas

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _structures import read_spinel_primitives  # noqa: E402

TARGETS = ["form_eng_mp", "band_gap_mp", "heat_perov5", "gap_perov5", "form_eng_spinel"]
SPINEL_CSV = STRUCTURE_POOLS["ce_spinels"]["file"]
SPINEL_TAR = STRUCTURE_POOLS["ce_spinels"]["tar_members"]
PEROV = STRUCTURE_POOLS["cdvae_perov5"]["file"]

#: How the composition of every structure of the pool is read from the tables (recorded in the
#: card; :func:`skcromel.cross_property.source_training_compositions` rebuilds the pool from it).
COMPOSITION_SOURCES = [
    {"pool": p, **STRUCTURE_POOLS[p]} for p in ("mp_elastic_structs", "cdvae_perov5", "ce_spinels")
]


def _rf(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reduced_formulas(list(x), on_error="nan")


def load_mp(home):
    from pymatgen.core import Structure

    lab = pd.read_csv(home / "mp_elastic_structs" / "labels.csv").dropna(subset=["form_eng"])
    structs = [
        Structure.from_file(home / "mp_elastic_structs" / "cif" / f"{m}.cif") for m in lab["m_id"]
    ]
    y = pd.DataFrame(np.nan, index=range(len(lab)), columns=TARGETS)
    y["form_eng_mp"] = lab["form_eng"].to_numpy()
    y["band_gap_mp"] = lab["band_gap"].to_numpy()
    return structs, y, ["mp_elastic_structs"] * len(lab), lab["formula"].astype(str).tolist()


def load_perov(home):
    from pymatgen.core import Structure

    d = pd.concat(
        [pd.read_csv(home / p) for p in PEROV],
        ignore_index=True,
    )
    structs = [Structure.from_str(c, fmt="cif") for c in d["cif"]]
    n = np.array([len(s) for s in structs], dtype=float)
    y = pd.DataFrame(np.nan, index=range(len(d)), columns=TARGETS)
    y["heat_perov5"] = d["heat_all"].to_numpy() / n  # eV per cell -> eV/atom
    y["gap_perov5"] = d["ind_gap"].to_numpy()
    return structs, y, ["cdvae_perov5"] * len(d), d["formula"].astype(str).tolist()


def load_spinel(home):
    lab = pd.read_csv(home / SPINEL_CSV, usecols=[0, 113])
    lab.columns = ["formula", "fe"]
    fe = dict(zip(lab["formula"], lab["fe"]))
    keys, structs = read_spinel_primitives(home / SPINEL_TAR, fe)
    v = np.asarray([fe[key] for key in keys], dtype=float)
    v[v > 1.0] = np.nan  # documented outliers
    y = pd.DataFrame(np.nan, index=range(len(v)), columns=TARGETS)
    y["form_eng_spinel"] = v
    return structs, y, ["ce_spinels"] * len(v), keys


def load_union(home=None, verbose=True, tol=DEFAULT_TOL):
    """The structure pool minus every near duplicate of a benchmark composition."""
    home = get_data_home(home)
    bench = benchmark_compositions(home)  # raises when a benchmark set is missing
    S, Y, src, labels = [], [], [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fn in (load_mp, load_perov, load_spinel):
            t0 = time.perf_counter()
            s, y, g, lab = fn(home)
            S += s
            Y.append(y)
            src += g
            labels += lab
            if verbose:
                print(
                    f"{g[0]}: {len(s)} structures in {time.perf_counter() - t0:.0f} s", flush=True
                )
    Y = pd.concat(Y, ignore_index=True)
    src = np.asarray(src)
    # the composition of each row is its table label, unless the structure says otherwise
    structure_rf = _rf([s.composition for s in S])
    label_rf = _rf(labels)
    overrides = {
        lab: s.composition.formula.replace(" ", "")
        for lab, s, a, b in zip(labels, S, structure_rf, label_rf)
        if a != b
    }
    comps = np.array([overrides.get(lab, lab) for lab in labels], dtype=object)
    hit, exclusion = exclude_near_duplicates(comps, bench, tol=tol)
    keep = ~hit
    pools = np.unique(src)
    exclusion["n_rows_removed_per_pool"] = {g: int(((src == g) & hit).sum()) for g in pools}
    info = {
        "exclusion": exclusion,
        "removed_structures": {g: int(((src == g) & ~keep).sum()) for g in pools},
        "kept_structures": {g: int(((src == g) & keep).sum()) for g in pools},
        "composition_overrides": overrides,
        "training_compositions_sha256": composition_set_sha256(comps[keep]),
    }
    S = [s for s, k in zip(S, keep) if k]
    return S, Y[keep].reset_index(drop=True), src[keep], info


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--alignment", default="cosine")
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument(
        "--budget", type=float, default=1140.0, help="wall seconds for loading + training"
    )
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="/tmp/cromel_offline.pt")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    t0 = time.perf_counter()
    structs, y, src, info = load_union()
    t_load = time.perf_counter() - t0
    ex = info["exclusion"]
    print(
        json.dumps(
            {k: v for k, v in info.items() if k != "exclusion"}
            | {"n_rows_removed": ex["n_rows_removed"]}
        ),
        flush=True,
    )
    print(f"{len(structs)} structures; loading took {t_load:.0f} s", flush=True)
    model = CroMELPretrainer(
        alignment=args.alignment,
        epochs=args.epochs,
        batch_size=args.batch_size,
        validation_fraction=0.1,
        time_limit=max(60.0, args.budget - t_load - 30.0),
        random_state=args.seed,
    )
    t1 = time.perf_counter()
    model.fit(structs, y)
    t_fit = time.perf_counter() - t1
    for rec in model.history_[:: max(1, len(model.history_) // 10)] + model.history_[-1:]:
        print({k: round(v, 4) for k, v in rec.items()})
    model.save(args.out)
    meta = {
        **info,
        "n_structures": len(structs),
        "targets": TARGETS,
        "labelled": {c: int(y[c].notna().sum()) for c in TARGETS},
        "load_seconds": round(t_load, 1),
        "fit_seconds": round(t_fit, 1),
        "torch_threads": args.threads,
        "epochs_run": len(model.history_),
        "args": vars(args),
    }
    with open(args.out + ".meta.json", "w") as fh:
        json.dump({"run": meta, "model_card": model.model_card_}, fh, indent=1, default=str)
    print(json.dumps(model.model_card_, indent=1, default=str))
    print(f"saved {args.out}; total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
