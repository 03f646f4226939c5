"""The recommended estimators (:mod:`skcromel.transfer`) and their no-transfer ablation."""

from __future__ import annotations

from .._spec import ModelList

__all__ = ["MODELS"]

MODELS = ModelList()


def _transfer(task: str = "regression", sources="auto"):
    from ...transfer import TransferClassifier, TransferRegressor

    cls = TransferClassifier if task == "classification" else TransferRegressor
    return cls(sources=sources)


def _transfer_nosource(task: str = "regression"):
    return _transfer(task, sources=None)


_QUICK = {"n_estimators": 3, "max_iter": 30}
MODELS.add(
    "transfer",
    _transfer,
    tasks=("regression", "classification"),
    description="TransferRegressor / TransferClassifier with defaults: bagged gradient boosting "
    "on composition statistics + frozen pretrained sources chosen on the training rows (inner "
    "CV), uncertainty and conformal intervals",
    quick_params=_QUICK,
)
MODELS.add(
    "transfer_nosource",
    _transfer_nosource,
    tasks=("regression", "classification"),
    description="ablation of 'transfer': the same learner and composition features, no source",
    quick_params=_QUICK,
)


def _transfer_networks():
    from ...cross_property import DEFAULT_SOURCE
    from ...transfer import TransferRegressor

    return TransferRegressor(networks=(DEFAULT_SOURCE,))


MODELS.add(
    "transfer_net",
    _transfer_networks,
    description="TransferRegressor with its optional network member: CrossPropertyRegressor() "
    "(ElemNet fine-tuned from elemnet-small-mp-eform) blended on a hold-out of 20 % of the "
    "training compounds; composition-only datasets",
    quick_params=_QUICK,
)
