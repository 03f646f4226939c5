"""Shared pieces of the Center-Environment benchmarks: data, seeded splits, records, reports.

Li et al., *npj Comput. Mater.* 9, 106 (2023): 5,174 spinels (source) and 855 perovskites (target)
with the published 112 CE features and formation energies per atom (eV/atom), read from the data
home. Imported by the scripts beside it (``python benchmarks/center_environment/<script>.py``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import KFold, ShuffleSplit
from sklearn.preprocessing import StandardScaler

from skcromel.nn import build_mlp
from skcromel.structure import CE_HIDDEN, FineTunedMLPRegressor

#: CPU settings of the cross-property fine-tunes in these benchmarks.
XPROP_CPU = dict(max_epochs=60, lr=1e-3, batch_size=64, patience=10, validation_fraction=0.1)
SPINEL = "ce/csv/spinel_source_FE_CE_AB_AB.csv"
PEROV = "ce/csv/perovskite_target_FE_CE_AB_AB.csv"
OUT = Path(__file__).resolve().parents[2] / "docs" / "benchmarks"


def load(home, features="published", data_home=None):
    """Source/target matrices. ``features="published"``: the released 112 columns; otherwise
    skcromel's own CE features of idealised prototypes with that element table."""
    sp = pd.read_csv(home / SPINEL, index_col="formula")
    pv = pd.read_csv(home / PEROV, index_col="formula")
    cols = [c for c in sp.columns if c[0] in "AB" and c[1:].isdigit()]
    ys, yt = sp.iloc[:, -1].to_numpy(float), pv.iloc[:, -1].to_numpy(float)
    if features == "published":
        return sp[cols].to_numpy(float), ys, pv[cols].to_numpy(float), yt, cols
    from skcromel.structure import CenterEnvironmentFeaturizer

    out = []
    for table, proto in ((sp, "spinel"), (pv, "perovskite")):
        ce = CenterEnvironmentFeaturizer(
            properties=features, prototype=proto, impute_nan=True, data_home=data_home
        )
        out.append(ce.fit_transform(table.index.tolist()))
    return out[0], ys, out[1], yt, list(ce.get_feature_names_out())


def dnn_kwargs(args, **over):
    kw = dict(
        hidden=CE_HIDDEN,
        max_epochs=args.epochs,
        batch_size=32,
        lr=1e-3,
        loss="mae",
        standardize_y=False,
        validation_fraction=0.1,
        patience=args.patience,
        device="cpu",
    )
    kw.update(over)
    return kw


def splits(protocol, n, n_repeats, first_seed=0):
    """Seeded splits: ``paper`` = one random 90/10 hold-out per seed, ``kfold`` = 5-fold CV per
    seed; seeds ``first_seed .. first_seed + n_repeats - 1``."""
    for seed in range(first_seed, first_seed + n_repeats):
        if protocol == "paper":
            gen = ShuffleSplit(n_splits=1, test_size=0.1, random_state=seed).split(np.arange(n))
        else:
            gen = KFold(5, shuffle=True, random_state=seed).split(np.arange(n))
        for k, (tr, te) in enumerate(gen):
            yield seed, k, tr, te


def record_split(records, protocol, seed, k, y_test, preds, *extra) -> None:
    """Append one MAE record per method of a split and print the split's MAEs."""
    maes = {m: mean_absolute_error(y_test, pr) for m, pr in preds.items()}
    for m, mae in maes.items():
        records.append({"protocol": protocol, "seed": seed, "fold": k, "method": m, "mae": mae})
    print(seed, k, {m: round(v, 4) for m, v in maes.items()}, *extra, flush=True)


def paired_table(piv: pd.DataFrame, reference: str, label, ref_name: str, target=0.09) -> list:
    """Markdown rows: per method mean ± sd of the split MAEs (``piv``: splits x methods), paired
    difference to ``reference`` (mean ± s.e., splits where better) and splits at or below
    ``target``."""
    rows = [f"| method | name | MAE mean ± sd | Δ vs {ref_name} | splits ≤ {target} |",
            "|---|---|---|---|---|"]  # fmt: skip
    for m in piv.columns:
        v, d = piv[m], piv[m] - piv[reference]
        delta = "–" if m == reference else (
            f"{d.mean():+.4f} ± {d.std() / np.sqrt(len(d)):.4f} ({(d < 0).sum()}/{len(d)})")  # fmt: skip
        rows.append(f"| {label(m)} | `{m}` | {v.mean():.4f} ± {v.std():.4f} | {delta} | "
                    f"{(v <= target).sum()} of {len(v)} |")  # fmt: skip
    return rows


def save_records(records, command: str, t0: float, out) -> pd.DataFrame:
    """Per-split records -> CSV (with the command and run time) and a printed summary."""
    df = pd.DataFrame(records)
    minutes = (time.perf_counter() - t0) / 60
    df["command"], df["minutes"] = command, minutes
    df.to_csv(out, index=False)
    print(df.groupby("method", sort=False)["mae"].agg(["mean", "std", "count"]).round(4))
    print(f"{command}: {minutes:.1f} min")
    return df


DNN = dict(hidden=CE_HIDDEN, max_epochs=200, batch_size=32, loss="mae", standardize_y=False,
           validation_fraction=0.1, patience=20, device="cpu")  # fmt: skip


def prepare(home, features, data_home, cache):
    Xs, ys, Xt, yt, _ = load(home, features, data_home)
    scaler = StandardScaler().fit(Xs)
    Xs_, Xt_ = scaler.transform(Xs), scaler.transform(Xt)
    cache = Path(cache) if cache else None
    if cache is not None and cache.is_file():
        state = torch.load(cache, map_location="cpu", weights_only=True)
    else:
        src = FineTunedMLPRegressor(**{**DNN, "batch_size": 64}, lr=1e-3, random_state=0)
        src.fit(Xs_, ys)
        state = {k: v.detach().cpu().clone() for k, v in src.net_.module_.state_dict().items()}
        if cache is not None:
            torch.save(state, cache)
    mod = build_mlp(Xs.shape[1], CE_HIDDEN)
    mod.load_state_dict(state)
    mod.eval()
    h = Xt_.shape[1] // 2
    A, B = Xt_[:, :h], Xt_[:, h:]
    with torch.no_grad():
        S4 = np.column_stack(
            [mod(torch.as_tensor(np.hstack(q), dtype=torch.float32)).numpy().reshape(-1)
             for q in ((A, B), (B, A), (A, A), (B, B))]
        )  # fmt: skip
    return Xt_, yt, S4, state
