"""The one composition parser: an awkward-formula corpus and input coercion."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Composition, Lattice, Species, Structure

from skcromel.exceptions import CompositionError
from skcromel.parsing import (
    HYDROGEN_ISOTOPES,
    element_matrix,
    parse_compositions,
    parse_formula,
    reduced_formulas,
    to_element_matrix,
)

# (formula, expected amounts) -- awkward but valid
VALID = [
    ("Fe2O3", {"Fe": 2, "O": 3}),
    ("O3Fe2", {"Fe": 2, "O": 3}),
    ("NaCl", {"Na": 1, "Cl": 1}),
    ("CO", {"C": 1, "O": 1}),
    ("Co", {"Co": 1}),
    ("Cs", {"Cs": 1}),
    ("CS2", {"C": 1, "S": 2}),
    ("Hf", {"Hf": 1}),
    ("HfO2", {"Hf": 1, "O": 2}),
    ("Li0.5Fe0.5PO4", {"Li": 0.5, "Fe": 0.5, "P": 1, "O": 4}),
    ("Ag0.5Ge1Pb1.75S4", {"Ag": 0.5, "Ge": 1, "Pb": 1.75, "S": 4}),
    ("Fe.5Ni.5", {"Fe": 0.5, "Ni": 0.5}),
    ("Ca3(PO4)2", {"Ca": 3, "P": 2, "O": 8}),
    ("Mg(OH)2", {"Mg": 1, "O": 2, "H": 2}),
    ("K4[Fe(CN)6]", {"K": 4, "Fe": 1, "C": 6, "N": 6}),
    ("{Fe}2O3", {"Fe": 2, "O": 3}),
    ("((CH3)3Si)2O", {"C": 6, "H": 18, "Si": 2, "O": 1}),
    ("Ba(Zr0.5Ti0.5)O3", {"Ba": 1, "Zr": 0.5, "Ti": 0.5, "O": 3}),
    ("(Bi2Te3)0.9(Sb2Te3)0.1", {"Bi": 1.8, "Te": 3, "Sb": 0.2}),
    ("(SO4).5", {"S": 0.5, "O": 2}),
    ("CuSO4·5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
    ("CuSO4.5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
    ("CuSO4*5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
    ("CuSO4•5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
    ("CuSO4 · 5 H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
    ("Na2CO3.H2O", {"Na": 2, "C": 1, "O": 4, "H": 2}),
    ("Al2(SO4)3·18H2O", {"Al": 2, "S": 3, "O": 30, "H": 36}),
    ("MgSO4·0.5H2O", {"Mg": 1, "S": 1, "O": 4.5, "H": 1}),
    ("Fe0.5H2O", {"Fe": 0.5, "H": 2, "O": 1}),
    ("Fe2 O3", {"Fe": 2, "O": 3}),
    ("  Fe2O3  ", {"Fe": 2, "O": 3}),
    ("Fe2\tO3\n", {"Fe": 2, "O": 3}),
    ("Fe₂O₃", {"Fe": 2, "O": 3}),
    ("Fe1e-3Ni", {"Fe": 0.001, "Ni": 1}),
    ("Fe1E-03Ni0.999", {"Fe": 0.001, "Ni": 0.999}),
    ("Al9.9e-01Cu1e-2", {"Al": 0.99, "Cu": 0.01}),
    ("FeFe", {"Fe": 2}),
    ("FeOFe", {"Fe": 2, "O": 1}),
    ("Fe2O3Fe0", {"Fe": 2, "O": 3}),
    ("2Fe2O3", {"Fe": 4, "O": 6}),
    ("H2O", {"H": 2, "O": 1}),
    ("Og", {"Og": 1}),
    ("Pu3Ga", {"Pu": 3, "Ga": 1}),
    ("La2CuO4.1", {"La": 2, "Cu": 1, "O": 4.1}),
    ("YBa2Cu3O6.95", {"Y": 1, "Ba": 2, "Cu": 3, "O": 6.95}),
    ("Zr0.9999Ti0.0001", {"Zr": 0.9999, "Ti": 0.0001}),
    ("Si100", {"Si": 100}),
    ("C60", {"C": 60}),
    ("Li7La3Zr2O12", {"Li": 7, "La": 3, "Zr": 2, "O": 12}),
    ("Cu65Zr35", {"Cu": 65, "Zr": 35}),
    # hydrogen isotopes are hydrogen (HYDROGEN_ISOTOPES), as in pymatgen
    ("D2O", {"H": 2, "O": 1}),
    ("Hf1V2D0.5", {"Hf": 1, "V": 2, "H": 0.5}),
    ("HDO", {"H": 2, "O": 1}),
    ("T2O", {"H": 2, "O": 1}),
    ("LiAlD4", {"Li": 1, "Al": 1, "H": 4}),
    ("Ta2DTi", {"Ta": 2, "H": 1, "Ti": 1}),
]

# (input, substring of the reason)
INVALID = [
    ("", "empty"),
    ("   ", "empty"),
    ("Xx2", "unknown element symbol 'Xx'"),
    ("Fe2E3O", "unknown element symbol 'E'"),
    ("fe2o3", "unexpected character"),
    ("Fe-1", "negative amount"),
    ("Fe2(O3", "unclosed bracket"),
    ("Fe)2", "unbalanced bracket"),
    ("Fe(O]2", "unbalanced bracket"),
    ("Fe()2", "empty brackets"),
    ("Fe2O3+", "unexpected character '+'"),
    ("Fe0", "no atoms"),
    ("Fe0O0", "no atoms"),
    ("Fe2O3·", "empty part"),
    ("123", "number without an element"),
    ("Fe2O3;NaCl", "unexpected character ';'"),
    ("Dx2O", "unknown element symbol 'Dx'"),
    # two dots in a row are malformed, not "Fe + 0.5 O" or "CuSO4 + 0.5 H2O"
    ("Fe..5O", "two dots in a row"),
    ("CuSO4..5H2O", "two dots in a row"),
    ("Fe2..O3", "two dots in a row"),
    ("Fe2O3..", "two dots in a row"),
    # amounts must be finite and representable
    ("Fe" + "9" * 400, "not finite"),
    ("Fe1e400", "not finite"),
    ("(Fe1e200)1e200", "not finite"),
    ("Fe1e308O1e308", "sum overflows"),
    ("Fe1e-400Ni", "too small for float64"),
    ("Fe0." + "0" * 400 + "1Ni", "too small for float64"),
    # non-ASCII letters and digits are named, not an AttributeError
    ("Ｆｅ２Ｏ３", "non-ASCII character 'Ｆ' (U+FF26 FULLWIDTH LATIN CAPITAL LETTER F)"),
    ("Fe２O3", "non-ASCII character '２'"),
    ("Ω", "non-ASCII character 'Ω'"),
    ("ΔH", "non-ASCII character 'Δ'"),
    ("Fe2O3\x00", "unexpected character '\\x00'"),
]


@pytest.mark.parametrize("formula,expected", VALID, ids=[v[0] for v in VALID])
def test_valid_formulas(formula, expected):
    got = parse_formula(formula)
    assert set(got) == set(expected)
    for el, amount in expected.items():
        assert math.isclose(got[el], amount, rel_tol=1e-12), (el, got[el], amount)


@pytest.mark.parametrize("formula,reason", INVALID, ids=[repr(v[0][:24]) for v in INVALID])
def test_invalid_formulas_name_the_reason(formula, reason):
    with pytest.raises(CompositionError, match="cannot use composition") as info:
        parse_formula(formula)
    assert reason in info.value.reason


def test_corpus_is_large_enough():
    assert len(VALID) + len(INVALID) >= 67


def test_hydrogen_isotope_policy_is_documented_and_matches_pymatgen():
    assert dict(HYDROGEN_ISOTOPES) == {"D": "H", "T": "H"}
    with pytest.raises(TypeError):
        HYDROGEN_ISOTOPES["X"] = "H"  # read-only
    for formula in ["D2O", "Hf1V2D0.5", "LiAlD4"]:
        assert parse_formula(formula) == Composition(formula).get_el_amt_dict()
    M = to_element_matrix(["H2O", "D2O", {"D": 2, "O": 1}, Composition("D2O")], ["H", "O"])
    np.testing.assert_allclose(M, [[2 / 3, 1 / 3]] * 4)
    assert len(set(reduced_formulas(["H2O", "D2O", "HDO"]))) == 1


def test_fullwidth_formula_suggests_the_ascii_form():
    with pytest.raises(CompositionError, match="did you mean 'Fe2O3'"):
        parse_formula("Ｆｅ２Ｏ３")


@pytest.mark.parametrize(
    "X,expected_valid",
    [
        (["Fe2O3", "Fe2O3\x00Xx(junk"], [True, False]),
        (["Fe2O3\x00Xx(junk", "Fe2O3"], [False, True]),
        (["NaCl\x00", "NaCl"], [False, True]),
        (["NaCl", "NaCl\x00", "NaCl", "NaCl\x00\x00"], [True, False, True, False]),
        ([Composition("NaCl"), "NaCl\x00", "NaCl"], [True, False, True]),
    ],
)
def test_nul_byte_rows_are_parsed_on_their_own(X, expected_valid):
    """pandas' hash table cuts strings at NUL: rows must still be parsed independently."""
    with pytest.warns(UserWarning, match="could not be featurized"):
        M = to_element_matrix(X, ["Fe", "O", "Na", "Cl"], on_error="nan")
    assert (~np.isnan(M).any(axis=1)).tolist() == expected_valid
    first_bad = expected_valid.index(False)
    with pytest.raises(CompositionError, match="unexpected character") as info:
        to_element_matrix(X, ["Fe", "O", "Na", "Cl"])
    assert info.value.row == first_bad and info.value.value == X[first_bad]


