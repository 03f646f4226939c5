"""Benchmark runner: models x datasets under named protocols, reports and published comparisons.

>>> from skcromel.benchmark import run_benchmark, write_report
>>> res = run_benchmark(["dummy", "rf_magpie"], ["kingsbury_formation_enthalpy"],
...                     protocol="grouped-kfold", seeds=(0,), out_dir="bench")  # doctest: +SKIP
>>> write_report(res, "bench")  # doctest: +SKIP

The named recipes live in :mod:`skcromel.benchmark.models`; add your own with
:func:`register_model`. Nothing else in the library imports from this subpackage.
"""

from ._report import (
    PUBLISHED,
    bootstrap_markdown,
    compare_with_published,
    comparison_plot,
    compound_bootstrap,
    coverage_plot,
    coverage_table,
    markdown_table,
    parity_plot,
    summarize,
    write_report,
)
from ._runner import BenchmarkResult, list_models, make_model, register_model, run_benchmark
from ._spec import ModelSpec
from ._suites import SUITES

__all__ = [
    "PUBLISHED",
    "SUITES",
    "BenchmarkResult",
    "ModelSpec",
    "bootstrap_markdown",
    "compare_with_published",
    "comparison_plot",
    "compound_bootstrap",
    "coverage_plot",
    "coverage_table",
    "list_models",
    "make_model",
    "markdown_table",
    "parity_plot",
    "register_model",
    "run_benchmark",
    "summarize",
    "write_report",
]
