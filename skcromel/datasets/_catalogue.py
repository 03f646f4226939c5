"""The skcromel dataset catalogue: one :class:`DatasetInfo` per dataset.

Every entry records what the target is (property, unit, task), where the file(s) live relative to
the data home (``skcromel.config.get_data_home()``, the layout of the shared data folder), the
sha256 of each file, the canonical source, the licence and a BibTeX citation, plus notes on the
unit conversions and data traps the loader handles. The catalogue is plain data: it can be read
without any data on disk (``skcromel.datasets.list_datasets()``).

Collections
-----------
``experimental-14``
    The 14 experimental target datasets of the skcromel suite (see ``docs/datasets.md``).
``experimental``
    Other experimental sets (CrossPropertyTL's two, matbench classification/steels, Roost, MDF Tg).
``crossprop``
    The 39 JARVIS-DFT sets of CrossPropertyTL with the paper's train/test files.
``matbench``
    Matbench v0.1 composition tasks with the official folds.
``computed-source``
    Large computed composition tables used as pretraining sources (MP, OQMD, AFLOW, Bartel).
``structure``
    Structure-bearing source sets (``X`` has a ``structure`` column of pymatgen Structures).
``ce``
    The Center-Environment spinel (source) -> perovskite (target) transfer sets (DFT).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from importlib import resources

__all__ = ["CATALOGUE", "SUITE_14", "DataFile", "DatasetInfo", "get_dataset_info"]
# Also used inside the package (not re-exported by skcromel.datasets): BENCHMARK_COLLECTIONS,
# BENCHMARK_EXTRA, BENCHMARK_COPIES, STRUCTURE_POOLS, benchmark_dataset_names (the benchmark sets
# that sources must never see: skcromel.cross_property.benchmark_compositions).


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset.

    Attributes
    ----------
    path : str
        POSIX path relative to the data home.
    sha256 : str
        Hex sha256 of the file's bytes.
    url : str or None
        Direct download URL of exactly these bytes, ``None`` when the file is a local conversion or
        cannot be downloaded automatically (then ``how_to_get`` of the dataset says what to do).
    """

    path: str
    sha256: str
    url: str | None = None


@dataclass(frozen=True)
class DatasetInfo:
    """Catalogue entry of one dataset (see the module docstring for the collections)."""

    name: str
    title: str
    property: str
    unit: str
    task: str
    n_rows: int
    files: tuple[DataFile, ...]
    reader: str
    citation: str
    licence: str
    source_url: str
    collection: str
    input: str = "composition"
    extra_inputs: tuple[str, ...] = ()
    protocols: tuple[str, ...] = ("grouped-kfold",)
    notes: str = ""
    embedded: bool = False
    reader_kwargs: dict = field(default_factory=dict, compare=False, hash=False)

    def as_row(self) -> dict:
        """Flat dict used by :func:`skcromel.datasets.list_datasets`."""
        return {
            "name": self.name,
            "collection": self.collection,
            "title": self.title,
            "property": self.property,
            "unit": self.unit,
            "task": self.task,
            "n_rows": self.n_rows,
            "input": self.input,
            "extra_inputs": ",".join(self.extra_inputs),
            "protocols": ",".join(self.protocols),
            "licence": self.licence,
            "embedded": self.embedded,
            "files": ";".join(f.path for f in self.files),
            "source_url": self.source_url,
        }


