"""Cross-validation for materials data: leak-free formula-grouped folds and published protocols.

* :class:`FormulaGroupKFold` / :class:`RepeatedFormulaGroupKFold` — K-fold where every reduced
  formula (polymorphs, repeated measurements, the same compound written differently) sits in one
  fold only. ``groups`` may be passed explicitly; otherwise they are computed from ``X`` with
  :func:`skcromel.parsing.reduced_formulas`.
* :class:`CroMELKFold` — the CroMEL reference protocol: a numpy permutation of the rows seeded with
  ``random_state`` (0 in the paper), cut into 5 consecutive chunks. Row-level, so it leaks repeated
  formulas across folds; use it only to compare with published numbers.
* :func:`matbench_folds` — the official matbench v0.1 folds (by mbid).
* :func:`predefined_split` / :class:`PredefinedSplits` — fixed train/test files
  (CrossPropertyTL) or any list of folds, as a scikit-learn splitter.
* :func:`get_protocol_splits` — the folds of a named protocol for a loaded dataset (used by the
  benchmark runner).
"""

from __future__ import annotations

import gzip
import json
import numbers
import os
from functools import lru_cache

import numpy as np
from sklearn.model_selection import BaseCrossValidator, KFold
from sklearn.utils import check_random_state

from .matching import DEFAULT_TOL, near_duplicate_groups

__all__ = [
    "PROTOCOLS",
    "CroMELKFold",
    "FormulaGroupKFold",
    "PredefinedSplits",
    "RepeatedFormulaGroupKFold",
    "compound_groups",
    "get_protocol_splits",
    "matbench_folds",
    "predefined_split",
]

#: Named evaluation protocols understood by :func:`get_protocol_splits` and the benchmark runner.
PROTOCOLS = {
    "grouped-kfold": "leak-free: 5 folds grouped by near-duplicate composition (normalised "
    "fractions within 0.005 over the same elements), one shuffle per seed",
    "kfold": "row-level shuffled 5-fold (leaks repeated formulas; for comparison only)",
    "cromel-5fold": "CroMEL published protocol: numpy permutation seeded per seed (paper: 0), "
    "5 consecutive chunks, row-level",
    "matbench": "official matbench v0.1 folds (5 folds, random_state 18012019); seed ignored",
    "crossprop": "CrossPropertyTL train/test files (one split); seed ignored",
}


def _formula_groups(X, groups, tol=DEFAULT_TOL):
    if groups is not None:
        return np.asarray(groups)
    if hasattr(X, "columns") and "composition" in getattr(X, "columns", ()):
        X = X["composition"]
    return near_duplicate_groups(X, tol=tol)


def _check_n_splits(n_splits):
    if not isinstance(n_splits, numbers.Integral) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")


class FormulaGroupKFold(BaseCrossValidator):
    """K-fold iterator that never splits a compound (near-duplicate compositions) between folds.

    Groups are assigned to folds greedily, largest group first, each to the fold with the fewest
    samples so far; with ``shuffle=True`` the order of equally sized groups is randomised by
    ``random_state``, so different seeds give different (still balanced) partitions.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (at least 2, at most the number of distinct groups).
    shuffle : bool, default=True
        Randomise which groups share a fold.
    random_state : int, RandomState instance or None, default=None
        Seed used when ``shuffle=True``.
    tol : float, default=0.005
        Near-duplicate tolerance used when groups are computed from ``X``: compositions with the
        same elements whose normalised fractions differ by at most ``tol`` are one group
        (:func:`skcromel.matching.near_duplicate_groups`); ``tol=0`` groups identical reduced
        formulas only.

    Notes
    -----
    ``split(X, y, groups)``: when ``groups`` is None they are computed from ``X`` (formula strings,
    compositions or a DataFrame with a ``composition`` column), so Fe2O3, O3Fe2 and Fe4O6 are one
    group, and so are ``Co0.834Gd0.166`` and GdCo5.
    """

    # like scikit-learn's group splitters: request ``groups`` under metadata routing
    __metadata_request__split = {"groups": True}

    def __init__(self, n_splits=5, *, shuffle=True, random_state=None, tol=DEFAULT_TOL):
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits

    def _fold_of_group(self, groups):
        _check_n_splits(self.n_splits)
        uniq, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
        if self.n_splits > len(uniq):
            raise ValueError(
                f"cannot make {self.n_splits} folds from {len(uniq)} distinct formula groups"
            )
        order = np.arange(len(uniq))
        if self.shuffle:
            order = check_random_state(self.random_state).permutation(len(uniq))
        # stable sort on -size keeps the (shuffled) order among equally sized groups
        order = order[np.argsort(-counts[order], kind="stable")]
        fold_sizes = np.zeros(self.n_splits, dtype=np.int64)
        fold_of_group = np.empty(len(uniq), dtype=np.int64)
        for g in order:
            k = int(np.argmin(fold_sizes))
            fold_of_group[g] = k
            fold_sizes[k] += counts[g]
        return fold_of_group[inverse.ravel()]

    def _iter_test_masks(self, X=None, y=None, groups=None):
        fold = self._fold_of_group(_formula_groups(X, groups, self.tol))
        for k in range(self.n_splits):
            yield fold == k

    def split(self, X, y=None, groups=None):
        """Yield ``(train_index, test_index)`` for each fold."""
        groups = _formula_groups(X, groups, self.tol)
        n = len(groups)
        fold = self._fold_of_group(groups)
        idx = np.arange(n)
        for k in range(self.n_splits):
            test = fold == k
            yield idx[~test], idx[test]


