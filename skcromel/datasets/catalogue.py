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

from dataclasses import dataclass, field

__all__ = ["CATALOGUE", "SUITE_14", "DataFile", "DatasetInfo", "get_dataset_info"]


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


# sha256 of every catalogued file (computed from the shared data folder)
_SHA256 = {
    "cromel/dataset/tgt_exp/efe.xlsx": "dc8cd9dddb2c4edf9c37c20c63eac3c70efe24ce8fb69234217f8bb0fed46fb9",
    "expt_ngs00/simd/dataset/estm.xlsx": "f3853d4e25cc471e8e07734fd520ce27402d3a3da16fb5917a412d3cdf28b850",
    "expt_ngs00/DopNet/dataset/mrl.xlsx": "4aef137b00484625a95d68f5d930701d64993120a2350734ab24a462cb0935b1",
    "expt_other/mastml_metallic_glass_trg/Metallic_Glass_Forming_with_features2.xlsx": "ae78521b94624277cef459edbc61e6972b70b3821e26ce5de4d35ba4bbb194a6",
    "expt_other/mdf_dmref_metallic_glasses_tg/MDF_DMREF_Metallic_Glasses_v5.csv": "150887abf9bc30a03502fb9c1cf590ee7fa18cecbc116b7041cb04190e99a760",
    "pymatgen_exp_compounds/exp_compounds.json.gz": "1c77f299b6e50b23abeea421793da35acca9583f322e01a38224789e6e3f6aac",
    "matminer_csv/expt_formation_enthalpy_kingsbury.csv": "2244dad34880021a985bb7bd35eec25147a7776cd016b9a27cce20bba8c812c3",
    "matbench_v0.1/scripts/artifacts/matbench_dielectric.json.bz2": "828b3c40e350e146177e86fdf5812d409688fbedee29c84dea6aacb146a31d37",
    "matbench_v0.1/scripts/artifacts/matbench_expt_gap.json.bz2": "11d79ac6f2c25e23a136295e9bc37ea9ea4a9fa936c6bc366e777c1cb1c397b9",
    "matbench_v0.1/scripts/artifacts/matbench_expt_is_metal.json.bz2": "72b2b60ebe3506aae9d3498f8fbb6c0e7268ba502c0c30561b5ff90490643ba1",
    "matbench_v0.1/scripts/artifacts/matbench_glass.json.bz2": "0f907acf156830277fbcb168985cf1cd77e4598b0d4351c441967b9f5d294f21",
    "matbench_v0.1/scripts/artifacts/matbench_jdft2d.json.bz2": "57591e4c178800135bfb497246ddf4422a14fcde67f77187c66a28f9632ff20c",
    "matbench_v0.1/scripts/artifacts/matbench_log_gvrh.json.bz2": "4895201003e4da1592fe2bad4ba7c627f204e755fd929c43984b0ca5c6d34e40",
    "matbench_v0.1/scripts/artifacts/matbench_log_kvrh.json.bz2": "c61c243695d00ba290e1787b3a6c9d849a7da0b3f2339f847d1dfa173eec9d75",
    "matbench_v0.1/scripts/artifacts/matbench_mp_e_form.json.bz2": "961b8860f59ef81c6828b91dc5ce10371c7cc744c52bdd5a0433086e5295da75",
    "matbench_v0.1/scripts/artifacts/matbench_mp_gap.json.bz2": "ba32d1f0e79dc94e453e4efd3208cd288ba8e54dbef37ff700e896eafa539ac8",
    "matbench_v0.1/scripts/artifacts/matbench_mp_is_metal.json.bz2": "4fa68d3469419db0f55c70bf1131415df803b1119f7be61673058e3a4dbbba5d",
    "matbench_v0.1/scripts/artifacts/matbench_perovskites.json.bz2": "3c45312ebb0c6e5f7be4d1f2842c186d4906afbb3f8e80882f3c08bc3ba49f0a",
    "matbench_v0.1/scripts/artifacts/matbench_phonons.json.bz2": "17ce45bd20aea96fa59d8adddb08abde59934033ba5446e7ffcc4df333331790",
    "matbench_v0.1/scripts/artifacts/matbench_steels.json.bz2": "f62ab2e43009e58bdeb3cb83637359e163e065caaf9fe309fab9bb8c7ad54aac",
    "matbench_v0.1/matbench/matbench_v0.1_dataset_metadata.json": "bd8d2962406a1829bda984c38c36b4f3ce6acc20e46d34a42d3ba5294a1df787",
    "matbench_v0.1/matbench/matbench_v0.1_validation.json.gz": "392cfba474c985572791fab35b0cb612b45a863f968b3a4340e29aa4ae5a1c14",
    "crossprop/CrossPropertyTL/data/bulkmoduluskv/bulkmoduluskv_test_set.csv": "0c3a1b973ea38610d0ea06ce6bdb3c0151096c2dae51ebff19f8f80543a3f389",
    "crossprop/CrossPropertyTL/data/bulkmoduluskv/bulkmoduluskv_training_set.csv": "0980a47605935c44cb6ed158dc26ec92f780bfef58727addecaa214d137970ba",
    "crossprop/CrossPropertyTL/data/deltae/deltae_test_set.csv": "1949068253e3cecb5347b272036b946df49a5f1198f7a690c0429546a8481411",
    "crossprop/CrossPropertyTL/data/deltae/deltae_training_set.csv": "d0fb3731aab4db0c4467cd2bc3e857400c96442c3db51920ebd2c4df66fb0823",
    "crossprop/CrossPropertyTL/data/ehull/ehull_test_set.csv": "9819a7dc368393f03124d8732a3a6a1e6342c8d8d64094804eb01f8dc9a34605",
    "crossprop/CrossPropertyTL/data/ehull/ehull_training_set.csv": "45a858d3482e5b3c9ee1bf4be0283bd98d21e2fa5b4bffcb5d82226247a71929",
    "crossprop/CrossPropertyTL/data/encut/encut_test_set.csv": "b50c4c190ad73c9bd7a48ea887198f3d8fe4965d02a81e0badf1ed7a3f8b5e2e",
    "crossprop/CrossPropertyTL/data/encut/encut_training_set.csv": "532a97652f452a1d70006931101555d70a065890cb96a90ca021053e874e54b5",
    "crossprop/CrossPropertyTL/data/eps/eps_test_set.csv": "0364626f5be98b2349032e5ccd55e6e0552cf3747e2153cef785174fb525d04b",
    "crossprop/CrossPropertyTL/data/eps/eps_training_set.csv": "60e50966ea56d1b3a8405e03907acb7395c80e4657acbe35928978a612af22a3",
    "crossprop/CrossPropertyTL/data/etc11/etc11_test_set.csv": "1ebeb8f4a6958665fd2acf4d705927170efc5c642ed7e6d149d833c92b7f3eee",
    "crossprop/CrossPropertyTL/data/etc11/etc11_training_set.csv": "f6e820b4c25ec9e42eeebc97b690eed0d96e86559259a67a1ae1e5bb810eb8da",
    "crossprop/CrossPropertyTL/data/etc12/etc12_test_set.csv": "0ff5d949a81bfb3098acf7e613470f8e92006411e29e7220ec6fd49c5d1bac3e",
    "crossprop/CrossPropertyTL/data/etc12/etc12_training_set.csv": "88d8229e25b8eda7474f03b683f2d0ee6fb6b02be6368e37365891938dbca5a0",
    "crossprop/CrossPropertyTL/data/etc13/etc13_test_set.csv": "90d0fd9ea778b765c342342fef96babb6c9771d1adb095bc8d2b0b9d7b0cf75c",
    "crossprop/CrossPropertyTL/data/etc13/etc13_training_set.csv": "632133d37efa2b9f20a16636c7485db94a3fa2b5f74a0bb5184bd51ad8c1666a",
    "crossprop/CrossPropertyTL/data/etc22/etc22_test_set.csv": "f438869d7f2514508297130bf6e0a1c495ef7875554f6330e1748f7ca06fd41c",
    "crossprop/CrossPropertyTL/data/etc22/etc22_training_set.csv": "3538952e8859175bfa31a747bfa8bbd210d467f5959fac2113fe3d74b9e1da47",
    "crossprop/CrossPropertyTL/data/etc33/etc33_test_set.csv": "de0bcb3b294d340cdf4721ae017fb076298f0d5488e5848a7dd4ef8f5c9254bd",
    "crossprop/CrossPropertyTL/data/etc33/etc33_training_set.csv": "b3217e6127d04630046535e1c1497fb8371dcd55f9fd76870119bb34b9828b16",
    "crossprop/CrossPropertyTL/data/etc44/etc44_test_set.csv": "6f78675053b0c6d383f2a5bec0c5d833218f6c774d7e038e391ee98aaf11587a",
    "crossprop/CrossPropertyTL/data/etc44/etc44_training_set.csv": "82f3b86dc5c188ec9d07510c4b1e9ced95ceca5d2e5630279763b4e5212d7baf",
    "crossprop/CrossPropertyTL/data/etc55/etc55_test_set.csv": "54d7f842ad111bd29c75574770e5a826841fe2aa73af395db4a25b1c8f738e73",
    "crossprop/CrossPropertyTL/data/etc55/etc55_training_set.csv": "07f439cc6313667e1f0ffaa9cd4cbd7d7d525fbab3b02c0490ecfee447749ce3",
    "crossprop/CrossPropertyTL/data/etc66/etc66_test_set.csv": "e35aae8ae21254ae1b1a9d9380ea75cc773f13990869a571924cc14c04c02592",
    "crossprop/CrossPropertyTL/data/etc66/etc66_training_set.csv": "98db6b8afd3c9e8d020a3d05f7b0987924d8b73c64a44c9f94af621d1a5f71a4",
    "crossprop/CrossPropertyTL/data/exfoliation_energy/exfoliation_test_set.csv": "bd32e72c84be84be4f3035f0aaac53391ea8f7866e6a8936fba9e6131f1489c2",
    "crossprop/CrossPropertyTL/data/exfoliation_energy/exfoliation_training_set.csv": "9958083e22962db83470b1b5e7d897d7d174afec71dc29c50192338a05637560",
    "crossprop/CrossPropertyTL/data/expt_bandgap/expt_bandgap_test_set.csv": "5daa60e8b8e11c2c05f0dfe325f1ac0eb406eaed68f1eeb2c6437aab8e1ec243",
    "crossprop/CrossPropertyTL/data/expt_bandgap/expt_bandgap_training_set.csv": "57fa671792945cafb9a6d206c63521761aa12bb3e46122fb792b3d0eb3521a7b",
    "crossprop/CrossPropertyTL/data/expt_deltae/expt_deltae_test_set.csv": "6211631cef23d46cfe50ea71fecf33d896d44ff627517b8591cbda3f0a912bf1",
    "crossprop/CrossPropertyTL/data/expt_deltae/expt_deltae_training_set.csv": "6fb5be8a8f637e53befc1c40e861ce45f9c71f8f77f43ffed2dba8e01eca8bbc",
    "crossprop/CrossPropertyTL/data/kaa/kaa_test_set.csv": "0b6e1124b7d353c7bfde117a7c7e1f7db809a9729c6fdfefa13cb9a0197d1052",
    "crossprop/CrossPropertyTL/data/kaa/kaa_training_set.csv": "4784868111af4539fc409a01fba69085fff83a82bd1d89929108152335064c13",
    "crossprop/CrossPropertyTL/data/klu/klu_test_set.csv": "f627000d5875629ef9fa6353d5013d1d83e3db402999c785ef7b7a6a4814c2a6",
    "crossprop/CrossPropertyTL/data/klu/klu_training_set.csv": "01671e8ed8f5e0a9741f31a6826e54d2113907eb4b0b569360970bc045db304a",
    "crossprop/CrossPropertyTL/data/magmom_oszicar/magoszi_test_set.csv": "859d137a3508367cda4e95a86f6d39a4ea40f46b388ca478f628dae2d8ad8987",
    "crossprop/CrossPropertyTL/data/magmom_oszicar/magoszi_training_set.csv": "9da8bd6fb28ab9caed6e00e9d32869efcf7243db89adf4b724c25de4b24ee29b",
    "crossprop/CrossPropertyTL/data/magmom_outcar/magout_test_set.csv": "91ced09c04ee866e206313a57817b28e32fb541644d8e1ab5e9d777950b04f7c",
    "crossprop/CrossPropertyTL/data/magmom_outcar/magout_training_set.csv": "4dc23117f11c959d69113d91dc370b6d33783f9f1be10ae53c0fb3808ce7ff4c",
    "crossprop/CrossPropertyTL/data/max_ir_mode/maxirm_test_set.csv": "1de8a1448d1658ee5b7096a18dabb4f9a0dd45fe1f7132e7d0af46f15ba80fa0",
    "crossprop/CrossPropertyTL/data/max_ir_mode/maxirm_training_set.csv": "80c9e7f4662e9fae1d0213e5761cc817e2615960d28f7406ee9f4c53aebd0d9f",
    "crossprop/CrossPropertyTL/data/max_mode/maxm_test_set.csv": "f0080f1d32a2b7f0693e418eb769bd307cb5c1cf7567333790b5b61ab04e02b2",
    "crossprop/CrossPropertyTL/data/max_mode/maxm_training_set.csv": "aaa63f901fe63870c1e2bb00d9605c1b2f044d8f515e536fb97423528be05994",
    "crossprop/CrossPropertyTL/data/mbj_bandgap/mbj_bandgap_test_set.csv": "4a46948fc5b46c7a502a4d83ea0b67087df329e2111700bf8f414d70a517010d",
    "crossprop/CrossPropertyTL/data/mbj_bandgap/mbj_bandgap_training_set.csv": "e67a540b2f62c9f8382e356a2d17fe7fefba39ed3c0d0a2714c743eb5a1d67d7",
    "crossprop/CrossPropertyTL/data/meps/meps_test_set.csv": "f4acebaeee8ca818bbd8b4dce9e6a981a6c7df0fa11c087e92d8dcb558218bea",
    "crossprop/CrossPropertyTL/data/meps/meps_training_set.csv": "32eec98a579e14549067a49cb0d7ad8f0eaba987f7a5255b22a15b676b0f387d",
    "crossprop/CrossPropertyTL/data/min_ir_mode/minirm_test_set.csv": "fe58c8351eb6fc79df1eec7e0da9aee9c505644abac2c417dafe3feb99b06714",
    "crossprop/CrossPropertyTL/data/min_ir_mode/minirm_training_set.csv": "929e4a87d09640082059c1e3b73ebdb9fb7f072fe2e715fe7ef7410fcc9ff637",
    "crossprop/CrossPropertyTL/data/min_mode/minm_test_set.csv": "e5ff6a0573cc9e2137507fcabf51a529365e111132424014aecaeeb7986c4273",
    "crossprop/CrossPropertyTL/data/min_mode/minm_training_set.csv": "ba0b75d02ac4a0a043fb266019885c46b60cb16c2723e1ecd68ed2de12a6952a",
    "crossprop/CrossPropertyTL/data/nem300k/nem300k_test_set.csv": "088c1d10af7c76b35535f02d0b2c99c036e3bfd18cc7d504e1d9fec8991fbee1",
    "crossprop/CrossPropertyTL/data/nem300k/nem300k_training_set.csv": "7295ceb1999fb6a83f19a64711a41182d2a6bb4ff96b0f46d5645e172530870f",
    "crossprop/CrossPropertyTL/data/npowerfact/npf_test_set.csv": "1984bf0e851f3599998b94f191413e81f2ee88f37447fa8a248cf1d0e8d76b7e",
    "crossprop/CrossPropertyTL/data/npowerfact/npf_training_set.csv": "c713319f9fe718b67346178f947e754774ae01fe1e66433cf7d086229971c117",
    "crossprop/CrossPropertyTL/data/nseebeck/nsb_test_set.csv": "3ef26e074b3cdd3938660d34e958747aed30188c19532931a9af683ca9818450",
    "crossprop/CrossPropertyTL/data/nseebeck/nsb_training_set.csv": "064d285aa073069065bd217bb8dc4a4e7757fdac103d7f36ded1c0c8b13594bd",
    "crossprop/CrossPropertyTL/data/optb88vdw_bandgap/optb88vdw_bandgap_test_set.csv": "6a66c75b1cf28b66a2a5b1f884dd6cce8ff26cb5bbf8e69cbdff6434e73f49ae",
    "crossprop/CrossPropertyTL/data/optb88vdw_bandgap/optb88vdw_bandgap_training_set.csv": "a8833e050e620fd2b168e30a7ca1f0779e3892fe1833dfdb99bcde240b6676d8",
    "crossprop/CrossPropertyTL/data/pem300k/pem300k_test_set.csv": "91ca4760a90e54a028ca5fd80b3913f09f5ff22931da8229814c961317205f25",
    "crossprop/CrossPropertyTL/data/pem300k/pem300k_training_set.csv": "8e35bbec244def3ecb239f5893906d3f621a6ea365437a9f8db7174d52e4cc08",
    "crossprop/CrossPropertyTL/data/piezo_max_di/pmdi_test_set.csv": "5721ea79451a3abb507909faf51e23d147e725d833e1759af32a35eb50053417",
    "crossprop/CrossPropertyTL/data/piezo_max_di/pmdi_training_set.csv": "4e225e22d6339f3d976c684f0706ff9bc7a244cff37ee35b1e857fb3f79f8238",
    "crossprop/CrossPropertyTL/data/piezo_max_diel/pmdiel_test_set.csv": "4f3a54906772778b09e3abaac07d4a91107338b37e8a39e06cafed8c01c88016",
    "crossprop/CrossPropertyTL/data/piezo_max_diel/pmdiel_training_set.csv": "f7df53e1a57d50ef3a426b11b448377f353511c51802780a00503a970ce66994",
    "crossprop/CrossPropertyTL/data/piezo_max_diio/pmdiio_test_set.csv": "c1b3b0b540cc370477b71e50d13569bfc06a338d808ebcd4d904a0c3e111c0ae",
    "crossprop/CrossPropertyTL/data/piezo_max_diio/pmdiio_training_set.csv": "f3932fe4da2f566e5b132fba356d129c4c2215b048dc22dd76aac60fc44e32f9",
    "crossprop/CrossPropertyTL/data/piezo_max_dij/pmdij_test_set.csv": "6aa1346046bc6a3e2b6f5b35c1089b08fcba1aa440c0cbb8430b8ed761a29431",
    "crossprop/CrossPropertyTL/data/piezo_max_dij/pmdij_training_set.csv": "bb0a4287ffedfdafc1cd06b244ba5eaa4fe5c60974c399522e208aa98fa95ee3",
    "crossprop/CrossPropertyTL/data/piezo_max_eij/pmeij_test_set.csv": "ffcf20057c1467f623a20a0af15a46fd9b391d6983c55d86168b2dcb581a0f6d",
    "crossprop/CrossPropertyTL/data/piezo_max_eij/pmeij_training_set.csv": "92c2d1206ae0ffca2fa244dd29854162b891d266577056152a225393d146a3e9",
    "crossprop/CrossPropertyTL/data/ppowerfact/ppf_test_set.csv": "b831c0297c55ec1a662d573cf7984c0c57726e4151b2b4e22c12158c74006baa",
    "crossprop/CrossPropertyTL/data/ppowerfact/ppf_training_set.csv": "1732b5bd4a8e080d3e487b0edfc0d2f8c9deb55ba27246024bd3e58fb54c2246",
    "crossprop/CrossPropertyTL/data/pseebeck/psb_test_set.csv": "28bd7a0dec5321cb9e4322fcfc3913b9f1c21672a1bd1a76d3644210714271ea",
    "crossprop/CrossPropertyTL/data/pseebeck/psb_training_set.csv": "aa2b0900facc9e4ada607c8b72783200ac15112e120692d3dcca53219cecc4f5",
    "crossprop/CrossPropertyTL/data/shearmodulusgv/shearmodulusgv_test_set.csv": "0f93d142533c737ef7bb227fb4b0ca4532d1761b96e1716d4c809f1ade434c69",
    "crossprop/CrossPropertyTL/data/shearmodulusgv/shearmodulusgv_training_set.csv": "da6a6fdb46e6317964f99eeda53b632bcde24ce98d3d3ac86cee1460a29aeb90",
    "crossprop/CrossPropertyTL/data/slme/slme_test_set.csv": "7ce96a2baf11cc15dddf9f9a9b3422e49d43d0eafa0b8f7e21639aec7fcb6c48",
    "crossprop/CrossPropertyTL/data/slme/slme_training_set.csv": "82234249343b9693666a7bcdfe5236173ee0be8fce2a275199515f80c99f3a09",
    "crossprop/CrossPropertyTL/data/spillage/spillage_test_set.csv": "6c2a88062ac2db336f6847d2518377c9e346df17169c2b3f40d4c34126538832",
    "crossprop/CrossPropertyTL/data/spillage/spillage_training_set.csv": "cc8f64e9fc0d28a8b15a7d1fd59f6acfe2796c67fac0f31534cc7b5cd96f987c",
    "crabnet/data/matbench/castelli.csv": "2aba6ff55450b269056de0e07362bd279d32abc8e4af04ca0100ecbb3e62bb97",
    "crabnet/data/matbench/dielectric.csv": "6320d3da4c0f68e9248e26c058bf047b71f43ec687a6db6faf4f7bc4f4f21c9e",
    "crabnet/data/matbench/elasticity_log10(G_VRH).csv": "6eda504f98a3b98308bb4f1353810f2703475daa85540b15aebe1fedf313304a",
    "crabnet/data/matbench/elasticity_log10(K_VRH).csv": "b4e2620ca797b9eca83a6633d4b94dc3ae047bba3f0eacd5cdb446a75d07d087",
    "crabnet/data/matbench/expt_gap.csv": "3de82c37f1db3ab9bbd92366c96633f131913ded5db0969eb36216bdd11cef2f",
    "crabnet/data/matbench/expt_is_metal.csv": "5b0828561a6c925d96cd0215f78eb1e8d1ca7c05e9e12fcdbdfbcaeaddd73f13",
    "crabnet/data/matbench/glass.csv": "2c76eaaad9c1d92959e99a8a5c77bf1dce605279ee83af0ba3ed18833dcf9a33",
    "crabnet/data/matbench/jdft2d.csv": "96e89a27ba23662de1fed19faaf577db45fd1a3b160d149b556e9d6a348a3056",
    "crabnet/data/matbench/mp_e_form.csv": "90e895635c96447c5be4e9070d26f26e1b4d17925102a6597ae3c4d79c32555b",
    "crabnet/data/matbench/mp_gap.csv": "4084e584467e6f81ec8bf12c438eeb2c049ae39e11401bae694ef6a9983b9d9f",
    "crabnet/data/matbench/mp_is_metal.csv": "080afc38363fd7e0872fb04ae93a73fdecd0329408d007e8811ccd6e96b7e79a",
    "crabnet/data/matbench/phonons.csv": "09108e3cbfead13edc0c18e66ca015cef28f7431fcc822038bc7b5ecc5d6222b",
    "crabnet/data/matbench/steels_yield.csv": "a4232b4d83185f8c65c02dca6a013b85e220227d212e703d12586a4b5b9e9cf0",
    "crabnet/data/benchmark_data/CritExam__Ed/test.csv": "ebe21e71b66eb534c9f53c4e682c3661ed402204805e7a74bf17d03639a978ab",
    "crabnet/data/benchmark_data/CritExam__Ed/train.csv": "b8de276563588969f9b8a9f7fb59059e2b445da22f4bc84beed5d4b8d3b16934",
    "crabnet/data/benchmark_data/CritExam__Ed/val.csv": "be508d700c294fffa382887f37dbc1aded4ad2a5f5ab526bad60d987f5a6d7f0",
    "crabnet/data/benchmark_data/CritExam__Ef/test.csv": "92052ffc5bad988371946b1c98a605addf88fd2894e2319ed1a39653cecb0f43",
    "crabnet/data/benchmark_data/CritExam__Ef/train.csv": "717892455f5474fb98d952b2824b09e2abae21d4893eebc5f0e16b5042a9f168",
    "crabnet/data/benchmark_data/CritExam__Ef/val.csv": "f641c56947685fad49aaf13c31b098593a708d8aff19cf271b2239251d9d6a3a",
    "crabnet/data/benchmark_data/OQMD_Bandgap/test.csv": "59206d9cf13387a6cbf5a155f5b350043aee2f190663bb9baf97a6ee85e63d55",
    "crabnet/data/benchmark_data/OQMD_Bandgap/train.csv": "8611a9f1f76ad06d846890d2234e6b37909abd941c156cdc339447bbcce3ada7",
    "crabnet/data/benchmark_data/OQMD_Bandgap/val.csv": "7838750eb3b5b09ec296b0fbf194271f6588b4bcd4653e392aba6df04c645002",
    "crabnet/data/benchmark_data/OQMD_Energy_per_atom/test.csv": "abb63558c7df1fe4feba0c3b51a1da2d02347760601ef0bf4085d7df30bcd487",
    "crabnet/data/benchmark_data/OQMD_Energy_per_atom/val.csv": "d8f3478ebd3463447e3dd985c1e00529dbb5436d28cbf4af29e32a5169c71046",
    "crabnet/data/benchmark_data/OQMD_Formation_Enthalpy/test.csv": "773275807866c98cef1d36887e2f33cf3a3bb0428fc8faf6912cdcff19961172",
    "crabnet/data/benchmark_data/OQMD_Formation_Enthalpy/val.csv": "af138c2bfed3a8eb8fc2e202690fae94190e0e64258625ce1612df45298193d4",
    "crabnet/data/benchmark_data/OQMD_Volume_per_atom/test.csv": "5b20ae50b3d28408ab87d153012b58a5eb4fb926392c836a094eac47c6dc2cef",
    "crabnet/data/benchmark_data/OQMD_Volume_per_atom/val.csv": "ca3c843b42a8628d330c3bed198fce1de012ce544d1f5bf4c6a93ef7e9e0224d",
    "crabnet/data/benchmark_data/aflow__Egap/test.csv": "d2096c4b87dcc1f13407532f048552544cd389d49486770b9b065dffd5cc92ef",
    "crabnet/data/benchmark_data/aflow__Egap/train.csv": "54cfdde0f9dc313acf2ffb22f49c9861d8d0e1fc5ee3938b8810785db65c1c17",
    "crabnet/data/benchmark_data/aflow__Egap/val.csv": "798bd5b2d16cca829be8873a483872910de4c948a1bc55ae89c70efb9be0c545",
    "crabnet/data/benchmark_data/aflow__ael_bulk_modulus_vrh/test.csv": "2a5b1c547e09f9b7e095802f27e4993d243aa1925b4e6fb991aec31f14c3cbf9",
    "crabnet/data/benchmark_data/aflow__ael_bulk_modulus_vrh/train.csv": "b9b371e3fcd47d38dc94e568515980e8b2ed83ef077f4339ba1bbccbef37a62b",
    "crabnet/data/benchmark_data/aflow__ael_bulk_modulus_vrh/val.csv": "cc13020813fdc2a1a14c1e040faca6bcb034d6be2e08440221b9cbaa1cc932eb",
    "crabnet/data/benchmark_data/aflow__ael_debye_temperature/test.csv": "c244bc1615b00940f54847364a24633d7dc82426ceb9974c34ec47ac57884c41",
    "crabnet/data/benchmark_data/aflow__ael_debye_temperature/train.csv": "c01509a7f4c82665e0f0dc6780372189c628ee91adf6a0692f07010c0690a53f",
    "crabnet/data/benchmark_data/aflow__ael_debye_temperature/val.csv": "a5d6ae080a68f79ad0c0958da385ef06b5bd523c1c2df7a4e58fa3afe430aa1e",
    "crabnet/data/benchmark_data/aflow__ael_shear_modulus_vrh/test.csv": "59b31cf673943f51cd272ab1f6d5f4574a178ef93bed6cf408632ad87b9de4f4",
    "crabnet/data/benchmark_data/aflow__ael_shear_modulus_vrh/train.csv": "ca0017fafc2558e8b9ca9ef11089755e7492d90797a8d38df1530b6d2ddaf1f3",
    "crabnet/data/benchmark_data/aflow__ael_shear_modulus_vrh/val.csv": "7b58dc465d09e1340b20a49b1c1b994d47eb8349904eb2d7487c465c3f5152b3",
    "crabnet/data/benchmark_data/aflow__agl_thermal_conductivity_300K/test.csv": "b3884dcde4ea164d061ffb4b22172d68cedc0777f0dc3ada81d1f81e3a9b4cde",
    "crabnet/data/benchmark_data/aflow__agl_thermal_conductivity_300K/train.csv": "88e5ccaf4e16ad52c2bc5eff41f19bb97222cf34dc447278fd5a2696bed428a6",
    "crabnet/data/benchmark_data/aflow__agl_thermal_conductivity_300K/val.csv": "f09e073ee63bc4c913d6b5d5c44a324385f0ebd84324c9cb5f789ce62e63f36e",
    "crabnet/data/benchmark_data/aflow__agl_thermal_expansion_300K/test.csv": "06eb26c729554f9e22046b8b818bb085a471c851b2147acb3049a99d32c06c8f",
    "crabnet/data/benchmark_data/aflow__agl_thermal_expansion_300K/train.csv": "bf937cad2af75702f16a82728fd52691a67e584b530f5bb703e762d1d92b11fe",
    "crabnet/data/benchmark_data/aflow__agl_thermal_expansion_300K/val.csv": "026a3632b4f6fb247d2efc40d19c7ae79f092363ca221a4cec057e390cd88fdf",
    "crabnet/data/benchmark_data/aflow__energy_atom/test.csv": "f393d89ac7a506b2415645b9ee4e69e2d15af1469ece679e945f7098d51a6e99",
    "crabnet/data/benchmark_data/aflow__energy_atom/train.csv": "5ff635bff649b9a68e5cf572125bf4f527751fd49b98d680fb1182a1ca275ad5",
    "crabnet/data/benchmark_data/aflow__energy_atom/val.csv": "ce5c8f7b3175c9c370891c5e29bdf1e0c5e56c103f391f0a538c629ef319b81a",
    "crabnet/data/benchmark_data/mp_bulk_modulus/test.csv": "f205ffa36b5ce2eaf1f066e7b6d2a6931f7bcd233697456dbcbae4c79f911a44",
    "crabnet/data/benchmark_data/mp_bulk_modulus/train.csv": "00d2d02073ca945d357f834eb5a2d7361e8bd8b86f14f8fed2321db585baf731",
    "crabnet/data/benchmark_data/mp_bulk_modulus/val.csv": "fd0702d7e1b32f109c8dbc89cbbce6f541fe6bad0fb45cc86d2a35ab4e994906",
    "crabnet/data/benchmark_data/mp_e_hull/test.csv": "236e6fe8f6406ef28a6805d26e508be0b4d45da1d22aebe779c93d3291c599a0",
    "crabnet/data/benchmark_data/mp_e_hull/train.csv": "b3badcdc96484d4ae7c622bf098e75db628a23e89c48b44b0b0af8084e9bb7ae",
    "crabnet/data/benchmark_data/mp_e_hull/val.csv": "fbeba63de5701a2e300c52f5192673cbd7737e3b762f2d9a2d2056b982d7fe41",
    "crabnet/data/benchmark_data/mp_elastic_anisotropy/test.csv": "4fdef93e8b05bb51734835bd73721b3f389544bcbe96978bb6ea5ed1baad9af8",
    "crabnet/data/benchmark_data/mp_elastic_anisotropy/train.csv": "d9d33f37a8d88835822884bd060581d6a68dd98a59627e05a0f9bce5bae686fe",
    "crabnet/data/benchmark_data/mp_elastic_anisotropy/val.csv": "94f9db600852ec3bf6a2bef0efcc59a3ae5fe0cf10203f9edfc43f340465662c",
    "crabnet/data/benchmark_data/mp_mu_b/test.csv": "d1e6eb185cf04f0c28027ed1cf9f45f28dde034b437894ba4085a6dcad84602d",
    "crabnet/data/benchmark_data/mp_mu_b/train.csv": "5489be409844020513f996e432ee3b3078d002b4b6623c5c78c274ef7666c600",
    "crabnet/data/benchmark_data/mp_mu_b/val.csv": "b7e7d2cb9003124a35e98a0681f38fa2a00d282cd2a526b4fab361de45799757",
    "crabnet/data/benchmark_data/mp_shear_modulus/test.csv": "7ee01a44644916c3df8d1e42212fc4d9be5028b67d51754becb477e72c048317",
    "crabnet/data/benchmark_data/mp_shear_modulus/train.csv": "22f18b123f6d4c1b180c96ee56a0618c35f868e1cb9f9bd758180330b5e95cdf",
    "crabnet/data/benchmark_data/mp_shear_modulus/val.csv": "094b720096cc4d451535d2a227c8186904069d4d7566cb82aebc9c3d777c8036",
    "roost/data/datasets/roost/expt-non-metals.csv": "be1dc585fa4745d9743f2b7243d3e5749826db2822d8645694c63533e0ba9186",
    "cdvae_perov5/data/perov_5/test.csv": "a85878c685037f0a578257f6d4fcdde00e968dbab73c5f1e90ecef65218513f6",
    "cdvae_perov5/data/perov_5/val.csv": "326f401219901270374b71e2faff63df3a29a99fd26f469993b9f476b693daf2",
    "mp_elastic_structs/labels.csv": "c2debeb62a6731eb53fa8aaa94cf008d4699c94457971abd1b8f246696f9ff4b",
    "ce/csv/perovskite_target_FE_CE_AB_AB.csv": "5c029b6a448e864f414f6fda17bef0b449efaa8383af067fcd95453da25809d5",
    "ce/csv/spinel_source_FE_CE_AB_AB.csv": "c6b1cf595a7f87e350b450d16cabb1fb03f88807e5a2a03ccc7288f5f865c87e",
    "ce/spinel_to_perovskite_TL/CE-features-generation/cif_conventional_unrelax.tar.gz": "a9de93f4c30878dfb95f4cfa8083ae9670848ab360cdb4e3ebd4bc0f1301ce44",
}

