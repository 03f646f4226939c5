"""Registry of pretrained source models shipped with (or registered into) skcromel.

A pretrained model is a directory holding

``weights.pt``
    a torch state dict (float16 or float32 tensors, CPU), loaded with
    ``torch.load(..., map_location="cpu", weights_only=True)``;
``card.json``
    its model card: architecture spec, input featurisation, training data and exclusions, settings,
    validation metrics, ``sha256`` of ``weights.pt``, skcromel/torch versions.

Models shipped in ``skcromel/pretrained/<name>/`` are discovered automatically. Other sources (the
CroMEL and Center-Environment engineers, or users) register a directory with :func:`register_source`
and, when their network is not an :class:`~skcromel.nn.networks.MLP`, a module builder with
:func:`register_architecture`. Loading verifies the checksum and caches the result at module level;
the cache is read-only: :meth:`PretrainedModel.build_module` and :meth:`PretrainedModel.state_dict`
always return fresh copies.
"""

from __future__ import annotations

import hashlib
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

from skcromel.exceptions import ChecksumError, DataNotFoundError, SkcromelWarning
from skcromel.nn.networks import module_from_spec

__all__ = [
    "CARD_FORMAT_VERSION",
    "PRETRAINED_DIR",
    "PretrainedModel",
    "clear_cache",
    "file_sha256",
    "list_pretrained",
    "load_pretrained",
    "register_architecture",
    "register_source",
    "save_pretrained",
]

#: Directory of the models that ship inside the package.
PRETRAINED_DIR = Path(__file__).resolve().parent / "pretrained"
CARD_FORMAT_VERSION = 1
WEIGHTS_FILE = "weights.pt"
CARD_FILE = "card.json"

_ARCHITECTURES: dict[str, Callable[[dict], torch.nn.Module]] = {"MLP": module_from_spec}
_EXTRA_SOURCES: dict[str, Path] = {}
_CACHE: dict[str, PretrainedModel] = {}
_LOCK = threading.Lock()


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
        module_name = spec.get("module")
        if kind not in _ARCHITECTURES and isinstance(module_name, str):
            # builders of other model kinds register themselves when their module is imported;
            # only skcromel's own modules are imported this way
            if module_name == "skcromel" or module_name.startswith("skcromel."):
                importlib.import_module(module_name)
        if kind not in _ARCHITECTURES:
            raise ValueError(
                f"pretrained model {self.name!r} has architecture type {kind!r}; no builder is "
                f"registered for it (known: {sorted(_ARCHITECTURES)}); see register_architecture()"
            )
        module = _ARCHITECTURES[kind](spec)
        module.load_state_dict(self.state_dict())
        return module.eval()


def file_sha256(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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
        _CACHE.pop(name, None)


def _shipped() -> dict[str, Path]:
    if not PRETRAINED_DIR.is_dir():
        return {}
    return {
        p.name: p
        for p in sorted(PRETRAINED_DIR.iterdir())
        if p.is_dir() and (p / CARD_FILE).is_file()
    }


def _sources() -> dict[str, Path]:
    sources = _shipped()
    sources.update(_EXTRA_SOURCES)
    return sources


def list_pretrained(*, details: bool = False):
    """Names of the available pretrained models (shipped and registered), sorted.

    Parameters
    ----------
    details : bool, default=False
        If True return ``{name: card}`` instead (cards are read without loading weights).
    """
    sources = _sources()
    if not details:
        return sorted(sources)
    return {name: _read_card(path) for name, path in sorted(sources.items())}


def _read_card(path: Path) -> dict:
    with open(path / CARD_FILE, encoding="utf-8") as fh:
        return json.load(fh)


def _resolve(name: str | os.PathLike) -> tuple[str, Path]:
    sources = _sources()
    if isinstance(name, str) and name in sources:
        return name, sources[name]
    path = Path(name).expanduser()
    if path.is_dir() and (path / CARD_FILE).is_file():
        return str(path.resolve()), path.resolve()
    raise DataNotFoundError(
        f"unknown pretrained model {str(name)!r}: not a registered name (available: "
        f"{sorted(sources)}) and not a directory with {CARD_FILE} + {WEIGHTS_FILE}; "
        f"looked in {PRETRAINED_DIR} and the registered sources"
    )


def load_pretrained(name: str | os.PathLike) -> PretrainedModel:
    """Load a pretrained model by registry name or directory path (cached, checksum-verified).

    Raises
    ------
    DataNotFoundError
        Unknown name / missing files (the message lists where it looked).
    ChecksumError
        ``weights.pt`` does not match the ``sha256`` recorded in ``card.json``.
    """
    key, path = _resolve(name)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached.path == path:
            return cached
    weights = path / WEIGHTS_FILE
    if not weights.is_file():
        raise DataNotFoundError(f"pretrained model {key!r}: weights file missing: {weights}")
    card = _read_card(path)
    expected = card.get("sha256")
    actual = file_sha256(weights)
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
    state = torch.load(weights, map_location="cpu", weights_only=True)
    for tensor in state.values():
        tensor.requires_grad_(False)
    model = PretrainedModel(
        name=card.get("name", key),
        path=path,
        card=MappingProxyType(card),
        _state=MappingProxyType(dict(state)),
    )
    with _LOCK:
        _CACHE[key] = model
    return model


def clear_cache() -> None:
    """Forget every loaded model (the next :func:`load_pretrained` re-reads disk)."""
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
    card["sha256"] = file_sha256(out / WEIGHTS_FILE)
    card.setdefault("torch_version", torch.__version__)
    card.setdefault("skcromel_version", _skcromel_version())
    with open(out / CARD_FILE, "w", encoding="utf-8") as fh:
        json.dump(card, fh, indent=2, sort_keys=False)
        fh.write("\n")
    with _LOCK:
        for key in [k for k, v in _CACHE.items() if v.path == out.resolve()]:
            del _CACHE[key]
    return out


def _skcromel_version() -> str:
    try:
        from importlib.metadata import version

        return version("skcromel")
    except Exception:  # not installed (running from a source tree)
        return "unknown"
