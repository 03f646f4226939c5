"""matminer adapter: use any skcromel composition transformer inside ``featurize_dataframe``.

matminer's ``BaseFeaturizer.featurize_many`` featurizes one row at a time in a process pool;
:class:`MatminerFeaturizer` overrides it with one batched, in-process call to the wrapped
scikit-learn transformer, and knows its labels before seeing data.

>>> import pandas as pd
>>> from skcromel.featurizers import MatminerFeaturizer
>>> f = MatminerFeaturizer.from_preset("magpie")
>>> df = f.featurize_dataframe(pd.DataFrame({"formula": ["Fe2O3", "NaCl"]}), "formula", pbar=False)
>>> df.shape
(2, 133)
"""

from __future__ import annotations

import warnings

import numpy as np
from matminer.featurizers.base import BaseFeaturizer
from sklearn.base import clone

from ..parsing import parse_compositions
from ._base import CompositionTransformer
from ._fraction import ElementFraction
from ._stats import ElementStats

__all__ = ["MatminerFeaturizer"]

_SKCROMEL_CITATION = (
    "@software{skcromel, title={skcromel: scikit-learn transfer learning for small experimental "
    "materials datasets}, year={2026}}"
)


class MatminerFeaturizer(BaseFeaturizer):
    """A matminer ``BaseFeaturizer`` backed by a skcromel composition transformer.

    Parameters
    ----------
    transformer : CompositionTransformer, default=None
        E.g. ``ElementStats(preset="magpie")`` (the default when None) or ``ElementFraction()``.
        It is cloned; ``on_error`` is set from ``featurize_many(ignore_errors=...)``.
    """

    def __init__(self, transformer=None):
        self.transformer = transformer

    @classmethod
    def from_preset(cls, preset: str = "magpie", **kwargs) -> MatminerFeaturizer:
        """``ElementStats(preset=...)``; ``"elemnet"`` gives the 86 ElemNet fractions."""
        if preset == "elemnet":
            return cls(ElementFraction(elements="elemnet", **kwargs))
        return cls(ElementStats(preset=preset, **kwargs))

    # ---------------------------------------------------------------- matminer API
    def _base(self):
        t = ElementStats() if self.transformer is None else self.transformer
        if not isinstance(t, CompositionTransformer):
            raise TypeError("transformer must be a skcromel composition transformer")
        return t

    def _fitted(self, on_error: str):
        return clone(self._base()).set_params(on_error=on_error).fit(["H"])

    def featurize(self, x):
        """Features of a single composition (a formula string, Composition, Structure or dict)."""
        return list(self.featurize_many([x], pbar=False)[0])

    def featurize_many(self, entries, ignore_errors=False, return_errors=False, pbar=True):
        """Batched, in-process featurization of many entries (no process pool).

        With ``ignore_errors=True`` bad rows become NaN; with ``return_errors=True`` a last column
        holds each row's error message (empty string when fine).
        """
        on_error = "nan" if ignore_errors else "raise"
        t = self._fitted(on_error)
        X = np.asarray(entries, dtype=object)
        if X.ndim == 2 and X.shape[1] != 1:
            raise ValueError("MatminerFeaturizer takes a single composition column")
        if not ignore_errors:
            feats = t.transform(X)
            msgs = [""] * len(feats)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                feats = t.transform(X)
                msgs = self._row_errors(X, feats) if return_errors else None
        rows = feats.tolist()
        if return_errors:
            rows = [r + [m] for r, m in zip(rows, msgs)]
        return rows

    @staticmethod
    def _row_errors(X, feats) -> list[str]:
        parsed = parse_compositions(X, on_error="nan")
        msgs = ["" if ok else "could not parse composition" for ok in parsed.valid]
        if feats.shape[1]:
            for i in np.flatnonzero(np.isnan(feats).all(axis=1)):
                msgs[i] = msgs[i] or "element not supported by this featurizer"
        for err in parsed.errors:  # exact messages for the first few failures
            msgs[err.row] = str(err)
        return msgs

    def feature_labels(self):
        return list(clone(self._base()).fit(["H"]).get_feature_names_out())

    def citations(self):
        t = self._base()
        if isinstance(t, ElementStats):
            from .element_tables import load_table

            return [load_table(t.preset).citation, _SKCROMEL_CITATION]
        if isinstance(t, ElementFraction):
            return [
                "@article{jha2018elemnet, title={ElemNet: Deep Learning the Chemistry of Materials "
                "From Only Elemental Composition}, author={Jha, Dipendra and Ward, Logan and "
                "Paul, Arindam and Liao, Wei-keng and Choudhary, Alok and Wolverton, Chris and "
                "Agrawal, Ankit}, journal={Scientific Reports}, volume={8}, pages={17593}, "
                "year={2018}, doi={10.1038/s41598-018-35934-y}}",
                _SKCROMEL_CITATION,
            ]
        return [_SKCROMEL_CITATION]

    def implementors(self):
        return ["skcromel developers"]
