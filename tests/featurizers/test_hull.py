"""ReferenceHullEnergy (competing-phase baseline) and DeltaRegressor (Δ-learning)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.core import Composition
from sklearn.base import clone
from sklearn.utils import estimator_checks as ec

from skcromel import ReferenceHullEnergy
from skcromel.datasets import load_kingsbury
from skcromel.exceptions import CompositionError
from skcromel.featurizers import hull_energy

TOY = pd.DataFrame(
    {
        "formula": ["FeO", "Fe2O3", "Fe3O4", "Li2O", "Li2O2", "LiFeO2", "Fe3O4"],
        "e_form": [-1.4, -1.7, -1.0, -2.1, -1.3, -2.5, -1.69],  # Fe3O4 twice: lowest kept
    }
)


def _pymatgen_hull(reference: pd.DataFrame, query: str, phases: str) -> float:
    """Independent reference: pymatgen's PhaseDiagram on the same phase selection."""
    q = Composition(query)
    els = {e.symbol for e in q.elements}
    entries = [PDEntry(Composition(e), 0.0) for e in els]
    for f, e in zip(reference.iloc[:, 0], reference.iloc[:, 1]):
        c = Composition(f)
        sub = {x.symbol for x in c.elements}
        if len(sub) < 2 or not sub <= els:
            continue
        if phases == "lower-order" and sub == els:
            continue
        if phases == "exclude-formula" and c.fractional_composition.almost_equals(
            q.fractional_composition, rtol=1e-6
        ):
            continue
        entries.append(PDEntry(c, e * c.num_atoms))
    return PhaseDiagram(entries).get_hull_energy_per_atom(q)


@pytest.mark.parametrize("phases", ["lower-order", "exclude-formula", "all"])
def test_hull_matches_pymatgen_on_toy_table(phases):
    queries = ["LiFeO2", "Li5FeO4", "Fe3O4", "FeO", "Li2O", "LiFe5O8", "Fe", "Li0.5Fe0.5O"]
    h = ReferenceHullEnergy(TOY, phases=phases).fit(queries)
    got = h.transform(queries)[:, 0]
    want = [_pymatgen_hull(TOY, q, phases) for q in queries]
    np.testing.assert_allclose(got, want, atol=1e-9)
    assert h.n_reference_ == 6  # 6 distinct compounds (Fe3O4 polymorphs merged)


def test_hull_matches_pymatgen_on_kingsbury_ternaries():
    """Real data shipped in pymatgen: experimental enthalpies (eV/atom) as the reference table."""
    ds = load_kingsbury()
    ref = pd.DataFrame({"f": ds.X["composition"], "e": ds.y})
    ternary = [f for f in ref["f"] if len(Composition(f).elements) == 3][:40]
    for phases in ("lower-order", "exclude-formula"):
        got = ReferenceHullEnergy(ref, phases=phases).fit(ternary).transform(ternary)[:, 0]
        want = [_pymatgen_hull(ref, q, phases) for q in ternary]
        np.testing.assert_allclose(got, want, atol=1e-8)
        assert np.all(got <= 1e-12)


def test_hull_is_composition_invariant_and_repeats_are_solved_once(monkeypatch):
    import skcromel.featurizers._hull as hull_mod

    calls = []
    real = hull_mod.hull_energy

    def counting(*a):
        calls.append(1)
        return real(*a)

    monkeypatch.setattr(hull_mod, "hull_energy", counting)
    h = ReferenceHullEnergy(TOY).fit(["LiFeO2"])
    out = h.transform(["LiFeO2", "Li2Fe2O4", "O2FeLi", "LiFeO2", "Li"])[:, 0]
    assert len(calls) == 1
    np.testing.assert_allclose(out[:4], out[0])
    assert out[4] == 0.0
    assert out.dtype == np.float64


