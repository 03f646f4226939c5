"""``skcromel benchmark``: run models x datasets under a named protocol and write a report."""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys

__all__ = ["add_benchmark_subparser", "benchmark_main"]


def add_benchmark_subparser(subparsers) -> argparse.ArgumentParser:
    """Add the ``benchmark`` subcommand to an ``argparse`` subparsers object.

    The parsed namespace has ``func=benchmark_main``; the CLI calls ``args.func(args)``.
    """
    p = subparsers.add_parser(
        "benchmark",
        help="run models x datasets under a named protocol and write a report",
        description=(
            "Run registered models on catalogued datasets under a named protocol; writes a "
            "per-fold cache (resumable), results_<protocol>.csv, a markdown report and parity plots."
        ),
    )
    p.add_argument(
        "--suite",
        default=None,
        help="a named suite (datasets, protocol and seeds of a documented table): "
        "baselines, suite14, efe-cromel, efe-combined, crossprop-expt, matbench, matbench-resplit",
    )
    p.add_argument("--datasets", nargs="+", default=None, help="catalogue names (or 'suite14')")
    p.add_argument("--models", nargs="+", default=["dummy", "rf_magpie"], help="registered models")
    p.add_argument(
        "--protocol",
        default=None,
        help="grouped-kfold (default, leak-free), kfold, cromel-5fold, matbench, crossprop",
    )
    p.add_argument("--seeds", nargs="+", type=int, default=None, help="default: 0 1 2")
    p.add_argument("--n-splits", type=int, default=5)
    p.add_argument("--out", required=True, help="output folder (fold cache, CSVs, report)")
    p.add_argument("--report-dir", default=None, help="report folder (default: --out)")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads per worker")
    p.add_argument(
        "--reference",
        default=None,
        help="model the others are compared with (paired bootstrap over compounds)",
    )
    p.add_argument("--quick", action="store_true", help="smoke test: 1 seed, ~400 rows")
    p.add_argument("--n-jobs", type=int, default=None, help="joblib n_jobs over folds")
    p.add_argument("--data-home", default=None, help="data folder (default $SKCROMEL_DATA_HOME)")
    p.add_argument("--no-resume", action="store_true", help="ignore cached folds")
    p.add_argument("--no-plots", action="store_true")
    p.add_argument(
        "--plugins", nargs="*", default=[], help="modules to import first (they register models)"
    )
    p.add_argument(
        "--dask", default=None, metavar="ADDRESS",
        help="run folds on a dask cluster ('local' starts a LocalCluster)",
    )  # fmt: skip
    p.set_defaults(func=benchmark_main)
    return p


def benchmark_main(args) -> int:
    """Execute ``skcromel benchmark`` from a parsed namespace."""
    from ..benchmark import SUITES, markdown_table, run_benchmark, summarize, write_report
    from ..datasets import SUITE_14

    suite = {"datasets": None, "protocol": "grouped-kfold", "seeds": [0, 1, 2]}
    if args.suite is not None:
        if args.suite not in SUITES:
            raise SystemExit(f"unknown suite {args.suite!r}; known: {', '.join(SUITES)}")
        suite = SUITES[args.suite]
    names = args.datasets or suite["datasets"]
    if not names:
        raise SystemExit("give --datasets or --suite")
    try:  # torch models: a fixed number of threads per worker
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:  # pragma: no cover
        pass
    for mod in args.plugins:
        importlib.import_module(mod)
    datasets = []
    for d in names:
        datasets.extend(SUITE_14 if d == "suite14" else [d])
    kwargs = dict(
        protocol=args.protocol or suite["protocol"],
        seeds=args.seeds or suite["seeds"],
        n_splits=args.n_splits,
        out_dir=args.out,
        quick=args.quick,
        n_jobs=args.n_jobs,
        data_home=args.data_home,
        resume=not args.no_resume,
    )
    if args.dask:
        import joblib
        from dask.distributed import Client, LocalCluster

        cluster = LocalCluster(processes=True) if args.dask == "local" else args.dask
        with Client(cluster), joblib.parallel_config(backend="dask"):
            result = run_benchmark(args.models, datasets, **kwargs)
    else:
        result = run_benchmark(args.models, datasets, **kwargs)
    command = "skcromel " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    title = f"skcromel benchmark: {args.suite}" if args.suite else "skcromel benchmark"
    path = write_report(result, args.report_dir or args.out, command=command, title=title,
                        plots=not args.no_plots, data_home=args.data_home,
                        reference=args.reference)  # fmt: skip
    print(markdown_table(summarize(result.folds)))
    print(f"report: {path}")
    return 0