# --------------------------------------------------------------------------------------------
# citations (BibTeX)
# --------------------------------------------------------------------------------------------
_BIB_KIM2017 = """@article{kim2017experimental,
  author = {Kim, George and Meschel, S. V. and Nash, Philip and Chen, Wei},
  title = {Experimental formation enthalpies for intermetallic phases and other inorganic compounds},
  journal = {Scientific Data}, volume = {4}, pages = {170162}, year = {2017},
  doi = {10.1038/sdata.2017.162}
}"""
_BIB_CROMEL = """@article{na2025cromel,
  author = {Na, Gyoung S.},
  title = {Cross-modality material embedding loss for transferring knowledge between heterogeneous
           material descriptors},
  journal = {npj Computational Materials}, year = {2025}, doi = {10.1038/s41524-025-01723-1}
}"""
_BIB_ZHUO2018 = """@article{zhuo2018predicting,
  author = {Zhuo, Ya and Mansouri Tehrani, Aria and Brgoch, Jakoah},
  title = {Predicting the Band Gaps of Inorganic Solids by Machine Learning},
  journal = {The Journal of Physical Chemistry Letters}, volume = {9}, pages = {1668--1673},
  year = {2018}, doi = {10.1021/acs.jpclett.8b00124}
}"""
_BIB_MATBENCH = """@article{dunn2020benchmarking,
  author = {Dunn, Alexander and Wang, Qi and Ganose, Alex and Dopp, Daniel and Jain, Anubhav},
  title = {Benchmarking materials property prediction methods: the Matbench test set and
           Automatminer reference algorithm},
  journal = {npj Computational Materials}, volume = {6}, pages = {138}, year = {2020},
  doi = {10.1038/s41524-020-00406-3}
}"""
_BIB_ESTM = """@article{na2022public,
  author = {Na, Gyoung S. and Chang, Hyunju},
  title = {A public database of thermoelectric materials and system-identified material
           representation for data-driven discovery},
  journal = {npj Computational Materials}, volume = {8}, pages = {214}, year = {2022},
  doi = {10.1038/s41524-022-00897-2}
}"""
_BIB_MRL = """@article{na2021predicting,
  author = {Na, Gyoung S. and Jang, Seunghun and Chang, Hyunju},
  title = {Predicting thermoelectric properties from chemical formula with explicitly identifying
           dopant effects},
  journal = {npj Computational Materials}, volume = {7}, pages = {106}, year = {2021}
}
@article{gaultois2013data,
  author = {Gaultois, Michael W. and Sparks, Taylor D. and Borg, Christopher K. H. and Seshadri,
            Ram and Bonificio, William D. and Clarke, David R.},
  title = {Data-Driven Review of Thermoelectric Materials: Performance and Resource Considerations},
  journal = {Chemistry of Materials}, volume = {25}, pages = {2911--2920}, year = {2013},
  doi = {10.1021/cm400893e}
}"""
_BIB_MASTML = """@misc{mastml_education_datasets,
  author = {Nilson, Vanessa and Morgan, Dane},
  title = {{MAST-ML} Education Datasets (Metallic Glass Forming)},
  howpublished = {figshare, https://figshare.com/articles/dataset/MAST-ML_Education_Datasets/7017254},
  year = {2018}
}"""
_BIB_MDF = """@misc{schultz_mdf_dmref_glasses,
  author = {Schultz, Lane E. and Afflerbach, Benjamin and Szlufarska, Izabela and Morgan, Dane},
  title = {Molecular dynamic characteristic temperatures for predicting metallic glass forming
           ability (raw DMREF metallic-glass data, v5)},
  howpublished = {https://github.com/leschultz/Molecular-Dynamic-Characteristic-Temperatures-for-Predicting-Metallic-Glass-Forming-Ability},
  year = {2021}
}"""
_BIB_KAWAZOE = """@book{kawazoe1997nonequilibrium,
  editor = {Kawazoe, Yoshiyuki and Yu, Jing-Zhi and Tsai, An-Pang and Masumoto, Tsuyoshi},
  title = {Nonequilibrium Phase Diagrams of Ternary Amorphous Alloys},
  series = {Landolt-Börnstein -- Group III Condensed Matter}, volume = {37A},
  publisher = {Springer}, year = {1997}
}"""
_BIB_KINGSBURY = """@article{wang2021framework,
  author = {Wang, Amanda and Kingsbury, Ryan and McDermott, Matthew and Horton, Matthew and
            Jain, Anubhav and Ong, Shyue Ping and Dwaraknath, Shyam and Persson, Kristin A.},
  title = {A framework for quantifying uncertainty in {DFT} energy corrections},
  journal = {ChemRxiv}, year = {2021}, doi = {10.26434/chemrxiv.14593476}
}"""
_BIB_CROSSPROP = """@article{gupta2021cross,
  author = {Gupta, Vishu and Choudhary, Kamal and Tavazza, Francesca and Campbell, Carelyn and
            Liao, Wei-keng and Choudhary, Alok and Agrawal, Ankit},
  title = {Cross-property deep transfer learning framework for enhanced predictive analytics on
           small materials data},
  journal = {Nature Communications}, volume = {12}, pages = {6595}, year = {2021},
  doi = {10.1038/s41467-021-26921-5}
}
@article{choudhary2020jarvis,
  author = {Choudhary, Kamal and others},
  title = {The joint automated repository for various integrated simulations ({JARVIS}) for
           data-driven materials design},
  journal = {npj Computational Materials}, volume = {6}, pages = {173}, year = {2020},
  doi = {10.1038/s41524-020-00440-1}
}"""
_BIB_CRABNET = """@article{wang2021crabnet,
  author = {Wang, Anthony Yu-Tung and Kauwe, Steven K. and Murdock, Ryan J. and Sparks, Taylor D.},
  title = {Compositionally restricted attention-based network for materials property predictions},
  journal = {npj Computational Materials}, volume = {7}, pages = {77}, year = {2021},
  doi = {10.1038/s41524-021-00545-1}
}"""
_BIB_MP = """@article{jain2013commentary,
  author = {Jain, Anubhav and Ong, Shyue Ping and Hautier, Geoffroy and Chen, Wei and Richards,
            William Davidson and Dacek, Stephen and Cholia, Shreyas and Gunter, Dan and
            Skinner, David and Ceder, Gerbrand and Persson, Kristin A.},
  title = {Commentary: The Materials Project: A materials genome approach to accelerating
           materials innovation},
  journal = {APL Materials}, volume = {1}, pages = {011002}, year = {2013},
  doi = {10.1063/1.4812323}
}"""
_BIB_OQMD = """@article{saal2013materials,
  author = {Saal, James E. and Kirklin, Scott and Aykol, Muratahan and Meredig, Bryce and
            Wolverton, C.},
  title = {Materials Design and Discovery with High-Throughput Density Functional Theory: The Open
           Quantum Materials Database ({OQMD})},
  journal = {JOM}, volume = {65}, pages = {1501--1509}, year = {2013},
  doi = {10.1007/s11837-013-0755-4}
}"""
_BIB_ROOST = """@article{goodall2020predicting,
  author = {Goodall, Rhys E. A. and Lee, Alpha A.},
  title = {Predicting materials properties without crystal structure: deep representation learning
           from stoichiometry},
  journal = {Nature Communications}, volume = {11}, pages = {6280}, year = {2020},
  doi = {10.1038/s41467-020-19964-7}
}"""
_BIB_PEROV = """@inproceedings{xie2022crystal,
  author = {Xie, Tian and Fu, Xiang and Ganea, Octavian-Eugen and Barzilay, Regina and
            Jaakkola, Tommi},
  title = {Crystal Diffusion Variational Autoencoder for Periodic Material Generation},
  booktitle = {International Conference on Learning Representations}, year = {2022}
}
@article{castelli2012new,
  author = {Castelli, Ivano E. and others},
  title = {New cubic perovskites for one- and two-photon water splitting using the computational
           materials repository},
  journal = {Energy \\& Environmental Science}, volume = {5}, pages = {9034--9043}, year = {2012},
  doi = {10.1039/C2EE22341D}
}"""
_BIB_CE = """@article{li2023transfer,
  author = {Li, Yihang and Zhu, Ruohan and Wang, Yang and Feng, Lingyan and Liu, Yi},
  title = {Center-environment deep transfer machine learning across crystal structures: from
           spinel oxides to perovskite oxides},
  journal = {npj Computational Materials}, volume = {9}, pages = {106}, year = {2023},
  doi = {10.1038/s41524-023-01068-7}
}"""

