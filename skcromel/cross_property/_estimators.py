"""Cross-property transfer learning with ElemNet (Gupta et al., Nat. Commun. 12, 6595, 2021).

* :class:`ElemNetRegressor` — ElemNet trained from scratch on element fractions.
* :class:`CrossPropertyRegressor` — ElemNet initialised from a pretrained *source* model (another
  property, usually a large computed data set) and fine-tuned on the target; the first
  ``freeze_layers`` hidden layers can be frozen.
* :class:`CrossPropertyFeaturizer` — frozen post-ReLU activations of one or more hidden layers of a
  source model as features for any scikit-learn regressor (the paper's "feature extraction" mode).

All three take compositions (formula strings, pymatgen objects, dicts; 1-D or one column) like
:class:`skcromel.ElementFraction`. Sources are registry names or model directories
(:func:`skcromel.registry.load_pretrained`); every ``fit`` starts from a fresh copy of the source
weights, so ``clone`` and cross-validation folds never share state.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..elements import ELEMNET_ELEMENTS
from ..featurizers._base import composition_input_tags, validate_compositions
from ..nn import MLP, TorchRegressor, elemnet
from ..nn._networks import _layer_index
from ..parsing import as_composition_array, element_matrix, to_element_matrix
from ..registry import load_pretrained

__all__ = [
    "DEFAULT_SOURCE",
    "ELEMNET_INPUT",
    "CrossPropertyFeaturizer",
    "CrossPropertyRegressor",
    "ElemNetRegressor",
]

#: Input descriptor recorded in model cards of ElemNet-type sources.
ELEMNET_INPUT = "elemnet-fractions-86"
#: Default source model.
DEFAULT_SOURCE = "elemnet-small-mp-eform"


def _fractions(X, on_error: str = "raise") -> np.ndarray:
    """The 86 ElemNet fractions of a collection of compositions."""
    values, _ = as_composition_array(X)
    return to_element_matrix(values, ELEMNET_ELEMENTS, on_error=on_error)


def _checked_fractions(estimator, X, *, reset: bool, on_error: str = "raise") -> np.ndarray:
    """:func:`_fractions` of ``X`` validated for ``estimator`` (empty input, column name)."""
    return _fractions(validate_compositions(estimator, X, reset=reset), on_error)


class _CompositionRegressor(TorchRegressor):
    """TorchRegressor taking compositions; the network input is the 86 ElemNet fractions."""

    def _prepare_X(self, X, fitting):
        return _checked_fractions(self, X, reset=fitting).astype(np.float32)

    def __sklearn_tags__(self):
        return composition_input_tags(super().__sklearn_tags__())


class ElemNetRegressor(_CompositionRegressor):
    """ElemNet trained from scratch on element fractions.

    Parameters
    ----------
    variant : {"elemnet", "elemnet-small"}, default="elemnet-small"
        ``"elemnet"`` is the published 17-layer network (1024x4, 512x3, 256x3, 128x3, 64x2, 32, 1;
        4.6 M parameters; dropout 0.2/0.1/0.3/0.2 after the 1024/512/256/128 blocks, training only).
        ``"elemnet-small"`` (512x2, 256x2, 128x2, 64x2, 32; 0.57 M parameters) is ~8x faster on CPU.
    max_epochs, batch_size, lr, weight_decay, optimizer, loss, validation_fraction, patience, \
