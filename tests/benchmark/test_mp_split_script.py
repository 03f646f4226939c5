"""The computed-value split script: parts, MAEs and the paired difference on toy predictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from .._scripts import load_script


@pytest.fixture(scope="module")
def mod():
    return load_script("cross_property/mp_split.py", "cross_property_mp_split")


def _toy(mod):
    cfg = mod.CONFIGS["expt_deltae"]
    holds = np.array([True, True, True, False])
    frames = []
    for seed in (0, 1):
        for method, err in ((cfg["computed"], [0.1, 0.1, 0.1, 0.4]),
                            (cfg["composition"], [0.2, 0.2, 0.2, 0.2])):  # fmt: skip
            frames.append(pd.DataFrame({
                "dataset": "expt_deltae", "method": method, "seed": seed, "row": np.arange(4),
                "formula": ["NaCl", "MgO", "ZnO", "XeF8"], "group": [0, 1, 2, 3],
                "mp_holds": holds, "y_true": 0.0, "y_pred": np.array(err) * (1 if seed else -1),
            }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def test_split_table_parts_and_paired_difference(mod):
    table = mod.split_table(_toy(mod), n_boot=200).set_index("part")
    assert list(table.index) == ["all", "MP holds", "MP lacks"]
    assert table["n_rows"].tolist() == [4, 3, 1]
    assert table["n_seeds"].tolist() == [2, 2, 2]
    assert table.loc["all", "mae_computed"] == pytest.approx(0.175)
    assert table.loc["MP holds", "mae_computed"] == pytest.approx(0.1)
    assert table.loc["MP lacks", "mae_computed"] == pytest.approx(0.4)
    assert table.loc["MP holds", "diff"] == pytest.approx(-0.1)
    assert table.loc["MP holds", "diff_high"] == pytest.approx(-0.1)  # no spread: every row alike
    assert table["mae_composition"].tolist() == pytest.approx([0.2, 0.2, 0.2])
    md = mod.split_markdown(table.reset_index())
    assert "| `expt_deltae` | MP lacks | 1 / 1 | 2 | 0.4000 [0.4000, 0.4000]" in md


def test_retired_hurdle_recipes_build(mod):
    bench = mod.load_benchmark()
    plain = mod.make_estimator(bench, "model:zi_hgb_full", None, 0)
    pbe = mod.make_estimator(bench, "model:zi_hgb_full_pbe", None, 0, source=lambda n: "x/" + n)
    names = [n for n, _, _ in pbe[-1].regressor.named_steps["features"].transformers]
    assert names[-1] == "mp_gap" and "mp_gap" not in [
        n for n, _, _ in plain[-1].classifier.named_steps["features"].transformers
    ]
    sources = [t.source for n, t, _ in pbe[-1].classifier.named_steps["features"].transformers
               if n.startswith("elemnet")]  # fmt: skip
    assert sources == ["x/elemnet-small-mp-gap", "x/elemnet-small-mp-eform"]
