"""Tests for skcromel.structure (CE featurizer, element tables, prototypes)."""

from __future__ import annotations

import pickle
import tarfile
import warnings

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import (
    check_estimator_cloneable,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from skcromel.config import get_data_home
from skcromel.exceptions import CompositionError, DataNotFoundError, SkcromelWarning
from skcromel.structure import (
    CE_PROPERTIES,
    CenterEnvironmentFeaturizer,
    ce_property_table,
    perovskite_structure,
    prototype_structure,
    spinel_structure,
)
from skcromel.structure._ce_properties import PUBLISHED_TABLE_PATH, paper_index

# A tiny hand-made property table: exact arithmetic is easy to check.
TABLE = pd.DataFrame(
    {"p1": [38.0, 22.0, 8.0, 9.0, 12.0, 13.0, 57.0, 13.5], "p2": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]},
    index=["Sr", "Ti", "O", "F", "Mg", "Al", "La", "Cs"],
)  # fmt: skip


def ce(**kw):
    kw.setdefault("properties", TABLE)
    return CenterEnvironmentFeaturizer(**kw)


# ----------------------------------------------------------------------------- element tables
def test_ce_properties_registry_is_complete():
    assert [p.index for p in CE_PROPERTIES] == list(range(1, 57))
    assert {p.status for p in CE_PROPERTIES} <= {"exact", "equivalent", "unavailable"}
    for p in CE_PROPERTIES:
        assert (p.source is None) == (p.status == "unavailable")
        assert paper_index(p.code) == p.index
    assert sum(p.in_xlsx for p in CE_PROPERTIES) == 37


def test_shipped_table_values():
    t = ce_property_table("shipped")
    coded = [p.code for p in CE_PROPERTIES if p.source]
    assert list(t.columns) == coded
    assert t.index[0] == "H" and t.index[-1] == "Pu"
    assert t.dtypes.eq(np.float64).all()
    assert t.loc["Fe", "LTLR"] == 26 and t.loc["O", "PER"] == 2
    assert t.loc["O"].notna().all()  # O is every environment: it must be known everywhere
    # a fresh copy each call
    t.iloc[0, 0] = -1
    assert ce_property_table("shipped").iloc[0, 0] != -1


def test_table_impute_and_validation():
    t = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [np.nan, np.nan, 1.0]}, index=["H", "He", "Li"])
    imp = ce_property_table(t, impute_nan=True)
    assert imp.loc["H", "b"] == 1.0  # H has a value for "a": imputed
    assert np.isnan(imp.loc["He"]).all()  # He knows nothing: stays unknown
    with pytest.raises(ValueError, match="unknown element"):
        ce_property_table(pd.DataFrame({"a": [1.0]}, index=["Xx"]))
    with pytest.raises(ValueError, match="preset"):
        ce_property_table("magpie")


def test_published_table_missing_data_home(tmp_path):
    with pytest.raises(DataNotFoundError, match="SKCROMEL_DATA_HOME"):
        ce_property_table("published", data_home=tmp_path)


# ----------------------------------------------------------------------------- prototypes
def _cn(structure, index, cutoff=3.5):
    c, _, _, d = structure.get_neighbor_list(cutoff)
    d = d[c == index]
    return int((d <= d.min() * 1.15).sum())


def test_prototypes_geometry():
    p = perovskite_structure("Sr", "Ti")
    assert len(p) == 5 and p.composition.reduced_formula == "SrTiO3"
    assert _cn(p, 0) == 12 and _cn(p, 1) == 6
    s = spinel_structure("Mg", "Al")
    assert len(s) == 56 and s.composition.reduced_formula == "MgAl2O4"
    assert s.get_space_group_info()[1] == 227
    assert _cn(s, 0) == 4 and _cn(s, 8) == 6
    assert np.min(s.distance_matrix[np.triu_indices(56, 1)]) > 1.5


