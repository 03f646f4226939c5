"""No pretrained source has seen a benchmark composition.

For every source (shipped in ``skcromel/pretrained/`` and built into
``<data home>/skcromel_sources/``), the training compositions are rebuilt from the card (its data
files and its own exclusion record) and matched against every benchmark set of the catalogue
(:func:`skcromel.cross_property.benchmark_compositions`) with the near-duplicate rule (same
element set, every normalised fraction within 0.005). The rebuild is checked against the card
(row count, sha256 of the composition set), so the test sees what the weights were trained on.
"""

from __future__ import annotations

import pytest

from skcromel.config import get_data_home
from skcromel.cross_property import (
    audit_source_leaks,
    benchmark_compositions,
    exclusion_rule,
    source_cards,
)
from skcromel.matching import DEFAULT_TOL

pytestmark = pytest.mark.data

CARDS = source_cards()


@pytest.fixture(scope="module")
def home():
    home = get_data_home()
    if not home.is_dir() or not any(home.iterdir()):
        pytest.skip(f"data home {home} not available (set SKCROMEL_DATA_HOME)")
    return home


@pytest.fixture(scope="module")
def audit(home):
    return audit_source_leaks(CARDS, home)


def test_there_are_sources():
    assert len(CARDS) >= 5


@pytest.mark.parametrize("name", sorted(CARDS))
def test_source_never_saw_a_benchmark_composition(audit, name):
    row = audit.loc[name]
    assert row["n_near_duplicates"] == 0, (
        f"{name} was trained on {row['n_near_duplicates']} near duplicates of benchmark "
        f"compositions (its rule: {row['rule']!r}); rows per set: {row['overlap']}; "
        f"e.g. {row['examples']}"
    )


@pytest.mark.parametrize("name", sorted(CARDS))
def test_card_records_the_rule_and_the_rebuild_matches(audit, home, name):
    ex = CARDS[name]["data"]["exclusion"]
    assert ex.get("rule") == exclusion_rule(DEFAULT_TOL) and ex.get("tol") == DEFAULT_TOL
    missing = set(benchmark_compositions(home)) - set(ex["datasets"])
    assert not missing, f"{name}: benchmark sets not excluded: {sorted(missing)}"
    assert isinstance(ex["n_rows_removed"], int) and "n_rows_removed_per_dataset" in ex
    row = audit.loc[name]
    assert row["sha256_matches"] is not None, f"{name}: the card records no fingerprint"
    assert bool(row["sha256_matches"]), f"{name}: rebuilt compositions differ from the card"
    assert row["n_training_compositions"] == row["n_expected"]