# --------------------------------------------------------------------------------------------
# licences
# --------------------------------------------------------------------------------------------
_NO_LICENCE = (
    "none stated by the hosting repository (author keeps copyright): local research and "
    "benchmark use only, never redistributed with skcromel"
)
_MIT_PYMATGEN = "MIT (pymatgen); shipped inside the pymatgen wheel"
_MIT_MATBENCH = "MIT (matbench); underlying data: Zhuo et al. 2018 SI / Materials Project CC-BY 4.0"
_NU_COPYRIGHT = (
    "Northwestern University notice (use/copy/modify with the notice kept; COPYRIGHT file)"
)
_MIT_CRABNET = "MIT (CrabNet repository); upstream database terms (MP CC-BY 4.0, OQMD, AFLOW) apply"

# --------------------------------------------------------------------------------------------
# repository commits used for the canonical raw-file URLs
# --------------------------------------------------------------------------------------------
_GH = "https://raw.githubusercontent.com"
_URL_CROMEL = f"{_GH}/ngs00/CroMEL/b44fced17b96b62fc8bbbab0e1fe2d38afb9b5cb"
_URL_SIMD = f"{_GH}/ngs00/simd/53c001603683117eb972d6a881dba576f6f90a91"
_URL_DOPNET = f"{_GH}/ngs00/DopNet/7f9ac73b69cd2da6a62d2aff03e87786364eb292"
_URL_PSOSVR = f"{_GH}/wongshiyuen/PSO-SVR/d04cc9f00ce9e140a037dbcfadcc5588926f82af"
_URL_MDF = (
    f"{_GH}/leschultz/Molecular-Dynamic-Characteristic-Temperatures-for-Predicting-Metallic-"
    "Glass-Forming-Ability/2e5ef2cf6ad280330a864c0a4661ff5467b0570e"
)
_URL_MATBENCH = f"{_GH}/materialsproject/matbench/936176db18ca4cd7b38cbd957c017a5bac770c6b"
_URL_CROSSPROP = f"{_GH}/NU-CUCIS/CrossPropertyTL/7258427fb5fe3cd8d34ece0fdfbd33f690d494a6"
_URL_CRABNET = f"{_GH}/anthony-wang/CrabNet/457b4d4835737ecbe4dd33e53174bd818bd82143"
_URL_ROOST = f"{_GH}/CompRhys/roost/aaabc34d6ee6ac788e36f1c759c0582a997ea9b9"
_URL_CDVAE = f"{_GH}/txie-93/cdvae/f857f598d6f6cca5dc1ea0582d228f12dcc2c2ea"

#: Folder/file of the matbench v0.1 official folds (gzip of the JSON in the matbench 0.6 wheel).
MATBENCH_FOLDS_PATH = "matbench_v0.1/matbench/matbench_v0.1_validation.json.gz"


_DATA = resources.files(__package__) / "data"


