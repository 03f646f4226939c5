"""CroMEL estimators: frozen composition embeddings (:class:`CroMELFeaturizer`) and a regressor
that fine-tunes a fresh copy of a pretrained composition encoder (:class:`CroMELRegressor`)."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..exceptions import CompositionError
from ..featurizers._base import composition_input_tags, validate_compositions
from ..nn import TorchRegressor, resolve_device, seed_from_random_state
from ._encoder import CompositionEncoder, _descriptor_transformer, composition_descriptor
from ._sources import DEFAULT_SOURCE, load_composition_encoder

__all__ = ["CroMELFeaturizer", "CroMELRegressor"]


class CroMELFeaturizer(TransformerMixin, BaseEstimator):
    """Compositions -> pretrained CroMEL composition embeddings (64-d by default).

    Parameters
    ----------
    source : str, path, CompositionEncoder, fitted CroMELPretrainer or None, \
default="cromel-offline-cosine"
        Pretrained source (see module docstring); the default is the source shipped with
        skcromel (pretrained on ~13k offline structures, target compositions excluded; see
        ``docs/cromel.md``). Inside cross-validation or grid search pass a name, a path or a
        ``CompositionEncoder`` (``clone`` resets a CroMELPretrainer parameter). None raises.
    batch_size : int, default=8192
    sample : bool, default=False
        Add the reference's Gaussian noise (seeded by ``random_state``); default deterministic.
    on_error : {"raise", "nan"}, default="raise"
        Unparsable compositions / unsupported elements: raise, or give a NaN row.
    device : str, default="cpu"
    random_state : int, RandomState or None, default=None
        Only used when ``sample=True``.

    Attributes
    ----------
    encoder_ : CompositionEncoder
    n_features_in_ : int
        Always 1 (one column of compositions).
    feature_names_in_ : ndarray of str
        Name of the input column, when fitted on a named one-column DataFrame.
    n_features_out_ : int
    """

    def __init__(
        self,
        source=DEFAULT_SOURCE,
        *,
        batch_size=8192,
        sample=False,
        on_error="raise",
        device="cpu",
        random_state=None,
    ):
        self.source = source
        self.batch_size = batch_size
        self.sample = sample
        self.on_error = on_error
        self.device = device
        self.random_state = random_state

    def fit(self, X=None, y=None):
        """Load the pretrained encoder (no training).

        ``X`` (optional) is only checked for form and sets ``n_features_in_`` and
        ``feature_names_in_``; without it ``n_features_in_`` is 1 and there are no input names.
        ``y`` is ignored.
        """
        validate_compositions(self, X, reset=True)  # X=None: n_features_in_ = 1, no names
        if self.source is None:
            raise ValueError(
                "CroMELFeaturizer needs a source: a checkpoint written by CroMELPretrainer.save, "
                "a CompositionEncoder, or 'cromel-ref:<name>' for a reference checkpoint in the "
                "data home"
            )
        self.encoder_ = load_composition_encoder(
            self.source, sample="always" if self.sample else "never"
        ).eval()
        self.device_ = resolve_device(self.device)
        self.encoder_.to(self.device_)
        self.descriptor_ = _descriptor_transformer(self.on_error)
        self.n_features_out_ = self.encoder_.hidden
        return self

    def transform(self, X):
        """Embed compositions; returns float64 (n_samples, n_features_out_)."""
        check_is_fitted(self, "encoder_")
        values = validate_compositions(self, X, reset=False)
        out = np.full((len(values), self.n_features_out_), np.nan)
        gen = None
        if self.sample:
            gen = torch.Generator(device=self.device_)
            gen.manual_seed(seed_from_random_state(self.random_state))
        bs = int(self.batch_size)
        with torch.inference_mode():
            # descriptor and encoder chunk by chunk: memory stays bounded by batch_size rows
            for s in range(0, len(values), bs):
                try:
                    D = self.descriptor_.fit_transform(values[s : s + bs])
                except CompositionError as exc:  # report the row in the full input
                    row = None if exc.row is None else exc.row + s
                    raise CompositionError(exc.reason, row=row, value=exc.value) from exc
                D = np.asarray(D, dtype=np.float32)
                ok = np.flatnonzero(~np.isnan(D).any(axis=1))
                x = torch.from_numpy(D[ok]).to(self.device_)
                out[s + ok] = self.encoder_(x, generator=gen).double().cpu().numpy()
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_out_")
        return np.array([f"cromel_{i}" for i in range(self.n_features_out_)], dtype=object)

    def __sklearn_tags__(self):
        tags = composition_input_tags(super().__sklearn_tags__())
        tags.requires_fit = True
        tags.non_deterministic = bool(self.sample)
        return tags


# --------------------------------------------------------------------------- regressor
class _CroMELNet(nn.Module):
    def __init__(self, encoder: CompositionEncoder, hidden: int = 64):
        super().__init__()
        self.encoder = encoder
        self.fc1 = nn.Linear(encoder.hidden, hidden)
        self.act = nn.LeakyReLU()
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, X):
        return self.fc2(self.act(self.fc1(self.encoder(X))))


class CroMELRegressor(TorchRegressor):
    """Fine-tune a pretrained CroMEL composition encoder on a small target dataset.

    Every ``fit`` starts from a **fresh copy** of the source weights (cached read-only), so clones,
    CV folds and repeated fits never see each other's training (the reference's fold leakage is
    impossible by construction). Network: encoder -> Linear 64 -> LeakyReLU -> Linear 1, all
    layers trained unless ``freeze_encoder``.

    Parameters
    ----------
    source : str, path, CompositionEncoder, fitted CroMELPretrainer or None, \
default="cromel-offline-cosine"
        Pretrained source (see module docstring; default: the source shipped with skcromel);
        None = random initialisation (no transfer).
        Inside cross-validation or grid search pass a path or a ``CompositionEncoder`` (``clone``
        resets a CroMELPretrainer parameter; a module parameter is deep-copied).
    hidden : int, default=64
        Head width.
    freeze_encoder : bool, default=False
    sample : {"never", "train", "always"}, default="never"
        Noise of the encoder (see :class:`CompositionEncoder`).
    max_epochs, batch_size, lr, weight_decay, loss, ... : see :class:`~skcromel.nn.TorchRegressor`; defaults
        follow the reference target model (Adam 5e-4, weight decay 5e-6, L1 loss, batch 32) but
        with 300 epochs instead of 1000.
    """

    def __init__(
        self,
        source=DEFAULT_SOURCE,
        *,
        hidden=64,
        freeze_encoder=False,
        sample="never",
        max_epochs=300,
        batch_size=32,
        lr=5e-4,
        weight_decay=5e-6,
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
        self.source = source
        self.hidden = hidden
        self.freeze_encoder = freeze_encoder
        self.sample = sample

    def _prepare_X(self, X, fitting):
        values = validate_compositions(self, X, reset=fitting)
        return composition_descriptor(values, on_error="raise").astype(np.float32)

    def _build_module(self, n_features):
        if self.source is None:
            enc = CompositionEncoder(n_features, 64, sample=self.sample)
        else:
            enc = load_composition_encoder(self.source, sample=self.sample)
            if enc.in_dim != n_features:
                raise ValueError(f"source expects {enc.in_dim} inputs, descriptor has {n_features}")
        if self.freeze_encoder:
            for p in enc.parameters():
                p.requires_grad_(False)
        return _CroMELNet(enc, int(self.hidden))

    def __sklearn_tags__(self):
        tags = composition_input_tags(super().__sklearn_tags__())
        tags.non_deterministic = self.sample != "never"
        return tags