def test_nul_byte_row_is_not_featurized_as_its_prefix():
    from skcromel import ElementFraction

    with pytest.raises(CompositionError, match="row 1") as info:
        ElementFraction().fit(["H"]).transform(["Fe2O3", "Fe2O3\x00Xx(junk"])
    assert "\\x00" in str(info.value)


def test_non_finite_amounts_never_reach_features():
    from skcromel import ElementStats

    for bad in ["Fe" + "9" * 400, "Fe1e308O1e308"]:
        with pytest.raises(CompositionError, match="row 1"):
            ElementStats().fit(["H"]).transform(["NaCl", bad])
    with pytest.warns(UserWarning):
        F = ElementStats(on_error="nan").fit(["H"]).transform(["NaCl", "Fe1e308O1e308"])
    assert not np.isnan(F[0]).any() and np.isnan(F[1]).all()
    with pytest.raises(CompositionError, match="amount of Fe is not finite"):
        to_element_matrix([{"Fe": float("inf"), "O": 1}])
    with pytest.raises(CompositionError, match="amount of Fe is NaN"):
        to_element_matrix([{"Fe": float("nan"), "O": 1}])


def test_pymatgen_dummy_species_is_a_clear_error():
    from pymatgen.core import DummySpecies

    for bad in [Composition({DummySpecies("X"): 1, "O": 1}), {DummySpecies("X"): 1}]:
        with pytest.raises(
            CompositionError, match="DummySpecies 'X0\\+' is not a chemical"
        ) as info:
            to_element_matrix(["NaCl", bad])
        assert info.value.row == 1


