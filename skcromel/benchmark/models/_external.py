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
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._spec import ModelList

__all__ = ["MODELS"]

MODELS = ModelList()

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


def _composition_strings(X) -> list[str]:
    """The composition column as formula strings; anything besides it is refused."""
    if isinstance(X, pd.DataFrame):
        extra = [c for c in X.columns if c != "composition"]
        if "composition" not in X.columns or extra:
            raise ValueError(
                "Roost takes compositions only: expected a single 'composition' column, got "
                f"columns {list(X.columns)}"
            )
        values = X["composition"].tolist()
    else:
        values = np.asarray(X, dtype=object).reshape(len(X), -1)
        if values.shape[1] != 1:
            raise ValueError(f"Roost takes compositions only: got {values.shape[1]} columns")
        values = values[:, 0].tolist()
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

        formulas = _composition_strings(X)
        y = np.asarray(y, dtype=np.float64).ravel()
        if len(y) != len(formulas):
            raise ValueError(f"X has {len(formulas)} rows, y has {len(y)}")
        if not np.all(np.isfinite(y)):
            raise ValueError(f"y has non-finite values at rows {np.flatnonzero(~np.isfinite(y))[:5]}")
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
        formulas = _composition_strings(X)
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


MODELS.add(
    "roost",
    RoostBaseline,
    description="Roost (aviary-models; needs pip install aviary-models): settings of aviary's "
    "example script (matscholar200, robust L1, AdamW 3e-4, batch 128, 100 epochs, one model); "
    "compositions only",
    quick_params={"epochs": 5},
)
