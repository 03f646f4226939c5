"""``skcromel benchmark`` subcommand (wired into ``skcromel.cli`` by :func:`add_benchmark_subparser`)."""

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
    p.add_argument("--datasets", nargs="+", required=True, help="catalogue names (or 'suite14')")
    p.add_argument("--models", nargs="+", default=["dummy", "rf_magpie"], help="registered models")
    p.add_argument(
        "--protocol",
        default="grouped-kfold",
        help="grouped-kfold (default, leak-free), kfold, cromel-5fold, matbench, crossprop",
    )
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    p.add_argument("--n-splits", type=int, default=5)
    p.add_argument("--out", required=True, help="output folder")
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
    from ..datasets import SUITE_14
    from .report import markdown_table, summarize, write_report
    from .runner import run_benchmark

    for mod in args.plugins:
        importlib.import_module(mod)
    datasets = []
    for d in args.datasets:
        datasets.extend(SUITE_14 if d == "suite14" else [d])
    kwargs = dict(
        protocol=args.protocol,
        seeds=args.seeds,
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
    path = write_report(result, args.out, command=command, plots=not args.no_plots,
                        data_home=args.data_home)  # fmt: skip
    print(markdown_table(summarize(result.folds)))
    print(f"report: {path}")
    return 0
