"""The bagged ensemble's helpers (``skcromel.transfer._ensemble``)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from skcromel.transfer._ensemble import (
    _supports_binned,
    member_bins,
    member_predictions,
    member_probabilities,
    member_probas,
)


def _table(rng, n, n_features=30):
    X = rng.normal(size=(n, n_features))
    X[:, 3] = np.round(X[:, 3])  # few distinct values: thresholds fall on the data
    X[rng.rand(n, n_features) < 0.1] = np.nan
    return X


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X, X_new = _table(rng, 800), _table(rng, 1500)
    X_new[:5, 0], X_new[5:10, 1] = np.inf, -np.inf
    y = np.nansum(X[:, :4], axis=1)
    return X, X_new, y


def test_binned_prediction_is_the_same_numbers_as_scikit_learn(data):
    X, X_new, y = data
    # members on different bootstrap samples: different bin thresholds per member
    rng = np.random.RandomState(1)
    members = []
    for seed in range(3):
        rows = rng.randint(len(X), size=len(X))
        members.append(
            HistGradientBoostingRegressor(max_iter=40, random_state=seed).fit(X[rows], y[rows])
        )
    assert all(_supports_binned(m, X.shape[1]) for m in members)  # the fast path runs
    for rows in (X, X_new):  # training values sit exactly on the bin thresholds
        np.testing.assert_array_equal(
            member_predictions(members, rows), np.column_stack([m.predict(rows) for m in members])
        )


@pytest.mark.parametrize("n_classes", [2, 3])
def test_binned_probabilities_are_the_same_numbers_as_scikit_learn(data, n_classes):
    X, X_new, y = data
    labels = np.digitize(y, np.quantile(y, np.linspace(0, 1, n_classes + 1)[1:-1]))
    members = [
        HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, labels),
        HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X[::2], labels[::2]),
    ]
    for m, proba in zip(members, member_probas(members, X_new)):
        np.testing.assert_array_equal(proba, m.predict_proba(X_new))
    if n_classes == 2:
        np.testing.assert_array_equal(
            member_probabilities(members, X_new),
            np.column_stack([m.predict_proba(X_new)[:, 1] for m in members]),
        )


def test_categorical_or_unknown_models_fall_back_to_their_own_predict(data):
    X, X_new, y = data
    Xc = np.column_stack([np.abs(np.nan_to_num(X[:, 3])) % 4, X[:, :3]])
    Xc_new = np.column_stack([np.abs(np.nan_to_num(X_new[:, 3])) % 4, X_new[:, :3]])
    cat = HistGradientBoostingRegressor(max_iter=10, categorical_features=[0], random_state=0).fit(
        Xc, y
    )
    plain = HistGradientBoostingRegressor(max_iter=10, random_state=0).fit(Xc, y)
    assert not _supports_binned(cat, Xc.shape[1])
    np.testing.assert_array_equal(
        member_predictions([plain, cat], Xc_new),
        np.column_stack([plain.predict(Xc_new), cat.predict(Xc_new)]),
    )

    class Plain:  # any regressor without scikit-learn's histogram internals
        def predict(self, Z):
            return np.full(len(Z), 1.5)

    np.testing.assert_array_equal(member_predictions([Plain()], X_new)[:, 0], 1.5)


def test_binning_tables_built_once_serve_every_table(data):
    X, X_new, y = data
    members = [
        HistGradientBoostingRegressor(max_iter=20, random_state=s).fit(X[s::2], y[s::2])
        for s in range(2)
    ]
    bins = member_bins(members)
    for m, binned in zip(members, bins.binned(X_new), strict=True):  # scikit-learn's own bins
        np.testing.assert_array_equal(binned, m._bin_mapper.transform(X_new))
    expected = np.column_stack([m.predict(X_new) for m in members])
    np.testing.assert_array_equal(member_predictions(members, X_new, bins), expected)
    # tables of other members (a stale or foreign cache) are not used
    for other in (members[::-1], [HistGradientBoostingRegressor(max_iter=5).fit(X[:, :4], y)]):
        stale = member_bins(other)
        np.testing.assert_array_equal(member_predictions(members, X_new, stale), expected)
    assert member_bins([]) is None


def test_kfold_bags_leave_out_every_compound_exactly_once():
    from skcromel.transfer._ensemble import bootstrap_bags, kfold_bags

    groups = np.repeat(np.arange(23), np.arange(1, 24) % 4 + 1)  # 1 to 4 rows per compound
    bags = list(kfold_bags(groups, 8, np.random.RandomState(0)))
    assert len(bags) == 8
    oob = np.column_stack([o for _, o in bags])
    np.testing.assert_array_equal(oob.sum(axis=1), 1)  # each row out of exactly one bag
    for weights, out in bags:
        np.testing.assert_array_equal(weights, (~out).astype(float))  # no repeats
        for g in np.unique(groups):  # a compound is in or out as a whole
            assert len(set(out[groups == g])) == 1
    sizes = [len(np.unique(groups[o])) for o in oob.T]
    assert max(sizes) - min(sizes) <= 1  # folds of compounds as even as possible
    with pytest.raises(ValueError, match="at least n_estimators=8 compounds"):
        list(kfold_bags(np.arange(5), 8, np.random.RandomState(0)))
    # the bootstrap draws compounds too: a compound's rows share their weight
    for weights, out in bootstrap_bags(groups, 3, np.random.RandomState(0)):
        for g in np.unique(groups):
            assert len(set(weights[groups == g])) == 1
        np.testing.assert_array_equal(out, weights == 0)
