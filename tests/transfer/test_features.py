"""``TransferFeatures`` (``skcromel.transfer._features``): the table equals its blocks."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from skcromel.transfer import COMPOSITION_BLOCKS, TransferFeatures
from skcromel.transfer._base import default_sources

FORMULAS = [
    "Fe2O3", "NaCl", "PuO2", "Po2Na", "He", "D2O", "Fe0.5O0.5", "not a formula",
    "Co0.834Gd0.166", "LiFePO4", "Og", "Ba2YCu3O7",
]  # fmt: skip


def test_table_equals_each_block_featurized_on_its_own():
    """The table parses the compositions once for every block; the numbers are those of each
    featurizer's own ``transform`` (unsupported elements, unparsable rows and extras included)."""
    X = pd.DataFrame({"formula": FORMULAS, "T": np.arange(len(FORMULAS), dtype=float)})
    tf = TransferFeatures(
        composition_features=COMPOSITION_BLOCKS, sources=tuple(default_sources()), on_error="nan"
    ).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = tf.transform(X)
        parts = [np.asarray(f.transform(FORMULAS), dtype=float) for _, f in tf.blocks_]
    expected = np.column_stack([*parts, X["T"].to_numpy()])
    expected[FORMULAS.index("not a formula"), :-1] = np.nan
    assert table.shape == expected.shape and table.dtype == np.float64
    np.testing.assert_array_equal(table, expected)
    # a subset of the columns (what the fitted estimators ask for) is the same numbers
    cols = np.r_[3:10, 135:152, 200:230, table.shape[1] - 1]  # across the parts of a block
    F, parsed = tf._compute(X, cols)
    np.testing.assert_array_equal(F, table[:, cols])
    assert not parsed[FORMULAS.index("not a formula")] and parsed.sum() == len(FORMULAS) - 1
