"""The CroMEL pretraining loop: property loss on the structure side, alignment of the composition
encoder (adversarial as published, or paired), validation metrics and the model card."""

from __future__ import annotations

import datetime
import platform
import time

import numpy as np
import torch

from . import _losses as L
from ._graphs import batch_graphs

__all__: list[str] = []  # internal to CroMELPretrainer


def train_epochs(pre, graphs, D, Ys, train_idx, val_idx, device, rng, t_start):
    """Run the epochs of :meth:`CroMELPretrainer.fit` on the modules it built (``pre.*_``).

    ``graphs``: crystal graphs; ``D``: float32 composition descriptors; ``Ys``: standardised
    targets (NaN = missing); ``train_idx`` / ``val_idx``: row positions; appends one record per
    epoch to ``pre.history_`` and stops early after ``pre.time_limit`` seconds.
    """
    enc, head = pre.structure_encoder_.to(device), pre.head_.to(device)
    comp, critic = pre.composition_encoder_.to(device), pre.critic_.to(device)
    opt = torch.optim.Adam(
        [*enc.parameters(), *head.parameters()], lr=pre.lr, weight_decay=pre.weight_decay
    )
    opt_c, opt_g = _align_optimizers(pre, comp, critic)
    Dt = torch.as_tensor(D, device=device)
    Yt = torch.as_tensor(Ys, device=device)
    gkw = pre._gkw()
    bs = int(pre.batch_size)
    epochs = range(int(pre.epochs))
    if pre.progress:
        from tqdm.auto import tqdm

        epochs = tqdm(epochs, desc="CroMEL pretraining", unit="epoch")
    for epoch in epochs:
        enc.train(), head.train(), comp.train(), critic.train()
        order = train_idx[rng.permutation(len(train_idx))]
        sums = {"property": 0.0, "align": 0.0, "critic": 0.0}
        n_batches = 0
        for b, start in enumerate(range(0, len(order), bs)):
            idx = order[start : start + bs]
            if len(idx) < 2:
                continue
            gb = batch_graphs([graphs[i] for i in idx], **gkw).to(device)
            x_c, y_b = Dt[idx], Yt[idx]
            # alignment (structure embeddings are targets: no gradient into the encoder)
            if pre.alignment != "none":
                with torch.no_grad():
                    h_s = enc.encode_batch(gb)
                _align_step(pre, comp, critic, opt_c, opt_g, x_c, h_s, b, sums)
            # property
            pred = head(enc.encode_batch(gb))
            mask = ~torch.isnan(y_b)
            se = (pred[mask] - y_b[mask]) ** 2
            loss_p = se.sum() if pre.property_loss == "sum" else se.mean()
            opt.zero_grad()
            loss_p.backward()
            opt.step()
            sums["property"] += loss_p.item()
            n_batches += 1
        rec = {"epoch": epoch + 1, **{k: v / max(n_batches, 1) for k, v in sums.items()}}
        if len(val_idx):
            rec.update(evaluate(pre, graphs, D, Ys, val_idx, device))
        rec["seconds"] = time.perf_counter() - t_start
        pre.history_.append(rec)
        if pre.time_limit is not None and rec["seconds"] > pre.time_limit:
            break


def align_epochs(pre, H, D, train_idx, val_idx, device, rng, t_start):
    """The epochs of :meth:`CroMELPretrainer.fit` with a frozen teacher: only the composition
    encoder (and the critic of the adversarial alignments) is trained, towards the fixed teacher
    embeddings ``H`` (float32, standardised as the pretrainer decided).

    ``D``: float32 composition descriptors; appends one record per epoch to ``pre.history_``
    (``align``, ``critic``; with validation rows ``val_align``, ``val_cosine``, ``val_top1``,
    ``val_r2``) and stops early after ``pre.time_limit`` seconds.
    """
    comp, critic = pre.composition_encoder_.to(device), pre.critic_.to(device)
    opt_c, opt_g = _align_optimizers(pre, comp, critic)
    Dt = torch.as_tensor(D, device=device)
    Ht = torch.as_tensor(H, device=device)
    bs = int(pre.batch_size)
    epochs = range(int(pre.epochs))
    if pre.progress:
        from tqdm.auto import tqdm

        epochs = tqdm(epochs, desc="CroMEL alignment", unit="epoch")
    for epoch in epochs:
        comp.train(), critic.train()
        order = train_idx[rng.permutation(len(train_idx))]
        sums = {"align": 0.0, "critic": 0.0}
        n_batches = 0
        if pre.alignment != "none":
            for b, start in enumerate(range(0, len(order), bs)):
                idx = order[start : start + bs]
                if len(idx) < 2:
                    continue
                x_c, h_s = Dt[idx], Ht[idx]
                _align_step(pre, comp, critic, opt_c, opt_g, x_c, h_s, b, sums)
                n_batches += 1
        rec = {"epoch": epoch + 1, **{k: v / max(n_batches, 1) for k, v in sums.items()}}
        if len(val_idx):
            rec.update(evaluate_alignment(pre, H, D, val_idx, device))
        rec["seconds"] = time.perf_counter() - t_start
        pre.history_.append(rec)
        if pre.time_limit is not None and rec["seconds"] > pre.time_limit:
            break