standardize_y, device, progress, max_time, random_state, verbose
        See :class:`skcromel.nn.TorchRegressor`. Defaults: Adam, MAE loss, batch 32 and
        lr 1e-4 as in the paper, with early stopping on a 10 % validation split.

    Examples
    --------
    >>> from skcromel.cross_property import ElemNetRegressor
    >>> reg = ElemNetRegressor(max_epochs=5, random_state=0).fit(["NaCl", "MgO", "Fe2O3"], [1, 2, 3])
    >>> reg.predict(["KCl"]).shape
    (1,)
    """

    def __init__(
        self,
        variant="elemnet-small",
        *,
        max_epochs=300,
        batch_size=32,
        lr=1e-4,
        weight_decay=0.0,
        optimizer="adam",
        loss="mae",
        validation_fraction=0.1,
        patience=30,
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
        self.variant = variant

    def _build_module(self, n_features):
        return elemnet(self.variant, n_in=n_features)


class CrossPropertyRegressor(_CompositionRegressor):
    """ElemNet fine-tuned from a pretrained source model (cross-property transfer).

    Parameters
    ----------
    source : str or path, default="elemnet-small-mp-eform"
        Registry name (see :func:`skcromel.registry.list_pretrained`) or model directory.
    freeze_layers : int, default=0
        Number of leading hidden layers kept frozen (0: fine-tune everything, as in the paper).
    reinit_output : bool, default=True
        Re-initialise the output layer (seeded). If False the source's output layer is kept and the
        target is scaled with the source's target scaling, so the initial model predicts the
        source property in its own units (sensible when source and target are the same quantity).
    max_epochs, batch_size, lr, weight_decay, optimizer, loss, validation_fraction, patience, \