@pytest.mark.parametrize("bad", ["X" * 1_000_000, "Xx" * 500_000, "Fe" + "(" * 1_000_000])
def test_messages_about_huge_values_are_short(bad):
    with pytest.raises(CompositionError) as info:
        to_element_matrix(["NaCl", bad])
    message = str(info.value)
    assert len(message) < 400, message[:500]
    assert message.startswith("row 1: cannot use composition 'X") or "'Fe((" in message
    assert "…" in message and "characters)" in message
    assert info.value.value is bad  # the full value stays available


@pytest.mark.parametrize("formula", [f for f, _ in VALID if "·" not in f and "*" not in f])
def test_agrees_with_pymatgen_where_pymatgen_parses(formula):
    """pymatgen's own parser is the reference for ordinary formulas."""
    try:
        ref = Composition(formula).get_el_amt_dict()
    except Exception:
        pytest.skip("pymatgen cannot parse it")
    if "H2O" in formula and "." in formula:
        pytest.skip("hydrate dot: pymatgen reads it as a decimal point")
    got = parse_formula(formula)
    assert set(got) == set(ref)
    for el in ref:
        assert math.isclose(got[el], ref[el], rel_tol=1e-9)


def _structure():
    return Structure(Lattice.cubic(4.2), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])


@pytest.mark.parametrize(
    "X",
    [
        ["Fe2O3", "NaCl"],
        ("Fe2O3", "NaCl"),
        np.array(["Fe2O3", "NaCl"]),
        np.array([["Fe2O3"], ["NaCl"]], dtype=object),
        [["Fe2O3"], ["NaCl"]],
        pd.Series(["Fe2O3", "NaCl"], index=[10, 3]),
        pd.DataFrame({"formula": ["Fe2O3", "NaCl"]}),
        [Composition("Fe2O3"), _structure().composition],
        [{"Fe": 2, "O": 3}, Composition({"Na": 1, "Cl": 1})],
        ["Fe2O3", _structure()],
        [Composition({Species("Fe", 3): 2, Species("O", -2): 3}), "NaCl"],
    ],
)
def test_input_forms(X):
    M = to_element_matrix(X, ["Fe", "O", "Na", "Cl"])
    assert M.dtype == np.float64
    np.testing.assert_allclose(M, [[0.4, 0.6, 0, 0], [0, 0, 0.5, 0.5]])


