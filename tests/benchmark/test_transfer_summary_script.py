"""The TransferRegressor summary page: runs read once, comparisons on the seeds both models ran."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from .._scripts import load_script


@pytest.fixture(scope="module")
def summary():
    return load_script("transfer/summary.py", "transfer_summary_script")


def _predictions(models_seeds, dataset="efe", n=40, shift=None):
    """Toy grouped predictions: ``models_seeds`` maps a model to its seeds; its error is
    ``shift[model]`` (+ a little noise per seed)."""
    rng = np.random.default_rng(0)
    y = rng.normal(size=n)
    frames = []
    for model, seeds in models_seeds.items():
        for seed in seeds:
            err = shift[model] + 0.01 * rng.random(n)
            frames.append(pd.DataFrame({
                "row": np.arange(n), "y_true": y, "y_pred": y + err, "model": model,
                "dataset": dataset, "protocol": "grouped-kfold", "seed": seed,
                "fold": np.arange(n) % 5, "group": np.arange(n) // 2,
            }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def _folds(preds):
    keys = ["model", "dataset", "protocol", "seed", "fold"]
    return preds.groupby(keys).size().rename("n_test").reset_index().assign(mae=0.1, fit_time_s=1)


def test_same_seeds_pairs_only_common_seeds(summary):
    shift = {"transfer": 0.1, "transfer_nosource": 0.2}
    preds = _predictions({"transfer": [0, 1, 2], "transfer_nosource": [0]}, shift=shift)
    both = summary._same_seeds(preds, ["transfer", "transfer_nosource"])
    assert set(both["seed"]) == {0} and set(both["model"]) == set(shift)
    assert summary._seeds_text(preds, "transfer") == "0, 1, 2"


def test_page_from_several_runs(summary, tmp_path):
    shift = {"transfer": 0.10, "hgb_magpie_full": 0.20, "transfer_nosource": 0.15, "xprop": 0.3}
    run0 = _predictions({m: [0] for m in shift}, shift=shift)
    roost = _predictions({"roost": [0]}, shift={"roost": 0.25})
    run12 = _predictions({"transfer": [0, 1, 2], "hgb_magpie_full": [0, 1, 2]}, shift=shift)
    part = tmp_path / "grouped"
    part.mkdir()
    # the runner's own file repeats the last run: rows must count once
    for name, frame in (("grouped-kfold.aaaa", run0), ("grouped-kfold.bbbb", run12),
                        ("grouped-kfold.cccc", roost), ("grouped-kfold", run12)):  # fmt: skip
        frame.to_csv(part / f"predictions_{name}.csv", index=False)
        _folds(frame).to_csv(part / f"results_{name}.csv", index=False)
    read = summary._read(tmp_path, "grouped", "predictions")
    # seed 0 of 4 models + seeds 1-2 of 2 + roost on seed 0
    assert len(read) == len(run0) + 2 * len(run0) // 4 * 2 + len(roost)
    page = tmp_path / "page.md"
    summary.main(["--out", str(tmp_path), "--page", str(page)])
    text = page.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| efe |"))
    cells = [c.strip() for c in row.split("|")[1:-1]]
    assert cells[5] == "better" and cells[6] == "3/3"  # verdict, lower on seeds
    assert cells[8].startswith("better")  # against the ablation, on seed 0 only
    assert "HGB 0, 1, 2" in text and "1 seed(s) on 1 sets" in text
    assert "## Each method's estimator with its defaults" in text and "`xprop`" in text
    external = text.split("## Composition models of other packages")[1].split("\n## ")[0]
    row = next(line for line in external.splitlines() if line.startswith("| efe |"))
    assert "`roost`: seed(s) 0 on efe." in external and row.rstrip().endswith("worse |")
    direct = next(line for line in external.splitlines() if "against `roost`" in line)
    assert direct.rstrip(".").endswith("better")  # TransferRegressor paired against Roost
    assert "MODNet" in text  # what was not run says why


def test_classification_section_pairs_losses_over_compounds(summary, tmp_path):
    rng = np.random.default_rng(3)
    n = 200
    y = rng.integers(0, 2, size=n).astype(float)
    frames = []
    for model, noise in (("hgb_magpie_full", 0.45), ("transfer", 0.2), ("transfer_nosource", 0.2)):
        score = np.clip(y + rng.normal(scale=noise, size=n), 0, 1)
        frames.append(pd.DataFrame({
            "row": np.arange(n), "y_true": y, "y_pred": (score > 0.5) * 1.0, "y_score": score,
            "model": model, "dataset": "matbench_glass", "protocol": "grouped-kfold", "seed": 0,
            "fold": np.arange(n) % 5, "group": np.arange(n) // 2,
        }))  # fmt: skip
    preds = pd.concat(frames, ignore_index=True)
    part = tmp_path / "classification"
    part.mkdir()
    preds.to_csv(part / "predictions_grouped-kfold.aaaa.csv", index=False)
    folds = _folds(preds).assign(roc_auc=0.9, roc_auc_labels=0.8)
    folds.to_csv(part / "results_grouped-kfold.aaaa.csv", index=False)
    lines = summary.classification_section(tmp_path)
    text = "\n".join(lines)
    assert "## Classification, 5 folds grouped by near-duplicate compound" in text
    row = next(line for line in lines if line.startswith("| matbench_glass | 100 | transfer |"))
    cells = [c.strip() for c in row.split("|")[1:-1]]
    assert cells[4].endswith("better") and cells[6].endswith("better")  # error rate, Brier
    assert cells[7] == "0.9000 ± 0.0000" and cells[8] == "0.8000 ± 0.0000"
    assert "matbench_glass: error rate" in text and "tie" in text.split("ablation")[1]


def test_earlier_defaults_each_get_a_table(summary, tmp_path):
    shift = {"transfer": 0.10, "transfer_valtest": 0.12, "transfer_bootstrap": 0.15,
             "hgb_magpie_full": 0.20}  # fmt: skip
    preds = _predictions({m: [0, 1] for m in shift}, shift=shift)
    part = tmp_path / "grouped"
    part.mkdir()
    preds.to_csv(part / "predictions_grouped-kfold.aaaa.csv", index=False)
    text = "\n".join(summary.earlier_default_section(tmp_path))
    previous, first = text.split("### Against the first default")
    assert previous.startswith("### Against the previous default")
    for block, name in ((previous, "transfer_valtest"), (first, "transfer_bootstrap")):
        assert f"Rows `{name}`" in block
        row = next(line for line in block.splitlines() if line.startswith("| efe |"))
        cells = [c.strip() for c in row.split("|")[1:-1]]
        assert cells[1] == "0, 1" and cells[5] == "better" and cells[6].endswith("better")
    # a cache without earlier rows gives no section
    current_only = preds[preds["model"].isin(["transfer", "hgb_magpie_full"])]
    current_only.to_csv(part / "predictions_grouped-kfold.aaaa.csv", index=False)
    assert summary.earlier_default_section(tmp_path) == []
