"""The main job: transfer learning on experimental formation enthalpies that ship with pymatgen.

``skcromel demo`` needs no data setup. It loads the 2,135 experimental formation enthalpies of
Kingsbury et al. (inside the installed pymatgen), writes their magpie features, and compares models
under a leak-free protocol: 5-fold cross-validation with folds grouped by reduced formula, so no
composition is ever in both a training and a test fold, and every fold fits a fresh clone (a
fine-tuned model restarts from the pristine pretrained source in every fold).

Models (recipes of :mod:`skcromel.benchmark.models`, run by the benchmark runner): the training mean, a random
forest on magpie statistics (the usual baseline), ElemNet trained from scratch, and ElemNet
fine-tuned from the source pretrained on Materials Project formation energies that ships with
skcromel (``elemnet-small-mp-eform``).
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

__all__ = ["DEMO_MODELS", "run_demo"]

#: Benchmark-runner models compared by the demo (registered names -> labels printed).
#: ``xprop_mp_eform`` fine-tunes the shipped ``elemnet-small-mp-eform`` source, which never saw a
#: Kingsbury composition (they are in its exclusion list, see its model card).
DEMO_MODELS = {
    "dummy": "dummy mean",
    "rf_magpie": "RF on magpie",
    "elemnet_scratch": "ElemNet-small, scratch",
    "xprop_mp_eform": "ElemNet fine-tuned from MP ΔHf",
}


def run_demo(out_dir: Path = Path("skcromel_output"), quick: bool = False, seed: int = 0) -> int:
    import torch

    # The networks here are small: one intra-op thread is as fast as two and immune to the
    # oversubscription slow-downs (10x and more) seen when other jobs share the cores.
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _run_demo(Path(out_dir), quick, seed)
    finally:
        torch.set_num_threads(previous_threads)


def _say(text: str) -> None:
    print(text, flush=True)  # flushed: progress must show even when stdout is a pipe or a file


def _run_demo(out_dir: Path, quick: bool, seed: int) -> int:
    import pandas as pd

    _say("loading the Kingsbury experimental formation enthalpies (inside pymatgen)...")
    from ..benchmark import parity_plot, run_benchmark
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

    # the benchmark runner: 5 folds grouped by reduced formula (no composition in both a training
    # and a test fold), a fresh clone of every model per fold (fine-tuning restarts from the
    # pristine source weights), one job so the timings are those of one core. One model at a
    # time, so that every model reports as soon as it is done (a progress bar over its folds).
    _say(
        f"5-fold cross-validation of {len(DEMO_MODELS)} models, one CPU thread "
        + ("(quick: about half a minute)" if quick else "(a few minutes; --quick for a short run)")
    )
    t_all = time.perf_counter()
    folds, predictions = [], []
    for i, (name, label) in enumerate(DEMO_MODELS.items(), start=1):
        t0 = time.perf_counter()
        part = run_benchmark(
            [name], [ds], "grouped-kfold", seeds=[seed], quick=quick, n_jobs=1, progress=True
        )
        folds.append(part.folds)
        predictions.append(part.predictions)
        _say(
            f"  [{i}/{len(DEMO_MODELS)}] {label:<32} MAE {part.folds['mae'].mean():.4f}  "
            f"({time.perf_counter() - t0:.1f} s)"
        )
    result = SimpleNamespace(
        folds=pd.concat(folds, ignore_index=True),
        predictions=pd.concat(predictions, ignore_index=True),
    )
    _say(f"cross-validation of {len(DEMO_MODELS)} models: {time.perf_counter() - t_all:.1f} s")

    folds = result.folds.assign(model=result.folds["model"].map(DEMO_MODELS))
    scores = folds.rename(columns={"mae": "MAE", "r2": "R2"})[
        ["model", "fold", "n_train", "n_test", "MAE", "R2", "fit_time_s"]
    ]
    scores.to_csv(out_dir / "kingsbury_cv_scores.csv", index=False)
    table = scores.groupby("model", sort=False).agg(
        MAE_mean=("MAE", "mean"), MAE_std=("MAE", "std"), R2_mean=("R2", "mean"),
        R2_std=("R2", "std"),
    )  # fmt: skip
    table = table.reindex([m for m in DEMO_MODELS.values() if m in table.index])
    subset = " (quick: subsampled rows, short training)" if quick else ""
    print(
        f"\nKingsbury experimental formation enthalpy ({ds.info.unit}), 5-fold CV grouped by "
        f"reduced formula, seed {seed}{subset}:"
    )
    print(
        "\n".join(
            f"  {m:<32} MAE {r.MAE_mean:.4f} ± {r.MAE_std:.4f}   R² {r.R2_mean:.3f} ± {r.R2_std:.3f}"
            for m, r in table.iterrows()
        )
    )
    preds = result.predictions.assign(model=result.predictions["model"].map(DEMO_MODELS))
    wide = preds.pivot_table(index="row", columns="model", values="y_pred", sort=False)
    wide = wide[[m for m in DEMO_MODELS.values() if m in wide.columns]]
    wide.insert(0, "target", y[wide.index.to_numpy()])
    wide.insert(0, "composition", ds.X["composition"].to_numpy()[wide.index.to_numpy()])
    wide.to_csv(out_dir / "kingsbury_cv_predictions.csv", index=False)
    try:
        parity_plot(
            preds[preds["model"] != DEMO_MODELS["dummy"]], ds.info.name,
            out_dir / "kingsbury_parity.png",
        )  # fmt: skip
    except ImportError:  # pragma: no cover - matplotlib is an optional extra
        print("matplotlib not installed: no parity plot (pip install skcromel[plot])")
    print(f"\nwrote features, scores, predictions and parity plot to {out_dir}/")
    return 0
