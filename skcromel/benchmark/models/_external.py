"""Composition models from other packages, run on the same folds as skcromel's estimators.

These are the models a user would otherwise pick; they are optional baselines and need their own
package, installed by hand (they are not dependencies of skcromel):

* ``roost``: Roost (Goodall & Lee, *Nat. Commun.* 11, 6280, 2020), from ``aviary-models``
  (``pip install aviary-models``; the PyPI package named ``aviary`` is unrelated). Trained with the
  settings of aviary's own example script (``examples/roost-example.py``): matscholar200 element
  embeddings, 64 hidden features, 3 message-passing layers, the robust (heteroscedastic) L1 loss,
  AdamW at 3e-4 with weight decay 1e-6, batch 128, 100 epochs, one model, no early stopping (so no
  validation rows are taken from the training fold and nothing is chosen on the test fold).
  Compositions only: a dataset with extra inputs (temperature) is refused with a clear error.
* ``crabnet``: CrabNet (Wang et al., *npj Comput. Mater.* 7, 77, 2021), the ``crabnet`` 2.0.8
  package with its own defaults (mat2vec, d_model 512, 3 layers, 300 epochs, Lamb + Lookahead +
  SWA, its own 20 % validation split taken from the training fold). 2.0.8 declares Python < 3.11:
  ``pip install --ignore-requires-python crabnet==2.0.8``. Extra numeric inputs (temperature) go
  in as CrabNet's ``extend_features``.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._spec import ModelList

__all__ = ["MODELS"]

MODELS = ModelList()

_CRABNET_MISSING = (
    "the 'crabnet' baseline needs CrabNet 2.0.8, which declares Python < 3.11: "
    "pip install --ignore-requires-python crabnet==2.0.8"
)
_ROOST_MISSING = (
    "the 'roost' baseline needs Roost from the aviary-models package: pip install aviary-models "
    "(the PyPI package named 'aviary' is a different project)"
)


def _import_aviary():
    try:
        from aviary.roost.data import CompositionData, collate_batch
        from aviary.roost.model import Roost
    except ImportError as exc:
        raise ImportError(_ROOST_MISSING) from exc
    return CompositionData, collate_batch, Roost


def _split_columns(X, *, allow_extra: bool, model: str):
    """The composition column and the extra numeric columns (a DataFrame, possibly empty)."""
    if isinstance(X, pd.DataFrame):
        if "composition" not in X.columns:
            raise ValueError(f"{model}: no 'composition' column in {list(X.columns)}")
        values, extra = X["composition"].tolist(), X.drop(columns="composition")
    else:
        arr = np.asarray(X, dtype=object).reshape(len(X), -1)
        values = arr[:, 0].tolist()
        extra = pd.DataFrame(arr[:, 1:], columns=[f"x{i}" for i in range(1, arr.shape[1])])
    if extra.shape[1] and not allow_extra:
        raise ValueError(
            f"{model} takes compositions only: expected a single composition column, got extra "
            f"columns {list(extra.columns)}"
        )
    try:
        extra = extra.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{model}: extra columns must be numeric ({exc})") from None
    return _composition_strings(values), extra.reset_index(drop=True)


def _composition_strings(values) -> list[str]:
    """Formula strings of formulas, ``Composition`` or ``Structure`` objects."""
    out = []
    for i, v in enumerate(values):
        formula = getattr(v, "formula", None)  # Composition
        if formula is None and hasattr(v, "composition"):  # Structure
            formula = v.composition.formula
        if formula is None:
            formula = v
        if not isinstance(formula, str) or not formula.strip():
            raise ValueError(f"row {i}: expected a formula, got {v!r}")
        out.append(formula)
    return out


def _check_y(y, n_rows: int) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64).ravel()
    if len(y) != n_rows:
        raise ValueError(f"X has {n_rows} rows, y has {len(y)}")
    bad = np.flatnonzero(~np.isfinite(y))
    if len(bad):
        raise ValueError(f"y has non-finite values at rows {bad[:5].tolist()}")
    return y


class RoostBaseline(RegressorMixin, BaseEstimator):
    """Roost (aviary-models) as a scikit-learn regressor, for the benchmark runner.

    Parameters
    ----------
    epochs : int, default=100
    batch_size : int, default=128
    learning_rate : float, default=3e-4
    weight_decay : float, default=1e-6
    robust : bool, default=True
        Heteroscedastic L1 loss (the network also predicts a log standard deviation);
        ``predict(X, return_std=True)`` returns it.
    elem_embedding : str, default="matscholar200"
    random_state : int or None, default=None
        Seeds torch (weights, batch order).
    """

    def __init__(
        self,
        epochs=100,
        batch_size=128,
        learning_rate=3e-4,
        weight_decay=1e-6,
        robust=True,
        elem_embedding="matscholar200",
        random_state=None,
    ):
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.robust = robust
        self.elem_embedding = elem_embedding
        self.random_state = random_state

    def _loader(self, formulas, y, *, shuffle, batch_size, generator=None):
        import torch

        CompositionData, collate_batch, _ = _import_aviary()
        frame = pd.DataFrame(
            {
                "material_id": np.arange(len(formulas)),
                "composition": formulas,
                "target": np.zeros(len(formulas)) if y is None else y,
            }
        )
        data = CompositionData(frame, task_dict={"target": "regression"})
        return torch.utils.data.DataLoader(
            data, batch_size=batch_size, shuffle=shuffle, collate_fn=collate_batch,
            generator=generator,
        )  # fmt: skip

    def fit(self, X, y):
        import torch

        _, _, Roost = _import_aviary()
        from aviary.data import Normalizer
        from aviary.utils import initialize_losses

        formulas, _ = _split_columns(X, allow_extra=False, model="Roost")
        y = _check_y(y, len(formulas))
        seed = 0 if self.random_state is None else int(self.random_state)
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        task_dict = {"target": "regression"}
        model = Roost(
            robust=self.robust, n_targets=[1], elem_embedding=self.elem_embedding,
            task_dict=task_dict, device="cpu",
        )  # fmt: skip
        normalizer = Normalizer()
        normalizer.fit(torch.as_tensor(y, dtype=torch.float32))
        optimizer = torch.optim.AdamW(
            model.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
        )
        losses = initialize_losses(task_dict, {"target": "L1"}, robust=self.robust)
        loader = self._loader(
            formulas, y, shuffle=True, batch_size=self.batch_size, generator=generator
        )
        for _ in range(self.epochs):
            model.evaluate(
                loader, loss_dict=losses, optimizer=optimizer,
                normalizer_dict={"target": normalizer}, action="train",
            )  # fmt: skip
        self.model_ = model
        self.normalizer_ = normalizer
        self.n_features_in_ = 1
        return self

    def predict(self, X, return_std=False):
        import torch

        check_is_fitted(self, "model_")
        formulas, _ = _split_columns(X, allow_extra=False, model="Roost")
        loader = self._loader(formulas, None, shuffle=False, batch_size=4096)
        with torch.no_grad():
            _, (out,), _ = self.model_.predict(loader)
        out = out.reshape(len(formulas), -1)
        mean = self.normalizer_.denorm(out[:, 0]).numpy().astype(np.float64)
        if not return_std:
            return mean
        if not self.robust:
            raise ValueError("return_std needs robust=True (the network's own spread)")
        std = (torch.exp(out[:, 1]) * self.normalizer_.std).numpy().astype(np.float64)
        return mean, std


@contextmanager
def _crabnet_fixes(columns):
    """Two fixes CrabNet 2.0.8 needs here, while it fits (its classes are restored after):

    * its ``SubCrab`` sizes its output network for ``extend_features`` but never hands them to
      its encoder, so any extra column crashes (a 512 x 513 shape mismatch): the network it
      builds gets the column names on its encoder too;
    * its ``SWA`` and ``Lookahead`` optimizers skip ``torch.optim.Optimizer.__init__``, so they
      lack the step-hook tables that torch >= 2 reads once a copy or pickle of one has hooked
      the class's ``step`` (the second fit in a process then fails with "'SWA' object has no
      attribute '_optimizer_step_pre_hooks'"): the optimizers it builds get empty tables.

    Yields the original classes by name, for the caller to restore on the fitted objects (so
    they pickle as CrabNet's own)."""
    import crabnet.crabnet_ as crabnet_module

    originals = {name: getattr(crabnet_module, name) for name in ("SubCrab", "SWA", "Lookahead")}

    class SubCrab(originals["SubCrab"]):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.encoder.extend_features = columns

    def with_step_hooks(optimizer_class):
        class Hooked(optimizer_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks"):
                    if not hasattr(self, name):
                        setattr(self, name, OrderedDict())

        return Hooked

    patched = {
        "SubCrab": SubCrab,
        "SWA": with_step_hooks(originals["SWA"]),
        "Lookahead": with_step_hooks(originals["Lookahead"]),
    }
    for name, cls in patched.items():
        setattr(crabnet_module, name, cls)
    try:
        yield originals
    finally:
        for name, cls in originals.items():
            setattr(crabnet_module, name, cls)


class CrabNetBaseline(RegressorMixin, BaseEstimator):
    """CrabNet (``crabnet`` 2.0.8) with its own defaults, as a scikit-learn regressor.

    Parameters
    ----------
    epochs : int or None, default=None
        None: CrabNet's default (300).
    random_state : int or None, default=None
        Seeds torch and numpy (CrabNet seeds the global generators).
    """

    def __init__(self, epochs=None, random_state=None):
        self.epochs = epochs
        self.random_state = random_state

    @staticmethod
    def _frame(formulas, extra, y):
        frame = pd.DataFrame({"formula": formulas, "target": y})
        return pd.concat([frame, extra], axis=1)

    def fit(self, X, y):
        try:
            from crabnet.crabnet_ import CrabNet
        except ImportError as exc:
            raise ImportError(_CRABNET_MISSING) from exc
        formulas, extra = _split_columns(X, allow_extra=True, model="CrabNet")
        y = _check_y(y, len(formulas))
        seed = 0 if self.random_state is None else int(self.random_state)
        columns = list(extra.columns) or None
        model = CrabNet(
            epochs=self.epochs, random_state=seed, verbose=False, losscurve=False,
            learningcurve=False, save=False, extend_features=columns,
        )  # fmt: skip
        with _crabnet_fixes(columns) as originals:
            model.fit(self._frame(formulas, extra, y), extend_features=columns)
        # the fitted objects pickle as CrabNet's own classes
        model.model.__class__ = originals["SubCrab"]
        model.optimizer.__class__ = originals["SWA"]
        model.optimizer.optimizer.__class__ = originals["Lookahead"]
        self.model_ = model
        self.extra_columns_ = list(extra.columns)
        self.n_features_in_ = 1 + extra.shape[1]
        return self

    def predict(self, X, return_std=False):
        check_is_fitted(self, "model_")
        formulas, extra = _split_columns(X, allow_extra=True, model="CrabNet")
        if list(extra.columns) != self.extra_columns_:
            raise ValueError(
                f"extra columns {list(extra.columns)}, fitted on {self.extra_columns_}"
            )
        frame = self._frame(formulas, extra, np.zeros(len(formulas)))
        mean, std = self.model_.predict(frame, return_uncertainty=True)
        mean = np.asarray(mean, dtype=np.float64).ravel()
        return (mean, np.asarray(std, dtype=np.float64).ravel()) if return_std else mean


MODELS.add(
    "crabnet",
    CrabNetBaseline,
    description="CrabNet 2.0.8 with its defaults (needs pip install --ignore-requires-python "
    "crabnet==2.0.8; 300 epochs, its own 20 % validation split inside the training fold); extra "
    "inputs (temperature) as extend_features",
    quick_params={"epochs": 4},
)
MODELS.add(
    "roost",
    RoostBaseline,
    description="Roost (aviary-models; needs pip install aviary-models): settings of aviary's "
    "example script (matscholar200, robust L1, AdamW 3e-4, batch 128, 100 epochs, one model); "
    "compositions only",
    quick_params={"epochs": 5},
)
