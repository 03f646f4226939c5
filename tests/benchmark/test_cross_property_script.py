"""The cross-property benchmark script: every method builds, keys are distinct, blends fit."""

from __future__ import annotations

import argparse

import numpy as np
import pytest
from sklearn.ensemble import VotingRegressor

from skcromel import HoldoutBlendRegressor

from .._scripts import load_script

SRC = "elemnet-small-mp-eform"
METHODS = ["scratch", f"tl:{SRC}", f"feat:{SRC}", f"featm:{SRC}", f"featf:{SRC}", f"zif:{SRC}",
           f"zix:{SRC}", f"zixg:{SRC}", f"zixs:{SRC}", f"zixb:{SRC}", f"blend:{SRC}", f"blendf:{SRC}", f"zi:{SRC}",
           "zi-magpie", f"delta+featf:{SRC}", "model:rf_magpie"]  # fmt: skip


@pytest.fixture(scope="module")
def bench():
    return load_script("cross_property/benchmark.py", "cross_property_benchmark")


def _args(**kw):
    base = dict(epochs=2, patience=1, lr=1e-3, batch_size=16, variant="elemnet-small",
                feature_layers="-3,-1", hull_phases="lower-order", device="cpu", data_home=None)  # fmt: skip
    return argparse.Namespace(**{**base, **kw})


def test_every_method_builds_with_a_distinct_key(bench):
    args = _args()
    keys = [bench.settings_key(m, args, 0) for m in METHODS]
    assert len(set(keys)) == len(keys)
    assert bench.settings_key(f"zixg:{SRC}", args, 0).endswith("bag3-mf0.5")
    for m in METHODS:
        if not m.startswith("delta+"):  # delta+ reads the MP reference from the data home
            assert hasattr(bench.make_method(m, args, 0), "fit")
    blend = bench.make_method(f"zixb:{SRC}", args, 0)
    assert isinstance(blend, HoldoutBlendRegressor)
    assert [n for n, _ in blend.estimators] == ["zix", "featf", "tl"]
    bag = bench.make_method(f"zixg:{SRC}", args, 3).regressor[-1]
    assert isinstance(bag, VotingRegressor)
    assert [e.random_state for _, e in bag.estimators] == [3, 4, 5]
    assert {e.max_features for _, e in bag.estimators} == {0.5}
    # zixs: the zixg members on features that also hold the two OQMD sources (last layer + output)
    zixs = bench.make_method(f"zixs:{SRC}", args, 0).regressor
    names = [p.source for _, p in zixs[0].transformer_list if hasattr(p, "source")]
    assert names == [SRC, "elemnet-small-mp-gap", *bench.OQMD_SOURCES]
    assert isinstance(zixs[-1], VotingRegressor)
    with pytest.raises(ValueError, match="unknown method"):
        bench.make_method("nope:x", args, 0)


def _toy(n, seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.05, 0.95, n)
    X = np.array([f"Fe{v:.2f}Ni{1 - v:.2f}O{1 + v:.2f}" for v in a], dtype=object)
    return X, 2.0 * a + 0.01 * rng.normal(size=n)


@pytest.mark.parametrize("split", ["paper", "grouped"])
def test_evaluate_blend_and_registry_model(bench, split):
    Xtr, ytr = _toy(60, 0)
    Xte, yte = _toy(20, 1)
    args = _args()
    rec = bench._evaluate(f"zixb:{SRC}", args, 0, (Xtr, ytr, Xte, yte), split)
    assert len(rec["blend_weights"]) == 3 and abs(sum(rec["blend_weights"]) - 1) < 1e-6
    assert set(rec["holdout_mae"]) == {"zix", "featf", "tl", "blend"}
    assert np.isfinite(rec["mae"]) and rec["n_test"] == 20
    rf = bench._evaluate("model:rf_magpie", args, 0, (Xtr, ytr, Xte, yte), split)
    assert rf["mae"] < np.mean(np.abs(yte - ytr.mean()))


def test_paper_summary_counts_wins_per_method(bench):
    import pandas as pd

    idx = pd.MultiIndex.from_tuples(
        [("a", "paper"), ("b", "paper"), ("expt_x", "paper"), ("a", "grouped")],
        names=["dataset", "split"],
    )
    table = pd.DataFrame(
        {"base": [9.0, 9.0, 9.0, 9.0], "m": [0.9, 1.2, 0.5, 0.1],
         "paper_best_sc_mae": [1.0, 1.0, 1.0, np.nan], "paper_best_tl_mae": [2.0, 1.1, 0.4, np.nan]},
        index=idx,
    )  # fmt: skip
    lines = bench._paper_summary(table, ["base", "m"])
    assert "| m | JARVIS 2 | 1 | 1.050 |" in lines  # a: 0.9 < 1.0; b: 1.2 > 1.0; grouped ignored
    assert "| m | experimental 1 | 0 | 1.250 |" in lines
    assert not any(line.startswith("| base") for line in lines)
