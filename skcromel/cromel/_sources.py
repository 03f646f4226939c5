"""CroMEL sources: resolving a ``source`` argument to a fresh composition encoder, reading
CroMEL checkpoint formats for :mod:`skcromel.registry`, and exporting a trained encoder as a
shipped registry source.

Every named or file source goes through :func:`skcromel.registry.load_pretrained` (one resolver,
one cache). A shipped CroMEL source is a registry model directory whose ``weights.pt`` is the state
dict of a :class:`CompositionEncoder` and whose card has ``architecture = {"type":
"CroMELCompositionEncoder", "in_dim": 600, "hidden": 64}``. ``CroMELFeaturizer`` and
``CroMELRegressor`` default to :data:`DEFAULT_SOURCE`.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import numpy as np
import torch

from .. import registry
from ._encoder import CompositionEncoder, composition_descriptor
from ._reference import reference_generator_state

__all__ = [
    "ARCHITECTURE_TYPE",
    "DEFAULT_SOURCE",
    "build_composition_encoder",
    "export_source",
    "load_composition_encoder",
    "read_cromel_checkpoint",
    "read_reference_checkpoint",
]

ARCHITECTURE_TYPE = "CroMELCompositionEncoder"
#: Name of the CroMEL source shipped with skcromel (the default of the featurizer and regressor).
DEFAULT_SOURCE = "cromel-offline-cosine"
#: Compositions whose embeddings are stored in the card (non-regression reference).
PROBE_FORMULAS = ("Fe2O3", "NaCl", "SrTiO3", "GaAs", "MgAl2O4", "Cu3Au")
#: ``format`` field of the checkpoints written by :meth:`CroMELPretrainer.save`.
CHECKPOINT_FORMAT = "skcromel.cromel"


def build_composition_encoder(spec: dict) -> CompositionEncoder:
    """Architecture builder of ``"CroMELCompositionEncoder"`` cards (see
    :data:`skcromel.registry.ARCHITECTURES`)."""
    return CompositionEncoder(int(spec.get("in_dim", 600)), int(spec.get("hidden", 64)), "never")


def _encoder_card(state: dict, **info) -> dict:
    hidden, in_dim = (int(n) for n in state["fc1.weight"].shape)
    return {"architecture": {"type": ARCHITECTURE_TYPE, "in_dim": in_dim, "hidden": hidden}, **info}


def read_cromel_checkpoint(obj):
    """``(card, composition-encoder state)`` of a :meth:`CroMELPretrainer.save` checkpoint, or
    None for other objects (a :data:`skcromel.registry.CHECKPOINT_READERS` entry)."""
    if not (isinstance(obj, dict) and obj.get("format") == CHECKPOINT_FORMAT):
        return None
    state = dict(obj["state"]["composition_encoder"])
    return _encoder_card(state, config=dict(obj["config"])), state


def read_reference_checkpoint(obj):
    """``(card, composition-encoder state)`` of a reference CroMEL checkpoint (``ngs00/CroMEL``
    ``*_cromel.pt``), or None for other objects."""
    if not (isinstance(obj, dict) and "generator.emb_net_cv.0.weight" in obj):
        return None
    state = reference_generator_state(obj)
    return _encoder_card(state, source_format="reference CroMEL checkpoint"), state


def load_composition_encoder(source, sample: str = "never") -> CompositionEncoder:
    """Return a **fresh** :class:`CompositionEncoder` with the weights of ``source``.

    ``source``: a registry name, ``"cromel-ref:<name>"``, a model directory or checkpoint file
    (all through :func:`skcromel.registry.load_pretrained`), a :class:`CompositionEncoder`, or a
    fitted :class:`CroMELPretrainer`. The returned module never shares tensors with the cached
    source (each call copies), so fine-tuning it cannot change what the next call returns.
    """
    module = getattr(source, "composition_encoder_", None)
    if module is None and type(source).__name__ == "CroMELPretrainer":
        raise ValueError(
            "source is an unfitted CroMELPretrainer. Note that scikit-learn's clone() (used by "
            "cross-validation and grid search) resets estimator-valued parameters: pass a "
            "checkpoint path (pretrainer.save(path)) or pretrainer.composition_encoder_ instead."
        )
    if isinstance(source, CompositionEncoder):
        module = source
    if module is not None:
        enc = copy.deepcopy(module).cpu()
        enc.sample = sample
        return enc
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"cannot use {type(source).__name__} as a CroMEL source")
    model = registry.load_pretrained(source)
    kind = model.architecture.get("type")
    if kind != ARCHITECTURE_TYPE:
        raise ValueError(
            f"pretrained model {model.name!r} is a {kind!r}, not a CroMEL composition encoder "
            f"({ARCHITECTURE_TYPE!r})"
        )
    enc = build_composition_encoder(model.architecture)
    enc.load_state_dict(model.state_dict(torch.float32))
    enc.sample = sample
    return enc


def _embed(encoder, formulas) -> np.ndarray:
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
