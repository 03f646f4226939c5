"""The one resolver and cache of pretrained sources (ElemNet, CroMEL, reference checkpoints).

Every ``source=`` argument of skcromel goes through :func:`load_pretrained`, which accepts

* a **registry name**: a model shipped in ``skcromel/pretrained/<name>/`` or added with
  :func:`register_source`;
* a **model directory** holding ``weights.pt`` (a torch state dict, float16 or float32, CPU) and
  ``card.json`` (its model card: architecture spec, input featurisation, training data and
  exclusions, settings, validation metrics, ``sha256`` of ``weights.pt``, versions);
* a **checkpoint file** in a format of :data:`CHECKPOINT_READERS` (a CroMEL checkpoint written by
  :meth:`skcromel.cromel.CroMELPretrainer.save`, or a reference CroMEL ``*_cromel.pt``);
* ``"<prefix>:<name>"`` for a file at a conventional place of the data home
  (:data:`PREFIXES`; ``"cromel-ref:mp_fe_cgcnn"`` is ``<data home>/cromel/save/mp_fe_cgcnn_cromel.pt``).

Model cards name an architecture ``type``; :data:`ARCHITECTURES` maps each type to the function
that builds its module (``"module:function"``, imported on first use; more with
:func:`register_architecture`). Loading verifies the checksum (model directories) and caches the
result at module level; the cache is read-only: :meth:`PretrainedModel.build_module` and
:meth:`PretrainedModel.state_dict` always return fresh copies. Expensive in-process results
derived from a source (e.g. a source network trained on the fly) share the same cache through
:func:`cached`.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import torch

from .config import get_data_home
from .exceptions import ChecksumError, DataNotFoundError, SkcromelWarning
from .utils import sha256_file

__all__ = [
    "ARCHITECTURES",
    "CARD_FORMAT_VERSION",
    "CHECKPOINT_READERS",
    "PREFIXES",
    "PRETRAINED_DIR",
    "PretrainedModel",
    "cached",
    "clear_cache",
    "list_pretrained",
    "load_pretrained",
    "register_architecture",
    "register_source",
    "save_pretrained",
]

#: Directory of the models that ship inside the package.
PRETRAINED_DIR = Path(__file__).resolve().parent / "pretrained"
#: Folder of the data home holding the sources too large for the wheel (built there by
#: ``benchmarks/cross_property/pretrain_sources.py --out-dir data-home``); found automatically.
DATA_HOME_SOURCES = "skcromel_sources"
CARD_FORMAT_VERSION = 1
WEIGHTS_FILE = "weights.pt"
CARD_FILE = "card.json"

#: Architecture ``type`` of a model card -> ``"module:function"`` building its module from the
#: card's ``architecture`` spec (imported on first use; no registration by import side effect).
ARCHITECTURES: dict[str, str] = {
    "MLP": "skcromel.nn._networks:module_from_spec",
    "CroMELCompositionEncoder": "skcromel.cromel._sources:build_composition_encoder",
}
#: Checkpoint-file formats -> ``"module:function"`` turning the loaded file object into
#: ``(card, state_dict)``, or returning None when the object is not of that format.
CHECKPOINT_READERS: dict[str, str] = {
    "skcromel-cromel": "skcromel.cromel._sources:read_cromel_checkpoint",
    "reference-cromel": "skcromel.cromel._sources:read_reference_checkpoint",
}
#: ``"<prefix>:<name>"`` sources: the prefix -> a path pattern inside the data home.
PREFIXES: dict[str, str] = {"cromel-ref": "cromel/save/{name}_cromel.pt"}

_ARCHITECTURES: dict[str, Callable[[dict], torch.nn.Module]] = {}
_EXTRA_SOURCES: dict[str, Path] = {}
_CACHE: dict = {}
_LOCK = threading.Lock()


def _import_object(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _builder(kind) -> Callable[[dict], torch.nn.Module] | None:
    if kind in _ARCHITECTURES:
        return _ARCHITECTURES[kind]
    if kind in ARCHITECTURES:
        return _import_object(ARCHITECTURES[kind])
    return None


@dataclass(frozen=True)
class PretrainedModel:
    """A loaded, checksum-verified pretrained model (read-only).

    Attributes
    ----------
    name : str
    path : pathlib.Path
        Directory holding ``weights.pt`` and ``card.json``.
    card : mapping
        The model card (read-only view).
    """

    name: str
    path: Path
    card: MappingProxyType
    _state: MappingProxyType = field(repr=False)

    @property
    def architecture(self) -> dict:
        return dict(self.card["architecture"])

    def state_dict(self, dtype: torch.dtype = torch.float32) -> dict[str, torch.Tensor]:
        """A fresh copy of the weights, cast to ``dtype`` (float32 by default)."""
        return {
            k: (v.to(dtype) if v.is_floating_point() else v).clone() for k, v in self._state.items()
        }

    def build_module(self) -> torch.nn.Module:
        """A new module with the pretrained weights (float32, CPU, eval mode)."""
        spec = self.architecture
        kind = spec.get("type")
        builder = _builder(kind)
        if builder is None:
            raise ValueError(
                f"pretrained model {self.name!r} has architecture type {kind!r}; no builder is "
                f"registered for it (known: {sorted({*ARCHITECTURES, *_ARCHITECTURES})}); see "
                "register_architecture()"
            )
        module = builder(spec)
        module.load_state_dict(self.state_dict())
        return module.eval()


def register_architecture(type_name: str, builder: Callable[[dict], torch.nn.Module]) -> None:
    """Register a function ``builder(architecture_spec) -> nn.Module`` for ``card["architecture"]
    ["type"] == type_name`` (used by :meth:`PretrainedModel.build_module`)."""
    _ARCHITECTURES[str(type_name)] = builder


def register_source(name: str, path: str | os.PathLike) -> None:
    """Make the model directory ``path`` loadable as ``load_pretrained(name)``."""
    path = Path(path).expanduser().resolve()
    if not (path / CARD_FILE).is_file():
        raise DataNotFoundError(f"cannot register {name!r}: no {CARD_FILE} in {path}")
    with _LOCK:
        _EXTRA_SOURCES[name] = path
        _CACHE.pop(("source", name), None)


def _scan_sources(
    data_home=None,
    *,
    extra=(),
    shipped: bool = True,
    data_home_sources: bool = True,
    strict: bool = False,
) -> dict[str, Path]:
    """``{name: folder}`` of the sources on disk: every ``<root>/<name>/`` holding a ``card.json``
    file, for the roots ``extra`` (in order), then :data:`PRETRAINED_DIR` (when ``shipped``), then
    ``<data home>/skcromel_sources/`` (when ``data_home_sources``; ``data_home`` as in
    :func:`skcromel.config.get_data_home`).

    A name found under several roots is taken from the first (so a shipped name wins over a
    data-home one); each root is read in name order, and a missing root is skipped. An
    unreadable data home hides its sources, never breaks the others, unless ``strict`` (then its
    ``OSError`` propagates). The sources of :func:`register_source` are not included.
    """
    roots = [(Path(root), True) for root in extra]
    if shipped:
        roots.append((PRETRAINED_DIR, True))
    if data_home_sources:
        roots.append((get_data_home(data_home) / DATA_HOME_SOURCES, strict))
    sources: dict[str, Path] = {}
    for root, raise_errors in roots:
        try:
            cards = sorted(root.glob(f"*/{CARD_FILE}")) if root.is_dir() else []
            found = [card.parent for card in cards if card.is_file()]
        except OSError:
            if raise_errors:
                raise
            found = []
        for folder in found:
            sources.setdefault(folder.name, folder)
    return sources


def _sources() -> dict[str, Path]:
    """The on-disk sources of :func:`_scan_sources`, then those of :func:`register_source` (which
    win over a source of the same name on disk)."""
    return {**_scan_sources(), **_EXTRA_SOURCES}


def list_pretrained(*, details: bool = False, as_frame: bool = False):
    """Names of the available pretrained models, sorted: shipped in the package, built into
    ``<data home>/skcromel_sources/``, and registered with :func:`register_source`.

    Parameters
    ----------
    details : bool, default=False
        If True return ``{name: card}`` instead (cards are read without loading weights).
    as_frame : bool, default=False
        If True return a :class:`pandas.DataFrame`, one row per source, read from the model
        cards: ``name``, ``kind``, ``property``, ``unit``, ``database``, ``rows`` (training +
        validation rows, or structures), ``rows_excluded`` (rows removed as near duplicates of
        benchmark compositions), ``validation_mae`` (NaN when the card reports one MAE
        per target instead), ``size_bytes`` (of the weights) and ``description``.

    Raises
    ------
    ValueError
        A ``card.json`` that is not valid JSON (the message names the file).
    """
    if details and as_frame:
        raise ValueError("pass details=True or as_frame=True, not both")
    sources = _sources()
    if not (details or as_frame):
        return sorted(sources)
    cards = {name: _read_card(path) for name, path in sorted(sources.items())}
    if details:
        return cards
    import pandas as pd

    rows = [_card_row(name, card) for name, card in cards.items()]
    return pd.DataFrame(rows, columns=_ZOO_COLUMNS)


_ZOO_COLUMNS = [
    "name",
    "kind",
    "property",
    "unit",
    "database",
    "rows",
    "rows_excluded",
    "validation_mae",
    "size_bytes",
    "description",
]
#: Databases recognised in a card's data description (name in the text -> name shown).
_DATABASES = {
    "Materials Project": "Materials Project",
    "OQMD": "OQMD",
    "AFLOW": "AFLOW",
    "JARVIS": "JARVIS-DFT",
    "ICSD": "ICSD",
}


def _card_row(name: str, card: dict) -> dict:
    """One row of :func:`list_pretrained` ``(as_frame=True)`` from a model card."""
    data = card.get("data") if isinstance(card.get("data"), dict) else {}
    metrics = card.get("metrics") if isinstance(card.get("metrics"), dict) else {}
    per_target = metrics.get("held_out_mae")
    prop = card.get("target")
    if prop is None and isinstance(per_target, dict):
        prop = "embedding (aligned to " + ", ".join(per_target) + ")"
    teacher = card.get("teacher")
    if prop is None and isinstance(teacher, dict) and teacher.get("teacher"):
        prop = f"embedding (aligned to {teacher['teacher']})"
    text = " ".join(str(x) for x in (data.get("description"), card.get("description")) if x)
    found = sorted((text.find(k), v) for k, v in _DATABASES.items() if k in text)
    if card.get("database"):
        database = str(card["database"])
    elif found:
        database = ", ".join(dict.fromkeys(v for _, v in found))
    elif data.get("sources"):
        database = ", ".join(map(str, data["sources"]))
    else:
        database = str(data.get("description") or "")
    if data.get("n_rows_train") is not None:
        n_rows = int(data["n_rows_train"]) + int(data.get("n_rows_validation") or 0)
    else:
        n_rows = data.get("n_structures", data.get("n_rows_input"))
    mae = metrics.get("validation_mae")
    exclusion = data.get("exclusion") if isinstance(data.get("exclusion"), dict) else {}
    excluded = exclusion.get("n_rows_removed")
    return {
        "name": name,
        "kind": card.get("kind", ""),
        "property": prop or "",
        "unit": card.get("unit") or "",
        "database": database,
        "rows": None if n_rows is None else int(n_rows),
        "rows_excluded": None if excluded is None else int(excluded),
        "validation_mae": float(mae) if isinstance(mae, (int, float)) else float("nan"),
        "size_bytes": card.get("weights_bytes"),
        "description": card.get("description", ""),
    }


def _read_card(path: Path) -> dict:
    """The model card of the model directory ``path``; errors name the file."""
    file = path / CARD_FILE
    try:
        with open(file, encoding="utf-8") as fh:
            card = json.load(fh)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"model card {file} is not valid JSON ({exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}); restore it from the model's source (reinstall skcromel for a shipped "
            "model, or re-run the pretraining / save_pretrained)"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"model card {file} is not UTF-8 text ({exc.reason} at byte {exc.start}); restore it "
            "from the model's source"
        ) from exc
    if not isinstance(card, dict):
        raise ValueError(
            f"model card {file} must hold a JSON object, found {type(card).__name__}; restore it "
            "from the model's source"
        )
    return card


def _torch_load(file: Path, what: str):
    """``torch.load`` of a weights or checkpoint file; a corrupt file is an error naming it."""
    try:
        return torch.load(file, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises OSError, RuntimeError, EOFError, UnpicklingError...
        size = file.stat().st_size if file.exists() else 0
        raise ValueError(
            f"cannot read {what} {file} ({size} bytes): the file is truncated or not a torch file "
            f"({type(exc).__name__}: {str(exc)[:200]}). Replace it with a complete copy (reinstall "
            "skcromel for a shipped model, or re-run the pretraining)."
        ) from exc


def _resolve(name: str | os.PathLike) -> tuple[str, Path]:
    """``(key, path)`` of a source: a model directory, or a checkpoint file."""
    sources = _sources()
    if isinstance(name, str) and name in sources:
        return name, sources[name]
    if isinstance(name, str) and name.partition(":")[0] in PREFIXES and ":" in name:
        prefix, _, rest = name.partition(":")
        path = get_data_home() / PREFIXES[prefix].format(name=rest)
        if not path.is_file():
            raise DataNotFoundError(f"pretrained source {name!r} not found at {path}")
        return name, path.resolve()
    path = Path(name).expanduser()
    if path.is_dir() and (path / CARD_FILE).is_file():
        return str(path.resolve()), path.resolve()
    if path.is_file():
        return str(path.resolve()), path.resolve()
    raise DataNotFoundError(
        f"unknown pretrained model {str(name)!r}: not a registered name (available: "
        f"{sorted(sources)}), not '<prefix>:<name>' (prefixes: {sorted(PREFIXES)}), not a "
        f"directory with {CARD_FILE} + {WEIGHTS_FILE} and not a checkpoint file; looked in "
        f"{PRETRAINED_DIR}, {get_data_home() / DATA_HOME_SOURCES} and the registered sources. "
        "Zoo sources that do not ship in the wheel are built into the data home with "
        "`python benchmarks/cross_property/pretrain_sources.py --sources <key> --out-dir "
        "data-home` (`--list` shows the keys)"
    )


def load_pretrained(name: str | os.PathLike) -> PretrainedModel:
    """Load a pretrained source (cached; model directories are checksum-verified).

    Parameters
    ----------
    name : str or path-like
        Registry name, ``"<prefix>:<name>"``, model directory or checkpoint file (see the module
        docstring).

    Raises
    ------
    DataNotFoundError
        Unknown name / missing files (the message lists where it looked).
    ChecksumError
        ``weights.pt`` does not match the ``sha256`` recorded in ``card.json``.
    ValueError
        A file in none of the :data:`CHECKPOINT_READERS` formats, a ``card.json`` that is not
        valid JSON, or a weights/checkpoint file torch cannot read (truncated); the message names
        the file.
    """
    key, path = _resolve(name)
    stamp = (str(path), path.stat().st_mtime_ns)
    with _LOCK:
        hit = _CACHE.get(("source", key))
        if hit is not None and hit[0] == stamp:
            return hit[1]
    model = _load_file(key, path) if path.is_file() else _load_directory(key, path)
    with _LOCK:
        _CACHE[("source", key)] = (stamp, model)
    return model


def _frozen(name: str, path: Path, card: dict, state: dict) -> PretrainedModel:
    for tensor in state.values():
        tensor.requires_grad_(False)
    return PretrainedModel(
        name=name, path=path, card=MappingProxyType(card), _state=MappingProxyType(dict(state))
    )


def _load_file(key: str, path: Path) -> PretrainedModel:
    obj = _torch_load(path, "the checkpoint file")
    for reader in CHECKPOINT_READERS.values():
        found = _import_object(reader)(obj)
        if found is not None:
            card, state = found
            card = {"name": key, "path": str(path), **card}
            return _frozen(card["name"], path, card, state)
    raise ValueError(
        f"{path} is not a checkpoint skcromel can read (formats: {sorted(CHECKPOINT_READERS)})"
    )


def _load_directory(key: str, path: Path) -> PretrainedModel:
    weights = path / WEIGHTS_FILE
    if not weights.is_file():
        raise DataNotFoundError(f"pretrained model {key!r}: weights file missing: {weights}")
    card = _read_card(path)
    expected = card.get("sha256")
    actual = sha256_file(weights)
    if expected is None:
        raise ChecksumError(f"{path / CARD_FILE} records no sha256 for {weights}")
    if actual != expected:
        raise ChecksumError(
            f"checksum mismatch for {weights}: expected sha256 {expected}, got {actual}. "
            "The file is corrupt or was modified; reinstall skcromel or re-run the pretraining."
        )
    if card.get("format_version", CARD_FORMAT_VERSION) > CARD_FORMAT_VERSION:
        warnings.warn(
            f"{path / CARD_FILE} uses card format {card['format_version']}, newer than this "
            f"skcromel understands ({CARD_FORMAT_VERSION}); upgrade skcromel",
            SkcromelWarning,
            stacklevel=2,
        )
    state = _torch_load(weights, f"the weights of pretrained model {key!r}:")
    if not isinstance(state, dict):
        raise ValueError(
            f"{weights} holds a {type(state).__name__}, not a state dict of tensors; replace it "
            "with the file the card was written for"
        )
    return _frozen(card.get("name", key), path, card, state)


def cached(key, build: Callable[[], object]):
    """``build()`` once per process for ``key`` (hashable), kept in the registry's cache.

    For read-only results derived from sources, e.g. a source network trained in-process on the
    same data and settings by several cross-validation folds. Callers must not mutate the result.
    """
    with _LOCK:
        if ("derived", key) in _CACHE:
            return _CACHE[("derived", key)]
    value = build()
    with _LOCK:
        return _CACHE.setdefault(("derived", key), value)


def clear_cache() -> None:
    """Forget every loaded source and cached result (the next load re-reads disk)."""
    with _LOCK:
        _CACHE.clear()


def save_pretrained(
    module: torch.nn.Module,
    card: dict,
    out_dir: str | os.PathLike,
    *,
    dtype: torch.dtype = torch.float32,
) -> Path:
    """Write ``weights.pt`` (CPU tensors in ``dtype``) and ``card.json`` (with sha256) to ``out_dir``.

    ``card`` must contain ``"name"`` and ``"architecture"`` (with a registered ``"type"``).
    Returns the directory.
    """
    for key in ("name", "architecture"):
        if key not in card:
            raise ValueError(f"model card lacks {key!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state = {
        k: (v.detach().to("cpu", dtype) if v.is_floating_point() else v.detach().cpu()).clone()
        for k, v in module.state_dict().items()
    }
    torch.save(state, out / WEIGHTS_FILE)
    card = dict(card)
    card["format_version"] = CARD_FORMAT_VERSION
    card["weights_dtype"] = str(dtype).replace("torch.", "")
    card["weights_file"] = WEIGHTS_FILE
    card["weights_bytes"] = (out / WEIGHTS_FILE).stat().st_size
    card["sha256"] = sha256_file(out / WEIGHTS_FILE)
    card.setdefault("torch_version", torch.__version__)
    card.setdefault("skcromel_version", _skcromel_version())
    with open(out / CARD_FILE, "w", encoding="utf-8") as fh:
        json.dump(card, fh, indent=2, sort_keys=False)
        fh.write("\n")
    with _LOCK:
        stale = [k for k, v in _CACHE.items() if k[0] == "source" and v[1].path == out.resolve()]
        for key in stale:
            del _CACHE[key]
    return out


def _skcromel_version() -> str:
    try:
        from importlib.metadata import version

        return version("skcromel")
    except Exception:  # not installed (running from a source tree)
        return "unknown"
