"""Catalogued materials datasets: experimental targets, cross-property sets, computed sources.

>>> from skcromel.datasets import load_kingsbury, list_datasets
>>> ds = load_kingsbury()            # ships inside pymatgen: no data setup needed
>>> ds.X.columns.tolist(), ds.info.unit
(['composition'], 'eV/atom')

Everything else is read from the data home (``$SKCROMEL_DATA_HOME``, see
:func:`skcromel.config.get_data_home`); missing files raise
:class:`~skcromel.exceptions.DataNotFoundError` saying what to put where.
"""

from ._download import ensure_files, fetch_file, sha256_file
from .catalogue import CATALOGUE, SUITE_14, DataFile, DatasetInfo, get_dataset_info
from .loaders import Dataset, list_datasets, load_dataset, load_kingsbury
from .matbench_structures import read_matbench_structures

__all__ = [
    "CATALOGUE",
    "SUITE_14",
    "DataFile",
    "Dataset",
    "DatasetInfo",
    "ensure_files",
    "fetch_file",
    "get_dataset_info",
    "list_datasets",
    "load_dataset",
    "load_kingsbury",
    "read_matbench_structures",
    "sha256_file",
]