class RepeatedFormulaGroupKFold(BaseCrossValidator):
    """:class:`FormulaGroupKFold` repeated ``n_repeats`` times with different shuffles.

    Parameters
    ----------
    n_splits : int, default=5
    n_repeats : int, default=3
    random_state : int, RandomState instance or None, default=None
        Controls the seeds of the repetitions.
    tol : float, default=0.005
        Near-duplicate tolerance (see :class:`FormulaGroupKFold`).
    """

    __metadata_request__split = {"groups": True}

    def __init__(self, n_splits=5, *, n_repeats=3, random_state=None, tol=DEFAULT_TOL):
        self.n_splits = n_splits
        self.n_repeats = n_repeats
        self.random_state = random_state
        self.tol = tol

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits * self.n_repeats

    def _iter_test_masks(self, X=None, y=None, groups=None):  # pragma: no cover - split overrides
        raise NotImplementedError

    def split(self, X, y=None, groups=None):
        """Yield ``(train_index, test_index)`` for each fold of each repetition."""
        if not isinstance(self.n_repeats, numbers.Integral) or self.n_repeats < 1:
            raise ValueError(f"n_repeats must be a positive integer, got {self.n_repeats!r}")
        groups = _formula_groups(X, groups, self.tol)
        rng = check_random_state(self.random_state)
        for _ in range(self.n_repeats):
            seed = int(rng.randint(np.iinfo(np.int32).max))
            cv = FormulaGroupKFold(self.n_splits, shuffle=True, random_state=seed)
            yield from cv.split(X, y, groups)


class CroMELKFold(BaseCrossValidator):
    """The CroMEL reference K-fold: seeded numpy permutation cut into consecutive chunks.

    Fold ``k`` tests on chunk ``k`` of ``numpy.random.RandomState(random_state).permutation(n)``
    split with ``numpy.array_split`` — the same assignment as seeding numpy's global generator with
    ``random_state`` and permuting, as the reference scripts do (seed 0, 5 folds). Rows, not
    formulas, are split: repeated formulas straddle folds.

    Parameters
    ----------
    n_splits : int, default=5
    random_state : int, default=0
    """

    def __init__(self, n_splits=5, *, random_state=0):
        self.n_splits = n_splits
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits

    def _iter_test_indices(self, X=None, y=None, groups=None):
        _check_n_splits(self.n_splits)
        n = len(X) if X is not None else len(y)
        perm = np.random.RandomState(self.random_state).permutation(n)
        yield from np.array_split(perm, self.n_splits)


class PredefinedSplits(BaseCrossValidator):
    """A splitter that replays a fixed list of ``(train_index, test_index)`` pairs.

    Parameters
    ----------
    folds : list of (array-like, array-like)
        Integer positions of the train and test rows of each fold.
    """

    def __init__(self, folds):
        self.folds = folds

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.folds)

    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover
        for _, test in self.folds:
            yield np.asarray(test)

    def split(self, X=None, y=None, groups=None):
        """Yield the stored folds as integer arrays."""
        for train, test in self.folds:
            yield np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64)


def predefined_split(split) -> list[tuple[np.ndarray, np.ndarray]]:
    """One fold from a per-row label array: rows labelled ``"test"`` are tested, the rest train.

    ``Dataset.metadata["split"]`` of the CrossPropertyTL datasets is such an array.
    """
    split = np.asarray(split).astype(str)
    if not (split == "test").any():
        raise ValueError("no row is labelled 'test'")
    idx = np.arange(len(split))
    return [(idx[split != "test"], idx[split == "test"])]


