"""The CroMEL composition side: the 600-d descriptor and the composition encoder ("generator").

Na, *npj Comput. Mater.* (2025), doi:10.1038/s41524-025-01723-1.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn.functional import softplus

__all__ = ["DESCRIPTOR", "CompositionEncoder", "composition_descriptor"]

DESCRIPTOR = {"preset": "matscholar", "stats": ("mean", "min", "max")}
_SAMPLE_OPTIONS = ("never", "train", "always")


def _descriptor_transformer(on_error="raise"):
    from ..featurizers import ElementStats

    return ElementStats(preset="matscholar", stats=("mean", "min", "max"), on_error=on_error)


def composition_descriptor(X, on_error="raise") -> np.ndarray:
    """The 600-d CroMEL composition descriptor (matscholar fraction-weighted mean, min, max).

    Parameters
    ----------
    X : compositions (formula strings, pymatgen Composition/Structure, dicts)
    on_error : {"raise", "nan"}

    Returns
    -------
    ndarray of shape (n_samples, 600), float64, unscaled (as in the reference).
    """
    return np.asarray(_descriptor_transformer(on_error).fit_transform(X), dtype=np.float64)


class CompositionEncoder(nn.Module):
    """CroMEL composition encoder ("generator").

    Parameters
    ----------
    in_dim : int, default=600
    hidden : int, default=64
    sample : {"never", "train", "always"}, default="never"
        When to add the reference's Gaussian noise ``eps * softplus(W h)`` to the embedding:
        never (deterministic mean path), only in training mode, or always (the reference
        behaviour, random predictions).
    """

    def __init__(self, in_dim: int = 600, hidden: int = 64, sample: str = "never"):
        super().__init__()
        if sample not in _SAMPLE_OPTIONS:
            raise ValueError(f"sample must be one of {_SAMPLE_OPTIONS}, got {sample!r}")
        self.in_dim, self.hidden, self.sample = in_dim, hidden, sample
        self.fc1 = nn.Linear(in_dim, hidden)
        self.act1 = nn.PReLU()
        self.fc2 = nn.Linear(hidden, hidden)
        self.act2 = nn.PReLU()
        self.fc_std = nn.Linear(hidden, hidden)

    def mean(self, x):
        """Deterministic embedding ``h``."""
        return self.act2(self.fc2(self.act1(self.fc1(x))))

    def forward(self, x, generator: torch.Generator | None = None):
        h = self.mean(x)
        if self.sample == "always" or (self.sample == "train" and self.training):
            std = softplus(self.fc_std(h))
            eps = torch.randn(h.shape, generator=generator, device=h.device, dtype=h.dtype)
            h = h + eps * std
        return h
