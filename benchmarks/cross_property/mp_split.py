"""Test MAE of the computed-value methods, split by whether the Materials Project holds the compound.

Two configurations of ``benchmark.py`` use a Materials Project (MP) value of the test compound
itself (README, "With a computed value of the same compound"); each is re-run here on the paper
split next to its composition-only counterpart, with the test predictions kept per row:

* ``expt_deltae``: ``delta+blendf:elemnet-small-mp-eform`` with ``--hull-phases all`` (Δ-learning on
  the MP convex hull, the compound's own MP phases included) vs ``blendf:elemnet-small-mp-eform``;
  seeds 0-4, the CPU settings of the recorded run (40 epochs, patience 8, lr 1e-3, batch 64);
* ``expt_bandgap``: ``zi_hgb_full_pbe`` (``zi_hgb_full`` + ``ReferenceLookup("mp_gap")``) vs
  ``zi_hgb_full``; deterministic, one run. Both hurdle recipes were retired from the runner's
  registry; they are rebuilt here exactly as they were registered, inside the same pipeline as
  ``benchmark.py``'s ``model:`` methods.

The recorded MAEs were measured with the ElemNet sources shipped before they were retrained
(commit 46887fc); ``--sources`` loads such an earlier set instead of the shipped one, e.g.::

    mkdir -p old && git archive 46887fc^ skcromel/pretrained | tar -x -C old
    python benchmarks/cross_property/mp_split.py --sources old/skcromel/pretrained

"MP holds the compound" is the library's own look-up: the ``found`` flag of
:class:`~skcromel.ReferenceLookup` on the same MP table the method reads (``mp_e_form`` for ΔH,
the table of :class:`~skcromel.ReferenceHullEnergy`; ``mp_gap`` for the band gap), i.e. the
table has a row with the test compound's reduced formula. For each part (all rows, MP holds,
MP lacks) :func:`skcromel.benchmark.compound_bootstrap` gives the MAE of each method with a 95 %
interval over compounds (near-duplicate groups of the test rows; per row the absolute error is
averaged over the seeds first) and the paired difference computed-value − composition-only.

Writes ``<report-name>.md`` (``--out``) and the per-row predictions
``<report-name>_predictions.csv`` (``--predictions-dir``, outside the docs: they hold the data
home's test rows: dataset, method, seed, row, formula, near-duplicate group, MP flag, target,
prediction; default name ``results_mp_split``); ``--report-only`` rebuilds the table from that file. About 5 minutes on one CPU thread::

    python benchmarks/cross_property/mp_split.py
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skcromel import ReferenceLookup
from skcromel.benchmark import compound_bootstrap
from skcromel.config import get_data_home
from skcromel.matching import near_duplicate_groups

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parents[1] / "docs" / "benchmarks" / "cross_property"
#: Per-row predictions (formulas and targets of the data home's test rows: kept out of the repo).
DEFAULT_PREDICTIONS = HERE.parents[1] / "benchmarks" / "results" / "mp_split"
EFORM = "elemnet-small-mp-eform"

# dataset -> MP table of the "holds the compound" flag, computed-value and composition-only
# method (benchmark.py names), seeds, --hull-phases
CONFIGS = {
    "expt_deltae": dict(reference="mp_e_form", computed=f"delta+blendf:{EFORM}",
                        composition=f"blendf:{EFORM}", seeds=(0, 1, 2, 3, 4), hull_phases="all"),
    "expt_bandgap": dict(reference="mp_gap", computed="model:zi_hgb_full_pbe",
                         composition="model:zi_hgb_full", seeds=(0,), hull_phases="all"),
}  # fmt: skip
PARTS = ("all", "MP holds", "MP lacks")


def load_benchmark():
    """``benchmark.py`` of this folder as a module."""
    spec = importlib.util.spec_from_file_location("cross_property_benchmark", HERE / "benchmark.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_zi_hgb_full(pbe: bool = False, source=lambda name: name):
    """The retired runner recipes ``zi_hgb_full`` / ``zi_hgb_full_pbe``, as they were registered.

    A hurdle (:class:`~skcromel.meta.ZeroInflatedRegressor`): HGB classifier (zero vs non-zero)
    and HGB regressor on the non-zero rows, both on the full Magpie set + oliynyk + megnet16 +
    the two shipped ElemNet sources (last hidden layer and prediction); ``pbe``: + the MP PBE
    gaps of the same compound (min/mean/max over its polymorphs and the ``found`` flag).
    ``source`` maps a source name to what is loaded (see ``--sources``).
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.pipeline import Pipeline

    from skcromel import ElementStats, magpie_full
    from skcromel.cross_property import CrossPropertyFeaturizer
    from skcromel.meta import ZeroInflatedRegressor

    def features():
        parts = [("magpie_full", magpie_full(), "composition")]
        parts += [(p, ElementStats(p), "composition") for p in ("oliynyk", "megnet16")]
        for src in ("elemnet-small-mp-gap", EFORM):
            feat = CrossPropertyFeaturizer(source(src), layer=(-1, "output"))
            parts.append((src, feat, "composition"))
        if pbe:
            parts.append(("mp_gap", ReferenceLookup("mp_gap"), "composition"))
        return ColumnTransformer(parts)

    clf = Pipeline(
        [
            ("features", features()),
            ("model", HistGradientBoostingClassifier(max_iter=400, learning_rate=0.05)),
        ]
    )
    reg = Pipeline(
        [
            ("features", features()),
            ("model", HistGradientBoostingRegressor(max_iter=600, learning_rate=0.05)),
        ]
    )
    return ZeroInflatedRegressor(clf, reg)


