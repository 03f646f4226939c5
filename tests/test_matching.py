"""The near-duplicate matcher shared by cross-validation groups and source exclusion."""

from __future__ import annotations

import time

import numpy as np
import pytest

from skcromel.exceptions import CompositionError
from skcromel.matching import find_near_duplicates, near_duplicate_groups, near_duplicate_pairs
from skcromel.model_selection import FormulaGroupKFold

# rounded spellings of one compound, as found in EFE, Kingsbury and MP (issue #15)
SAME = [
    ("Co0.834Gd0.166", "GdCo5"),
    ("Pd0.57Sm0.43", "Sm3Pd4"),
    ("Li0.63Si0.37", "Li12Si7"),
    ("Gd333Co667", "GdCo2"),
    ("Sm1667Mg8333", "SmMg5"),
    ("Ir0.66Nd0.33", "Ir0.67Nd0.33"),
    ("Fe2O3", "O3Fe2"),
    ("Fe2O3", "Fe4O6"),
]
DIFFERENT = [
    ("Fe2O3", "Fe1.99Ti0.01O3"),  # a dopant changes the element set
    ("FeO", "Fe2O3"),
    ("Li0.5Co0.5", "Li0.51Co0.49"),  # 0.01 apart
    ("NaCl", "KCl"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_compound(a, b):
    assert near_duplicate_groups([a, b]).tolist() == [0, 0]
    assert near_duplicate_pairs([a, b]).tolist() == [[0, 1]]
    assert find_near_duplicates([a], [b]).tolist() == [True]


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_compounds(a, b):
    assert near_duplicate_groups([a, b]).tolist() == [0, 1]
    assert len(near_duplicate_pairs([a, b])) == 0
    assert find_near_duplicates([a], [b]).tolist() == [False]


def test_tolerance_boundary_and_exact_mode():
    # Δx of Na: 1.008/2.008 - 0.5 = 0.00199
    assert near_duplicate_groups(["NaCl", "Na1.008Cl"], tol=0.002).tolist() == [0, 0]
    assert near_duplicate_groups(["NaCl", "Na1.008Cl"], tol=0.0019).tolist() == [0, 1]
    assert near_duplicate_groups(["NaCl", "Na2Cl2", "Na1.008Cl"], tol=0).tolist() == [0, 0, 1]
    with pytest.raises(ValueError, match="tol"):
        near_duplicate_groups(["NaCl"], tol=-1)


def test_groups_are_transitive_and_numbered_by_first_appearance():
    # a chain of steps of 0.004 is one group; labels follow the input order
    chain = [f"Li{x:.3f}Co{1 - x:.3f}" for x in (0.500, 0.504, 0.508, 0.512)]
    groups = near_duplicate_groups(["KCl", *chain, "KCl"])
    assert groups.tolist() == [0, 1, 1, 1, 1, 0]


def test_pairs_cover_repeats_and_cross_matches():
    X = ["NaCl", "ClNa", "Na2Cl2", "KCl", "Na1.01Cl", "KCl"]
    pairs = {tuple(p) for p in near_duplicate_pairs(X).tolist()}
    assert pairs == {(0, 1), (0, 2), (0, 4), (1, 2), (1, 4), (2, 4), (3, 5)}


def test_find_is_not_transitive_and_handles_bad_rows():
    # Li0.508 is 0.008 from Li0.5 but 0.004 from Li0.504: it matches only a reference at 0.504
    ref = ["Li0.5Co0.5"]
    assert find_near_duplicates(["Li0.504Co0.496", "Li0.508Co0.492"], ref).tolist() == [True, False]
    assert find_near_duplicates(["Xx2", "NaCl"], ["NaCl"], on_error="nan").tolist() == [False, True]
    with pytest.raises(CompositionError):
        find_near_duplicates(["Xx2"], ["NaCl"])
    groups = near_duplicate_groups(["Xx2", "NaCl", "Yy", "NaCl"], on_error="nan")
    assert groups.tolist() == [0, 1, 2, 1]


def test_accepts_compositions_and_one_column_frames():
    pd = pytest.importorskip("pandas")
    from pymatgen.core import Composition

    X = pd.DataFrame({"f": [Composition("GdCo5"), "Co0.834Gd0.166", {"Fe": 2, "O": 3}]})
    assert near_duplicate_groups(X).tolist() == [0, 0, 1]


def test_cv_never_splits_a_compound():
    rng = np.random.default_rng(0)
    base = [f"Li{x:.2f}Co{1 - x:.2f}" for x in np.arange(0.05, 0.95, 0.02)]
    X = base + ["Co0.834Gd0.166", "GdCo5", "Ir0.66Nd0.33", "Ir0.67Nd0.33"] * 3
    X = list(rng.permutation(X))
    groups = near_duplicate_groups(X)
    for train, test in FormulaGroupKFold(5, random_state=0).split(X):
        assert not set(groups[train]) & set(groups[test])
    # exact grouping would split the rounded spellings
    exact = FormulaGroupKFold(5, random_state=0, tol=0)
    leaks = 0
    for train, test in exact.split(X):
        leaks += len(set(groups[train]) & set(groups[test]))
    assert leaks > 0


def test_speed_large_sets():
    """~100k compositions (many repeats) in well under a few seconds (vectorised)."""
    rng = np.random.default_rng(1)
    els = ["Li", "Na", "K", "Mg", "Ca", "Fe", "Co", "Ni", "Cu", "Zn", "O", "S", "Se", "N"]
    a = rng.choice(els, 100_000)
    b = rng.choice(els, 100_000)
    x = rng.integers(1, 200, 100_000) / 100
    X = [f"{p}{q:.2f}{r}" if p != r else f"{p}" for p, q, r in zip(a, x, b)]
    t0 = time.perf_counter()
    groups = near_duplicate_groups(X)
    assert time.perf_counter() - t0 < 30  # generous: a guard against quadratic behaviour
    assert groups.max() + 1 < len(set(X))
