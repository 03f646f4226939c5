"""matminer adapter: any skcromel featurizer inside ``featurize_dataframe``.

:class:`MatminerFeaturizer` wraps a skcromel transformer of compositions or structures -- the
composition featurizers (:class:`~skcromel.ElementStats`, :func:`~skcromel.featurizers.magpie_full`
...), the transfer features (:class:`~skcromel.CrossPropertyFeaturizer`,
:class:`~skcromel.CroMELFeaturizer`), :class:`~skcromel.CenterEnvironmentFeaturizer`, or a
``FeatureUnion`` / ``Pipeline`` of them -- as a matminer ``BaseFeaturizer``. matminer's
``featurize_many`` featurizes one row at a time in a process pool; this adapter makes one batched,
in-process call per chunk of rows, and knows its feature labels before seeing data.

>>> import pandas as pd
>>> from skcromel.featurizers import MatminerFeaturizer
>>> f = MatminerFeaturizer.from_preset("magpie")
>>> df = f.featurize_dataframe(pd.DataFrame({"formula": ["Fe2O3", "NaCl"]}), "formula", pbar=False)
>>> df.shape
(2, 133)
"""

from __future__ import annotations

import copy
import re
import warnings

import numpy as np
import pandas as pd
from matminer.featurizers.base import BaseFeaturizer
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from ..exceptions import CompositionError
from ._fraction import ElementFraction
from ._stats import ElementStats

__all__ = ["MatminerFeaturizer"]

#: Rows per batched ``transform`` call of :meth:`MatminerFeaturizer.featurize_many`.
CHUNK_ROWS = 20_000
#: Input used to fit an unfitted wrapped transformer (skcromel featurizers learn nothing from X).
_DUMMY_INPUT = ["H"]
#: Failed rows whose exact error message is recomputed one by one (``return_errors=True``).
_MAX_EXPLAINED_ROWS = 1000

_SKCROMEL_CITATION = (
    "@software{skcromel, title={skcromel: scikit-learn transfer learning for small experimental "
    "materials datasets}, author={{skcromel developers}}, year={2026}}"
)
_SKCROMEL_DEVELOPERS = "skcromel developers"
_ELEMNET = (
    "@article{jha2018elemnet, title={ElemNet: Deep Learning the Chemistry of Materials From Only "
    "Elemental Composition}, author={Jha, Dipendra and Ward, Logan and Paul, Arindam and Liao, "
    "Wei-keng and Choudhary, Alok and Wolverton, Chris and Agrawal, Ankit}, journal={Scientific "
    "Reports}, volume={8}, pages={17593}, year={2018}, doi={10.1038/s41598-018-35934-y}}"
)
#: Author(s) of the reference implementation of each element table (ElementStats preset).
_TABLE_IMPLEMENTORS = {
    "magpie": ["Logan Ward"],
    "matscholar": ["Leigh Weston", "Anthony Onwuli"],
    "megnet16": ["Chi Chen", "Anthony Onwuli"],
    "mat2vec": ["Vahe Tshitoyan", "Anthony Onwuli"],
    "oliynyk": ["Anton O. Oliynyk", "Anthony Onwuli"],
    "xenonpy": ["Hironao Yamada", "Anthony Onwuli"],
}


def _method_credits(t) -> tuple[list[str], list[str]]:
    """(implementors, BibTeX entries) of one skcromel featurizer: the method's reference
    implementation (its authors and paper)."""
    from ..datasets import _catalogue as cat
    from ..element_tables import _WARD, load_table

    kind = type(t).__name__
    if kind == "ElementStats":
        preset = getattr(t, "preset", "magpie")
        try:
            bib = load_table(preset).citation
        except Exception:  # noqa: BLE001 - a custom table or a preset this version lacks
            bib = ""
        return list(_TABLE_IMPLEMENTORS.get(preset, [])), _split_bibtex(bib)
    table = {
        "ElementFraction": (["Dipendra Jha"], [_ELEMNET]),
        "Stoichiometry": (["Logan Ward"], [_WARD]),
        "ValenceOrbital": (["Logan Ward"], [_WARD]),
        "IonProperty": (["Logan Ward"], [_WARD]),
        "CrossPropertyFeaturizer": (
            ["Vishu Gupta", "Dipendra Jha"],
            [_split_bibtex(cat._BIB_CROSSPROP)[0], _ELEMNET],
        ),
        "CroMELFeaturizer": (["Gyoung S. Na"], [cat._BIB_CROMEL]),
        "CroMELPretrainer": (["Gyoung S. Na"], [cat._BIB_CROMEL]),
        "CenterEnvironmentFeaturizer": (["Yihang Li", "Yi Liu"], [cat._BIB_CE]),
    }
    names, bibs = table.get(kind, ([], []))
    return list(names), list(bibs)


