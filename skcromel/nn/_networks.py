"""Fully connected networks: a reusable MLP and the ElemNet architectures.

All networks here are plain :class:`torch.nn.Module` objects built from an explicit, JSON-serialisable
specification (``architecture`` dict), so that a pretrained model card can record how to rebuild the
module that its state dict belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = [
    "ELEMNET_ARCHITECTURES",
    "MLP",
    "build_mlp",
    "elemnet",
    "elemnet_spec",
    "expand_blocks",
]

_ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "prelu": nn.PReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "tanh": nn.Tanh,
    "silu": nn.SiLU,
}


def expand_blocks(blocks: Sequence[Sequence]) -> tuple[list[int], list[float]]:
    """Expand ``(width, repeat, dropout)`` blocks into per-layer widths and dropout rates.

    Dropout of a block is applied once, after the last layer of the block (ElemNet's layout).

    Parameters
    ----------
    blocks : sequence of (int, int, float)
        ``(width, n_layers, dropout_probability)`` per block.

    Returns
    -------
    widths : list of int
    dropouts : list of float
        One entry per hidden layer.
    """
    widths: list[int] = []
    dropouts: list[float] = []
    for width, repeat, p in blocks:
        for i in range(int(repeat)):
            widths.append(int(width))
            dropouts.append(float(p) if i == int(repeat) - 1 else 0.0)
    return widths, dropouts


# Dropout rates: ElemNet configures *keep* probabilities 0.8 / 0.9 / 0.7 / 0.8 after the 1024, 512,
# 256 and 128 blocks -> drop probabilities 0.2 / 0.1 / 0.3 / 0.2, active in training only.
ELEMNET_ARCHITECTURES: dict[str, tuple[tuple[int, int, float], ...]] = {
    # As published (Jha et al. 2018): 17 layers, 4,631,361 parameters with 86 inputs.
    "elemnet": (
        (1024, 4, 0.2),
        (512, 3, 0.1),
        (256, 3, 0.3),
        (128, 3, 0.2),
        (64, 2, 0.0),
        (32, 1, 0.0),
    ),
    # Smaller, ~8x faster variant with the same funnel shape (9 hidden layers, 568,257 parameters).
    "elemnet-small": (
        (512, 2, 0.1),
        (256, 2, 0.1),
        (128, 2, 0.1),
        (64, 2, 0.0),
        (32, 1, 0.0),
    ),
}


class MLP(nn.Module):
    """Multi-layer perceptron with access to every hidden activation.

    Each hidden layer is ``Linear -> activation [-> Dropout]``; the output layer is linear.

    Parameters
    ----------
    n_in : int
        Number of input features.
    hidden : sequence of int
        Width of each hidden layer.
    dropout : float or sequence of float, default=0.0
        Dropout probability after each hidden layer (a scalar applies to all). Dropout is only
        active in ``train()`` mode.
    activation : str, default="relu"
        One of ``relu, leaky_relu, prelu, elu, gelu, tanh, silu``.
    n_out : int, default=1
        Output width.
    """

    def __init__(
        self,
        n_in: int,
        hidden: Sequence[int] = (64, 32),
        dropout: float | Sequence[float] = 0.0,
        activation: str = "relu",
        n_out: int = 1,
    ):
        super().__init__()
        hidden = [int(h) for h in hidden]
        if isinstance(dropout, int | float):
            dropout = [float(dropout)] * len(hidden)
        dropout = [float(p) for p in dropout]
        if len(dropout) != len(hidden):
            raise ValueError(
                f"dropout has {len(dropout)} entries but there are {len(hidden)} hidden layers"
            )
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}"
            )
        self.n_in = int(n_in)
        self.hidden_sizes = tuple(hidden)
        self.activation = activation
        layers = []
        width = self.n_in
        for h, p in zip(hidden, dropout):
            block = [nn.Linear(width, h), _ACTIVATIONS[activation]()]
            if p > 0:
                block.append(nn.Dropout(p))
            layers.append(nn.Sequential(*block))
            width = h
        self.hidden = nn.ModuleList(layers)
        self.output = nn.Linear(width, int(n_out))

    @property
    def n_hidden(self) -> int:
        """Number of hidden layers."""
        return len(self.hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.hidden:
            x = layer(x)
        return self.output(x)

    def hidden_activation(self, x: torch.Tensor, layer: int) -> torch.Tensor:
        """Post-activation output of hidden layer ``layer`` (1-based; negative counts from the end).

        Dropout of that layer is *not* applied (features are taken as at inference time).
        """
        index = _layer_index(layer, self.n_hidden)
        for i, block in enumerate(self.hidden):
            if i == index:
                return block[1](block[0](x))
            x = block(x)
        raise AssertionError("unreachable")


def _layer_index(layer: int, n_hidden: int) -> int:
    layer = int(layer)
    if layer == 0 or not -n_hidden <= layer <= n_hidden:
        raise ValueError(f"layer must be in 1..{n_hidden} or -{n_hidden}..-1, got {layer}")
    return layer - 1 if layer > 0 else n_hidden + layer


def build_mlp(
    n_in: int,
    hidden: Sequence[int] = (64, 32),
    *,
    dropout: float | Sequence[float] = 0.0,
    activation: str = "relu",
    n_out: int = 1,
) -> MLP:
    """Build an :class:`MLP` (convenience function for ``TorchRegressor._build_module``)."""
    return MLP(n_in, hidden, dropout=dropout, activation=activation, n_out=n_out)


def elemnet_spec(variant: str = "elemnet", n_in: int = 86) -> dict:
    """JSON-serialisable architecture spec of an ElemNet variant (stored in model cards)."""
    if variant not in ELEMNET_ARCHITECTURES:
        raise ValueError(
            f"unknown ElemNet variant {variant!r}; known: {sorted(ELEMNET_ARCHITECTURES)}"
        )
    hidden, dropout = expand_blocks(ELEMNET_ARCHITECTURES[variant])
    return {
        "type": "MLP",
        "variant": variant,
        "n_in": int(n_in),
        "hidden": hidden,
        "dropout": dropout,
        "activation": "relu",
        "n_out": 1,
    }


def elemnet(variant: str = "elemnet", n_in: int = 86) -> MLP:
    """Build ElemNet (``"elemnet"``, as published) or its smaller variant (``"elemnet-small"``)."""
    return module_from_spec(elemnet_spec(variant, n_in))


def module_from_spec(spec: dict) -> MLP:
    """Rebuild a module from an architecture spec (see :func:`elemnet_spec`)."""
    if spec.get("type") != "MLP":
        raise ValueError(f"unsupported architecture type {spec.get('type')!r}")
    return MLP(
        spec["n_in"],
        spec["hidden"],
        dropout=spec.get("dropout", 0.0),
        activation=spec.get("activation", "relu"),
        n_out=spec.get("n_out", 1),
    )
