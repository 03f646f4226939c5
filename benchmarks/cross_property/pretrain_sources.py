"""Pretrain the ElemNet source models shipped in ``skcromel/pretrained/``.

Sources (compositions only, from the data home, ``$SKCROMEL_DATA_HOME``):

* ``eform``: Materials Project formation energy, ``crabnet/data/matbench/mp_e_form.csv``
  (132,752 compositions, eV/atom);
* ``gap``: Materials Project PBE band gap, ``crabnet/data/matbench/mp_gap.csv`` (106,113, eV);
* ``vol``: OQMD volume per atom, CrabNet's ``benchmark_data/OQMD_Volume_per_atom`` (only the
  ``val`` + ``test`` files, 102,510 compositions, are in the snapshot; Å^3/atom);
* ``hform``: OQMD formation enthalpy, ``benchmark_data/OQMD_Formation_Enthalpy`` (``val`` +
  ``test``, 102,510 compositions, eV/atom; the paper's source property, 30 % of its rows).

Before training, every composition that occurs in a benchmark target set is removed (by reduced
formula): the 41 CrossPropertyTL data sets (39 JARVIS-DFT + 2 experimental, train *and* test files)
and the experimental target sets of skcromel's suite (EFE, matbench expt_gap, metallic-glass Trg,
ESTM, MRL, Kingsbury). The exclusion list is written to ``--work-dir`` (never into the package; it is
derived data) and its size and sha256 are recorded in each model card.

Examples
--------
Budget used for the shipped models (1 CPU thread, ~14 min each at most)::

    python benchmarks/cross_property/pretrain_sources.py --max-time 840 --threads 1
    python benchmarks/cross_property/pretrain_sources.py --sources vol,hform --max-time 840 --threads 1

A benchmark-only source that also never saw the 855 CE perovskites (for the spinel -> perovskite
comparison in ``benchmarks/ce_composition_transfer.py``; not shipped)::

    python benchmarks/cross_property/pretrain_sources.py --sources eform --max-time 840 \
        --also-exclude ce/csv/perovskite_target_FE_CE_AB_AB.csv --name-suffix no-ce-perov \
        --out-dir /tmp/sources

Larger budget on a GPU (published ElemNet size)::

    python benchmarks/cross_property/pretrain_sources.py --variant elemnet --epochs 1000 --patience 100 \
        --device cuda --out-dir /tmp/sources
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from skcromel.config import get_data_home
from skcromel.cross_property import (
    benchmark_target_formulas,
    pretrain_elemnet,
    save_source,
    write_exclude_file,
)

SOURCES = {
    "eform": {
        "file": "crabnet/data/matbench/mp_e_form.csv",
        "target": "formation_energy_per_atom",
        "unit": "eV/atom",
        "description": "Materials Project formation energies (matbench_mp_e_form compositions, "
        "via CrabNet's matbench/mp_e_form.csv)",
    },
    "gap": {
        "file": "crabnet/data/matbench/mp_gap.csv",
        "target": "band_gap_pbe",
        "unit": "eV",
        "description": "Materials Project PBE band gaps (matbench_mp_gap compositions, via "
        "CrabNet's matbench/mp_gap.csv)",
    },
    "vol": {
        "db": "oqmd",
        "file": [
            "crabnet/data/benchmark_data/OQMD_Volume_per_atom/val.csv",
            "crabnet/data/benchmark_data/OQMD_Volume_per_atom/test.csv",
        ],
        "target": "volume_per_atom",
        "unit": "A^3/atom",
        "description": "OQMD volumes per atom (CrabNet's benchmark_data/OQMD_Volume_per_atom, "
        "val + test files: the train file is not in the data snapshot)",
    },
    "hform": {
        "db": "oqmd",
        "file": [
            "crabnet/data/benchmark_data/OQMD_Formation_Enthalpy/val.csv",
            "crabnet/data/benchmark_data/OQMD_Formation_Enthalpy/test.csv",
        ],
        "target": "formation_enthalpy_per_atom",
        "unit": "eV/atom",
        "description": "OQMD formation enthalpies (CrabNet's benchmark_data/"
        "OQMD_Formation_Enthalpy, val + test files: the train file is not in the data snapshot)",
    },
}


DATA_LICENCE = {  # per database ("db" of a source; "mp" when not given)
    "mp": "Materials Project data (CC BY 4.0; Jain et al., APL Mater. 1, 011002, 2013) as packaged "
    "in matbench v0.1 (Dunn et al., npj Comput. Mater. 6, 138, 2020), compositions via CrabNet's "
    "data files (MIT). Cite these when using this model.",
    "oqmd": "OQMD data (CC BY 4.0; Saal et al., JOM 65, 1501, 2013; Kirklin et al., npj Comput. "
    "Mater. 1, 15010, 2015) as packaged in CrabNet's extended benchmark (Wang et al., npj Comput. "
    "Mater. 7, 77, 2021; data files MIT). Cite these when using this model.",
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", default="eform,gap", help="comma list of " + ",".join(SOURCES))
    parser.add_argument("--variant", default="elemnet-small", choices=["elemnet", "elemnet-small"])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--patience", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--max-time", type=float, default=840.0, help="seconds per source")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--data-home", default=None)
    parser.add_argument(
        "--out-dir",
        default=str(Path(__file__).resolve().parents[2] / "skcromel" / "pretrained"),
        help="models are written to OUT_DIR/<variant>-<db>-<source>/ (db: mp or oqmd)",
    )
    parser.add_argument("--work-dir", default=str(Path.home() / ".cache" / "skcromel-pretrain"))
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        "--also-exclude",
        action="append",
        default=[],
        metavar="CSV",
        help="CSV under the data home with a 'formula' column: its formulas are excluded too "
        "(repeatable)",
    )
    parser.add_argument(
        "--keep-targets",
        default="",
        help="comma list: target sets whose key contains one of these are NOT excluded "
        "(experiments on what the exclusion costs; never for shipped models)",
    )
    parser.add_argument("--name-suffix", default="", help="appended to the model name")
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    data_home = get_data_home(args.data_home)
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    keep = [k for k in args.keep_targets.split(",") if k]
    formulas, counts = benchmark_target_formulas(data_home, keep=keep)
    for rel in args.also_exclude:
        extra = pd.read_csv(data_home / rel)["formula"].astype(str).tolist()
        counts[rel] = len(set(extra))
        formulas = sorted(set(formulas) | set(extra))
    exclude_file = work / "exclude_targets.txt"
    write_exclude_file(formulas, exclude_file)
    print(f"{len(formulas)} target formulas to exclude -> {exclude_file}")

    for key in [s.strip() for s in args.sources.split(",") if s.strip()]:
        spec = SOURCES[key]
        files = [spec["file"]] if isinstance(spec["file"], str) else spec["file"]
        df = pd.concat([pd.read_csv(data_home / f) for f in files], ignore_index=True)
        db = spec.get("db", "mp")
        name = f"{args.variant}-{db}-{key}" + (f"-{args.name_suffix}" if args.name_suffix else "")
        model, card = pretrain_elemnet(
            df["formula"].to_numpy(dtype=object),
            df["target"].to_numpy(dtype=np.float64),
            exclude=exclude_file,
            name=name,
            variant=args.variant,
            max_epochs=args.epochs,
            batch_size=args.batch_size,
            lr=args.lr,
            patience=args.patience,
            max_time=args.max_time,
            device=args.device,
            random_state=args.random_state,
            progress=not args.no_progress,
            target=spec["target"],
            unit=spec["unit"],
            data_description=spec["description"],
        )
        card["data"]["file"] = spec["file"]
        card["data"]["licence"] = DATA_LICENCE[db]
        card["data"]["exclusion"]["target_sets"] = counts
        card["command"] = (
            "python benchmarks/cross_property/pretrain_sources.py "
            f"--sources {key} --variant {args.variant} --epochs {args.epochs} "
            f"--patience {args.patience} --batch-size {args.batch_size} --lr {args.lr} "
            f"--max-time {args.max_time} --device {args.device} --threads {args.threads}"
            + "".join(f" --also-exclude {rel}" for rel in args.also_exclude)
            + (f" --keep-targets {args.keep_targets}" if args.keep_targets else "")
            + (f" --name-suffix {args.name_suffix}" if args.name_suffix else "")
        )
        out = save_source(model, card, Path(args.out_dir) / name)
        saved = json.loads((out / "card.json").read_text())
        print(
            f"{name}: val MAE {saved['metrics']['validation_mae']:.4f} {spec['unit']} "
            f"(baseline {saved['metrics']['validation_mae_mean_baseline']:.4f}); "
            f"{saved['training']['epochs_run']} epochs, {saved['training']['wall_time_s']} s; "
            f"{saved['weights_dtype']} {saved['weights_bytes'] / 1e6:.2f} MB -> {out}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
