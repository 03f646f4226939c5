"""CroMEL: composition encoders aligned with crystal-structure encoders.

Na, *npj Comput. Mater.* (2025), doi:10.1038/s41524-025-01723-1; see ``docs/cromel.md``.

* :class:`CompositionEncoder` — the "generator": 600-d matscholar mean/min/max descriptor ->
  Linear 64 -> PReLU -> Linear 64 -> PReLU, plus a softplus noise head. Deterministic mean path by
  default; the reference's sampling (``h + eps * softplus(W h)``) is an option.
* :class:`CroMELPretrainer` — trains a CGCNN-style structure encoder on one or several source
  properties and the composition encoder aligned with it (adversarial as published, or paired).
* :class:`CroMELFeaturizer` — compositions -> 64-d embeddings from a pretrained source.
* :class:`CroMELRegressor` — fine-tunes a *fresh copy* of the pretrained composition encoder per
  ``fit`` (so cross-validation folds can never leak into each other) with a small head.

``source`` arguments accept a fitted :class:`CroMELPretrainer`, a path to a checkpoint written by
:meth:`CroMELPretrainer.save`, a path to a reference CroMEL checkpoint (``*_cromel.pt``), or
``"cromel-ref:<name>"`` for ``<data home>/cromel/save/<name>_cromel.pt`` (e.g.
``"cromel-ref:mp_fe_cgcnn"``), or the name of a registry model of CroMEL type (see
:mod:`skcromel.cromel_pretrained`; ``"cromel-offline-cosine"`` ships with skcromel and is the
default). The reference checkpoints have no licence and are never shipped.
"""

from __future__ import annotations

import copy
import datetime
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from torch import nn
from torch.nn.functional import softplus

from skcromel import losses as L
from skcromel.exceptions import CompositionError
from skcromel.graphs import batch_graphs, structures_to_graphs
from skcromel.nn.estimator import TorchRegressor
from skcromel.nn.gnn import PropertyHead, StructureEncoder
from skcromel.nn.training import resolve_device, seed_from_random_state, seeded

__all__ = [
    "CHECKPOINT_FORMAT",
    "CompositionEncoder",
    "CroMELFeaturizer",
    "CroMELPretrainer",
    "CroMELRegressor",
    "composition_descriptor",
    "load_composition_encoder",
]

CHECKPOINT_FORMAT = "skcromel.cromel"
CHECKPOINT_VERSION = 1
DESCRIPTOR = {"preset": "matscholar", "stats": ("mean", "min", "max")}
_SAMPLE_OPTIONS = ("never", "train", "always")


# --------------------------------------------------------------------------- composition side
def _descriptor_transformer(on_error="raise"):
    from skcromel.featurizers import ElementStats

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


# --------------------------------------------------------------------------- sources
_SOURCE_CACHE: dict = {}


def _resolve_path(source) -> Path:
    if isinstance(source, str) and source.startswith("cromel-ref:"):
        from skcromel.config import get_data_home
        from skcromel.exceptions import DataNotFoundError

        name = source.split(":", 1)[1]
        path = get_data_home() / "cromel" / "save" / f"{name}_cromel.pt"
        if not path.is_file():
            raise DataNotFoundError(f"reference CroMEL checkpoint {source!r} not found at {path}")
        return path
    path = Path(source).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"CroMEL source checkpoint not found: {path}")
    return path


def _source_payload(source) -> dict:
    """Read-only cached ``{"config": ..., "composition_encoder": state_dict}`` of a source."""
    path = _resolve_path(source)
    key = (str(path.resolve()), path.stat().st_mtime_ns)
    if key not in _SOURCE_CACHE:
        obj = torch.load(path, map_location="cpu", weights_only=True)
        if isinstance(obj, dict) and obj.get("format") == CHECKPOINT_FORMAT:
            payload = {
                "config": dict(obj["config"]),
                "composition_encoder": obj["state"]["composition_encoder"],
            }
        elif isinstance(obj, dict) and "generator.emb_net_cv.0.weight" in obj:
            from skcromel.cromel_import import reference_generator_state

            sd = reference_generator_state(obj)
            payload = {
                "config": {"hidden": int(sd["fc2.weight"].shape[0]), "in_dim": 600},
                "composition_encoder": sd,
            }
        else:
            raise ValueError(f"{path} is neither a skcromel CroMEL checkpoint nor a reference one")
        for t in payload["composition_encoder"].values():
            t.requires_grad_(False)
        _SOURCE_CACHE[key] = payload
    return _SOURCE_CACHE[key]


