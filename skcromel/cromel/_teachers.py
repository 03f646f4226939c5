"""Frozen pretrained structure teachers for :class:`CroMELPretrainer`.

CroMEL aligns a composition encoder with the embeddings of a structure encoder. By default
(``teacher="cgcnn"``) that structure encoder is a small CGCNN trained jointly on the source
properties of the pretraining structures. A *frozen* teacher instead is a structure encoder
pretrained elsewhere on far more data; its embedding of every structure is computed once (and
memoised), and only the composition encoder is trained.

* :class:`CHGNetTeacher` -- CHGNet (B. Deng et al., *Nat. Mach. Intell.* 5, 1031 (2023);
  pretrained on MPtrj, about 1.5 M structures of about 146k Materials Project materials; package
  ``chgnet``, Modified BSD licence). Features ``"crystal"``: the mean over sites of the final
  (layer-normalised) atom features, i.e. CHGNet's ``crystal_fea`` (a *sum* over sites, because
  CHGNet 0.3.0 reads out per site first) divided by the number of sites, so that the embedding
  does not depend on the choice of cell; ``"atoms"``: the mean over sites of the atom features
  before the last convolution (``return_atom_feas``). Both are 64-d.
* :func:`resolve_teacher` -- the ``teacher`` parameter of :class:`CroMELPretrainer` to a teacher
  object (``None`` for the jointly trained CGCNN).
* :func:`chgnet_features` -- one CHGNet pass over structures giving every feature variant (used
  by the teacher and by ``benchmarks/cromel/chgnet_embeddings.py``, which caches them).

``chgnet`` is an optional dependency (``pip install "skcromel[chgnet]"``), imported on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings

import numpy as np
from sklearn.base import BaseEstimator

__all__ = [
    "CHGNET_EXTRA",
    "CHGNET_FEATURES",
    "TEACHERS",
    "CHGNetTeacher",
    "chgnet_features",
    "chgnet_version",
    "load_chgnet",
    "resolve_teacher",
    "structure_fingerprint",
]

#: ``teacher`` strings accepted by :class:`CroMELPretrainer`. ``"precomputed"``: embeddings are
#: passed to ``fit(..., teacher_embeddings=...)`` (from any model).
TEACHERS = ("cgcnn", "chgnet", "chgnet-atoms", "precomputed")
#: Feature variants of :class:`CHGNetTeacher`.
CHGNET_FEATURES = ("crystal", "atoms")
#: How to install the optional CHGNet dependency.
CHGNET_EXTRA = 'pip install "skcromel[chgnet]"'
CHGNET_CITATION = (
    "B. Deng et al., CHGNet as a pretrained universal neural network potential for "
    "charge-informed atomistic modelling, Nat. Mach. Intell. 5, 1031 (2023), "
    "doi:10.1038/s42256-023-00716-3"
)
CHGNET_LICENCE = "chgnet package and weights: Modified BSD (3-clause) licence"

_MODELS: dict = {}
#: (model name, structure fingerprint) -> {feature variant: float32 vector}; bounded.
_MEMO: dict = {}
_MEMO_MAX = 500_000


def _import_chgnet():
    try:
        from chgnet.model import CHGNet
    except ImportError as exc:  # pragma: no cover - exercised through a monkeypatched import
        raise ImportError(
            f"the CHGNet teacher needs the optional dependency 'chgnet': {CHGNET_EXTRA}"
        ) from exc
    return CHGNet


def chgnet_version() -> str:
    """Installed ``chgnet`` package version (ImportError naming the extra when absent)."""
    _import_chgnet()
    from importlib.metadata import version

    return version("chgnet")


def load_chgnet(model_name: str = "0.3.0", device: str = "cpu"):
    """The pretrained CHGNet ``model_name`` (weights ship in the wheel), loaded once per process.

    Raises ImportError naming the ``chgnet`` extra when the package is not installed.
    """
    key = (str(model_name), str(device))
    if key not in _MODELS:
        CHGNet = _import_chgnet()
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = CHGNet.load(model_name=model_name, use_device=device, verbose=False)
        model.eval()
        for p in model.parameters():
            p.requires_grad_(False)
        _MODELS[key] = model
    return _MODELS[key]


def structure_fingerprint(structure) -> str:
    """sha1 of a structure's lattice, atomic numbers and fractional coordinates (float64)."""
    h = hashlib.sha1()
    h.update(np.ascontiguousarray(structure.lattice.matrix, dtype=np.float64).tobytes())
    h.update(np.asarray(structure.atomic_numbers, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(structure.frac_coords, dtype=np.float64).tobytes())
    return h.hexdigest()


def chgnet_features(model, structures, *, batch_size: int = 64, progress: bool = False) -> dict:
    """Every CHGNet feature variant of ``structures`` in one batched forward pass (energy only,
    no forces or stresses, no autograd).

    Parameters
    ----------
    model : chgnet.model.CHGNet
        E.g. :func:`load_chgnet`.
    structures : sequence of pymatgen Structure
    batch_size : int, default=64
    progress : bool, default=False
        tqdm bar over structures.

    Returns
    -------
    dict of ndarray
        ``crystal`` (n, 64) float32: mean of the final atom features (``crystal_fea / n_sites``);
        ``atoms`` (n, 64) float32: mean of the atom features before the last convolution;
        ``crystal_sum`` (n, 64): CHGNet's own ``crystal_fea``; ``energy`` (n,): CHGNet energy,
        eV/atom; ``n_sites`` (n,) int. Structures CHGNet cannot convert (e.g. an isolated atom
        farther than 6 A from every other) give NaN rows and ``n_sites`` 0.
    """
    import torch

    structures = list(structures)
    n = len(structures)
    out = {
        "crystal": np.full((n, 64), np.nan, np.float32),
        "atoms": np.full((n, 64), np.nan, np.float32),
        "crystal_sum": np.full((n, 64), np.nan, np.float32),
        "energy": np.full(n, np.nan, np.float32),
        "n_sites": np.zeros(n, np.int64),
    }
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc="CHGNet embeddings", unit="structure")
    converter = model.graph_converter
    device = next(model.parameters()).device
    bs = max(1, int(batch_size))
    for start in range(0, n, bs):
        rows, graphs = [], []
        for i in range(start, min(start + bs, n)):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    graphs.append(converter(structures[i]).to(device))
                rows.append(i)
            except Exception:  # noqa: BLE001 - CHGNet raises bare exceptions on odd structures
                continue
        if graphs:
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pred = model.forward(
                    graphs, task="e", return_atom_feas=True, return_crystal_feas=True
                )
            sites = pred["atoms_per_graph"].to(torch.float32)
            crys = pred["crystal_fea"]
            atoms = torch.stack([a.mean(0) for a in pred["atom_fea"]])
            idx = np.asarray(rows)
            out["crystal_sum"][idx] = crys.cpu().numpy()
            out["crystal"][idx] = (crys / sites[:, None]).cpu().numpy()
            out["atoms"][idx] = atoms.cpu().numpy()
            out["energy"][idx] = pred["e"].cpu().numpy()
            out["n_sites"][idx] = sites.cpu().numpy().astype(np.int64)
        if bar is not None:
            bar.update(min(start + bs, n) - start)
    if bar is not None:
        bar.close()
    return out


