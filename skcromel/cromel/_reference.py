"""Import reference CroMEL checkpoints (``ngs00/CroMEL`` ``*_cromel.pt``) into skcromel modules.

The reference checkpoints are PyTorch state dicts with keys ``emb_net.*`` (structure encoder),
``generator.*`` (composition encoder), ``pred_net.*`` (linear head) and ``critic.*``. They carry no
licence: skcromel never ships them; read them from your own copy (e.g. the data home's
``cromel/save/``).

Key mapping of the composition encoder (``generator``)::

    generator.emb_net_cv.0.{weight,bias}  -> fc1    (Linear 600 -> 64)
    generator.emb_net_cv.1.weight         -> act1   (PReLU)
    generator.emb_net_cv.2.{weight,bias}  -> fc2    (Linear 64 -> 64)
    generator.emb_net_cv.3.weight         -> act2   (PReLU)
    generator.fc_std.0.{weight,bias}      -> fc_std (Linear 64 -> 64, softplus applied in forward)

CGCNN structure encoder (``emb_net``, only for the ``*_cgcnn_*`` checkpoints)::

    emb_net.fc1 -> embed, emb_net.act_fc1 -> act_embed,
    emb_net.gc{k}.lin_{f,s} -> convs[k-1].lin_{f,s}, emb_net.act_gc{k} -> acts[k-1],
    emb_net.fc2 -> out;   pred_net.0 -> head.lin
"""

from __future__ import annotations

import os

import torch

from ..nn import PropertyHead, StructureEncoder
from ._encoder import CompositionEncoder

__all__ = [
    "load_reference_checkpoint",
    "reference_generator_state",
    "reference_head_state",
    "reference_structure_state",
]

_GEN_MAP = {
    "emb_net_cv.0.weight": "fc1.weight",
    "emb_net_cv.0.bias": "fc1.bias",
    "emb_net_cv.1.weight": "act1.weight",
    "emb_net_cv.2.weight": "fc2.weight",
    "emb_net_cv.2.bias": "fc2.bias",
    "emb_net_cv.3.weight": "act2.weight",
    "fc_std.0.weight": "fc_std.weight",
    "fc_std.0.bias": "fc_std.bias",
}


def _load(obj_or_path) -> dict:
    if isinstance(obj_or_path, dict):
        return obj_or_path
    return torch.load(os.fspath(obj_or_path), map_location="cpu", weights_only=True)


def reference_generator_state(obj_or_path) -> dict:
    """State dict for :class:`skcromel.cromel.CompositionEncoder` from a reference checkpoint."""
    sd = _load(obj_or_path)
    missing = [k for k in _GEN_MAP if "generator." + k not in sd]
    if missing:
        raise KeyError(f"not a reference CroMEL checkpoint: missing generator keys {missing}")
    return {new: sd["generator." + old].detach().clone().float() for old, new in _GEN_MAP.items()}


def reference_structure_state(obj_or_path) -> dict:
    """State dict for :class:`skcromel.nn.StructureEncoder` (CGCNN checkpoints only)."""
    sd = _load(obj_or_path)
    if "emb_net.gc1.lin_f.weight" not in sd:
        raise KeyError("only the CGCNN reference checkpoints have a gated-convolution encoder")
    out = {
        "embed.weight": sd["emb_net.fc1.weight"],
        "embed.bias": sd["emb_net.fc1.bias"],
        "act_embed.weight": sd["emb_net.act_fc1.weight"],
        "out.weight": sd["emb_net.fc2.weight"],
        "out.bias": sd["emb_net.fc2.bias"],
    }
    k = 1
    while f"emb_net.gc{k}.lin_f.weight" in sd:
        for lin in ("lin_f", "lin_s"):
            for p in ("weight", "bias"):
                out[f"convs.{k - 1}.{lin}.{p}"] = sd[f"emb_net.gc{k}.{lin}.{p}"]
        out[f"acts.{k - 1}.weight"] = sd[f"emb_net.act_gc{k}.weight"]
        k += 1
    return {key: v.detach().clone().float() for key, v in out.items()}


def reference_head_state(obj_or_path) -> dict:
    """State dict for :class:`skcromel.nn.PropertyHead`."""
    sd = _load(obj_or_path)
    return {
        "lin.weight": sd["pred_net.0.weight"].clone(),
        "lin.bias": sd["pred_net.0.bias"].clone(),
    }


def load_reference_checkpoint(path):
    """Build skcromel modules from a reference checkpoint.

    Returns
    -------
    dict
        ``"composition_encoder"``: :class:`~skcromel.cromel.CompositionEncoder` (mean path);
        ``"structure_encoder"`` and ``"head"`` for CGCNN checkpoints, else None.
    """
    sd = _load(path)
    g = reference_generator_state(sd)
    enc = CompositionEncoder(int(g["fc1.weight"].shape[1]), int(g["fc1.weight"].shape[0]))
    enc.load_state_dict(g)
    out = {"composition_encoder": enc.eval(), "structure_encoder": None, "head": None}
    if "emb_net.gc1.lin_f.weight" in sd:
        s = reference_structure_state(sd)
        n_conv = sum(1 for k in s if k.endswith("lin_f.weight"))
        hidden, node_dim = s["embed.weight"].shape
        edge_dim = s["convs.0.lin_f.weight"].shape[1] - 2 * hidden
        st = StructureEncoder(int(node_dim), int(edge_dim), int(hidden), n_conv)
        st.load_state_dict(s)
        head = PropertyHead(int(hidden), int(sd["pred_net.0.weight"].shape[0]))
        head.load_state_dict(reference_head_state(sd))
        out["structure_encoder"], out["head"] = st.eval(), head.eval()
    return out