@torch.no_grad()
def evaluate_alignment(pre, H, D, idx, device):
    """Alignment of the composition embeddings of rows ``idx`` with their (fixed) teacher
    embeddings: the paired loss of ``pre.alignment`` (cosine loss for the adversarial ones and
    ``"none"``), mean cosine, top-1 retrieval (own structure is the most cosine-similar among
    ``idx``) and R^2 (1 - squared error / total variance of the teacher embeddings of ``idx``)."""
    comp = pre.composition_encoder_
    comp.eval()
    h_s = torch.as_tensor(H[idx], device=device)
    h_c = comp.mean(torch.as_tensor(D[idx], device=device))
    paired = pre.alignment in ("cosine", "mse", "infonce")
    loss = _paired_loss(pre, h_c, h_s) if paired else L.paired_cosine_loss(h_c, h_s)
    cos = torch.nn.functional.cosine_similarity(h_c, h_s, dim=1).mean().item()
    nc = torch.nn.functional.normalize(h_c, dim=1)
    ns = torch.nn.functional.normalize(h_s, dim=1)
    top1 = float(((nc @ ns.T).argmax(1).cpu().numpy() == np.arange(len(idx))).mean())
    sst = ((h_s - h_s.mean(0)) ** 2).sum().item()
    sse = ((h_c - h_s) ** 2).sum().item()
    return {
        "val_align": float(loss.item()),
        "val_cosine": cos,
        "val_top1": top1,
        "val_r2": 1.0 - sse / sst if sst > 0 else float("nan"),
    }


def _align_optimizers(pre, comp, critic):
    """(critic optimiser, composition-encoder optimiser) of the alignment: RMSprop (lr 1e-4) for
    the adversarial alignments as published, Adam (lr 1e-3) for the paired ones; None when unused."""
    if pre.alignment.startswith("wgan"):
        a_lr = 1e-4 if pre.align_lr is None else pre.align_lr
        return (
            torch.optim.RMSprop(critic.parameters(), lr=a_lr),
            torch.optim.RMSprop(comp.parameters(), lr=a_lr),
        )
    if pre.alignment != "none":
        a_lr = 1e-3 if pre.align_lr is None else pre.align_lr
        return None, torch.optim.Adam(comp.parameters(), lr=a_lr)
    return None, None


def _align_step(pre, comp, critic, opt_c, opt_g, x_c, h_s, b, sums):
    """One alignment step of the composition encoder towards the structure embeddings ``h_s``:
    a critic step (and every ``n_critic`` batches a generator step) for the adversarial
    alignments, else one step of the paired loss. Adds the losses to ``sums``."""
    if pre.alignment.startswith("wgan"):
        crit_fn = (
            L.critic_loss_reference
            if pre.alignment == "wgan-gp-reference"
            else L.critic_loss_wgan_gp
        )
        loss_c = crit_fn(critic, h_s, comp(x_c), pre.gp_weight)
        opt_c.zero_grad()
        loss_c.backward()
        opt_c.step()
        sums["critic"] += loss_c.item()
        if (b + 1) % int(pre.n_critic) == 0:
            loss_g = L.generator_loss(critic, comp(x_c))
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
            sums["align"] += loss_g.item()
    else:
        loss_a = _paired_loss(pre, comp(x_c), h_s)
        opt_g.zero_grad()
        loss_a.backward()
        opt_g.step()
        sums["align"] += loss_a.item()


