"""Spinel -> perovskite fine-tuned DNN on CE features, as scikit-learn estimators (Li et al., 2023).

* :class:`FineTunedMLPRegressor` -- a :class:`~skcromel.nn.TorchMLPRegressor` whose
  weights start from a given state dict (a fresh copy in every ``fit``, so clones and CV folds never
  share state).
* :class:`CETransferRegressor` -- the whole transfer recipe on numeric features: a scaler fitted
  on the *source* rows only, a source DNN trained on ``(source_X, source_y)`` (kept in the
  registry's read-only cache, so CV folds with the same seed do not retrain it), then ``n_ensemble``
  fine-tuned copies trained on the target rows; ``predict`` averages them.
* :func:`perovskite_energy_model` -- trained on the spinel and perovskite formulas and formation
  energies of Li et al. (:func:`skcromel.datasets.load_ce_transfer_data`), a fitted
  ``Pipeline(CenterEnvironmentFeaturizer(prototype="perovskite"), CETransferRegressor)`` that
  predicts the formation energy (eV/atom) of any ABO3 formula from its idealised prototype; it is
  what ``skcromel screen-perovskites --predict-energy`` uses.

The CE features of the released csv files (56 properties) cannot be rebuilt for new candidates
(only 37 of the 56 property columns are public), so the predictor computes skcromel's own CE
features of idealised prototypes for both the spinels and the perovskites (``properties=
"combined"``: 44 properties, 88 columns by default).
"""

from __future__ import annotations

import copy
import hashlib
import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import registry
from ..exceptions import SkcromelWarning
from ..nn import TorchMLPRegressor, build_mlp

__all__ = [
    "CE_HIDDEN",
    "FineTunedMLPRegressor",
    "CETransferRegressor",
    "perovskite_energy_model",
]

#: Hidden widths of Li et al.'s DNN (112-512-256-128-64-32-1).
CE_HIDDEN = (512, 256, 128, 64, 32)


