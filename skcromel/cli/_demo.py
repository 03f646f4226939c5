"""The main job: transfer learning on experimental formation enthalpies that ship with pymatgen.

``skcromel demo`` needs no data setup. It loads the 2,135 experimental formation enthalpies of
Kingsbury et al. (inside the installed pymatgen), writes their magpie features, and compares models
under a leak-free protocol: 5-fold cross-validation with folds grouped by compound (near-duplicate
compositions, normalised fractions within 0.005, are one compound), so no compound is ever in both
a training and a test fold, and every fold fits a fresh clone (a fine-tuned model restarts from
the pristine pretrained source in every fold).

Models (recipes of :mod:`skcromel.benchmark.models`, run by the benchmark runner): the training
mean, a random forest on magpie statistics (the usual baseline), ElemNet trained from scratch,
ElemNet fine-tuned from the source pretrained on Materials Project formation energies that ships
with skcromel (``elemnet-small-mp-eform``), and the recommended
:class:`~skcromel.transfer.TransferRegressor` with its defaults, whose 90 % prediction intervals
are checked on the held-out folds.

``--quick`` runs a formula-grouped subsample of about 400 rows with smaller settings where that
does not change the picture (fewer trees and boosting members), trains the fine-tuned ElemNet as in
the full run (its 5-epoch smoke-test setting left it predicting one value for every compound), and
leaves out ElemNet from scratch; it says so when it runs.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["DEMO_MODELS", "QUICK_FULL_TRAINING", "QUICK_SKIP", "run_demo"]

#: Benchmark-runner models compared by the demo (registered names -> labels printed).
#: ``xprop_mp_eform`` fine-tunes the shipped ``elemnet-small-mp-eform`` source, which never saw a
#: Kingsbury composition (they are in its exclusion list, see its model card); ``transfer`` is
#: :class:`~skcromel.transfer.TransferRegressor` with its defaults.
DEMO_MODELS = {
    "dummy": "dummy mean",
    "rf_magpie": "RF on magpie",
    "elemnet_scratch": "ElemNet-small, scratch",
    "xprop_mp_eform": "ElemNet fine-tuned from MP ΔHf",
    "transfer": "TransferRegressor (recommended)",
}
#: Left out of ``--quick``: a network trained from scratch needs the full data (and a minute).
QUICK_SKIP = ("elemnet_scratch",)
#: Trained with the full run's settings even in ``--quick`` (their quick settings stop training
#: before the model has learnt anything: 5 epochs left the fine-tuned ElemNet predicting about
#: -0.7 eV/atom for every compound).
QUICK_FULL_TRAINING = ("xprop_mp_eform",)
#: Rows of the ``--quick`` subsample (grouped by formula).
QUICK_ROWS = 400


def run_demo(
    out_dir: Path = Path("skcromel_output"),
    quick: bool = False,
    seed: int = 0,
    n_jobs: int | None = None,
) -> int:
    """Run the demo; ``n_jobs`` worker processes for the folds (None: up to 4, one per core)."""
    import torch

    # The networks here are small: one intra-op thread per process is as fast as two and immune
    # to the oversubscription slow-downs (10x and more) seen when other jobs share the cores.
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _run_demo(Path(out_dir), quick, seed, _workers() if n_jobs is None else n_jobs)
    finally:
        torch.set_num_threads(previous_threads)


def _workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _say(text: str) -> None:
    print(text, flush=True)  # flushed: progress must show even when stdout is a pipe or a file


def _models(quick: bool) -> list[tuple[str, object]]:
    """(name, estimator) pairs of the run: None means the runner builds it (with its quick
    settings in quick mode)."""
    from ..benchmark import make_model

    out = []
    for name in DEMO_MODELS:
        if quick and name in QUICK_SKIP:
            continue
        est = make_model(name) if quick and name in QUICK_FULL_TRAINING else None
        out.append((name, est))
    return out


def _quick_note(n_rows: int, n_total: int) -> str:
    """What ``--quick`` changes, from the recipes' own quick settings."""
    from ..benchmark import make_model
    from ..benchmark.models import BUILTIN_MODELS

    changed = []
    for name, label in DEMO_MODELS.items():
        params = BUILTIN_MODELS[name].quick_params
        if name in QUICK_SKIP or name in QUICK_FULL_TRAINING or not params:
            continue
        full = make_model(name).get_params()
        what = ", ".join(f"{k.split('__')[-1]} {v} instead of {full[k]}" for k, v in params.items())
        changed.append(f"{label} ({what})")
    kept = ", ".join(DEMO_MODELS[n] for n in QUICK_FULL_TRAINING)
    skipped = ", ".join(DEMO_MODELS[n] for n in QUICK_SKIP)
    return (
        f"quick mode: {n_rows} of the {n_total} rows (whole formula groups), 5-fold grouped CV; "
        f"smaller {'; '.join(changed)}; {kept} trained as in the full run; {skipped} left out. "
        "A short run with an honest picture, not numbers to report: the full run (no --quick) "
        f"trains on {n_total / n_rows:.0f} times more rows."
    )


