"""Pretraining of ElemNet source models for cross-property transfer.

Python API: :func:`pretrain_elemnet` (returns the fitted model and its model card) and
:func:`save_source` (writes ``weights.pt`` + ``card.json`` for the registry). Command line::

    skcromel pretrain elemnet --data mp_e_form.csv --formula-col formula --target-col target \
        --exclude exclude.txt --out skcromel/pretrained/my-source --epochs 300 --device cuda

**Exclusion.** A source must never have seen a composition of a benchmark target set. Rows of
the pretraining table that are *near duplicates* of a listed composition are removed
(:mod:`skcromel.matching`: same element set, normalised atomic fractions within ``tol = 0.005``;
``Co0.834Gd0.166`` excludes GdCo5, ``Fe2O3`` excludes ``Fe4O6``). :func:`benchmark_compositions`
lists the compositions of every benchmark set of the catalogue (41 CrossPropertyTL sets, the
experimental sets, matbench's experimental tasks, the CE perovskites) plus the other copies of
those sets in the data home; :func:`exclude_near_duplicates` applies the rule and returns the
counts every model card records. The validation split is grouped by near-duplicate group too.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import GroupShuffleSplit

from ..config import get_data_home
from ..elements import ELEMNET_ELEMENTS
from ..matching import DEFAULT_TOL, find_near_duplicates, near_duplicate_groups
from ..nn import elemnet, elemnet_spec
from ..parsing import as_composition_array, to_element_matrix
from ..registry import CARD_FILE, _scan_sources, register_source, save_pretrained
from ._estimators import ELEMNET_INPUT, ElemNetRegressor
from ._estimators import _fractions as _fractions_of

__all__ = [
    "EXCLUSION_RULE",
    "EXPERIMENTAL_TARGETS",
    "audit_source_leaks",
    "benchmark_compositions",
    "benchmark_target_formulas",
    "composition_set_sha256",
    "exclude_near_duplicates",
    "source_cards",
    "source_table",
    "source_training_compositions",
    "exclusion_rule",
    "float16_check",
    "prepare_pretraining_data",
    "pretrain_elemnet",
    "pretrain_elemnet_multitask",
    "read_exclude_file",
    "register_data_home_sources",
    "save_source",
    "write_exclude_file",
]

#: The exclusion rule as recorded in model cards (``{tol}`` is the tolerance).
EXCLUSION_RULE = "near-duplicate: same elements, max |dx| <= {tol:g}"


def exclusion_rule(tol: float = DEFAULT_TOL) -> str:
    """The rule string of the model cards, e.g. ``"near-duplicate: same elements, max |dx| <=
    0.005"``."""
    return EXCLUSION_RULE.format(tol=tol)


def read_exclude_file(path: str | os.PathLike) -> list[str]:
    """Compositions from a text file: one per line, blank lines and ``#`` comments ignored."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(line)
    return out


# (relative path, column) of the experimental target files excluded before the catalogue-based
# exclusion existed; kept for reference (all of them are in the catalogue or BENCHMARK_COPIES).
EXPERIMENTAL_TARGETS = (
    ("cromel/dataset/tgt_exp/efe.xlsx", "composition"),
    ("crabnet/data/matbench/expt_gap.csv", "formula"),
    (
        "expt_other/mastml_metallic_glass_trg/Metallic_Glass_Forming_with_features2.csv",
        "Material compositions",
    ),
    ("expt_ngs00/simd/dataset/estm.csv", "Formula"),
    ("expt_ngs00/DopNet/dataset/mrl.csv", "Formula"),
    ("matminer_csv/expt_formation_enthalpy_kingsbury.csv", "formula"),
)
#: CrossPropertyTL data sets (39 JARVIS-DFT + 2 experimental), relative to the data home.
CROSSPROP_DIR = "crossprop/CrossPropertyTL/data"

_BENCH_CACHE: dict = {}


def _unique_strings(values) -> np.ndarray:
    vals = [str(v).strip() for v in values]
    seen = dict.fromkeys(v for v in vals if v and v.lower() != "nan")
    return np.array(list(seen), dtype=object)


def _read_benchmark_set(name: str, home: Path) -> np.ndarray:
    """Composition strings of one catalogue dataset, read with the catalogue's reader (the same
    corrections as :func:`skcromel.datasets.load_dataset`, sha256 checked)."""
    from ..datasets._catalogue import get_dataset_info
    from ..datasets._loaders import _READERS, ensure_files

    info = get_dataset_info(name)
    if info.embedded:
        X, _, _ = _READERS[info.reader](info, home, True)
    else:
        paths = ensure_files(info, home, verify=True)
        X, _, _ = _READERS[info.reader](info, paths, **info.reader_kwargs)
    return _unique_strings(X["composition"])


def benchmark_compositions(
    data_home=None,
    *,
    keep: Iterable[str] = (),
    copies: bool = True,
    on_missing: str = "raise",
) -> dict[str, np.ndarray]:
    """Compositions of every benchmark target set: what no pretrained source may have seen.

    The sets are the catalogue's evaluation targets
    (:func:`skcromel.datasets._catalogue.benchmark_dataset_names`: the 41 CrossPropertyTL sets,
    the experimental-14 suite, the other experimental sets, matbench's experimental tasks, the
    CE perovskites) and, with ``copies=True``, the other files of the data home that hold copies
    of them (:data:`~skcromel.datasets._catalogue.BENCHMARK_COPIES`: the CSV spellings of
    Kingsbury, Trg, ESTM and MRL, the raw Kim and Zhuo tables, CrabNet's matbench copies).

    Parameters
    ----------
    data_home : path-like, optional
        Default ``$SKCROMEL_DATA_HOME`` (:func:`skcromel.config.get_data_home`).
    keep : iterable of str
        Sets whose key contains one of these strings are left out (experiments that measure what
        the exclusion costs; never for shipped sources).
    copies : bool, default=True
        Include :data:`BENCHMARK_COPIES`.
    on_missing : {"raise", "skip"}, default="raise"
        A missing file raises :class:`~skcromel.exceptions.DataNotFoundError` (an incomplete
        exclusion would make a source unfair), or the set is left out with a warning.

    Returns
    -------
    dict
        Set key (catalogue name, or ``"file:<path>"`` for a copy) -> array of the distinct
        composition strings of that set, in order of first appearance.
    """
    import warnings

    import pandas as pd

    from ..datasets._catalogue import BENCHMARK_COPIES, benchmark_dataset_names
    from ..exceptions import DataNotFoundError

    if on_missing not in ("raise", "skip"):
        raise ValueError(f"on_missing must be 'raise' or 'skip', got {on_missing!r}")
    home = get_data_home(data_home)
    keep = tuple(keep)
    out: dict[str, np.ndarray] = {}
    missing = []
    keys = [(n, None) for n in benchmark_dataset_names()]
    if copies:
        keys += [(f"file:{rel}", (rel, col)) for rel, col in BENCHMARK_COPIES]
    for key, copy in keys:
        if any(k in key for k in keep):
            continue
        cache_key = (str(home.resolve()), key)
        if cache_key not in _BENCH_CACHE:
            try:
                if copy is None:
                    vals = _read_benchmark_set(key, home)
                else:
                    path = home / copy[0]
                    if not path.is_file():
                        raise DataNotFoundError(f"benchmark copy {path} not found")
                    vals = _unique_strings(pd.read_csv(path)[copy[1]])
            except DataNotFoundError as exc:
                if on_missing == "raise":
                    raise DataNotFoundError(
                        f"benchmark set {key!r} is not in the data home {home}: every benchmark "
                        f"composition must be known to exclude it from a source ({exc})"
                    ) from exc
                missing.append(key)
                continue
            _BENCH_CACHE[cache_key] = vals
        out[key] = _BENCH_CACHE[cache_key].copy()
    if missing:
        warnings.warn(
            f"{len(missing)} benchmark sets missing from {home} and left out: "
            + ", ".join(missing),
            stacklevel=2,
        )
    return out


def benchmark_target_formulas(
    data_home=None, keep: Iterable[str] = ()
) -> tuple[list[str], dict[str, int]]:
    """All benchmark compositions as one sorted list (the ``--exclude`` file of the CLI).

    The union of :func:`benchmark_compositions` (missing sets are skipped and counted as ``-1``);
    apply it with the near-duplicate rule (:func:`exclude_near_duplicates`,
    ``pretrain_elemnet(exclude=...)``), not by string equality.

    Returns
    -------
    compositions : sorted list of str
        Distinct composition strings as spelled in the sets.
    counts : dict
        Distinct compositions per set (``-1`` missing; sets left out by ``keep`` count ``0``).
    """
    import warnings

    from ..datasets._catalogue import BENCHMARK_COPIES, benchmark_dataset_names

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sets = benchmark_compositions(data_home, on_missing="skip")
    keep = tuple(keep)
    counts: dict[str, int] = {}
    union: set[str] = set()
    for key in [*benchmark_dataset_names(), *(f"file:{r}" for r, _ in BENCHMARK_COPIES)]:
        if any(k in key for k in keep):
            counts[key] = 0
        elif key not in sets:
            counts[key] = -1
        else:
            counts[key] = len(sets[key])
            union.update(sets[key])
    return sorted(union), counts


def composition_set_sha256(values) -> str:
    """sha256 of the sorted distinct composition strings (one per line): a fingerprint of a
    source's training compositions, recorded in its card and re-checked by the leak test."""
    uniq = sorted({str(v) for v in values})
    return hashlib.sha256("\n".join(uniq).encode("utf-8")).hexdigest()


def _rows_per_set(removed, benchmark: dict, union: np.ndarray, tol: float) -> dict[str, int]:
    """Removed rows that are near duplicates of each set (one pair search over all sets)."""
    from scipy import sparse

    from ..matching import near_duplicate_pairs

    if not len(removed) or not len(union):
        return dict.fromkeys(benchmark, 0)
    uniq, inv = np.unique(np.asarray([str(v) for v in removed], dtype=object), return_inverse=True)
    n_r, n_u = len(uniq), len(union)
    pairs = near_duplicate_pairs(np.concatenate([uniq, union]), tol=tol, on_error="nan")
    pairs = pairs[(pairs[:, 0] < n_r) & (pairs[:, 1] >= n_r)]
    match = sparse.csr_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1] - n_r)), shape=(n_r, n_u)
    )
    where = {v: i for i, v in enumerate(union)}
    keys = list(benchmark)
    rows, cols = [], []
    for j, key in enumerate(keys):
        ids = [where[v] for v in _unique_strings(benchmark[key]) if v in where]
        rows += ids
        cols += [j] * len(ids)
    member = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_u, len(keys)))
    hits = ((match @ member) > 0).astype(np.int64)  # unique removed composition x set
    weight = np.bincount(inv.ravel(), minlength=n_r)
    counts = np.asarray(hits.T @ weight).ravel()
    return {k: int(c) for k, c in zip(keys, counts)}


