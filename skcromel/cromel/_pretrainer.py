"""``CroMELPretrainer``: a structure encoder trained on source properties (or a frozen pretrained
structure teacher, :mod:`._teachers`), and a composition encoder aligned with it (the training
loops themselves are in :mod:`._training`)."""

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
from ._teachers import describe_teacher, resolve_teacher
from ._training import align_epochs, model_card, train_epochs

__all__ = ["CHECKPOINT_FORMAT", "CHECKPOINT_VERSION", "CroMELPretrainer"]

#: Newest checkpoint format written: 1 for the jointly trained CGCNN (unchanged layout), 2 for a
#: frozen teacher (no structure encoder or head; teacher provenance and standardisation stored).
CHECKPOINT_VERSION = 2


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

    With ``teacher="cgcnn"`` (default) the structure encoder (CGCNN-style,
    :class:`skcromel.nn.StructureEncoder`) and a linear head are trained on the source properties
    only. The composition encoder is trained to produce embeddings aligned with the structure
    embeddings (which are detached: the alignment never changes the structure encoder), by one of
    the ``alignment`` losses.

    With a *frozen* teacher (``"chgnet"``, ``"chgnet-atoms"``, ``"precomputed"`` or a teacher
    object, :mod:`skcromel.cromel._teachers`), the structure embeddings come from a pretrained
    encoder: they are computed once per structure before the first epoch (or passed to ``fit`` as
    ``teacher_embeddings``), standardised per dimension on the training rows
    (``standardize_teacher``), and only the composition encoder (and the critic of the adversarial
    alignments) is trained; ``y`` is not needed and the structure-side settings (``n_conv``,
    ``cutoff``, ``lr``, ...) are unused.

    Parameters
    ----------
    teacher : {"cgcnn", "chgnet", "chgnet-atoms", "precomputed"} or teacher object, \
