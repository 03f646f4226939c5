"""Paired compound bootstrap of the benchmark reports (``skcromel.benchmark._report``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skcromel.benchmark import compound_bootstrap


def _predictions(rng, n=200, n_seeds=2):
    """Two regressors on the same rows: ``good`` and ``bad`` (errors twice as large); rows come
    in compounds of 2 (near-duplicates share a group)."""
    y = rng.normal(size=n)
    noise = rng.normal(size=(n_seeds, n))
    frames = []
    for seed in range(n_seeds):
        for model, scale in (("good", 0.5), ("bad", 1.0)):
            frames.append(pd.DataFrame({
                "dataset": "d", "protocol": "p", "model": model, "seed": seed,
                "row": np.arange(n), "group": np.arange(n) // 2, "y_true": y,
                "y_pred": y + scale * np.abs(noise[seed]),
            }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def test_mae_interval_and_paired_verdicts():
    preds = _predictions(np.random.default_rng(0))
    t = compound_bootstrap(preds, reference="good", n_boot=500).set_index("model")
    errors = (preds["y_pred"] - preds["y_true"]).abs().groupby(preds["model"]).mean()
    for m in ("good", "bad"):  # the mean over rows and seeds, inside its own interval
        assert t.loc[m, "mae"] == pytest.approx(errors[m])
        assert t.loc[m, "mae_low"] < t.loc[m, "mae"] < t.loc[m, "mae_high"]
    assert t.loc["good", "n_rows"] == 200 and t.loc["good", "n_compounds"] == 100
    assert t.loc["bad", "verdict"] == "worse" and t.loc["bad", "diff_low"] > 0
    assert t.loc["bad", "relative_diff"] == pytest.approx(1.0)  # errors exactly twice as large
    # a model against itself: a zero difference, a tie
    same = preds[preds["model"] == "good"]
    twin = pd.concat([same, same.assign(model="twin")])
    t2 = compound_bootstrap(twin, reference="good", n_boot=200).set_index("model")
    assert t2.loc["twin", "diff"] == 0 and t2.loc["twin", "verdict"] == "tie"


def test_classification_losses():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=300).astype(float)
    score = np.clip(y + rng.normal(scale=0.4, size=300), 0, 1)
    base = {"dataset": "d", "protocol": "p", "seed": 0, "row": np.arange(300), "y_true": y}
    preds = pd.concat([
        pd.DataFrame({**base, "model": "clf", "y_score": score, "y_pred": (score > 0.5) * 1.0}),
        pd.DataFrame({**base, "model": "prior", "y_score": 0.5, "y_pred": 0.0}),
    ])  # fmt: skip
    err = compound_bootstrap(preds, reference="prior", loss="error_rate").set_index("model")
    assert err.loc["clf", "error_rate"] == pytest.approx(np.mean((score > 0.5) != y))
    assert err.loc["prior", "error_rate"] == pytest.approx(np.mean(y == 1))
    assert err.loc["clf", "verdict"] == "better" and "mae" not in err
    brier = compound_bootstrap(preds, reference="prior", loss="brier").set_index("model")
    assert brier.loc["clf", "brier"] == pytest.approx(np.mean((score - y) ** 2))
    assert brier.loc["prior", "brier"] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="loss must be one of"):
        compound_bootstrap(preds, loss="auc")
    with pytest.raises(ValueError, match="y_score"):
        compound_bootstrap(preds.drop(columns="y_score"), loss="brier")
