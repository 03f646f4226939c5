"""Locate dataset files in the data home, verify their sha256, download them on request.

Nothing here touches the network unless ``download=True`` is passed explicitly; tests mock
:func:`_fetch_url`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..config import DATA_HOME_ENV, get_data_home
from ..exceptions import ChecksumError, DataNotFoundError
from ..utils import sha256_file
from ._catalogue import DataFile, DatasetInfo

__all__ = ["ensure_files", "fetch_file", "sha256_file"]

# (resolved path, size, mtime_ns) -> sha256, so repeated loads do not re-hash unchanged files
_VERIFIED: dict[tuple[str, int, int], str] = {}


def _check_sha256(path: Path, expected: str, *, dataset: str) -> None:
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    got = _VERIFIED.get(key)
    if got is None:
        got = sha256_file(path)
        _VERIFIED[key] = got
    if got != expected:
        raise ChecksumError(
            f"dataset {dataset!r}: file {path} has sha256 {got}, the catalogue expects "
            f"{expected}. The file is a different version or is corrupted: replace it with the "
            f"original (see skcromel.datasets.get_dataset_info({dataset!r}).files), or pass "
            f"verify=False to load it anyway."
        )


def _fetch_url(url: str, dest: Path, *, timeout: float = 60.0) -> None:
    """Stream ``url`` to ``dest`` (the only function that uses the network)."""
    from urllib.request import urlopen

    with urlopen(url, timeout=timeout) as resp, open(dest, "wb") as fh:  # noqa: S310
        while True:
            block = resp.read(1 << 20)
            if not block:
                break
            fh.write(block)


def fetch_file(url: str, dest: str | os.PathLike, sha256: str, *, dataset: str = "?") -> Path:
    """Download ``url`` to ``dest`` atomically, keeping it only if its sha256 matches.

    Raises
    ------
    ChecksumError
        When the downloaded bytes do not have the expected sha256 (the partial file is removed).
    DataNotFoundError
        When the download itself fails (no network, HTTP error).
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        try:
            _fetch_url(url, tmp)
        except OSError as exc:  # URLError, HTTPError, timeouts are OSErrors
            raise DataNotFoundError(
                f"dataset {dataset!r}: download of {url} failed ({exc}). Put the file at {dest} "
                f"by hand (sha256 {sha256})."
            ) from exc
        got = sha256_file(tmp)
        if got != sha256:
            raise ChecksumError(
                f"dataset {dataset!r}: downloaded {url} has sha256 {got}, expected {sha256}; "
                f"nothing was written to {dest}."
            )
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return dest


def _where_data_home_came_from(data_home) -> str:
    if data_home is not None:
        return "the data_home argument"
    if os.environ.get(DATA_HOME_ENV):
        return f"${DATA_HOME_ENV}"
    return f"the default (~/skcromel_data; set ${DATA_HOME_ENV} or pass data_home=)"


def _missing_message(info: DatasetInfo, home: Path, origin: str, missing: list[DataFile]) -> str:
    lines = [
        f"dataset {info.name!r} is not available locally.",
        f"Data home: {home} (from {origin}).",
        "Looked for:",
    ]
    lines += [f"  {home / f.path}  [missing]" for f in missing]
    lines.append("To fix it, put")
    for f in missing:
        src = f.url or f"the file from {info.source_url}"
        lines.append(f"  {src}\n    -> {home / f.path}   (sha256 {f.sha256})")
    if all(f.url for f in missing):
        lines.append(
            f"or, on a connected machine, call load_dataset({info.name!r}, download=True)."
        )
    else:
        lines.append(
            "(some of these files are local conversions with no direct download URL; "
            "see docs/datasets.md for how they were made)."
        )
    return "\n".join(lines)


def ensure_files(
    info: DatasetInfo,
    data_home: str | os.PathLike | None = None,
    *,
    download: bool = False,
    verify: bool = True,
) -> list[Path]:
    """Return the local paths of ``info.files``, downloading missing ones if asked.

    Parameters
    ----------
    info : DatasetInfo
        Catalogue entry.
    data_home : path-like, optional
        Data home; see :func:`skcromel.config.get_data_home`.
    download : bool, default=False
        Download missing files that have a URL (sha256-checked).
    verify : bool, default=True
        Check the sha256 of files found on disk.

    Raises
    ------
    DataNotFoundError
        Naming the dataset, every path looked at, and which file to put where.
    ChecksumError
        When a file on disk (with ``verify=True``) or a download has the wrong sha256.
    """
    home = get_data_home(data_home)
    origin = _where_data_home_came_from(data_home)
    paths = [home / f.path for f in info.files]
    missing = [f for f, p in zip(info.files, paths) if not p.is_file()]
    if missing and download:
        undownloadable = [f for f in missing if not f.url]
        if undownloadable:
            raise DataNotFoundError(_missing_message(info, home, origin, missing))
        for f in missing:
            fetch_file(f.url, home / f.path, f.sha256, dataset=info.name)
        missing = []
    if missing:
        raise DataNotFoundError(_missing_message(info, home, origin, missing))
    if verify:
        for f, p in zip(info.files, paths):
            _check_sha256(p, f.sha256, dataset=info.name)
    return paths
