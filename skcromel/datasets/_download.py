"""Locate dataset files in the data home, verify their sha256, download them on request.

Nothing here touches the network unless ``download=True`` is passed explicitly; tests mock
:func:`_fetch_url`.
"""

from __future__ import annotations

import http.client
import os
import tempfile
import time
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


def _fetch_url(url: str, dest: Path, *, timeout: float = 60.0, progress=None) -> None:
    """Stream ``url`` to ``dest`` (the only function that uses the network).

    ``progress(n_bytes, total)`` is called after every block (``total`` is the Content-Length or
    None). A response shorter than its Content-Length raises :class:`OSError`.
    """
    from urllib.request import urlopen

    with urlopen(url, timeout=timeout) as resp, open(dest, "wb") as fh:  # noqa: S310
        length = resp.headers.get("Content-Length") if getattr(resp, "headers", None) else None
        total = int(length) if length and str(length).isdigit() else None
        got = 0
        while True:
            block = resp.read(1 << 20)
            if not block:
                break
            fh.write(block)
            got += len(block)
            if progress is not None:
                progress(len(block), total)
    if total is not None and got != total:
        raise OSError(f"incomplete download: got {got} of {total} bytes")


#: Attempts of :func:`fetch_file` per file and the first pause between them (seconds, doubled
#: after every failed attempt).
DOWNLOAD_RETRIES = 3
DOWNLOAD_BACKOFF = 1.0
_sleep = time.sleep  # patched by the tests


def _is_permanent(exc: BaseException) -> bool:
    """HTTP 4xx (except 408 timeout and 429 too many requests) will not change on a retry."""
    code = getattr(exc, "code", None)
    return isinstance(code, int) and 400 <= code < 500 and code not in (408, 429)


def fetch_file(
    url: str,
    dest: str | os.PathLike,
    sha256: str,
    *,
    dataset: str = "?",
    retries: int = DOWNLOAD_RETRIES,
    backoff: float = DOWNLOAD_BACKOFF,
    timeout: float = 60.0,
    progress: bool = True,
) -> Path:
    """Download ``url`` to ``dest`` atomically, keeping it only if its sha256 matches.

    Parameters
    ----------
    url, dest, sha256 : the source, the destination file and the expected hex sha256.
    dataset : str
        Named in messages.
    retries : int, default=DOWNLOAD_RETRIES
        Attempts in all; network errors and HTTP 5xx/408/429 are retried after ``backoff``,
        ``2 * backoff``, ... seconds. HTTP 4xx and a wrong checksum are not retried.
    timeout : float
        Seconds without data before an attempt fails.
    progress : bool, default=True
        A tqdm progress bar (bytes) on stderr.

    Raises
    ------
    ChecksumError
        When the downloaded bytes do not have the expected sha256 (the partial file is removed).
    DataNotFoundError
        When every attempt failed (no network, HTTP error): the message names the URL, the
        destination and how to put the file there by hand.
    """
    from tqdm.auto import tqdm

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp)
    retries = max(1, int(retries))
    errors: list[str] = []
    try:
        for attempt in range(1, retries + 1):
            bar = tqdm(
                desc=f"{dataset}: {dest.name}" + (f" (try {attempt})" if attempt > 1 else ""),
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                disable=not progress,
                leave=False,
            )

            def _progress(n, total, bar=bar):
                if total is not None and bar.total != total:
                    bar.total = total
                bar.update(n)

            try:
                _fetch_url(url, tmp, timeout=timeout, progress=_progress)
                break
            except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
                errors.append(f"attempt {attempt}: {type(exc).__name__}: {exc}")
                if _is_permanent(exc) or attempt == retries:
                    raise DataNotFoundError(
                        _download_failed(dataset, url, dest, sha256, errors)
                    ) from exc
                _sleep(backoff * 2 ** (attempt - 1))
            finally:
                bar.close()
        got = sha256_file(tmp)
        if got != sha256:
            raise ChecksumError(
                f"dataset {dataset!r}: downloaded {url} has sha256 {got}, expected {sha256}; "
                f"nothing was written to {dest}. The file at the URL changed or the download was "
                f"corrupted: put the original file at {dest} by hand."
            )
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return dest


def _download_failed(dataset: str, url: str, dest: Path, sha256: str, errors: list[str]) -> str:
    n = len(errors)
    return "\n".join(
        [
            f"dataset {dataset!r}: download of {url} failed "
            f"({n} attempt{'s' if n != 1 else ''}; last error: {errors[-1].split(': ', 1)[1]}).",
            *(f"  {e}" for e in errors),
            f"Looked for the file at {dest} (not there).",
            "To provide it by hand: download the URL above on a connected machine and copy it to",
            f"  {dest}",
            f"(sha256 {sha256}), or point ${DATA_HOME_ENV} / data_home= to a folder that has it.",
        ]
    )


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
    progress: bool = True,
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
    progress : bool, default=True
        Show a progress bar per downloaded file.

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
            try:
                fetch_file(f.url, home / f.path, f.sha256, dataset=info.name, progress=progress)
            except DataNotFoundError as exc:
                raise DataNotFoundError(
                    f"{exc}\nData home: {home} (from {origin})."
                ) from exc.__cause__
        missing = []
    if missing:
        raise DataNotFoundError(_missing_message(info, home, origin, missing))
    if verify:
        for f, p in zip(info.files, paths):
            _check_sha256(p, f.sha256, dataset=info.name)
    return paths
