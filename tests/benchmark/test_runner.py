"""The benchmark runner on a tiny synthetic suite: registry, clones, cache/resume, dask, report."""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from skcromel import ElementFraction
from skcromel.benchmark import _runner as runner_mod
from skcromel.benchmark import (
    compare_with_published,
    list_models,
    make_model,
    markdown_table,
    register_model,
    run_benchmark,
    summarize,
    write_report,
)
from skcromel.cli._benchmark import add_benchmark_subparser
from skcromel.datasets import CATALOGUE, Dataset, DatasetInfo
from skcromel.parsing import reduced_formulas

_ORIG_FIT_PREDICT = runner_mod._fit_predict
PAIRS = [
    ("Fe", "O"),
    ("Na", "Cl"),
    ("Cu", "S"),
    ("Mg", "O"),
    ("Al", "N"),
    ("Ti", "C"),
    ("Zn", "Se"),
]


def _synthetic(name="toy", n=70, task="regression", seed=0, temperature=False) -> Dataset:
    """Binary compounds; y depends on the composition only (plus T), with repeated formulas."""
    rng = np.random.default_rng(seed)
    formulas, y = [], []
    for _ in range(n):
        a, b = PAIRS[rng.integers(len(PAIRS))]
        i, j = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        formulas.append(f"{a}{i}{b}{j}")
        y.append(i / (i + j) + 0.1 * PAIRS.index((a, b)))
    y = np.asarray(y)
    X = pd.DataFrame({"composition": formulas})
    if temperature:
        X["temperature"] = rng.choice([300.0, 600.0], size=n)
        y = y + X["temperature"].to_numpy() / 1000
    if task == "classification":
        y = (y > np.median(y)).astype(float)
    base = CATALOGUE["roost_expt_non_metal_gap"]
    info = DatasetInfo(**{**base.__dict__, "name": name, "task": task, "n_rows": n, "unit": "eV"})
    return Dataset(X, pd.Series(y), reduced_formulas(X["composition"]), info, {})


