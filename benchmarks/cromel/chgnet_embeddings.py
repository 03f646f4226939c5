"""Cache frozen CHGNet teacher embeddings of every structure pool in the data home.

For each set, the structures are read, every structure whose composition is a **near duplicate**
of a benchmark composition is removed (:func:`skcromel.cross_property.benchmark_compositions`:
every benchmark set of the catalogue; rule: same element set, every fraction within 0.005), and
CHGNet (frozen, ``chgnet`` package, pretrained model 0.3.0) embeds the rest in batches of
``--batch-size``: ``crystal`` (mean over sites of the final atom features), ``atoms`` (mean over
sites of the atom features before the last convolution), CHGNet's raw ``crystal_fea`` (a sum
over sites), its energy (eV/atom) and the number of sites
(:func:`skcromel.cromel.chgnet_features`).

Sets (``--sets``):

* ``mp_elastic_structs`` -- all 2,540 Materials Project CIFs (labels are not needed);
* ``cdvae_perov5`` -- the 7,572 Castelli perovskites (perov-5 val + test);
* ``ce_spinels`` -- the 5,173 labelled spinel CIFs, reduced to their 14-site primitive cell
  (the mean-pooled embeddings do not depend on the cell);
* ``--matbench FILE ...`` -- any matbench-format structure file (``{"columns": ["structure",
  <target>], "data": [[<Structure.as_dict()>, <value>], ...]}``, ``.json`` or ``.json.gz``),
  cached as the set named after the file.

The composition of a row is its table's formula (``labels.csv`` ``formula``, perov-5 ``formula``,
the spinel file name) unless the structure's reduced formula differs (recorded in
``composition_overrides``); for matbench files it is the structure's composition.

Output, per set: ``<cache>/<set>.npz`` with ``ids``, ``compositions``, ``crystal``, ``atoms``,
``crystal_sum``, ``energy``, ``n_sites`` (one row per kept structure) and ``meta`` (JSON: chgnet
version, CHGNet model, sha256 of the input files, exclusion record with the rows removed per
benchmark set and their ids, timing). The default cache is
``<data home>/skcromel_cache/chgnet-<chgnet version>/``. The run is resumable: rows are embedded
in chunks of ``--chunk`` written to ``<set>.parts/`` (each stamped with the input checksum),
finished chunks are skipped on restart, and a set whose ``.npz`` matches the inputs is skipped.

Usage (one thread, in the background)::

    SKCROMEL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 nohup python \\
        benchmarks/cromel/chgnet_embeddings.py --threads 1 > /tmp/chgnet/embed.log 2>&1 &
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import hashlib
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from skcromel.config import get_data_home
from skcromel.cromel import chgnet_features, load_chgnet
from skcromel.cromel._teachers import chgnet_version
from skcromel.cross_property import (
    benchmark_compositions,
    composition_set_sha256,
    exclude_near_duplicates,
    read_exclude_file,
)
from skcromel.datasets._catalogue import STRUCTURE_POOLS
from skcromel.matching import DEFAULT_TOL
from skcromel.parsing import reduced_formulas

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _structures import read_spinel_primitives  # noqa: E402

POOLS = ("mp_elastic_structs", "cdvae_perov5", "ce_spinels")
FEATURES = ("crystal", "atoms", "crystal_sum", "energy", "n_sites")
#: How the composition of every row of each pool is read (a card's ``composition_sources``;
#: :func:`skcromel.cross_property.source_table` rebuilds the pool from it). Unlike the CGCNN
#: source, the teacher needs no labels: every MP CIF is used.
COMPOSITION_SOURCES = {
    "mp_elastic_structs": {
        "pool": "mp_elastic_structs",
        "file": "mp_elastic_structs/labels.csv",
        "column": "formula",
    },
    "cdvae_perov5": {"pool": "cdvae_perov5", **STRUCTURE_POOLS["cdvae_perov5"]},
    "ce_spinels": {"pool": "ce_spinels", **STRUCTURE_POOLS["ce_spinels"]},
}


# ------------------------------------------------------------------ reading the pools
def _sha256_files(paths) -> str:
    """sha256 over the sha256 of each file (in the given order) and its relative name."""
    h = hashlib.sha256()
    for name, path in paths:
        fh = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                fh.update(block)
        h.update(f"{name}\t{fh.hexdigest()}\n".encode())
    return h.hexdigest()


def read_pool(name, home):
    """``(ids, labels, structures, input files)`` of a pool, in the row order of its
    :data:`COMPOSITION_SOURCES` spec."""
    from pymatgen.core import Structure

    if name == "mp_elastic_structs":
        lab = pd.read_csv(home / "mp_elastic_structs" / "labels.csv")
        paths = [home / "mp_elastic_structs" / "cif" / f"{m}.cif" for m in lab["m_id"]]
        structs = [Structure.from_file(p) for p in paths]
        files = [("mp_elastic_structs/labels.csv", home / "mp_elastic_structs" / "labels.csv")]
        files += [(f"mp_elastic_structs/cif/{p.name}", p) for p in paths]
        return lab["m_id"].astype(str).tolist(), lab["formula"].astype(str).tolist(), structs, files
    if name == "cdvae_perov5":
        spec = STRUCTURE_POOLS["cdvae_perov5"]
        d = pd.concat([pd.read_csv(home / p) for p in spec["file"]], ignore_index=True)
        structs = [Structure.from_str(c, fmt="cif") for c in d["cif"]]
        ids = [f"perov5-{m}" for m in d["material_id"]]
        return (
            ids,
            d["formula"].astype(str).tolist(),
            structs,
            [(p, home / p) for p in spec["file"]],
        )
    if name == "ce_spinels":
        spec = STRUCTURE_POOLS["ce_spinels"]
        lab = pd.read_csv(home / spec["file"], usecols=[0])
        present = set(lab.iloc[:, 0].astype(str))
        ids, structs = read_spinel_primitives(home / spec["tar_members"], present)
        files = [
            (spec["file"], home / spec["file"]),
            (spec["tar_members"], home / spec["tar_members"]),
        ]
        return ids, list(ids), structs, files
    raise ValueError(f"unknown pool {name!r}; known: {POOLS}")


def read_matbench(path):
    """``(set name, ids, labels, structures, input files)`` of a matbench-format structure file
    (:func:`skcromel.datasets.read_matbench_structures`; the target column is not used)."""
    from skcromel.datasets import read_matbench_structures

    path = Path(path)
    try:
        structs, _, index = read_matbench_structures(path)
    except ValueError as exc:  # several target columns: any one will do, targets are unused
        if "target" not in str(exc):
            raise
        structs, _, index = read_matbench_structures(path, target=_first_target(path))
    name = path.name.split(".")[0]
    labels = [s.composition.formula.replace(" ", "") for s in structs]
    return name, [str(i) for i in index], labels, structs, [(path.name, path)]


def _first_target(path):
    opener = {".gz": gzip.open, ".bz2": __import__("bz2").open}.get(Path(path).suffix, open)
    with opener(path, "rt", encoding="utf-8") as fh:
        obj = json.load(fh)
    cols = obj["columns"] if isinstance(obj, dict) else list(obj[0])
    return next(c for c in cols if c not in ("structure", "composition"))


def _rf(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reduced_formulas(list(x), on_error="nan")


def compositions_of(labels, structures):
    """Composition string of each row: its label, or the structure's formula where the reduced
    formulas differ; and the ``{label: formula}`` overrides."""
    srf, lrf = _rf([s.composition for s in structures]), _rf(labels)
    overrides = {
        lab: s.composition.formula.replace(" ", "")
        for lab, s, a, b in zip(labels, structures, srf, lrf)
        if a != b
    }
    return np.array([overrides.get(lab, lab) for lab in labels], dtype=object), overrides


# ------------------------------------------------------------------ embedding with resumable chunks
def _chunk_path(parts: Path, i: int) -> Path:
    return parts / f"chunk-{i:05d}.npz"


def embed_set(
    name,
    ids,
    comps,
    structures,
    out_dir,
    *,
    input_sha,
    meta,
    chunk=500,
    batch_size=64,
    model_name="0.3.0",
    progress=True,
    log=print,
):
    """Embed ``structures`` chunk by chunk into ``out_dir/<name>.parts/`` (finished chunks with
    the same ``input_sha`` and ids are skipped), then merge them into ``out_dir/<name>.npz``.

    Returns the path of the ``.npz``.
    """
    out_dir = Path(out_dir)
    parts = out_dir / f"{name}.parts"
    parts.mkdir(parents=True, exist_ok=True)
    n = len(structures)
    starts = list(range(0, n, chunk))
    model = None
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc=name, unit="structure", mininterval=5.0)
    computed, seconds = 0, 0.0
    for ci, s in enumerate(starts):
        e = min(s + chunk, n)
        path = _chunk_path(parts, ci)
        if path.is_file():
            with np.load(path, allow_pickle=False) as z:
                if str(z["input_sha"]) == input_sha and list(z["ids"]) == list(ids[s:e]):
                    if bar is not None:
                        bar.update(e - s)
                    continue
        if model is None:
            model = load_chgnet(model_name)
        t0 = time.perf_counter()
        f = chgnet_features(model, structures[s:e], batch_size=batch_size)
        dt = time.perf_counter() - t0
        computed, seconds = computed + (e - s), seconds + dt
        tmp = path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            ids=np.asarray(ids[s:e], dtype=str),
            input_sha=np.asarray(input_sha),
            seconds=np.asarray(dt),
            **{k: f[k] for k in FEATURES},
        )
        os.replace(tmp, path)
        if bar is not None:
            bar.update(e - s)
        else:
            log(f"{name}: {e}/{n} ({(e - s) / dt:.1f} structures/s)")
    if bar is not None:
        bar.close()
    arrays = {k: [] for k in FEATURES}
    chunk_seconds = 0.0
    for ci in range(len(starts)):
        with np.load(_chunk_path(parts, ci), allow_pickle=False) as z:
            for k in FEATURES:
                arrays[k].append(z[k])
            chunk_seconds += float(z["seconds"])
    arrays = {
        k: np.concatenate(v)
        if v
        else np.zeros((0, 64) if k in ("crystal", "atoms", "crystal_sum") else 0)
        for k, v in arrays.items()
    }
    failed = np.flatnonzero(arrays["n_sites"] == 0)
    meta = {
        **meta,
        "n_embedded": int(n - len(failed)),
        "failed_ids": [str(ids[i]) for i in failed],
        "embedding_seconds_all_chunks": round(chunk_seconds, 1),
        "structures_per_second": round(n / chunk_seconds, 2) if chunk_seconds > 0 else None,
        "computed_this_run": computed,
        "seconds_this_run": round(seconds, 1),
    }
    target = out_dir / f"{name}.npz"
    tmp = out_dir / f"{name}.tmp.npz"
    np.savez(
        tmp,
        ids=np.asarray(ids, dtype=str),
        compositions=np.asarray(comps, dtype=str),
        meta=np.asarray(json.dumps(meta)),
        **arrays,
    )
    os.replace(tmp, target)
    for ci in range(len(starts)):
        _chunk_path(parts, ci).unlink(missing_ok=True)
    parts.rmdir()
    return target


def load_cache(path):
    """``(arrays, meta)`` of a cached set written by this script."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
        meta = json.loads(str(z["meta"]))
    return arrays, meta


