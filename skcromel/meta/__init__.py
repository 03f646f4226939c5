"""Meta-estimators that combine or wrap other regressors.

* :class:`DeltaRegressor` -- Δ-learning: fit a regressor on ``y - baseline(X)`` (R. Ramakrishnan,
  P. O. Dral, M. Rupp, O. A. von Lilienfeld, *J. Chem. Theory Comput.* 11, 2087, 2015).
* :class:`HoldoutBlendRegressor` -- convex blend of regressors, weights fitted exactly on a
  hold-out of the training rows (:func:`simplex_weights`).
* :class:`CVPlusRegressor` -- prediction intervals for any regressor by CV+ (Barber et al.,
  *Ann. Statist.* 2021), with compound-grouped folds.
* :class:`ZeroInflatedRegressor` -- a hurdle model for targets with many exact zeros (band gaps,
  magnetic moments): a classifier for zero vs non-zero and a regressor on the non-zero rows.
"""

from ._blending import HoldoutBlendRegressor, simplex_weights
from ._cvplus import CVPlusRegressor
from ._delta import DeltaRegressor
from ._zero_inflated import ZeroInflatedRegressor

__all__ = [
    "CVPlusRegressor",
    "DeltaRegressor",
    "HoldoutBlendRegressor",
    "ZeroInflatedRegressor",
    "simplex_weights",
]
