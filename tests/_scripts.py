"""Benchmark scripts (outside the package) loaded by file path, for the tests of their helpers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_script(relative: str, name: str):
    """Import ``benchmarks/<relative>`` as the module ``name`` (registered in ``sys.modules``, so
    dataclasses and pickling inside the script work)."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