@lru_cache(maxsize=2)
def _matbench_validation(path: str, mtime_ns: int) -> dict:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)["splits"]


def matbench_folds(task: str, ids=None, data_home=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Official matbench v0.1 folds of ``task`` as integer positions.

    Parameters
    ----------
    task : str
        Matbench task name, e.g. ``"matbench_expt_gap"``.
    ids : array-like of str, optional
        mbids of the rows, in dataset order (``Dataset.metadata["ids"]``). Default: the order of
        the task's artifact file, as returned by :func:`skcromel.datasets.load_dataset`.
    data_home : path-like, optional
        Data home holding ``matbench_v0.1/matbench/matbench_v0.1_validation.json.gz``.
    """
    from .config import get_data_home
    from .datasets import MATBENCH_FOLDS_PATH
    from .exceptions import DataNotFoundError

    path = get_data_home(data_home) / MATBENCH_FOLDS_PATH
    if not path.is_file():
        raise DataNotFoundError(
            f"matbench folds not found. Looked for: {path}. Put there the gzip of "
            "matbench/matbench_v0.1_validation.json from the matbench 0.6 wheel (PyPI), "
            "e.g. `gzip -9 matbench_v0.1_validation.json`."
        )
    splits = _matbench_validation(str(path), os.stat(path).st_mtime_ns)
    if task not in splits:
        raise KeyError(f"no official folds for {task!r}; tasks: {sorted(splits)}")
    if ids is None:
        from .datasets import load_dataset

        ids = load_dataset(task, data_home).metadata["ids"]
    ids = np.asarray(ids).astype(str)
    pos = {m: i for i, m in enumerate(ids)}
    folds = []
    for k in sorted(splits[task], key=lambda s: int(s.split("_")[-1])):
        fold = splits[task][k]
        try:
            train = np.array([pos[m] for m in fold["train"]], dtype=np.int64)
            test = np.array([pos[m] for m in fold["test"]], dtype=np.int64)
        except KeyError as exc:
            raise ValueError(f"{task} {k}: mbid {exc.args[0]} is not among the given ids") from None
        folds.append((train, test))
    return folds


def compound_groups(dataset, tol: float = DEFAULT_TOL) -> np.ndarray:
    """Near-duplicate group of every row of a loaded dataset (from its ``composition`` column).

    Rows holding the same compound -- repeats, polymorphs, rounded spellings, the same material
    at several temperatures -- share a group (:func:`skcromel.matching.near_duplicate_groups`).
    """
    return near_duplicate_groups(dataset.X["composition"], tol=tol, on_error="nan")


def get_protocol_splits(
    protocol: str, dataset, *, random_state=0, n_splits: int = 5, data_home=None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds of a named protocol (see :data:`PROTOCOLS`) for a loaded dataset.

    Parameters
    ----------
    protocol : str
        One of :data:`PROTOCOLS`.
    dataset : skcromel.datasets.Dataset
        Loaded dataset (its ``groups``, ``metadata["ids"]``/``["split"]`` are used).
    random_state : int, default=0
        Seed of the shuffle (ignored by ``matbench`` and ``crossprop``).
    n_splits : int, default=5
        Folds of the K-fold protocols.
    """
    n = len(dataset.y)
    if protocol == "grouped-kfold":
        cv = FormulaGroupKFold(n_splits, shuffle=True, random_state=random_state)
        return list(cv.split(np.empty((n, 0)), groups=compound_groups(dataset)))
    if protocol == "kfold":
        return list(KFold(n_splits, shuffle=True, random_state=random_state).split(np.empty(n)))
    if protocol == "cromel-5fold":
        return list(CroMELKFold(n_splits, random_state=random_state).split(np.empty(n)))
    if protocol == "matbench":
        ids = dataset.metadata.get("ids")
        if ids is None or not dataset.info.name.startswith("matbench_"):
            raise ValueError(f"dataset {dataset.info.name!r} has no official matbench folds")
        return matbench_folds(dataset.info.name, ids=ids, data_home=data_home)
    if protocol == "crossprop":
        split = dataset.metadata.get("split")
        if split is None or not dataset.info.name.startswith("crossprop_"):
            raise ValueError(
                f"dataset {dataset.info.name!r} has no CrossPropertyTL train/test files"
            )
        return predefined_split(split)
    raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