def load_composition_encoder(source, sample: str = "never") -> CompositionEncoder:
    """Return a **fresh** :class:`CompositionEncoder` with the weights of ``source``.

    The returned module never shares tensors with the cached source (each call copies), so
    fine-tuning it cannot change what the next call returns.
    """
    if isinstance(source, CroMELPretrainer):
        if not hasattr(source, "composition_encoder_"):
            raise ValueError(
                "source is an unfitted CroMELPretrainer. Note that scikit-learn's clone() (used by "
                "cross-validation and grid search) resets estimator-valued parameters: pass a "
                "checkpoint path (pretrainer.save(path)) or pretrainer.composition_encoder_ instead."
            )
        enc = copy.deepcopy(source.composition_encoder_).cpu()
        enc.sample = sample
        return enc
    if isinstance(source, CompositionEncoder):
        enc = copy.deepcopy(source).cpu()
        enc.sample = sample
        return enc
    from skcromel.cromel_pretrained import is_registry_source, registry_encoder_state

    if is_registry_source(source):  # shipped / registered model: checksum-verified, cached
        cfg = registry_encoder_state(source)
    else:
        cfg = _source_payload(source)["composition_encoder"]
    enc = CompositionEncoder(
        in_dim=int(cfg["fc1.weight"].shape[1]),
        hidden=int(cfg["fc1.weight"].shape[0]),
        sample=sample,
    )
    enc.load_state_dict({k: v.clone() for k, v in cfg.items()})
    return enc


# --------------------------------------------------------------------------- pretrainer
def _as_targets(y):
    names = None
    if hasattr(y, "columns"):
        names = [str(c) for c in y.columns]
    elif hasattr(y, "name") and getattr(y, "ndim", 1) == 1:
        names = [str(y.name)] if y.name is not None else None
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2:
        raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}")
    if names is None:
        names = [f"y{i}" for i in range(y.shape[1])]
    return y, names


