"""Load catalogued datasets as ``X`` (DataFrame), ``y`` (float64 Series) and formula ``groups``.

``X`` always has a ``composition`` column of formula strings; structure datasets add a
``structure`` column of pymatgen Structures; thermoelectric datasets add ``temperature`` (K).
Units are normalised as documented in each catalogue entry (``info.unit``, ``info.notes``).
"""

from __future__ import annotations

import gzip
import json
import os
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataNotFoundError
from ._catalogue import CATALOGUE, DatasetInfo, get_dataset_info
from ._download import _check_sha256, ensure_files

__all__ = ["Dataset", "list_datasets", "load_dataset", "load_kingsbury"]


@dataclass
class Dataset:
    """A loaded dataset.

    Attributes
    ----------
    X : pandas.DataFrame
        Inputs: ``composition`` (formula strings), plus ``structure`` (pymatgen Structures) for
        structure datasets and extra inputs such as ``temperature`` (K).
    y : pandas.Series
        float64 target in ``info.unit``.
    groups : numpy.ndarray
        Canonical reduced formula of every row (``skcromel.parsing.reduced_formulas``); use it
        for leak-free grouped cross-validation.
    info : DatasetInfo
        The catalogue entry (unit, citation, licence, notes...).
    metadata : dict
        Extra per-dataset information: ``name``, ``unit``, ``property``, ``task``, ``paths`` (the
        files read) and, where relevant, ``ids`` (e.g. matbench mbids), ``split`` (a Series of
        ``"train"``/``"test"``/``"val"`` from the source), ``pf_inconsistent_rows`` and others
        described in ``info.notes``.
    """

    X: pd.DataFrame
    y: pd.Series
    groups: np.ndarray
    info: DatasetInfo
    metadata: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.info.name

    def __len__(self) -> int:
        return len(self.y)

    def __repr__(self) -> str:
        cols = ", ".join(map(str, self.X.columns))
        return (
            f"Dataset({self.info.name!r}, n_rows={len(self)}, X columns=[{cols}], "
            f"y={self.info.property!r} [{self.info.unit}], task={self.info.task!r})"
        )


def list_datasets(collection: str | None = None) -> pd.DataFrame:
    """Return the catalogue as a DataFrame, one row per dataset (no data needed).

    Parameters
    ----------
    collection : str, optional
        Keep only one collection (``"experimental-14"``, ``"experimental"``, ``"crossprop"``,
        ``"matbench"``, ``"computed-source"``, ``"structure"``, ``"ce"``).
    """
    rows = [info.as_row() for info in CATALOGUE.values()]
    df = pd.DataFrame(rows)
    if collection is not None:
        if collection not in set(df["collection"]):
            known = ", ".join(sorted(set(df["collection"])))
            raise ValueError(f"unknown collection {collection!r}; known: {known}")
        df = df[df["collection"] == collection].reset_index(drop=True)
    return df


def load_dataset(
    name: str,
    data_home: str | os.PathLike | None = None,
    *,
    download: bool = False,
    verify: bool = True,
) -> Dataset:
    """Load a catalogued dataset.

    Parameters
    ----------
    name : str
        Catalogue name (see :func:`list_datasets`).
    data_home : path-like, optional
        Folder with the data files (layout of the shared data folder); default
        ``$SKCROMEL_DATA_HOME``, then ``~/skcromel_data``. Not needed for embedded datasets
        (``kingsbury_formation_enthalpy``).
    download : bool, default=False
        Download missing files from their canonical URL (sha256-checked). Never done implicitly.
    verify : bool, default=True
        Check the sha256 of the files found on disk.

    Returns
    -------
    Dataset

    Raises
    ------
    KeyError
        Unknown name.
    skcromel.exceptions.DataNotFoundError
        Files missing: the message names the dataset, every path looked at and what to put where.
    skcromel.exceptions.ChecksumError
        A file has an unexpected sha256.
    """
    info = get_dataset_info(name)
    if info.embedded:
        X, y, meta = _READERS[info.reader](info, data_home, verify)
    else:
        paths = ensure_files(info, data_home, download=download, verify=verify)
        X, y, meta = _READERS[info.reader](info, paths, **info.reader_kwargs)
    return _finish(info, X, y, meta)


