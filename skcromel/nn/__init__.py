"""Torch building blocks: the shared regressor base, networks, graph encoders, training helpers.

* :class:`TorchRegressor` -- the scikit-learn base of every torch regressor in skcromel (wraps a
  skorch net built in ``fit``); :class:`TorchMLPRegressor` -- a plain MLP on numeric features.
* :class:`MLP`, :func:`build_mlp`, :func:`elemnet` -- fully connected networks (ElemNet layouts).
* :class:`StructureEncoder`, :class:`GatedGraphConv`, :class:`PropertyHead` -- the CGCNN-style
  crystal-graph encoder used by CroMEL (pure torch).
"""

from .._lazy import lazy_attributes
from ._estimator import TorchMLPRegressor, TorchRegressor
from ._gnn import GatedGraphConv, PropertyHead, StructureEncoder, mean_pool
from ._networks import (
    ELEMNET_ARCHITECTURES,
    MLP,
    build_mlp,
    elemnet,
    elemnet_spec,
    expand_blocks,
    module_from_spec,
)
from ._training import (
    LOSSES,
    OPTIMIZERS,
    EpochProgressBar,
    TimeLimit,
    make_callbacks,
    resolve_device,
    seed_from_random_state,
    seeded,
)

__all__ = [
    "ELEMNET_ARCHITECTURES",
    "LOSSES",
    "MLP",
    "OPTIMIZERS",
    "EpochProgressBar",
    "GatedGraphConv",
    "PropertyHead",
    "StructureEncoder",
    "TimeLimit",
    "TorchMLPRegressor",
    "TorchRegressor",
    "build_mlp",
    "elemnet",
    "elemnet_spec",
    "expand_blocks",
    "make_callbacks",
    "mean_pool",
    "module_from_spec",
    "resolve_device",
    "seed_from_random_state",
    "seeded",
]


__getattr__, __dir__ = lazy_attributes(__name__, {}, globals())