class FreshOnlyRegressor(RegressorMixin, BaseEstimator):
    """Fails if it is fitted twice (the runner must clone per fold); records its random_state."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y):
        if hasattr(self, "mean_"):
            raise AssertionError("estimator reused across folds")
        self.mean_ = float(np.mean(y))
        self.seed_seen_ = self.random_state
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_ + (self.seed_seen_ or 0) * 0.0)


def _ridge_fractions():
    return make_pipeline(
        ElementFraction(elements=sorted({e for p in PAIRS for e in p})), Ridge(1e-3)
    )


@pytest.fixture(autouse=True)
def _test_models():
    register_model("test_ridge", _ridge_fractions, overwrite=True, description="test")
    register_model("test_fresh", FreshOnlyRegressor, overwrite=True)
    yield
    runner_mod._REGISTRY.pop("test_ridge", None)
    runner_mod._REGISTRY.pop("test_fresh", None)


def test_registry():
    models = list_models()
    assert {"dummy", "rf_magpie", "test_ridge"} <= set(models["name"])
    with pytest.raises(ValueError, match="already registered"):
        register_model("dummy", lambda: None)
    with pytest.raises(TypeError, match="callable"):
        register_model("x", 3)
    with pytest.raises(ValueError, match="task"):
        register_model("x", FreshOnlyRegressor, tasks=("ranking",))
    with pytest.raises(KeyError, match="registered: .*dummy"):
        make_model("no_such_model")
    with pytest.raises(ValueError, match="does not support"):
        make_model("test_ridge", "classification")
    assert type(make_model("dummy", "classification")).__name__ == "DummyClassifier"
    rf = make_model("rf_magpie", quick=True)
    assert rf.get_params()["model__n_estimators"] == 50
    full = make_model("rf_magpie_full", "classification", quick=True)
    assert type(full[-1]).__name__ == "RandomForestClassifier"
    assert type(make_model("transfer", "classification", quick=True)).__name__ == (
        "TransferClassifier"
    )
    assert make_model("transfer_nosource", quick=True).sources is None
    hgb = make_model("hgb_magpie_full", quick=True)
    assert hgb.get_params()["model__max_iter"] == 50


def test_runner_on_a_synthetic_suite(tmp_path):
    suite = [_synthetic("toy_a", seed=0), _synthetic("toy_b", n=50, seed=1)]
    res = run_benchmark(
        ["dummy", "test_ridge", "test_fresh"],
        suite,
        seeds=(0, 1),
        n_splits=4,
        out_dir=tmp_path,
        progress=False,
    )
    assert len(res.folds) == 3 * 2 * 2 * 4
    for (_, ds, _), g in res.predictions.groupby(["model", "dataset", "seed"]):
        n = 70 if ds == "toy_a" else 50
        assert sorted(g["row"]) == list(range(n)), "every row predicted exactly once per seed"
    s = summarize(res.folds).set_index(["dataset", "model"])
    assert s.loc[("toy_a", "test_ridge"), "mae_mean"] < s.loc[("toy_a", "dummy"), "mae_mean"]
    assert (s["n_seeds"] == 2).all() and (s["n_folds"] == 8).all()
    # grouped protocol: no formula in train and test of the same fold
    ds = suite[0]
    for _, g in res.predictions[res.predictions.dataset == "toy_a"].groupby(
        ["model", "seed", "fold"]
    ):
        test_groups = set(ds.groups[g["row"]])
        train_rows = np.setdiff1d(np.arange(70), g["row"])
        assert test_groups.isdisjoint(ds.groups[train_rows])
    assert (tmp_path / "results_grouped-kfold.csv").is_file()
    assert len(list((tmp_path / "folds").rglob("*.csv"))) == len(res.folds)


def test_seed_reaches_estimator_random_state(tmp_path, monkeypatch):
    seen = []
    orig = runner_mod._fit_predict

    def spy(estimator, *args):
        seen.append(estimator.get_params()["random_state"])
        return orig(estimator, *args)

    monkeypatch.setattr(runner_mod, "_fit_predict", spy)
    run_benchmark(["test_fresh"], [_synthetic()], seeds=(7, 11), n_splits=3, progress=False)
    assert seen == [7, 7, 7, 11, 11, 11]


def test_resume_uses_the_fold_cache(tmp_path, monkeypatch):
    ds = _synthetic()
    first = run_benchmark(["test_ridge"], [ds], seeds=(0,), out_dir=tmp_path, progress=False)

    def boom(*a, **k):
        raise AssertionError("should have been read from the cache")

    monkeypatch.setattr(runner_mod, "_fit_predict", boom)
    again = run_benchmark(["test_ridge"], [ds], seeds=(0,), out_dir=tmp_path, progress=False)
    pd.testing.assert_frame_equal(
        first.folds.drop(columns="fit_time_s"), again.folds.drop(columns="fit_time_s")
    )
    # a missing fold is recomputed, the others are not
    next((tmp_path / "folds").rglob("seed0_fold2_*.csv")).unlink()
    calls = []

    def counting(*args):
        calls.append(1)
        return _ORIG_FIT_PREDICT(*args)

    monkeypatch.setattr(runner_mod, "_fit_predict", counting)
    run_benchmark(["test_ridge"], [ds], seeds=(0,), out_dir=tmp_path, progress=False)
    assert len(calls) == 1


def test_fold_cache_never_reuses_other_or_broken_folds(tmp_path, monkeypatch):
    """Defects of issue #17: the cache key lacked n_splits and cached files were not checked."""
    ds = _synthetic()
    five = run_benchmark(["test_ridge"], [ds], seeds=(0,), out_dir=tmp_path, progress=False)
    three = run_benchmark(
        ["test_ridge"], [ds], seeds=(0,), n_splits=3, out_dir=tmp_path, progress=False
    )
    assert len(three.folds) == 3 and three.folds["n_test"].sum() == len(ds.y)
    assert five.folds["n_test"].sum() == len(ds.y)
    files = sorted((tmp_path / "folds").rglob("seed0_fold0_*.csv"))
    assert len(files) == 2  # one per fold count
    # a file truncated at a line boundary, garbage, or an empty file: recomputed with a warning
    target = next((tmp_path / "folds").glob("grouped-kfold-5/*/*/seed0_fold1_*.csv"))
    lines = target.read_text().splitlines(keepends=True)
    calls = []

    def counting(*args):
        calls.append(1)
        return _ORIG_FIT_PREDICT(*args)

    monkeypatch.setattr(runner_mod, "_fit_predict", counting)
    for broken in ("".join(lines[:-3]), "garbage\x00,,\n1,2", ""):
        target.write_text(broken)
        with pytest.warns(UserWarning, match="ignoring cached fold .*seed0_fold1"):
            again = run_benchmark(
                ["test_ridge"], [ds], seeds=(0,), out_dir=tmp_path, progress=False
            )
        pd.testing.assert_frame_equal(
            five.folds.drop(columns="fit_time_s"), again.folds.drop(columns="fit_time_s")
        )
    assert len(calls) == 3


def test_fingerprint_sees_long_parameters():
    """Parameters longer than repr() shows (e.g. a long list) still change the cache key."""
    a = Ridge(alpha=1.0)
    b = Ridge(alpha=1.0 + 1e-12)
    assert runner_mod._fingerprint(a) != runner_mod._fingerprint(b)
    long1 = make_pipeline(ElementFraction(elements=tuple(["H"] * 200 + ["He"])), Ridge())
    long2 = make_pipeline(ElementFraction(elements=tuple(["H"] * 200 + ["Li"])), Ridge())
    assert runner_mod._fingerprint(long1) != runner_mod._fingerprint(long2)


