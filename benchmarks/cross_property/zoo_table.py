"""Markdown table of source cards (the zoo page of the docs): data, exclusion, training, MAE.

Usage::

    python benchmarks/cross_property/zoo_table.py skcromel/pretrained /tmp/zoo/skcromel_sources
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _fmt(v, digits=4):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def rows(folders):
    for folder in folders:
        for card_file in sorted(Path(folder).glob("*/card.json")):
            c = json.loads(card_file.read_text())
            d, t, m = c.get("data", {}), c.get("training", {}), c.get("metrics", {})
            ex = d.get("exclusion", {})
            if "heads" in c:
                mae = "; ".join(f"{h['name']} {_fmt(h['validation_mae'], 3)}" for h in c["heads"])
                base = "–"
            elif isinstance(m.get("validation_mae"), float):
                mae, base = _fmt(m["validation_mae"]), _fmt(m.get("validation_mae_mean_baseline"))
            else:
                mae = "; ".join(
                    f"{k} {_fmt(v, 3)}" for k, v in (m.get("held_out_mae") or {}).items()
                )
                base = "–"
            n_in = d.get("n_rows_input", d.get("n_structures"))
            rps = t.get("rows_per_s_median")
            speed = _fmt(round(rps)) if rps else "–"
            yield (
                f"| `{c['name']}` | {c.get('target') or c.get('kind')} | {c.get('unit') or '–'} "
                f"| {d.get('database', '–')} | {_fmt(n_in)} | {_fmt(ex.get('n_rows_removed'))} "
                f"| {_fmt(d.get('n_rows_train', d.get('n_rows_pool')))} / "
                f"{_fmt(d.get('n_rows_validation'))} "
                f"| {t.get('epochs_run', '–')} ({t.get('best_epoch', '–')}, "
                f"{t.get('stopped_by', '–')}) | {speed} "
                f"| {mae} | {base} | {c.get('weights_dtype')} "
                f"{c.get('weights_bytes', 0) / 1e6:.2f} MB |"
            )


HEADER = (
    "| name | property | unit | db | rows in | excluded | train / validation | epochs (best, stop) "
    "| rows/s | validation MAE | mean baseline | weights |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)

if __name__ == "__main__":
    print(HEADER)
    for line in rows(sys.argv[1:]):
        print(line)
