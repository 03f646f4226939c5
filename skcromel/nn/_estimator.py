"""``TorchRegressor``: the shared scikit-learn base for torch regressors in skcromel.

The estimator *wraps* a skorch :class:`~skorch.NeuralNetRegressor` that is built inside ``fit``
(``self.net_``); it never subclasses skorch. Subclasses override two hooks:

``_build_module(self, n_features) -> torch.nn.Module``
    Build a **fresh** module on every call (load pretrained weights here, from a pristine copy), so
    that ``clone`` / cross-validation folds never share state.
``_prepare_X(self, X, fitting) -> np.ndarray`` (optional)
    Turn the user's ``X`` into a float32 2-D network input (e.g. compositions -> fractions). The
    default validates numeric input with :func:`sklearn.utils.validation.validate_data`.
"""

from __future__ import annotations

import copy
from abc import ABCMeta, abstractmethod

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)
from skorch import NeuralNetRegressor
from skorch.dataset import Dataset, ValidSplit
from skorch.helper import predefined_split

from ._networks import build_mlp
from ._training import (
    LOSSES,
    OPTIMIZERS,
    as_float32,
    make_callbacks,
    resolve_device,
    seed_from_random_state,
    seeded,
)

__all__ = ["TorchMLPRegressor", "TorchRegressor"]

_PREDICT_BATCH = 4096


