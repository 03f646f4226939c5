"""Old (exact-formula exclusion) vs retrained (near-duplicate exclusion) ElemNet sources.

The validation MAE of each card is measured on that source's own validation split, and the
two splits differ (the exclusion and the grouping changed), so the card numbers are not directly
comparable. This script also scores both models on the rows that are in **both** validation
splits (neither model trained on them): the old split is rebuilt with the old code of git
revision ``--old-rev`` (its exclusion list is checked against the old card's sha256), the new one
with the current code.

Usage::

    SKCROMEL_DATA_HOME=... python benchmarks/cross_property/compare_retrained.py \\
        --new-dirs /tmp/zoo/sources --old-rev 718c8ad --out /tmp/zoo/results/compare.json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from skcromel.config import get_data_home
from skcromel.cross_property import benchmark_compositions, prepare_pretraining_data, source_table
from skcromel.cross_property._estimators import _fractions
from skcromel.registry import load_pretrained
from skcromel.utils import sha256_file

REPO = Path(__file__).resolve().parents[2]
NAMES = [
    "elemnet-small-mp-eform",
    "elemnet-small-mp-gap",
    "elemnet-small-oqmd-hform",
    "elemnet-small-oqmd-vol",
]


def _git(rev, path) -> bytes:
    return subprocess.run(
        ["git", "-C", str(REPO), "show", f"{rev}:{path}"], check=True, capture_output=True
    ).stdout


def _old_module(rev, tmp: Path):
    src = _git(rev, "skcromel/cross_property/_pretrain.py").decode()
    src = src.replace("from ..", "from skcromel.").replace(
        "from ._estimators", "from skcromel.cross_property._estimators"
    )
    path = tmp / "old_pretrain.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("old_pretrain", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _predict(model_dir, values) -> np.ndarray:
    model = load_pretrained(model_dir)
    x = torch.from_numpy(_fractions(values).astype(np.float32))
    with torch.inference_mode():
        out = model.build_module()(x).double().numpy().ravel()
    s = model.card["target_scaling"]
    return out * s["scale"] + s["mean"]


def _table(card, home):
    files = card["data"]["file"]
    files = [files] if isinstance(files, str) else files
    return pd.concat([pd.read_csv(home / f) for f in files], ignore_index=True), files


def card_split(card, home, bench):
    """``(prep, files)``: the pretraining split of a card of the current exclusion rule, rebuilt
    (row indices into the card's own table), and the table's files."""
    df, files = _table(card, home)
    values, _ = source_table(card, home)
    prep = prepare_pretraining_data(
        values,
        df["target"].to_numpy(dtype=float),
        exclude=bench,
        exclude_tol=card["data"]["exclusion"]["tol"],
        random_state=card["settings"]["random_state"],
    )
    assert len(prep["valid_idx"]) == card["data"]["n_rows_validation"], card["name"]
    return prep, files


def common_validation_rows(valid_part, n_part, prep_full, files_part, files_full) -> np.ndarray:
    """Rows of the larger table (``prep_full``) in both validation splits, as sorted indices into
    it: ``valid_part`` indexes a table of ``n_part`` rows read from ``files_part``, which are the
    last files of ``files_full``, so its row ``i`` is row ``i + offset`` of the larger table."""
    assert files_full[len(files_full) - len(files_part) :] == files_part
    offset = len(prep_full["values"]) - n_part  # the rows of the files before the shared ones
    return np.intersect1d(np.asarray(valid_part) + offset, prep_full["valid_idx"])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--new-dirs", required=True, help="comma list of folders with the new sources")
    p.add_argument("--old-rev", default="718c8ad")
    p.add_argument("--names", default=",".join(NAMES))
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    home = get_data_home()
    bench = benchmark_compositions(home)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old = _old_module(args.old_rev, tmp)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            formulas, _ = old.benchmark_target_formulas(home)
        exclude = old.write_exclude_file(formulas, tmp / "exclude_targets.txt")
        for name in args.names.split(","):
            old_dir = tmp / name
            old_dir.mkdir()
            for f in ("card.json", "weights.pt"):
                (old_dir / f).write_bytes(_git(args.old_rev, f"skcromel/pretrained/{name}/{f}"))
            old_card = json.loads((old_dir / "card.json").read_text())
            assert sha256_file(exclude) == old_card["data"]["exclusion"]["file_sha256"]
            new_dir = next(
                Path(d) / name for d in args.new_dirs.split(",") if (Path(d) / name).is_dir()
            )
            new_card = json.loads((new_dir / "card.json").read_text())
            # old split on the old table
            df_old, files_old = _table(old_card, home)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                prep_old = old.prepare_pretraining_data(
                    df_old["formula"].to_numpy(dtype=object),
                    df_old["target"].to_numpy(dtype=float),
                    exclude=exclude,
                    random_state=old_card["settings"]["random_state"],
                )
            assert len(prep_old["valid_idx"]) == old_card["data"]["n_rows_validation"]
            # new split on the new table (may be a superset: full OQMD = train + val + test)
            prep_new, files_new = card_split(new_card, home, bench)
            # map old-table rows into the new table (the old files are a suffix of the new list)
            common = common_validation_rows(
                prep_old["valid_idx"], len(df_old), prep_new, files_old, files_new
            )
            vals = prep_new["values"][common]
            y = prep_new["y"][common]
            mae_old = float(np.mean(np.abs(_predict(old_dir, vals) - y)))
            mae_new = float(np.mean(np.abs(_predict(new_dir, vals) - y)))
            row = {
                "name": name,
                "old_card_validation_mae": old_card["metrics"]["validation_mae"],
                "new_card_validation_mae": new_card["metrics"]["validation_mae"],
                "old_rows_excluded": old_card["data"]["exclusion"]["n_rows_removed"],
                "new_rows_excluded": new_card["data"]["exclusion"]["n_rows_removed"],
                "n_common_validation_rows": int(len(common)),
                "common_mae_old": mae_old,
                "common_mae_new": mae_new,
                "old_table": files_old,
                "new_table": files_new,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
