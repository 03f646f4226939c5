"""Attributes of a package imported on first use (keeps ``import skcromel`` light)."""

from __future__ import annotations

import importlib

from ._compat import moved_name

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, names: dict[str, str], namespace: dict):
    """``(__getattr__, __dir__)`` for ``package``: each of ``names`` (attribute -> module, absolute
    or relative to the package) is imported when first read; a name that moved in the package
    restructure resolves with a ``FutureWarning`` (:mod:`skcromel._compat`)."""

    def __getattr__(name):
        module = names.get(name)
        if module is None:
            moved = moved_name(name, package)
            if moved is None:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            return moved
        return getattr(importlib.import_module(module, package), name)

    def __dir__():
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