def test_single_value_is_rejected_with_a_hint():
    with pytest.raises(TypeError, match="wrap it in a list"):
        to_element_matrix("Fe2O3")
    with pytest.raises(TypeError, match="wrap it in a list"):
        to_element_matrix(Composition("Fe2O3"))
    with pytest.raises(TypeError, match="wrap it in a list"):
        to_element_matrix({"Fe": 2, "O": 3})


def test_dataframe_with_a_column_named_composition():
    df = pd.DataFrame({"composition": ["Fe2O3", "NaCl"]})
    np.testing.assert_allclose(to_element_matrix(df, ["Fe", "O", "Na", "Cl"])[1], [0, 0, 0.5, 0.5])


def test_multi_column_dataframe_is_rejected():
    with pytest.raises(ValueError, match="one column"):
        to_element_matrix(pd.DataFrame({"a": ["Fe"], "b": ["O"]}))


@pytest.mark.parametrize(
    "bad,reason",
    [
        (None, "missing value"),
        (float("nan"), "missing value"),
        (pd.NA, "missing value"),
        ({"Fe": -1}, "negative amount"),
        ({"Fe": "two"}, "not a number"),
        ({"Xx": 1}, "unknown element"),
        (42, "unsupported input type"),
    ],
)
def test_bad_rows_raise_with_row_index(bad, reason):
    X = ["Fe2O3", "NaCl", bad]
    with pytest.raises(CompositionError) as info:
        to_element_matrix(X)
    assert info.value.row == 2
    assert reason in info.value.reason
    assert "row 2" in str(info.value)


def test_nan_policy_keeps_rows_and_warns_once():
    X = ["Fe2O3", "Xx", None, "NaCl", "Fe2O3"]
    with pytest.warns(UserWarning, match="2 of 5 rows") as rec:
        M = to_element_matrix(X, ["Fe", "O", "Na", "Cl"], on_error="nan")
    assert len(rec) == 1
    assert M.shape == (5, 4)
    assert np.isnan(M[[1, 2]]).all()
    np.testing.assert_allclose(M[[0, 4]], [[0.4, 0.6, 0, 0]] * 2)
    np.testing.assert_allclose(M[3], [0, 0, 0.5, 0.5])