def _run_demo(out_dir: Path, quick: bool, seed: int, n_jobs: int) -> int:
    import pandas as pd

    _say("loading the Kingsbury experimental formation enthalpies (inside pymatgen)...")
    from ..benchmark import coverage_table, parity_plot, run_benchmark
    from ..benchmark._runner import INTERVAL_ALPHA, _quick_subsample
    from ..datasets import load_kingsbury
    from ..featurizers import ElementStats

    out_dir.mkdir(parents=True, exist_ok=True)
    ds = load_kingsbury()
    y = ds.y.to_numpy(float)
    _say(
        f"dataset: {ds.info.title} — {len(y)} rows, {len(set(ds.groups))} distinct "
        f"compositions, target in {ds.info.unit}"
    )

    t0 = time.perf_counter()
    feats = ElementStats(preset="magpie").set_output(transform="pandas").fit_transform(ds.X)
    dt = time.perf_counter() - t0
    feats.insert(0, "composition", ds.X["composition"].to_numpy())
    feats.insert(1, "target", y)
    path = out_dir / "kingsbury_magpie_features.csv"
    feats.to_csv(path, index=False)
    _say(f"magpie features: {feats.shape[1] - 2} columns for {len(y)} rows in {dt:.3f} s -> {path}")

    models = _models(quick)
    labels = {name: DEMO_MODELS[name] for name, _ in models}
    if quick:
        import numpy as np

        n_rows = len(_quick_subsample(ds, QUICK_ROWS, np.random.RandomState(0)))
        _say(_quick_note(n_rows, len(y)))
    # The benchmark runner: 5 folds grouped by compound (no near-duplicate composition in both a
    # training and a test fold) and a fresh clone of every model per fold (fine-tuning restarts from the
    # pristine source weights). The folds of all models share the worker processes, the slowest
    # model first, so that the cores stay busy; a progress bar counts the folds.
    order = sorted(models, key=lambda m: list(DEMO_MODELS).index(m[0]), reverse=True)
    n_folds = 5 * len(models)
    _say(
        f"5-fold cross-validation of {len(models)} models ({n_folds} fits) on {n_jobs} worker "
        f"process{'es' if n_jobs > 1 else ''}, one thread each "
        + (
            "(quick: about half a minute on 2 cores)"
            if quick
            else "(about 4 minutes on 2 cores; --quick for a short run)"
        )
    )
    t_all = time.perf_counter()
    result = run_benchmark(
        order,
        [ds],
        "grouped-kfold",
        seeds=[seed],
        quick=quick,
        quick_max_rows=QUICK_ROWS,
        n_jobs=n_jobs,
        progress=True,
    )
    elapsed = time.perf_counter() - t_all
    fit_cpu = result.folds.groupby("model")["fit_time_s"].sum()
    for i, (name, label) in enumerate(labels.items(), start=1):
        mae = result.folds.loc[result.folds["model"] == name, "mae"].mean()
        _say(
            f"  [{i}/{len(labels)}] {label:<32} MAE {mae:.4f}  "
            f"(fit time {fit_cpu.get(name, float('nan')):.1f} s, all folds)"
        )
    where = f"on {n_jobs} worker processes" if n_jobs > 1 else "in this process"
    _say(
        f"cross-validation of {len(labels)} models: {elapsed:.1f} s (fits {fit_cpu.sum():.1f} s "
        f"summed over the folds, {where})"
    )

    folds = result.folds.assign(model=result.folds["model"].map(labels))
    scores = folds.rename(columns={"mae": "MAE", "r2": "R2"})[
        ["model", "fold", "n_train", "n_test", "MAE", "R2", "fit_time_s"]
    ]
    scores["model"] = pd.Categorical(scores["model"], categories=list(labels.values()))
    scores = scores.sort_values(["model", "fold"], kind="stable").reset_index(drop=True)
    scores["model"] = scores["model"].astype(str)
    scores.to_csv(out_dir / "kingsbury_cv_scores.csv", index=False)
    table = scores.groupby("model", sort=False).agg(
        MAE_mean=("MAE", "mean"), MAE_std=("MAE", "std"), R2_mean=("R2", "mean"),
        R2_std=("R2", "std"),
    )  # fmt: skip
    table = table.reindex([m for m in labels.values() if m in table.index])
    subset = " (quick mode: subsample, see above)" if quick else ""
    print(
        f"\nKingsbury experimental formation enthalpy ({ds.info.unit}), 5-fold CV grouped by "
        f"compound (near-duplicate compositions), seed {seed}{subset}:"
    )
    print(
        "\n".join(
            f"  {m:<32} MAE {r.MAE_mean:.4f} ± {r.MAE_std:.4f}   R² {r.R2_mean:.3f} ± {r.R2_std:.3f}"
            for m, r in table.iterrows()
        )
    )

    preds = result.predictions.assign(model=result.predictions["model"].map(labels))
    preds["model"] = pd.Categorical(preds["model"], categories=list(labels.values()))
    preds = preds.sort_values(["model", "row"], kind="stable").reset_index(drop=True)
    preds["model"] = preds["model"].astype(str)
    wide = preds.pivot_table(index="row", columns="model", values="y_pred", sort=False)
    wide = wide[[m for m in labels.values() if m in wide.columns]]
    rows = wide.index.to_numpy()
    X_all = ds.X["composition"].to_numpy()
    if quick:  # the runner numbers the rows of its subsample
        import numpy as np

        X_all = X_all[_quick_subsample(ds, QUICK_ROWS, np.random.RandomState(0))]
    truth = preds.drop_duplicates("row").set_index("row")["y_true"]
    wide.insert(0, "target", truth.reindex(rows).to_numpy())
    wide.insert(0, "composition", X_all[rows])

    coverage = coverage_table(result.predictions)
    if not coverage.empty:
        level = f"{round(100 * (1 - INTERVAL_ALPHA))} %"
        for r in coverage.itertuples(index=False):
            label = labels.get(r.model, r.model)
            print(
                f"\n{label}: {level} prediction intervals hold {r.coverage:.1%} of the "
                f"{r.n} held-out rows (95 % CI {r.coverage_low:.1%}–{r.coverage_high:.1%}, "
                f"compound bootstrap), mean width {r.mean_width:.3f} {ds.info.unit}"
            )
        coverage.assign(model=coverage["model"].map(labels), level=1 - INTERVAL_ALPHA).to_csv(
            out_dir / "kingsbury_interval_coverage.csv", index=False
        )
        bounds = preds.dropna(subset=["y_lower", "y_upper"]) if "y_lower" in preds else None
        if bounds is not None and len(bounds):
            for m, part in bounds.groupby("model", sort=False):
                part = part.set_index("row")
                wide[f"{m} lower"] = part["y_lower"].reindex(rows).to_numpy()
                wide[f"{m} upper"] = part["y_upper"].reindex(rows).to_numpy()
    wide.to_csv(out_dir / "kingsbury_cv_predictions.csv", index=False)
    try:
        parity_plot(
            preds[preds["model"] != DEMO_MODELS["dummy"]], ds.info.name,
            out_dir / "kingsbury_parity.png",
        )  # fmt: skip
        if not coverage.empty:
            _interval_plot(
                preds, labels["transfer"], ds.info.unit, out_dir / "kingsbury_intervals.png"
            )
    except ImportError:  # pragma: no cover - matplotlib is an optional extra
        print("matplotlib not installed: no parity plot (pip install skcromel[plot])")
    print(f"\nwrote features, scores, predictions, interval coverage and plots to {out_dir}/")
    return 0