@pytest.mark.parametrize(
    "formula, prototype, expected",
    [
        ("SrTiO3", "perovskite", ("Sr", "Ti")),
        ("TiSrO3", "perovskite", ("Ti", "Sr")),
        ("Al2MgO4", "spinel", ("Mg", "Al")),
        ("Fe3O4", "spinel", ("Fe", "Fe")),
        ("La2O3", "perovskite", ("La", "La")),
        ({"Mg": 2, "Al": 4, "O": 8}, "spinel", ("Mg", "Al")),
        (("Cs", "Ti"), "perovskite", ("Cs", "Ti")),
    ],
)
def test_prototype_structure_site_assignment(formula, prototype, expected):
    s = prototype_structure(formula, prototype)
    if prototype == "perovskite":
        assert (str(s[0].specie), str(s[1].specie)) == expected
    else:
        assert (str(s[0].specie), str(s[8].specie)) == expected


@pytest.mark.parametrize("bad", ["SrTi2O3", "SrO", "MgAl2O4", "NaCl"])
def test_prototype_structure_rejects_wrong_stoichiometry(bad):
    with pytest.raises(ValueError):
        prototype_structure(bad, "perovskite")
    with pytest.raises(ValueError, match="prototype"):
        prototype_structure("SrTiO3", "garnet")


# ----------------------------------------------------------------------------- featurizer
def test_first_shell_sum_is_center_plus_oxygen():
    X = ce().fit_transform([perovskite_structure("Sr", "Ti"), spinel_structure("Mg", "Al")])
    o = TABLE.loc["O"].to_numpy()
    expected = np.vstack(
        [
            np.r_[TABLE.loc["Sr"] + o, TABLE.loc["Ti"] + o],
            np.r_[TABLE.loc["Mg"] + o, TABLE.loc["Al"] + o],
        ]
    )
    np.testing.assert_allclose(X, expected, rtol=0, atol=1e-12)
    assert X.dtype == np.float64


def test_concat_and_feature_names():
    f = ce(combine="concat", sites=("B", "A", "X"), feature_names="descriptive")
    X = f.fit_transform([perovskite_structure("Sr", "Ti")])
    names = list(f.get_feature_names_out())
    assert names[:4] == ["B_p1_C", "B_p1_E", "B_p2_C", "B_p2_E"]
    assert len(names) == X.shape[1] == 12
    row = dict(zip(names, X[0]))
    assert row["B_p1_C"] == 22 and row["B_p1_E"] == 8
    assert row["A_p2_C"] == 1 and row["A_p2_E"] == 3
    # X (O) site: first shell = 2 Ti at a/2 (4 Sr at a/sqrt(2) are 41 % further)
    assert row["X_p1_C"] == 8 and row["X_p1_E"] == 22


def test_paper_names_for_shipped_table():
    f = CenterEnvironmentFeaturizer(prototype="perovskite").fit(["SrTiO3"])
    names = f.get_feature_names_out()
    n = len(f.properties_)
    assert names[0] == "A3" and names[n] == "B3"
    assert len(names) == 2 * n
    f2 = clone(f).set_params(combine="concat").fit(["SrTiO3"])
    assert f2.get_feature_names_out()[:2].tolist() == ["A3_C", "A3_E"]


def test_inverse_distance_weights_with_mixed_shell():
    # SrTiO2F with Ti shifted by delta along x: Ti sees 2 F at a/2 -/+ delta and 4 O at
    # sqrt((a/2)^2 + delta^2); all within the 15 % first-shell tolerance.
    a, delta = 4.0, 0.1
    s = Structure(
        Lattice.cubic(a),
        ["Sr", "Ti", "F", "O", "O"],
        [[0.5, 0.5, 0.5], [delta / a, 0, 0], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]],
    )
    f = ce(sites=("B",), combine="concat", anions=("O", "F"))
    X = f.fit_transform([s])
    d = np.array([a / 2 - delta, a / 2 + delta] + [np.hypot(a / 2, delta)] * 4)
    p = np.array([9.0, 9.0, 8.0, 8.0, 8.0, 8.0])
    w = (1 / d) / (1 / d).sum()
    assert X[0, 1] == pytest.approx((w * p).sum(), rel=1e-12)
    assert X[0, 0] == 22