def _paired_loss(pre, h_c, h_s):
    """The paired alignment loss named by ``pre.alignment`` (cosine, MSE or InfoNCE)."""
    if pre.alignment == "cosine":
        return L.paired_cosine_loss(h_c, h_s)
    if pre.alignment == "mse":
        return L.paired_mse_loss(h_c, h_s)
    return L.info_nce_loss(h_c, h_s, pre.temperature)


@torch.no_grad()
def evaluate(pre, graphs, D, Ys, idx, device):
    """Validation property MAE (original units), mean cosine and top-1 retrieval of rows ``idx``."""
    enc, head, comp = pre.structure_encoder_, pre.head_, pre.composition_encoder_
    enc.eval(), head.eval(), comp.eval()
    h_s = torch.cat(
        [
            enc.encode_batch(
                batch_graphs([graphs[i] for i in idx[s : s + 256]], **pre._gkw()).to(device)
            )
            for s in range(0, len(idx), 256)
        ]
    )
    h_c = comp(torch.as_tensor(D[idx], device=device))
    pred = head(h_s).cpu().numpy()
    err = np.abs(pred - Ys[idx]) * pre.y_scale_
    mae = np.nanmean(err, axis=0)
    cos = torch.nn.functional.cosine_similarity(h_c, h_s, dim=1).mean().item()
    out = {f"val_mae_{i}": float(m) for i, m in enumerate(mae)}
    out["val_cosine"] = cos
    # fraction of compositions whose nearest structure embedding (cosine) is their own
    sim = torch.nn.functional.normalize(h_c, dim=1) @ h_s.T
    out["val_top1"] = float((sim.argmax(1).cpu().numpy() == np.arange(len(idx))).mean())
    return out


def model_card(pre, n, names, seconds, device):
    """The model card of a finished pretraining run (settings, data sizes, final metrics)."""
    last = pre.history_[-1] if pre.history_ else {}
    try:
        from importlib.metadata import version

        skv = version("skcromel")
    except Exception:  # noqa: BLE001
        skv = "unknown"
    frozen = getattr(pre, "structure_encoder_", None) is None
    info = dict(getattr(pre, "teacher_info_", None) or {"name": "cgcnn"})
    if frozen:
        return {
            "model": "CroMEL source (composition encoder aligned with a frozen structure teacher)",
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "skcromel_version": skv,
            "torch_version": str(torch.__version__),
            "python": platform.python_version(),
            "teacher": info,
            "n_structures": int(n),
            "n_train": int(pre.n_train_),
            "n_teacher_failures": int(getattr(pre, "n_teacher_failures_", 0)),
            "alignment": pre.alignment,
            "standardize_teacher": bool(pre.standardize_teacher),
            "composition_descriptor": "matscholar mean/min/max (600-d, unscaled)",
            "epochs_run": len(pre.history_),
            "train_seconds": round(float(seconds), 1),
            "device": device,
            "final": {k: float(v) for k, v in last.items()},
            "citation": "G. S. Na, npj Comput. Mater. (2025), doi:10.1038/s41524-025-01723-1",
        }
    return {
        "model": "CroMEL source (structure encoder + aligned composition encoder)",
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "skcromel_version": skv,
        "torch_version": str(torch.__version__),
        "python": platform.python_version(),
        "n_structures": int(n),
        "n_train": int(pre.n_train_),
        "targets": list(names),
        "y_mean": [float(v) for v in pre.y_mean_],
        "y_scale": [float(v) for v in pre.y_scale_],
        "composition_descriptor": "matscholar mean/min/max (600-d, unscaled)",
        "graph": f"periodic, cutoff {pre.cutoff} A, {pre.n_gaussians} Gaussians 1-"
        f"{pre.cutoff} A, width {pre.gaussian_width}",
        "epochs_run": len(pre.history_),
        "train_seconds": round(float(seconds), 1),
        "device": device,
        "teacher": info,
        "final": {k: float(v) for k, v in last.items()},
        "citation": "G. S. Na, npj Comput. Mater. (2025), doi:10.1038/s41524-025-01723-1",
    }