class CroMELPretrainer(BaseEstimator):
    """Pretrain a CroMEL source model on crystal structures and source properties.

    The structure encoder (CGCNN-style, :class:`skcromel.nn.gnn.StructureEncoder`) and a linear head
    are trained on the source properties only. The composition encoder is trained to produce
    embeddings aligned with the structure embeddings (which are detached: the alignment never
    changes the structure encoder), by one of the ``alignment`` losses.

    Parameters
    ----------
    alignment : {"wgan-gp-reference", "wgan-gp", "cosine", "mse", "infonce", "none"}, \
default="cosine"
        ``"wgan-gp-reference"``: the published loss as coded (critic every batch, composition
        encoder every ``n_critic``-th batch, RMSprop, penalty on generated samples and the batch
        mean). ``"wgan-gp"``: the same schedule with the standard interpolate penalty.
        ``"cosine"``/``"mse"``/``"infonce"``: paired alignment of every composition to its own
        structure embedding (Adam, every batch). ``"none"``: composition encoder not trained.
    hidden : int, default=64
    n_conv : int, default=2
    cutoff : float, default=4.0
        Graph cutoff in Angstrom.
    n_gaussians : int, default=64
    gaussian_width : float, default=0.5
    epochs : int, default=100
    batch_size : int, default=64
    lr : float, default=5e-4
        Adam learning rate of the structure encoder and head.
    weight_decay : float, default=1e-6
    align_lr : float or None, default=None
        Learning rate of the composition encoder (and critic); None: 1e-4 for the adversarial
        alignments (RMSprop, as published), 1e-3 for the paired ones (Adam).
    n_critic : int, default=5
    gp_weight : float, default=10.0
    temperature : float, default=0.1
        InfoNCE temperature.
    property_loss : {"sum", "mean"}, default="sum"
        Squared error summed over the batch (reference) or averaged.
    standardize_y : bool, default=True
        Train on standardised targets (per property).
    validation_fraction : float, default=0.0
        Hold out this fraction of structures (seeded) to report property MAE and alignment in
        ``history_`` and the model card.
    time_limit : float or None, default=None
        Stop after the epoch during which this many seconds have passed.
    device : str, default="cpu"
        ``"auto"`` picks CUDA when available.
    progress : bool, default=False
        tqdm bar over epochs.
    random_state : int, RandomState or None, default=None

    Attributes
    ----------
    structure_encoder_, head_, composition_encoder_, critic_ : torch modules (on CPU after fit)
    target_names_ : list of str
    y_mean_, y_scale_ : ndarray of shape (n_targets,)
    history_ : list of dict
        Per-epoch losses (and validation metrics when ``validation_fraction > 0``).
    model_card_ : dict
    """

    def __init__(
        self,
        *,
        alignment="cosine",
        hidden=64,
        n_conv=2,
        cutoff=4.0,
        n_gaussians=64,
        gaussian_width=0.5,
        epochs=100,
        batch_size=64,
        lr=5e-4,
        weight_decay=1e-6,
        align_lr=None,
        n_critic=5,
        gp_weight=10.0,
        temperature=0.1,
        property_loss="sum",
        standardize_y=True,
        validation_fraction=0.0,
        time_limit=None,
        device="cpu",
        progress=False,
        random_state=None,
    ):
        self.alignment = alignment
        self.hidden = hidden
        self.n_conv = n_conv
        self.cutoff = cutoff
        self.n_gaussians = n_gaussians
        self.gaussian_width = gaussian_width
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.align_lr = align_lr
        self.n_critic = n_critic
        self.gp_weight = gp_weight
        self.temperature = temperature
        self.property_loss = property_loss
        self.standardize_y = standardize_y
        self.validation_fraction = validation_fraction
        self.time_limit = time_limit
        self.device = device
        self.progress = progress
        self.random_state = random_state

    # ------------------------------------------------------------------ helpers
    def _gkw(self):
        return {
            "d_min": 1.0,
            "d_max": float(self.cutoff),
            "n_centers": int(self.n_gaussians),
            "width": float(self.gaussian_width),
        }

    def _check_params(self):
        if self.alignment not in L.ALIGNMENTS:
            raise ValueError(f"alignment must be one of {L.ALIGNMENTS}, got {self.alignment!r}")
        if self.property_loss not in ("sum", "mean"):
            raise ValueError(f"property_loss must be 'sum' or 'mean', got {self.property_loss!r}")
        if not 0 <= self.validation_fraction < 1:
            raise ValueError("validation_fraction must be in [0, 1)")

    def _build(self, n_targets):
        self.structure_encoder_ = StructureEncoder(
            200, int(self.n_gaussians), int(self.hidden), int(self.n_conv)
        )
        self.head_ = PropertyHead(int(self.hidden), n_targets)
        self.composition_encoder_ = CompositionEncoder(600, int(self.hidden), "never")
        self.critic_ = nn.Sequential(
            nn.Linear(self.hidden, self.hidden), nn.PReLU(), nn.Linear(self.hidden, 1)
        )

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, compositions=None):
        """Pretrain on structures ``X`` and source properties ``y``.

        Parameters
        ----------
        X : sequence of pymatgen Structure
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Source properties; NaN entries are ignored in the property loss (a structure may lack
            some properties).
        compositions : sequence, optional
            Compositions for the composition encoder; default: each structure's composition.

        Returns
        -------
        self
        """
        self._check_params()
        structures = list(X)
        Y, names = _as_targets(y)
        if len(structures) != Y.shape[0]:
            raise ValueError(f"X has {len(structures)} structures but y has {Y.shape[0]} rows")
        if len(structures) < 2:
            raise ValueError("CroMELPretrainer needs at least 2 structures")
        t_start = time.perf_counter()
        comps = [s.composition for s in structures] if compositions is None else compositions
        D = composition_descriptor(comps).astype(np.float32)
        graphs = structures_to_graphs(structures, self.cutoff, verbose=bool(self.progress))

        rng = check_random_state(self.random_state)
        n = len(structures)
        perm = rng.permutation(n)
        n_val = int(round(self.validation_fraction * n))
        val_idx, train_idx = np.sort(perm[:n_val]), np.sort(perm[n_val:])

        Yt = Y[train_idx]
        if self.standardize_y:
            self.y_mean_ = np.nanmean(Yt, axis=0)
            sc = np.nanstd(Yt, axis=0)
            self.y_scale_ = np.where(sc > 0, sc, 1.0)
        else:
            self.y_mean_ = np.zeros(Y.shape[1])
            self.y_scale_ = np.ones(Y.shape[1])
        Ys = ((Y - self.y_mean_) / self.y_scale_).astype(np.float32)

        device = resolve_device(self.device)
        seed = seed_from_random_state(rng)
        self.history_ = []
        with seeded(seed, device):
            self._build(Y.shape[1])
            self._train(graphs, D, Ys, train_idx, val_idx, device, rng, t_start)
        for m in (self.structure_encoder_, self.head_, self.composition_encoder_, self.critic_):
            m.cpu().eval()
        self.target_names_ = names
        self.n_train_ = len(train_idx)
        self.model_card_ = self._model_card(n, names, time.perf_counter() - t_start, device)
        return self

    def _train(self, graphs, D, Ys, train_idx, val_idx, device, rng, t_start):
        enc, head = self.structure_encoder_.to(device), self.head_.to(device)
        comp, critic = self.composition_encoder_.to(device), self.critic_.to(device)
        opt = torch.optim.Adam(
            [*enc.parameters(), *head.parameters()], lr=self.lr, weight_decay=self.weight_decay
        )
        adversarial = self.alignment.startswith("wgan")
        if adversarial:
            a_lr = 1e-4 if self.align_lr is None else self.align_lr
            opt_c = torch.optim.RMSprop(critic.parameters(), lr=a_lr)
            opt_g = torch.optim.RMSprop(comp.parameters(), lr=a_lr)
        elif self.alignment != "none":
            a_lr = 1e-3 if self.align_lr is None else self.align_lr
            opt_g = torch.optim.Adam(comp.parameters(), lr=a_lr)
        Dt = torch.as_tensor(D, device=device)
        Yt = torch.as_tensor(Ys, device=device)
        gkw = self._gkw()
        bs = int(self.batch_size)
        epochs = range(int(self.epochs))
        if self.progress:
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
                if self.alignment != "none":
                    with torch.no_grad():
                        h_s = enc.encode_batch(gb)
                    if adversarial:
                        crit_fn = (
                            L.critic_loss_reference
                            if self.alignment == "wgan-gp-reference"
                            else L.critic_loss_wgan_gp
                        )
                        loss_c = crit_fn(critic, h_s, comp(x_c), self.gp_weight)
                        opt_c.zero_grad()
                        loss_c.backward()
                        opt_c.step()
                        sums["critic"] += loss_c.item()
                        if (b + 1) % int(self.n_critic) == 0:
                            loss_g = L.generator_loss(critic, comp(x_c))
                            opt_g.zero_grad()
                            loss_g.backward()
                            opt_g.step()
                            sums["align"] += loss_g.item()
                    else:
                        loss_a = self._paired_loss(comp(x_c), h_s)
                        opt_g.zero_grad()
                        loss_a.backward()
                        opt_g.step()
                        sums["align"] += loss_a.item()
                # property
                pred = head(enc.encode_batch(gb))
                mask = ~torch.isnan(y_b)
                se = (pred[mask] - y_b[mask]) ** 2
                loss_p = se.sum() if self.property_loss == "sum" else se.mean()
                opt.zero_grad()
                loss_p.backward()
                opt.step()
                sums["property"] += loss_p.item()
                n_batches += 1
            rec = {"epoch": epoch + 1, **{k: v / max(n_batches, 1) for k, v in sums.items()}}
            if len(val_idx):
                rec.update(self._evaluate(graphs, D, Ys, val_idx, device))
            rec["seconds"] = time.perf_counter() - t_start
            self.history_.append(rec)
            if self.time_limit is not None and rec["seconds"] > self.time_limit:
                break

    def _paired_loss(self, h_c, h_s):
        if self.alignment == "cosine":
            return L.paired_cosine_loss(h_c, h_s)
        if self.alignment == "mse":
            return L.paired_mse_loss(h_c, h_s)
        return L.info_nce_loss(h_c, h_s, self.temperature)

    @torch.no_grad()
    def _evaluate(self, graphs, D, Ys, idx, device):
        enc, head, comp = self.structure_encoder_, self.head_, self.composition_encoder_
        enc.eval(), head.eval(), comp.eval()
        h_s = torch.cat(
            [
                enc.encode_batch(
                    batch_graphs([graphs[i] for i in idx[s : s + 256]], **self._gkw()).to(device)
                )
                for s in range(0, len(idx), 256)
            ]
        )
        h_c = comp(torch.as_tensor(D[idx], device=device))
        pred = head(h_s).cpu().numpy()
        err = np.abs(pred - Ys[idx]) * self.y_scale_
        mae = np.nanmean(err, axis=0)
        cos = torch.nn.functional.cosine_similarity(h_c, h_s, dim=1).mean().item()
        out = {f"val_mae_{i}": float(m) for i, m in enumerate(mae)}
        out["val_cosine"] = cos
        # fraction of compositions whose nearest structure embedding (cosine) is their own
        sim = torch.nn.functional.normalize(h_c, dim=1) @ h_s.T
        out["val_top1"] = float((sim.argmax(1).cpu().numpy() == np.arange(len(idx))).mean())
        return out

    def _model_card(self, n, names, seconds, device):
        from skcromel.nn import gnn  # noqa: F401  (module path recorded below)

        last = self.history_[-1] if self.history_ else {}
        try:
            from importlib.metadata import version

            skv = version("skcromel")
        except Exception:  # noqa: BLE001
            skv = "unknown"
        return {
            "model": "CroMEL source (structure encoder + aligned composition encoder)",
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "skcromel_version": skv,
            "torch_version": str(torch.__version__),
            "python": platform.python_version(),
            "n_structures": int(n),
            "n_train": int(self.n_train_),
            "targets": list(names),
            "y_mean": [float(v) for v in self.y_mean_],
            "y_scale": [float(v) for v in self.y_scale_],
            "composition_descriptor": "matscholar mean/min/max (600-d, unscaled)",
            "graph": f"periodic, cutoff {self.cutoff} A, {self.n_gaussians} Gaussians 1-"
            f"{self.cutoff} A, width {self.gaussian_width}",
            "epochs_run": len(self.history_),
            "train_seconds": round(float(seconds), 1),
            "device": device,
            "final": {k: float(v) for k, v in last.items()},
            "citation": "G. S. Na, npj Comput. Mater. (2025), doi:10.1038/s41524-025-01723-1",
        }

    # ------------------------------------------------------------------ use
    def transform(self, X):
        """Structure embeddings ``h_s`` (n_samples, hidden), float64."""
        check_is_fitted(self, "structure_encoder_")
        graphs = structures_to_graphs(list(X), self.cutoff)
        with torch.no_grad():
            out = [
                self.structure_encoder_.encode_batch(
                    batch_graphs(graphs[s : s + 256], **self._gkw())
                )
                for s in range(0, len(graphs), 256)
            ]
        return torch.cat(out).double().numpy()

    def predict(self, X):
        """Source-property predictions from structures, (n_samples, n_targets) float64
        (1-D when there is one target)."""
        h = torch.as_tensor(self.transform(X), dtype=torch.float32)
        with torch.no_grad():
            out = self.head_(h).double().numpy() * self.y_scale_ + self.y_mean_
        return out[:, 0] if out.shape[1] == 1 else out

    def transform_compositions(self, X):
        """Composition embeddings ``h_c`` (mean path), float64 (n_samples, hidden)."""
        check_is_fitted(self, "composition_encoder_")
        D = torch.as_tensor(composition_descriptor(X), dtype=torch.float32)
        with torch.no_grad():
            return self.composition_encoder_.mean(D).double().numpy()

    # ------------------------------------------------------------------ persistence
    def save(self, path):
        """Write a versioned checkpoint (CPU state dicts, config, model card).

        The file loads with ``torch.load(path, weights_only=True)``.
        """
        check_is_fitted(self, "structure_encoder_")
        params = {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in self.get_params().items()
            if isinstance(v, (int, float, str, bool, tuple, type(None)))
        }
        payload = {
            "format": CHECKPOINT_FORMAT,
            "format_version": CHECKPOINT_VERSION,
            "config": {**params, "target_names": list(self.target_names_)},
            "state": {
                "structure_encoder": _cpu_state(self.structure_encoder_),
                "head": _cpu_state(self.head_),
                "composition_encoder": _cpu_state(self.composition_encoder_),
                "critic": _cpu_state(self.critic_),
            },
            "y_mean": [float(v) for v in self.y_mean_],
            "y_scale": [float(v) for v in self.y_scale_],
            "history": [{k: float(v) for k, v in r.items()} for r in self.history_],
            "model_card": self.model_card_,
        }
        torch.save(payload, os.fspath(path))
        return path

    @classmethod
    def load(cls, path):
        """Rebuild a fitted pretrainer from :meth:`save` output (on CPU)."""
        obj = torch.load(os.fspath(path), map_location="cpu", weights_only=True)
        if not isinstance(obj, dict) or obj.get("format") != CHECKPOINT_FORMAT:
            raise ValueError(f"{path} is not a skcromel CroMEL checkpoint")
        if obj["format_version"] > CHECKPOINT_VERSION:
            raise ValueError(
                f"{path} has checkpoint format {obj['format_version']}; this skcromel reads "
                f"up to {CHECKPOINT_VERSION}: upgrade skcromel"
            )
        cfg = dict(obj["config"])
        names = cfg.pop("target_names")
        valid = cls().get_params()
        self = cls(**{k: v for k, v in cfg.items() if k in valid})
        self._build(len(names))
        for name, sd in obj["state"].items():
            getattr(self, name + "_").load_state_dict(sd)
            getattr(self, name + "_").eval()
        self.target_names_ = names
        self.y_mean_ = np.asarray(obj["y_mean"])
        self.y_scale_ = np.asarray(obj["y_scale"])
        self.history_ = obj.get("history", [])
        self.model_card_ = obj.get("model_card", {})
        self.n_train_ = self.model_card_.get("n_train")
        return self