_LEGACY_SET_KEYS = {  # set names of cards written before the catalogue-based exclusion
    "efe": "efe",
    "expt_gap": "file:crabnet/data/matbench/expt_gap.csv",
    "kingsbury": "kingsbury_formation_enthalpy",
    "cromel/dataset/tgt_exp/efe.xlsx": "efe",
}


def _legacy_key(key: str) -> str:
    if key.startswith("crossprop/"):
        return "crossprop_" + key.split("/", 1)[1]
    return _LEGACY_SET_KEYS.get(key, f"file:{key}")


def _card_exclusion(card: dict) -> tuple[float, list | None]:
    """(tolerance, benchmark set keys or None for all) of a card's exclusion record.

    Cards written before the near-duplicate rule excluded identical reduced formulas of the sets
    they list (ElemNet: ``exclusion.target_sets``; CroMEL: ``excluded_formulas.per_target_set``):
    ``tol = 0`` over those sets."""
    ex = (card.get("data") or {}).get("exclusion") or {}
    rule = str(ex.get("rule") or "")
    if ex.get("tol") is not None and rule.startswith("near-duplicate"):
        return float(ex["tol"]), list(ex.get("datasets") or [])
    legacy = ex.get("target_sets") or (card.get("excluded_formulas") or {}).get("per_target_set")
    if legacy:
        return 0.0, sorted({_legacy_key(k) for k, n in legacy.items() if n and n > 0})
    return 0.0, None


