"""Run models x datasets under a named evaluation protocol, with a per-fold cache.

Models are named: the built-in recipes of :mod:`skcromel.benchmark.models`, plus any added at run
time with :func:`register_model`. Every fold fits a fresh :func:`sklearn.base.clone` of the model, so no
pretrained weights or fitted state travel between folds. Folds run through :mod:`joblib`, so a
dask cluster is used with::

    from dask.distributed import Client
    import joblib
    client = Client()                       # or Client("scheduler-address:8786")
    with joblib.parallel_config(backend="dask"):
        run_benchmark(["rf_magpie"], ["efe"], n_jobs=-1)

Each finished fold is written to
``OUT/folds/<protocol>-<n_splits>/<dataset>/<model>-<params hash>/seed<S>_fold<K>_<rows hash>.csv``
(row index, y_true, y_pred, fit time; ``y_std``/``y_lower``/``y_upper`` for models with
uncertainty); re-running with the same ``out_dir`` skips cached folds (``resume=True``), so an
interrupted run continues where it stopped. The hash of the model's parameters and of the fold's
test rows are part of the path, and a cached file is used only when it holds exactly the fold's
test rows and targets (otherwise it is recomputed, with a warning naming the file).
"""

from __future__ import annotations

import hashlib
import inspect
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone

from ._spec import ModelSpec

__all__ = [
    "BenchmarkResult",
    "ModelSpec",
    "list_models",
    "make_model",
    "register_model",
    "run_benchmark",
]


# ------------------------------------------------------------------------------------------
# model registry
# ------------------------------------------------------------------------------------------
#: Models registered at run time with :func:`register_model` (the built-in recipes live in
#: :mod:`skcromel.benchmark.models` and are read on first use).
_REGISTRY: dict[str, ModelSpec] = {}


def register_model(
    name: str,
    factory: Callable,
    *,
    tasks: Sequence[str] = ("regression",),
    description: str = "",
    quick_params: dict | None = None,
    overwrite: bool = False,
) -> ModelSpec:
    """Register a model factory under ``name`` for the benchmark runner and CLI.

    For your own models (the built-in recipes live in :mod:`skcromel.benchmark.models`), e.g.::

        from skcromel.benchmark import register_model
        register_model("cromel_tl", lambda: make_pipeline(...), description="CroMEL transfer",
                       quick_params={"regressor__max_epochs": 5})

    Parameters
    ----------
    name : str
        Name used on the command line (``--models name``).
    factory : callable
        Zero-argument callable (or one accepting ``task=``) returning a *new unfitted* estimator.
        It must not share fitted state between calls; the runner additionally clones it per fold.
        Parameters named ``*random_state`` left at ``None`` are set to the run's seed.
    tasks : sequence of str, default=("regression",)
    description : str, default=""
    quick_params : dict, optional
        ``set_params`` overrides for ``quick=True`` runs.
    overwrite : bool, default=False
        Replace an existing registration instead of raising ``ValueError``.
    """
    if not callable(factory):
        raise TypeError(f"factory for {name!r} must be callable, got {type(factory).__name__}")
    bad = set(tasks) - {"regression", "classification"}
    if bad:
        raise ValueError(f"unknown task(s) {sorted(bad)}; use 'regression'/'classification'")
    if name in _all_specs() and not overwrite:
        raise ValueError(f"model {name!r} is already registered (pass overwrite=True)")
    spec = ModelSpec(name, factory, tuple(tasks), description, dict(quick_params or {}))
    _REGISTRY[name] = spec
    return spec


def _all_specs() -> dict[str, ModelSpec]:
    """Built-in recipes (:mod:`skcromel.benchmark.models`) updated by run-time registrations."""
    from .models import BUILTIN_MODELS

    return {**BUILTIN_MODELS, **_REGISTRY}


def _get_spec(name: str) -> ModelSpec:
    specs = _all_specs()
    try:
        return specs[name]
    except KeyError:
        raise KeyError(
            f"unknown model {name!r}; registered: {', '.join(sorted(specs))}. Models of other "
            "modules are registered when their module is imported (CLI: --plugins)."
        ) from None


