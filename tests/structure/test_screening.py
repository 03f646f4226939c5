"""Tests for skcromel.screening (tolerance / octahedral factors, perovskite screening, CLI)."""

from __future__ import annotations

import argparse
import math

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Species

from skcromel.cli._screen import add_screen_subparser
from skcromel.structure import (
    R_OXYGEN,
    octahedral_factor,
    screen_perovskites,
    shannon_radius,
    tolerance_factor,
)


def test_factor_formulas():
    assert tolerance_factor(1.44, 0.605) == pytest.approx((1.44 + 1.4) / (math.sqrt(2) * 2.005))
    assert octahedral_factor(0.7) == pytest.approx(0.5)
    # ideal cubic packing: r_A + r_O = sqrt(2) (r_B + r_O) -> t = 1
    r_b = 0.6
    r_a = math.sqrt(2) * (r_b + R_OXYGEN) - R_OXYGEN
    assert tolerance_factor(r_a, r_b) == pytest.approx(1.0)
    np.testing.assert_allclose(tolerance_factor([r_a, r_a], [r_b, r_b]), [1.0, 1.0])


def test_shannon_radius_matches_pymatgen():
    assert shannon_radius("Sr", 2, "XII")[0] == Species("Sr", 2).get_shannon_radius("XII")
    assert shannon_radius("Ti", 4, "VI")[0] == Species("Ti", 4).get_shannon_radius("VI")
    r, cn = shannon_radius("Li", 1, "XII", fallback=True)  # no XII for Li+
    assert cn != "XII" and r == Species("Li", 1).get_shannon_radius(cn)
    assert np.isnan(shannon_radius("Li", 1, "XII")[0])
    assert np.isnan(shannon_radius("Ne", 2, "VI")[0])


def test_screen_candidates_consistency():
    cands = ["BaZrO3", ("K", "Nb"), "LaAlO3", "NeNeO3", "Fe2O3"]
    df = screen_perovskites(cands)
    assert df["formula"].tolist() == ["BaZrO3", "KNbO3", "LaAlO3", "NeNeO3", "Fe2O3"]
    assert df[["A", "B"]].iloc[4].tolist() == ["Fe", "Fe"]
    assert screen_perovskites(elements=["Sr"])["formula"].tolist() == ["Sr2O3"]
    assert (df["ox_A"] + df["ox_B"]).dropna().eq(6).all()
    ok = df["t"].notna()
    np.testing.assert_allclose(
        df.loc[ok, "t"], tolerance_factor(df.loc[ok, "r_A"], df.loc[ok, "r_B"])
    )
    np.testing.assert_allclose(df.loc[ok, "mu"], df.loc[ok, "r_B"] / R_OXYGEN)
    expected = (df["t"] > 0.7) & (df["t"] <= 1.1) & (df["mu"] > 0.45) & (df["mu"] < 0.7)
    assert df["stable"].tolist() == expected.tolist()
    assert not df.loc[3, "stable"] and np.isnan(df.loc[3, "t"])  # Ne: no radii
    assert df.loc[0, "stable"]  # BaZrO3 is a perovskite with any sensible radii


def test_windows_and_element_grid():
    els = ["Ba", "Sr", "Ti", "Zr"]
    df = screen_perovskites(elements=els)
    assert len(df) == 16 and df["A"].tolist()[:4] == ["Ba"] * 4
    wide = screen_perovskites(elements=els, t_window=(0.0, 10.0), mu_window=(0.0, 10.0))
    assert wide["stable"].sum() == wide["t"].notna().sum()
    with pytest.raises(ValueError):
        screen_perovskites()
    with pytest.raises(ValueError, match="unknown"):
        screen_perovskites(elements=["Qq"])


def test_predictor_filter():
    class Constant:
        def __init__(self, value):
            self.value = value
            self.seen = None

        def predict(self, X):
            self.seen = list(X)
            return np.full(len(X), self.value)

    cands = ["BaZrO3", "KNbO3", "NeNeO3"]
    pred = Constant(-2.0)
    df = screen_perovskites(cands, predictor=pred, max_formation_energy=-1.0)
    passed = screen_perovskites(cands)["stable"]
    assert pred.seen == [f for f, s in zip(cands, passed) if s]
    assert df["stable"].tolist() == passed.tolist()
    df2 = screen_perovskites(cands, predictor=Constant(0.5), max_formation_energy=-1.0)
    assert not df2["stable"].any()


def test_cli(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="skcromel")
    sub = parser.add_subparsers(dest="command", required=True)
    add_screen_subparser(sub)
    out = tmp_path / "screen.csv"
    args = parser.parse_args(["screen-perovskites", "--elements", "Ba,Zr,Sr", "-o", str(out)])
    assert args.func(args) == 0
    df = pd.read_csv(out)
    assert len(df) == 9 and "wrote 9 candidates" in capsys.readouterr().out
    inp = tmp_path / "in.csv"
    pd.DataFrame({"formula": ["BaZrO3", "NeNeO3"]}).to_csv(inp, index=False)
    args = parser.parse_args(["screen-perovskites", str(inp), "--stable-only", "-o", str(out)])
    args.func(args)
    assert pd.read_csv(out)["formula"].tolist() == ["BaZrO3"]


def test_given_radii():
    radii = {"Ba": 1.5, "Zr": 0.75, "Ti": 0.6}
    df = screen_perovskites(["BaZrO3", "BaTiO3", "BaNbO3"], radii=radii)
    assert df.loc[0, "t"] == pytest.approx(tolerance_factor(1.5, 0.75))
    assert df.loc[1, "mu"] == pytest.approx(0.6 / R_OXYGEN)
    assert df["cn_A"].tolist()[:2] == ["given", "given"]
    assert np.isnan(df.loc[2, "t"]) and not df.loc[2, "stable"]  # Nb not given
