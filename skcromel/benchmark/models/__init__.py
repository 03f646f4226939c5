"""Every named recipe of the benchmark runner, in one place.

``BUILTIN_MODELS`` maps each name to its :class:`~skcromel.benchmark.ModelSpec`:

* baselines (:mod:`._baselines`): ``dummy``, ``rf_magpie``, ``rf_magpie_full``,
  ``hgb_magpie_full``;
* the recommended estimators (:mod:`._recommended`): ``transfer``, its ablation
  ``transfer_nosource`` and ``transfer_net`` (with the optional network member);
* cross-property networks (:mod:`._transfer`): ``elemnet_scratch``, ``xprop`` (the estimator's
  defaults), ``xprop_mp_eform``, ``xprop_mp_gap`` (CPU-friendly settings);
* CroMEL (:mod:`._cromel`): ``cromel``, ``cromel_scratch``;
* models of other packages (:mod:`._external`, optional installs): ``roost``.

The baselines, each method's estimator and the recommended estimators only: the ad hoc blends of
earlier releases (``cromel_ens3_hgb``, ``zi_hgb_full``, ...) were chosen on the folds they were
reported on and are described on the benchmark archive page.

Add your own with :func:`skcromel.benchmark.register_model`.
"""

from __future__ import annotations

from . import _baselines, _cromel, _external, _recommended, _transfer

__all__ = ["BUILTIN_MODELS"]

BUILTIN_MODELS = {
    spec.name: spec
    for module in (_baselines, _recommended, _transfer, _cromel, _external)
    for spec in module.MODELS
}
