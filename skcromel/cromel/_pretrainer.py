"""``CroMELPretrainer``: a structure encoder trained on source properties, and a composition
encoder aligned with it (the training loop itself is in :mod:`._training`)."""

from __future__ import annotations

import os
import time

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..featurizers._base import validate_compositions
from ..nn import PropertyHead, StructureEncoder, resolve_device, seed_from_random_state, seeded
from . import _losses
from ._encoder import CompositionEncoder, composition_descriptor
from ._graphs import batch_graphs, structures_to_graphs
from ._sources import CHECKPOINT_FORMAT
from ._training import model_card, train_epochs

__all__ = ["CHECKPOINT_FORMAT", "CHECKPOINT_VERSION", "CroMELPretrainer"]

CHECKPOINT_VERSION = 1


def _structures(estimator, X, *, reset: bool) -> list:
    """The structures of ``X`` (one column), each checked to be a pymatgen ``Structure``."""
    from pymatgen.core import Structure

    values = validate_compositions(estimator, X, reset=reset, what="structures")
    for i, s in enumerate(values):
        if not isinstance(s, Structure):
            raise TypeError(
                f"{type(estimator).__name__}: row {i} of X is a {type(s).__name__} ({s!r:.40}), "
                "not a pymatgen Structure"
            )
    return list(values)


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

    The structure encoder (CGCNN-style, :class:`skcromel.nn.StructureEncoder`) and a linear head
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
    n_features_in_ : int
        Always 1 (one column of structures).
    feature_names_in_ : ndarray of str
        Name of the input column, when fitted on a named one-column DataFrame.
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
        if self.alignment not in _losses.ALIGNMENTS:
            raise ValueError(
                f"alignment must be one of {_losses.ALIGNMENTS}, got {self.alignment!r}"
            )
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
        X : collection of pymatgen Structure
            List, 1-D array, Series or one-column DataFrame.
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
        structures = _structures(self, X, reset=True)
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
            train_epochs(self, graphs, D, Ys, train_idx, val_idx, device, rng, t_start)
        for m in (self.structure_encoder_, self.head_, self.composition_encoder_, self.critic_):
            m.cpu().eval()
        self.target_names_ = names
        self.n_train_ = len(train_idx)
        self.model_card_ = model_card(self, n, names, time.perf_counter() - t_start, device)
        return self

    # ------------------------------------------------------------------ use
    def transform(self, X):
        """Structure embeddings ``h_s`` (n_samples, hidden), float64."""
        check_is_fitted(self, "structure_encoder_")
        return self._embed(_structures(self, X, reset=False))

    def _embed(self, structures: list) -> np.ndarray:
        graphs = structures_to_graphs(structures, self.cutoff)
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
        check_is_fitted(self, "head_")
        h = torch.as_tensor(self._embed(_structures(self, X, reset=False)), dtype=torch.float32)
        with torch.no_grad():
            out = self.head_(h).double().numpy() * self.y_scale_ + self.y_mean_
        return out[:, 0] if out.shape[1] == 1 else out

    def transform_compositions(self, X):
        """Composition embeddings ``h_c`` (mean path), float64 (n_samples, hidden)."""
        check_is_fitted(self, "composition_encoder_")
        D = torch.as_tensor(composition_descriptor(X), dtype=torch.float32)
        with torch.no_grad():
            return self.composition_encoder_.mean(D).double().numpy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # X: one column of pymatgen structures; y: one or several source properties (required)
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        tags.input_tags.string = False
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = True
        tags.target_tags.two_d_labels = True
        tags.requires_fit = True
        tags.non_deterministic = self.device != "cpu"
        return tags

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
        self.n_features_in_ = 1
        self.y_mean_ = np.asarray(obj["y_mean"])
        self.y_scale_ = np.asarray(obj["y_scale"])
        self.history_ = obj.get("history", [])
        self.model_card_ = obj.get("model_card", {})
        self.n_train_ = self.model_card_.get("n_train")
        return self


def _cpu_state(module):
    return {k: v.detach().cpu().clone() for k, v in module.state_dict().items()}
