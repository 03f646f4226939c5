"""Leak-free grouped splitting and the published protocols."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.model_selection import GridSearchCV, cross_val_score

from skcromel.config import get_data_home
from skcromel.datasets import CATALOGUE, Dataset, load_dataset
from skcromel.matching import near_duplicate_groups
from skcromel.model_selection import (
    PROTOCOLS,
    CroMELKFold,
    FormulaGroupKFold,
    PredefinedSplits,
    RepeatedFormulaGroupKFold,
    get_protocol_splits,
    matbench_folds,
    predefined_split,
)
from skcromel.parsing import reduced_formulas

ELEMENTS = ["Fe", "O", "Na", "Cl", "Cu", "Zn", "Mg", "Al", "Si", "Ti", "Ni", "Co", "Li", "S"]


def _random_formulas(rng, n):
    """Formulas with many duplicates and equivalent spellings of the same compound."""
    base = []
    for _ in range(max(n // 3, 4)):
        a, b = rng.choice(ELEMENTS, size=2, replace=False)
        base.append((a, int(rng.integers(1, 4)), b, int(rng.integers(1, 4))))
    out = []
    for _ in range(n):
        a, i, b, j = base[rng.integers(len(base))]
        k = int(rng.integers(1, 3))
        style = rng.integers(3)
        if style == 0:
            out.append(f"{a}{i}{b}{j}")
        elif style == 1:
            out.append(f"{b}{j * k}{a}{i * k}")  # other order, multiplied: same reduced formula
        else:
            out.append(f"{a}{i / (i + j):.4f}{b}{j / (i + j):.4f}")  # fractional
    return np.array(out, dtype=object)


@pytest.mark.parametrize("seed", range(40))
def test_grouped_folds_never_straddle(seed):
    rng = np.random.default_rng(seed)
    X = _random_formulas(rng, int(rng.integers(30, 120)))
    groups = reduced_formulas(X)
    n_splits = int(rng.integers(2, min(6, len(set(groups))) + 1))
    cv = FormulaGroupKFold(n_splits, random_state=seed)
    seen = np.zeros(len(X), dtype=int)
    sizes = []
    for train, test in cv.split(X):  # groups computed from the formulas themselves
        assert set(groups[train]).isdisjoint(groups[test])
        assert len(np.intersect1d(train, test)) == 0
        assert len(train) + len(test) == len(X)
        seen[test] += 1
        sizes.append(len(test))
    assert (seen == 1).all()
    assert cv.get_n_splits() == n_splits == len(sizes)
    # greedy balancing: fold sizes differ by at most the largest group
    largest = pd.Series(groups).value_counts().max()
    assert max(sizes) - min(sizes) <= largest


def test_equivalent_formulas_are_one_group():
    X = ["Fe2O3", "O3Fe2", "Fe4O6", "Fe0.4O0.6", "NaCl", "ClNa", "CuO", "ZnO", "MgO", "TiO2"]
    for seed in range(10):
        for _, test in FormulaGroupKFold(3, random_state=seed).split(X):
            t = set(test)
            assert {0, 1, 2, 3} <= t or t.isdisjoint({0, 1, 2, 3})
            assert {4, 5} <= t or t.isdisjoint({4, 5})


def test_explicit_groups_and_dataframe_input_agree():
    rng = np.random.default_rng(0)
    X = _random_formulas(rng, 60)
    df = pd.DataFrame({"composition": X, "temperature": np.arange(60.0)})
    a = list(FormulaGroupKFold(4, random_state=3).split(df))
    b = list(FormulaGroupKFold(4, random_state=3).split(X, groups=near_duplicate_groups(X)))
    for (_, te1), (_, te2) in zip(a, b):
        np.testing.assert_array_equal(te1, te2)
    # tol=0 groups exactly the rows that share a reduced formula
    exact, reduced = near_duplicate_groups(X, tol=0), reduced_formulas(X)
    same_exact = exact[:, None] == exact[None, :]
    np.testing.assert_array_equal(same_exact, reduced[:, None] == reduced[None, :])


def test_seeds_change_partition_and_are_reproducible():
    X = [f"Fe{i}O{i + 1}" for i in range(1, 60)]
    tests = lambda s: [tuple(te) for _, te in FormulaGroupKFold(5, random_state=s).split(X)]  # noqa: E731
    assert tests(1) == tests(1)
    assert tests(1) != tests(2)
    ordered = [tuple(te) for _, te in FormulaGroupKFold(5, shuffle=False).split(X)]
    assert ordered == [tuple(te) for _, te in FormulaGroupKFold(5, shuffle=False).split(X)]


def test_too_many_splits_is_an_error():
    with pytest.raises(ValueError, match="3 distinct formula groups"):
        list(FormulaGroupKFold(4).split(["NaCl", "ClNa", "KCl", "LiF"]))
    with pytest.raises(ValueError, match="n_splits"):
        list(FormulaGroupKFold(1).split(["NaCl", "KCl"]))


def test_repeated_grouped_kfold():
    rng = np.random.default_rng(1)
    X = _random_formulas(rng, 90)
    groups = reduced_formulas(X)
    cv = RepeatedFormulaGroupKFold(3, n_repeats=4, random_state=0)
    splits = list(cv.split(X))
    assert len(splits) == cv.get_n_splits() == 12
    for r in range(4):
        rep = splits[3 * r : 3 * r + 3]
        assert sorted(np.concatenate([te for _, te in rep])) == list(range(90))
        for train, test in rep:
            assert set(groups[train]).isdisjoint(groups[test])
    assert [tuple(te) for _, te in splits] == [tuple(te) for _, te in cv.split(X)]
    assert tuple(splits[0][1]) != tuple(splits[3][1])


def test_sklearn_integration():
    rng = np.random.default_rng(2)
    X = pd.DataFrame({"composition": _random_formulas(rng, 50), "x": rng.normal(size=50)})
    y = rng.normal(size=50)
    scores = cross_val_score(
        DummyRegressor(), X[["x"]], y, cv=FormulaGroupKFold(5, random_state=0).split(X)
    )
    assert len(scores) == 5
    gs = GridSearchCV(
        DummyRegressor(),
        {"strategy": ["mean", "median"]},
        cv=FormulaGroupKFold(3, random_state=0),
    )
    gs.fit(X[["x"]], y, groups=reduced_formulas(X["composition"]))
    assert gs.n_splits_ == 3
    assert "FormulaGroupKFold(n_splits=3" in repr(FormulaGroupKFold(3))


def test_metadata_routing_requests_groups():
    import sklearn
    from sklearn.model_selection import cross_validate

    X, y = np.zeros((12, 1)), np.arange(12.0)
    groups = np.repeat(["a", "b", "c", "d"], 3)
    assert FormulaGroupKFold().get_metadata_routing().split.requests["groups"] is True
    with sklearn.config_context(enable_metadata_routing=True):
        res = cross_validate(
            DummyRegressor(),
            X,
            y,
            cv=FormulaGroupKFold(4, random_state=0),
            params={"groups": groups},
            return_indices=True,
        )
    for train, test in zip(res["indices"]["train"], res["indices"]["test"]):
        assert set(groups[train]).isdisjoint(groups[test])


def test_cromel_kfold_reproduces_the_reference_assignment():
    n = 103
    np.random.seed(0)  # noqa: NPY002 - what the reference scripts do
    expected = np.array_split(np.random.permutation(n), 5)  # noqa: NPY002
    got = [te for _, te in CroMELKFold(5, random_state=0).split(np.zeros(n))]
    for e, g in zip(expected, got):
        np.testing.assert_array_equal(np.sort(e), np.sort(g))
    assert [len(g) for g in got] == [21, 21, 21, 20, 20]
    other = [te for _, te in CroMELKFold(5, random_state=1).split(np.zeros(n))]
    assert not np.array_equal(np.sort(other[0]), np.sort(got[0]))


def test_predefined_split():
    split = np.array(["train", "test", "train", "test", "train"])
    ((train, test),) = predefined_split(split)
    np.testing.assert_array_equal(train, [0, 2, 4])
    np.testing.assert_array_equal(test, [1, 3])
    with pytest.raises(ValueError, match="test"):
        predefined_split(["train"] * 3)
    cv = PredefinedSplits(predefined_split(split))
    assert cross_val_score(DummyRegressor(), np.zeros((5, 1)), np.arange(5.0), cv=cv).shape == (1,)


def _toy_dataset(formulas, **meta):
    info = CATALOGUE["roost_expt_non_metal_gap"]
    X = pd.DataFrame({"composition": formulas})
    y = pd.Series(np.arange(len(formulas), dtype=float))
    return Dataset(X, y, reduced_formulas(X["composition"]), info, dict(meta))


def test_protocol_dispatch_on_a_toy_dataset():
    ds = _toy_dataset([f"Fe{i}O{i + 2}" for i in range(1, 31)] + ["Fe1O3"] * 5)
    for protocol in ("grouped-kfold", "kfold", "cromel-5fold"):
        folds = get_protocol_splits(protocol, ds, random_state=0)
        assert len(folds) == 5
        assert sorted(np.concatenate([te for _, te in folds])) == list(range(35))
    grouped = get_protocol_splits("grouped-kfold", ds)
    rep = [k for k, (_, te) in enumerate(grouped) if 30 in te]
    assert all(set(range(30, 35)) <= set(grouped[k][1]) for k in rep)
    with pytest.raises(ValueError, match="no official matbench folds"):
        get_protocol_splits("matbench", ds)
    with pytest.raises(ValueError, match="CrossPropertyTL"):
        get_protocol_splits("crossprop", ds)
    with pytest.raises(ValueError, match="unknown protocol"):
        get_protocol_splits("loo", ds)
    assert set(PROTOCOLS) >= {"grouped-kfold", "cromel-5fold", "matbench", "crossprop"}


def _needs(*paths):
    home = get_data_home()
    for p in paths:
        if not (home / p).is_file():
            pytest.skip(f"{p} not in {home}")


@pytest.mark.data
def test_matbench_official_folds():
    _needs(
        "matbench_v0.1/matbench/matbench_v0.1_validation.json.gz",
        CATALOGUE["matbench_expt_gap"].files[0].path,
    )
    ds = load_dataset("matbench_expt_gap")
    folds = get_protocol_splits("matbench", ds)
    assert [len(te) for _, te in folds] == [921, 921, 921, 921, 920]
    assert sorted(np.concatenate([te for _, te in folds])) == list(range(len(ds)))
    again = matbench_folds("matbench_expt_gap", ids=ds.metadata["ids"])
    np.testing.assert_array_equal(again[0][1], folds[0][1])


@pytest.mark.data
def test_crossprop_paper_split():
    info = CATALOGUE["crossprop_expt_deltae"]
    _needs(*(f.path for f in info.files))
    ds = load_dataset(info.name)
    ((train, test),) = get_protocol_splits("crossprop", ds)
    assert (len(train), len(test)) == (1479, 164)


@pytest.mark.data
def test_efe_grouped_folds_keep_repeated_measurements_together():
    _needs(CATALOGUE["efe"].files[0].path)
    ds = load_dataset("efe")
    for seed in range(3):
        for train, test in get_protocol_splits("grouped-kfold", ds, random_state=seed):
            assert set(ds.groups[train]).isdisjoint(ds.groups[test])
    # the published row-level protocol does split some repeated formulas
    leaky = get_protocol_splits("cromel-5fold", ds, random_state=0)
    assert any(set(ds.groups[tr]) & set(ds.groups[te]) for tr, te in leaky)