class FineTunedMLPRegressor(TorchMLPRegressor):
    """MLP regressor whose weights start from ``init_state`` (copied afresh in every ``fit``).

    Parameters
    ----------
    init_state : dict of str to torch.Tensor, default=None
        State dict of a module built by :func:`skcromel.nn.build_mlp` with the same ``hidden``
        and number of features. None: random initialisation (training from scratch).
    hidden : tuple of int, default=CE_HIDDEN
        Hidden widths (Li et al.'s 512-256-128-64-32).
    dropout, activation, max_epochs, batch_size, lr, weight_decay, optimizer, loss, \
validation_fraction, patience, standardize_y, device, progress, max_time, random_state, verbose
        See :class:`~skcromel.nn.TorchMLPRegressor`.
    """

    def __init__(
        self,
        init_state=None,
        hidden=CE_HIDDEN,
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
            hidden=hidden,
            dropout=dropout,
            activation=activation,
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
        self.init_state = init_state

    def _build_module(self, n_features):
        module = super()._build_module(n_features)
        if self.init_state is not None:
            module.load_state_dict(copy.deepcopy(self.init_state))
        return module


def _source_key(Xs, ys, params) -> str:
    h = hashlib.sha1()
    h.update(np.ascontiguousarray(Xs, dtype=np.float64).tobytes())
    h.update(np.ascontiguousarray(ys, dtype=np.float64).tobytes())
    h.update(repr(params).encode())
    return h.hexdigest()


class CETransferRegressor(RegressorMixin, BaseEstimator):
    """Source-pretrained, target-fine-tuned DNN (all layers), optionally an ensemble of seeds.

    Parameters
    ----------
    source_X : array-like of shape (n_source, n_features), default=None
        Source-domain features (e.g. CE features of spinels). None: no source; the DNN is trained
        from scratch on the target rows (the paper's "target domain" baseline).
    source_y : array-like of shape (n_source,), default=None
        Source-domain targets.
    hidden : tuple of int, default=CE_HIDDEN
    max_epochs : int, default=200
        Fine-tuning epochs (early stopping on a seeded 10 % part of the *training* rows).
    source_epochs : int, default=200
    lr : float, default=5e-4
        Fine-tuning learning rate (Adam).
    source_lr : float, default=1e-3
    batch_size : int, default=32
    source_batch_size : int, default=64
    patience : int, default=20
    n_ensemble : int, default=1
        Number of fine-tuned networks (different seeds) whose predictions are averaged.
    device : str, default="cpu"
    random_state : int, RandomState instance or None, default=None
        Seeds the source model and every ensemble member. With an int, the source model is cached
        (module level, keyed by the source data, the source settings and the seed).
    on_error : {"raise", "nan"}, default="raise"
        What ``predict`` does with a row that has a NaN or infinite feature (e.g. a candidate a
        featurizer with ``on_error="nan"`` could not handle): raise a ``ValueError`` naming the
        first such row and column, or predict NaN for those rows and warn once
        (:class:`~skcromel.exceptions.SkcromelWarning`) with their number and the first one.
        Training rows must always be finite.

    Attributes
    ----------
    scaler_ : sklearn.preprocessing.StandardScaler
        Fitted on ``source_X`` (on the training ``X`` when there is no source).
    source_state_ : dict or None
        Source weights (CPU tensors).
    estimators_ : list of FineTunedMLPRegressor
    n_features_in_ : int
    """

    def __init__(
        self,
        source_X=None,
        source_y=None,
        *,
        hidden=CE_HIDDEN,
        max_epochs=200,
        source_epochs=200,
        lr=5e-4,
        source_lr=1e-3,
        batch_size=32,
        source_batch_size=64,
        patience=20,
        n_ensemble=1,
        device="cpu",
        random_state=None,
        on_error="raise",
    ):
        self.source_X = source_X
        self.source_y = source_y
        self.hidden = hidden
        self.max_epochs = max_epochs
        self.source_epochs = source_epochs
        self.lr = lr
        self.source_lr = source_lr
        self.batch_size = batch_size
        self.source_batch_size = source_batch_size
        self.patience = patience
        self.n_ensemble = n_ensemble
        self.device = device
        self.random_state = random_state
        self.on_error = on_error

    def __setstate__(self, state):
        # models pickled before ``on_error`` existed predicted NaN for non-finite rows
        state.setdefault("on_error", "nan")
        super().__setstate__(state)

    def _mlp(self, **over):
        kw = dict(
            hidden=tuple(self.hidden),
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            lr=self.lr,
            loss="mae",
            standardize_y=False,
            validation_fraction=0.1,
            patience=self.patience,
            device=self.device,
        )
        kw.update(over)
        return FineTunedMLPRegressor(**kw)

    def _fit_source(self, Xs, ys, seed):
        params = (tuple(self.hidden), self.source_epochs, self.source_lr,
                  self.source_batch_size, self.patience, seed)  # fmt: skip

        def train():
            src = self._mlp(
                max_epochs=self.source_epochs,
                lr=self.source_lr,
                batch_size=self.source_batch_size,
                random_state=seed,
            ).fit(self.scaler_.transform(Xs), ys)
            return {k: v.detach().cpu().clone() for k, v in src.net_.module_.state_dict().items()}

        if seed is None:
            return train()
        return registry.cached(("ce-transfer-source", _source_key(Xs, ys, params)), train)

    def fit(self, X, y):
        """Train (or reuse) the source model, then fine-tune ``n_ensemble`` copies on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        if self.on_error not in ("raise", "nan"):
            raise ValueError(f"on_error must be 'raise' or 'nan', got {self.on_error!r}")
        if int(self.n_ensemble) < 1:
            raise ValueError(f"n_ensemble must be >= 1, got {self.n_ensemble}")
        if (self.source_X is None) != (self.source_y is None):
            raise ValueError("give both source_X and source_y, or neither")
        rng = check_random_state(self.random_state)
        fixed = isinstance(self.random_state, (int, np.integer))
        src_seed = int(rng.randint(2**31 - 1))
        if self.source_X is not None:
            Xs = np.asarray(self.source_X, dtype=np.float64)
            ys = np.asarray(self.source_y, dtype=np.float64).reshape(-1)
            if Xs.ndim != 2 or Xs.shape[1] != X.shape[1]:
                raise ValueError(
                    f"source_X must have {X.shape[1]} columns like X, got shape {Xs.shape}"
                )
            if len(Xs) != len(ys):
                raise ValueError("source_X and source_y have different lengths")
            self.scaler_ = StandardScaler().fit(Xs)
            self.source_state_ = self._fit_source(Xs, ys, src_seed if fixed else None)
        else:
            self.scaler_ = StandardScaler().fit(X)
            self.source_state_ = None
        Z = self.scaler_.transform(X)
        lr = self.lr if self.source_state_ is not None else self.source_lr
        self.estimators_ = [
            self._mlp(init_state=self.source_state_, lr=lr,
                      random_state=int(rng.randint(2**31 - 1))).fit(Z, y)
            for _ in range(int(self.n_ensemble))
        ]  # fmt: skip
        return self

    def predict(self, X):
        """Mean prediction of the fine-tuned networks, float64 of shape (n_samples,).

        A row with a NaN or infinite feature raises a ``ValueError`` naming it, or (with
        ``on_error="nan"``) gets a NaN prediction and one warning counts such rows.
        """
        check_is_fitted(self, "estimators_")
        X = validate_data(self, X, dtype=np.float64, reset=False, ensure_all_finite=False)
        ok = np.isfinite(X).all(axis=1)
        if not ok.all():
            bad = np.flatnonzero(~ok)
            r = int(bad[0])
            c = int(np.flatnonzero(~np.isfinite(X[r]))[0])
            where = (
                f"row {r} of X has a NaN or infinite feature (column {c}: {X[r, c]}); "
                f"{len(bad)} of {len(X)} rows have one"
            )
            if self.on_error == "raise":
                raise ValueError(
                    f"Input X contains NaN or infinity: {where}. Impute or drop them, or use "
                    "on_error='nan' to predict NaN for such rows"
                )
            warnings.warn(
                f"CETransferRegressor: {where}; their predictions are NaN (on_error='nan')",
                SkcromelWarning,
                stacklevel=2,
            )
        out = np.full(X.shape[0], np.nan)
        if ok.any():
            Z = self.scaler_.transform(X[ok])
            out[ok] = np.mean([e.predict(Z) for e in self.estimators_], axis=0)
        return out

    def predict_source(self, X):
        """The source model applied directly (no fine-tuning), float64 of shape (n_samples,)."""
        check_is_fitted(self, "estimators_")
        if self.source_state_ is None:
            raise ValueError("fitted without a source")
        import torch

        X = validate_data(self, X, dtype=np.float64, reset=False)
        module = build_mlp(X.shape[1], tuple(self.hidden))
        module.load_state_dict(self.source_state_)
        module.eval()
        with torch.no_grad():
            out = module(torch.as_tensor(self.scaler_.transform(X), dtype=torch.float32))
        return out.numpy().reshape(-1).astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        tags.target_tags.single_output = True
        return tags


def perovskite_energy_model(
    data_home=None,
    *,
    properties="combined",
    n_ensemble=1,
    random_state=0,
    max_epochs=200,
    source_epochs=200,
    device="cpu",
    delta=False,
):
    """Fitted formula -> formation-energy (eV/atom) pipeline for ABO3 perovskites.

    CE features (``properties``) of idealised prototypes: spinel source (5,174 AB2O4), perovskite
    target (855 ABO3, all used for training); :class:`CETransferRegressor` on top. With
    ``delta=True`` the pipeline learns the residual to the Materials Project competing-phase hull
    of the lower-order phases (:class:`~skcromel.DeltaRegressor` with
    :class:`~skcromel.ReferenceHullEnergy`; needs ``crabnet/data/matbench/mp_e_form.csv`` in the
    data home): 0.095 vs 0.120 eV/atom for the fine-tuned DNN alone in 5-fold CV x 3
    (``docs/benchmarks/ce_delta_transfer.md``).

    Parameters
    ----------
    data_home : str or path-like, default=None
    properties : {"combined", "shipped", "published"}, default="combined"
        Element table of :class:`~skcromel.structure.CenterEnvironmentFeaturizer`.
    n_ensemble : int, default=1
    random_state : int, default=0
    max_epochs, source_epochs : int, default=200
    device : str, default="cpu"
    delta : bool or transformer, default=False
        Δ-learning on the MP hull energy (see above); a transformer (e.g. a
        :class:`~skcromel.ReferenceHullEnergy` on another reference table) is used as the
        baseline instead.

    Returns
    -------
    sklearn.pipeline.Pipeline or skcromel.DeltaRegressor
        ``predict(list_of_formulas)``; usable as ``predictor=`` of
        :func:`skcromel.structure.screen_perovskites`. A candidate the CE featurizer cannot
        handle (an element missing from the table...) is predicted as NaN, with a warning from the
        featurizer and one from the regressor (``on_error="nan"`` in both).
    """
    from sklearn.pipeline import Pipeline

    from ..datasets import load_ce_transfer_data
    from ._center_environment import CenterEnvironmentFeaturizer

    sp_f, sp_y, pv_f, pv_y = load_ce_transfer_data(data_home)

    def featurizer(proto):
        return CenterEnvironmentFeaturizer(
            properties=properties, prototype=proto, impute_nan=True, data_home=data_home,
            on_error="nan",
        )  # fmt: skip

    Xs = featurizer("spinel").fit_transform(sp_f)
    ok = np.isfinite(Xs).all(axis=1)
    model = CETransferRegressor(
        Xs[ok], sp_y[ok], n_ensemble=n_ensemble, random_state=random_state,
        max_epochs=max_epochs, source_epochs=source_epochs, device=device,
        on_error="nan",  # candidates the featurizer cannot handle get NaN (both warn)
    )  # fmt: skip
    pipe = Pipeline([("ce", featurizer("perovskite")), ("model", model)])
    if delta is not False and delta is not None:
        from ..featurizers import ReferenceHullEnergy
        from ..meta import DeltaRegressor

        baseline = ReferenceHullEnergy(data_home=data_home) if delta is True else delta
        pipe = DeltaRegressor(pipe, baseline=baseline)
    return pipe.fit(pv_f, pv_y)
