"""Input tags and input attributes of meta-estimators that pass ``X`` unchanged to members."""

from __future__ import annotations

from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils import get_tags

_ALL = ("one_d_array", "two_d_array", "three_d_array", "sparse", "categorical", "string", "dict",
        "allow_nan")  # fmt: skip


def _steps(est):
    return [s for s in est if s is not None and s != "passthrough" and s != "drop"]


def _accepts(est, field: str) -> bool:
    """Whether ``est`` accepts the input kind ``field``. A Pipeline takes what its first step
    takes (scikit-learn's Pipeline tags only forward ``sparse`` and ``pairwise``), a FeatureUnion
    what all of its transformers take."""
    if isinstance(est, Pipeline):
        steps = _steps(step for _, step in est.steps)
        if field == "sparse" or not steps:  # sparse: every step must accept it
            return get_tags(est).input_tags.sparse
        return _accepts(steps[0], field)
    if isinstance(est, FeatureUnion):
        parts = _steps(t for _, t in est.transformer_list)
        if parts:
            return all(_accepts(t, field) for t in parts)
    return bool(getattr(get_tags(est).input_tags, field))


def shared_input_tags(tags, members):
    """Set ``tags.input_tags`` to what every one of ``members`` accepts.

    An input kind is accepted when all members accept it (``sparse``, ``allow_nan``, ``string``,
    a 2-D array...); ``positive_only`` when any member requires it. A meta-estimator whose
    members are composition pipelines therefore says it takes compositions, not a 2-D array.
    """
    members = [m for m in members if m is not None]
    if not members:
        return tags
    for field in _ALL:
        setattr(tags.input_tags, field, all(_accepts(m, field) for m in members))
    tags.input_tags.positive_only = any(_accepts(m, "positive_only") for m in members)
    return tags


def copy_input_attributes(meta, members) -> None:
    """``n_features_in_`` and ``feature_names_in_`` of ``meta`` from the first member that has
    them (each attribute is removed first, so a refit never keeps one from an earlier fit)."""
    for attr in ("n_features_in_", "feature_names_in_"):
        if attr in vars(meta):
            delattr(meta, attr)
        for member in members:
            if hasattr(member, attr):
                setattr(meta, attr, getattr(member, attr))
                break
