"""Utilities: file checksums, and discovery of every public skcromel estimator."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import pkgutil

__all__ = ["all_estimators", "sha256_file"]

_TYPE_FILTERS = ("classifier", "regressor", "transformer", "cluster")


def sha256_file(path: str | os.PathLike, *, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk_size), b""):
            h.update(block)
    return h.hexdigest()


def _public_modules():
    """``skcromel`` and every public module or subpackage under it (no ``_private`` part)."""
    import skcromel

    yield skcromel
    for info in pkgutil.walk_packages(skcromel.__path__, prefix="skcromel."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        yield importlib.import_module(info.name)


def _public_names(module) -> list[str]:
    """``module.__all__``; without one, the public names the module itself defines."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return [
        n
        for n, obj in vars(module).items()
        if not n.startswith("_") and getattr(obj, "__module__", None) == module.__name__
    ]


def all_estimators(type_filter=None) -> list[tuple[str, type]]:
    """Every public estimator class of skcromel, like :func:`sklearn.utils.discovery.all_estimators`.

    Collects the classes deriving from :class:`sklearn.base.BaseEstimator` that are reachable
    from a public skcromel namespace: the top level and the ``__all__`` of every public
    subpackage and module (``skcromel.featurizers``, ``skcromel.nn``, ``skcromel.structure``, ...).
    Abstract base classes (:class:`~skcromel.nn.TorchRegressor`,
    :class:`~skcromel.featurizers.CompositionTransformer`) and classes without ``fit`` (parameter
    holders such as :class:`~skcromel.cromel.CHGNetTeacher`) are left out. Importing the namespaces
    imports torch and the optional matminer adapter.

    Parameters
    ----------
    type_filter : {"regressor", "classifier", "transformer", "cluster"} or list of them, \
default=None
        Keep only estimators of these kinds (by their scikit-learn mixin); None keeps all.

    Returns
    -------
    list of (str, type)
        ``(class name, class)``, sorted by name.

    Examples
    --------
    >>> from skcromel.utils import all_estimators
    >>> names = [name for name, _ in all_estimators(type_filter="transformer")]
    >>> "ElementStats" in names and "ElemNetRegressor" not in names
    True
    """
    from sklearn.base import (
        BaseEstimator,
        ClassifierMixin,
        ClusterMixin,
        RegressorMixin,
        TransformerMixin,
    )

    mixins = dict(
        zip(_TYPE_FILTERS, (ClassifierMixin, RegressorMixin, TransformerMixin, ClusterMixin))
    )
    if type_filter is None:
        wanted = None
    else:
        wanted = [type_filter] if isinstance(type_filter, str) else list(type_filter)
        bad = [t for t in wanted if t not in _TYPE_FILTERS]
        if bad or not wanted:
            raise ValueError(
                f"type_filter must be None or among {_TYPE_FILTERS} (or a list of them), "
                f"got {type_filter!r}"
            )

    found: dict[type, str] = {}
    for module in _public_modules():
        for name in _public_names(module):
            obj = getattr(module, name, None)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and obj.__module__.split(".")[0] == "skcromel"
                and not inspect.isabstract(obj)
                and callable(getattr(obj, "fit", None))  # not parameter holders (CHGNetTeacher)
            ):
                found[obj] = obj.__name__
    out = [
        (name, cls)
        for cls, name in found.items()
        if wanted is None or any(issubclass(cls, mixins[t]) for t in wanted)
    ]
    return sorted(out, key=lambda item: (item[0], item[1].__module__))