def test_hull_exclude_and_errors():
    ref = ReferenceHullEnergy(TOY, exclude=["Fe2O3"]).fit(["x"])
    assert ref.n_reference_ == 5
    with pytest.raises(ValueError, match="phases must be one of"):
        ReferenceHullEnergy(TOY, phases="nope").fit(["LiFeO2"])
    bad = TOY.assign(e_form=[-1.4, np.nan, -1.0, -2.1, -1.3, -2.5, -1.69])
    with pytest.raises(ValueError, match="row 1 .*'Fe2O3'.* not finite"):
        ReferenceHullEnergy(bad).fit(["LiFeO2"])
    with pytest.raises(TypeError, match="reference must be"):
        ReferenceHullEnergy(3.0).fit(["LiFeO2"])
    h = ReferenceHullEnergy(TOY).fit(["LiFeO2"])
    with pytest.raises(CompositionError, match="row 1"):
        h.transform(["LiFeO2", "Xx2O"])
    with pytest.warns(UserWarning, match="1 of 2 rows"):
        out = ReferenceHullEnergy(TOY, on_error="nan").fit(["x"]).transform(["LiFeO2", "Q"])
    assert np.isfinite(out[0, 0]) and np.isnan(out[1, 0])


def test_hull_sklearn_citizen():
    h = ReferenceHullEnergy((TOY["formula"].tolist(), TOY["e_form"].to_numpy()))
    for check in (ec.check_no_attributes_set_in_init, ec.check_get_params_invariance,
                  ec.check_set_params, ec.check_estimator_cloneable):  # fmt: skip
        check("ReferenceHullEnergy", clone(h))
    X = pd.DataFrame({"formula": ["LiFeO2", "Li5FeO4"]})
    out = h.set_output(transform="pandas").fit_transform(X)
    assert list(out.columns) == ["hull_energy_per_atom"]
    restored = pickle.loads(pickle.dumps(h))
    np.testing.assert_array_equal(restored.transform(X).to_numpy(), out.to_numpy())


def test_hull_energy_function_direct():
    # x = 1/2 A + 1/2 B with a line between two phases
    F = np.array([[0.5, 0.25], [0.5, 0.75]])
    assert hull_energy(F, np.array([-1.5, -2.0]), np.array([0.375, 0.625])) == pytest.approx(-1.75)
    # with the first phase higher, element A + the second phase is lower than their mixture
    assert hull_energy(F, np.array([-1.0, -2.0]), np.array([0.375, 0.625])) == pytest.approx(-5 / 3)
    assert hull_energy(np.zeros((2, 0)), np.zeros(0), np.array([0.5, 0.5])) == 0.0


@pytest.mark.data
def test_hull_on_materials_project_reference(data_home):
    """The default reference (MP formation energies) gives the known BaO + TiO2 decomposition."""
    h = ReferenceHullEnergy(data_home=data_home).fit(["BaTiO3"])
    assert h.n_reference_ > 80_000
    e = h.transform(["BaTiO3", "SrTiO3"])[:, 0]
    assert np.all(e < -2.5) and np.all(e > -4.0)  # MP: BaTiO3 about -3.5 eV/atom


@pytest.mark.data
def test_hull_reference_cache_is_shared(data_home, monkeypatch):
    import skcromel.featurizers._hull as hull_mod

    first = ReferenceHullEnergy(data_home=data_home).fit(["BaTiO3"])
    monkeypatch.setattr(ReferenceHullEnergy, "_build_index", lambda *a: pytest.fail("rebuilt"))
    second = clone(first).fit(["SrTiO3"])
    assert second._index is first._index
    assert len(hull_mod._INDEX_CACHE) == 1


def test_hull_missing_reference_says_where_it_looked(tmp_path):
    from skcromel.exceptions import DataNotFoundError

    with pytest.raises(DataNotFoundError, match=str(tmp_path)):
        ReferenceHullEnergy(data_home=tmp_path).fit(["BaTiO3"])


def test_hull_many_element_query_scans_the_index():
    """13 elements: the index scan must give what the sub-system enumeration gives."""
    q = "LiFeNaKMgCaSrBaAlGaInTlO7"
    elements = [e.symbol for e in Composition(q).elements if e.symbol != "O"]
    ref = pd.DataFrame({"f": [f"{e}O" for e in elements], "e": np.linspace(-1.0, -3.0, 12)})
    got = ReferenceHullEnergy(ref).fit([q]).transform([q])[0, 0]
    assert got == pytest.approx(_pymatgen_hull(ref, q, "lower-order"), abs=1e-9)
    assert got < 0
