"""Training helpers shared by the torch estimators and the pretraining scripts.

Device selection, local (non-global) seeding, skorch callbacks for early stopping and an epoch-level
tqdm progress bar, and the loss/optimizer name tables.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import numpy as np
import torch
from sklearn.utils import check_random_state
from skorch.callbacks import Callback, EarlyStopping
from torch import nn

__all__ = [
    "EpochProgressBar",
    "TimeLimit",
    "LOSSES",
    "OPTIMIZERS",
    "make_callbacks",
    "resolve_device",
    "seed_from_random_state",
    "seeded",
]

LOSSES = {"mae": nn.L1Loss, "mse": nn.MSELoss, "huber": nn.HuberLoss, "smooth_l1": nn.SmoothL1Loss}
OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}


def resolve_device(device: str | torch.device | None = "auto") -> str:
    """Turn ``"auto"``/``None`` into ``"cuda"`` when a GPU is available, else ``"cpu"``.

    An explicit ``"cuda"`` without a GPU raises a clear error instead of failing deep inside torch.
    """
    if device is None or device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    device = str(device)
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device={device!r} was requested but torch sees no CUDA device")
    return device


def seed_from_random_state(random_state) -> int:
    """Draw a 31-bit integer seed from ``random_state`` (None, int or RandomState)."""
    return int(check_random_state(random_state).randint(0, 2**31 - 1))


@contextlib.contextmanager
def seeded(seed: int, device: str = "cpu") -> Iterator[None]:
    """Seed torch inside a forked RNG context, leaving the global RNG state untouched."""
    devices = []
    if str(device).startswith("cuda") and torch.cuda.is_available():
        devices = list(range(torch.cuda.device_count()))
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


class EpochProgressBar(Callback):
    """tqdm progress bar with one tick per epoch and the latest losses as postfix."""

    def __init__(self, desc: str | None = None):
        self.desc = desc

    def initialize(self):
        self.bar_ = None
        return self

    def on_train_begin(self, net, **kwargs):
        from tqdm.auto import tqdm

        self.bar_ = tqdm(total=net.max_epochs, desc=self.desc, unit="epoch", leave=True)

    def on_epoch_end(self, net, **kwargs):
        if self.bar_ is None:
            return
        row = net.history[-1]
        postfix = {k: f"{row[k]:.4g}" for k in ("train_loss", "valid_loss") if k in row}
        self.bar_.set_postfix(postfix, refresh=False)
        self.bar_.update(1)

    def on_train_end(self, net, **kwargs):
        if self.bar_ is not None:
            self.bar_.close()
        self.bar_ = None


class TimeLimit(Callback):
    """Stop training after the epoch during which ``max_time`` seconds have elapsed."""

    def __init__(self, max_time: float):
        self.max_time = max_time

    def on_train_begin(self, net, **kwargs):
        self.start_ = time.perf_counter()

    def on_epoch_end(self, net, **kwargs):
        if time.perf_counter() - self.start_ >= self.max_time:
            net.history.record("stopped_by_time_limit", True)
            # skorch ends training cleanly on KeyboardInterrupt and still runs on_train_end
            # (so early stopping restores the best weights).
            raise KeyboardInterrupt


def make_callbacks(
    *,
    has_validation: bool,
    patience: int | None,
    progress: bool | str = False,
    max_time: float | None = None,
) -> list[tuple[str, Callback]]:
    """Named skorch callbacks: early stopping (best weights restored), time limit, progress bar."""
    callbacks: list[tuple[str, Callback]] = []
    if max_time is not None:
        callbacks.append(("time_limit", TimeLimit(float(max_time))))
    if patience is not None:
        monitor = "valid_loss" if has_validation else "train_loss"
        callbacks.append(
            (
                "early_stopping",
                EarlyStopping(monitor=monitor, patience=int(patience), load_best=True, sink=_noop),
            )
        )
    if progress:
        desc = progress if isinstance(progress, str) else None
        callbacks.append(("progress", EpochProgressBar(desc=desc)))
    return callbacks


def _noop(*args, **kwargs) -> None:
    return None


def as_float32(X) -> np.ndarray:
    """C-contiguous float32 copy (never a view on read-only input)."""
    return np.array(X, dtype=np.float32, order="C", copy=True)
