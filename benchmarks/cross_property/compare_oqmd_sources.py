"""The two versions of each shipped OQMD source, scored on the same held-out rows.

``elemnet-small-oqmd-hform`` / ``-vol`` were trained on CrabNet's validation and test files of the
OQMD tables (30 % of the rows), ``elemnet-small-oqmd-hform-full`` / ``-vol-full`` on the full
tables. Each card's validation MAE is measured on that source's own validation split, so the two
cards are not comparable. This script rebuilds both splits from the cards (the same exclusion and
grouped split as the pretraining) and scores both models on the rows in **both** validation
splits: neither model trained on them. It decided which version ``sources="auto"`` offers.

Usage::

    SKCROMEL_DATA_HOME=... python benchmarks/cross_property/compare_oqmd_sources.py
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from compare_retrained import _predict, card_split, common_validation_rows  # noqa: E402  (script beside this one)

from skcromel.config import get_data_home
from skcromel.cross_property import benchmark_compositions
from skcromel.registry import list_pretrained

PAIRS = {
    "elemnet-small-oqmd-hform": "elemnet-small-oqmd-hform-full",
    "elemnet-small-oqmd-vol": "elemnet-small-oqmd-vol-full",
}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=None, help="also write the rows as JSON here")
    args = p.parse_args(argv)
    home = get_data_home()
    bench = benchmark_compositions(home)
    cards = list_pretrained(details=True)
    rows = []
    for part, full in PAIRS.items():
        prep_part, files_part = card_split(cards[part], home, bench)
        prep_full, files_full = card_split(cards[full], home, bench)
        common = common_validation_rows(
            prep_part["valid_idx"], len(prep_part["values"]), prep_full, files_part, files_full
        )
        values, y = prep_full["values"][common], prep_full["y"][common]
        row = {"target": cards[full]["target"], "n_common_validation_rows": int(len(common))}
        errors = {}
        for name in (part, full):
            errors[name] = np.abs(_predict(name, values) - y)
            row[name] = {
                "card_validation_mae": cards[name]["metrics"]["validation_mae"],
                "common_mae": float(errors[name].mean()),
            }
        # paired bootstrap over the rows: the full-table source minus the partial one
        rng = np.random.default_rng(0)
        diff = errors[full] - errors[part]
        boot = [diff[rng.integers(0, len(diff), len(diff))].mean() for _ in range(2000)]
        row["full_minus_partial_mae"] = float(diff.mean())
        row["ci95"] = [float(v) for v in np.percentile(boot, [2.5, 97.5])]
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