def _split_bibtex(text: str) -> list[str]:
    """Separate BibTeX entries (some tables store several entries in one string)."""
    return [e.strip() for e in re.split(r"(?=@\w+\{)", text or "") if e.strip()]


def _branches(t, path: str):
    """``(path, transformer)`` of the direct parts of a Pipeline / FeatureUnion."""
    if isinstance(t, Pipeline):
        return [(f"{path} step {n!r}", s) for n, s in t.steps]
    if isinstance(t, FeatureUnion):
        return [(f"{path} part {n!r}", s) for n, s in t.transformer_list]
    return None


def _leaves(t, path: str = "transformer"):
    """Every leaf transformer (``"drop"`` / None parts skipped)."""
    parts = _branches(t, path)
    if parts is None:
        yield path, t
        return
    for p, s in parts:
        if s is None or (isinstance(s, str) and s == "drop"):
            continue
        yield from _leaves(s, p)


def _input_leaves(t, path: str = "transformer"):
    """The leaves that receive the raw input (the first step of a Pipeline, every FeatureUnion
    part)."""
    if isinstance(t, Pipeline):
        for n, s in t.steps:
            if s is None or (isinstance(s, str) and s == "passthrough"):
                continue
            yield from _input_leaves(s, f"{path} step {n!r}")
            return
        return
    if isinstance(t, FeatureUnion):
        for n, s in t.transformer_list:
            if s is None or (isinstance(s, str) and s == "drop"):
                continue
            yield from _input_leaves(s, f"{path} part {n!r}")
        return
    yield path, t


def _is_skcromel_featurizer(t) -> bool:
    """A skcromel transformer whose fit learns nothing from X (it may load a source or table)."""
    return (
        not isinstance(t, str)
        and type(t).__module__.startswith("skcromel.")
        and hasattr(t, "fit")
        and hasattr(t, "transform")
        and not hasattr(t, "predict")
    )


def _is_fitted(t) -> bool:
    try:
        check_is_fitted(t)
    except NotFittedError:
        return False
    except TypeError:  # not an estimator
        return False
    return True


def _set_on_error(t, on_error: str):
    """Set every ``on_error`` parameter (nested ones included) of ``t``; returns ``t``."""
    keys = [k for k in t.get_params(deep=True) if k == "on_error" or k.endswith("__on_error")]
    if keys:
        t.set_params(**dict.fromkeys(keys, on_error))
    return t


def _as_column(entries) -> np.ndarray:
    """One column of entries as a 1-D object array; pymatgen objects stay whole objects."""
    if isinstance(entries, pd.DataFrame):
        if entries.shape[1] != 1:
            raise ValueError(
                f"MatminerFeaturizer takes one column of compositions or structures, got "
                f"{entries.shape[1]} columns {list(entries.columns)[:5]}"
            )
        entries = entries.iloc[:, 0]
    if isinstance(entries, pd.Series):
        entries = entries.to_numpy(dtype=object)
    if isinstance(entries, np.ndarray) and entries.dtype == object:
        if entries.ndim == 2 and entries.shape[1] == 1:
            return entries[:, 0]
        if entries.ndim == 1:
            return entries
        raise ValueError(
            f"MatminerFeaturizer takes one column of compositions or structures, got an array "
            f"of shape {entries.shape} (featurize_dataframe(df, col_id) with one column)"
        )
    items = list(entries)
    out = np.empty(len(items), dtype=object)
    for i, v in enumerate(items):  # no np.asarray: it would unpack Compositions and Structures
        if isinstance(v, (list, tuple, np.ndarray)) and len(v) == 1:
            v = v[0]  # matminer passes rows as 1-tuples
        out[i] = v
    return out