def cache_dir(home, version=None) -> Path:
    """``<data home>/skcromel_cache/chgnet-<chgnet version>``."""
    return Path(home) / "skcromel_cache" / f"chgnet-{version or chgnet_version()}"


def run_set(name, ids, labels, structures, files, *, bench, out_dir, args, log=print):
    """Exclude the benchmark near duplicates of one set and embed the rest (skipped when the
    cached ``.npz`` already matches the inputs)."""
    comps, overrides = compositions_of(labels, structures)
    hit, exclusion = exclude_near_duplicates(comps, bench, tol=args.tol)
    keep = np.flatnonzero(~hit)
    exclusion["removed_ids"] = [str(ids[i]) for i in np.flatnonzero(hit)]
    input_sha = _sha256_files(files)
    kept_sha = composition_set_sha256(comps[keep])
    target = Path(out_dir) / f"{name}.npz"
    if target.is_file() and not args.force:
        _, old = load_cache(target)
        if old.get("input_sha256") == input_sha and old.get("kept_compositions_sha256") == kept_sha:
            log(f"{name}: cached ({target}), skipped")
            return target
    meta = {
        "set": name,
        "exclusion_scope": "all benchmark sets"
        if getattr(args, "exclude_only", None) is None
        else f"evaluation-only: sets matching {args.exclude_only}",
        "chgnet_version": chgnet_version(),
        "chgnet_model": args.model,
        "features": {
            "crystal": "mean over sites of the final layer-normalised atom features "
            "(crystal_fea / n_sites)",
            "atoms": "mean over sites of the atom features before the last convolution",
            "crystal_sum": "CHGNet crystal_fea (sum over sites)",
            "energy": "CHGNet energy, eV/atom",
        },
        "input_files": [f for f, _ in files[:3]]
        + ([f"... {len(files)} files"] if len(files) > 3 else []),
        "input_sha256": input_sha,
        "n_pool": len(ids),
        "n_kept": int(len(keep)),
        "kept_compositions_sha256": kept_sha,
        "composition_overrides": overrides,
        "exclusion": exclusion,
        "batch_size": args.batch_size,
        "torch_threads": args.threads,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    log(
        f"{name}: {len(ids)} structures, {int(hit.sum())} near duplicates of benchmark "
        f"compositions removed, {len(keep)} to embed"
    )
    return embed_set(
        name,
        [ids[i] for i in keep],
        comps[keep],
        [structures[i] for i in keep],
        out_dir,
        input_sha=input_sha,
        meta=meta,
        chunk=args.chunk,
        batch_size=args.batch_size,
        model_name=args.model,
        progress=not args.no_progress,
        log=log,
    )


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sets", nargs="*", default=list(POOLS), help=f"pools of {POOLS}")
    p.add_argument("--matbench", nargs="*", default=[], help="matbench-format structure files")
    p.add_argument(
        "--cache-dir", default=None, help="default <data home>/skcromel_cache/chgnet-<v>"
    )
    p.add_argument("--data-home", default=None)
    p.add_argument(
        "--exclude-file",
        default=None,
        help="formulas to exclude instead of the catalogue's benchmark sets (tests)",
    )
    p.add_argument(
        "--exclude-only",
        nargs="*",
        default=None,
        help="evaluation-only caches: exclude only the benchmark sets whose key contains one of "
        "these strings (needs --cache-dir; never for shipped sources)",
    )
    p.add_argument("--tol", type=float, default=DEFAULT_TOL)
    p.add_argument("--model", default="0.3.0")
    p.add_argument("--chunk", type=int, default=500)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--limit", type=int, default=None, help="first N structures of each set")
    p.add_argument("--force", action="store_true")
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    home = get_data_home(args.data_home)
    out_dir = Path(args.cache_dir) if args.cache_dir else cache_dir(home)
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.exclude_file:
        bench = {"list": np.asarray(read_exclude_file(args.exclude_file), dtype=object)}
    else:
        bench = benchmark_compositions(home)  # raises when a benchmark set is missing
    if args.exclude_only is not None:
        if not args.cache_dir:
            raise SystemExit("--exclude-only writes an evaluation-only cache: give --cache-dir")
        bench = {k: v for k, v in bench.items() if any(s in k for s in args.exclude_only)}
        print(f"evaluation-only exclusion: {sorted(bench)}", flush=True)
    t0 = time.perf_counter()
    jobs = [(name, lambda name=name: read_pool(name, home)) for name in args.sets]
    jobs += [(Path(f).name, lambda f=f: read_matbench(f)[1:]) for f in args.matbench]
    written = []
    for label, reader in jobs:
        t1 = time.perf_counter()
        ids, labels, structs, files = reader()
        name = label if label in POOLS else Path(label).name.split(".")[0]
        if args.limit:
            ids, labels, structs = ids[: args.limit], labels[: args.limit], structs[: args.limit]
            name = f"{name}.first{args.limit}"
        print(
            f"{name}: read {len(structs)} structures in {time.perf_counter() - t1:.0f} s",
            flush=True,
        )
        written.append(
            run_set(name, ids, labels, structs, files, bench=bench, out_dir=out_dir, args=args)
        )
    for path in written:
        _, meta = load_cache(path)
        print(
            json.dumps(
                {
                    k: meta[k]
                    for k in ("set", "n_pool", "n_kept", "n_embedded", "structures_per_second")
                }
                | {"rows_removed": meta["exclusion"]["n_rows_removed"]}
            ),
            flush=True,
        )
    print(f"done in {time.perf_counter() - t0:.0f} s; cache {out_dir}", flush=True)
    return written


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