def _read_sha256() -> dict[str, str]:
    """sha256 of every catalogued file, relative path -> hex digest (``data/sha256.json``)."""
    with (_DATA / "sha256.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def _read_crossprop() -> list[tuple]:
    """CrossPropertyTL's 41 datasets (``data/crossprop.csv``): folder, paper name, train file,
    test file, target column, unit, source, total rows."""
    with (_DATA / "crossprop.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keys = ("folder", "paper_name", "train_file", "test_file", "target", "unit", "source")
    return [(*(r[k] for k in keys), int(r["n_total"])) for r in rows]


_SHA256 = _read_sha256()
_CROSSPROP = _read_crossprop()

_CRABNET_SPLITS = {
    "CritExam__Ed": (("train", 59509), ("val", 12752), ("test", 12753)),
    "CritExam__Ef": (("train", 59509), ("val", 12752), ("test", 12753)),
    "OQMD_Bandgap": (("train", 239125), ("val", 51241), ("test", 51242)),
    "OQMD_Energy_per_atom": (("train", 239190), ("val", 51255), ("test", 51255)),
    "OQMD_Formation_Enthalpy": (("train", 239190), ("val", 51255), ("test", 51255)),
    "OQMD_Volume_per_atom": (("train", 239190), ("val", 51255), ("test", 51255)),
    "aflow__Egap": (("train", 19330), ("val", 4125), ("test", 4122)),
    "aflow__ael_bulk_modulus_vrh": (("train", 3428), ("val", 732), ("test", 736)),
    "aflow__ael_debye_temperature": (("train", 3428), ("val", 732), ("test", 736)),
    "aflow__ael_shear_modulus_vrh": (("train", 3428), ("val", 732), ("test", 736)),
    "aflow__agl_thermal_conductivity_300K": (("train", 3422), ("val", 733), ("test", 732)),
    "aflow__agl_thermal_expansion_300K": (("train", 3421), ("val", 733), ("test", 732)),
    "aflow__energy_atom": (("train", 19346), ("val", 4118), ("test", 4115)),
    "mp_bulk_modulus": (("train", 4414), ("val", 946), ("test", 947)),
    "mp_e_hull": (("train", 39663), ("val", 8499), ("test", 8500)),
    "mp_elastic_anisotropy": (("train", 4431), ("val", 950), ("test", 950)),
    "mp_mu_b": (("train", 39663), ("val", 8499), ("test", 8500)),
    "mp_shear_modulus": (("train", 4328), ("val", 928), ("test", 928)),
}


def _f(path: str, url: str | None = None) -> DataFile:
    return DataFile(path=path, sha256=_SHA256[path], url=url)


def _experimental_14() -> list[DatasetInfo]:
    out = []
    efe = "cromel/dataset/tgt_exp/efe.xlsx"
    out.append(
        DatasetInfo(
            name="efe",
            title="EFE: experimental formation enthalpies (Kim et al. 2017), CroMEL's target file",
            property="formation enthalpy",
            unit="eV/atom",
            task="regression",
            n_rows=1196,
            files=(_f(efe, f"{_URL_CROMEL}/dataset/tgt_exp/efe.xlsx"),),
            reader="efe",
            citation=_BIB_KIM2017 + "\n" + _BIB_CROMEL,
            licence=_NO_LICENCE + "; values from Kim et al. (figshare collection 3822835)",
            source_url="https://github.com/ngs00/CroMEL",
            collection="experimental-14",
            protocols=("grouped-kfold", "cromel-5fold"),
            notes=(
                "Sheet ent_fe, target form_eng_exp (already eV/atom). 1,196 rows but 1,145 unique "
                "formulas: 51 repeated measurements, so row-level folds leak; use grouped folds. "
                "Columns form_eng_mp / form_eng_oqmd (DFT, '-' where missing) are kept in "
                "metadata['dft'] and never used as inputs."
            ),
        )
    )
    out.append(
        DatasetInfo(
            name="matbench_expt_gap",
            title="EBG: experimental band gaps (Zhuo et al. 2018), matbench_expt_gap",
            property="band gap",
            unit="eV",
            task="regression",
            n_rows=4604,
            files=(
                _f(
                    "matbench_v0.1/scripts/artifacts/matbench_expt_gap.json.bz2",
                    f"{_URL_MATBENCH}/scripts/artifacts/matbench_expt_gap.json.bz2",
                ),
            ),
            reader="matbench",
            reader_kwargs={"target": "gap expt"},
            citation=_BIB_ZHUO2018 + "\n" + _BIB_MATBENCH,
            licence=_MIT_MATBENCH,
            source_url="https://matbench.materialsproject.org",
            collection="experimental-14",
            protocols=("grouped-kfold", "matbench"),
            notes=(
                "Metals have gap 0 eV (about half the rows). Row ids are matbench mbids; the "
                "official folds (protocol 'matbench') are read from " + MATBENCH_FOLDS_PATH + "."
            ),
        )
    )
    gtt = "expt_other/mastml_metallic_glass_trg/Metallic_Glass_Forming_with_features2.xlsx"
    out.append(
        DatasetInfo(
            name="gtt_trg",
            title="GTT: metallic-glass reduced glass-transition temperature Trg = Tg/Tl (MAST-ML)",
            property="reduced glass-transition temperature Tg/Tl",
            unit="dimensionless",
            task="regression",
            n_rows=583,
            files=(_f(gtt, f"{_URL_PSOSVR}/Metallic_Glass_Forming_with_features2.xlsx"),),
            reader="gtt",
            citation=_BIB_MASTML,
            licence="MIT (re-upload in wongshiyuen/PSO-SVR); cite the figshare article",
            source_url="https://figshare.com/articles/dataset/MAST-ML_Education_Datasets/7017254",
            collection="experimental-14",
            notes=(
                "585 rows in the file; the loader drops Fe68Mo5Ni5Cr2P12.5C5B2.5 (Trg missing) "
                "and Ti40Zr10Cu34Pd16 (Trg 0.223 is wrong: Tg/Tl from the DMREF database is "
                "0.546). Compositions are at.% strings; 7 do not sum to 100 and are normalised "
                "to fractions by the featurizers. The 20 pre-standardised features and the 47 "
                "added element columns of the file are NOT used (they leak / are unreliable)."
            ),
        )
    )
    estm = "expt_ngs00/simd/dataset/estm.xlsx"
    estm_targets = [
        ("seebeck", "seebeck_coefficient(μV/K)", "Seebeck coefficient", "μV/K", None),
        (
            "log_sigma",
            "electrical_conductivity(S/m)",
            "electrical conductivity, log10",
            "log10(S/m)",
            "log10",
        ),
        ("kappa", "thermal_conductivity(W/mK)", "thermal conductivity", "W/(m·K)", None),
        ("power_factor", "power_factor(W/mK2)", "power factor", "W/(m·K²)", None),
        ("zt", "ZT", "thermoelectric figure of merit ZT", "dimensionless", None),
    ]
    for short, col, prop, unit, transform in estm_targets:
        out.append(
            DatasetInfo(
                name=f"estm_{short}",
                title=f"TM (ESTM) experimental thermoelectrics: {prop}",
                property=prop,
                unit=unit,
                task="regression",
                n_rows=5205,
                files=(_f(estm, f"{_URL_SIMD}/dataset/estm.xlsx"),),
                reader="thermoelectric",
                reader_kwargs={
                    "formula": "Formula",
                    "temperature": "temperature(K)",
                    "target": col,
                    "transform": transform,
                    "sigma_scale": 1.0,
                },
                citation=_BIB_ESTM,
                licence=_NO_LICENCE,
                source_url="https://github.com/ngs00/simd",
                collection="experimental-14",
                extra_inputs=("temperature",),
                notes=(
                    "Inputs: composition and temperature (K). 880 formulas, ~5.9 temperatures "
                    "each, 49 repeated (formula, T) groups with different values: group folds by "
                    "formula. Seebeck is signed (n-type negative, physical). σ is in S/m in the "
                    "file and spans 11 decades: the estm_log_sigma target is log10(σ / (S/m)) "
                    "(CroMEL's log_target). 156 rows break PF = S²σ and 402 break ZT = PF·T/κ by "
                    "more than 2 % (metadata['pf_inconsistent_rows'] and ['zt_inconsistent_rows']; "
                    "flagged, not dropped)."
                ),
            )
        )
    mrl = "expt_ngs00/DopNet/dataset/mrl.xlsx"
    mrl_targets = [
        ("seebeck", "seebeck_coefficient", "Seebeck coefficient", "μV/K", None),
        (
            "log_sigma",
            "electrical_conductivity",
            "electrical conductivity, log10",
            "log10(S/m)",
            "log10",
        ),
        ("kappa", "thermal_conductivity", "thermal conductivity", "W/(m·K)", None),
        ("power_factor", "power_factor", "power factor", "W/(m·K²)", None),
        ("zt", "ZT", "thermoelectric figure of merit ZT", "dimensionless", None),
    ]
    for short, col, prop, unit, transform in mrl_targets:
        out.append(
            DatasetInfo(
                name=f"mrl_{short}",
                title=f"MRL doped thermoelectrics (DopNet): {prop}",
                property=prop,
                unit=unit,
                task="regression",
                n_rows=573,
                files=(_f(mrl, f"{_URL_DOPNET}/dataset/mrl.xlsx"),),
                reader="thermoelectric",
                reader_kwargs={
                    "formula": "Formula",
                    "temperature": "temperature",
                    "target": col,
                    "transform": transform,
                    # the file stores σ in S/cm; 1 S/cm = 100 S/m
                    "sigma_scale": 100.0,
                },
                citation=_BIB_MRL,
                licence=_NO_LICENCE,
                source_url="https://github.com/ngs00/DopNet",
                collection="experimental-14",
                extra_inputs=("temperature",),
                notes=(
                    "Inputs: composition and temperature (300, 400 or 700 K). σ is stored in "
                    "S/cm (unlike ESTM's S/m): the loader converts to S/m (×100) before log10, "
                    "so mrl_log_sigma and estm_log_sigma share the unit log10(S/m). 40 repeated "
                    "(formula, T) groups with different values: group folds by formula. 9 "
                    "Fe2O3-based rows have σ 1e4 too large (PF = 1e-4·S²σ) and undoped Zn1.0O1.0 is "
                    "inconsistent. With a 2 % tolerance 49 rows break PF = S²σ and 226 break "
                    "ZT = PF·T/κ (S is rounded to integers, ZT to 2 decimals in ~80 % of rows); "
                    "they are listed in metadata['pf_inconsistent_rows'] / "
                    "['zt_inconsistent_rows'], flagged, not dropped."
                ),
            )
        )
    out.append(
        DatasetInfo(
            name="kingsbury_formation_enthalpy",
            title="Kingsbury/Wang experimental formation enthalpies (MP2020 fitting set)",
            property="standard formation enthalpy (298 K)",
            unit="eV/atom",
            task="regression",
            n_rows=2135,
            files=(_f("pymatgen_exp_compounds/exp_compounds.json.gz"),),
            reader="kingsbury",
            citation=_BIB_KINGSBURY,
            licence=_MIT_PYMATGEN,
            source_url="https://github.com/materialsproject/pymatgen",
            collection="experimental-14",
            embedded=True,
            notes=(
                "Read from the installed pymatgen (importlib.resources, exp_compounds.json.gz); "
                "no data home needed. The file's 'exp energy' is eV per formula unit: the loader "
                "divides by the number of atoms in the formula (Ag2CO3: -5.2422 eV/f.u. -> "
                "-0.8737 eV/atom). Identical to matminer's expt_formation_enthalpy_kingsbury. "
                "Uncertainties and mp-ids are in metadata['uncertainty'] / metadata['mpid']."
            ),
        )
    )
    return out


def _matbench_others() -> list[DatasetInfo]:
    specs = [
        (
            "matbench_expt_is_metal",
            "is_metal",
            "metallicity (experimental)",
            "1 = metal, 0 = non-metal",
            "classification",
            4921,
            _BIB_ZHUO2018,
        ),
        (
            "matbench_steels",
            "yield strength",
            "yield strength of steels",
            "MPa",
            "regression",
            312,
            "",
        ),
        (
            "matbench_glass",
            "gfa",
            "metallic-glass formation (Landolt-Börnstein)",
            "1 = glass former, 0 = not",
            "classification",
            5680,
            _BIB_KAWAZOE,
        ),
    ]
    out = []
    for name, target, prop, unit, task, n, bib in specs:
        path = f"matbench_v0.1/scripts/artifacts/{name}.json.bz2"
        out.append(
            DatasetInfo(
                name=name,
                title=f"matbench v0.1 {name}",
                property=prop,
                unit=unit,
                task=task,
                n_rows=n,
                files=(_f(path, f"{_URL_MATBENCH}/scripts/artifacts/{name}.json.bz2"),),
                reader="matbench",
                reader_kwargs={"target": target},
                citation=(bib + "\n" + _BIB_MATBENCH).strip(),
                licence=_MIT_MATBENCH,
                source_url="https://matbench.materialsproject.org",
                collection="matbench",
                protocols=("grouped-kfold", "matbench"),
                notes=(
                    "Official folds: protocol 'matbench' (KFold/StratifiedKFold, 5 folds, "
                    "random_state 18012019). Classification targets are returned as 0/1 floats."
                    + (
                        " Steel compositions are atomic-fraction strings."
                        if name == "matbench_steels"
                        else ""
                    )
                ),
            )
        )
    return out


def _crossprop() -> list[DatasetInfo]:
    out = []
    for folder, paper, train, test, target, unit, source, n_total in _CROSSPROP:
        experimental = source == "experimental"
        base = f"crossprop/CrossPropertyTL/data/{folder}"
        url = f"{_URL_CROSSPROP}/data/{folder}"
        notes = (
            "CrossPropertyTL's train/test files (about 90/10; the paper's test sets). Protocol "
            "'crossprop' uses them as one split; metadata['split'] marks each row. Polymorphs "
            "are not merged, so some formulas sit in both files: the leak-free protocol groups "
            "by formula instead."
        )
        if folder in ("meps", "mbj_bandgap"):
            notes += (
                " Excel had turned FeB2/FeB3 into the dates '2-Feb'/'3-Feb' in the training "
                "file; the loader restores them (metadata['fixed_formulas'])."
            )
        if folder in ("pem300k", "nem300k"):
            notes += " pem300k and nem300k hold identical formulas and values."
        out.append(
            DatasetInfo(
                name=f"crossprop_{folder}",
                title=f"CrossPropertyTL {paper} ({'experimental' if experimental else 'JARVIS-DFT'})",
                property=target,
                unit=unit,
                task="regression",
                n_rows=n_total,
                files=(
                    _f(f"{base}/{train}", f"{url}/{train}"),
                    _f(f"{base}/{test}", f"{url}/{test}"),
                ),
                reader="crossprop",
                reader_kwargs={"target": target},
                citation=_BIB_CROSSPROP,
                licence=_NU_COPYRIGHT + "; values from JARVIS-DFT / matminer",
                source_url="https://github.com/NU-CUCIS/CrossPropertyTL",
                collection="experimental" if experimental else "crossprop",
                protocols=("grouped-kfold", "crossprop"),
                notes=notes,
            )
        )
    return out


#: (folder, split) files taken from the crabnet 2.0.8 wheel (no raw GitHub URL)
_CRABNET_FROM_WHEEL = {
    (f, "train")
    for f in ("OQMD_Energy_per_atom", "OQMD_Formation_Enthalpy", "OQMD_Volume_per_atom")
}

_CRABNET_META = {
    # folder: (name, property, unit, citation)
    "OQMD_Formation_Enthalpy": ("oqmd_formation_enthalpy", "formation enthalpy (DFT)", "eV/atom"),
    "OQMD_Energy_per_atom": ("oqmd_energy_per_atom", "total energy (DFT)", "eV/atom"),
    "OQMD_Volume_per_atom": ("oqmd_volume_per_atom", "volume per atom (DFT)", "Å³/atom"),
    "OQMD_Bandgap": ("oqmd_bandgap", "band gap (DFT)", "eV"),
    "CritExam__Ed": ("bartel_decomposition_energy", "decomposition energy (DFT)", "eV/atom"),
    "CritExam__Ef": ("bartel_formation_energy", "formation energy (DFT)", "eV/atom"),
    "aflow__Egap": ("aflow_band_gap", "band gap (DFT)", "eV"),
    "aflow__ael_bulk_modulus_vrh": ("aflow_bulk_modulus", "bulk modulus VRH (DFT)", "GPa"),
    "aflow__ael_debye_temperature": ("aflow_debye_temperature", "Debye temperature (DFT)", "K"),
    "aflow__ael_shear_modulus_vrh": ("aflow_shear_modulus", "shear modulus VRH (DFT)", "GPa"),
    "aflow__agl_thermal_conductivity_300K": (
        "aflow_thermal_conductivity",
        "thermal conductivity at 300 K (AGL)",
        "W/(m·K)",
    ),
    "aflow__agl_thermal_expansion_300K": (
        "aflow_thermal_expansion",
        "thermal expansion at 300 K (AGL)",
        "1/K",
    ),
    "aflow__energy_atom": ("aflow_energy_per_atom", "total energy (DFT)", "eV/atom"),
    "mp_bulk_modulus": ("mp_bulk_modulus", "bulk modulus (DFT)", "GPa"),
    "mp_e_hull": ("mp_e_hull", "energy above hull (DFT)", "eV/atom"),
    "mp_elastic_anisotropy": ("mp_elastic_anisotropy", "elastic anisotropy (DFT)", "dimensionless"),
    "mp_mu_b": ("mp_magnetic_moment", "magnetic moment (DFT)", "μB"),
    "mp_shear_modulus": ("mp_shear_modulus", "shear modulus (DFT)", "GPa"),
}


def _computed_sources() -> list[DatasetInfo]:
    out = []
    for name, fname, prop, unit, n in (
        ("mp_e_form", "mp_e_form.csv", "formation energy (DFT, MP)", "eV/atom", 132752),
        ("mp_gap", "mp_gap.csv", "band gap (DFT-PBE, MP)", "eV", 106113),
    ):
        path = f"crabnet/data/matbench/{fname}"
        out.append(
            DatasetInfo(
                name=name,
                title=f"Materials Project {prop} as compositions (matbench_{name}, CrabNet copy)",
                property=prop,
                unit=unit,
                task="regression",
                n_rows=n,
                files=(_f(path, f"{_URL_CRABNET}/data/matbench/{fname}"),),
                reader="crabnet",
                citation=_BIB_MP + "\n" + _BIB_MATBENCH + "\n" + _BIB_CRABNET,
                licence=_MIT_CRABNET,
                source_url="https://github.com/anthony-wang/CrabNet",
                collection="computed-source",
                protocols=("grouped-kfold",),
                notes=(
                    "Structure task reduced to formulas: polymorphs appear as repeated formulas "
                    "with different targets (group by formula). Same row order as matbench."
                ),
            )
        )
    for folder, parts in _CRABNET_SPLITS.items():
        name, prop, unit = _CRABNET_META[folder]
        base = f"crabnet/data/benchmark_data/{folder}"
        files = tuple(
            _f(
                f"{base}/{split}.csv",
                None  # not in the GitHub snapshot: from the crabnet 2.0.8 wheel
                if (folder, split) in _CRABNET_FROM_WHEEL
                else f"{_URL_CRABNET}/data/benchmark_data/{folder}/{split}.csv",
            )
            for split, _ in parts
        )
        missing = [s for s in ("train", "val", "test") if s not in dict(parts)]
        db = folder.split("_")[0]
        bib = {"OQMD": _BIB_OQMD, "mp": _BIB_MP}.get(db, "")
        notes = (
            "CrabNet's extended benchmark table (70/15/15 splits, kept in metadata['split']); "
            "units as in the source database (assumed, not restated upstream)."
        )
        if any((folder, split) in _CRABNET_FROM_WHEEL for split, _ in parts):
            notes += (
                " train.csv is not in the GitHub repository: it comes from the crabnet 2.0.8 "
                "wheel on PyPI (crabnet/data/benchmark_data/" + folder + "/train.csv; the "
                "wheel's val/test files are byte-identical to the repository's), so it has no "
                "download URL: pip download crabnet==2.0.8 --no-deps and unzip that path into "
                "the data home. train+val+test is the 341,700-row table of the CrabNet paper and "
                "the CrossPropertyTL/ElemNet source."
            )
        if missing:
            notes += (
                f" Only {'+'.join(s for s, _ in parts)} are available offline (the upstream "
                f"{'/'.join(missing)}.csv blob was too large to retrieve), about 30 % of the table."
            )
        out.append(
            DatasetInfo(
                name=name,
                title=f"{folder} (CrabNet benchmark_data)",
                property=prop,
                unit=unit,
                task="regression",
                n_rows=sum(n for _, n in parts),
                files=files,
                reader="crabnet",
                citation=(bib + "\n" + _BIB_CRABNET).strip(),
                licence=_MIT_CRABNET,
                source_url="https://github.com/anthony-wang/CrabNet",
                collection="computed-source",
                protocols=("grouped-kfold",),
                notes=notes,
            )
        )
    return out


def _other_experimental() -> list[DatasetInfo]:
    mdf = "expt_other/mdf_dmref_metallic_glasses_tg/MDF_DMREF_Metallic_Glasses_v5.csv"
    roost = "roost/data/datasets/roost/expt-non-metals.csv"
    return [
        DatasetInfo(
            name="mdf_glass_tg",
            title="Metallic-glass glass-transition temperature Tg (UW-Madison DMREF/MDF v5)",
            property="glass-transition temperature",
            unit="K",
            task="regression",
            n_rows=2518,
            files=(_f(mdf, f"{_URL_MDF}/features/MDF_DMREF_Metallic_Glasses_v5.csv"),),
            reader="mdf_tg",
            citation=_BIB_MDF,
            licence=_NO_LICENCE + "; MDF dataset terms unchecked",
            source_url="https://github.com/leschultz/Molecular-Dynamic-Characteristic-"
            "Temperatures-for-Predicting-Metallic-Glass-Forming-Ability",
            collection="experimental",
            notes=(
                "Rows with a Tg value (2,520); the two ×10 typos (Tg > 2000 K: "
                "Al7.5Cu17.5Ni10Zr65 6502 K, Cu27Ni10P20Pd43 5850.5 K) are dropped. 1,472 "
                "compositions with up to several reports each: group folds by composition."
            ),
        ),
        DatasetInfo(
            name="roost_expt_non_metal_gap",
            title="Experimental band gaps of non-metals (Zhuo et al. 2018, Roost copy)",
            property="band gap",
            unit="eV",
            task="regression",
            n_rows=3895,
            files=(_f(roost, f"{_URL_ROOST}/data/datasets/roost/expt-non-metals.csv"),),
            reader="roost",
            citation=_BIB_ZHUO2018 + "\n" + _BIB_ROOST,
            licence="MIT (Roost repository)",
            source_url="https://github.com/CompRhys/roost",
            collection="experimental",
            notes="Not deduplicated: 2,482 unique compositions in 3,895 rows; group by formula.",
        ),
    ]


def _structures() -> list[DatasetInfo]:
    labels = "mp_elastic_structs/labels.csv"
    out = []
    for target, prop, unit in (
        ("form_eng", "formation energy (DFT, MP)", "eV/atom"),
        ("band_gap", "band gap (DFT, MP)", "eV"),
    ):
        out.append(
            DatasetInfo(
                name=f"mp_elastic_structs_{target}",
                title=f"2,275 labelled MP structures with elastic tensors: {prop}",
                property=prop,
                unit=unit,
                task="regression",
                n_rows=2275,
                files=(_f(labels),),
                reader="mp_structs",
                reader_kwargs={"target": target},
                citation=_BIB_MP,
                licence=(
                    "structures MIT (salil91/intrinsic-hardness) / MP CC-BY 4.0; labels compiled "
                    "from ngs00/emrl (no licence): re-derive from MP before publishing"
                ),
                source_url="https://github.com/salil91/intrinsic-hardness",
                collection="structure",
                input="structure",
                notes=(
                    "X['structure'] holds pymatgen Structures parsed from mp_elastic_structs/cif/"
                    "<m_id>.cif (2,540 files, not checksummed one by one); 265 CIFs have no label "
                    "and are skipped. labels.csv is a local join (no download URL)."
                ),
            )
        )
    base = "cdvae_perov5/data/perov_5"
    out.append(
        DatasetInfo(
            name="cdvae_perov5_heat_all",
            title="Perov-5 cubic perovskites (Castelli), val+test parts, heat of formation",
            property="heat of formation of the 5-atom cell (DFT)",
            unit="eV per 5-atom cell",
            task="regression",
            n_rows=7572,
            files=(
                _f(f"{base}/val.csv", f"{_URL_CDVAE}/data/perov_5/val.csv"),
                _f(f"{base}/test.csv", f"{_URL_CDVAE}/data/perov_5/test.csv"),
            ),
            reader="perov5",
            reader_kwargs={"target": "heat_all"},
            citation=_BIB_PEROV,
            licence="MIT (cdvae repository); Castelli et al. CMR data",
            source_url="https://github.com/txie-93/cdvae",
            collection="structure",
            input="structure",
            notes=(
                "CIF strings parsed to pymatgen Structures (5 atoms each). heat_all follows "
                "matbench_perovskites (eV per 5-atom cell); divide by 5 for eV/atom. Only the "
                "val+test parts (7,572 of 18,928) are available offline."
            ),
        )
    )
    for name, path, col, n, title in (
        (
            "ce_spinel_formation_energy",
            "ce/csv/spinel_source_FE_CE_AB_AB.csv",
            "FormationEnergy/atom",
            5174,
            "AB2O4 normal spinels (source domain of the CE transfer)",
        ),
        (
            "ce_perovskite_formation_energy",
            "ce/csv/perovskite_target_FE_CE_AB_AB.csv",
            "formation_energy_per_atom",
            855,
            "ABO3 perovskite oxides (target domain of the CE transfer)",
        ),
    ):
        out.append(
            DatasetInfo(
                name=name,
                title=title,
                property="formation energy (DFT)",
                unit="eV/atom",
                task="regression",
                n_rows=n,
                files=(_f(path),),
                reader="ce",
                reader_kwargs={"target": col},
                citation=_BIB_CE,
                licence="MIT (liyihang1024/spinel_to_perovskite_TL)",
                source_url="https://github.com/liyihang1024/spinel_to_perovskite_TL",
                collection="ce",
                notes=(
                    "Local CSV conversion of the repository's xlsx (no download URL). X has the "
                    "formula only; the 112 Center-Environment features A1..A56, B1..B56 are in "
                    "metadata['ce_features']. Spinel targets have outliers (43 > 0, max +7.73 "
                    "eV/atom). Spinel structures: ce/spinel_to_perovskite_TL/CE-features-"
                    "generation/cif_conventional_unrelax.tar.gz (5,173 unrelaxed CIFs)."
                    if "spinel" in name
                    else "Local CSV conversion of the repository's xlsx (no download URL). X has "
                    "the formula only; the 112 CE features are in metadata['ce_features']. "
                    "The paper's CE transfer: TL 0.106, scratch 0.132 eV/atom."
                ),
            )
        )
    return out


def _build() -> dict[str, DatasetInfo]:
    entries = (
        _experimental_14()
        + _matbench_others()
        + _other_experimental()
        + _crossprop()
        + _computed_sources()
        + _structures()
    )
    cat = {}
    for e in entries:
        if e.name in cat:  # pragma: no cover - guarded by the catalogue test
            raise RuntimeError(f"duplicate catalogue name {e.name!r}")
        cat[e.name] = e
    return cat


#: name -> :class:`DatasetInfo` for every catalogued dataset.
CATALOGUE: dict[str, DatasetInfo] = _build()

#: The 14 experimental datasets of the skcromel suite, in the order of docs/benchmarks.md.
SUITE_14: tuple[str, ...] = tuple(
    e.name for e in CATALOGUE.values() if e.collection == "experimental-14"
)


#: Collections whose datasets are evaluation targets: no pretrained source may have seen any of
#: their compositions (see :func:`skcromel.cross_property.benchmark_compositions`).
BENCHMARK_COLLECTIONS: tuple[str, ...] = (
    "experimental-14",
    "experimental",
    "matbench",
    "crossprop",
)
#: Evaluation targets outside those collections (the CE transfer's perovskite target domain).
BENCHMARK_EXTRA: tuple[str, ...] = ("ce_perovskite_formation_energy",)
#: Other files in the data home with copies of benchmark sets (other spellings or the raw,
#: undeduplicated versions): ``(path, composition column)``. Excluded too, to be safe.
BENCHMARK_COPIES: tuple[tuple[str, str], ...] = (
    ("crabnet/data/matbench/expt_gap.csv", "formula"),
    ("crabnet/data/matbench/expt_is_metal.csv", "formula"),
    ("crabnet/data/matbench/glass.csv", "formula"),
    ("crabnet/data/matbench/steels_yield.csv", "formula"),
    ("matminer_csv/expt_formation_enthalpy.csv", "formula"),
    ("matminer_csv/expt_formation_enthalpy_kingsbury.csv", "formula"),
    ("matminer_csv/expt_gap.csv", "formula"),
    ("matminer_csv/glass_binary_v2.csv", "formula"),
    (
        "expt_other/mastml_metallic_glass_trg/Metallic_Glass_Forming_with_features2.csv",
        "Material compositions",
    ),
    ("expt_ngs00/simd/dataset/estm.csv", "Formula"),
    ("expt_ngs00/DopNet/dataset/mrl.csv", "Formula"),
)


#: Structure pools of the data home used to pretrain structure-aware sources (CroMEL): how the
#: composition of each structure is read from the tables, in the order the pretraining script
#: loads them (``file`` one or several CSVs, ``column`` the formula, ``dropna`` rows kept only
#: with these labels, ``tar_members`` a tarball whose ``<formula>.cif`` members select the rows).
STRUCTURE_POOLS: dict[str, dict] = {
    "mp_elastic_structs": {
        "file": "mp_elastic_structs/labels.csv",
        "column": "formula",
        "dropna": ["form_eng"],
    },
    "cdvae_perov5": {
        "file": ["cdvae_perov5/data/perov_5/val.csv", "cdvae_perov5/data/perov_5/test.csv"],
        "column": "formula",
    },
    "ce_spinels": {
        "file": "ce/csv/spinel_source_FE_CE_AB_AB.csv",
        "column": "formula",
        "tar_members": "ce/spinel_to_perovskite_TL/CE-features-generation/"
        "cif_conventional_unrelax.tar.gz",
    },
}


def benchmark_dataset_names() -> tuple[str, ...]:
    """Catalogue names of every evaluation target (collections above, plus the extras)."""
    return tuple(
        e.name
        for e in CATALOGUE.values()
        if e.collection in BENCHMARK_COLLECTIONS or e.name in BENCHMARK_EXTRA
    )


def get_dataset_info(name: str) -> DatasetInfo:
    """Return the catalogue entry of ``name``.

    Raises
    ------
    KeyError
        With the list of known names when ``name`` is not catalogued.
    """
    try:
        return CATALOGUE[name]
    except KeyError:
        known = ", ".join(sorted(CATALOGUE))
        raise KeyError(f"unknown dataset {name!r}; known datasets: {known}") from None