def load_kingsbury(data_home: str | os.PathLike | None = None) -> Dataset:
    """Kingsbury/Wang experimental formation enthalpies in eV/atom (2,135 compounds).

    Read from the copy shipped inside pymatgen; works offline with no data home.
    """
    return load_dataset("kingsbury_formation_enthalpy", data_home)


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------
def _finish(info: DatasetInfo, X: pd.DataFrame, y, meta: dict) -> Dataset:
    from ..parsing import reduced_formulas

    X = X.reset_index(drop=True)
    y = pd.Series(np.asarray(y, dtype=np.float64), name=info.property)
    if len(X) != len(y):  # pragma: no cover - reader bug guard
        raise RuntimeError(f"{info.name}: X has {len(X)} rows but y has {len(y)}")
    if not np.isfinite(y.to_numpy()).all():  # pragma: no cover - reader bug guard
        raise RuntimeError(f"{info.name}: non-finite targets after loading")
    X["composition"] = X["composition"].astype(str).str.strip()
    groups = reduced_formulas(X["composition"].to_numpy(dtype=object))
    metadata = {
        "name": info.name,
        "property": info.property,
        "unit": info.unit,
        "task": info.task,
        **meta,
    }
    return Dataset(X=X, y=y, groups=np.asarray(groups, dtype=object), info=info, metadata=metadata)


def _stat_key(path: Path) -> tuple[str, int]:
    st = path.stat()
    return str(path), st.st_mtime_ns


@lru_cache(maxsize=8)
def _read_excel_cached(key: tuple[str, int], sheet) -> pd.DataFrame:
    return pd.read_excel(key[0], sheet_name=sheet)


def _read_excel(path: Path, sheet=0) -> pd.DataFrame:
    return _read_excel_cached(_stat_key(path), sheet).copy()


def _comp_frame(compositions, **extra) -> pd.DataFrame:
    data = {"composition": pd.Series(compositions).astype(str).to_numpy(dtype=object)}
    for k, v in extra.items():
        data[k] = np.asarray(v)
    return pd.DataFrame(data)


# ------------------------------------------------------------------------------------------
# readers: (info, paths, **reader_kwargs) -> (X, y, metadata)
# ------------------------------------------------------------------------------------------
def _read_efe(info, paths):
    df = _read_excel(paths[0], "ent_fe")
    df = df[df["form_eng_exp"].notna()].reset_index(drop=True)
    dft = pd.DataFrame(
        {
            "form_eng_mp": pd.to_numeric(df["form_eng_mp"], errors="coerce"),
            "form_eng_oqmd": pd.to_numeric(df["form_eng_oqmd"], errors="coerce"),
        }
    )
    meta = {"paths": paths, "dft": dft, "mp_id": df["mp_id"], "oqmd_id": df["oqmd_id"]}
    return _comp_frame(df["composition"]), df["form_eng_exp"], meta


def _read_matbench(info, paths, target):
    df = pd.read_json(paths[0])
    y = df[target].astype(np.float64)
    meta = {"paths": paths, "ids": df["mbid"].astype(str).reset_index(drop=True)}
    return _comp_frame(df["composition"]), y, meta


_GTT_DROP = {
    "Fe68Mo5Ni5Cr2P12.5C5B2.5": "Trg missing in the file",
    "Ti40Zr10Cu34Pd16": "Trg 0.223 is wrong (DMREF Tg/Tl = 0.546)",
}


def _read_gtt(info, paths):
    df = _read_excel(paths[0])
    comp = df["Material compositions"].astype(str).str.strip()
    drop = comp.isin(list(_GTT_DROP)) | df["Trg"].isna()
    dropped = {c: _GTT_DROP.get(c, "Trg missing") for c in comp[drop]}
    df, comp = df[~drop], comp[~drop]
    meta = {"paths": paths, "dropped_rows": dropped}
    return _comp_frame(comp), df["Trg"], meta