def list_models() -> pd.DataFrame:
    """Registered models with their tasks and descriptions."""
    return pd.DataFrame(
        [
            {"name": s.name, "tasks": ",".join(s.tasks), "description": s.description}
            for s in _all_specs().values()
        ]
    )


def make_model(name: str, task: str = "regression", *, quick: bool = False):
    """Build a new unfitted estimator of the registered model ``name`` for ``task``."""
    spec = _get_spec(name)
    if task not in spec.tasks:
        raise ValueError(f"model {name!r} does not support {task!r} (supports {spec.tasks})")
    try:
        accepts_task = "task" in inspect.signature(spec.factory).parameters
    except (TypeError, ValueError):  # builtins without a signature
        accepts_task = False
    est = spec.factory(task=task) if accepts_task else spec.factory()
    if quick and spec.quick_params:
        est.set_params(**spec.quick_params)
    return est


# ------------------------------------------------------------------------------------------
# running
# ------------------------------------------------------------------------------------------
@dataclass
class BenchmarkResult:
    """Outcome of :func:`run_benchmark`.

    Attributes
    ----------
    folds : pandas.DataFrame
        One row per (model, dataset, protocol, seed, fold): sizes, metrics, fit time.
    predictions : pandas.DataFrame
        One row per test prediction: model, dataset, protocol, seed, fold, row, y_true, y_pred.
    config : dict
        The arguments of the run.
    """

    folds: pd.DataFrame
    predictions: pd.DataFrame
    config: dict

    def summary(self) -> pd.DataFrame:
        from ._report import summarize

        return summarize(self.folds)


def _seed_estimator(est, seed: int):
    params = {
        k: seed
        for k, v in est.get_params(deep=True).items()
        if k.endswith("random_state") and v is None
    }
    if params:
        est.set_params(**params)
    return est


#: Miscoverage of the prediction intervals recorded for models with ``predict_interval``.
INTERVAL_ALPHA = 0.1


def _fit_predict(estimator, X_train, y_train, X_test, task):
    """Fit a fresh clone on one fold and predict its test rows (runs in a joblib worker).

    Regressors with ``predict_interval`` also give their 90 % interval (``y_lower``,
    ``y_upper``) and, when ``predict`` takes ``return_std``, their spread (``y_std``).
    """
    est = clone(estimator)
    t0 = time.perf_counter()
    est.fit(X_train, y_train)
    fit_time = time.perf_counter() - t0
    out = {"y_score": None, "fit_time_s": fit_time}
    if task == "regression" and "return_std" in _predict_parameters(est):
        y_pred, y_std = est.predict(X_test, return_std=True)
        out["y_std"] = np.asarray(y_std, dtype=np.float64).ravel()
    else:
        y_pred = est.predict(X_test)
    out["y_pred"] = np.asarray(y_pred, dtype=np.float64).ravel()
    if task == "regression" and hasattr(est, "predict_interval"):
        interval = np.asarray(est.predict_interval(X_test, alpha=INTERVAL_ALPHA), dtype=np.float64)
        out["y_lower"], out["y_upper"] = interval[:, 0], interval[:, 1]
    if hasattr(est, "sources_"):  # the pretrained sources a transfer model chose in this fold
        out["sources"] = ";".join(est.sources_) or "none"
    if task == "classification" and hasattr(est, "predict_proba"):
        proba = est.predict_proba(X_test)
        classes = list(getattr(est, "classes_", []))
        out["y_score"] = (
            proba[:, classes.index(1.0)] if 1.0 in classes else np.zeros(len(out["y_pred"]))
        )
    return out


def _predict_parameters(est) -> set[str]:
    try:
        return set(inspect.signature(est.predict).parameters)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return set()


