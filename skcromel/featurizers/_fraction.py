"""Element fractions: the ElemNet input representation."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..elements import SYMBOLS, resolve_elements
from ..parsing import ParsedCompositions, warn_failed_rows
from ._base import CompositionTransformer

__all__ = ["ElementFraction"]


class ElementFraction(CompositionTransformer):
    """Atomic fractions of each element over a fixed element list.

    Parameters
    ----------
    elements : {"elemnet", "all", "h-pu"} or list of str, default="elemnet"
        Output columns. ``"elemnet"`` is the 86-element input of ElemNet (Jha et al. 2018):
        H ... Pu without He, Ne, Ar, Po, At, Rn, Fr, Ra. ``"all"`` is Z = 1 ... 118.
    sparse_output : bool, default=False
        Return a ``scipy.sparse.csr_matrix`` (float64) instead of a dense array.
    on_error : {"raise", "nan"}, default="raise"
        Bad compositions (unparsable, or with an element outside ``elements``) raise a
        :class:`~skcromel.exceptions.CompositionError` naming the row, or become NaN rows with one
        warning.

    Attributes
    ----------
    n_features_in_ : int
        Always 1 (one column of compositions).
    feature_names_in_ : ndarray of str
        Name of the input column, when fitted on a named DataFrame column.
    feature_names_out_ : ndarray of str
        Element symbols.

    Examples
    --------
    >>> from skcromel import ElementFraction
    >>> ElementFraction(elements=["Fe", "O"]).fit_transform(["Fe2O3", "FeO"])
    array([[0.4, 0.6],
           [0.5, 0.5]])
    """

    def __init__(self, elements="elemnet", sparse_output=False, on_error="raise"):
        self.elements = elements
        self.sparse_output = sparse_output
        self.on_error = on_error

    def _check_params(self):
        resolve_elements(self.elements)

    def _feature_names(self):
        return list(resolve_elements(self.elements))

    def _featurize(self, parsed: ParsedCompositions):
        elements = resolve_elements(self.elements)
        col = np.full(len(SYMBOLS), -1, dtype=np.int64)
        col[[SYMBOLS.index(s) for s in elements]] = np.arange(len(elements))
        label = (
            f"ElementFraction(elements={self.elements!r})"
            if isinstance(self.elements, str)
            else "ElementFraction(elements=[...])"
        )
        parsed = parsed.restrict_to(col >= 0, label, self.on_error)
        warn_failed_rows(parsed, type(self).__name__)
        shape = (parsed.n_rows, len(elements))
        if self.sparse_output:
            out = sp.csr_matrix((parsed.fraction, (parsed.row, col[parsed.z])), shape=shape)
            if not parsed.valid.all():
                out = out.tolil()
                out[np.flatnonzero(~parsed.valid)] = np.nan
                out = out.tocsr()
            return out
        out = np.zeros(shape, dtype=np.float64)
        out[parsed.row, col[parsed.z]] = parsed.fraction
        out[~parsed.valid] = np.nan
        return out