def mp_holds(X, reference: str, data_home=None) -> np.ndarray:
    """True where the MP table ``reference`` has a row with the compound's reduced formula."""
    flag = ReferenceLookup(reference, statistics=("count",), data_home=data_home).fit(X)
    return flag.transform(X)[:, -1] == 1.0


def _bench_args(cfg: dict, args) -> argparse.Namespace:
    return argparse.Namespace(epochs=args.epochs, patience=args.patience, lr=args.lr,
                              batch_size=args.batch_size, variant="elemnet-small",
                              feature_layers="-3,-1", hull_phases=cfg["hull_phases"],
                              device=args.device, data_home=args.data_home)  # fmt: skip


def make_estimator(bench, method: str, bargs, seed: int, source=lambda name: name):
    """``benchmark.make_method``, with the two retired hurdle recipes and ``source`` applied."""
    if method in ("model:zi_hgb_full", "model:zi_hgb_full_pbe"):  # what make_method did for them
        to_frame = FunctionTransformer(bench._composition_frame)
        return make_pipeline(to_frame, make_zi_hgb_full(method.endswith("_pbe"), source))
    return bench.make_method(method.replace(EFORM, source(EFORM)), bargs, seed)


def predict(args) -> pd.DataFrame:
    """Fit every configuration on the paper split; one row per (dataset, method, seed, test row)."""
    bench = load_benchmark()

    def source(name):
        return str(Path(args.sources) / name) if args.sources else name

    data_home = get_data_home(args.data_home)
    manifest = bench.load_manifest(data_home)
    frames = []
    for name in args.datasets.split(","):
        cfg = CONFIGS[name]
        Xtr, ytr, Xte, yte = bench.load_split(data_home, manifest.loc[name], "paper", 0)
        holds = mp_holds(Xte, cfg["reference"], args.data_home)
        group = near_duplicate_groups(Xte, on_error="nan")
        bargs = _bench_args(cfg, args)
        seeds = cfg["seeds"] if args.seeds is None else [int(s) for s in args.seeds.split(",")]
        for seed in seeds:
            for method in (cfg["computed"], cfg["composition"]):
                t0 = time.perf_counter()
                est = make_estimator(bench, method, bargs, seed, source).fit(Xtr, ytr)
                pred = est.predict(Xte)
                print(f"{name:>13s} s{seed} {method:>38s}  MAE {np.mean(np.abs(pred - yte)):.4f}"
                      f"  ({time.perf_counter() - t0:.0f} s)", flush=True)  # fmt: skip
                frames.append(pd.DataFrame({
                    "dataset": name, "method": method, "seed": seed, "row": np.arange(len(yte)),
                    "formula": Xte, "group": group, "mp_holds": holds, "y_true": yte,
                    "y_pred": np.round(pred, 6),
                }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def split_table(predictions: pd.DataFrame, n_boot: int = 2000) -> pd.DataFrame:
    """Per dataset and part (all / MP holds / MP lacks): rows, compounds, MAE [95 % CI] of both
    methods and the paired difference computed-value − composition-only [95 % CI]."""
    out = []
    for name, sub in predictions.groupby("dataset", sort=False):
        cfg = CONFIGS[name]
        for part in PARTS:
            rows = sub if part == "all" else sub[sub["mp_holds"] == (part == "MP holds")]
            if rows.empty:
                continue
            boot = compound_bootstrap(
                rows.rename(columns={"method": "model"}).assign(protocol=part),
                reference=cfg["composition"], n_boot=n_boot,
            ).set_index("model")  # fmt: skip
            comp, comv = boot.loc[cfg["composition"]], boot.loc[cfg["computed"]]
            out.append({
                "dataset": name, "part": part, "n_rows": int(comv["n_rows"]),
                "n_compounds": int(comv["n_compounds"]),
                "n_seeds": int(rows["seed"].nunique()),
                "computed": cfg["computed"], "composition": cfg["composition"],
                "mae_computed": comv["mae"], "mae_computed_low": comv["mae_low"],
                "mae_computed_high": comv["mae_high"],
                "mae_composition": comp["mae"], "mae_composition_low": comp["mae_low"],
                "mae_composition_high": comp["mae_high"],
                "diff": comv["diff"], "diff_low": comv["diff_low"], "diff_high": comv["diff_high"],
            })  # fmt: skip
    return pd.DataFrame(out)


def _ci(v, lo, hi, digits):
    return f"{v:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def split_markdown(table: pd.DataFrame, name: str = "results_mp_split", sources: str = "") -> str:
    head = (
        "| data set (paper split) | test rows | rows / compounds | seeds | computed-value MAE "
        "[95 % CI] | composition-only MAE [95 % CI] | difference [95 % CI] |"
    )
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in table.itertuples(index=False):
        d = 4 if r.dataset == "expt_deltae" else 3
        lines.append(
            f"| `{r.dataset}` | {r.part} | {r.n_rows} / {r.n_compounds} | {r.n_seeds} "
            f"| {_ci(r.mae_computed, r.mae_computed_low, r.mae_computed_high, d)} "
            f"| {_ci(r.mae_composition, r.mae_composition_low, r.mae_composition_high, d)} "
            f"| {_ci(r.diff, r.diff_low, r.diff_high, d)} |"
        )
    methods = table.drop_duplicates("dataset")[["dataset", "computed", "composition"]]
    notes = [f"* `{r.dataset}`: computed value `{r.computed}`, composition only `{r.composition}`"
             for r in methods.itertuples(index=False)]  # fmt: skip
    header = [
        "# Computed-value methods: test MAE split by whether the Materials Project holds the "
        "compound",
        "",
        "Generated by `benchmarks/cross_property/mp_split.py` from "
        f'`{name}_predictions.csv`{sources}. "MP holds": the MP table the method reads '
        "(`mp_e_form` for ΔH, `mp_gap` for the band gap) has a row with the test compound's "
        "reduced formula (`ReferenceLookup(...).found`). MAE: per test row the absolute error "
        "averaged over the seeds, then over the rows; intervals: 2,000 bootstrap resamples of "
        "the compounds (near-duplicate groups of the test rows), the difference (computed-value "
        "− composition-only) on the same resamples. Both configurations were chosen on this "
        "test split.",
        "",
        *notes,
        "",
    ]
    return "\n".join(header + lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--datasets", default="expt_deltae,expt_bandgap")
    p.add_argument("--seeds", default=None, help="comma list (default: 0-4 for ΔH, 0 for gap)")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--patience", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--device", default="auto")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data-home", default=None)
    p.add_argument("--sources", default=None,
                   help="folder of <name>/ source directories (card.json, weights.pt) loaded "
                   "instead of the shipped sources of the same name, e.g. an earlier release's")  # fmt: skip
    p.add_argument("--report-only", action="store_true",
                   help="rebuild the table from the saved predictions")  # fmt: skip
    p.add_argument("--out", default=str(DEFAULT_OUT), help="folder of the .md table")
    p.add_argument("--predictions-dir", default=str(DEFAULT_PREDICTIONS),
                   help="folder of the per-row predictions (not committed)")  # fmt: skip
    p.add_argument(
        "--report-name",
        default="results_mp_split",
        help="basename of the .md table and of the _predictions.csv file",
    )
    p.add_argument("--sources-note", default="",
                   help="said in the table's header after the file name, e.g. which sources")  # fmt: skip
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pred_dir = Path(args.predictions_dir)
    pred_dir.mkdir(parents=True, exist_ok=True)
    path = pred_dir / f"{args.report_name}_predictions.csv"
    if args.report_only:
        predictions = pd.read_csv(path)
    else:
        predictions = predict(args)
        predictions.to_csv(path, index=False)
    table = split_table(predictions)
    text = split_markdown(table, args.report_name, args.sources_note)
    (out / f"{args.report_name}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