class MatminerFeaturizer(BaseFeaturizer):
    """A matminer ``BaseFeaturizer`` backed by a skcromel transformer.

    Parameters
    ----------
    transformer : transformer, default=None
        What to wrap (``ElementStats(preset="magpie")`` when None):

        * an unfitted skcromel featurizer of compositions or structures -- ``ElementStats``,
          ``ElementFraction``, ``Stoichiometry``, ``ValenceOrbital``, ``IonProperty``,
          ``ReferenceHullEnergy``, ``ReferenceLookup``, ``CrossPropertyFeaturizer``,
          ``CroMELFeaturizer``, ``CenterEnvironmentFeaturizer`` -- or a ``FeatureUnion`` /
          ``Pipeline`` of them (``magpie_full()``). It is cloned, its ``on_error`` parameters are
          set from ``featurize_many(ignore_errors=...)``, and it is fitted on a dummy composition
          (these featurizers learn nothing from ``X``), so the labels are known before any data;
        * a fitted transformer (e.g. a ``Pipeline`` of ``ElementStats`` and a fitted
          ``StandardScaler``) whose input step is a skcromel featurizer: used as fitted (a copy,
          with its ``on_error`` parameters set as above).

    Notes
    -----
    ``featurize``/``featurize_many`` accept formula strings, pymatgen ``Composition``,
    ``Structure`` (its composition, or the structure itself for structure featurizers) and dicts.
    ``featurize_many`` is one batched, in-process ``transform`` per :data:`CHUNK_ROWS` rows
    (never matminer's per-row process pool). With ``return_errors=True`` the error column holds
    the exact message of each failed row ("" for rows that worked).
    """

    def __init__(self, transformer=None):
        self.transformer = transformer

    @classmethod
    def from_preset(cls, preset: str = "magpie", **kwargs) -> MatminerFeaturizer:
        """``ElementStats(preset=...)``; ``"elemnet"`` gives the 86 ElemNet fractions,
        ``"magpie_full"`` the 149 columns of :func:`~skcromel.featurizers.magpie_full`."""
        if preset == "elemnet":
            return cls(ElementFraction(elements="elemnet", **kwargs))
        if preset == "magpie_full":
            from ._attributes import magpie_full

            return cls(magpie_full(**kwargs))
        return cls(ElementStats(preset=preset, **kwargs))

    # ---------------------------------------------------------------- wrapped transformer
    def _base(self):
        t = ElementStats() if self.transformer is None else self.transformer
        if not hasattr(t, "transform"):
            raise TypeError(
                "MatminerFeaturizer wraps skcromel featurizers of compositions or structures; "
                f"{type(t).__name__} is not a transformer (no transform())"
            )
        fitted = _is_fitted(t)
        leaves = list(_input_leaves(t) if fitted else _leaves(t))
        if not leaves:
            raise TypeError("the transformer has no featurizer (every part is 'drop')")
        for path, leaf in leaves:
            if not _is_skcromel_featurizer(leaf):
                what = repr(leaf) if isinstance(leaf, str) else type(leaf).__name__
                hint = (
                    "its input step must be a skcromel featurizer"
                    if fitted
                    else "a part that learns from data (a scaler, PCA...) must be fitted before "
                    "wrapping: fit the whole pipeline on your compositions, then wrap it"
                )
                raise TypeError(
                    "MatminerFeaturizer wraps skcromel featurizers of compositions or structures "
                    "(ElementStats, ElementFraction, magpie_full(), CrossPropertyFeaturizer, "
                    "CroMELFeaturizer, CenterEnvironmentFeaturizer, ...) or a FeatureUnion/"
                    f"Pipeline of them; {path} is {what}: {hint}"
                )
        return t, fitted

    def _fitted(self, on_error: str):
        """The wrapped transformer ready to transform, cached per ``on_error`` and parameters."""
        t, fitted = self._base()
        key = (on_error, id(t), fitted, _params_key(t))
        cache = self.__dict__.setdefault("_fitted_cache", {})
        hit = cache.get(on_error)
        if hit is not None and hit[0] == key:
            return hit[1]
        if fitted:
            ready = _set_on_error(copy.deepcopy(t), on_error)
        else:
            ready = _set_on_error(clone(t), on_error).fit(_DUMMY_INPUT)
        cache[on_error] = (key, ready)
        return ready

    def __getstate__(self):  # the cache is rebuilt on demand (e.g. in a worker)
        state = dict(self.__dict__)
        state.pop("_fitted_cache", None)
        return state

    # ---------------------------------------------------------------- matminer API
    def featurize(self, x):
        """Features of a single entry (a formula string, Composition, Structure or dict)."""
        return list(self.featurize_many([x], pbar=False)[0])

    def featurize_many(self, entries, ignore_errors=False, return_errors=False, pbar=True):
        """Batched, in-process featurization of many entries (no process pool).

        With ``ignore_errors=True`` bad rows become NaN; with ``return_errors=True`` a last column
        holds each row's error message (empty string when fine).
        """
        if return_errors and not ignore_errors:
            raise ValueError("return_errors=True requires ignore_errors=True (as in matminer)")
        X = _as_column(entries)
        n = len(X)
        t = self._fitted("nan" if ignore_errors else "raise")
        if n == 0:
            return []
        feats = None
        bar = None
        if pbar and n > CHUNK_ROWS:
            from tqdm.auto import tqdm

            bar = tqdm(
                total=n, desc=type(self).__name__, **(pbar if isinstance(pbar, dict) else {})
            )
        try:
            for start in range(0, n, CHUNK_ROWS):
                chunk = X[start : start + CHUNK_ROWS]
                out = self._transform(t, chunk, start, ignore_errors)
                if feats is None:
                    feats = np.empty((n, out.shape[1]), dtype=np.float64)
                feats[start : start + len(chunk)] = out
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
        rows = feats.tolist()
        if return_errors:
            msgs = self._row_errors(X, feats)
            rows = [r + [m] for r, m in zip(rows, msgs)]
        return rows

    def _transform(self, t, chunk: np.ndarray, start: int, quiet: bool) -> np.ndarray:
        """``t.transform(chunk)`` as float64; errors name the row of the full input.

        With ``quiet`` (``ignore_errors=True``) a row that still raises -- a fitted part that
        kept its fit-time ``on_error="raise"`` -- becomes a NaN row and the rest is transformed.
        """
        pieces: list[tuple[int, np.ndarray]] = []
        lo = 0
        while lo < len(chunk):
            try:
                pieces.append((lo, _checked(_run(t, chunk[lo:], quiet), len(chunk) - lo)))
                break
            except CompositionError as exc:
                if not quiet or exc.row is None:
                    if start + lo == 0 or exc.row is None:
                        raise
                    row = exc.row + start + lo
                    raise CompositionError(exc.reason, row=row, value=exc.value) from exc
                bad = lo + exc.row
                if bad > lo:
                    pieces.append((lo, _checked(_run(t, chunk[lo:bad], quiet), bad - lo)))
                lo = bad + 1
        width = pieces[0][1].shape[1] if pieces else len(self.feature_labels())
        out = np.full((len(chunk), width), np.nan)
        for at, part in pieces:
            out[at : at + len(part)] = part
        return out

    def _row_errors(self, X: np.ndarray, feats: np.ndarray) -> list[str]:
        """The message of every row with a NaN feature ("" when it featurizes without error):
        each such row is transformed alone with ``on_error="raise"``."""
        msgs = [""] * len(X)
        strict = self._fitted("raise")
        suspect = np.flatnonzero(np.isnan(feats).any(axis=1)) if feats.shape[1] else []
        for k, i in enumerate(suspect):
            if k >= _MAX_EXPLAINED_ROWS:
                msgs[i] = (
                    f"row {i}: featurized as NaN (on_error='nan'); more than "
                    f"{_MAX_EXPLAINED_ROWS} such rows, featurize it alone for the reason"
                )
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    strict.transform(X[i : i + 1])
            except CompositionError as exc:
                msgs[i] = str(CompositionError(exc.reason, row=int(i), value=exc.value))
            except Exception as exc:  # noqa: BLE001 - reported, like matminer's error column
                msgs[i] = f"row {i}: {type(exc).__name__}: {str(exc)[:200]}"
        return msgs

    def feature_labels(self):
        """Column names, known before any data (``get_feature_names_out`` of the transformer)."""
        t = self._fitted("raise")
        if not hasattr(t, "get_feature_names_out"):
            raise TypeError(
                f"{type(t).__name__} has no get_feature_names_out(): MatminerFeaturizer cannot "
                "name its columns"
            )
        return [str(name) for name in t.get_feature_names_out()]

    def citations(self):
        """BibTeX of the wrapped method(s) (papers of every featurizer used), then skcromel."""
        t, _ = self._base()
        out: list[str] = []
        for _, leaf in _leaves(t):
            out.extend(_method_credits(leaf)[1])
        return list(dict.fromkeys([*out, _SKCROMEL_CITATION]))

    def implementors(self):
        """Authors of the reference implementation of each wrapped method, then the skcromel
        developers (who ported them here)."""
        t, _ = self._base()
        names: list[str] = []
        for _, leaf in _leaves(t):
            names.extend(_method_credits(leaf)[0])
        return list(dict.fromkeys([*names, _SKCROMEL_DEVELOPERS]))


def _run(t, X, quiet: bool):
    with warnings.catch_warnings():
        if quiet:  # ignore_errors: NaN rows are expected, matminer does not warn
            warnings.simplefilter("ignore")
        return t.transform(X)


def _checked(out, n: int) -> np.ndarray:
    out = np.asarray(out, dtype=np.float64)
    if out.ndim != 2 or out.shape[0] != n:
        raise ValueError(f"the wrapped transformer returned shape {out.shape} for {n} rows")
    return out


def _params_key(t) -> str:
    """Parameters of ``t`` as text, to notice a ``set_params`` after the cache was filled."""
    try:
        return repr(sorted((k, repr(v)) for k, v in t.get_params(deep=True).items()))
    except Exception:  # noqa: BLE001 - a foreign object without get_params
        return ""
