"""Element property tables, read from data files that ship inside installed packages.

Nothing here is hand-typed: every value comes from matminer's ``magpie_elementdata`` tables or from
the element representation files of the MIT-licensed ``elementembeddings`` package.

Missing values
--------------
A table is a float64 array of shape (118, n_properties) indexed by atomic number - 1, with NaN for
unknown values, plus a boolean ``supported`` mask:

* an element is *supported* when the source file has at least one value for it among the chosen
  properties (magpie: Z <= 112; matscholar: 103 elements; xenonpy: H-Pu; ...). A composition with an
  unsupported element is an error handled by the featurizer's ``on_error`` policy;
* a supported element with some properties missing (e.g. magpie has no melting point for He) gets
  the mean of that property over the table when ``impute_nan=True`` — exactly matminer's
  ``impute_nan=True`` rule for magpie (mean over all 118 rows of the property file) — or keeps NaN
  when ``impute_nan=False`` (the featurizer then warns about the NaN features it produced).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .elements import SYMBOLS

__all__ = ["ElementTable", "PRESETS", "load_table", "MAGPIE_PRESET_PROPERTIES"]

#: The 22 properties of matminer's ``ElementProperty.from_preset("magpie")``, in its order.
MAGPIE_PRESET_PROPERTIES = (
    "Number", "MendeleevNumber", "AtomicWeight", "MeltingT", "Column", "Row", "CovalentRadius",
    "Electronegativity", "NsValence", "NpValence", "NdValence", "NfValence", "NValence",
    "NsUnfilled", "NpUnfilled", "NdUnfilled", "NfUnfilled", "NUnfilled", "GSvolume_pa",
    "GSbandgap", "GSmagmom", "SpaceGroupNumber",
)  # fmt: skip

_Z_INDEX = {s: i for i, s in enumerate(SYMBOLS)}


@dataclass(frozen=True)
class ElementTable:
    """A property table over the 118 elements.

    Attributes
    ----------
    name : str
        Preset name.
    properties : tuple of str
        Column names.
    values : ndarray, shape (118, n_properties)
        Raw values (NaN where unknown), row = atomic number - 1.
    supported : ndarray of bool, shape (118,)
        Elements the table knows.
    source : str
        Where the numbers come from (package and file).
    citation : str
        BibTeX of the table's origin.
    """

    name: str
    properties: tuple[str, ...]
    values: np.ndarray
    supported: np.ndarray
    source: str
    citation: str

    def imputed(self) -> np.ndarray:
        """Values with NaNs of supported elements replaced by the property mean."""
        vals = self.values.copy()
        means = self.impute_means
        rows, cols = np.nonzero(np.isnan(vals))
        vals[rows, cols] = means[cols]
        return vals

    @property
    def impute_means(self) -> np.ndarray:
        return _nanmean_cols(self._impute_basis)

    @property
    def _impute_basis(self) -> np.ndarray:
        return self.values


def _nanmean_cols(a: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        counts = (~np.isnan(a)).sum(axis=0)
        sums = np.nansum(a, axis=0)
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _ee_file(name: str) -> Path:
    return Path(
        str(resources.files("elementembeddings") / "data" / "element_representations" / name)
    )


def _matminer_magpie_dir() -> Path:
    return Path(str(resources.files("matminer") / "utils" / "data_files" / "magpie_elementdata"))


def _from_mapping(rows: dict[str, np.ndarray], properties) -> tuple[np.ndarray, np.ndarray]:
    values = np.full((len(SYMBOLS), len(properties)), np.nan)
    for sym, vec in rows.items():
        if sym in _Z_INDEX:
            values[_Z_INDEX[sym]] = vec
    supported = ~np.isnan(values).all(axis=1)
    return values, supported


_WARD = (
    "@article{ward2016magpie, title={A general-purpose machine learning framework for predicting "
    "properties of inorganic materials}, author={Ward, Logan and Agrawal, Ankit and Choudhary, "
    "Alok and Wolverton, Christopher}, journal={npj Computational Materials}, volume={2}, "
    "pages={16028}, year={2016}, doi={10.1038/npjcompumats.2016.28}}"
)
_TSHITOYAN = (
    "@article{tshitoyan2019mat2vec, title={Unsupervised word embeddings capture latent knowledge "
    "from materials science literature}, author={Tshitoyan, Vahe and Dagdelen, John and Weston, "
    "Leigh and others}, journal={Nature}, volume={571}, pages={95--98}, year={2019}, "
    "doi={10.1038/s41586-019-1335-8}}"
)
_WESTON = (
    "@article{weston2019matscholar, title={Named Entity Recognition and Normalization Applied to "
    "Large-Scale Information Extraction from the Materials Science Literature}, author={Weston, L. "
    "and Tshitoyan, V. and Dagdelen, J. and others}, journal={J. Chem. Inf. Model.}, volume={59}, "
    "pages={3692--3702}, year={2019}, doi={10.1021/acs.jcim.9b00470}}"
)
_CHEN = (
    "@article{chen2019megnet, title={Graph Networks as a Universal Machine Learning Framework for "
    "Molecules and Crystals}, author={Chen, Chi and Ye, Weike and Zuo, Yunxing and Zheng, Chen and "
    "Ong, Shyue Ping}, journal={Chem. Mater.}, volume={31}, pages={3564--3572}, year={2019}, "
    "doi={10.1021/acs.chemmater.9b01294}}"
)
_OLIYNYK = (
    "@article{oliynyk2016heusler, title={High-Throughput Machine-Learning-Driven Synthesis of "
    "Full-Heusler Compounds}, author={Oliynyk, Anton O. and Antono, Erin and Sparks, Taylor D. and "
    "others}, journal={Chem. Mater.}, volume={28}, pages={7324--7331}, year={2016}, "
    "doi={10.1021/acs.chemmater.6b02724}}"
)
_YAMADA = (
    "@article{yamada2019xenonpy, title={Predicting Materials Properties with Little Data Using "
    "Shotgun Transfer Learning}, author={Yamada, Hironao and Liu, Chang and Wu, Stephen and others},"
    " journal={ACS Central Science}, volume={5}, pages={1717--1730}, year={2019}, "
    "doi={10.1021/acscentsci.9b00804}}"
)
_ONWUEGBUSI = (
    "@article{onwuli2023elementembeddings, title={Element similarity in high-dimensional materials "
    "representations}, author={Onwuli, Anthony and Hegde, Ashish V. and Nguyen, Kevin V. T. and "
    "Butler, Keith T. and Walsh, Aron}, journal={Digital Discovery}, volume={2}, pages={1558--1564},"
    " year={2023}, doi={10.1039/D3DD00121K}}"
)


def _load_magpie() -> ElementTable:
    folder = _matminer_magpie_dir()
    props = MAGPIE_PRESET_PROPERTIES
    values = np.full((len(SYMBOLS), len(props)), np.nan)
    for j, prop in enumerate(props):
        lines = (folder / f"{prop}.table").read_text().split("\n")
        for z in range(len(SYMBOLS)):
            try:
                values[z, j] = float(lines[z])
            except (ValueError, IndexError):
                pass
    supported = ~np.isnan(values).all(axis=1)
    return ElementTable(
        "magpie", props, values, supported,
        "matminer/utils/data_files/magpie_elementdata/*.table", _WARD,
    )  # fmt: skip


def _load_json_embedding(name: str, file: str, citation: str) -> ElementTable:
    data = json.loads(_ee_file(file).read_text())
    data = {k: np.asarray(v, dtype=float) for k, v in data.items() if k in _Z_INDEX}
    dim = len(next(iter(data.values())))
    props = tuple(str(i) for i in range(dim))
    values, supported = _from_mapping(data, props)
    return ElementTable(
        name, props, values, supported, f"elementembeddings/.../{file}", citation + _ONWUEGBUSI
    )


def _load_csv_table(name: str, file: str, citation: str) -> ElementTable:
    df = pd.read_csv(_ee_file(file))
    key = df.columns[0]
    df = df.set_index(key)
    df = df.select_dtypes("number")
    props = tuple(str(c) for c in df.columns)
    rows = {str(k): v for k, v in zip(df.index, df.to_numpy(dtype=float))}
    values, supported = _from_mapping(rows, props)
    return ElementTable(
        name, props, values, supported, f"elementembeddings/.../{file}", citation + _ONWUEGBUSI
    )


_LOADERS = {
    "magpie": _load_magpie,
    "matscholar": lambda: _load_json_embedding("matscholar", "matscholar-embedding.json", _WESTON),
    "megnet16": lambda: _load_json_embedding("megnet16", "megnet16.json", _CHEN),
    "mat2vec": lambda: _load_csv_table("mat2vec", "mat2vec.csv", _TSHITOYAN),
    "oliynyk": lambda: _load_csv_table("oliynyk", "oliynyk.csv", _OLIYNYK),
    "xenonpy": lambda: _load_csv_table("xenonpy", "xenonpy_element_features.csv", _YAMADA),
}

#: Available presets.
PRESETS: tuple[str, ...] = tuple(_LOADERS)


@cache
def load_table(preset: str) -> ElementTable:
    """Load (once per process) the element table of a preset. The arrays are read-only."""
    try:
        loader = _LOADERS[preset]
    except KeyError:
        raise ValueError(
            f"unknown element table preset {preset!r}; choose from {PRESETS}"
        ) from None
    table = loader()
    table.values.setflags(write=False)
    table.supported.setflags(write=False)
    return table