def _interval_plot(preds, label: str, unit: str, path: Path) -> None:
    """Measured vs predicted with the 90 % intervals of one model as error bars."""
    from ..benchmark._report import _pyplot, _save

    plt = _pyplot()
    d = preds[preds["model"] == label].dropna(subset=["y_lower", "y_upper"])
    inside = (d["y_true"] >= d["y_lower"]) & (d["y_true"] <= d["y_upper"])
    fig, ax = plt.subplots(figsize=(5.2, 5))
    for mask, color, name in ((inside, "tab:blue", "inside"), (~inside, "tab:red", "outside")):
        part = d[mask]
        ax.errorbar(
            part["y_true"], part["y_pred"],
            yerr=[part["y_pred"] - part["y_lower"], part["y_upper"] - part["y_pred"]],
            fmt="o", ms=2.5, lw=0.6, alpha=0.5, color=color,
            label=f"{name} the interval ({mask.mean():.1%})",
        )  # fmt: skip
    lo = float(min(d["y_true"].min(), d["y_lower"].min()))
    hi = float(max(d["y_true"].max(), d["y_upper"].max()))
    ax.plot([lo, hi], [lo, hi], "k--", lw=0.8)
    ax.set_xlabel(f"measured [{unit}]")
    ax.set_ylabel(f"predicted, 90 % interval [{unit}]")
    ax.set_title(f"{label}\nheld-out folds, 90 % prediction intervals", fontsize=9)
    ax.legend(fontsize=8, loc="upper left")
    _save(fig, path)