def test_extra_inputs_and_classification():
    reg = _synthetic("toy_t", temperature=True)
    res = run_benchmark(["rf_magpie"], [reg], seeds=(0,), n_splits=3, quick=True, progress=False)
    assert res.folds["r2"].notna().all()
    clf = _synthetic("toy_c", task="classification")
    res = run_benchmark(
        ["dummy", "rf_magpie"], [clf], seeds=(0,), n_splits=3, quick=True, progress=False
    )
    assert {"roc_auc", "roc_auc_labels", "accuracy"} <= set(res.folds.columns)
    assert res.folds.loc[res.folds.model == "dummy", "roc_auc"].eq(0.5).all()
    # matbench convention: ROC-AUC of the predicted labels (balanced accuracy for two classes)
    rf = res.folds[res.folds.model == "rf_magpie"]
    assert (rf["roc_auc_labels"] > 0.5).all()
    assert "ROC-AUC" in markdown_table(summarize(res.folds))


def test_quick_mode_subsamples_by_group(tmp_path):
    ds = _synthetic(n=300)
    res = run_benchmark(
        ["dummy"], [ds], seeds=(0, 1, 2), quick=True, quick_max_rows=60, out_dir=tmp_path,
        progress=False,
    )  # fmt: skip
    assert res.folds["seed"].unique().tolist() == [0]
    n = res.folds["n_test"].sum()
    counts = pd.Series(ds.groups).value_counts()
    assert 60 <= n < 60 + counts.max()
    assert (tmp_path / "folds_quick").is_dir() and not (tmp_path / "folds").exists()


def test_report(tmp_path):
    res = run_benchmark(
        ["dummy", "test_ridge"], [_synthetic("efe")], seeds=(0, 1), n_splits=3, progress=False
    )
    table = markdown_table(summarize(res.folds))
    assert table.count("\n") == 4 and "±" in table and "| efe |" in table
    path = write_report(res, tmp_path, command="pytest")
    text = path.read_text()
    assert "HistGradientBoosting" in text  # published EFE numbers are listed next to ours
    assert (tmp_path / "parity_efe_grouped-kfold.png").stat().st_size > 1000
    assert "cromel-5fold" in compare_with_published(summarize(res.folds))


def test_cli_subparser_runs_kingsbury_quick(tmp_path, monkeypatch, capsys):
    # kingsbury is embedded: works with an empty data home
    monkeypatch.setenv("SKCROMEL_DATA_HOME", str(tmp_path / "nothing"))
    parser = argparse.ArgumentParser(prog="skcromel")
    add_benchmark_subparser(parser.add_subparsers())
    args = parser.parse_args(
        ["benchmark", "--datasets", "kingsbury_formation_enthalpy", "--models", "dummy",
         "--quick", "--out", str(tmp_path / "out"), "--no-plots"]
    )  # fmt: skip
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "kingsbury_formation_enthalpy" in out and "dummy" in out
    assert (tmp_path / "out" / "report_grouped-kfold_quick.md").is_file()


def test_dask_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    import joblib
    from dask.distributed import Client, LocalCluster

    ds = _synthetic()
    serial = run_benchmark(["test_ridge"], [ds], seeds=(0,), progress=False)
    t0 = time.perf_counter()
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster, Client(cluster):  # fmt: skip
        with joblib.parallel_config(backend="dask"):
            res = run_benchmark(["test_ridge"], [ds], seeds=(0,), n_jobs=2, progress=False)
    assert time.perf_counter() - t0 < 20
    pd.testing.assert_frame_equal(
        serial.predictions.sort_values(["fold", "row"])
        .drop(columns="fit_time_s")
        .reset_index(drop=True),
        res.predictions.sort_values(["fold", "row"])
        .drop(columns="fit_time_s")
        .reset_index(drop=True),
    )


def test_comparison_plot_against_published(tmp_path):
    import pandas as pd

    from skcromel.benchmark._report import comparison_plot

    summary = pd.DataFrame(
        {
            "dataset": ["efe", "efe", "not_published"],
            "model": ["rf_magpie", "dummy", "rf_magpie"],
            "protocol": ["grouped-kfold"] * 3,
            "mae_mean": [0.068, 0.239, 1.0],
            "mae_std": [0.004, 0.009, 0.1],
        }
    )
    path = comparison_plot(summary, tmp_path / "cmp.png")
    assert path is not None and path.stat().st_size > 1000
    assert comparison_plot(summary[summary.dataset == "not_published"], tmp_path / "x.png") is None


def test_fingerprint_sees_the_auto_source_candidates(monkeypatch):
    """A changed candidate list of ``sources="auto"`` is a changed model (a new cache key); a
    model without sources keeps its key."""
    from skcromel.transfer import TransferRegressor, _base

    auto, none = TransferRegressor(), TransferRegressor(sources=None)
    before = runner_mod._fingerprint(auto), runner_mod._fingerprint(none)
    assert auto._benchmark_context() == {"auto_sources": tuple(_base.default_sources())}
    assert none._benchmark_context() == {}
    monkeypatch.setattr(_base, "AUTO_SOURCES", _base.AUTO_SOURCES[:-1])
    assert runner_mod._fingerprint(auto) != before[0]
    assert runner_mod._fingerprint(none) == before[1]