def test_second_shell():
    a = 3.9
    f = ce(sites=("B",), combine="concat", n_shells=2)
    X = f.fit_transform([perovskite_structure("Sr", "Ti", a=a)])
    # B: 6 O at a/2, then 8 Sr at a*sqrt(3)/2
    d1, d2 = a / 2, a * np.sqrt(3) / 2
    e = (6 / d1 * 8 + 8 / d2 * 38) / (6 / d1 + 8 / d2)
    assert X[0, 1] == pytest.approx(e)
    # first-shell features do not depend on the cell size; second-shell ones are scale-free too
    X2 = f.fit_transform([perovskite_structure("Sr", "Ti", a=2 * a)])
    np.testing.assert_allclose(X, X2)


def test_supercell_and_perturbation_invariance():
    s = spinel_structure("Mg", "Al")
    base = ce().fit_transform([s])
    big = s.copy()
    big.make_supercell([2, 1, 1])
    rng = np.random.default_rng(0)
    shaken = s.copy()
    for i in range(len(shaken)):
        shaken.translate_sites([i], rng.normal(0, 0.01, 3), frac_coords=False)
    out = ce().fit_transform([big, shaken])
    np.testing.assert_allclose(out[0], base[0], atol=1e-10)
    np.testing.assert_allclose(out[1], base[0], atol=1e-10)  # O-only shells stay O-only


def test_te_cation_is_not_an_anion_by_default():
    t = TABLE.copy()
    t.loc["Te"] = [52.0, 9.0]
    X = ce(properties=t).fit_transform([spinel_structure("Mg", "Te")])
    assert X[0, 2] == 52 + 8  # B1: Te + O


def test_prototype_input_and_order():
    f = ce(prototype="perovskite")
    X = f.fit_transform(pd.DataFrame({"formula": ["SrTiO3", "LaAlO3", "CsTiO3"]}))
    assert X[:, 0].tolist() == [46.0, 65.0, 21.5]
    assert f.feature_names_in_.tolist() == ["formula"]
    assert f.transform(np.array([["CsTiO3"], ["SrTiO3"]]))[:, 0].tolist() == [21.5, 46.0]


def test_on_error_policies():
    good = perovskite_structure("Sr", "Ti")
    bad_el = perovskite_structure("Ba", "Ti")  # Ba is not in TABLE
    nacl = Structure(Lattice.cubic(3.0), ["Cs", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])  # CN 8, no B
    f = ce().fit([good])
    with pytest.raises(CompositionError, match="row 1") as info:
        f.transform([good, bad_el])
    assert "Ba" in info.value.reason
    with pytest.raises(CompositionError, match="no B site"):
        f.transform([nacl])
    with pytest.raises(CompositionError, match="Structure"):
        f.transform(["SrTiO3"])  # no prototype: strings are not structures
    g = ce(on_error="nan").fit([good])
    with pytest.warns(SkcromelWarning, match="2 of 3 rows"):
        X = g.transform([bad_el, good, nacl])
    assert np.isnan(X[[0, 2]]).all() and np.isfinite(X[1]).all()