default="cgcnn"
        ``"cgcnn"``: CGCNN trained jointly on ``y`` (the published setup). ``"chgnet"``: frozen
        CHGNet crystal features (mean of the final atom features); ``"chgnet-atoms"``: frozen
        CHGNet atom features before the last convolution, mean-pooled
        (:class:`~skcromel.cromel.CHGNetTeacher`; needs ``pip install "skcromel[chgnet]"``).
        ``"precomputed"``: embeddings passed to ``fit(..., teacher_embeddings=...)``. An object
        with ``embed(structures) -> (n, d) array`` (and optionally ``describe() -> dict``).
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
    standardize_teacher : bool, default=True
        Frozen teachers: centre and scale every embedding dimension with the training rows' mean
        and standard deviation before the alignment (``teacher_mean_``, ``teacher_scale_``).
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
        ``structure_encoder_`` and ``head_`` are None with a frozen teacher.
    target_names_ : list of str
        Empty with a frozen teacher.
    y_mean_, y_scale_ : ndarray of shape (n_targets,)
    teacher_info_ : dict
        Provenance of the structure embeddings (``{"name": "cgcnn"}`` for the joint CGCNN).
    teacher_mean_, teacher_scale_ : ndarray of shape (hidden,)
        Frozen teachers: the standardisation of the teacher embeddings (zeros / ones without
        ``standardize_teacher``).
    n_teacher_failures_ : int
        Frozen teachers: structures without an embedding (NaN rows), left out of the training.
    history_ : list of dict
        Per-epoch losses (and validation metrics when ``validation_fraction > 0``).
    model_card_ : dict
    """

    def __init__(
        self,
        *,
        teacher="cgcnn",
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
        standardize_teacher=True,
        validation_fraction=0.0,
        time_limit=None,
        device="cpu",
        progress=False,
        random_state=None,
    ):
        self.teacher = teacher
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
        self.standardize_teacher = standardize_teacher
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
        resolve_teacher(self.teacher)  # raises on an unknown teacher

    def _frozen(self) -> bool:
        """True when the structure embeddings come from a frozen teacher."""
        return not (isinstance(self.teacher, str) and self.teacher == "cgcnn")

    def _build(self, n_targets, frozen=False):
        if frozen:
            self.structure_encoder_ = self.head_ = None
        else:
            self.structure_encoder_ = StructureEncoder(
                200, int(self.n_gaussians), int(self.hidden), int(self.n_conv)
            )
            self.head_ = PropertyHead(int(self.hidden), n_targets)
        self.composition_encoder_ = CompositionEncoder(600, int(self.hidden), "never")
        self.critic_ = nn.Sequential(
            nn.Linear(self.hidden, self.hidden), nn.PReLU(), nn.Linear(self.hidden, 1)
        )

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None, compositions=None, teacher_embeddings=None):
        """Pretrain on structures ``X`` and source properties ``y`` (joint CGCNN), or align the
        composition encoder with a frozen teacher's embeddings of ``X``.

        Parameters
        ----------
        X : collection of pymatgen Structure
            List, 1-D array, Series or one-column DataFrame. With ``teacher_embeddings`` (frozen
            teachers), compositions are accepted too: the structures are then not needed.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Source properties; NaN entries are ignored in the property loss (a structure may lack
            some properties). Required for ``teacher="cgcnn"``; ignored by frozen teachers.
        compositions : sequence, optional
            Compositions for the composition encoder; default: each structure's composition.
        teacher_embeddings : array-like of shape (n_samples, hidden), optional
            Frozen teachers: precomputed teacher embeddings aligned with ``X`` (e.g. the cache of
            ``benchmarks/cromel/chgnet_embeddings.py``): the teacher is then never called. NaN
            rows are left out.

        Returns
        -------
        self
        """
        self._check_params()
        if self._frozen():
            return self._fit_frozen(X, compositions, teacher_embeddings)
        if teacher_embeddings is not None:
            raise ValueError(
                "teacher_embeddings needs a frozen teacher (e.g. teacher='chgnet' or "
                "'precomputed'); teacher='cgcnn' trains its structure encoder on y"
            )
        if y is None:
            raise ValueError("y (source properties) is required with teacher='cgcnn'")
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
        self.teacher_info_ = {"name": "cgcnn"}
        self.model_card_ = model_card(self, n, names, time.perf_counter() - t_start, device)
        return self

    def _fit_frozen(self, X, compositions, teacher_embeddings):
        t_start = time.perf_counter()
        if teacher_embeddings is None:
            items = _structures(self, X, reset=True)
        else:
            items = list(validate_compositions(self, X, reset=True, what="rows"))
        teacher = resolve_teacher(self.teacher)
        if teacher_embeddings is None:
            if teacher is None:
                raise ValueError("teacher='precomputed' needs fit(..., teacher_embeddings=...)")
            H = np.asarray(teacher.embed(items), dtype=np.float32)
        else:
            H = np.asarray(teacher_embeddings, dtype=np.float32)
        if H.ndim != 2 or H.shape[0] != len(items):
            raise ValueError(
                f"teacher embeddings must have shape (n_samples, dim) = ({len(items)}, dim), "
                f"got {H.shape}"
            )
        if H.shape[1] != int(self.hidden):
            raise ValueError(
                f"the teacher embeddings are {H.shape[1]}-dimensional but hidden={self.hidden}: "
                f"set hidden={H.shape[1]}"
            )
        comps = items if compositions is None else list(compositions)
        if len(comps) != len(items):
            raise ValueError(f"X has {len(items)} rows but compositions has {len(comps)}")
        ok = np.isfinite(H).all(axis=1)
        self.n_teacher_failures_ = int((~ok).sum())
        if self.n_teacher_failures_:
            import warnings

            warnings.warn(
                f"{self.n_teacher_failures_} of {len(items)} structures have no teacher "
                "embedding (NaN) and are left out",
                stacklevel=3,
            )
        keep = np.flatnonzero(ok)
        H = H[keep]
        comps = [comps[i] for i in keep]
        n = len(keep)
        if n < 2:
            raise ValueError(
                "CroMELPretrainer needs at least 2 structures with a teacher embedding"
            )
        D = composition_descriptor(comps).astype(np.float32)

        rng = check_random_state(self.random_state)
        perm = rng.permutation(n)
        n_val = int(round(self.validation_fraction * n))
        val_idx, train_idx = np.sort(perm[:n_val]), np.sort(perm[n_val:])
        if self.standardize_teacher:
            self.teacher_mean_ = H[train_idx].mean(axis=0).astype(np.float64)
            sc = H[train_idx].std(axis=0).astype(np.float64)
            self.teacher_scale_ = np.where(sc > 0, sc, 1.0)
        else:
            self.teacher_mean_ = np.zeros(H.shape[1])
            self.teacher_scale_ = np.ones(H.shape[1])
        Hs = ((H - self.teacher_mean_) / self.teacher_scale_).astype(np.float32)

        device = resolve_device(self.device)
        seed = seed_from_random_state(rng)
        self.history_ = []
        with seeded(seed, device):
            self._build(0, frozen=True)
            align_epochs(self, Hs, D, train_idx, val_idx, device, rng, t_start)
        for m in (self.composition_encoder_, self.critic_):
            m.cpu().eval()
        self.target_names_ = []
        self.y_mean_ = np.zeros(0)
        self.y_scale_ = np.ones(0)
        self.n_train_ = len(train_idx)
        self.teacher_info_ = describe_teacher(self.teacher)
        if teacher_embeddings is not None:
            self.teacher_info_["embeddings"] = "precomputed (passed to fit)"
        self.model_card_ = model_card(self, n, [], time.perf_counter() - t_start, device)
        return self

    # ------------------------------------------------------------------ use
    def transform(self, X):
        """Structure embeddings ``h_s`` (n_samples, hidden), float64: the structure encoder's, or
        the frozen teacher's after the fitted standardisation."""
        check_is_fitted(self, "composition_encoder_")
        structures = _structures(self, X, reset=False)
        if self.structure_encoder_ is None:
            teacher = resolve_teacher(self.teacher)
            if teacher is None:
                raise ValueError(
                    "teacher='precomputed': the pretrainer cannot embed structures itself"
                )
            H = np.asarray(teacher.embed(structures), dtype=np.float64)
            return (H - self.teacher_mean_) / self.teacher_scale_
        return self._embed(structures)

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
        check_is_fitted(self, "composition_encoder_")
        if self.head_ is None:
            raise ValueError(
                "a pretrainer with a frozen teacher has no property head: it predicts nothing"
            )
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
        check_is_fitted(self, "composition_encoder_")
        params = {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in self.get_params().items()
            if isinstance(v, (int, float, str, bool, tuple, type(None)))
        }
        frozen = self.structure_encoder_ is None
        if frozen and not isinstance(self.teacher, str):
            # a teacher object: its class is rebuilt on load when it is CHGNetTeacher
            params["teacher"] = "precomputed"
        modules = ("composition_encoder", "critic")
        if not frozen:
            modules = ("structure_encoder", "head", *modules)
        payload = {
            "format": CHECKPOINT_FORMAT,
            "format_version": 2 if frozen else 1,
            "config": {**params, "target_names": list(self.target_names_)},
            "state": {m: _cpu_state(getattr(self, m + "_")) for m in modules},
            "y_mean": [float(v) for v in self.y_mean_],
            "y_scale": [float(v) for v in self.y_scale_],
            "history": [{k: float(v) for k, v in r.items()} for r in self.history_],
            "model_card": self.model_card_,
        }
        if frozen:
            payload["teacher"] = _plain(self.teacher_info_)
            payload["teacher_mean"] = [float(v) for v in self.teacher_mean_]
            payload["teacher_scale"] = [float(v) for v in self.teacher_scale_]
            payload["n_teacher_failures"] = int(self.n_teacher_failures_)
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
        frozen = "structure_encoder" not in obj["state"]
        info = obj.get("teacher") or {"name": "cgcnn"}
        if frozen and not isinstance(self.teacher, str):
            self.teacher = "precomputed"
        if (
            frozen
            and self.teacher == "precomputed"
            and str(info.get("name", "")).startswith("chgnet")
            and info.get("features") in ("crystal", "atoms")
        ):
            from ._teachers import CHGNetTeacher

            self.teacher = CHGNetTeacher(
                features=info["features"], model=info.get("model", "0.3.0")
            )
        self._build(len(names), frozen=frozen)
        if frozen:
            self.teacher_mean_ = np.asarray(obj["teacher_mean"])
            self.teacher_scale_ = np.asarray(obj["teacher_scale"])
            self.n_teacher_failures_ = int(obj.get("n_teacher_failures", 0))
        self.teacher_info_ = dict(info)
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


def _plain(obj):
    """JSON-like copy (str, float, int, bool, None, lists, dicts) for weights_only checkpoints."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return str(obj)


def _cpu_state(module):
    return {k: v.detach().cpu().clone() for k, v in module.state_dict().items()}
