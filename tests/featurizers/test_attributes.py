"""Stoichiometry, ValenceOrbital, IonProperty: identical to matminer, vectorised, sklearn citizens."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Composition
from sklearn.base import clone
from sklearn.utils import estimator_checks as ec

from skcromel import IonProperty, Stoichiometry, ValenceOrbital, magpie_full
from skcromel.datasets import load_kingsbury
from skcromel.exceptions import CompositionError
from skcromel.parsing import parse_formula

matminer_comp = pytest.importorskip("matminer.featurizers.composition")

PAIRS = [
    (Stoichiometry(), lambda: matminer_comp.Stoichiometry()),
    (Stoichiometry(p_list=(0, 1, 4)), lambda: matminer_comp.Stoichiometry(p_list=(0, 1, 4))),
    (ValenceOrbital(), lambda: matminer_comp.ValenceOrbital()),
    (
        ValenceOrbital(orbitals=("d",), props=("frac",)),
        lambda: matminer_comp.ValenceOrbital(orbitals=("d",), props=("frac",)),
    ),  # fmt: skip
    (IonProperty(), lambda: matminer_comp.IonProperty(fast=True)),
]


@pytest.fixture(scope="module")
def kingsbury_sample():
    X = load_kingsbury().X["composition"].tolist()
    return X[::5] + ["Fe", "NaCl", "Cu3Au", "Fe3O4", "Li0.5Fe0.5PO4", "CuSO4·5H2O", "ZrHfTiNbTaO"]


@pytest.mark.parametrize("ours, theirs", PAIRS, ids=lambda e: repr(e) if hasattr(e, "fit") else "")
def test_identical_to_matminer(ours, theirs, kingsbury_sample):
    X = kingsbury_sample
    got = clone(ours).fit(X).transform(X)
    ref = theirs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = np.array([ref.featurize(Composition(parse_formula(x))) for x in X], dtype=float)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert list(clone(ours).fit(X).get_feature_names_out()) == ref.feature_labels()
    assert got.dtype == np.float64


def test_charge_balance_cases():
    X = ["NaCl", "Cu3Au", "Fe2O3", "Fe3O4", "Fe", "CaTiO3", "LiFePO4", "AlN"]
    out = IonProperty().fit_transform(X)
    # Fe3O4 needs mixed valence, which fast mode (one state per element) does not consider
    assert out[:, 0].tolist() == [1, 0, 1, 0, 1, 1, 1, 1]
    assert out[4, 1:].tolist() == [0.0, 0.0]
    assert np.all((out[:, 1] >= 0) & (out[:, 1] <= 1))


def test_many_elements_chunking_matches_small_input():
    big = ["LiNaKRbCsMgCaSrBaO5", "ZrHfTiNbTaO", "NaCl"] * 50
    out = IonProperty().fit_transform(big)
    np.testing.assert_array_equal(out[:3], IonProperty().fit_transform(big[:3]))


def _balanced_by_enumeration(formula):
    """Every choice of one common oxidation state per element, one at a time."""
    from itertools import product

    from pymatgen.core import Element

    amounts = parse_formula(formula)
    total = sum(amounts.values())
    fracs = [a / total for a in amounts.values()]
    states = [Element(e).common_oxidation_states or (0,) for e in amounts]
    return any(abs(sum(x * q for x, q in zip(fracs, c))) <= 1e-8 for c in product(*states))


def test_charge_balance_every_search_path_matches_enumeration(monkeypatch):
    """Broadcast (few combinations), meet in the middle (more) and the row-wise programme
    (alloys of many multi-valent elements) against plain enumeration."""
    from skcromel.featurizers import _attributes

    used = []
    for path in ("_balanced_broadcast", "_balanced_meet_in_middle", "_charge_balanced_row"):
        original = getattr(_attributes, path)

        def spy(*args, _original=original, _path=path, **kwargs):
            used.append(_path)
            return _original(*args, **kwargs)

        monkeypatch.setattr(_attributes, path, spy)
    rng = np.random.default_rng(0)
    pool = ["Li", "Na", "Mg", "Al", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Nb", "Mo",
            "Sn", "Sb", "O", "S", "N", "Cl", "F", "Se", "P", "I", "Re", "Os", "Ir", "C"]  # fmt: skip
    X = []
    for k in (2, 3, 4, 5, 6, 7, 8, 9):
        for _ in range(25):
            els = rng.choice(pool, k, replace=False)
            X.append("".join(f"{e}{rng.integers(1, 5)}" for e in els))
    X += ["MnCrVMoReOsIrFeCoNiTiO20", "CMnCrVMoReOsIrFeCoNiO20", "LiFePO4", "Li0.5Fe0.5PO4"]
    got = IonProperty().fit_transform(X)[:, 0]
    want = np.array([_balanced_by_enumeration(x) for x in X], dtype=float)
    np.testing.assert_array_equal(got, want)
    assert 0 < want.mean() < 1  # both outcomes occur
    assert set(used) == {"_balanced_broadcast", "_balanced_meet_in_middle", "_charge_balanced_row"}


def test_errors_params_and_pandas():
    with pytest.raises(CompositionError, match="row 1"):
        IonProperty().fit_transform(["NaCl", "Xx"])
    with pytest.warns(UserWarning, match="1 of 2"):
        out = ValenceOrbital(on_error="nan").fit_transform(["NaCl", "Xx"])
    assert np.isnan(out[1]).all() and np.isfinite(out[0]).all()
    with pytest.raises(ValueError, match="p_list"):
        Stoichiometry(p_list=(-1,)).fit(["NaCl"])
    with pytest.raises(ValueError, match="orbitals"):
        ValenceOrbital(orbitals=("g",)).fit(["NaCl"])
    df = pd.DataFrame({"formula": ["NaCl", "MgO"]})
    res = IonProperty().set_output(transform="pandas").fit_transform(df)
    assert list(res.columns) == ["compound possible", "max ionic char", "avg ionic char"]
    for est in (Stoichiometry(), ValenceOrbital(), IonProperty()):
        for check in (ec.check_no_attributes_set_in_init, ec.check_get_params_invariance,
                      ec.check_set_params, ec.check_estimator_cloneable):  # fmt: skip
            check(type(est).__name__, clone(est))
        fitted = clone(est).fit(df)
        np.testing.assert_array_equal(
            pickle.loads(pickle.dumps(fitted)).transform(df), fitted.transform(df)
        )


def test_magpie_full_union():
    X = ["Fe2O3", "NaCl", "Si"]
    union = magpie_full()
    out = union.fit_transform(X)
    assert out.shape == (3, 6 + 132 + 8 + 3)
    names = union.get_feature_names_out()
    assert names[0] == "stoichiometry__0-norm" and names[-1] == "ionic__avg ionic char"
