"""MkDocs hook: build the documentation of *this* checkout.

Puts the repository root first on ``sys.path`` when the build starts, so that the griffe extension
(which imports skcromel to resolve Sphinx roles) and the gallery examples (run in-process) use the
skcromel sources next to this ``mkdocs.yml``, even when another copy of skcromel is installed.
Loaded through ``hooks:`` in ``mkdocs.yml``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def on_startup(command, dirty):
    if (ROOT / "skcromel" / "__init__.py").is_file() and sys.path[:1] != [str(ROOT)]:
        sys.path.insert(0, str(ROOT))
