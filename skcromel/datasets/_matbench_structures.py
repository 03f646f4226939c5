"""Read structure datasets in matminer / matbench's JSON layout (e.g. full ``matbench_mp_e_form``).

matminer's ``load_dataset("matbench_mp_e_form")`` downloads ``matbench_mp_e_form.json.gz``: a
pandas ``split``-orient table (``{"index": [...], "columns": ["structure", "e_form"], "data":
[[<Structure as a dict>, -0.5], ...]}``). :func:`read_matbench_structures` reads that file (gzip,
bz2 or plain; ``records`` orient too) into pymatgen ``Structure`` objects and the target, so that
:class:`skcromel.CroMELPretrainer` can pretrain on all 132,752 Materials Project structures on a
connected machine (``benchmarks/cromel_pretrain.py --matbench PATH``; see ``docs/cromel.md``).
"""

from __future__ import annotations

import bz2
import gzip
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataNotFoundError

__all__ = ["read_matbench_structures"]


def _open(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_matbench_structures(
    path: str | os.PathLike, target: str | None = None, *, max_rows: int | None = None
) -> tuple[list, pd.Series, pd.Index]:
    """Structures and targets of a matbench / matminer structure dataset file.

    Parameters
    ----------
    path : path-like
        ``*.json``, ``*.json.gz`` or ``*.json.bz2`` in pandas ``split`` orient (matbench,
        matminer) or a list of records, with a ``structure`` column of pymatgen dicts.
    target : str, optional
        Target column; default: the only column besides ``structure`` (and ``composition``).
    max_rows : int, optional
        Read only the first rows (smoke tests, budgets).

    Returns
    -------
    structures : list of pymatgen.core.Structure
    y : Series of float64, named ``target``
    index : Index
        The file's row ids (matbench ``mbid``), or a RangeIndex.

    Raises
    ------
    skcromel.exceptions.DataNotFoundError
        The file does not exist (the message says how to get it).
    ValueError
        The layout is not recognised, the target is ambiguous or a row is not a structure (the
        message names the row).
    """
    from pymatgen.core import Structure

    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(
            f"{path} not found. On a connected machine `from matminer.datasets import "
            "load_dataset; load_dataset('matbench_mp_e_form')` downloads it (to matminer's "
            "dataset folder, printed by matminer.datasets.utils._get_data_home()), or fetch "
            "matbench_mp_e_form.json.gz from the matbench/matminer dataset page."
        )
    with _open(path) as fh:
        raw = json.load(fh)
    if isinstance(raw, dict) and {"columns", "data"} <= set(raw):
        df = pd.DataFrame(raw["data"], columns=raw["columns"], index=raw.get("index"))
    elif isinstance(raw, list):
        df = pd.DataFrame.from_records(raw)
    else:
        raise ValueError(f"{path}: not a pandas 'split' or 'records' JSON table")
    if "structure" not in df.columns:
        raise ValueError(f"{path}: no 'structure' column (columns: {list(df.columns)})")
    if target is None:
        rest = [c for c in df.columns if c not in ("structure", "composition")]
        if len(rest) != 1:
            raise ValueError(f"{path}: pass target= (candidate columns: {rest})")
        target = rest[0]
    if max_rows is not None:
        df = df.iloc[:max_rows]
    structures = []
    for i, d in enumerate(df["structure"]):
        try:
            structures.append(d if isinstance(d, Structure) else Structure.from_dict(d))
        except Exception as exc:  # noqa: BLE001 - report which row is broken
            raise ValueError(f"{path}: row {i} is not a structure ({exc})") from None
    y = pd.Series(np.asarray(df[target], dtype=np.float64), name=target)
    return structures, y, df.index