# (folder, paper name, train file, test file, target column, unit, source, n_total)
_CROSSPROP = (
    (
        "klu",
        "KLU",
        "klu_training_set.csv",
        "klu_test_set.csv",
        "kpoint_length_unit",
        "Å (k-point length)",
        "JARVIS-DFT",
        28171,
    ),
    (
        "kaa",
        "KAA",
        "kaa_training_set.csv",
        "kaa_test_set.csv",
        "kpoints_array_average",
        "dimensionless (avg k-points)",
        "JARVIS-DFT",
        28163,
    ),
    (
        "optb88vdw_bandgap",
        "BgOptb",
        "optb88vdw_bandgap_training_set.csv",
        "optb88vdw_bandgap_test_set.csv",
        "optb88vdw_bandgap",
        "eV",
        "JARVIS-DFT",
        28155,
    ),
    (
        "deltae",
        "Deltae",
        "deltae_training_set.csv",
        "deltae_test_set.csv",
        "formation_energy_peratom",
        "eV/atom",
        "JARVIS-DFT",
        28108,
    ),
    (
        "encut",
        "Encut",
        "encut_training_set.csv",
        "encut_test_set.csv",
        "encut",
        "eV",
        "JARVIS-DFT",
        28056,
    ),
    (
        "ehull",
        "Ehull",
        "ehull_training_set.csv",
        "ehull_test_set.csv",
        "ehull",
        "eV/atom",
        "JARVIS-DFT",
        27297,
    ),
    (
        "magmom_oszicar",
        "Magoszi",
        "magoszi_training_set.csv",
        "magoszi_test_set.csv",
        "magmom_oszicar",
        "μB",
        "JARVIS-DFT",
        25844,
    ),
    (
        "magmom_outcar",
        "Magout",
        "magout_training_set.csv",
        "magout_test_set.csv",
        "magmom_outcar",
        "μB",
        "JARVIS-DFT",
        25357,
    ),
    (
        "eps",
        "Eps",
        "eps_training_set.csv",
        "eps_test_set.csv",
        "eps_average_sq",
        "dimensionless",
        "JARVIS-DFT",
        25150,
    ),
    (
        "ppowerfact",
        "PPF",
        "ppf_training_set.csv",
        "ppf_test_set.csv",
        "p_powerfact",
        "μW/(m·K²)",
        "JARVIS-DFT",
        16760,
    ),
    (
        "npowerfact",
        "NPF",
        "npf_training_set.csv",
        "npf_test_set.csv",
        "n_powerfact",
        "μW/(m·K²)",
        "JARVIS-DFT",
        16763,
    ),
    (
        "pem300k",
        "Pem300k",
        "pem300k_training_set.csv",
        "pem300k_test_set.csv",
        "p_em300k",
        "m0",
        "JARVIS-DFT",
        16250,
    ),
    (
        "nem300k",
        "Nem300k",
        "nem300k_training_set.csv",
        "nem300k_test_set.csv",
        "n_em300k",
        "m0",
        "JARVIS-DFT",
        16250,
    ),
    (
        "pseebeck",
        "PSB",
        "psb_training_set.csv",
        "psb_test_set.csv",
        "p_Seebeck",
        "μV/K",
        "JARVIS-DFT",
        14439,
    ),
    (
        "nseebeck",
        "NSB",
        "nsb_training_set.csv",
        "nsb_test_set.csv",
        "n_Seebeck",
        "μV/K",
        "JARVIS-DFT",
        14144,
    ),
    (
        "meps",
        "Meps",
        "meps_training_set.csv",
        "meps_test_set.csv",
        "meps_average_sq",
        "dimensionless",
        "JARVIS-DFT",
        11349,
    ),
    (
        "max_mode",
        "MaxM",
        "maxm_training_set.csv",
        "maxm_test_set.csv",
        "max_mode",
        "cm⁻¹",
        "JARVIS-DFT",
        10963,
    ),
    (
        "min_mode",
        "MinM",
        "minm_training_set.csv",
        "minm_test_set.csv",
        "min_mode",
        "cm⁻¹",
        "JARVIS-DFT",
        10930,
    ),
    (
        "etc11",
        "ETC11",
        "etc11_training_set.csv",
        "etc11_test_set.csv",
        "et_c11",
        "GPa",
        "JARVIS-DFT",
        10839,
    ),
    (
        "etc12",
        "ETC12",
        "etc12_training_set.csv",
        "etc12_test_set.csv",
        "et_c12",
        "GPa",
        "JARVIS-DFT",
        10759,
    ),
    (
        "etc13",
        "ETC13",
        "etc13_training_set.csv",
        "etc13_test_set.csv",
        "et_c13",
        "GPa",
        "JARVIS-DFT",
        10846,
    ),
    (
        "etc22",
        "ETC22",
        "etc22_training_set.csv",
        "etc22_test_set.csv",
        "et_c22",
        "GPa",
        "JARVIS-DFT",
        10832,
    ),
    (
        "etc33",
        "ETC33",
        "etc33_training_set.csv",
        "etc33_test_set.csv",
        "et_c33",
        "GPa",
        "JARVIS-DFT",
        10856,
    ),
    (
        "etc44",
        "ETC44",
        "etc44_training_set.csv",
        "etc44_test_set.csv",
        "et_c44",
        "GPa",
        "JARVIS-DFT",
        9986,
    ),
    (
        "etc55",
        "ETC55",
        "etc55_training_set.csv",
        "etc55_test_set.csv",
        "et_c55",
        "GPa",
        "JARVIS-DFT",
        9755,
    ),
    (
        "etc66",
        "ETC66",
        "etc66_training_set.csv",
        "etc66_test_set.csv",
        "et_c66",
        "GPa",
        "JARVIS-DFT",
        9739,
    ),
    (
        "bulkmoduluskv",
        "BulkKV",
        "bulkmoduluskv_training_set.csv",
        "bulkmoduluskv_test_set.csv",
        "bulk_modulus_kv",
        "GPa",
        "JARVIS-DFT",
        10743,
    ),
    (
        "shearmodulusgv",
        "ShearGV",
        "shearmodulusgv_training_set.csv",
        "shearmodulusgv_test_set.csv",
        "shear_modulus_gv",
        "GPa",
        "JARVIS-DFT",
        10209,
    ),
    (
        "mbj_bandgap",
        "BgMbj",
        "mbj_bandgap_training_set.csv",
        "mbj_bandgap_test_set.csv",
        "mbj_bandgap",
        "eV",
        "JARVIS-DFT",
        7296,
    ),
    (
        "spillage",
        "Spillage",
        "spillage_training_set.csv",
        "spillage_test_set.csv",
        "spillage",
        "dimensionless",
        "JARVIS-DFT",
        3866,
    ),
    ("slme", "SLME", "slme_training_set.csv", "slme_test_set.csv", "slme", "%", "JARVIS-DFT", 3006),
    (
        "max_ir_mode",
        "MaxIrM",
        "maxirm_training_set.csv",
        "maxirm_test_set.csv",
        "max_ir_mode",
        "cm⁻¹",
        "JARVIS-DFT",
        2302,
    ),
    (
        "min_ir_mode",
        "MinIrM",
        "minirm_training_set.csv",
        "minirm_test_set.csv",
        "min_ir_mode",
        "cm⁻¹",
        "JARVIS-DFT",
        2268,
    ),
    (
        "piezo_max_diel",
        "PMDiEl",
        "pmdiel_training_set.csv",
        "pmdiel_test_set.csv",
        "dfpt_piezo_max_dielectric_electronic",
        "dimensionless",
        "JARVIS-DFT",
        2126,
    ),
    (
        "piezo_max_di",
        "PMDi",
        "pmdi_training_set.csv",
        "pmdi_test_set.csv",
        "dfpt_piezo_max_dielectric",
        "dimensionless",
        "JARVIS-DFT",
        2126,
    ),
    (
        "piezo_max_diio",
        "PMDiIo",
        "pmdiio_training_set.csv",
        "pmdiio_test_set.csv",
        "dfpt_piezo_max_dielectric_ioonic",
        "dimensionless",
        "JARVIS-DFT",
        2126,
    ),
    (
        "piezo_max_eij",
        "PMEij",
        "pmeij_training_set.csv",
        "pmeij_test_set.csv",
        "dfpt_piezo_max_eij",
        "C/m²",
        "JARVIS-DFT",
        1123,
    ),
    (
        "piezo_max_dij",
        "PMDij",
        "pmdij_training_set.csv",
        "pmdij_test_set.csv",
        "dfpt_piezo_max_dij",
        "pC/N",
        "JARVIS-DFT",
        689,
    ),
    (
        "exfoliation_energy",
        "Exfoli",
        "exfoliation_training_set.csv",
        "exfoliation_test_set.csv",
        "exfoliation_energy",
        "meV/atom",
        "JARVIS-DFT",
        557,
    ),
    (
        "expt_deltae",
        "Expt formation energy (eV/atom)",
        "expt_deltae_training_set.csv",
        "expt_deltae_test_set.csv",
        "delta_e",
        "eV/atom",
        "experimental",
        1643,
    ),
    (
        "expt_bandgap",
        "Expt band gap (eV)",
        "expt_bandgap_training_set.csv",
        "expt_bandgap_test_set.csv",
        "gap expt",
        "eV",
        "experimental",
        4920,
    ),
)
_CRABNET_SPLITS = {
    "CritExam__Ed": (("train", 59509), ("val", 12752), ("test", 12753)),
    "CritExam__Ef": (("train", 59509), ("val", 12752), ("test", 12753)),
    "OQMD_Bandgap": (("train", 239125), ("val", 51241), ("test", 51242)),
    "OQMD_Energy_per_atom": (("val", 51255), ("test", 51255)),
    "OQMD_Formation_Enthalpy": (("val", 51255), ("test", 51255)),
    "OQMD_Volume_per_atom": (("val", 51255), ("test", 51255)),
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
            "",
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
            _f(f"{base}/{split}.csv", f"{_URL_CRABNET}/data/benchmark_data/{folder}/{split}.csv")
            for split, _ in parts
        )
        missing = [s for s in ("train", "val", "test") if s not in dict(parts)]
        db = folder.split("_")[0]
        bib = {"OQMD": _BIB_OQMD, "mp": _BIB_MP}.get(db, "")
        notes = (
            "CrabNet's extended benchmark table (70/15/15 splits, kept in metadata['split']); "
            "units as in the source database (assumed, not restated upstream)."
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
