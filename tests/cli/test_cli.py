"""The command-line interface."""

from __future__ import annotations

import pandas as pd
import pytest

from skcromel.cli import main


def test_featurize_csv(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"formula": ["Fe2O3", "NaCl"], "y": [1, 2]}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["featurize", str(src), "--featurizer", "xenonpy", "--keep", "-o", str(out)]) == 0
    df = pd.read_csv(out)
    assert df.shape == (2, 2 + 290)
    assert "wrote 2 rows" in capsys.readouterr().out


def test_featurize_bad_row_and_nan_policy(tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"formula": ["Fe2O3", "Qq"]}).to_csv(src, index=False)
    with pytest.raises(ValueError, match="row 1"):
        main(["featurize", str(src), "-o", str(tmp_path / "o.csv")])
    with pytest.warns(UserWarning):
        main(["featurize", str(src), "--on-error", "nan", "-o", str(tmp_path / "o.csv")])
    assert pd.read_csv(tmp_path / "o.csv").iloc[1].isna().all()


def test_presets(capsys):
    assert main(["presets"]) == 0
    text = capsys.readouterr().out
    for name in ["magpie", "matscholar", "xenonpy", "elemnet"]:
        assert name in text


def test_demo_quick(tmp_path, capsys):
    assert main(["demo", "--quick", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "kingsbury_parity.png").is_file()
    scores = pd.read_csv(tmp_path / "kingsbury_cv_scores.csv")
    by_model = scores.groupby("model").MAE.mean()
    assert by_model["RF on magpie"] < 0.5 * by_model["dummy mean"]
    assert set(by_model.index) == {"dummy mean", "RF on magpie", "ElemNet-small, scratch",
                                   "ElemNet fine-tuned from MP ΔHf"}  # fmt: skip
    assert (scores.groupby("model").fold.nunique() == 5).all()
    preds = pd.read_csv(tmp_path / "kingsbury_cv_predictions.csv")
    assert (
        not preds.isna().any().any() and len(preds) == scores.groupby("model").n_test.sum().iloc[0]
    )
    assert "grouped by reduced formula" in capsys.readouterr().out