class TorchRegressor(RegressorMixin, BaseEstimator, metaclass=ABCMeta):
    """Abstract base class: a scikit-learn regressor around a skorch network built in ``fit``.

    Subclasses implement ``_build_module`` (abstract: the base cannot be instantiated).

    Parameters
    ----------
    max_epochs : int, default=100
        Maximum number of training epochs.
    batch_size : int, default=32
        Mini-batch size (capped at the number of training rows).
    lr : float, default=1e-3
        Learning rate.
    weight_decay : float, default=0.0
        Weight decay passed to the optimizer.
    optimizer : {"adam", "adamw", "sgd"}, default="adam"
    loss : {"mae", "mse", "huber", "smooth_l1"}, default="mae"
    validation_fraction : float, default=0.0
        Fraction of the training rows held out (seeded by ``random_state``) to monitor
        ``valid_loss``. 0 disables the split.
    patience : int or None, default=None
        Early-stopping patience in epochs (on ``valid_loss`` if a validation split is used, else on
        ``train_loss``); the best weights are restored. None disables early stopping.
    standardize_y : bool, default=True
        Train on ``(y - mean) / std`` and transform predictions back.
    device : str, default="auto"
        ``"auto"`` uses CUDA when available, else CPU. Fitted models always pickle to CPU tensors.
    progress : bool or str, default=False
        Show a tqdm bar with one tick per epoch (a string is used as its label).
    max_time : float or None, default=None
        Wall-clock training budget in seconds: training stops at the end of the epoch that
        exceeds it (results then depend on machine speed; meant for pretraining budgets).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the validation split. Torch's global RNG
        is left untouched.
    verbose : int, default=0
        skorch's epoch table when > 0.

    Attributes
    ----------
    net_ : skorch.NeuralNetRegressor
        The trained network (``net_.module_`` is the torch module).
    n_features_in_ : int
    y_mean_, y_scale_ : float
        Target standardisation.
    n_epochs_ : int
        Epochs actually run.
    device_ : str
        Device used for training.

    Notes
    -----
    scikit-learn reads an estimator's parameters from its ``__init__`` signature, so every
    subclass lists all of the parameters above explicitly (no ``**kwargs``) and passes them on.
    """

    def __init__(
        self,
        *,
        max_epochs=100,
        batch_size=32,
        lr=1e-3,
        weight_decay=0.0,
        optimizer="adam",
        loss="mae",
        validation_fraction=0.0,
        patience=None,
        standardize_y=True,
        device="auto",
        progress=False,
        max_time=None,
        random_state=None,
        verbose=0,
    ):
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.optimizer = optimizer
        self.loss = loss
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.standardize_y = standardize_y
        self.device = device
        self.progress = progress
        self.max_time = max_time
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _build_module(self, n_features: int) -> torch.nn.Module:
        """Return a freshly built module mapping ``n_features`` inputs to one output."""
        raise NotImplementedError(f"{type(self).__name__} must implement _build_module")

    def _prepare_X(self, X, fitting: bool) -> np.ndarray:
        """Validate ``X`` and return a float32 2-D array (sets ``n_features_in_`` when fitting)."""
        X = validate_data(self, X, reset=fitting, dtype=np.float64)
        return as_float32(X)

    # ------------------------------------------------------------------ API
    def fit(self, X, y):
        """Train a freshly built network on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) (or what the subclass accepts)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
        """
        return self._fit(X, y)

    def _fit(self, X, y, X_valid=None, y_valid=None):
        """Fit, optionally monitoring an explicit validation set instead of a random split.

        Used by pretraining, where the validation set is grouped by formula.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        self._check_params()
        Xt = self._prepare_X(X, fitting=True)
        y = self._check_y(y)
        check_consistent_length(Xt, y)
        n = Xt.shape[0]
        if n < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 samples, got n_samples={n}")

        self.y_mean_, self.y_scale_ = self._target_scaling(y)
        yt = self._scale_y(y)

        seed = seed_from_random_state(self.random_state)
        device = resolve_device(self.device)
        if X_valid is not None:
            Xv = self._prepare_X(X_valid, fitting=False)
            yv = self._scale_y(self._check_y(y_valid))
            check_consistent_length(Xv, yv)
            train_split = predefined_split(Dataset(Xv, yv))
            has_valid = True
        else:
            has_valid = bool(self.validation_fraction) and self.validation_fraction > 0
            train_split = (
                ValidSplit(float(self.validation_fraction), random_state=seed)
                if has_valid
                else None
            )
        with seeded(seed, device):
            module = self._build_module(Xt.shape[1])
            net = NeuralNetRegressor(
                module=module,
                criterion=LOSSES[self.loss],
                optimizer=OPTIMIZERS[self.optimizer],
                optimizer__weight_decay=float(self.weight_decay),
                lr=float(self.lr),
                max_epochs=int(self.max_epochs),
                batch_size=int(min(self.batch_size, n)),
                iterator_train__shuffle=True,
                iterator_valid__batch_size=_PREDICT_BATCH,
                train_split=train_split,
                callbacks=make_callbacks(
                    has_validation=has_valid,
                    patience=self.patience,
                    progress=self.progress,
                    max_time=self.max_time,
                ),
                device=device,
                verbose=int(self.verbose),
            )
            net.fit(Xt, yt)
        self.net_ = net
        self.device_ = device
        self.n_epochs_ = len(net.history)
        return self

    def predict(self, X) -> np.ndarray:
        """Predict float64 targets of shape (n_samples,)."""
        check_is_fitted(self, "net_")
        Xt = self._prepare_X(X, fitting=False)
        out = self.net_.predict(Xt)
        return out.reshape(-1).astype(np.float64) * self.y_scale_ + self.y_mean_

    # ------------------------------------------------------------------ helpers
    def _target_scaling(self, y: np.ndarray) -> tuple[float, float]:
        """``(mean, scale)`` used to standardise the target (hook; see ``standardize_y``)."""
        if not self.standardize_y:
            return 0.0, 1.0
        scale = float(np.std(y))
        return float(np.mean(y)), (scale if scale > 0 else 1.0)

    def _scale_y(self, y: np.ndarray) -> np.ndarray:
        return ((y - self.y_mean_) / self.y_scale_).astype(np.float32).reshape(-1, 1)

    @staticmethod
    def _check_y(y) -> np.ndarray:
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        return column_or_1d(y, warn=True)

    def _check_params(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {self.loss!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimizer must be one of {sorted(OPTIMIZERS)}, got {self.optimizer!r}"
            )
        if self.validation_fraction and not 0 < self.validation_fraction < 1:
            raise ValueError(
                f"validation_fraction must be in [0, 1), got {self.validation_fraction!r}"
            )

    def _module(self) -> torch.nn.Module:
        """The fitted torch module (convenience)."""
        check_is_fitted(self, "net_")
        return self.net_.module_

    def __getstate__(self):
        state = dict(super().__getstate__())  # object.__getstate__ may return __dict__ itself
        net = state.get("net_")
        if net is not None and str(getattr(net, "device", "cpu")) != "cpu":
            state["net_"] = _net_to_cpu(net)
            state["device_"] = "cpu"
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = False
        tags.non_deterministic = False
        return tags


def _net_to_cpu(net: NeuralNetRegressor) -> NeuralNetRegressor:
    """Deep copy of a fitted skorch net with every module, criterion and optimizer state on CPU."""
    original = net
    device = net.device
    net.device = "cpu"  # the copy's __setstate__ then maps every tensor straight to CPU
    try:
        net = copy.deepcopy(net)
    finally:
        original.device = device
    for name in list(net._modules) + list(net._criteria):
        obj = getattr(net, name + "_", None)
        if isinstance(obj, torch.nn.Module):
            obj.to("cpu")
    for name in net._optimizers:
        opt = getattr(net, name + "_", None)
        if opt is None:
            continue
        for state in opt.state.values():
            for key, value in state.items():
                if torch.is_tensor(value):
                    state[key] = value.to("cpu")
    net.device = "cpu"
    return net


class TorchMLPRegressor(TorchRegressor):
    """A plain MLP on numeric features (reference subclass of :class:`TorchRegressor`).

    Parameters
    ----------
    hidden : tuple of int, default=(64, 32)
        Hidden layer widths.
    dropout : float, default=0.0
    activation : str, default="relu"
    Other parameters: see :class:`TorchRegressor`.
    """

    def __init__(
        self,
        hidden=(64, 32),
        *,
        dropout=0.0,
        activation="relu",
        max_epochs=100,
        batch_size=32,
        lr=1e-3,
        weight_decay=0.0,
        optimizer="adam",
        loss="mae",
        validation_fraction=0.0,
        patience=None,
        standardize_y=True,
        device="auto",
        progress=False,
        max_time=None,
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
            max_time=max_time,
            random_state=random_state,
            verbose=verbose,
        )
        self.hidden = hidden
        self.dropout = dropout
        self.activation = activation

    def _build_module(self, n_features):
        return build_mlp(n_features, self.hidden, dropout=self.dropout, activation=self.activation)
