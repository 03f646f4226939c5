"""``skcromel benchmark``: run models x datasets under a named protocol and write a report."""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys

from ..exceptions import DataNotFoundError
from ._common import CLIError, at_least, check_name

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
            "per-fold cache (resumable), results_<protocol>.csv, a markdown report and parity "
            "plots. `skcromel models` and `skcromel datasets` list the names."
        ),
    )
    p.add_argument(
        "--suite",
        default=None,
        help="a named suite (datasets, protocol and seeds of a documented table): "
        "baselines, suite14, efe-cromel, efe-combined, crossprop-expt, matbench, matbench-resplit",
    )
    p.add_argument(
        "--datasets", nargs="+", default=None, help="catalogue names (or 'suite14'); or --suite"
    )
    p.add_argument("--models", nargs="+", default=["dummy", "rf_magpie"], help="registered models")
    p.add_argument(
        "--protocol",
        default=None,
        help="grouped-kfold (leak-free), kfold, cromel-5fold, matbench, crossprop "
        "(default: the suite's, else grouped-kfold)",
    )
    p.add_argument(
        "--seeds", nargs="+", type=int, default=None, help="(default: the suite's, else 0 1 2)"
    )
    p.add_argument("--n-splits", type=at_least(2), default=5, help="folds per seed")
    p.add_argument("--out", required=True, help="output folder (fold cache, CSVs, report)")
    p.add_argument("--report-dir", default=None, help="report folder (default: --out)")
    p.add_argument("--threads", type=at_least(1), default=1, help="torch CPU threads per worker")
    p.add_argument(
        "--reference",
        default=None,
        help="model the others are compared with (paired bootstrap over compounds)",
    )
    p.add_argument("--quick", action="store_true", help="smoke test: 1 seed, ~400 rows")
    p.add_argument("--n-jobs", type=int, default=None, help="joblib n_jobs over folds")
    p.add_argument("--data-home", default=None, help="data folder (default: $SKCROMEL_DATA_HOME)")
    p.add_argument(
        "--download",
        action="store_true",
        help="first download missing dataset files that have a URL (sha256-checked)",
    )
    p.add_argument("--no-resume", action="store_true", help="ignore cached folds")
    p.add_argument("--no-plots", action="store_true", help="write no parity plots")
    p.add_argument(
        "--plugins", nargs="*", default=[], help="modules to import first (they register models)"
    )
    p.add_argument(
        "--dask", default=None, metavar="ADDRESS",
        help="run folds on a dask cluster ('local' starts a LocalCluster)",
    )  # fmt: skip
    p.set_defaults(func=benchmark_main)
    return p


def _resolve(args):
    """Check every name before any work: (suite settings, dataset names, protocol)."""
    from ..benchmark import SUITES, list_models
    from ..datasets import CATALOGUE, SUITE_14
    from ..model_selection import PROTOCOLS

    suite = {"datasets": None, "protocol": "grouped-kfold", "seeds": [0, 1, 2]}
    if args.suite is not None:
        suite = SUITES[check_name(args.suite, SUITES, "suite", "`skcromel benchmark --help`")]
    names = args.datasets or suite["datasets"]
    if not names:
        raise CLIError("give --datasets or --suite (`skcromel datasets` lists the datasets)")
    datasets = []
    for d in names:
        if d == "suite14":
            datasets.extend(SUITE_14)
        else:
            datasets.append(
                check_name(d, [*CATALOGUE, "suite14"], "dataset", "`skcromel datasets`")
            )
    protocol = args.protocol or suite["protocol"]
    check_name(protocol, PROTOCOLS, "protocol")
    for mod in args.plugins:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            raise CLIError(f"--plugins: cannot import {mod!r} ({exc})") from exc
    models = list_models()
    tasks = dict(zip(models["name"], models["tasks"].str.split(",")))
    for m in args.models:
        check_name(m, tasks, "model", "`skcromel models`")
    for d in dict.fromkeys(datasets):
        task = CATALOGUE[d].task
        unfit = [m for m in args.models if task not in tasks[m]]
        if unfit:
            raise CLIError(
                f"model(s) {', '.join(unfit)} do not support {task} (dataset {d!r}); "
                "`skcromel models` lists the tasks of each model"
            )
    return suite, datasets, protocol


def benchmark_main(args) -> int:
    """Execute ``skcromel benchmark`` from a parsed namespace."""
    suite, datasets, protocol = _resolve(args)
    if args.download:
        from ._catalogue import download_datasets

        download_datasets(list(dict.fromkeys(datasets)), args.data_home, out=sys.stderr)
    from ..benchmark import markdown_table, run_benchmark, summarize, write_report

    try:  # torch models: a fixed number of threads per worker
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:  # pragma: no cover
        pass
    kwargs = dict(
        protocol=protocol,
        seeds=args.seeds or suite["seeds"],
        n_splits=args.n_splits,
        out_dir=args.out,
        quick=args.quick,
        n_jobs=args.n_jobs,
        data_home=args.data_home,
        resume=not args.no_resume,
    )
    try:
        if args.dask:
            import joblib
            from dask.distributed import Client, LocalCluster

            cluster = LocalCluster(processes=True) if args.dask == "local" else args.dask
            with Client(cluster), joblib.parallel_config(backend="dask"):
                result = run_benchmark(args.models, datasets, **kwargs)
        else:
            result = run_benchmark(args.models, datasets, **kwargs)
    except DataNotFoundError as exc:
        hint = "" if args.download else "\n(or pass --download to fetch the files that have a URL)"
        raise DataNotFoundError(f"{exc}{hint}") from exc
    command = "skcromel " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    title = f"skcromel benchmark: {args.suite}" if args.suite else "skcromel benchmark"
    path = write_report(result, args.report_dir or args.out, command=command, title=title,
                        plots=not args.no_plots, data_home=args.data_home,
                        reference=args.reference)  # fmt: skip
    print(markdown_table(summarize(result.folds)))
    print(f"report: {path}")
    return 0