def _elemnet_usable(values) -> np.ndarray:
    """Rows whose composition ElemNet can featurize (parsed once per distinct string)."""
    import warnings

    uniq, inv = np.unique(np.asarray(values).astype(str), return_inverse=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unusable rows are the point here
        frac = to_element_matrix(uniq.astype(object), ELEMNET_ELEMENTS, on_error="nan")
    return (~np.isnan(frac).any(axis=1))[inv.ravel()]


def source_table(card: dict, data_home=None) -> tuple[np.ndarray, np.ndarray]:
    """Compositions of every row of a source's pretraining table, as its card describes them.

    ElemNet cards name their CSV file(s) (``data.file``: ``formula``, ``target``); structure
    sources (CroMEL) list ``data.composition_sources`` (file, formula column, rows kept) and
    ``data.composition_overrides`` (rows whose structure has another composition than the label).

    Returns
    -------
    compositions : ndarray of str, one per row
    usable : ndarray of bool
        Rows the trainer can use (finite target, all elements among ElemNet's 86 for ElemNet
        sources; every row for structure sources).
    """
    import tarfile

    import pandas as pd

    from ..datasets._catalogue import STRUCTURE_POOLS

    home = get_data_home(data_home)
    data = card.get("data") or {}
    specs = data.get("composition_sources")
    if not specs and data.get("sources") and not data.get("file"):
        # structure source card without the table spec (written before it): the known pools
        unknown = [p for p in data["sources"] if p not in STRUCTURE_POOLS]
        if unknown:
            raise ValueError(f"card {card.get('name')!r}: unknown structure pools {unknown}")
        specs = [{"pool": p, **STRUCTURE_POOLS[p]} for p in data["sources"]]
    if specs:
        out = []
        for spec in specs:
            files = spec["file"] if isinstance(spec["file"], list) else [spec["file"]]
            df = pd.concat([pd.read_csv(home / f) for f in files], ignore_index=True)
            if spec.get("dropna"):
                df = df.dropna(subset=spec["dropna"])
            labels = df[spec["column"]].astype(str)
            if spec.get("tar_members"):
                with tarfile.open(home / spec["tar_members"]) as tf:
                    members = [
                        m.name.rsplit("/", 1)[-1][:-4]
                        for m in tf.getmembers()
                        if m.name.endswith(".cif")
                    ]
                present = set(labels)
                labels = pd.Series([m for m in members if m in present], dtype=object)
            out.extend(labels)
        overrides = data.get("composition_overrides") or {}
        comps = np.array([overrides.get(v, v) for v in out], dtype=object)
        return comps, np.ones(len(comps), dtype=bool)
    if data.get("tables"):  # multi-task: every table's rows, stacked in order
        groups = [t["file"] for t in data["tables"]]
    elif data.get("file"):
        groups = [data["file"]]
    else:
        raise ValueError(f"card {card.get('name')!r} names no data file")
    files = [f for g in groups for f in ([g] if isinstance(g, str) else list(g))]
    df = pd.concat(
        [pd.read_csv(home / f, keep_default_na=False, na_values=[""]) for f in files],
        ignore_index=True,
    )
    values = df["formula"].astype(str).to_numpy(dtype=object)
    usable = _elemnet_usable(values) & np.isfinite(df["target"].to_numpy(dtype=float))
    return values, usable


def source_training_compositions(card: dict, data_home=None, *, benchmark=None) -> np.ndarray:
    """Rebuild the compositions a source was trained on from its card (data files + exclusion).

    The rows of :func:`source_table` minus the near duplicates, under the card's tolerance, of
    the benchmark sets the card lists (of :func:`benchmark_compositions`, or ``benchmark``).
    Cards of the earlier exact-formula exclusion are rebuilt with ``tol = 0`` against every
    benchmark set: a subset of what such a source saw, so any near duplicate left is a real leak.
    Training + validation rows together (what :func:`composition_set_sha256` fingerprints in the
    card's ``training_compositions_sha256``).
    """
    values, usable = source_table(card, data_home)
    tol, keys = _card_exclusion(card)
    if benchmark is None:
        benchmark = benchmark_compositions(data_home)
    if keys is not None:
        missing = [k for k in keys if k not in benchmark and k != "list"]
        if missing:
            raise ValueError(f"benchmark sets of the card not available: {missing}")
        benchmark = {k: benchmark[k] for k in keys if k in benchmark}
    hit, _ = exclude_near_duplicates(values, benchmark, tol=tol)
    return values[usable & ~hit]


def source_cards(
    data_home=None, *, shipped: bool = True, data_home_sources: bool = True, folders=()
):
    """``{name: card}`` of the shipped sources, of those built into
    ``<data home>/skcromel_sources/<name>/`` (the zoo sources too large for the wheel) and of
    the sources in ``folders`` (each holding ``<name>/card.json``)."""
    found = _scan_sources(
        data_home, extra=folders, shipped=shipped, data_home_sources=data_home_sources, strict=True
    )
    return {
        name: json.loads((path / CARD_FILE).read_text(encoding="utf-8"))
        for name, path in found.items()
    }


def register_data_home_sources(data_home=None, *, folder: str | os.PathLike | None = None):
    """Register every source built into ``<data home>/skcromel_sources/<name>/`` (or ``folder``)
    with :func:`skcromel.registry.register_source`, so ``load_pretrained(name)`` finds it.

    Returns the registered names (empty when the folder does not exist).
    """
    found = _scan_sources(
        data_home,
        extra=() if folder is None else (folder,),
        shipped=False,
        data_home_sources=folder is None,
        strict=True,
    )
    for name, path in found.items():
        register_source(name, path)
    return list(found)


def audit_source_leaks(cards: dict | None = None, data_home=None, *, tol: float = DEFAULT_TOL):
    """Overlap of every source's training compositions with every benchmark set.

    For each card, the training compositions are rebuilt from the data files and the card's own
    exclusion record (:func:`source_training_compositions`); they are then matched against every
    benchmark set of :func:`benchmark_compositions` with the near-duplicate rule at ``tol``.
    Sources that share tables are matched together (one pass per rule), so the whole zoo takes
    seconds.

    Parameters
    ----------
    cards : dict of name -> card, optional
        Default :func:`source_cards` (shipped + data-home sources).

    Returns
    -------
    pandas.DataFrame
        One row per source: ``n_training_compositions``, ``n_expected`` (from the card),
        ``sha256_matches`` (rebuilt fingerprint equals the card's; ``None`` when the card has
        none), ``rule`` (the card's), ``n_near_duplicates`` (rebuilt rows with a near duplicate
        in a benchmark set), ``overlap`` (set -> rows, nonzero only), ``examples`` (a few rows).
    """
    import pandas as pd

    if cards is None:
        cards = source_cards(data_home)
    bench = benchmark_compositions(data_home)
    bench_union = _unique_strings(np.concatenate([v for v in bench.values()]))
    tables, by_files = {}, {}
    for n, c in cards.items():  # sources built on the same files share one read
        d = c.get("data") or {}
        key = json.dumps([d.get("file"), d.get("tables"), d.get("composition_sources"),
                          d.get("sources"), d.get("composition_overrides")], sort_keys=True)  # fmt: skip
        if key not in by_files:
            by_files[key] = source_table(c, data_home)
        tables[n] = by_files[key]
    rebuilt: dict[str, np.ndarray] = {}
    checked: set[str] = set()  # sources whose own rule is the audit's rule over every set
    by_rule: dict = {}
    for name, card in cards.items():
        by_rule.setdefault(tuple([_card_exclusion(card)[0], *(_card_exclusion(card)[1] or ["*"])]),
                           []).append(name)  # fmt: skip
    for rule, names in by_rule.items():
        rule_tol, keys = rule[0], list(rule[1:])
        sets = bench if keys == ["*"] else {k: bench[k] for k in keys if k in bench}
        missing = [] if keys == ["*"] else [k for k in keys if k not in bench and k != "list"]
        if missing:
            raise ValueError(f"benchmark sets named by the cards are not available: {missing}")
        ref = _unique_strings(np.concatenate([v for v in sets.values()])) if sets else []
        uniq = _unique_strings(np.concatenate([tables[n][0] for n in names]))
        hit_u = (
            find_near_duplicates(uniq, ref, tol=rule_tol, on_error="nan")
            if len(ref)
            else np.zeros(len(uniq), bool)
        )
        hit_of = dict(zip(uniq, hit_u))
        for n in names:
            values, usable = tables[n]
            hit = np.fromiter(
                (hit_of.get(str(v).strip(), False) for v in values), bool, len(values)
            )
            rebuilt[n] = values[usable & ~hit]
        if rule_tol == tol and (keys == ["*"] or set(bench) <= set(keys)):
            # the rebuild already removed every near duplicate of every set at ``tol``: the
            # check below would repeat the same matching on the same strings (it finds none)
            checked.update(names)
    todo = [n for n in rebuilt if n not in checked]
    every = _unique_strings(np.concatenate([rebuilt[n] for n in todo])) if todo else []
    leak_u = (
        find_near_duplicates(every, bench_union, tol=tol, on_error="nan")
        if len(every)
        else np.zeros(0, bool)
    )
    leak_of = dict(zip(every, leak_u))
    rows = []
    for name, card in cards.items():
        comps = rebuilt[name]
        leak = np.fromiter((leak_of.get(str(v).strip(), False) for v in comps), bool, len(comps))
        overlap = {}
        if leak.any():
            _, info = exclude_near_duplicates(comps[leak], bench, tol=tol)
            overlap = {k: v for k, v in info["n_rows_removed_per_dataset"].items() if v}
        data = card.get("data") or {}
        expected = data.get("n_rows_pool")
        if expected is None and "n_rows_train" in data:
            expected = data["n_rows_train"] + data.get("n_rows_validation", 0)
        sha = data.get("training_compositions_sha256")
        rows.append(
            {
                "name": name,
                "rule": ((data.get("exclusion") or {}).get("rule")) or "reduced formula (legacy)",
                "n_training_compositions": len(comps),
                "n_expected": expected,
                "sha256_matches": None if sha is None else composition_set_sha256(comps) == sha,
                "n_near_duplicates": int(leak.sum()),
                "overlap": overlap,
                "examples": [str(v) for v in comps[leak][:5]],
            }
        )
    return pd.DataFrame(rows).set_index("name")


def exclude_near_duplicates(
    compositions,
    benchmark=None,
    *,
    tol: float = DEFAULT_TOL,
    data_home=None,
    usable=None,
) -> tuple[np.ndarray, dict]:
    """Rows of a pretraining table that are near duplicates of a benchmark composition.

    Parameters
    ----------
    compositions : compositions of the pretraining table (one per row)
    benchmark : dict of set name -> compositions, or one collection of compositions, optional
        Default :func:`benchmark_compositions` of ``data_home``.
    tol : float, default=0.005
        Near-duplicate tolerance (:func:`skcromel.matching.find_near_duplicates`); ``0`` is
        equality of reduced formulas.
    usable : array of bool, optional
        Rows that would otherwise be used; counts only include those (default: all rows).

    Returns
    -------
    hit : ndarray of bool
        True for the rows to remove.
    info : dict
        ``rule``, ``tol``, ``datasets`` (set -> distinct compositions), ``n_compositions_in_list``,
        ``n_rows_removed``, ``n_compositions_removed`` (distinct strings),
        ``n_rows_removed_per_dataset`` (a row near several sets counts for each).
    """
    values, _ = as_composition_array(compositions)
    if benchmark is None:
        benchmark = benchmark_compositions(data_home)
    if not isinstance(benchmark, dict):
        benchmark = {"list": _unique_strings(as_composition_array(benchmark)[0])}
    usable = np.ones(len(values), bool) if usable is None else np.asarray(usable, bool)
    union = _unique_strings(
        np.concatenate([np.asarray(v, dtype=object) for v in benchmark.values()])
        if benchmark
        else []
    )
    if len(union):
        hit = find_near_duplicates(values, union, tol=tol, on_error="nan")
    else:
        hit = np.zeros(len(values), dtype=bool)
    counted = hit & usable
    removed = values[counted]
    per_set = _rows_per_set(removed, benchmark, union, tol)
    info = {
        "rule": exclusion_rule(tol),
        "tol": float(tol),
        "datasets": {k: len(v) for k, v in benchmark.items()},
        "n_compositions_in_list": len(union),
        "n_rows_removed": int(counted.sum()),
        "n_compositions_removed": len({str(v) for v in removed}),
        "n_rows_removed_per_dataset": per_set,
    }
    return hit, info


def write_exclude_file(formulas: Iterable[str], path: str | os.PathLike) -> Path:
    """Write compositions one per line (the format of ``--exclude``; applied with the
    near-duplicate rule)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# compositions of benchmark target sets (derived; do not ship)\n"
        + "\n".join(formulas)
        + "\n",
        encoding="utf-8",
    )
    return path


def _mae(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(a) - np.asarray(b))))


def float16_check(model: ElemNetRegressor, X_valid, y_valid) -> dict:
    """Validation MAE with float32 weights and with weights rounded to float16."""
    module = model.net_.module_
    state = {k: v.detach().clone() for k, v in module.state_dict().items()}
    mae32 = _mae(model.predict(X_valid), y_valid)
    try:
        module.load_state_dict({k: v.half().float() for k, v in state.items()})
        mae16 = _mae(model.predict(X_valid), y_valid)
    finally:
        module.load_state_dict(state)
    return {
        "validation_mae_float32": mae32,
        "validation_mae_float16": mae16,
        "relative_change": (mae16 - mae32) / mae32 if mae32 > 0 else 0.0,
    }


def _resolve_exclude(exclude):
    """(benchmark dict or None, extra card info) from the ``exclude`` argument."""
    if exclude is None:
        return None, {}
    if isinstance(exclude, dict):
        return exclude, {}
    if isinstance(exclude, str | os.PathLike):
        path = Path(exclude)
        if not path.is_file():
            raise FileNotFoundError(f"exclusion file not found: {exclude}")
        info = {"file": path.name, "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
        return {path.name: read_exclude_file(path)}, info
    return {"list": list(exclude)}, {}


def prepare_pretraining_data(
    compositions,
    y,
    *,
    exclude: Iterable[str] | dict | str | os.PathLike | None = None,
    exclude_tol: float = DEFAULT_TOL,
    validation_fraction: float = 0.1,
    random_state: int = 0,
) -> dict:
    """Filter and split pretraining data exactly as :func:`pretrain_elemnet` does.

    Rows whose composition cannot be featurized (unparseable, element outside the 86 ElemNet
    elements) or whose target is not finite are dropped; rows that are near duplicates of a
    composition in ``exclude`` are removed (:func:`exclude_near_duplicates`); the rest is split
    into train / validation by near-duplicate group (``GroupShuffleSplit``), so that no compound
    is on both sides. Deterministic given ``random_state`` (used to check shipped cards).

    Parameters
    ----------
    exclude : dict of set name -> compositions, iterable of compositions, or path of a file
        with one composition per line, optional
    exclude_tol : float, default=0.005
        Near-duplicate tolerance of the exclusion (``0``: identical reduced formulas only).

    Returns
    -------
    dict
        ``values`` (compositions), ``y``, ``train_idx``, ``valid_idx``, ``n_input``,
        ``n_unusable``, ``exclusion`` (the card's exclusion record).
    """
    values, _ = as_composition_array(compositions)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if len(values) != len(y):
        raise ValueError(f"{len(values)} compositions but {len(y)} targets")
    frac = to_element_matrix(values, ELEMNET_ELEMENTS, on_error="nan")
    usable = ~np.isnan(frac).any(axis=1) & np.isfinite(y)
    n_unusable = int((~usable).sum())

    benchmark, extra = _resolve_exclude(exclude)
    if benchmark is None:
        exclude_info: dict = {"rule": None, "n_rows_removed": 0}
    else:
        hit, exclude_info = exclude_near_duplicates(
            values, benchmark, tol=exclude_tol, usable=usable
        )
        exclude_info.update(extra)
        usable &= ~hit

    idx = np.flatnonzero(usable)
    if idx.size < 2:
        raise ValueError(f"only {idx.size} usable rows left after filtering and exclusion")
    groups = near_duplicate_groups(values[idx], tol=DEFAULT_TOL)
    splitter = GroupShuffleSplit(
        n_splits=1, test_size=validation_fraction, random_state=random_state
    )
    tr, va = next(splitter.split(idx, groups=groups))
    return {
        "values": values,
        "y": y,
        "train_idx": idx[tr],
        "valid_idx": idx[va],
        "n_input": len(values),
        "n_unusable": n_unusable,
        "exclusion": exclude_info,
    }


# ------------------------------------------------------------------------------------------
# training loop: plain torch, masked MAE (one or several targets), early stopping, wall-clock
# budget, a checkpoint every epoch (resumable), one progress line per epoch
# ------------------------------------------------------------------------------------------
def _masked_mae(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    mask = ~torch.isnan(target)
    return (pred[mask] - target[mask]).abs().mean()


def _per_task_mae(module, X: torch.Tensor, Y: torch.Tensor, batch: int = 8192) -> np.ndarray:
    """MAE per target column (standardised units), NaN entries ignored."""
    module.eval()
    k = Y.shape[1]
    abs_sum = torch.zeros(k, dtype=torch.float64)
    count = torch.zeros(k, dtype=torch.float64)
    with torch.no_grad():
        for i in range(0, len(X), batch):
            pred = module(X[i : i + batch])
            tgt = Y[i : i + batch]
            mask = ~torch.isnan(tgt)
            err = torch.where(mask, (pred - torch.nan_to_num(tgt)).abs(), 0.0)
            abs_sum += err.sum(0).double().cpu()
            count += mask.sum(0).double().cpu()
    return (abs_sum / count.clamp(min=1)).numpy()


def _atomic_save(obj, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def train_masked(
    module: torch.nn.Module,
    X_train: np.ndarray,
    Y_train: np.ndarray,
    X_valid: np.ndarray,
    Y_valid: np.ndarray,
    *,
    max_epochs: int = 300,
    batch_size: int = 256,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    patience: int | None = 20,
    max_time: float | None = None,
    device: str = "cpu",
    seed: int = 0,
    checkpoint: str | os.PathLike | None = None,
    fingerprint: str = "",
    progress: bool | str = True,
) -> dict:
    """Train ``module`` on standardised targets with the MAE over the non-NaN entries.

    ``Y`` has one column per target (NaN where a row has no label: the masked loss of a
    multi-task trunk). Early stopping on the mean per-target validation MAE, best weights
    restored; ``max_time`` is a wall-clock budget in seconds summed over resumed runs.

    With ``checkpoint``, the module, optimizer, shuffling RNG, history and best weights are saved
    atomically after every epoch; a later call with the same ``fingerprint`` (data and
    optimisation settings) resumes from there, with its own stopping rules (``max_epochs``,
    ``patience``, ``max_time`` may be raised to extend a run); a different fingerprint raises
    instead of mixing two runs.

    Returns
    -------
    dict
        ``history`` (one dict per epoch: ``epoch``, ``train_loss``, ``valid_loss``,
        ``valid_mae`` per target, ``seconds``, ``rows_per_s``), ``best_epoch``,
        ``stopped_by`` (``"patience"``, ``"time_limit"``, ``"max_epochs"``), ``elapsed_s``,
        ``resumed_from_epoch``.
    """
    devices = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
    with torch.random.fork_rng(devices=devices):  # dropout draws from a seeded, saved RNG
        torch.manual_seed(int(seed))
        return _train_masked(
            module, X_train, Y_train, X_valid, Y_valid, max_epochs=max_epochs,
            batch_size=batch_size, lr=lr, weight_decay=weight_decay, patience=patience,
            max_time=max_time, device=device, seed=seed, checkpoint=checkpoint,
            fingerprint=fingerprint, progress=progress,
        )  # fmt: skip


def _train_masked(
    module, X_train, Y_train, X_valid, Y_valid, *, max_epochs, batch_size, lr, weight_decay,
    patience, max_time, device, seed, checkpoint, fingerprint, progress,
) -> dict:  # fmt: skip
    Xt = torch.as_tensor(np.asarray(X_train, dtype=np.float32), device=device)
    Yt = torch.as_tensor(np.asarray(Y_train, dtype=np.float32).reshape(len(Xt), -1), device=device)
    Xv = torch.as_tensor(np.asarray(X_valid, dtype=np.float32), device=device)
    Yv = torch.as_tensor(np.asarray(Y_valid, dtype=np.float32).reshape(len(Xv), -1), device=device)
    module.to(device)
    opt = torch.optim.Adam(module.parameters(), lr=float(lr), weight_decay=float(weight_decay))
    gen = torch.Generator().manual_seed(int(seed))
    state = {
        "epoch": 0,
        "history": [],
        "best_loss": float("inf"),
        "best_epoch": 0,
        "best_state": None,
        "misses": 0,
        "elapsed_s": 0.0,
        "stopped_by": None,
    }
    ckpt = Path(checkpoint) if checkpoint is not None else None
    resumed_from = 0
    if ckpt is not None and ckpt.is_file():
        saved = torch.load(ckpt, map_location=device, weights_only=False)
        if saved.get("fingerprint") != fingerprint:
            raise ValueError(
                f"checkpoint {ckpt} belongs to another run (data or settings differ); "
                "remove it or use another path"
            )
        module.load_state_dict(saved["module"])
        opt.load_state_dict(saved["optimizer"])
        gen.set_state(saved["generator"])
        torch.set_rng_state(saved["torch_rng"])
        if saved.get("cuda_rng") is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state(saved["cuda_rng"], device=device)
        state = saved["state"]
        resumed_from = state["epoch"]
    name = progress if isinstance(progress, str) else "train"
    n = len(Xt)
    if resumed_from and progress:
        print(f"[{name}] resumed from {ckpt} at epoch {resumed_from}", flush=True)
    state["stopped_by"] = None  # stopping rules are re-evaluated (a resumed run may extend them)
    while True:
        if patience is not None and state["misses"] >= patience:
            state["stopped_by"] = "patience"
        elif max_time is not None and state["elapsed_s"] >= max_time:
            state["stopped_by"] = "time_limit"
        elif state["epoch"] >= max_epochs:
            state["stopped_by"] = "max_epochs"
        if state["stopped_by"] is not None:
            break
        t0 = time.perf_counter()
        module.train()
        perm = torch.randperm(n, generator=gen).to(device)
        total, seen = 0.0, 0
        for i in range(0, n, batch_size):
            idx = perm[i : i + batch_size]
            loss = _masked_mae(module(Xt[idx]), Yt[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
            seen += len(idx)
        t_train = time.perf_counter() - t0
        maes = _per_task_mae(module, Xv, Yv)
        valid_loss = float(np.mean(maes))
        seconds = time.perf_counter() - t0
        state["epoch"] += 1
        state["elapsed_s"] += seconds
        row = {
            "epoch": state["epoch"],
            "train_loss": total / max(seen, 1),
            "valid_loss": valid_loss,
            "valid_mae": [float(m) for m in maes],
            "seconds": round(seconds, 3),
            "rows_per_s": round(n / t_train, 1),
        }
        state["history"].append(row)
        if valid_loss < state["best_loss"]:
            state["best_loss"], state["best_epoch"], state["misses"] = valid_loss, state["epoch"], 0
            state["best_state"] = {
                k: v.detach().cpu().clone() for k, v in module.state_dict().items()
            }
        else:
            state["misses"] += 1
        if progress:
            star = "*" if state["best_epoch"] == state["epoch"] else " "
            print(
                f"[{name}] epoch {state['epoch']:4d} train {row['train_loss']:.4f} "
                f"valid {valid_loss:.4f}{star} {row['rows_per_s']:9.0f} rows/s "
                f"{state['elapsed_s']:7.0f} s",
                flush=True,
            )
        if ckpt is not None:
            ckpt.parent.mkdir(parents=True, exist_ok=True)
            _atomic_save(
                {
                    "fingerprint": fingerprint,
                    "module": module.state_dict(),
                    "optimizer": opt.state_dict(),
                    "generator": gen.get_state(),
                    "torch_rng": torch.get_rng_state(),
                    "cuda_rng": (
                        torch.cuda.get_rng_state(device) if str(device).startswith("cuda") else None
                    ),
                    "state": state,
                },
                ckpt,
            )
    if state["best_state"] is not None:
        module.load_state_dict(state["best_state"])
    module.eval()
    return {
        "history": state["history"],
        "best_epoch": state["best_epoch"],
        "stopped_by": state["stopped_by"],
        "elapsed_s": state["elapsed_s"],
        "resumed_from_epoch": resumed_from,
    }


def _fitted_regressor(module, variant, y_mean, y_scale, device, history, settings):
    """An :class:`ElemNetRegressor` around a module trained by :func:`train_masked`."""
    from skorch import NeuralNetRegressor

    model = ElemNetRegressor(variant, **settings)
    net = NeuralNetRegressor(
        module=module.cpu(),
        criterion=torch.nn.L1Loss,
        train_split=None,
        iterator_valid__batch_size=8192,
        device="cpu",
    ).initialize()
    for row in history:
        net.history.new_epoch()
        for k in ("epoch", "train_loss", "valid_loss"):
            net.history.record(k, row[k])
    model.net_ = net
    model.device_ = device
    model.y_mean_, model.y_scale_ = float(y_mean), float(y_scale)
    model.n_epochs_ = len(history)
    return model


def pretrain_elemnet(
    compositions,
    y,
    *,
    exclude: Iterable[str] | dict | str | os.PathLike | None = None,
    exclude_tol: float = DEFAULT_TOL,
    name: str = "elemnet-custom",
    variant: str = "elemnet-small",
    max_epochs: int = 300,
    batch_size: int = 256,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    validation_fraction: float = 0.1,
    patience: int | None = 20,
    max_time: float | None = None,
    device: str = "auto",
    random_state: int = 0,
    progress: bool = True,
    checkpoint: str | os.PathLike | None = None,
    target: str | None = None,
    unit: str | None = None,
    data_description: str | None = None,
) -> tuple[ElemNetRegressor, dict]:
    """Train an ElemNet source model on a large composition -> property data set.

    Parameters
    ----------
    compositions : collection of compositions
    y : array-like of shape (n_samples,)
    exclude : dict of set name -> compositions, iterable of compositions, or path of a file
        with one composition per line, optional
        Benchmark compositions: every row that is a near duplicate of one of them is removed
        before training (:func:`exclude_near_duplicates`; :func:`benchmark_compositions` gives
        all benchmark sets of the catalogue). The card records the rule, tolerance, the sets
        and the rows removed per set.
    exclude_tol : float, default=0.005
        Tolerance of the near-duplicate rule.
    name : str
        Registry name recorded in the card.
    variant : {"elemnet", "elemnet-small"}
    max_epochs, batch_size, lr, weight_decay, patience, max_time, device, random_state, progress
        Training settings of :func:`train_masked` (Adam, MAE on the standardised target, early
        stopping with best weights restored); ``max_time`` is a wall-clock budget in seconds.
    checkpoint : path, optional
        Save the training state after every epoch there, and resume from it when it exists
        (same data and settings). Without it, nothing is written.
    validation_fraction : float
        Fraction of near-duplicate *groups* held out for early stopping and the reported validation MAE.
    target, unit, data_description : str, optional
        Recorded in the card.

    Returns
    -------
    model : ElemNetRegressor
        Fitted on the training part.
    card : dict
        Model card (without checksum: :func:`save_source` adds it).
    """
    t0 = time.perf_counter()
    prep = prepare_pretraining_data(
        compositions,
        y,
        exclude=exclude,
        exclude_tol=exclude_tol,
        validation_fraction=validation_fraction,
        random_state=random_state,
    )
    values, y, tr, va = prep["values"], prep["y"], prep["train_idx"], prep["valid_idx"]
    n_input, n_unusable, exclude_info = prep["n_input"], prep["n_unusable"], prep["exclusion"]

    from ..nn._training import resolve_device, seeded

    dev = resolve_device(device)
    y_tr = y[tr]
    y_mean = float(np.mean(y_tr))
    y_scale = float(np.std(y_tr)) or 1.0
    X_all = _fractions_of(values, on_error="nan")  # unusable rows are never indexed
    settings = {
        "max_epochs": max_epochs,
        "batch_size": batch_size,
        "lr": lr,
        "weight_decay": weight_decay,
        "patience": patience,
        "max_time": max_time,
        "random_state": random_state,
    }
    fingerprint = composition_set_sha256(values[tr]) + hashlib.sha256(y_tr.tobytes()).hexdigest()
    fingerprint += json.dumps(  # stopping rules (epochs, patience, time) may change on resume
        {
            "batch_size": batch_size,
            "lr": lr,
            "weight_decay": weight_decay,
            "variant": variant,
            "random_state": random_state,
            "n_valid": len(va),
        },
        sort_keys=True,
    )
    with seeded(int(random_state), dev):
        module = elemnet(variant, n_in=len(ELEMNET_ELEMENTS))
    run = train_masked(
        module,
        X_all[tr],
        ((y_tr - y_mean) / y_scale)[:, None],
        X_all[va],
        ((y[va] - y_mean) / y_scale)[:, None],
        max_epochs=max_epochs,
        batch_size=batch_size,
        lr=lr,
        weight_decay=weight_decay,
        patience=patience,
        max_time=max_time,
        device=dev,
        seed=int(random_state),
        checkpoint=checkpoint,
        fingerprint=fingerprint,
        progress=f"pretrain {name}" if progress else False,
    )
    model = _fitted_regressor(module, variant, y_mean, y_scale, dev, run["history"], settings)
    train_time = time.perf_counter() - t0
    history = run["history"]
    best_epoch = run["best_epoch"]
    fp16 = float16_check(model, values[va], y[va])
    mean_baseline = _mae(np.full(len(va), np.mean(y[tr])), y[va])
    rows_per_s = [r["rows_per_s"] for r in history]

    card = {
        "name": name,
        "description": (
            f"ElemNet ({variant}) source model trained on {data_description or 'user data'}"
            f" to predict {target or 'the target'}"
        ),
        "kind": "cross-property-source",
        "input": ELEMNET_INPUT,
        "input_elements": " ".join(ELEMNET_ELEMENTS),
        "architecture": elemnet_spec(variant),
        "n_parameters": int(sum(p.numel() for p in model.net_.module_.parameters())),
        "target": target,
        "unit": unit,
        "target_scaling": {"mean": model.y_mean_, "scale": model.y_scale_},
        "data": {
            "description": data_description,
            "n_rows_input": n_input,
            "n_rows_unusable": n_unusable,
            "exclusion": exclude_info,
            "n_rows_train": len(tr),
            "n_rows_validation": len(va),
            "training_compositions_sha256": composition_set_sha256(
                values[np.concatenate([tr, va])]
            ),
            "validation_split": (
                f"GroupShuffleSplit by near-duplicate group (tol {DEFAULT_TOL:g}), "
                f"test_size={validation_fraction}, random_state={random_state}"
            ),
        },
        "settings": {
            "optimizer": "adam",
            "loss": "mae",
            "training_loop": "skcromel.cross_property._pretrain.train_masked",
            "lr": lr,
            "weight_decay": weight_decay,
            "batch_size": batch_size,
            "max_epochs": max_epochs,
            "patience": patience,
            "max_time_s": max_time,
            "random_state": random_state,
            "target_standardized": True,
        },
        "training": {
            "epochs_run": len(history),
            "best_epoch": best_epoch,
            "stopped_by": run["stopped_by"],
            "stopped_by_time_limit": run["stopped_by"] == "time_limit",
            "resumed_from_epoch": run["resumed_from_epoch"],
            "train_seconds": round(run["elapsed_s"], 1),
            "rows_per_s_median": float(np.median(rows_per_s)) if rows_per_s else None,
            "validation_curve": [round(r["valid_loss"], 5) for r in history],
            "wall_time_s": round(train_time, 1),
            "device": model.device_,
            "torch_threads": torch.get_num_threads(),
            "machine": f"{platform.machine()} {platform.system()}",
        },
        "metrics": {
            "validation_mae": fp16["validation_mae_float32"],
            "validation_mae_mean_baseline": mean_baseline,
            "float16_check": fp16,
        },
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "torch_version": torch.__version__,
    }
    return model, card


def pretrain_elemnet_multitask(
    tables: dict,
    *,
    exclude: dict | None = None,
    exclude_tol: float = DEFAULT_TOL,
    name: str = "elemnet-multitask",
    variant: str = "elemnet-small",
    max_epochs: int = 300,
    batch_size: int = 256,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    validation_fraction: float = 0.1,
    patience: int | None = 20,
    max_time: float | None = None,
    device: str = "auto",
    random_state: int = 0,
    progress: bool = True,
    checkpoint: str | os.PathLike | None = None,
    data_description: str | None = None,
) -> tuple[torch.nn.Module, dict]:
    """One ElemNet trunk with a linear head per property, trained on the union of tables.

    Every table is filtered like :func:`pretrain_elemnet` (unusable rows, near duplicates of
    ``exclude``); rows of the same composition (identical normalised fractions) are merged into
    one training row whose label in each table's column is the mean of that table's values there
    (NaN where the table has no such composition). The loss is the MAE over the labelled entries
    of the standardised targets (:func:`train_masked`); early stopping on the mean per-head
    validation MAE. The validation split (``validation_fraction`` of the near-duplicate groups)
    is shared by all heads.

    Parameters
    ----------
    tables : dict
        ``{head name: {"compositions": ..., "y": ..., "unit": str, "description": str}}``.
    exclude, exclude_tol, name, variant, max_epochs, batch_size, lr, weight_decay,
    validation_fraction, patience, max_time, device, random_state, progress, checkpoint
        As in :func:`pretrain_elemnet`.

    Returns
    -------
    module : torch module (``MLP`` with ``n_out = len(tables)``), fitted, on CPU, eval mode
    card : dict
        Model card; ``heads`` lists each head's property, unit, scaling, rows and validation MAE.
    """
    import pandas as pd

    from ..nn._networks import module_from_spec
    from ..nn._training import resolve_device, seeded

    t0 = time.perf_counter()
    heads = list(tables)
    k = len(heads)
    if k < 1:
        raise ValueError("tables is empty")
    vals, ys, head_of = [], [], []
    for j, h in enumerate(heads):
        v, _ = as_composition_array(tables[h]["compositions"])
        yy = np.asarray(tables[h]["y"], dtype=np.float64).reshape(-1)
        if len(v) != len(yy):
            raise ValueError(f"table {h!r}: {len(v)} compositions but {len(yy)} targets")
        vals.append(v)
        ys.append(yy)
        head_of.append(np.full(len(v), j))
    values = np.concatenate(vals)
    y_all = np.concatenate(ys)
    head_of = np.concatenate(head_of)
    # tables share most compositions: featurize each distinct string once
    uniq_str, inv = np.unique(values.astype(str), return_inverse=True)
    frac_u = to_element_matrix(uniq_str.astype(object), ELEMNET_ELEMENTS, on_error="nan")
    frac_u = frac_u.astype(np.float32)
    usable = ~np.isnan(frac_u).any(axis=1)[inv] & np.isfinite(y_all)
    n_unusable = {h: int(((head_of == j) & ~usable).sum()) for j, h in enumerate(heads)}
    exclude_info: dict = {"rule": None, "n_rows_removed": 0}
    if exclude is not None:
        hit, exclude_info = exclude_near_duplicates(values, exclude, tol=exclude_tol, usable=usable)
        exclude_info["n_rows_removed_per_table"] = {
            h: int(((head_of == j) & hit & usable).sum()) for j, h in enumerate(heads)
        }
        usable &= ~hit
    idx = np.flatnonzero(usable)
    comp_id = near_duplicate_groups(values[idx], tol=0.0)  # identical compositions
    df = pd.DataFrame({"c": comp_id, "h": head_of[idx], "y": y_all[idx]})
    merged = df.groupby(["c", "h"], sort=True)["y"].mean().unstack("h")
    merged = merged.reindex(columns=range(k))
    first = pd.Series(np.arange(len(idx))).groupby(comp_id).first()
    rep = idx[first.loc[merged.index].to_numpy()]  # a representative row per composition
    Y = merged.to_numpy(dtype=np.float64)
    X_all = frac_u[inv[rep]]
    groups = near_duplicate_groups(values[rep], tol=DEFAULT_TOL)
    splitter = GroupShuffleSplit(
        n_splits=1, test_size=validation_fraction, random_state=random_state
    )
    tr, va = next(splitter.split(X_all, groups=groups))
    mean = np.nanmean(Y[tr], axis=0)
    scale = np.nanstd(Y[tr], axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    Ys = (Y - mean) / scale

    dev = resolve_device(device)
    spec = {**elemnet_spec(variant), "n_out": k}
    with seeded(int(random_state), dev):
        module = module_from_spec(spec)
    fingerprint = composition_set_sha256(values[idx]) + hashlib.sha256(Y.tobytes()).hexdigest()
    fingerprint += json.dumps(
        {"batch_size": batch_size, "lr": lr, "weight_decay": weight_decay, "variant": variant,
         "random_state": random_state, "heads": heads},
        sort_keys=True,
    )  # fmt: skip
    run = train_masked(
        module, X_all[tr], Ys[tr], X_all[va], Ys[va], max_epochs=max_epochs,
        batch_size=batch_size, lr=lr, weight_decay=weight_decay, patience=patience,
        max_time=max_time, device=dev, seed=int(random_state), checkpoint=checkpoint,
        fingerprint=fingerprint, progress=f"pretrain {name}" if progress else False,
    )  # fmt: skip
    module = module.cpu().eval()

    def head_mae(mod) -> np.ndarray:
        with torch.inference_mode():
            pred = mod(torch.from_numpy(X_all[va])).double().numpy() * scale + mean
        err = np.abs(pred - Y[va])
        return np.array([np.nanmean(err[:, j]) if np.isfinite(err[:, j]).any() else np.nan
                         for j in range(k)])  # fmt: skip

    mae32 = head_mae(module)
    state = {kk: v.detach().clone() for kk, v in module.state_dict().items()}
    module.load_state_dict({kk: v.half().float() for kk, v in state.items()})
    mae16 = head_mae(module)
    module.load_state_dict(state)
    rel = np.nanmax(np.abs(mae16 - mae32) / np.where(mae32 > 0, mae32, 1.0))
    history = run["history"]
    rows_per_s = [r["rows_per_s"] for r in history]
    head_rows = []
    for j, h in enumerate(heads):
        lab = np.isfinite(Y[:, j])
        base = np.nanmean(np.abs(Y[va, j] - mean[j])) if lab[va].any() else np.nan
        head_rows.append(
            {
                "name": h,
                "target": tables[h].get("target", h),
                "unit": tables[h].get("unit"),
                "description": tables[h].get("description"),
                "file": tables[h].get("file"),
                "scaling": {"mean": float(mean[j]), "scale": float(scale[j])},
                "n_rows_input": int((head_of == j).sum()),
                "n_rows_unusable": n_unusable[h],
                "n_compositions_train": int(lab[tr].sum()),
                "n_compositions_validation": int(lab[va].sum()),
                "validation_mae": float(mae32[j]),
                "validation_mae_float16": float(mae16[j]),
                "validation_mae_mean_baseline": float(base),
            }
        )
    card = {
        "name": name,
        "description": (
            f"Multi-task ElemNet ({variant}) source: one trunk, {k} linear heads "
            f"({', '.join(heads)}), trained with a masked MAE on the union of the tables"
            + (f" ({data_description})" if data_description else "")
        ),
        "kind": "cross-property-source",
        "input": ELEMNET_INPUT,
        "input_elements": " ".join(ELEMNET_ELEMENTS),
        "architecture": spec,
        "n_parameters": int(sum(p.numel() for p in module.parameters())),
        "target": "multi-task: " + ", ".join(heads),
        "unit": "per head",
        "target_scaling": {
            "mean": 0.0,
            "scale": 1.0,
            "note": "outputs are standardised per head: see heads[*].scaling",
        },
        "heads": head_rows,
        "data": {
            "description": data_description,
            "tables": [{"name": h, "file": tables[h].get("file")} for h in heads],
            "n_rows_input": int(len(values)),
            "n_rows_unusable": int(sum(n_unusable.values())),
            "exclusion": exclude_info,
            "n_rows_pool": int(len(idx)),
            "training_compositions_sha256": composition_set_sha256(values[idx]),
            "n_rows_train": int(len(tr)),
            "n_rows_validation": int(len(va)),
            "merge": "rows of identical composition merged per table by the mean of its values",
            "validation_split": (
                f"GroupShuffleSplit by near-duplicate group (tol {DEFAULT_TOL:g}), "
                f"test_size={validation_fraction}, random_state={random_state}"
            ),
        },
        "settings": {
            "optimizer": "adam",
            "loss": "masked mae (labelled entries of the standardised targets)",
            "training_loop": "skcromel.cross_property._pretrain.train_masked",
            "lr": lr,
            "weight_decay": weight_decay,
            "batch_size": batch_size,
            "max_epochs": max_epochs,
            "patience": patience,
            "max_time_s": max_time,
            "random_state": random_state,
            "target_standardized": True,
        },
        "training": {
            "epochs_run": len(history),
            "best_epoch": run["best_epoch"],
            "stopped_by": run["stopped_by"],
            "resumed_from_epoch": run["resumed_from_epoch"],
            "train_seconds": round(run["elapsed_s"], 1),
            "rows_per_s_median": float(np.median(rows_per_s)) if rows_per_s else None,
            "validation_curve": [round(r["valid_loss"], 5) for r in history],
            "wall_time_s": round(time.perf_counter() - t0, 1),
            "device": dev,
            "torch_threads": torch.get_num_threads(),
            "machine": f"{platform.machine()} {platform.system()}",
        },
        "metrics": {
            "validation_mae": {h["name"]: h["validation_mae"] for h in head_rows},
            "validation_mae_mean_standardised": float(np.nanmean(mae32 / scale)),
            "float16_check": {"max_relative_change": float(rel)},
        },
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "torch_version": torch.__version__,
    }
    return module, card


def save_source(
    model: ElemNetRegressor,
    card: dict,
    out_dir: str | os.PathLike,
    *,
    dtype: str = "auto",
    max_relative_change: float = 0.005,
) -> Path:
    """Write the source model for the registry.

    ``dtype="auto"`` stores float16 when that changes the validation MAE by less than
    ``max_relative_change`` (relative), else float32. The decision is recorded in the card.
    """
    card = dict(card)
    if dtype == "auto":
        change = abs(card["metrics"]["float16_check"]["relative_change"])
        dtype = "float16" if change < max_relative_change else "float32"
        card["weights_dtype_reason"] = (
            f"float16 changes validation MAE by {change:.3%} "
            f"({'<' if dtype == 'float16' else '>='} {max_relative_change:.1%} threshold)"
        )
    torch_dtype = {"float16": torch.float16, "float32": torch.float32}[dtype]
    return save_pretrained(model.net_.module_.cpu(), card, out_dir, dtype=torch_dtype)
