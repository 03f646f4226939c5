"""Benchmark runner: models x datasets under named protocols, reports and published comparisons.

>>> from skcromel.benchmark import run_benchmark, write_report
>>> res = run_benchmark(["dummy", "rf_magpie"], ["kingsbury_formation_enthalpy"],
...                     protocol="grouped-kfold", seeds=(0,), out_dir="bench")  # doctest: +SKIP
>>> write_report(res, "bench")  # doctest: +SKIP

Transfer-learning modules make their estimators available by name with :func:`register_model`.
"""

from ._cli import add_benchmark_subparser, benchmark_main
from .report import compare_with_published, markdown_table, parity_plot, summarize, write_report
from .runner import (
    PLUGIN_MODULES,
    BenchmarkResult,
    ModelSpec,
    list_models,
    make_model,
    register_model,
    run_benchmark,
)

__all__ = [
    "PLUGIN_MODULES",
    "BenchmarkResult",
    "ModelSpec",
    "add_benchmark_subparser",
    "benchmark_main",
    "compare_with_published",
    "list_models",
    "make_model",
    "markdown_table",
    "parity_plot",
    "register_model",
    "run_benchmark",
    "summarize",
    "write_report",
]