def _cpu_state(module):
    return {k: v.detach().cpu().clone() for k, v in module.state_dict().items()}


# --------------------------------------------------------------------------- featurizer
class CroMELFeaturizer(TransformerMixin, BaseEstimator):
    """Compositions -> pretrained CroMEL composition embeddings (64-d by default).

    Parameters
    ----------
    source : str, path, CompositionEncoder, fitted CroMELPretrainer or None, \
default="cromel-offline-cosine"
        Pretrained source (see module docstring); the default is the source shipped with
        skcromel (pretrained on ~13k offline structures, target compositions excluded; see
        ``docs/cromel.md``). Inside cross-validation or grid search pass a name, a path or a
        ``CompositionEncoder`` (``clone`` resets a CroMELPretrainer parameter). None raises.
    batch_size : int, default=8192
    sample : bool, default=False
        Add the reference's Gaussian noise (seeded by ``random_state``); default deterministic.
    on_error : {"raise", "nan"}, default="raise"
        Unparsable compositions / unsupported elements: raise, or give a NaN row.
    device : str, default="cpu"
    random_state : int, RandomState or None, default=None
        Only used when ``sample=True``.

    Attributes
    ----------
    encoder_ : CompositionEncoder
    n_features_out_ : int
    """

    def __init__(
        self,
        source="cromel-offline-cosine",
        *,
        batch_size=8192,
        sample=False,
        on_error="raise",
        device="cpu",
        random_state=None,
    ):
        self.source = source
        self.batch_size = batch_size
        self.sample = sample
        self.on_error = on_error
        self.device = device
        self.random_state = random_state

    def fit(self, X=None, y=None):
        """Load the pretrained encoder (``X`` and ``y`` are ignored)."""
        if self.source is None:
            raise ValueError(
                "CroMELFeaturizer needs a source: a checkpoint written by CroMELPretrainer.save, "
                "a CompositionEncoder, or 'cromel-ref:<name>' for a reference checkpoint in the "
                "data home"
            )
        self.encoder_ = load_composition_encoder(
            self.source, sample="always" if self.sample else "never"
        ).eval()
        self.device_ = resolve_device(self.device)
        self.encoder_.to(self.device_)
        self.descriptor_ = _descriptor_transformer(self.on_error)
        self.n_features_out_ = self.encoder_.hidden
        return self

    def transform(self, X):
        """Embed compositions; returns float64 (n_samples, n_features_out_)."""
        check_is_fitted(self, "encoder_")
        from skcromel.parsing import as_composition_array

        values, _ = as_composition_array(X)
        out = np.full((len(values), self.n_features_out_), np.nan)
        gen = None
        if self.sample:
            gen = torch.Generator(device=self.device_)
            gen.manual_seed(seed_from_random_state(self.random_state))
        bs = int(self.batch_size)
        with torch.inference_mode():
            # descriptor and encoder chunk by chunk: memory stays bounded by batch_size rows
            for s in range(0, len(values), bs):
                try:
                    D = self.descriptor_.fit_transform(values[s : s + bs])
                except CompositionError as exc:  # report the row in the full input
                    row = None if exc.row is None else exc.row + s
                    raise CompositionError(exc.reason, row=row, value=exc.value) from exc
                D = np.asarray(D, dtype=np.float32)
                ok = np.flatnonzero(~np.isnan(D).any(axis=1))
                x = torch.from_numpy(D[ok]).to(self.device_)
                out[s + ok] = self.encoder_(x, generator=gen).double().cpu().numpy()
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_out_")
        return np.array([f"cromel_{i}" for i in range(self.n_features_out_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.non_deterministic = bool(self.sample)
        return tags


# --------------------------------------------------------------------------- regressor
class _CroMELNet(nn.Module):
    def __init__(self, encoder: CompositionEncoder, hidden: int = 64):
        super().__init__()
        self.encoder = encoder
        self.fc1 = nn.Linear(encoder.hidden, hidden)
        self.act = nn.LeakyReLU()
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, X):
        return self.fc2(self.act(self.fc1(self.encoder(X))))


class CroMELRegressor(TorchRegressor):
    """Fine-tune a pretrained CroMEL composition encoder on a small target dataset.

    Every ``fit`` starts from a **fresh copy** of the source weights (cached read-only), so clones,
    CV folds and repeated fits never see each other's training (the reference's fold leakage is
    impossible by construction). Network: encoder -> Linear 64 -> LeakyReLU -> Linear 1, all
    layers trained unless ``freeze_encoder``.

    Parameters
    ----------
    source : str, path, CompositionEncoder, fitted CroMELPretrainer or None, \
default="cromel-offline-cosine"
        Pretrained source (see module docstring; default: the source shipped with skcromel);
        None = random initialisation (no transfer).
        Inside cross-validation or grid search pass a path or a ``CompositionEncoder`` (``clone``
        resets a CroMELPretrainer parameter; a module parameter is deep-copied).
    hidden : int, default=64
        Head width.
    freeze_encoder : bool, default=False
    sample : {"never", "train", "always"}, default="never"
        Noise of the encoder (see :class:`CompositionEncoder`).
    max_epochs, batch_size, lr, weight_decay, loss, ... : see :class:`TorchRegressor`; defaults
        follow the reference target model (Adam 5e-4, weight decay 5e-6, L1 loss, batch 32) but
        with 300 epochs instead of 1000.
    """

    def __init__(
        self,
        source="cromel-offline-cosine",
        *,
        hidden=64,
        freeze_encoder=False,
        sample="never",
        max_epochs=300,
        batch_size=32,
        lr=5e-4,
        weight_decay=5e-6,
        optimizer="adam",
        loss="mae",
        validation_fraction=0.0,
        patience=None,
        standardize_y=True,
        device="auto",
        progress=False,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            max_epochs=max_epochs,
            batch_size=batch_size,
            lr=lr,
            weight_decay=weight_decay,
            optimizer=optimizer,
            loss=loss,
            validation_fraction=validation_fraction,
            patience=patience,
            standardize_y=standardize_y,
            device=device,
            progress=progress,
            random_state=random_state,
            verbose=verbose,
        )
        self.source = source
        self.hidden = hidden
        self.freeze_encoder = freeze_encoder
        self.sample = sample

    def _prepare_X(self, X, fitting):
        D = composition_descriptor(X, on_error="raise")
        if fitting:
            self.n_features_in_ = 1
        return D.astype(np.float32)

    def _build_module(self, n_features):
        if self.source is None:
            enc = CompositionEncoder(n_features, 64, sample=self.sample)
        else:
            enc = load_composition_encoder(self.source, sample=self.sample)
            if enc.in_dim != n_features:
                raise ValueError(f"source expects {enc.in_dim} inputs, descriptor has {n_features}")
        if self.freeze_encoder:
            for p in enc.parameters():
                p.requires_grad_(False)
        return _CroMELNet(enc, int(self.hidden))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.non_deterministic = self.sample != "never"
        return tags


# registers the "CroMELCompositionEncoder" architecture with skcromel.registry (shipped sources)
from skcromel import cromel_pretrained as _cromel_pretrained  # noqa: E402, F401
