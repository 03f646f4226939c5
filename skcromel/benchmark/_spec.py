"""The description of a benchmark model: a name, a factory and the tasks it supports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ModelSpec"]


@dataclass(frozen=True)
class ModelSpec:
    """A registered benchmark model.

    Attributes
    ----------
    name : str
    factory : callable
        ``factory()`` or ``factory(task=...)`` returning an unfitted scikit-learn estimator that
        accepts the dataset's ``X`` DataFrame (``composition`` column plus extra inputs such as
        ``temperature``) and a 1-D float ``y``.
    tasks : tuple of str
        Tasks it supports (``"regression"``, ``"classification"``).
    description : str
    quick_params : dict
        ``set_params`` overrides applied in ``--quick`` mode (e.g. fewer epochs or trees).
    """

    name: str
    factory: Callable
    tasks: tuple[str, ...] = ("regression",)
    description: str = ""
    quick_params: dict = field(default_factory=dict, compare=False, hash=False)


class ModelList(list):
    """A list of :class:`ModelSpec` with an ``add`` method (used by the recipe modules)."""

    def add(self, name, factory, *, tasks=("regression",), description="", quick_params=None):
        self.append(ModelSpec(name, factory, tuple(tasks), description, dict(quick_params or {})))
