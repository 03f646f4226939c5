"""The recommended estimators for a new small dataset, and the choice of pretrained sources.

* :func:`rank_sources` -- transferability score of each pretrained source for a target dataset,
  from the training rows only (before any fine-tuning).
"""

from __future__ import annotations

import importlib

_LAZY = {"rank_sources": "._ranking"}

__all__ = [*_LAZY]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
