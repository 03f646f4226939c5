"""Dataset catalogue, loaders and the offline / download / checksum behaviour."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from skcromel.config import DATA_HOME_ENV, get_data_home
from skcromel.datasets import (
    CATALOGUE,
    SUITE_14,
    DataFile,
    DatasetInfo,
    _download,
    ensure_files,
    get_dataset_info,
    list_datasets,
    load_dataset,
    load_kingsbury,
    loaders,
)
from skcromel.exceptions import ChecksumError, DataNotFoundError

HEX64 = re.compile(r"[0-9a-f]{64}")


# --------------------------------------------------------------------------------------------
# catalogue integrity (no data needed)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_catalogue_entry_is_complete(name):
    info = CATALOGUE[name]
    assert info.name == name
    assert re.fullmatch(r"[a-z0-9_]+", name)
    assert info.citation.lstrip().startswith("@") and "title" in info.citation
    assert info.citation.count("{") == info.citation.count("}")
    assert info.unit.strip() and info.property.strip() and info.title.strip()
    assert info.task in ("regression", "classification")
    assert info.n_rows > 0
    assert info.licence.strip()
    assert info.source_url.startswith("https://")
    assert info.files, "every dataset names its file(s)"
    for f in info.files:
        assert HEX64.fullmatch(f.sha256), f.path
        assert not f.path.startswith("/") and ".." not in f.path
        assert f.url is None or f.url.startswith("https://")
    assert info.reader in loaders._READERS
    assert "grouped-kfold" in info.protocols
    assert info.input in ("composition", "structure")


def test_suite_14_matches_benchmarks_table():
    assert len(SUITE_14) == 14
    assert SUITE_14[0] == "efe" and SUITE_14[-1] == "kingsbury_formation_enthalpy"
    assert sum(n.startswith("estm_") for n in SUITE_14) == 5
    assert sum(n.startswith("mrl_") for n in SUITE_14) == 5
    for n in SUITE_14:
        assert CATALOGUE[n].collection == "experimental-14"
    # the thermoelectric sets have temperature as a second input and log10 conductivities
    assert CATALOGUE["estm_zt"].extra_inputs == ("temperature",)
    assert CATALOGUE["mrl_log_sigma"].unit == CATALOGUE["estm_log_sigma"].unit == "log10(S/m)"
    assert CATALOGUE["mrl_log_sigma"].reader_kwargs["sigma_scale"] == 100.0


def test_catalogue_counts_by_collection():
    df = list_datasets()
    assert len(df) == len(CATALOGUE)
    assert {"name", "unit", "task", "n_rows", "licence", "files"} <= set(df.columns)
    assert (df["collection"] == "crossprop").sum() == 39
    cp = list_datasets("experimental")
    assert {"crossprop_expt_deltae", "crossprop_expt_bandgap"} <= set(cp["name"])
    with pytest.raises(ValueError, match="unknown collection"):
        list_datasets("nope")


def test_same_file_same_checksum_everywhere():
    seen = {}
    for info in CATALOGUE.values():
        for f in info.files:
            assert seen.setdefault(f.path, f.sha256) == f.sha256


def test_unknown_name_lists_known():
    with pytest.raises(KeyError, match="known datasets: .*efe"):
        get_dataset_info("efee")


# --------------------------------------------------------------------------------------------
# offline behaviour
# --------------------------------------------------------------------------------------------
@pytest.fixture
def empty_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv(DATA_HOME_ENV, str(home))
    return home


def test_missing_file_error_says_what_to_put_where(empty_home):
    info = CATALOGUE["efe"]
    with pytest.raises(DataNotFoundError) as exc:
        load_dataset("efe")
    msg = str(exc.value)
    assert "'efe'" in msg
    assert str(empty_home / info.files[0].path) in msg
    assert info.files[0].url in msg and info.files[0].sha256 in msg
    assert DATA_HOME_ENV in msg
    assert "download=True" in msg


def test_missing_error_lists_every_file(tmp_path):
    info = CATALOGUE["crossprop_expt_deltae"]
    with pytest.raises(DataNotFoundError) as exc:
        load_dataset("crossprop_expt_deltae", data_home=tmp_path)
    for f in info.files:
        assert str(tmp_path / f.path) in str(exc.value)
    assert "data_home argument" in str(exc.value)


def test_local_conversion_without_url_is_not_downloadable(tmp_path):
    with pytest.raises(DataNotFoundError, match="no direct download URL"):
        load_dataset("ce_perovskite_formation_energy", data_home=tmp_path, download=True)


def test_kingsbury_needs_no_data_home(empty_home):
    ds = load_kingsbury()
    assert not empty_home.exists()
    assert len(ds) == CATALOGUE["kingsbury_formation_enthalpy"].n_rows == 2135
    assert list(ds.X.columns) == ["composition"]
    assert ds.y.dtype == np.float64 and np.isfinite(ds.y).all()
    assert ds.info.unit == "eV/atom"
    # pymatgen stores eV per formula unit: Ag2CO3 is -5.2422 eV/f.u. = -0.8737 eV/atom (6 atoms)
    row = ds.X.index[ds.X["composition"] == "Ag2CO3"][0]
    assert ds.y[row] == pytest.approx(-5.2422 / 6, abs=1e-4)
    assert len(ds.groups) == len(ds) and ds.groups[row] == "Ag2CO3"
    # same as load_dataset by name
    assert load_dataset("kingsbury_formation_enthalpy").y.equals(ds.y)


def test_kingsbury_error_when_pymatgen_copy_missing(empty_home, monkeypatch):
    monkeypatch.setattr(loaders, "_kingsbury_candidates", lambda data_home: [])
    with pytest.raises(DataNotFoundError, match="exp_compounds.json.gz") as exc:
        load_kingsbury()
    assert str(empty_home / CATALOGUE["kingsbury_formation_enthalpy"].files[0].path) in str(
        exc.value
    )


# --------------------------------------------------------------------------------------------
# download (mocked) and checksums
# --------------------------------------------------------------------------------------------
ROOST_CSV = b"material_id,composition,Eg\n0,NaCl,8.5\n1,O3Fe2,2.2\n2,Fe2O3,2.1\n"


def _fake_info(payload: bytes, url="https://example.org/x.csv") -> DatasetInfo:
    base = CATALOGUE["roost_expt_non_metal_gap"]
    f = DataFile("fake/expt.csv", hashlib.sha256(payload).hexdigest(), url)
    return DatasetInfo(**{**base.__dict__, "name": "fake_roost", "files": (f,), "n_rows": 3})


def test_download_is_checksummed(tmp_path, monkeypatch):
    calls = []

    def fake_fetch(url, dest, **kwargs):
        calls.append(url)
        dest.write_bytes(ROOST_CSV)

    monkeypatch.setattr(_download, "_fetch_url", fake_fetch)
    info = _fake_info(ROOST_CSV)
    with pytest.raises(DataNotFoundError):  # never downloads implicitly
        ensure_files(info, tmp_path)
    assert calls == []
    (path,) = ensure_files(info, tmp_path, download=True)
    assert calls == [info.files[0].url]
    assert path.read_bytes() == ROOST_CSV
    ensure_files(info, tmp_path, download=True)  # present now: no second fetch
    assert len(calls) == 1


def test_download_with_wrong_checksum_leaves_nothing(tmp_path, monkeypatch):
    calls = []

    def tampered(url, dest, **kwargs):
        calls.append(url)
        dest.write_bytes(b"tampered")

    monkeypatch.setattr(_download, "_fetch_url", tampered)
    info = _fake_info(ROOST_CSV)
    with pytest.raises(ChecksumError, match="expected"):
        ensure_files(info, tmp_path, download=True)
    assert not (tmp_path / "fake").exists() or not any((tmp_path / "fake").iterdir())
    assert len(calls) == 1  # a wrong checksum is not retried


@pytest.fixture
def no_sleep(monkeypatch):
    pauses = []
    monkeypatch.setattr(_download, "_sleep", pauses.append)
    return pauses


def test_download_network_failure_is_data_not_found(tmp_path, monkeypatch, no_sleep):
    calls = []

    def offline(url, dest, **kwargs):
        calls.append(url)
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(_download, "_fetch_url", offline)
    info = CATALOGUE["roost_expt_non_metal_gap"]
    with pytest.raises(DataNotFoundError, match="download of .* failed") as exc:
        load_dataset(info.name, data_home=tmp_path, download=True)
    msg = str(exc.value)
    dest = tmp_path / info.files[0].path
    assert len(calls) == _download.DOWNLOAD_RETRIES == 3
    assert no_sleep == [1.0, 2.0]  # exponential backoff between the attempts
    assert "3 attempts" in msg and "name resolution" in msg
    assert f"Looked for the file at {dest}" in msg and "by hand" in msg
    assert info.files[0].url in msg and info.files[0].sha256 in msg
    assert f"Data home: {tmp_path} (from the data_home argument)" in msg
    assert not any(p.is_file() for p in tmp_path.rglob("*"))  # no partial file left


def test_download_retries_transient_errors_then_succeeds(tmp_path, monkeypatch, no_sleep):
    import http.client

    failures = [OSError("Connection reset by peer"), http.client.IncompleteRead(b"mat")]

    def flaky(url, dest, **kwargs):
        dest.write_bytes(b"partial")
        if failures:
            raise failures.pop(0)
        dest.write_bytes(ROOST_CSV)

    monkeypatch.setattr(_download, "_fetch_url", flaky)
    (path,) = ensure_files(_fake_info(ROOST_CSV), tmp_path, download=True)
    assert path.read_bytes() == ROOST_CSV
    assert no_sleep == [1.0, 2.0]


def test_download_http_404_is_not_retried(tmp_path, monkeypatch, no_sleep):
    from urllib.error import HTTPError

    calls = []

    def not_found(url, dest, **kwargs):
        calls.append(url)
        raise HTTPError(url, 404, "Not Found", {}, None)

    monkeypatch.setattr(_download, "_fetch_url", not_found)
    with pytest.raises(DataNotFoundError, match="1 attempt;.*404"):
        ensure_files(_fake_info(ROOST_CSV), tmp_path, download=True)
    assert len(calls) == 1 and no_sleep == []


def test_download_shows_a_progress_bar(tmp_path, monkeypatch, capsys):
    def fetch(url, dest, *, progress, **kwargs):
        for _ in range(3):
            progress(len(ROOST_CSV) // 3, len(ROOST_CSV))
        dest.write_bytes(ROOST_CSV)

    import tqdm.auto

    closed = []

    class RecordingBar(tqdm.auto.tqdm):
        def close(self):
            if not self.disable:
                closed.append((self.n, self.total, self.unit))
            super().close()

    monkeypatch.setattr(tqdm.auto, "tqdm", RecordingBar)
    monkeypatch.setattr(_download, "_fetch_url", fetch)
    _download.fetch_file(
        "https://example.org/x.csv",
        tmp_path / "x.csv",
        hashlib.sha256(ROOST_CSV).hexdigest(),
        dataset="fake_roost",
    )
    assert "fake_roost: x.csv" in capsys.readouterr().err
    third = len(ROOST_CSV) // 3
    assert set(closed) == {(3 * third, len(ROOST_CSV), "B")}
    _download.fetch_file(
        "https://example.org/x.csv",
        tmp_path / "y.csv",
        hashlib.sha256(ROOST_CSV).hexdigest(),
        progress=False,
    )
    assert capsys.readouterr().err == ""


class _FakeResponse:
    def __init__(self, payload: bytes, length: int | None):
        self._chunks = [payload[i : i + 10] for i in range(0, len(payload), 10)]
        self.headers = {} if length is None else {"Content-Length": str(length)}

    def read(self, n):
        return self._chunks.pop(0) if self._chunks else b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_fetch_url_streams_reports_progress_and_detects_truncation(tmp_path, monkeypatch):
    import urllib.request

    responses = [_FakeResponse(ROOST_CSV, len(ROOST_CSV)), _FakeResponse(ROOST_CSV[:20], 50)]
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: responses.pop(0))
    seen = []
    _download._fetch_url("https://x", tmp_path / "a", progress=lambda n, t: seen.append((n, t)))
    assert (tmp_path / "a").read_bytes() == ROOST_CSV
    assert sum(n for n, _ in seen) == len(ROOST_CSV) and {t for _, t in seen} == {len(ROOST_CSV)}
    with pytest.raises(OSError, match="incomplete download: got 20 of 50 bytes"):
        _download._fetch_url("https://x", tmp_path / "b")


def test_file_on_disk_with_wrong_checksum(tmp_path):
    info = CATALOGUE["roost_expt_non_metal_gap"]
    path = tmp_path / info.files[0].path
    path.parent.mkdir(parents=True)
    path.write_bytes(ROOST_CSV)
    with pytest.raises(ChecksumError, match="verify=False"):
        load_dataset(info.name, data_home=tmp_path)
    ds = load_dataset(info.name, data_home=tmp_path, verify=False)
    assert list(ds.y) == [8.5, 2.2, 2.1]
    # Fe2O3 and O3Fe2 are the same group
    assert ds.groups[1] == ds.groups[2] != ds.groups[0]


# --------------------------------------------------------------------------------------------
# the real files (skipped without the shared data folder)
# --------------------------------------------------------------------------------------------
def _needs(name):
    info = CATALOGUE[name]
    home = get_data_home()
    if not all((home / f.path).is_file() for f in info.files):
        pytest.skip(f"{name}: data not in {home}")


FAST_REAL = [
    *[n for n in SUITE_14 if n != "kingsbury_formation_enthalpy"],
    "matbench_expt_is_metal",
    "matbench_steels",
    "mdf_glass_tg",
    "roost_expt_non_metal_gap",
    "crossprop_expt_deltae",
    "crossprop_expt_bandgap",
    "crossprop_meps",
    "crossprop_exfoliation_energy",
    "aflow_bulk_modulus",
    "ce_perovskite_formation_energy",
]


@pytest.mark.data
@pytest.mark.parametrize("name", FAST_REAL)
def test_real_dataset_loads_as_catalogued(name):
    _needs(name)
    info = CATALOGUE[name]
    ds = load_dataset(name)
    assert len(ds) == info.n_rows
    assert ds.y.dtype == np.float64 and np.isfinite(ds.y).all()
    assert ds.X["composition"].map(type).eq(str).all()
    for col in info.extra_inputs:
        assert col in ds.X and np.isfinite(ds.X[col]).all()
    assert len(ds.groups) == len(ds)
    assert ds.metadata["unit"] == info.unit


@pytest.mark.data
def test_unit_normalisation_of_thermoelectrics():
    _needs("mrl_log_sigma")
    _needs("estm_log_sigma")
    home = get_data_home()
    mrl_raw = pd.read_csv(home / "expt_ngs00/DopNet/dataset/mrl.csv")
    mrl = load_dataset("mrl_log_sigma")
    # S/cm -> S/m is a factor 100, i.e. +2 in log10
    np.testing.assert_allclose(mrl.y, np.log10(mrl_raw["electrical_conductivity"]) + 2)
    np.testing.assert_array_equal(mrl.X["temperature"], mrl_raw["temperature"])
    estm_raw = pd.read_csv(home / "expt_ngs00/simd/dataset/estm.csv")
    estm = load_dataset("estm_log_sigma")
    np.testing.assert_allclose(estm.y, np.log10(estm_raw["electrical_conductivity(S/m)"]))
    # the broken-unit Fe2O3 rows of MRL are flagged, not dropped
    flagged = set(mrl.X["composition"].iloc[mrl.metadata["pf_inconsistent_rows"]])
    assert {"Fe1.96Ti0.04O3.0", "Fe1.94Ti0.06O3.0", "Fe1.96Sn0.04O3.0"} <= flagged
    assert len(load_dataset("estm_zt").metadata["pf_inconsistent_rows"]) == 156


@pytest.mark.data
def test_known_traps_are_handled():
    _needs("gtt_trg")
    gtt = load_dataset("gtt_trg")
    assert "Ti40Zr10Cu34Pd16" not in set(gtt.X["composition"])
    assert gtt.y.min() > 0.3
    _needs("efe")
    efe = load_dataset("efe")
    assert len(set(efe.groups)) < len(efe) and efe.y.between(-1.27, 0).all()
    _needs("crossprop_meps")
    meps = load_dataset("crossprop_meps")
    assert not meps.X["composition"].str.contains("-Feb").any()
    assert set(meps.metadata["fixed_formulas"].values()) == {"FeB2", "FeB3"}
    assert (meps.metadata["split"] == "test").sum() == 1135


@pytest.mark.data
@pytest.mark.slow
def test_structure_dataset_returns_structures():
    _needs("mp_elastic_structs_form_eng")
    from pymatgen.core import Structure

    ds = load_dataset("mp_elastic_structs_form_eng")
    assert len(ds) == 2275
    assert isinstance(ds.X["structure"].iloc[0], Structure)
    from skcromel.parsing import reduced_formulas

    s0 = ds.X["structure"].iloc[0]
    assert reduced_formulas([s0.composition.reduced_formula])[0] == ds.groups[0]


def test_read_matbench_structures_split_and_records(tmp_path):
    """matminer/matbench 'split'-orient JSON (gzip) and 'records' JSON (bz2) read alike."""
    import bz2
    import gzip
    import json

    from pymatgen.core import Lattice, Structure

    from skcromel.datasets import read_matbench_structures
    from skcromel.exceptions import DataNotFoundError

    structs = [
        Structure(Lattice.cubic(4.2), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        Structure(Lattice.cubic(3.0), ["Fe"], [[0, 0, 0]]),
    ]
    split = {"index": ["mb-1", "mb-2"], "columns": ["structure", "e_form"],
             "data": [[s.as_dict(), e] for s, e in zip(structs, (-2.1, 0.0))]}  # fmt: skip
    p = tmp_path / "matbench_mp_e_form.json.gz"
    with gzip.open(p, "wt") as fh:
        json.dump(split, fh)
    got, y, idx = read_matbench_structures(p)
    assert [s.composition.reduced_formula for s in got] == ["NaCl", "Fe"]
    assert y.name == "e_form" and y.tolist() == [-2.1, 0.0] and list(idx) == ["mb-1", "mb-2"]
    assert len(read_matbench_structures(p, max_rows=1)[0]) == 1
    q = tmp_path / "records.json.bz2"
    with bz2.open(q, "wt") as fh:
        json.dump(
            [{"structure": s.as_dict(), "gap": g, "extra": 1} for s, g in zip(structs, (5, 0))], fh
        )
    with pytest.raises(ValueError, match="pass target="):
        read_matbench_structures(q)
    assert read_matbench_structures(q, "gap")[1].tolist() == [5.0, 0.0]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"columns": ["structure", "y"], "data": [[{"x": 1}, 1.0]]}))
    with pytest.raises(ValueError, match="row 0 is not a structure"):
        read_matbench_structures(bad)
    with pytest.raises(DataNotFoundError, match="load_dataset"):
        read_matbench_structures(tmp_path / "missing.json.gz")