def _read_thermoelectric(info, paths, formula, temperature, target, transform, sigma_scale):
    df = _read_excel(paths[0])
    cols = list(df.columns)
    s_col, sig_col, k_col, pf_col, zt_col = cols[2], cols[3], cols[4], cols[5], cols[6]
    T = df[temperature].astype(np.float64)
    seebeck = df[s_col].astype(np.float64) * 1e-6  # V/K
    sigma = df[sig_col].astype(np.float64) * sigma_scale  # S/m
    kappa = df[k_col].astype(np.float64)
    pf = df[pf_col].astype(np.float64)
    zt = df[zt_col].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pf_ratio = pf / (seebeck**2 * sigma)
        zt_ratio = zt / (pf * T / kappa)
    pf_bad = (np.abs(pf_ratio - 1) > 0.02).to_numpy()
    zt_bad = (np.abs(zt_ratio - 1) > 0.02).to_numpy()
    y = df[target].astype(np.float64)
    if target == sig_col:
        y = y * sigma_scale
    if transform == "log10":
        y = np.log10(y)
    meta = {
        "paths": paths,
        # rows where PF != S²σ (resp. ZT != PF·T/κ) by more than 2 %: flagged, not dropped
        "pf_inconsistent_rows": np.flatnonzero(pf_bad),
        "zt_inconsistent_rows": np.flatnonzero(zt_bad),
        "pf_ratio": pf_ratio.to_numpy(),
        "zt_ratio": zt_ratio.to_numpy(),
    }
    if "reference" in df:
        meta["reference"] = df["reference"].astype(str).reset_index(drop=True)
    return _comp_frame(df[formula], temperature=T.to_numpy()), y, meta


def _kingsbury_candidates(data_home) -> list:
    """Places the pymatgen experimental-compounds file may be, most preferred first."""
    from importlib import resources

    found = []
    for pkg in ("pymatgen.analysis.compatibility", "pymatgen.entries"):
        try:
            found.append(resources.files(pkg) / "exp_compounds.json.gz")
        except (ModuleNotFoundError, TypeError):
            continue
    return found


def _read_kingsbury(info, data_home, verify):
    from ..config import get_data_home

    looked = []
    raw = None
    used = None
    for cand in _kingsbury_candidates(data_home):
        looked.append(str(cand))
        if cand.is_file():
            raw, used = cand.read_bytes(), str(cand)
            break
    if raw is None:
        home = get_data_home(data_home)
        f = info.files[0]
        local = home / f.path
        looked.append(str(local))
        if local.is_file():
            if verify:
                _check_sha256(local, f.sha256, dataset=info.name)
            raw, used = local.read_bytes(), str(local)
    if raw is None:
        raise DataNotFoundError(
            f"dataset {info.name!r} is not available: the installed pymatgen has no "
            f"exp_compounds.json.gz and the data home has no copy.\nLooked for:\n  "
            + "\n  ".join(looked)
            + f"\nTo fix it, install pymatgen (it ships the file) or put exp_compounds.json.gz "
            f"(sha256 {info.files[0].sha256}) at {get_data_home(data_home) / info.files[0].path}."
        )
    records = json.loads(gzip.decompress(raw))
    from ..parsing import parse_formula

    formulas, energies, unc, mpid = [], [], [], []
    for rec in records:
        n_atoms = sum(parse_formula(rec["formula"]).values())  # atoms per formula unit
        formulas.append(rec["formula"])
        energies.append(rec["exp energy"] / n_atoms)
        u = rec.get("uncertainty")
        unc.append(np.nan if u is None else float(u) / n_atoms)
        mpid.append(rec.get("mpid"))
    meta = {
        "paths": [used],
        "uncertainty": np.asarray(unc, dtype=np.float64),
        "mpid": pd.Series(mpid, dtype=object),
    }
    return _comp_frame(formulas), energies, meta