class CHGNetTeacher(BaseEstimator):
    """Frozen CHGNet structure encoder: one 64-d embedding per structure.

    Parameters
    ----------
    features : {"crystal", "atoms"}, default="crystal"
        ``"crystal"``: mean over sites of the final atom features (CHGNet's ``crystal_fea``
        divided by the number of sites); ``"atoms"``: mean over sites of the atom features before
        the last convolution.
    model : str, default="0.3.0"
        Pretrained CHGNet version (``CHGNet.load(model_name=...)``).
    batch_size : int, default=64
    device : str, default="cpu"
    progress : bool, default=False

    Notes
    -----
    Embeddings are memoised per process by (model, structure fingerprint), so a structure is
    embedded once however many pretrainers use it. For large pools, compute them once with
    ``benchmarks/cromel/chgnet_embeddings.py`` and pass them to
    ``CroMELPretrainer.fit(..., teacher_embeddings=...)``.
    """

    dim = 64

    def __init__(
        self, features="crystal", model="0.3.0", batch_size=64, device="cpu", progress=False
    ):
        self.features = features
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self.progress = progress

    def embed(self, structures) -> np.ndarray:
        """Embeddings (n, 64) float32 of pymatgen structures; NaN rows for structures CHGNet
        cannot convert."""
        if self.features not in CHGNET_FEATURES:
            raise ValueError(f"features must be one of {CHGNET_FEATURES}, got {self.features!r}")
        structures = list(structures)
        keys = [(str(self.model), structure_fingerprint(s)) for s in structures]
        todo = [i for i, k in enumerate(keys) if k not in _MEMO]
        if todo:
            model = load_chgnet(self.model, self.device)
            feats = chgnet_features(
                model,
                [structures[i] for i in todo],
                batch_size=self.batch_size,
                progress=self.progress,
            )
            if len(_MEMO) + len(todo) > _MEMO_MAX:
                _MEMO.clear()
            for j, i in enumerate(todo):
                _MEMO[keys[i]] = {v: feats[v][j] for v in CHGNET_FEATURES}
        out = np.empty((len(structures), self.dim), np.float32)
        for i, k in enumerate(keys):
            out[i] = _MEMO[k][self.features]
        return out

    def describe(self) -> dict:
        """Provenance of the embeddings, for checkpoints and model cards."""
        try:
            pkg = chgnet_version()
        except ImportError:
            pkg = None
        return {
            "name": "chgnet" if self.features == "crystal" else f"chgnet-{self.features}",
            "teacher": "CHGNet (frozen, pretrained on MPtrj)",
            "chgnet_version": pkg,
            "model": str(self.model),
            "features": self.features,
            "features_description": (
                "mean over sites of the final layer-normalised atom features (crystal_fea / "
                "n_sites)"
                if self.features == "crystal"
                else "mean over sites of the atom features before the last convolution"
            ),
            "dim": self.dim,
            "licence": CHGNET_LICENCE,
            "citation": CHGNET_CITATION,
        }


