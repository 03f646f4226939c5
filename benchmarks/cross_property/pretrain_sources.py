"""Pretrain the ElemNet source models of the zoo (``skcromel/pretrained/`` or the data home).

One source per computed property of the data home (``$SKCROMEL_DATA_HOME``), compositions only;
``--list`` prints the table. Before training, every row that is a **near duplicate** of a
benchmark composition is removed (:func:`skcromel.cross_property.benchmark_compositions`: the 41
CrossPropertyTL sets, the experimental sets incl. EFE, matbench expt_gap / is_metal / glass /
steels, Kingsbury (catalogue and CSV copies), Trg, ESTM, MRL, Roost, MDF Tg, the CE perovskites;
rule: same element set, every normalised fraction within 0.005). The card records the rule, the
tolerance, the sets and the rows removed per set. The validation split (10 %) is grouped by
near-duplicate group.

Training saves a checkpoint after every epoch under ``--work-dir`` and resumes from it when the
command is run again (interrupt with Ctrl-C or a kill, rerun the same command); one progress line
per epoch (losses, rows/s, elapsed seconds).

Examples
--------
The shipped sources (``skcromel/pretrained/``), exactly as trained (1 CPU thread)::

    OMP_NUM_THREADS=1 python benchmarks/cross_property/pretrain_sources.py \
        --sources eform,gap --max-time 840 --threads 1
    OMP_NUM_THREADS=1 python benchmarks/cross_property/pretrain_sources.py \
        --sources hform --max-time 3600 --threads 1
    OMP_NUM_THREADS=1 python benchmarks/cross_property/pretrain_sources.py \
        --sources vol --max-time 1800 --threads 1

(``hform`` / ``vol`` are the full OQMD tables, train + val + test = 341,700 rows; ``hform-vt`` /
``vol-vt`` the val + test files only, the data of the first OQMD sources.)

The zoo, one source per other computed property, into the data home
(``<data home>/skcromel_sources/<name>/``; ``skcromel.cross_property.register_data_home_sources()``
makes them loadable by name)::

    OMP_NUM_THREADS=1 python benchmarks/cross_property/pretrain_sources.py --sources zoo \
        --max-time 840 --threads 1 --out-dir data-home

GPU, published ElemNet size::

    python benchmarks/cross_property/pretrain_sources.py --sources hform --variant elemnet \\
        --epochs 1000 --patience 100 --device cuda --out-dir /tmp/sources
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from skcromel.config import get_data_home
from skcromel.cross_property import benchmark_compositions, pretrain_elemnet, save_source
from skcromel.matching import DEFAULT_TOL

OQMD = "crabnet/data/benchmark_data/OQMD_{}/{}.csv"
BD = "crabnet/data/benchmark_data/{}/{}.csv"


def _splits(folder, parts=("train", "val", "test")):
    return [BD.format(folder, p) for p in parts]


#: key -> (db, files, target, unit, description)
SOURCES = {
    # Materials Project (matbench compositions via CrabNet)
    "eform": ("mp", ["crabnet/data/matbench/mp_e_form.csv"], "formation_energy_per_atom",
              "eV/atom", "Materials Project formation energies (matbench_mp_e_form compositions)"),
    "gap": ("mp", ["crabnet/data/matbench/mp_gap.csv"], "band_gap_pbe", "eV",
            "Materials Project PBE band gaps (matbench_mp_gap compositions)"),
    "bulk": ("mp", _splits("mp_bulk_modulus"), "bulk_modulus", "GPa",
             "Materials Project bulk moduli (CrabNet benchmark_data/mp_bulk_modulus)"),
    "shear": ("mp", _splits("mp_shear_modulus"), "shear_modulus", "GPa",
              "Materials Project shear moduli (CrabNet benchmark_data/mp_shear_modulus)"),
    "ehull": ("mp", _splits("mp_e_hull"), "energy_above_hull", "eV/atom",
              "Materials Project energies above the hull (CrabNet benchmark_data/mp_e_hull)"),
    "magmom": ("mp", _splits("mp_mu_b"), "magnetic_moment", "muB",
               "Materials Project magnetic moments (CrabNet benchmark_data/mp_mu_b)"),
    "anisotropy": ("mp", _splits("mp_elastic_anisotropy"), "elastic_anisotropy", "dimensionless",
                   "Materials Project elastic anisotropy (CrabNet benchmark_data/"
                   "mp_elastic_anisotropy)"),
    # OQMD (CrabNet's extended benchmark; full = train + val + test)
    "hform": ("oqmd", _splits("OQMD_Formation_Enthalpy"), "formation_enthalpy_per_atom",
              "eV/atom", "OQMD formation enthalpies (CrabNet benchmark_data/"
              "OQMD_Formation_Enthalpy, train + val + test: the paper's 341,700 rows)"),
    "vol": ("oqmd", _splits("OQMD_Volume_per_atom"), "volume_per_atom", "A^3/atom",
            "OQMD volumes per atom (CrabNet benchmark_data/OQMD_Volume_per_atom, train + val + "
            "test)"),
    "energy": ("oqmd", _splits("OQMD_Energy_per_atom"), "energy_per_atom", "eV/atom",
               "OQMD total energies per atom (CrabNet benchmark_data/OQMD_Energy_per_atom, "
               "train + val + test)"),
    "oqmd-gap": ("oqmd", _splits("OQMD_Bandgap"), "band_gap", "eV",
                 "OQMD band gaps (CrabNet benchmark_data/OQMD_Bandgap, train + val + test)"),
    # the val + test files only (30 % of OQMD): the data of the first shipped OQMD sources
    "hform-vt": ("oqmd", _splits("OQMD_Formation_Enthalpy", ("val", "test")),
                 "formation_enthalpy_per_atom", "eV/atom",
                 "OQMD formation enthalpies (CrabNet benchmark_data/OQMD_Formation_Enthalpy, "
                 "val + test files, 30 % of the table)"),
    "vol-vt": ("oqmd", _splits("OQMD_Volume_per_atom", ("val", "test")), "volume_per_atom",
               "A^3/atom", "OQMD volumes per atom (CrabNet benchmark_data/OQMD_Volume_per_atom, "
               "val + test files, 30 % of the table)"),
    # AFLOW
    "aflow-gap": ("aflow", _splits("aflow__Egap"), "band_gap", "eV", "AFLOW band gaps"),
    "aflow-energy": ("aflow", _splits("aflow__energy_atom"), "energy_per_atom", "eV/atom",
                     "AFLOW total energies per atom"),
    "aflow-bulk": ("aflow", _splits("aflow__ael_bulk_modulus_vrh"), "bulk_modulus_vrh", "GPa",
                   "AFLOW AEL bulk moduli (VRH)"),
    "aflow-shear": ("aflow", _splits("aflow__ael_shear_modulus_vrh"), "shear_modulus_vrh",
                    "GPa", "AFLOW AEL shear moduli (VRH)"),
    "aflow-debye": ("aflow", _splits("aflow__ael_debye_temperature"), "debye_temperature", "K",
                    "AFLOW AEL Debye temperatures"),
    "aflow-kappa": ("aflow", _splits("aflow__agl_thermal_conductivity_300K"),
                    "thermal_conductivity_300K", "W/(m K)", "AFLOW AGL thermal conductivities"),
    "aflow-expansion": ("aflow", _splits("aflow__agl_thermal_expansion_300K"),
                        "thermal_expansion_300K", "1/K", "AFLOW AGL thermal expansion"),
    # Bartel et al., "A critical examination of compound stability predictions" (MP data)
    "bartel-ed": ("bartel", _splits("CritExam__Ed"), "decomposition_energy", "eV/atom",
                  "decomposition energies of Bartel et al. (CritExam__Ed, MP compounds)"),
    "bartel-ef": ("bartel", _splits("CritExam__Ef"), "formation_energy", "eV/atom",
                  "formation energies of Bartel et al. (CritExam__Ef, MP compounds)"),
}  # fmt: skip


_CRABNET = (
    "compositions via CrabNet's data files (MIT; Wang et al., npj Comput. Mater. 7, 77, 2021)"
)
DATA_LICENCE = {  # per database
    "mp": "Materials Project data (CC BY 4.0; Jain et al., APL Mater. 1, 011002, 2013), "
    "matbench v0.1 / CrabNet benchmark packaging (Dunn et al., npj Comput. Mater. 6, 138, 2020), "
    + _CRABNET
    + ". Cite these when using this model.",
    "oqmd": "OQMD data (CC BY 4.0; Saal et al., JOM 65, 1501, 2013; Kirklin et al., npj Comput. "
    "Mater. 1, 15010, 2015) as packaged in CrabNet's extended benchmark, "
    + _CRABNET
    + ". Cite these when using this model.",
    "aflow": "AFLOW data (Curtarolo et al., Comput. Mater. Sci. 58, 218, 2012; AFLOW terms of use, "
    "not re-verified offline) as packaged in CrabNet's extended benchmark, "
    + _CRABNET
    + ". Cite these when using this model.",
    "bartel": "Bartel et al., npj Comput. Mater. 6, 97 (2020) (Materials Project data, CC BY "
    "4.0) as packaged in CrabNet's extended benchmark, "
    + _CRABNET
    + ". Cite these when using this model.",
}

#: sources that ship in the wheel (skcromel/pretrained/) and the zoo built into the data home
SHIPPED = ["eform", "gap", "hform", "vol"]
ZOO = [k for k in SOURCES if k not in SHIPPED and not k.endswith("-vt")]


def source_name(key: str, variant: str = "elemnet-small", suffix: str = "") -> str:
    db = SOURCES[key][0]
    short = key.removeprefix(f"{db}-")
    if not short.startswith(db):
        short = f"{db}-{short}"
    return f"{variant}-{short}" + (f"-{suffix}" if suffix else "")


def read_source_table(key: str, data_home=None) -> pd.DataFrame:
    """The concatenated ``formula, target`` rows of a source (files in the order listed)."""
    home = get_data_home(data_home)
    files = SOURCES[key][1]
    return pd.concat(
        [pd.read_csv(home / f, keep_default_na=False, na_values=[""]) for f in files],
        ignore_index=True,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sources",
        default="eform,gap",
        help="comma list of keys; 'shipped' = the sources in the wheel, 'zoo' = the others "
        "(one per remaining property), 'all' = both",
    )
    parser.add_argument("--list", action="store_true", help="print the sources and exit")
    parser.add_argument("--variant", default="elemnet-small", choices=["elemnet", "elemnet-small"])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--patience", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--max-time", type=float, default=840.0, help="seconds per source")
    parser.add_argument("--tol", type=float, default=DEFAULT_TOL, help="near-duplicate tolerance")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--data-home", default=None)
    parser.add_argument(
        "--out-dir",
        default=str(Path(__file__).resolve().parents[2] / "skcromel" / "pretrained"),
        help="models go to OUT_DIR/<name>/; 'data-home' = <data home>/skcromel_sources",
    )
    parser.add_argument("--work-dir", default=str(Path.home() / ".cache" / "skcromel-pretrain"))
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        "--keep-targets",
        default="",
        help="comma list: benchmark sets whose key contains one of these are NOT excluded "
        "(experiments on what the exclusion costs; never for shipped models)",
    )
    parser.add_argument("--name-suffix", default="", help="appended to the model name")
    parser.add_argument("--name", default=None, help="registry name (one source only)")
    args = parser.parse_args(argv)

    aliases = {"shipped": SHIPPED, "zoo": ZOO, "all": SHIPPED + ZOO}
    keys = [
        k for s in args.sources.split(",") if s.strip() for k in aliases.get(s.strip(), [s.strip()])
    ]
    unknown = [k for k in keys if k not in SOURCES]
    if unknown:
        parser.error(f"unknown sources {unknown}; known: {', '.join(SOURCES)}")
    if args.name and len(keys) != 1:
        parser.error("--name needs exactly one source")
    if args.list:
        for key in SOURCES:
            db, files, target, unit, _ = SOURCES[key]
            print(f"{key:16s} {source_name(key, args.variant):36s} {target} [{unit}] {files[0]}")
        return 0

    torch.set_num_threads(args.threads)
    data_home = get_data_home(args.data_home)
    out_dir = data_home / "skcromel_sources" if args.out_dir == "data-home" else Path(args.out_dir)
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    keep = [k for k in args.keep_targets.split(",") if k]
    bench = benchmark_compositions(data_home, keep=keep)  # raises if a benchmark set is missing
    print(f"{len(bench)} benchmark sets, {sum(map(len, bench.values()))} compositions to exclude")

    for key in keys:
        db, files, target, unit, description = SOURCES[key]
        name = args.name or source_name(key, args.variant, args.name_suffix)
        df = read_source_table(key, data_home)
        t0 = time.perf_counter()
        model, card = pretrain_elemnet(
            df["formula"].to_numpy(dtype=object),
            df["target"].to_numpy(dtype=np.float64),
            exclude=bench,
            exclude_tol=args.tol,
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
            checkpoint=work / f"{name}--{key}.ckpt",  # one checkpoint per (name, table)
            target=target,
            unit=unit,
            data_description=description,
        )
        card["data"]["file"] = files if len(files) > 1 else files[0]
        card["data"]["database"] = db
        card["data"]["licence"] = DATA_LICENCE[db]
        card["command"] = (
            "python benchmarks/cross_property/pretrain_sources.py "
            f"--sources {key} --variant {args.variant} --epochs {args.epochs} "
            f"--patience {args.patience} --batch-size {args.batch_size} --lr {args.lr} "
            f"--max-time {args.max_time} --tol {args.tol} --device {args.device} "
            f"--threads {args.threads}"
            + (f" --keep-targets {args.keep_targets}" if args.keep_targets else "")
            + (f" --name-suffix {args.name_suffix}" if args.name_suffix else "")
            + (f" --name {args.name}" if args.name else "")
        )
        out = save_source(model, card, out_dir / name)
        saved = json.loads((out / "card.json").read_text())
        ex = saved["data"]["exclusion"]
        print(
            f"{name}: {ex['n_rows_removed']} rows excluded; val MAE "
            f"{saved['metrics']['validation_mae']:.4f} {unit} "
            f"(baseline {saved['metrics']['validation_mae_mean_baseline']:.4f}); "
            f"{saved['training']['epochs_run']} epochs ({saved['training']['stopped_by']}), "
            f"{saved['training']['rows_per_s_median']:.0f} rows/s, "
            f"{time.perf_counter() - t0:.0f} s; {saved['weights_dtype']} "
            f"{saved['weights_bytes'] / 1e6:.2f} MB -> {out}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