def test_unsupported_element_for_element_set():
    with pytest.raises(CompositionError, match="not supported") as info:
        to_element_matrix(["Fe2O3", "HeNe"], ["Fe", "O", "H"])
    assert info.value.row == 1


def test_amounts_not_normalised():
    M = to_element_matrix(["Fe2O3"], ["Fe", "O"], normalize=False)
    np.testing.assert_allclose(M, [[2, 3]])


def test_duplicates_are_parsed_once_and_order_is_kept():
    X = ["NaCl", "Fe2O3"] * 500 + ["KBr"]
    parsed = parse_compositions(X)
    assert parsed.n_rows == 1001
    assert np.all(np.diff(parsed.row) >= 0)
    M = to_element_matrix(X, ["Na", "Cl", "Fe", "O", "K", "Br"])
    np.testing.assert_allclose(M[-1], [0, 0, 0, 0, 0.5, 0.5])
    np.testing.assert_allclose(M[1], [0, 0, 0.4, 0.6, 0, 0])


def test_empty_collection():
    assert to_element_matrix([], ["Fe"]).shape == (0, 1)


def test_reduced_formulas_group_equivalent_writings():
    got = reduced_formulas(["Fe2O3", "O3Fe2", "Fe4O6", "Fe0.4O0.6", "FeO", "Li0.5Fe0.5PO4"])
    assert list(got[:4]) == ["Fe2O3"] * 4
    assert got[4] == "FeO"
    assert got[5] == "FeLiO8P2"
    assert len(set(reduced_formulas(["NaCl", "ClNa", "Na2Cl2"]))) == 1


def test_reduced_formulas_nan_policy():
    with pytest.warns(UserWarning):
        got = reduced_formulas(["NaCl", "Xx"], on_error="nan")
    assert got[0] == "ClNa" and got[1] is None


def test_element_matrix_of_parsed_compositions_is_to_element_matrix():
    X = ["Fe2O3", "NaCl", "PuO2", "oops(", "Fe0.5Na0.5"]
    elements = ["Fe", "O", "Na", "Cl"]
    parsed = parse_compositions(X, on_error="nan")
    for normalize in (True, False):
        with pytest.warns(UserWarning, match="could not be featurized"):
            expected = to_element_matrix(X, elements, on_error="nan", normalize=normalize)
        M, restricted = element_matrix(parsed, elements, "nan", normalize)
        np.testing.assert_array_equal(M, expected)
        assert restricted.valid.tolist() == [True, True, False, False, True]
    with pytest.raises(CompositionError, match="not supported") as info:
        element_matrix(parse_compositions(X[:3]), elements, "raise")
    assert info.value.row == 2


def test_take_is_the_parse_of_the_rows_taken():
    X = ["Fe2O3", "oops(", "NaCl", "Ba0.5Sr0.5TiO3", "K", "CuSO4·5H2O"]
    parsed = parse_compositions(X, on_error="nan")
    for rows in ([0, 2, 3], [1], [5], [], [0, 1, 2, 3, 4, 5], [1, 4, 5]):
        taken = parsed.take(rows)
        direct = parse_compositions([X[r] for r in rows], on_error="nan")
        assert taken.n_rows == len(rows)
        np.testing.assert_array_equal(taken.row, direct.row)
        np.testing.assert_array_equal(taken.z, direct.z)
        np.testing.assert_array_equal(taken.amount, direct.amount)
        np.testing.assert_array_equal(taken.valid, direct.valid)
        # example errors keep the row of the original input
        assert [e.row for e in taken.errors] == ([1] if 1 in rows else [])
    assert parsed.take(range(len(X))) is parsed  # every row: nothing copied
    with pytest.raises(ValueError, match="increasing"):
        parsed.take([2, 0])