def resolve_teacher(teacher):
    """The teacher object of a :class:`CroMELPretrainer` ``teacher`` parameter.

    Returns None for ``"cgcnn"`` (jointly trained) and ``"precomputed"`` (embeddings passed to
    ``fit``), a :class:`CHGNetTeacher` for ``"chgnet"`` / ``"chgnet-atoms"``, and any object with
    an ``embed(structures) -> (n, d) array`` method unchanged.
    """
    if isinstance(teacher, str):
        if teacher not in TEACHERS:
            raise ValueError(
                f"teacher must be one of {TEACHERS} or a teacher object, got {teacher!r}"
            )
        if teacher == "chgnet":
            return CHGNetTeacher()
        if teacher == "chgnet-atoms":
            return CHGNetTeacher(features="atoms")
        return None
    if callable(getattr(teacher, "embed", None)):
        return teacher
    raise TypeError(
        f"teacher must be one of {TEACHERS} or an object with an embed(structures) method, "
        f"got {type(teacher).__name__}"
    )


def describe_teacher(teacher) -> dict:
    """Provenance dict of a ``teacher`` parameter value."""
    if isinstance(teacher, str):
        obj = resolve_teacher(teacher)
        if obj is None:
            return {"name": teacher}
        return obj.describe()
    if callable(getattr(teacher, "describe", None)):
        return dict(teacher.describe())
    return {"name": type(teacher).__name__}
