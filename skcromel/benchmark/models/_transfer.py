"""Cross-property networks for the benchmark runner: ElemNet from scratch and fine-tuned sources.

All take a single composition column; datasets with extra inputs (e.g. temperature) raise a clear
error for them.

Settings are CPU-friendly (Adam lr 1e-3, batch 64, at most 60 epochs, early stopping with patience
10 on a seeded 10 % split of each training fold); the paper settings are the estimators' defaults.
"""

from __future__ import annotations

from .._spec import ModelList

__all__ = ["CPU_SETTINGS", "MODELS"]

#: CPU-friendly training settings of the registered torch models.
CPU_SETTINGS = dict(max_epochs=60, lr=1e-3, batch_size=64, patience=10, validation_fraction=0.1)
_QUICK = {"max_epochs": 5}


def _elemnet_scratch():
    from ...cross_property import ElemNetRegressor

    return ElemNetRegressor(variant="elemnet-small", **CPU_SETTINGS)


def _cross_property_defaults():
    from ...cross_property import CrossPropertyRegressor

    return CrossPropertyRegressor(device="cpu")


def _cross_property(source: str):
    def factory():
        from ...cross_property import CrossPropertyRegressor

        return CrossPropertyRegressor(source=source, **CPU_SETTINGS)

    return factory


MODELS = ModelList()
MODELS.add(
    "elemnet_scratch",
    _elemnet_scratch,
    description="ElemNet (small variant) on element fractions, trained from scratch",
    quick_params=_QUICK,
)
MODELS.add(
    "xprop",
    _cross_property_defaults,
    description="CrossPropertyRegressor() with its defaults (fine-tuned from the shipped MP "
    "formation-energy source, up to 300 epochs, early stopping), on the CPU",
    quick_params={"max_epochs": 5},
)
MODELS.add(
    "xprop_mp_eform",
    _cross_property("elemnet-small-mp-eform"),
    description="ElemNet fine-tuned from the shipped MP formation-energy source (cross-property TL)",
    quick_params=_QUICK,
)
MODELS.add(
    "xprop_mp_gap",
    _cross_property("elemnet-small-mp-gap"),
    description="ElemNet fine-tuned from the shipped MP band-gap source (cross-property TL)",
    quick_params=_QUICK,
)
