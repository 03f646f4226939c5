"""Pretraining of ElemNet source models for cross-property transfer.

Python API: :func:`pretrain_elemnet` (returns the fitted model and its model card) and
:func:`save_source` (writes ``weights.pt`` + ``card.json`` for the registry). Command line::

    skcromel pretrain elemnet --data mp_e_form.csv --formula-col formula --target-col target \
        --exclude exclude.txt --out skcromel/pretrained/my-source --epochs 300 --device cuda

Compositions listed in the exclusion file (one formula per line, ``#`` comments allowed) are
removed from the training data by *reduced formula* (``Fe2O3`` excludes ``Fe4O6``), so target
benchmarks evaluated on those compositions stay fair. The validation split is grouped by reduced
formula as well.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import platform
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import GroupShuffleSplit

from ..config import get_data_home
from ..elements import ELEMNET_ELEMENTS
from ..nn import elemnet_spec
from ..parsing import as_composition_array, reduced_formulas, to_element_matrix
from ..registry import save_pretrained
from ._estimators import ELEMNET_INPUT, ElemNetRegressor

__all__ = [
    "EXPERIMENTAL_TARGETS",
    "benchmark_target_formulas",
    "float16_check",
    "prepare_pretraining_data",
    "pretrain_elemnet",
    "read_exclude_file",
    "save_source",
    "write_exclude_file",
]


def read_exclude_file(path: str | os.PathLike) -> list[str]:
    """Formulas from a text file: one per line, blank lines and ``#`` comments ignored."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(line)
    return out


# (relative path, column) of the experimental target sets whose compositions a source must not see.
EXPERIMENTAL_TARGETS = (
    ("cromel/dataset/tgt_exp/efe.xlsx", "composition"),
    ("crabnet/data/matbench/expt_gap.csv", "formula"),
    (
        "expt_other/mastml_metallic_glass_trg/Metallic_Glass_Forming_with_features2.csv",
        "Material compositions",
    ),
    ("expt_ngs00/simd/dataset/estm.csv", "Formula"),
    ("expt_ngs00/DopNet/dataset/mrl.csv", "Formula"),
    ("matminer_csv/expt_formation_enthalpy_kingsbury.csv", "formula"),
)
#: CrossPropertyTL data sets (39 JARVIS-DFT + 2 experimental), relative to the data home.
CROSSPROP_DIR = "crossprop/CrossPropertyTL/data"


def benchmark_target_formulas(
    data_home=None, keep: Iterable[str] = ()
) -> tuple[list[str], dict[str, int]]:
    """Reduced formulas of every benchmark target set (for fair source pretraining).

    Covers all 41 CrossPropertyTL data sets (train and test files) and the experimental sets in
    :data:`EXPERIMENTAL_TARGETS`. Missing files are reported in the counts as ``-1``.
    Sets whose key (e.g. ``"crossprop/expt_deltae"``) contains one of the strings in ``keep`` are
    left out of the list (counted as ``0``): only for experiments that measure what excluding
    them costs.

    Returns
    -------
    formulas : sorted list of str
    counts : dict
        Unique reduced formulas per data set.
    """
    import warnings

    import pandas as pd

    home = get_data_home(data_home)
    formulas: set[str] = set()
    counts: dict[str, int] = {}

    keep = tuple(keep)

    def add(key, vals):
        if any(k in key for k in keep):
            counts[key] = 0
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a few Excel-mangled entries ('2-Feb') fail to parse
            red = {r for r in reduced_formulas(vals, on_error="nan") if r is not None}
        counts[key] = len(red)
        formulas.update(red)

    cp = home / CROSSPROP_DIR
    if cp.is_dir():
        for folder in sorted(p for p in cp.iterdir() if p.is_dir() and p.name != "sample"):
            vals = []
            for f in sorted(folder.glob("*.csv")):
                vals.extend(pd.read_csv(f)["pretty_comp"].astype(str))
            add(f"crossprop/{folder.name}", vals)
    else:
        counts[CROSSPROP_DIR] = -1
    for rel, col in EXPERIMENTAL_TARGETS:
        path = home / rel
        if not path.is_file():
            counts[rel] = -1
            continue
        df = pd.read_excel(path) if path.suffix == ".xlsx" else pd.read_csv(path)
        add(rel, df[col].astype(str))
    return sorted(formulas), counts


