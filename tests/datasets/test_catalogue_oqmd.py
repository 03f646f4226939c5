"""The full OQMD tables of the CrabNet benchmark (train from the crabnet 2.0.8 wheel)."""

import pytest

from skcromel.config import get_data_home
from skcromel.datasets import CATALOGUE, ensure_files, load_dataset

FULL = ["oqmd_formation_enthalpy", "oqmd_energy_per_atom", "oqmd_volume_per_atom"]


@pytest.mark.parametrize("name", FULL)
def test_full_oqmd_is_catalogued(name):
    info = CATALOGUE[name]
    assert info.n_rows == 341_700
    splits = [f.path.rsplit("/", 1)[-1] for f in info.files]
    assert splits == ["train.csv", "val.csv", "test.csv"]
    train = info.files[0]
    assert train.url is None and len(train.sha256) == 64  # from the wheel, no raw URL
    assert "crabnet 2.0.8 wheel" in info.notes
    assert all(f.url for f in info.files[1:])


@pytest.mark.data
@pytest.mark.parametrize("name", FULL)
def test_full_oqmd_files_match_the_catalogue(name):
    info = CATALOGUE[name]
    if not (get_data_home() / info.files[0].path).is_file():
        pytest.skip("needs the OQMD train files (crabnet 2.0.8 wheel) in the data home")
    paths = ensure_files(info, verify=True)  # sha256 of all three files
    n = 0
    for p in paths:
        with open(p, "rb") as fh:
            n += sum(1 for _ in fh) - 1  # header
    assert n == info.n_rows


@pytest.mark.data
@pytest.mark.slow
def test_load_full_oqmd_formation_enthalpy():
    name = "oqmd_formation_enthalpy"
    if not (get_data_home() / CATALOGUE[name].files[0].path).is_file():
        pytest.skip("needs the OQMD train files in the data home")
    ds = load_dataset(name)
    assert len(ds) == 341_700
    assert ds.metadata["split"].value_counts().to_dict() == {
        "train": 239_190,
        "val": 51_255,
        "test": 51_255,
    }
