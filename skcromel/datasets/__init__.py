"""Catalogued materials datasets: experimental targets, cross-property sets, computed sources.

>>> from skcromel.datasets import load_kingsbury, list_datasets
>>> ds = load_kingsbury()            # ships inside pymatgen: no data setup needed
>>> ds.X.columns.tolist(), ds.info.unit
(['composition'], 'eV/atom')

Everything else is read from the data home (``$SKCROMEL_DATA_HOME``, see
:func:`skcromel.config.get_data_home`); missing files raise
:class:`~skcromel.exceptions.DataNotFoundError` saying what to put where.
"""

from ._catalogue import (
    CATALOGUE,
    MATBENCH_FOLDS_PATH,
    SUITE_14,
    DataFile,
    DatasetInfo,
    get_dataset_info,
)
from ._ce import PAPER_MAX_FORMATION_ENERGY, PEROVSKITE_CSV, SPINEL_CSV, load_ce_transfer_data
from ._download import ensure_files, fetch_file, sha256_file
from ._loaders import Dataset, list_datasets, load_dataset, load_kingsbury
from ._matbench_structures import read_matbench_structures

__all__ = [
    "CATALOGUE",
    "MATBENCH_FOLDS_PATH",
    "PAPER_MAX_FORMATION_ENERGY",
    "PEROVSKITE_CSV",
    "SPINEL_CSV",
    "SUITE_14",
    "DataFile",
    "Dataset",
    "DatasetInfo",
    "ensure_files",
    "fetch_file",
    "get_dataset_info",
    "list_datasets",
    "load_ce_transfer_data",
    "load_dataset",
    "load_kingsbury",
    "read_matbench_structures",
    "sha256_file",
]