standardize_y, device, progress, max_time, random_state, verbose
        See :class:`skcromel.nn.TorchRegressor`.

    Attributes
    ----------
    source_card_ : dict
        The model card of the source used.
    """

    def __init__(
        self,
        source=DEFAULT_SOURCE,
        *,
        freeze_layers=0,
        reinit_output=True,
        max_epochs=300,
        batch_size=32,
        lr=1e-4,
        weight_decay=0.0,
        optimizer="adam",
        loss="mae",
        validation_fraction=0.1,
        patience=30,
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
        self.source = source
        self.freeze_layers = freeze_layers
        self.reinit_output = reinit_output

    def _load_source(self):
        model = load_pretrained(self.source)
        inp = model.card.get("input")
        if inp != ELEMNET_INPUT:
            raise ValueError(
                f"source {self.source!r} expects input {inp!r}; {type(self).__name__} needs an "
                f"ElemNet-type source with input {ELEMNET_INPUT!r}"
            )
        return model

    def _target_scaling(self, y):
        if self.reinit_output:
            return super()._target_scaling(y)
        scaling = self._load_source().card.get("target_scaling", {})
        return float(scaling.get("mean", 0.0)), float(scaling.get("scale", 1.0))

    def _build_module(self, n_features):
        source = self._load_source()
        module = source.build_module()  # a fresh copy of the pristine weights, every fit
        self.source_card_ = dict(source.card)
        if not isinstance(module, MLP) or module.n_in != n_features:
            raise ValueError(f"source {self.source!r} does not take {n_features} inputs")
        n_freeze = int(self.freeze_layers)
        if not 0 <= n_freeze <= module.n_hidden:
            raise ValueError(f"freeze_layers must be in 0..{module.n_hidden}, got {n_freeze}")
        for block in module.hidden[:n_freeze]:
            for p in block.parameters():
                p.requires_grad_(False)
        if self.reinit_output:
            module.output.reset_parameters()
        return module.train()


class CrossPropertyFeaturizer(TransformerMixin, BaseEstimator):
    """Frozen hidden-layer activations of a pretrained source model as features.

    Parameters
    ----------
    source : str or path, default="elemnet-small-mp-eform"
        Registry name or model directory of an ElemNet-type source.
    layer : int, "output" or sequence of them, default=-1
        Hidden layer(s), 1-based (negative counts from the last hidden layer). Post-ReLU activations
        (as in the paper's feature-extraction mode); several layers are concatenated. ``"output"``
        is the source model's own prediction in the source's unit (one column, named
        ``cp_prediction``), e.g. the DFT formation energy a MP source predicts for the composition —
        often the single most useful feature for a related experimental property.
    batch_size : int, default=8192
        Rows per forward pass (bounded memory).
    on_error : {"raise", "nan"}, default="raise"
        Unparseable compositions or elements outside the 86 ElemNet elements raise a
        :class:`~skcromel.exceptions.CompositionError`, or give rows of NaN.

    Attributes
    ----------
    n_features_in_ : int
        Always 1 (one column of compositions).
    feature_names_in_ : ndarray of str
        Name of the input column, when fitted on a named one-column DataFrame.
    source_card_ : dict
    layers_ : tuple of int
        1-based indices of the hidden layers used.
    output_ : bool
        Whether the source prediction is the last column.
    n_features_out_ : int
    """

    def __init__(self, source=DEFAULT_SOURCE, *, layer=-1, batch_size=8192, on_error="raise"):
        self.source = source
        self.layer = layer
        self.batch_size = batch_size
        self.on_error = on_error

    def fit(self, X=None, y=None):
        """Load the source model (no training).

        ``X`` (optional) is only checked for form and sets ``n_features_in_`` and
        ``feature_names_in_``; without it ``n_features_in_`` is 1 and there are no input names.
        ``y`` is ignored.
        """
        validate_compositions(self, X, reset=True)  # X=None: n_features_in_ = 1, no names
        model = load_pretrained(self.source)
        if model.card.get("input") != ELEMNET_INPUT:
            raise ValueError(f"source {self.source!r} is not an ElemNet-type source")
        module = model.build_module()
        single = isinstance(self.layer, int | np.integer | str)
        layers = [self.layer] if single else list(self.layer)
        if not layers:
            raise ValueError("layer must name at least one hidden layer or 'output'")
        bad = [v for v in layers if isinstance(v, str) and v != "output"]
        if bad:
            raise ValueError(f"layer must be an int or 'output', got {bad[0]!r}")
        self.output_ = "output" in layers
        hidden = [int(v) for v in layers if not isinstance(v, str)]
        self.layers_ = tuple(_layer_index(v, module.n_hidden) + 1 for v in hidden)
        self.module_ = module.eval()
        for p in self.module_.parameters():
            p.requires_grad_(False)
        self.source_card_ = dict(model.card)
        scaling = model.card.get("target_scaling", {})
        self.target_scaling_ = (float(scaling.get("mean", 0.0)), float(scaling.get("scale", 1.0)))
        self.n_features_out_ = int(sum(module.hidden_sizes[i - 1] for i in self.layers_))
        self.n_features_out_ += int(self.output_)
        return self

    def transform(self, X) -> np.ndarray:
        """Activations, float64 array of shape (n_samples, n_features_out_)."""
        check_is_fitted(self, "module_")
        return self._activations(_checked_fractions(self, X, reset=False, on_error=self.on_error))

    def _featurize(self, parsed) -> np.ndarray:
        """:meth:`transform` of already parsed compositions
        (:class:`~skcromel.parsing.ParsedCompositions`)."""
        check_is_fitted(self, "module_")
        return self._activations(element_matrix(parsed, ELEMNET_ELEMENTS, self.on_error)[0])

    def _activations(self, frac: np.ndarray) -> np.ndarray:
        """Features of rows of ElemNet fractions (NaN rows give NaN features)."""
        out = np.full((frac.shape[0], self.n_features_out_), np.nan)
        ok = ~np.isnan(frac).any(axis=1)
        rows = np.flatnonzero(ok)
        last = self.module_.n_hidden if self.output_ else max(self.layers_)
        mean, scale = self.target_scaling_
        step = max(int(self.batch_size), 1)
        with torch.inference_mode():
            for start in range(0, rows.size, step):
                idx = rows[start : start + step]
                x = torch.from_numpy(frac[idx].astype(np.float32))
                feats = []
                for i, block in enumerate(self.module_.hidden[:last], start=1):
                    x = block[1](block[0](x))  # Linear + ReLU (no dropout)
                    if i in self.layers_:
                        feats.append(x.double())
                if self.output_:
                    feats.append(self.module_.output(x).double() * scale + mean)
                out[idx] = torch.cat(feats, dim=1).numpy()
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "module_")
        names = []
        for layer in self.layers_:
            width = self.module_.hidden_sizes[layer - 1]
            names.extend(f"cp_l{layer}_{j}" for j in range(width))
        if self.output_:
            names.append("cp_prediction")
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = composition_input_tags(super().__sklearn_tags__())
        tags.requires_fit = True
        return tags