def _read_crossprop(info, paths, target):
    parts = []
    for split, p in zip(("train", "test"), paths):
        df = pd.read_csv(p)
        df["split"] = split
        parts.append(df)
    df = pd.concat(parts, ignore_index=True)
    comp = df["pretty_comp"].astype(str)
    # Excel turned "FeB2"/"FeB3" into the dates "2-Feb"/"3-Feb" in a few JARVIS files.
    mangled = comp.str.fullmatch(r"(\d+)-Feb")
    fixed = comp[mangled].str.replace(r"^(\d+)-Feb$", r"FeB\1", regex=True)
    comp = comp.where(~mangled, fixed)
    meta = {
        "paths": paths,
        "split": df["split"].astype(str),
        "fixed_formulas": dict(zip(df.loc[mangled, "pretty_comp"].index, fixed)),
    }
    return _comp_frame(comp), df[target].astype(np.float64), meta


def _read_crabnet(info, paths):
    parts = []
    for p in paths:
        df = pd.read_csv(p, keep_default_na=False, na_values=[""])
        df["split"] = Path(p).stem
        parts.append(df)
    df = pd.concat(parts, ignore_index=True)
    meta = {"paths": paths, "split": df["split"].astype(str)}
    return _comp_frame(df["formula"]), df["target"].astype(np.float64), meta


def _read_mdf_tg(info, paths):
    df = pd.read_csv(paths[0], usecols=["Composition", "Tg_[K]", "Reference", "DOI"])
    df = df[df["Tg_[K]"].notna()]
    typos = df["Tg_[K]"] > 2000
    meta = {
        "paths": paths,
        "dropped_rows": dict(zip(df.loc[typos, "Composition"], df.loc[typos, "Tg_[K]"])),
    }
    df = df[~typos].reset_index(drop=True)
    meta["reference"] = df["Reference"]
    return _comp_frame(df["Composition"]), df["Tg_[K]"], meta


def _read_roost(info, paths):
    df = pd.read_csv(paths[0], keep_default_na=False, na_values=[""])
    return _comp_frame(df["composition"]), df["Eg"], {"paths": paths}


def _read_mp_structs(info, paths, target):
    from pymatgen.core import Structure

    labels = pd.read_csv(paths[0])
    labels = labels[labels[target].notna()].reset_index(drop=True)
    cif_dir = Path(paths[0]).parent / "cif"
    missing = [m for m in labels["m_id"] if not (cif_dir / f"{m}.cif").is_file()]
    if missing:
        raise DataNotFoundError(
            f"dataset {info.name!r}: {len(missing)} CIF files are missing from {cif_dir} "
            f"(e.g. {missing[0]}.cif); the folder must hold <m_id>.cif for every labelled row."
        )
    with warnings.catch_warnings():  # pymatgen's notes on rounded fractional coordinates
        warnings.filterwarnings("ignore", message="Issues encountered while parsing CIF")
        structures = [Structure.from_file(cif_dir / f"{m}.cif") for m in labels["m_id"]]
    X = _comp_frame(labels["formula"])
    X["structure"] = pd.Series(structures, dtype=object)
    meta = {"paths": paths, "ids": labels["m_id"].astype(str)}
    return X, labels[target], meta


def _read_perov5(info, paths, target):
    from pymatgen.core import Structure

    parts = []
    for p in paths:
        df = pd.read_csv(p)
        df["split"] = Path(p).stem
        parts.append(df)
    df = pd.concat(parts, ignore_index=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Issues encountered while parsing CIF")
        structures = [Structure.from_str(c, fmt="cif") for c in df["cif"]]
    X = _comp_frame(df["formula"])
    X["structure"] = pd.Series(structures, dtype=object)
    meta = {"paths": paths, "ids": df["material_id"].astype(str), "split": df["split"]}
    return X, df[target], meta


def _read_ce(info, paths, target):
    df = pd.read_csv(paths[0])
    feats = df[[c for c in df.columns if c not in ("formula", target)]]
    meta = {"paths": paths, "ce_features": feats.astype(np.float64)}
    return _comp_frame(df["formula"]), df[target], meta


_READERS = {
    "efe": _read_efe,
    "matbench": _read_matbench,
    "gtt": _read_gtt,
    "thermoelectric": _read_thermoelectric,
    "kingsbury": _read_kingsbury,
    "crossprop": _read_crossprop,
    "crabnet": _read_crabnet,
    "mdf_tg": _read_mdf_tg,
    "roost": _read_roost,
    "mp_structs": _read_mp_structs,
    "perov5": _read_perov5,
    "ce": _read_ce,
}
