"""Alignment losses between composition embeddings ``h_c`` and structure embeddings ``h_s``.

Distribution alignment (adversarial, as in CroMEL):

* :func:`critic_loss_reference` — the published CroMEL critic loss *as coded*: Wasserstein critic
  loss plus a "gradient penalty" computed on the generated samples only (no interpolates), from the
  gradient of the batch *mean* critic score (so each row's gradient is 1/n of its own).
* :func:`critic_loss_wgan_gp` — standard WGAN-GP (Gulrajani et al. 2017): penalty on random
  interpolates between real and generated samples, per-sample gradients.
* :func:`generator_loss` — ``-mean D(h_c)``.

Paired alignment (uses which structure belongs to which composition):

* :func:`paired_cosine_loss` — ``1 - cos(h_c, h_s)`` averaged over the batch.
* :func:`paired_mse_loss` — squared distance, averaged over the batch.
* :func:`info_nce_loss` — contrastive InfoNCE: each ``h_c`` must pick its own ``h_s`` among the
  batch (cosine similarities / temperature, cross-entropy).

In all functions ``h_s`` is treated as the target: pass ``h_s.detach()`` to keep the structure
encoder out of the alignment (as CroMEL does).
"""

from __future__ import annotations

import torch
from torch.nn.functional import cosine_similarity, cross_entropy, normalize

__all__ = [
    "ALIGNMENTS",
    "critic_loss_reference",
    "critic_loss_wgan_gp",
    "generator_loss",
    "info_nce_loss",
    "paired_cosine_loss",
    "paired_mse_loss",
]

#: Alignment names accepted by :class:`skcromel.cromel.CroMELPretrainer`.
ALIGNMENTS = ("wgan-gp-reference", "wgan-gp", "cosine", "mse", "infonce", "none")


def critic_loss_reference(critic, h_s, h_c, gp_weight: float = 10.0):
    """CroMEL critic loss as coded in the reference implementation.

    ``-mean D(h_s) + mean D(h_c) + gp_weight * mean_i (||d mean D(h_c) / d h_c_i|| - 1)^2``.
    """
    h_c = h_c.detach().requires_grad_(True)
    d_c = critic(h_c)
    grad = torch.autograd.grad(d_c.mean(), h_c, create_graph=True)[0]
    gp = ((grad.norm(dim=1) - 1.0) ** 2).mean()
    return -critic(h_s.detach()).mean() + d_c.mean() + gp_weight * gp


def critic_loss_wgan_gp(critic, h_s, h_c, gp_weight: float = 10.0, generator=None):
    """Standard WGAN-GP critic loss with the penalty on random interpolates.

    Parameters
    ----------
    critic : callable
    h_s, h_c : Tensor (n, d)
        Real (structure) and generated (composition) embeddings.
    gp_weight : float
    generator : torch.Generator, optional
        Source of the interpolation coefficients.
    """
    h_s = h_s.detach()
    h_c = h_c.detach()
    eps = torch.rand((h_s.shape[0], 1), generator=generator, device=h_s.device, dtype=h_s.dtype)
    mix = (eps * h_s + (1 - eps) * h_c).requires_grad_(True)
    d_mix = critic(mix)
    grad = torch.autograd.grad(d_mix.sum(), mix, create_graph=True)[0]
    gp = ((grad.norm(dim=1) - 1.0) ** 2).mean()
    return -critic(h_s).mean() + critic(h_c).mean() + gp_weight * gp


def generator_loss(critic, h_c):
    """Wasserstein generator loss ``-mean D(h_c)``."""
    return -critic(h_c).mean()


def paired_cosine_loss(h_c, h_s):
    """``mean(1 - cos(h_c_i, h_s_i))``."""
    return (1.0 - cosine_similarity(h_c, h_s, dim=1)).mean()


def paired_mse_loss(h_c, h_s):
    """``mean_i ||h_c_i - h_s_i||^2``."""
    return ((h_c - h_s) ** 2).sum(dim=1).mean()


def info_nce_loss(h_c, h_s, temperature: float = 0.1):
    """InfoNCE: cross-entropy of picking ``h_s_i`` for ``h_c_i`` among the batch.

    Rows with the same structure embedding (duplicates) are harmless only in expectation; batches
    should not contain many duplicates.
    """
    logits = normalize(h_c, dim=1) @ normalize(h_s, dim=1).T / temperature
    target = torch.arange(h_c.shape[0], device=h_c.device)
    return cross_entropy(logits, target)