def test_nan_property_values_warn():
    t = TABLE.copy()
    t.loc["Ti", "p2"] = np.nan
    with pytest.warns(SkcromelWarning, match="1 feature columns contain NaN"):
        X = ce(properties=t).fit_transform([perovskite_structure("Sr", "Ti")])
    assert np.isnan(X[0, 3]) and np.isfinite(X[0, :3]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X = ce(properties=t, impute_nan=True).fit_transform([perovskite_structure("Sr", "Ti")])
    assert X[0, 3] == pytest.approx(np.nanmean(t["p2"]) + 3)


@pytest.mark.parametrize(
    "params",
    [
        {"combine": "mean"},
        {"sites": ("A", "Q")},
        {"sites": ("A", "A")},
        {"n_shells": 0},
        {"shell_tol": 1.5},
        {"on_error": "ignore"},
        {"prototype": "garnet"},
        {"feature_names": "short"},
        {"anions": ("Xx",)},
    ],
)
def test_bad_params(params):
    with pytest.raises(ValueError):
        ce(**params).fit([perovskite_structure("Sr", "Ti")])


# ----------------------------------------------------------------------------- sklearn API
@pytest.mark.parametrize(
    "check",
    [
        check_no_attributes_set_in_init,
        check_get_params_invariance,
        check_set_params,
        check_parameters_default_constructible,
        check_estimator_cloneable,
    ],
)
def test_sklearn_api_checks(check):
    check(type(ce()).__name__, ce())


def test_pickle_clone_and_pandas_output():
    f = ce(prototype="spinel").fit(["MgAl2O4"])
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_array_equal(g.transform(["MgAl2O4"]), f.transform(["MgAl2O4"]))
    assert not hasattr(clone(f), "property_table_")
    out = ce(prototype="spinel").set_output(transform="pandas").fit_transform(["MgAl2O4"])
    assert list(out.columns) == ["A_p1", "A_p2", "B_p1", "B_p2"]


def test_pipeline_and_grid_search():
    formulas = ["SrTiO3", "LaAlO3", "CsTiO3", "SrAlO3", "LaTiO3", "CsAlO3"] * 2
    y = np.arange(len(formulas), dtype=float)
    pipe = make_pipeline(ce(prototype="perovskite"), Ridge())
    grid = GridSearchCV(
        pipe, {"centerenvironmentfeaturizer__combine": ["sum", "concat"]}, cv=2
    ).fit(formulas, y)
    assert grid.predict(formulas[:3]).shape == (3,)


# ----------------------------------------------------------------------------- published data
def _data_file(rel):
    path = get_data_home() / rel
    if not path.is_file():
        pytest.skip(f"{path} not available (set SKCROMEL_DATA_HOME)")
    return path


@pytest.mark.data
def test_reproduces_published_spinel_columns():
    tar = _data_file(
        "ce/spinel_to_perovskite_TL/CE-features-generation/cif_conventional_unrelax.tar.gz"
    )
    _data_file(PUBLISHED_TABLE_PATH)
    published = pd.read_csv(_data_file("ce/csv/spinel_source_FE_CE_AB_AB.csv"), index_col=0)
    structs = {}
    with tarfile.open(tar) as tf, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for m in tf:
            if m.name.endswith(".cif"):
                stem = m.name.rsplit("/", 1)[-1][:-4]
                structs[stem] = Structure.from_str(tf.extractfile(m).read().decode(), fmt="cif")
            if len(structs) == 25:
                break
    f = CenterEnvironmentFeaturizer(properties="published")
    X = f.fit_transform(list(structs.values()))
    ours = pd.DataFrame(X, index=list(structs), columns=f.get_feature_names_out())
    assert ours.shape[1] == 74
    pub = published.loc[ours.index, ours.columns]
    np.testing.assert_allclose(ours.to_numpy(), pub.to_numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.data
def test_reproduces_published_perovskite_columns_from_prototypes():
    _data_file(PUBLISHED_TABLE_PATH)
    published = pd.read_csv(_data_file("ce/csv/perovskite_target_FE_CE_AB_AB.csv"), index_col=0)
    sample = published.sample(40, random_state=0)
    f = CenterEnvironmentFeaturizer(properties="published", prototype="perovskite")
    X = f.fit_transform(sample.index.tolist())
    pub = sample[list(f.get_feature_names_out())].to_numpy(dtype=float)
    np.testing.assert_allclose(X, pub, rtol=1e-9, atol=1e-9)


@pytest.mark.data
def test_combined_table():
    _data_file(PUBLISHED_TABLE_PATH)
    t = ce_property_table("combined")
    idx = [paper_index(c) for c in t.columns]
    assert idx == sorted(idx) and len(idx) == 44
    published = ce_property_table("published")
    pd.testing.assert_frame_equal(t[published.columns], published, check_names=False)
