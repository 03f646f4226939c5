"""Shipped CroMEL sources: registry integration and export of a pretrained composition encoder.

A shipped CroMEL source is a :mod:`skcromel.registry` model directory
(``skcromel/pretrained/<name>/``) whose ``weights.pt`` is the state dict of a
:class:`~skcromel.cromel.CompositionEncoder` and whose ``card.json`` has
``architecture = {"type": "CroMELCompositionEncoder", "in_dim": 600, "hidden": 64}``. Importing
this module registers that architecture with :func:`skcromel.registry.register_architecture`, so
``load_pretrained(name).build_module()`` works too.

``CroMELFeaturizer`` and ``CroMELRegressor`` default to :data:`DEFAULT_SOURCE`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

from skcromel import registry

__all__ = [
    "ARCHITECTURE_TYPE",
    "DEFAULT_SOURCE",
    "build_composition_encoder",
    "export_source",
    "is_registry_source",
    "registry_encoder_state",
]

ARCHITECTURE_TYPE = "CroMELCompositionEncoder"
#: Name of the CroMEL source shipped with skcromel (the default of the featurizer and regressor).
DEFAULT_SOURCE = "cromel-offline-cosine"
#: Compositions whose embeddings are stored in the card (non-regression reference).
PROBE_FORMULAS = ("Fe2O3", "NaCl", "SrTiO3", "GaAs", "MgAl2O4", "Cu3Au")


def build_composition_encoder(spec: dict):
    """Architecture builder for :func:`skcromel.registry.register_architecture`."""
    from skcromel.cromel import CompositionEncoder

    return CompositionEncoder(int(spec.get("in_dim", 600)), int(spec.get("hidden", 64)), "never")


#: Where the shipped CroMEL sources live (beside the other shipped sources). Their cards name this
#: module (``architecture.module``), which the registry imports to find the builder.
SHIPPED_DIR = registry.PRETRAINED_DIR


def _register_shipped() -> None:
    registry.register_architecture(ARCHITECTURE_TYPE, build_composition_encoder)
    names = registry.list_pretrained()
    for path in sorted(SHIPPED_DIR.glob(f"*/{registry.CARD_FILE}")):
        if path.parent.name not in names:
            registry.register_source(path.parent.name, path.parent)


_register_shipped()


def is_registry_source(source) -> bool:
    """True when ``source`` names a registry model (or model directory) of CroMEL type."""
    if not isinstance(source, (str, os.PathLike)):
        return False
    if isinstance(source, str) and (SHIPPED_DIR / source).is_dir():
        _register_shipped()  # (again: a caller may have reset the registry)
    if isinstance(source, str) and source in registry.list_pretrained():
        return True
    path = Path(source).expanduser()
    return path.is_dir() and (path / registry.CARD_FILE).is_file()


def registry_encoder_state(source) -> dict:
    """Fresh float32 copy of the composition-encoder state of registry model ``source``.

    The checksum is verified by :func:`skcromel.registry.load_pretrained` (cached).
    """
    model = registry.load_pretrained(source)
    kind = model.architecture.get("type")
    if kind != ARCHITECTURE_TYPE:
        raise ValueError(
            f"pretrained model {model.name!r} is a {kind!r}, not a CroMEL composition encoder "
            f"({ARCHITECTURE_TYPE!r})"
        )
    return model.state_dict(torch.float32)


def _embed(encoder, formulas) -> np.ndarray:
    from skcromel.cromel import composition_descriptor

    D = torch.as_tensor(composition_descriptor(list(formulas)), dtype=torch.float32)
    with torch.no_grad():
        return encoder.eval().mean(D).double().numpy()


def export_source(
    encoder,
    out_dir,
    card: dict,
    *,
    check_formulas,
    float16_rtol: float = 1e-3,
    probe_formulas=PROBE_FORMULAS,
) -> Path:
    """Write a trained composition encoder as a registry model directory.

    The weights are stored as float16 when that changes the embeddings of ``check_formulas`` by
    less than ``float16_rtol`` (max over rows of ``|e16 - e32| / |e32|``, Euclidean norms), else
    as float32; the measured change is recorded in the card (``float16_check``). The card also
    stores the embeddings of ``probe_formulas`` computed from the *stored* weights
    (``reference_embeddings``) for non-regression tests.

    Parameters
    ----------
    encoder : CompositionEncoder
    out_dir : path
    card : dict
        Model card (``name`` required; ``architecture`` is filled in).
    check_formulas : sequence of str
        Compositions used to measure the float16 rounding effect.
    float16_rtol : float, default=1e-3
    probe_formulas : sequence of str

    Returns
    -------
    pathlib.Path
    """
    from skcromel.cromel import CompositionEncoder

    enc = CompositionEncoder(encoder.in_dim, encoder.hidden, "never")
    enc.load_state_dict({k: v.detach().cpu().float() for k, v in encoder.state_dict().items()})
    e32 = _embed(enc, check_formulas)
    half = CompositionEncoder(encoder.in_dim, encoder.hidden, "never")
    half.load_state_dict({k: v.half().float() for k, v in enc.state_dict().items()})
    e16 = _embed(half, check_formulas)
    rel = np.linalg.norm(e16 - e32, axis=1) / np.maximum(np.linalg.norm(e32, axis=1), 1e-12)
    use16 = bool(rel.max() < float16_rtol)
    stored = half if use16 else enc
    card = dict(card)
    card["architecture"] = {
        "type": ARCHITECTURE_TYPE,
        "module": __name__,  # importing it registers the builder
        "in_dim": int(encoder.in_dim),
        "hidden": int(encoder.hidden),
        "input": "ElementStats(preset='matscholar', stats=('mean', 'min', 'max')), unscaled",
        "output": "deterministic mean path (no noise), 64-d",
    }
    card["float16_check"] = {
        "n_compositions": len(e32),
        "max_relative_change": float(rel.max()),
        "mean_relative_change": float(rel.mean()),
        "threshold": float(float16_rtol),
        "stored_as": "float16" if use16 else "float32",
    }
    emb = _embed(stored, probe_formulas)
    card["reference_embeddings"] = {
        f: [float(v) for v in row] for f, row in zip(probe_formulas, emb)
    }
    return registry.save_pretrained(
        enc, card, out_dir, dtype=torch.float16 if use16 else torch.float32
    )