def _metrics(y_true, y_pred, y_score, task) -> dict:
    from sklearn.metrics import (
        accuracy_score,
        mean_absolute_error,
        mean_squared_error,
        r2_score,
        roc_auc_score,
    )

    if task == "classification":
        out = {"accuracy": accuracy_score(y_true, y_pred)}
        if len(np.unique(y_true)) == 2:
            # matbench's convention: ROC-AUC of the predicted *labels* (= balanced accuracy)
            out["roc_auc_labels"] = roc_auc_score(y_true, y_pred)
            if y_score is not None:
                out["roc_auc"] = roc_auc_score(y_true, y_score)
        return out
    return {
        "mae": mean_absolute_error(y_true, y_pred),
        "rmse": float(np.sqrt(mean_squared_error(y_true, y_pred))),
        "r2": r2_score(y_true, y_pred) if len(y_true) > 1 else np.nan,
    }


def _quick_subsample(dataset, max_rows: int, rng: np.random.RandomState) -> np.ndarray:
    """Positions of a formula-group-preserving subsample of about ``max_rows`` rows."""
    n = len(dataset.y)
    if n <= max_rows:
        return np.arange(n)
    uniq, inverse = np.unique(dataset.groups, return_inverse=True)
    keep = np.zeros(len(uniq), dtype=bool)
    counts = np.bincount(inverse.ravel(), minlength=len(uniq))
    total = 0
    for g in rng.permutation(len(uniq)):
        if total >= max_rows:
            break
        keep[g] = True
        total += counts[g]
    return np.flatnonzero(keep[inverse.ravel()])


def _subset(dataset, rows: np.ndarray):
    """A shallow copy of ``dataset`` restricted to ``rows`` (metadata arrays follow)."""
    from ..datasets import Dataset

    meta = dict(dataset.metadata)
    for k in ("ids", "split"):
        if k in meta and meta[k] is not None and len(meta[k]) == len(dataset.y):
            meta[k] = pd.Series(np.asarray(meta[k])[rows])
    return Dataset(
        X=dataset.X.iloc[rows].reset_index(drop=True),
        y=dataset.y.iloc[rows].reset_index(drop=True),
        groups=np.asarray(dataset.groups)[rows],
        info=dataset.info,
        metadata=meta,
    )


def _resolve_dataset(ds, data_home):
    if isinstance(ds, str):
        from ..datasets import load_dataset

        return load_dataset(ds, data_home)
    return ds


def _resolve_models(models) -> list[tuple[str, object]]:
    out = []
    for m in models:
        if isinstance(m, str):
            out.append((m, None))
        else:
            name, est = m
            out.append((str(name), est))
    return out


def _fingerprint(estimator) -> str:
    """Short hash of an unfitted estimator's full parameters (every value, not its ``repr``,
    which abbreviates long ones), so a changed model never reuses a cache."""
    import joblib

    params = _params_for_hash(estimator.get_params(deep=True))
    context = getattr(estimator, "_benchmark_context", None)
    context = context() if callable(context) else {}
    if context:  # e.g. the candidates of sources="auto"
        params["__context__"] = context
    return joblib.hash(params)[:12]


def _params_for_hash(params):
    """Parameters made hashable stably: estimators by class and their own parameters."""
    out = {}
    for key, value in sorted(params.items()):
        if hasattr(value, "get_params") and not isinstance(value, type):
            cls = type(value)
            value = (
                cls.__module__,
                cls.__qualname__,
                _params_for_hash(value.get_params(deep=False)),
            )
        elif callable(value) and hasattr(value, "__qualname__"):
            value = (getattr(value, "__module__", ""), value.__qualname__)
        out[key] = value
    return out


def _cache_path(
    root: Path, protocol, n_splits, dataset, model, fingerprint, seed, fold, test
) -> Path:
    """Cache file of one fold; the protocol's fold count and a hash of the fold's test rows are
    part of the path, so folds of another split never match."""
    rows = hashlib.sha256(np.asarray(test, dtype=np.int64).tobytes()).hexdigest()[:8]
    folder = root / f"{protocol}-{n_splits}" / dataset / f"{model}-{fingerprint}"
    return folder / f"seed{seed}_fold{fold}_{rows}.csv"


_CACHE_COLUMNS = ("row", "y_true", "y_pred", "fit_time_s")


