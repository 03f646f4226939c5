"""The main job: transfer learning on experimental formation enthalpies that ship with pymatgen.

``skcromel demo`` needs no data setup. It loads the 2,135 experimental formation enthalpies of
Kingsbury et al. (inside the installed pymatgen), writes their magpie features, and compares models
under a leak-free protocol: 5-fold cross-validation with folds grouped by reduced formula, so no
composition is ever in both a training and a test fold, and every fold fits a fresh clone (a
fine-tuned model restarts from the pristine pretrained source in every fold).

Models: the training mean, a random forest on magpie statistics (the usual baseline), ElemNet
trained from scratch, and ElemNet fine-tuned from the source pretrained on Materials Project
formation energies that ships with skcromel (``elemnet-small-mp-eform``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline

from .featurizers import ElementStats

__all__ = ["demo_models", "run_demo"]


def demo_models(seed: int = 0, quick: bool = False) -> dict:
    """Models compared by the demo, by name (all scikit-learn estimators on compositions)."""
    n_trees = 100 if quick else 300
    models = {
        "dummy mean": DummyRegressor(),
        "RF on magpie": make_pipeline(
            ElementStats(preset="magpie"),
            RandomForestRegressor(n_trees, random_state=seed, n_jobs=-1),
        ),
    }
    models.update(_transfer_models(seed, quick))
    return models


def _transfer_models(seed: int, quick: bool) -> dict:
    """ElemNet from scratch vs fine-tuned from the shipped MP formation-energy source.

    The shipped source never saw a Kingsbury composition (they are in its exclusion list, see its
    model card), so the comparison is fair. CPU-friendly settings: Adam lr 1e-3, batch 64, early
    stopping (patience 10) on a seeded 10 % split of each training fold.
    """
    from .cross_property import CrossPropertyRegressor, ElemNetRegressor

    common = dict(
        max_epochs=30 if quick else 60,
        lr=1e-3,
        batch_size=64,
        patience=10,
        validation_fraction=0.1,
        random_state=seed,
    )
    return {
        "ElemNet-small, scratch": ElemNetRegressor(variant="elemnet-small", **common),
        "ElemNet fine-tuned from MP ΔHf": CrossPropertyRegressor(
            source="elemnet-small-mp-eform", **common
        ),
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


def _run_demo(out_dir: Path, quick: bool, seed: int) -> int:
    from .datasets import load_kingsbury

    out_dir.mkdir(parents=True, exist_ok=True)
    ds = load_kingsbury()
    X, y, groups = ds.X["composition"], ds.y.to_numpy(float), ds.groups
    print(
        f"dataset: {ds.info.title if hasattr(ds.info, 'title') else ds.name} — {len(y)} rows, "
        f"{len(set(groups))} distinct compositions, target in {ds.info.unit}"
    )

    t0 = time.perf_counter()
    feats = ElementStats(preset="magpie").set_output(transform="pandas").fit_transform(ds.X)
    dt = time.perf_counter() - t0
    feats.insert(0, "composition", X.to_numpy())
    feats.insert(1, "target", y)
    path = out_dir / "kingsbury_magpie_features.csv"
    feats.to_csv(path, index=False)
    print(
        f"magpie features: {feats.shape[1] - 2} columns for {len(y)} rows in {dt:.3f} s -> {path}"
    )

    cv = GroupKFold(n_splits=5, shuffle=True, random_state=seed)
    rows, preds = [], {}
    for name, model in demo_models(seed, quick).items():
        pred = np.full(len(y), np.nan)
        t0 = time.perf_counter()
        for fold, (tr, te) in enumerate(cv.split(X, y, groups)):
            assert not set(groups[tr]) & set(groups[te])  # leak-free by construction
            est = clone(model).fit(X.iloc[tr], y[tr])
            pred[te] = est.predict(X.iloc[te])
            rows.append(
                {
                    "model": name,
                    "fold": fold,
                    "MAE": mean_absolute_error(y[te], pred[te]),
                    "R2": r2_score(y[te], pred[te]),
                }
            )
        preds[name] = pred
        print(f"  {name}: done in {time.perf_counter() - t0:.1f} s", flush=True)

    scores = pd.DataFrame(rows)
    scores.to_csv(out_dir / "kingsbury_cv_scores.csv", index=False)
    table = scores.groupby("model", sort=False).agg(
        MAE_mean=("MAE", "mean"),
        MAE_std=("MAE", "std"),
        R2_mean=("R2", "mean"),
        R2_std=("R2", "std"),
    )
    print(
        f"\nKingsbury experimental formation enthalpy ({ds.info.unit}), 5-fold CV grouped by "
        f"reduced formula, seed {seed}:"
    )
    print(
        "\n".join(
            f"  {m:<28} MAE {r.MAE_mean:.4f} ± {r.MAE_std:.4f}   R² {r.R2_mean:.3f} ± {r.R2_std:.3f}"
            for m, r in table.iterrows()
        )
    )
    pd.DataFrame({"composition": X.to_numpy(), "target": y, **preds}).to_csv(
        out_dir / "kingsbury_cv_predictions.csv", index=False
    )
    _parity_plot(y, preds, ds.info.unit, out_dir / "kingsbury_parity.png")
    print(f"\nwrote scores, predictions and parity plot to {out_dir}/")
    return 0


def _parity_plot(y, preds: dict, unit: str, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - matplotlib is an optional extra
        print("matplotlib not installed: no parity plot (pip install skcromel[plot])")
        return
    names = [n for n in preds if n != "dummy mean"]
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 4.2), squeeze=False)
    lo, hi = np.nanmin(y), np.nanmax(y)
    for ax, name in zip(axes[0], names):
        p = preds[name]
        ax.scatter(y, p, s=6, alpha=0.5)
        ax.plot([lo, hi], [lo, hi], "k--", lw=1)
        ax.set_title(f"{name}\nMAE {np.mean(np.abs(p - y)):.3f} {unit}")
        ax.set_xlabel(f"experiment ({unit})")
        ax.set_ylabel(f"cross-validated prediction ({unit})")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