def write_exclude_file(formulas: Iterable[str], path: str | os.PathLike) -> Path:
    """Write formulas one per line (the format of ``--exclude``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# reduced formulas of all benchmark target sets (derived; do not ship)\n"
        + "\n".join(formulas)
        + "\n",
        encoding="utf-8",
    )
    return path


def _mae(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(a) - np.asarray(b))))


def float16_check(model: ElemNetRegressor, X_valid, y_valid) -> dict:
    """Validation MAE with float32 weights and with weights rounded to float16."""
    module = model.net_.module_
    state = {k: v.detach().clone() for k, v in module.state_dict().items()}
    mae32 = _mae(model.predict(X_valid), y_valid)
    try:
        module.load_state_dict({k: v.half().float() for k, v in state.items()})
        mae16 = _mae(model.predict(X_valid), y_valid)
    finally:
        module.load_state_dict(state)
    return {
        "validation_mae_float32": mae32,
        "validation_mae_float16": mae16,
        "relative_change": (mae16 - mae32) / mae32 if mae32 > 0 else 0.0,
    }


def prepare_pretraining_data(
    compositions,
    y,
    *,
    exclude: Iterable[str] | str | os.PathLike | None = None,
    validation_fraction: float = 0.1,
    random_state: int = 0,
) -> dict:
    """Filter and split pretraining data exactly as :func:`pretrain_elemnet` does.

    Rows whose composition cannot be featurized (unparseable, element outside the 86 ElemNet
    elements) or whose target is not finite are dropped; rows whose reduced formula is in
    ``exclude`` are removed; the rest is split into train / validation by reduced formula
    (``GroupShuffleSplit``). Deterministic given ``random_state`` (used to check shipped cards).

    Returns
    -------
    dict
        ``values`` (compositions), ``y``, ``train_idx``, ``valid_idx``, ``n_input``,
        ``n_unusable``, ``exclusion`` (counts).
    """
    values, _ = as_composition_array(compositions)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if len(values) != len(y):
        raise ValueError(f"{len(values)} compositions but {len(y)} targets")
    frac = to_element_matrix(values, ELEMNET_ELEMENTS, on_error="nan")
    usable = ~np.isnan(frac).any(axis=1) & np.isfinite(y)
    n_unusable = int((~usable).sum())
    red = reduced_formulas(values, on_error="nan")

    exclude_info: dict = {"n_formulas_in_list": 0, "n_rows_removed": 0, "n_formulas_removed": 0}
    if exclude is not None:
        if isinstance(exclude, str | os.PathLike) and Path(exclude).is_file():
            exclude_info["file"] = Path(exclude).name
            exclude_info["file_sha256"] = hashlib.sha256(Path(exclude).read_bytes()).hexdigest()
            exclude = read_exclude_file(exclude)
        elif isinstance(exclude, str | os.PathLike):
            raise FileNotFoundError(f"exclusion file not found: {exclude}")
        exclude = list(exclude)
        ex_red = {f for f in reduced_formulas(exclude, on_error="nan") if f is not None}
        hit = np.fromiter((r in ex_red for r in red), dtype=bool, count=len(red))
        exclude_info.update(
            n_formulas_in_list=len(ex_red),
            n_rows_removed=int((hit & usable).sum()),
            n_formulas_removed=len({r for r, h, u in zip(red, hit, usable) if h and u}),
        )
        usable &= ~hit

    idx = np.flatnonzero(usable)
    if idx.size < 2:
        raise ValueError(f"only {idx.size} usable rows left after filtering and exclusion")
    splitter = GroupShuffleSplit(
        n_splits=1, test_size=validation_fraction, random_state=random_state
    )
    tr, va = next(splitter.split(idx, groups=red[idx]))
    return {
        "values": values,
        "y": y,
        "train_idx": idx[tr],
        "valid_idx": idx[va],
        "n_input": len(values),
        "n_unusable": n_unusable,
        "exclusion": exclude_info,
    }


def pretrain_elemnet(
    compositions,
    y,
    *,
    exclude: Iterable[str] | str | os.PathLike | None = None,
    name: str = "elemnet-custom",
    variant: str = "elemnet-small",
    max_epochs: int = 300,
    batch_size: int = 256,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    validation_fraction: float = 0.1,
    patience: int | None = 20,
    max_time: float | None = None,
    device: str = "auto",
    random_state: int = 0,
    progress: bool = True,
    target: str | None = None,
    unit: str | None = None,
    data_description: str | None = None,
) -> tuple[ElemNetRegressor, dict]:
    """Train an ElemNet source model on a large composition -> property data set.

    Parameters
    ----------
    compositions : collection of compositions
    y : array-like of shape (n_samples,)
    exclude : iterable of formulas, or path of a file with one formula per line, optional
        Compositions (compared by reduced formula) removed before training.
    name : str
        Registry name recorded in the card.
    variant : {"elemnet", "elemnet-small"}
    max_epochs, batch_size, lr, weight_decay, patience, max_time, device, random_state, progress
        Training settings (see :class:`skcromel.nn.TorchRegressor`); ``max_time`` is a wall-clock
        budget in seconds.
    validation_fraction : float
        Fraction of *formulas* held out for early stopping and the reported validation MAE.
    target, unit, data_description : str, optional
        Recorded in the card.

    Returns
    -------
    model : ElemNetRegressor
        Fitted on the training part.
    card : dict
        Model card (without checksum: :func:`save_source` adds it).
    """
    t0 = time.perf_counter()
    prep = prepare_pretraining_data(
        compositions,
        y,
        exclude=exclude,
        validation_fraction=validation_fraction,
        random_state=random_state,
    )
    values, y, tr, va = prep["values"], prep["y"], prep["train_idx"], prep["valid_idx"]
    n_input, n_unusable, exclude_info = prep["n_input"], prep["n_unusable"], prep["exclusion"]

    model = ElemNetRegressor(
        variant,
        max_epochs=max_epochs,
        batch_size=batch_size,
        lr=lr,
        weight_decay=weight_decay,
        validation_fraction=0.0,
        patience=patience,
        device=device,
        progress=f"pretrain {name}" if progress else False,
        max_time=max_time,
        random_state=random_state,
    )
    model._fit(values[tr], y[tr], X_valid=values[va], y_valid=y[va])
    train_time = time.perf_counter() - t0
    history = model.net_.history
    valid_losses = [row.get("valid_loss") for row in history]
    best_epoch = int(np.nanargmin(np.asarray(valid_losses, dtype=float))) + 1
    fp16 = float16_check(model, values[va], y[va])
    mean_baseline = _mae(np.full(len(va), np.mean(y[tr])), y[va])

    card = {
        "name": name,
        "description": (
            f"ElemNet ({variant}) source model trained on {data_description or 'user data'}"
            f" to predict {target or 'the target'}"
        ),
        "kind": "cross-property-source",
        "input": ELEMNET_INPUT,
        "input_elements": " ".join(ELEMNET_ELEMENTS),
        "architecture": elemnet_spec(variant),
        "n_parameters": int(sum(p.numel() for p in model.net_.module_.parameters())),
        "target": target,
        "unit": unit,
        "target_scaling": {"mean": model.y_mean_, "scale": model.y_scale_},
        "data": {
            "description": data_description,
            "n_rows_input": n_input,
            "n_rows_unusable": n_unusable,
            "exclusion": exclude_info,
            "n_rows_train": len(tr),
            "n_rows_validation": len(va),
            "validation_split": (
                f"GroupShuffleSplit by reduced formula, test_size={validation_fraction}, "
                f"random_state={random_state}"
            ),
        },
        "settings": {
            "optimizer": "adam",
            "loss": "mae",
            "lr": lr,
            "weight_decay": weight_decay,
            "batch_size": batch_size,
            "max_epochs": max_epochs,
            "patience": patience,
            "max_time_s": max_time,
            "random_state": random_state,
            "target_standardized": True,
        },
        "training": {
            "epochs_run": len(history),
            "best_epoch": best_epoch,
            "stopped_by_time_limit": bool(history[-1].get("stopped_by_time_limit", False)),
            "wall_time_s": round(train_time, 1),
            "device": model.device_,
            "torch_threads": torch.get_num_threads(),
            "machine": f"{platform.machine()} {platform.system()}",
        },
        "metrics": {
            "validation_mae": fp16["validation_mae_float32"],
            "validation_mae_mean_baseline": mean_baseline,
            "float16_check": fp16,
        },
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "torch_version": torch.__version__,
    }
    return model, card


def save_source(
    model: ElemNetRegressor,
    card: dict,
    out_dir: str | os.PathLike,
    *,
    dtype: str = "auto",
    max_relative_change: float = 0.005,
) -> Path:
    """Write the source model for the registry.

    ``dtype="auto"`` stores float16 when that changes the validation MAE by less than
    ``max_relative_change`` (relative), else float32. The decision is recorded in the card.
    """
    card = dict(card)
    if dtype == "auto":
        change = abs(card["metrics"]["float16_check"]["relative_change"])
        dtype = "float16" if change < max_relative_change else "float32"
        card["weights_dtype_reason"] = (
            f"float16 changes validation MAE by {change:.3%} "
            f"({'<' if dtype == 'float16' else '>='} {max_relative_change:.1%} threshold)"
        )
    torch_dtype = {"float16": torch.float16, "float32": torch.float32}[dtype]
    return save_pretrained(model.net_.module_.cpu(), card, out_dir, dtype=torch_dtype)
