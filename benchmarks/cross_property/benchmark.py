"""Cross-property transfer benchmark on the 41 CrossPropertyTL data sets.

For each data set (39 JARVIS-DFT + 2 experimental, ``crossprop/CrossPropertyTL/data``) and split:

* ``paper``: the published ``*_training_set.csv`` / ``*_test_set.csv`` files (polymorphs and repeated
  formulas may straddle train and test, as in the paper);
* ``grouped``: train+test pooled and re-split 90/10 by reduced formula (``GroupShuffleSplit``,
  one re-split per ``--seeds`` entry), so no formula is in both parts;

it fits the selected methods on the training part and reports test MAE:

* ``base``: predict the training mean (checks the data against the paper's "Base" column);
* ``scratch``: :class:`~skcromel.cross_property.ElemNetRegressor` from random initialisation;
* ``tl:<source>``: :class:`~skcromel.cross_property.CrossPropertyRegressor` fine-tuned from a
  pretrained source (all layers trained, output layer re-initialised);
* ``feat:<source>``: frozen activations (:class:`~skcromel.cross_property.CrossPropertyFeaturizer`,
  ``--feature-layers``) + scikit-learn ``HistGradientBoostingRegressor`` (absolute-error loss);
* ``featm:<source>``: the same with the 132 magpie statistics and the source's own prediction
  (``layer="output"``) added to the features;
* ``featf:<source>`` / ``blendf:<source>``: ``featm`` / ``blend`` with the full Magpie set
  (:func:`skcromel.magpie_full`: + stoichiometry, valence-orbital and ionic attributes);
* ``zif:<source>``: the hurdle (``zi``) with ``featf`` members: an HGB classifier for zero vs
  non-zero and the ``featf`` regressor on the non-zero rows (identical to ``featf`` on targets
  without exact zeros);
* ``zix:<source>``: ``zif`` with richer features (+ oliynyk and megnet16 statistics and the
  shipped band-gap source) and HGB members of up to 2,000 rounds early-stopped on 10 % of the
  training rows (defined after the ``zif`` results were seen: a second configuration);
* ``zixg:<source>``: ``zix`` with bagged members: each is the mean of three early-stopped HGBs
  (seeds ``s``, ``s+1``, ``s+2``) that see a random half of the features at each split
  (``max_features=0.5``); soft voting for the classifier (a fourth configuration, defined after
  ``zixb`` was seen);
* ``zixs:<source>``: ``zixg`` with two more shipped sources in the features, pretrained on OQMD
  (``elemnet-small-oqmd-vol``: volume per atom, ``elemnet-small-oqmd-hform``: formation
  enthalpy; last hidden layer and prediction of each; JARVIS formulas excluded from both): a
  fifth configuration, defined after the ``zixg`` results were seen;
* ``zixb:<source>``: :class:`~skcromel.HoldoutBlendRegressor` of ``zix``, ``featf`` and ``tl``: convex
  weights minimising the MAE on 10 % of the training rows (random rows on the paper split,
  whole formulas on the grouped split), then both members refitted on all training rows (a
  third configuration, defined after the ``zix`` results were seen; its weights never see the
  test rows);
* ``model:<name>``: a model of the benchmark runner's registry (``skcromel.benchmark``), e.g.
  ``model:transfer``, on the same splits (its own settings; the seed changes the grouped
  re-split, and the model's randomness only where the registered model takes no fixed seed);
* ``blend:<source>``: equal-weight mean of ``tl:<source>`` and ``featm:<source>`` (both fitted on
  the training part only; fixed weights);
* ``zi:<source>``: zero-inflated (:class:`~skcromel.zero_inflated.ZeroInflatedRegressor`) for
  targets with a point mass at zero (band gaps of metals): an HGB classifier on the ``featm``
  features decides zero vs non-zero, ``blend:<source>`` fitted on the non-zero rows gives the value;
* ``zi-magpie``: the same hurdle with HGB on magpie statistics only (no transfer; the reference);
* ``delta+<method>``: Δ-learning, :class:`~skcromel.DeltaRegressor` around any method above: it
  learns the residual to the Materials Project competing-phase hull energy
  (:class:`~skcromel.ReferenceHullEnergy`, phases ``--hull-phases``: by default the hull of a
  composition never uses its own reduced formula; ``all`` lets the MP value of the same compound
  in, which is legitimate computed → experimental transfer for ``expt_deltae`` but not for the
  JARVIS sets), for formation-energy targets.

Results are cached one JSON line per (dataset, split, method, settings) in ``--out/results.jsonl``;
re-running skips what is cached (resume). A markdown table (``results.md``) with the paper's numbers
from ``crossprop/datasets_manifest.csv`` and a plot (``results.png``) are written to ``--out``.

Example (the CPU run recorded in docs/cross_property.md)::

    python benchmarks/cross_property/benchmark.py \
        --datasets expt_deltae,expt_bandgap,exfoliation_energy,piezo_max_dij,piezo_max_eij \
        --methods base,scratch,tl:elemnet-small-mp-eform,tl:elemnet-small-mp-gap \
        --split both --epochs 40 --patience 8 --lr 1e-3 --batch-size 64 --seeds 0,1,2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import FunctionTransformer

from skcromel import (
    DeltaRegressor,
    ElementStats,
    HoldoutBlendRegressor,
    ReferenceHullEnergy,
    magpie_full,
)
from skcromel.config import get_data_home
from skcromel.cross_property import (
    CrossPropertyFeaturizer,
    CrossPropertyRegressor,
    ElemNetRegressor,
)
from skcromel.meta import ZeroInflatedRegressor
from skcromel.parsing import reduced_formulas

MANIFEST = "crossprop/datasets_manifest.csv"
DATA_DIR = "crossprop/CrossPropertyTL/data"
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "benchmarks" / "cross_property"


def load_manifest(data_home: Path) -> pd.DataFrame:
    return pd.read_csv(data_home / MANIFEST).set_index("repo_dir")


def load_split(data_home: Path, row: pd.Series, split: str, seed: int):
    """(X_train, y_train, X_test, y_test) as object / float arrays."""
    folder = data_home / DATA_DIR / row.name
    tr = pd.read_csv(folder / row["train_file"])
    te = pd.read_csv(folder / row["test_file"])
    col = row["target_column"]
    # a handful of Excel-mangled formulas ('2-Feb') cannot be parsed: drop them, and say so
    parts = []
    for df in (tr, te):
        red = reduced_formulas(df["pretty_comp"].astype(str), on_error="nan")
        ok = pd.notna(red) & np.isfinite(df[col].to_numpy(dtype=float))
        parts.append((df.loc[ok, "pretty_comp"].to_numpy(dtype=object),
                      df.loc[ok, col].to_numpy(dtype=float), red[ok]))  # fmt: skip
    (Xtr, ytr, gtr), (Xte, yte, gte) = parts
    if split == "paper":
        return Xtr, ytr, Xte, yte
    if split != "grouped":
        raise ValueError(f"unknown split {split!r}")
    X = np.concatenate([Xtr, Xte])
    y = np.concatenate([ytr, yte])
    g = np.concatenate([gtr, gte])
    test_size = len(Xte) / len(X)
    a, b = next(GroupShuffleSplit(1, test_size=test_size, random_state=seed).split(X, groups=g))
    return X[a], y[a], X[b], y[b]


def make_method(method: str, args, seed: int, hull=None):
    """The estimator of ``method``; ``hull`` (a ReferenceHullEnergy) is added to the features of
    the gradient-boosting members (inside ``delta+``: the residual depends on the baseline)."""
    if method.startswith("delta+"):
        hull = ReferenceHullEnergy(phases=args.hull_phases, data_home=args.data_home)
        inner = make_method(method.removeprefix("delta+"), args, seed, hull=hull)
        return DeltaRegressor(inner, baseline=hull)
    common = dict(
        max_epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        validation_fraction=0.1,
        patience=args.patience,
        device=args.device,
        random_state=seed,
    )
    if method == "scratch":
        return ElemNetRegressor(args.variant, **common)
    if method == "zi-magpie":  # no-transfer reference for targets with a point mass at zero
        return ZeroInflatedRegressor(
            make_pipeline(ElementStats("magpie"), _hgb_classifier(seed)),
            make_pipeline(ElementStats("magpie"), _hgb_l1(seed)),
        )
    kind, _, source = method.partition(":")
    if kind == "model":  # a model of the benchmark runner's registry (composition column)
        from skcromel.benchmark import make_model  # finds the plugin modules' models itself

        to_frame = FunctionTransformer(_composition_frame)
        return make_pipeline(to_frame, make_model(source))
    if kind == "tl":
        return CrossPropertyRegressor(source, **common)
    hgb = _hgb_l1(seed)
    layers = tuple(int(v) for v in args.feature_layers.split(","))
    if kind == "feat":
        return make_pipeline(CrossPropertyFeaturizer(source, layer=layers), hgb)
    if kind in ("featm", "featf"):  # featf: the full Magpie set (stoichiometry, valence, ionic)
        return make_pipeline(_source_union(source, layers, kind == "featf", hull), hgb)
    if kind == "zif":  # hurdle on the featf features (targets with a point mass at zero)
        return ZeroInflatedRegressor(
            make_pipeline(_source_union(source, layers, full=True), _hgb_classifier(seed)),
            make_method(f"featf:{source}", args, seed, hull=hull),
        )
    if kind == "zix":  # zif with more features and early-stopped boosting (see the docstring)
        return ZeroInflatedRegressor(
            make_pipeline(_rich_features(source, layers), _hgb_es(seed, classifier=True)),
            make_pipeline(_rich_features(source, layers), _hgb_es(seed)),
        )
    if kind in ("zixg", "zixs"):  # zix with bagged members: 3 HGBs each (seeds s..s+2, half the
        # features); zixs: + the OQMD volume and formation-enthalpy sources in the features
        extra = OQMD_SOURCES if kind == "zixs" else ()
        return ZeroInflatedRegressor(
            make_pipeline(_rich_features(source, layers, extra), _hgb_bag(seed, classifier=True)),
            make_pipeline(_rich_features(source, layers, extra), _hgb_bag(seed)),
        )
    if kind == "zixb":  # zix, featf, tl: convex weights chosen on 10 % of the training rows
        return HoldoutBlendRegressor(
            [
                ("zix", make_method(f"zix:{source}", args, seed)),
                ("featf", make_method(f"featf:{source}", args, seed)),
                ("tl", make_method(f"tl:{source}", args, seed)),
            ],  # fmt: skip
            validation_fraction=0.1,
            refit=True,
            random_state=seed,
        )
    if kind in ("blend", "blendf"):  # equal-weight mean of tl and featm (featf for blendf)
        feat = "featm" if kind == "blend" else "featf"
        return VotingRegressor(
            [
                ("tl", make_method(f"tl:{source}", args, seed)),
                (feat, make_method(f"{feat}:{source}", args, seed, hull=hull)),
            ]
        )
    if kind == "zi":
        return ZeroInflatedRegressor(
            make_pipeline(_source_union(source, layers, full=False), _hgb_classifier(seed)),
            make_method(f"blend:{source}", args, seed),
        )
    raise ValueError(f"unknown method {method!r}")


def _composition_frame(X):
    return pd.DataFrame({"composition": np.asarray(X, dtype=object).ravel()})


def _hgb_l1(seed):
    return HistGradientBoostingRegressor(
        loss="absolute_error", max_iter=500, learning_rate=0.05, random_state=seed
    )


def _source_union(source, layers, full, hull=None):
    """magpie statistics (``full``: the full Magpie set) + the frozen ``source`` (``layers`` and
    its prediction) [+ ``hull``], as one feature union."""
    parts = [magpie_full() if full else ElementStats("magpie"),
             CrossPropertyFeaturizer(source, layer=(*layers, "output"))]  # fmt: skip
    return make_union(*parts, *([hull] if hull is not None else []))


OQMD_SOURCES = ("elemnet-small-oqmd-vol", "elemnet-small-oqmd-hform")


def _rich_features(source, layers, extra_sources=()):
    """magpie_full + oliynyk + megnet16 statistics + ``source`` (``layers`` and prediction) +
    the shipped band-gap source and each of ``extra_sources`` (last layer and prediction)."""
    # on_error="nan": these tables lack a few actinides (HGB handles the NaN rows natively)
    parts = [magpie_full(), ElementStats("oliynyk", on_error="nan"),
             ElementStats("megnet16", on_error="nan"),
             CrossPropertyFeaturizer(source, layer=(*layers, "output"))]  # fmt: skip
    if source != "elemnet-small-mp-gap":
        parts.append(CrossPropertyFeaturizer("elemnet-small-mp-gap", layer=(-1, "output")))
    parts += [CrossPropertyFeaturizer(name, layer=(-1, "output")) for name in extra_sources]
    return make_union(*parts)


def _hgb_es(seed, classifier=False):
    """HGB with up to 2,000 rounds, early-stopped on 10 % of the training rows."""
    kw = dict(max_iter=2000, learning_rate=0.05, early_stopping=True, validation_fraction=0.1,
              n_iter_no_change=50, random_state=seed)  # fmt: skip
    if classifier:
        return HistGradientBoostingClassifier(**kw)
    return HistGradientBoostingRegressor(loss="absolute_error", **kw)


def _hgb_bag(seed, classifier=False, n=3):
    """Mean of ``n`` early-stopped HGBs (``_hgb_es``) with seeds ``seed``.. and ``max_features=0.5``
    (a random half of the features per split: the members differ beyond their early-stopping
    split); a soft-voting classifier for the hurdle."""
    members = []
    for k in range(n):
        est = _hgb_es(seed + k, classifier=classifier)
        est.set_params(max_features=0.5)
        members.append((f"hgb{k}", est))
    if classifier:
        return VotingClassifier(members, voting="soft")
    return VotingRegressor(members)


def _hgb_classifier(seed):
    return HistGradientBoostingClassifier(max_iter=400, learning_rate=0.05, random_state=seed)


def settings_key(method: str, args, seed: int) -> str:
    if method.startswith("delta+"):  # v2: the hull is also a feature of the HGB members
        inner = settings_key(method.removeprefix("delta+"), args, seed)
        return f"delta[{args.hull_phases}]v2+" + inner
    if method == "base":
        return f"base|s{seed}"
    s = f"{method}|e{args.epochs}|p{args.patience}|lr{args.lr}|b{args.batch_size}|s{seed}"
    if method == "scratch":
        s += f"|{args.variant}"
    if method.startswith(("feat:", "featm:", "featf:")):
        s = f"{method}|layers{args.feature_layers}|hgb-l1|s{seed}"
    if method.startswith(("blend:", "blendf:", "zi:", "zif:")):
        s += f"|layers{args.feature_layers}|hgb-l1"
    if method == "zi-magpie":
        s = f"zi-magpie|hgb-l1|s{seed}"
    if method.startswith(("zix:", "zixg:", "zixs:")):
        s = f"{method}|layers{args.feature_layers}|hgb-es2000|s{seed}"
        if method.startswith(("zixg:", "zixs:")):
            s += "|bag3-mf0.5"
    if method.startswith("model:"):  # the registry fixes the settings; seeds: the split only
        s = f"{method}|s{seed}"
    if method.startswith("zixb:"):
        s += f"|layers{args.feature_layers}|hgb-es2000|holdout0.1-refit"
    return s


def _seeds(args) -> list[int]:
    return [int(v) for v in str(args.seeds).split(",") if v.strip()]


def _evaluate(method: str, args, seed: int, data, split: str = "paper") -> dict:
    Xtr, ytr, Xte, yte = data
    t0 = time.perf_counter()
    extra = {}
    if method == "base":
        pred = np.full(len(yte), ytr.mean())
    else:
        est = make_method(method, args, seed)
        if isinstance(est, HoldoutBlendRegressor):
            # grouped split: hold out whole formulas, as the test part will be; paper split:
            # random rows, as the paper's test rows share formulas with its training rows
            groups = reduced_formulas(Xtr) if split == "grouped" else None
            est.fit(Xtr, ytr, groups=groups)
            extra["blend_weights"] = [round(float(w), 4) for w in est.weights_]
            extra["holdout_mae"] = {k: round(v, 6) for k, v in est.holdout_scores_.items()}
        else:
            est.fit(Xtr, ytr)
        pred = est.predict(Xte)
        extra["epochs_run"] = getattr(est, "n_epochs_", None)  # None for pipelines and blends
    return {
        "method": method,
        "seed": seed,
        "mae": float(np.mean(np.abs(pred - yte))),
        "n_train": len(ytr),
        "n_test": len(yte),
        "fit_time_s": round(time.perf_counter() - t0, 2),
        "torch_threads": torch.get_num_threads(),
        **extra,
    }


def read_cache(path: Path) -> dict:
    out = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            if line.strip():
                rec = json.loads(line)
                out[(rec["dataset"], rec["split"], rec["key"])] = rec
    return out


def run(args) -> list[dict]:
    data_home = get_data_home(args.data_home)
    manifest = load_manifest(data_home)
    names = list(manifest.index) if args.datasets == "all" else args.datasets.split(",")
    unknown = [n for n in names if n not in manifest.index]
    if unknown:
        raise SystemExit(f"unknown datasets {unknown}; known: {list(manifest.index)}")
    splits = ["paper", "grouped"] if args.split == "both" else [args.split]
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cache_file = out / "results.jsonl"
    cache = read_cache(cache_file)
    for name in names:
        row = manifest.loc[name]
        for split in splits:
            for seed in _seeds(args):
                data = None
                for method in methods:
                    key = settings_key(method, args, seed)
                    if (name, split, key) in cache or args.report_only:
                        continue
                    if data is None:
                        data = load_split(data_home, row, split, seed)
                    rec = _evaluate(method, args, seed, data, split)
                    rec.update(dataset=name, paper_name=row["paper_name"], split=split, key=key)
                    cache[(name, split, key)] = rec
                    with open(cache_file, "a") as fh:
                        fh.write(json.dumps(rec) + "\n")
                    print(f"{name:>20s} {split:>7s} s{seed} {method:>30s}  MAE {rec['mae']:.4f}"
                          f"  ({rec['fit_time_s']} s)", flush=True)  # fmt: skip
    # report only the records of this invocation's settings (the cache may hold other settings)
    # (with --report-only: every cached seed of these settings)
    seeds = _seeds(args)
    return [
        r
        for r in cache.values()
        if r["dataset"] in names
        and r["split"] in splits
        and r["method"] in methods
        and (args.report_only or r.get("seed", 0) in seeds)
        and r["key"] == settings_key(r["method"], args, r.get("seed", 0))
    ]


def _paper_summary(table: pd.DataFrame, cols: list[str]) -> list[str]:
    """Per method, on the paper split: on how many data sets its (mean) MAE is below
    min(paper SC, paper TL), and the median of MAE / that minimum (JARVIS and experimental sets
    counted separately)."""
    if "paper" not in table.index.get_level_values("split"):
        return []
    paper = table.xs("paper", level="split")
    best = paper[["paper_best_sc_mae", "paper_best_tl_mae"]].min(axis=1)
    out = ["| method (paper split) | sets | beats min(paper SC, TL) | median MAE / paper best |",
           "|---|---|---|---|"]  # fmt: skip
    for c in cols:
        if c == "base":
            continue
        for kind, mask in (("JARVIS", ~paper.index.str.startswith("expt_")),
                           ("experimental", paper.index.str.startswith("expt_"))):  # fmt: skip
            ok = mask & paper[c].notna() & best.notna()
            if ok.any():
                ratio = paper.loc[ok, c] / best[ok]
                out.append(f"| {c} | {kind} {int(ok.sum())} | {int((ratio < 1).sum())} "
                           f"| {ratio.median():.3f} |")  # fmt: skip
    return out


def write_report(records: list[dict], args) -> None:
    data_home = get_data_home(args.data_home)
    manifest = load_manifest(data_home)
    out = Path(args.out)
    df = pd.DataFrame(records)
    if df.empty:
        return
    table = df.pivot_table(index=["dataset", "split"], columns="method", values="mae")
    std = df.pivot_table(index=["dataset", "split"], columns="method", values="mae", aggfunc="std")
    cnt = df.pivot_table(
        index=["dataset", "split"], columns="method", values="mae", aggfunc="count"
    )
    cols = [c for c in ["base", "scratch"] if c in table.columns]
    cols += sorted(c for c in table.columns if c not in cols)
    table = table[cols].sort_index(level=[0, 1], ascending=[True, False])  # paper, then grouped
    paper = manifest[["paper_name", "unit", "paper_base_mae", "paper_best_sc_mae",
                      "paper_best_tl_mae"]]  # fmt: skip
    table = table.join(paper, on="dataset")
    n = df.groupby(["dataset", "split"])[["n_train", "n_test"]].first()
    table = table.join(n)

    def cell(idx, c):
        m = table.loc[idx, c]
        if pd.isna(m):
            return ""
        k = cnt.loc[idx, c] if c in cnt.columns and idx in cnt.index else 1
        if k > 1:
            return f"{m:.4g} ± {std.loc[idx, c]:.2g} ({int(k)})"
        return f"{m:.4g}"

    lines = [
        "| data set | split | n train / test | unit | "
        + " | ".join(cols)
        + " | paper base | paper SC | paper TL |",
        "|---" * (len(cols) + 7) + "|",
    ]
    for idx, r in table.iterrows():
        ds, split = idx
        vals = " | ".join(cell(idx, c) for c in cols)
        ref = " | ".join(
            f"{r[c]:.4g}" if split == "paper" else "–"
            for c in ("paper_base_mae", "paper_best_sc_mae", "paper_best_tl_mae")
        )
        lines.append(
            f"| {r['paper_name']} (`{ds}`) | {split} | {int(r['n_train'])} / {int(r['n_test'])} "
            f"| {r['unit']} | {vals} | {ref} |"
        )
    lines += ["", *_paper_summary(table, cols)]
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]
    header = [
        "# Cross-property benchmark results (test MAE)",
        "",
        "Generated by `benchmarks/cross_property/benchmark.py` from `results.jsonl`"
        f" (table hash {digest}). Paper columns: Gupta et al. 2021, Table 4/5, via",
        "`crossprop/datasets_manifest.csv` (their SC/TL are the best of many configurations and",
        "full-size ElemNet sources trained on OQMD; see docs/cross_property.md for our settings).",
        "Settings per method are in the `key` field of each cached record; `m ± s (k)` is the",
        "mean ± std over k seeds (for `grouped`, each seed is also a different re-split). Paper",
        "numbers exist only for the paper split.",
        "",
    ]
    (out / f"{args.report_name}.md").write_text("\n".join(header + lines) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover
        return
    methods = [c for c in cols if c != "base"]
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(table)), 4))
    labels = [f"{i[0]}\n{i[1]}" for i in table.index]
    width = 0.8 / (len(methods) + 1)
    x = np.arange(len(table))
    ref = table["paper_best_tl_mae"].to_numpy()
    for k, m in enumerate(methods):
        ax.bar(x + k * width, table[m].to_numpy() / ref, width, label=m)
    ax.bar(x + len(methods) * width, table["paper_best_sc_mae"].to_numpy() / ref, width,
           label="paper SC", color="grey")  # fmt: skip
    ax.axhline(1.0, color="k", lw=0.8, ls="--", label="paper TL")
    ax.set_xticks(x + 0.4 - width / 2, labels, fontsize=7)
    ax.set_ylim(0, 3)  # bars above 3x the paper's TL MAE are clipped
    ax.set_ylabel("test MAE / paper TL MAE (clipped at 3)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / f"{args.report_name}.png", dpi=120)
    plt.close(fig)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--datasets", default="all", help="comma list of folder names, or 'all'")
    p.add_argument("--methods", default="base,scratch,tl:elemnet-small-mp-eform")
    p.add_argument("--split", default="both", choices=["paper", "grouped", "both"])
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--patience", type=int, default=30)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--variant", default="elemnet-small", choices=["elemnet", "elemnet-small"])
    p.add_argument("--feature-layers", default="-3,-1")
    p.add_argument(
        "--hull-phases",
        default="lower-order",
        choices=["lower-order", "exclude-formula", "all"],
        help="reference phases of the delta+ baseline (ReferenceHullEnergy phases=); 'all' "
        "includes the query's own MP formula: for experimental targets only (computed -> "
        "experimental transfer); on the JARVIS sets it would put the target compounds in the source",
    )
    p.add_argument("--device", default="auto")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument(
        "--seeds",
        default="0",
        help="comma list; each seed = one repetition "
        "(model seed, and the re-split seed of the grouped split)",
    )
    p.add_argument("--data-home", default=None)
    p.add_argument("--report-name", default="results", help="basename of the .md/.png report")
    p.add_argument(
        "--report-only", action="store_true", help="only rebuild results.md/png from the cache"
    )
    p.add_argument("--out", default=str(DEFAULT_OUT))
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    records = run(args)
    write_report(records, args)
    print(f"report: {Path(args.out) / (args.report_name + '.md')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