def _read_cached_fold(path: Path, test: np.ndarray, y_true: np.ndarray):
    """A cached fold, or None (with a warning naming the file) when it cannot be trusted:
    unreadable, truncated, other rows or other targets than the current fold."""
    import warnings

    try:
        frame = pd.read_csv(path)
        reason = None
        missing = [c for c in _CACHE_COLUMNS if c not in frame.columns]
        if missing:
            reason = f"columns {missing} missing"
        elif len(frame) != len(test) or not np.array_equal(frame["row"].to_numpy(), test):
            reason = f"{len(frame)} rows cached for a test fold of {len(test)} rows"
        elif not np.allclose(frame["y_true"].to_numpy(float), y_true[test], equal_nan=True):
            reason = "cached targets differ from the dataset's"
        elif frame[["y_pred", "fit_time_s"]].isna().all(axis=None):
            reason = "no predictions"
    except Exception as exc:  # noqa: BLE001 - any unreadable file is recomputed
        reason = f"unreadable ({type(exc).__name__}: {exc})"
    if reason is None:
        return frame
    warnings.warn(
        f"ignoring cached fold {path}: {reason}; it is recomputed (use --no-resume / "
        "resume=False to ignore every cached fold)",
        stacklevel=3,
    )
    return None


def _write_atomic(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    df.to_csv(tmp, index=False)
    os.replace(tmp, path)


def run_benchmark(
    models: Iterable,
    datasets: Iterable,
    protocol: str = "grouped-kfold",
    *,
    seeds: Sequence[int] = (0, 1, 2),
    n_splits: int = 5,
    out_dir: str | os.PathLike | None = None,
    quick: bool = False,
    quick_max_rows: int = 400,
    n_jobs: int | None = None,
    data_home: str | os.PathLike | None = None,
    resume: bool = True,
    progress: bool = True,
) -> BenchmarkResult:
    """Evaluate every model on every dataset under ``protocol``.

    Parameters
    ----------
    models : iterable
        Registered model names and/or ``(name, estimator)`` pairs.
    datasets : iterable
        Catalogue names and/or loaded :class:`skcromel.datasets.Dataset` objects.
    protocol : str, default="grouped-kfold"
        See :data:`skcromel.model_selection.PROTOCOLS`. ``matbench`` and ``crossprop`` use their
        fixed folds and only the first seed.
    seeds : sequence of int, default=(0, 1, 2)
        One repetition of the protocol per seed (fold shuffle and estimator ``random_state``).
    n_splits : int, default=5
    out_dir : path-like, optional
        Where fold caches, ``results_<protocol>.csv`` and ``predictions_<protocol>.csv`` go. ``None``: nothing written,
        nothing resumed.
    quick : bool, default=False
        Smoke-test mode: first seed only, datasets subsampled by formula group to about
        ``quick_max_rows`` rows (fixed folds: first fold, train/test subsampled), model
        ``quick_params`` applied. Cached under ``folds_quick/`` so it never mixes with full runs.
    quick_max_rows : int, default=400
    n_jobs : int, optional
        joblib ``n_jobs`` for the folds (``None``: the active joblib/dask configuration).
    data_home : path-like, optional
    resume : bool, default=True
        Reuse fold CSVs already in ``out_dir``.
    progress : bool, default=True
        tqdm progress bar over folds.

    Returns
    -------
    BenchmarkResult
    """
    from tqdm.auto import tqdm

    from ..model_selection import PROTOCOLS, compound_groups, get_protocol_splits

    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must not be empty")
    fixed_folds = protocol in ("matbench", "crossprop")
    if quick or fixed_folds:
        seeds = seeds[:1]
    model_list = _resolve_models(models)
    root = None
    if out_dir is not None:
        root = Path(out_dir) / ("folds_quick" if quick else "folds")

    jobs = []  # (key, estimator, dataset, train, test, cache_path)
    cached = []
    compounds = {}  # dataset name -> near-duplicate group of every row (for the report's CIs)
    for ds_in in datasets:
        dataset = _resolve_dataset(ds_in, data_home)
        task = dataset.info.task
        if quick and not fixed_folds:
            rows = _quick_subsample(dataset, quick_max_rows, np.random.RandomState(0))
            dataset = _subset(dataset, rows)
        compounds[dataset.info.name] = compound_groups(dataset)
        for seed in seeds:
            folds = get_protocol_splits(
                protocol, dataset, random_state=seed, n_splits=n_splits, data_home=data_home
            )
            if quick and fixed_folds:
                rng = np.random.RandomState(seed)
                tr, te = folds[0]
                tr = np.sort(rng.permutation(tr)[:quick_max_rows])
                te = np.sort(rng.permutation(te)[: max(quick_max_rows // 4, 10)])
                folds = [(tr, te)]
            for name, est in model_list:
                if est is None:
                    est = make_model(name, task, quick=quick)
                fingerprint = _fingerprint(est)
                est = _seed_estimator(clone(est), seed)
                for k, (train, test) in enumerate(folds):
                    test = np.asarray(test, dtype=np.int64)
                    key = {
                        "model": name,
                        "dataset": dataset.info.name,
                        "protocol": protocol,
                        "seed": seed,
                        "fold": k,
                        "n_train": len(train),
                        "n_test": len(test),
                    }
                    path = None
                    if root is not None:
                        path = _cache_path(
                            root, protocol, n_splits, dataset.info.name, name, fingerprint,
                            seed, k, test,
                        )  # fmt: skip
                        frame = None
                        if resume and path.is_file():
                            y_all = dataset.y.to_numpy(dtype=np.float64)
                            frame = _read_cached_fold(path, test, y_all)
                        if frame is not None:
                            cached.append((key, dataset, frame))
                            continue
                    jobs.append((key, est, dataset, train, test, path))

    fold_rows, pred_frames = [], []

    def _record(key, task, frame):
        y_score = frame["y_score"].to_numpy() if "y_score" in frame else None
        metrics = _metrics(frame["y_true"].to_numpy(), frame["y_pred"].to_numpy(), y_score, task)
        extra = {"sources": frame["sources"].iloc[0]} if "sources" in frame else {}
        fold_rows.append(
            {**key, **metrics, "fit_time_s": float(frame["fit_time_s"].iloc[0]), **extra}
        )
        pred_frames.append(
            frame.assign(
                **{k: key[k] for k in ("model", "dataset", "protocol", "seed", "fold")},
                group=compounds[key["dataset"]][frame["row"].to_numpy()],
            )
        )

    bar = tqdm(total=len(jobs) + len(cached), disable=not progress, desc="benchmark folds")
    for key, dataset, frame in cached:
        _record(key, dataset.info.task, frame)
        bar.update()

    tasks = (
        delayed(_fit_predict)(
            est,
            ds.X.iloc[train].reset_index(drop=True),
            ds.y.iloc[train].reset_index(drop=True),
            ds.X.iloc[test].reset_index(drop=True),
            ds.info.task,
        )
        for _, est, ds, train, test, _ in jobs
    )
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
    for (key, _, ds, _, test, path), out in zip(jobs, outputs):
        frame = pd.DataFrame(
            {
                "row": test,
                "y_true": ds.y.to_numpy()[test],
                "y_pred": out["y_pred"],
                "fit_time_s": out["fit_time_s"],
            }
        )
        if out["y_score"] is not None:
            frame["y_score"] = out["y_score"]
        for column in ("y_std", "y_lower", "y_upper", "sources"):
            if column in out:
                frame[column] = out[column]
        if path is not None:
            _write_atomic(frame, path)
        _record(key, ds.info.task, frame)
        bar.update()
    bar.close()

    order = ["model", "dataset", "protocol", "seed", "fold"]
    folds_df = pd.DataFrame(fold_rows)
    if len(folds_df):
        folds_df = folds_df.sort_values(order, kind="stable").reset_index(drop=True)
    preds_df = pd.concat(pred_frames, ignore_index=True) if pred_frames else pd.DataFrame()
    config = {
        "models": [n for n, _ in model_list],
        "protocol": protocol,
        "seeds": seeds,
        "n_splits": n_splits,
        "quick": quick,
    }
    result = BenchmarkResult(folds_df, preds_df, config)
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        suffix = "_quick" if quick else ""
        _write_atomic(folds_df, out / f"results_{protocol}{suffix}.csv")
        _write_atomic(preds_df, out / f"predictions_{protocol}{suffix}.csv")
    return result
