"""Fine-tuned network members of :class:`TransferRegressor`, blended on an inner hold-out.

With ``networks=[...]`` every named ElemNet-type source is fine-tuned on the training rows
(:class:`~skcromel.cross_property.CrossPropertyRegressor` with its own defaults) and blended with
the bagged boosting: convex weights that minimise the absolute error on a hold-out of the
training *compounds*, where the boosting contributes its out-of-bag predictions and each network
the predictions of a copy fitted without the hold-out. The networks are then refitted on every
training row. The blend's hold-out residuals, each computed with weights fitted on the other half
of the hold-out (cross-fitting, so a residual never saw its own weights), calibrate the
intervals.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..elements import ELEMNET_ELEMENTS
from ..meta import simplex_weights
from ..parsing import to_element_matrix

__all__: list[str] = []  # internal to skcromel.transfer


def network_supported(compositions) -> np.ndarray:
    """Rows an ElemNet-type network can read: parsable, every element among its 86."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frac = to_element_matrix(compositions, ELEMNET_ELEMENTS, on_error="nan")
    return np.isfinite(frac).all(axis=1)


def _network(source: str, seed: int):
    from ..cross_property import CrossPropertyRegressor

    return CrossPropertyRegressor(source=source, random_state=seed)


def _halves(groups: np.ndarray, rng: np.random.RandomState) -> np.ndarray:
    """A random half of the compounds of ``groups`` (boolean mask over rows)."""
    unique = np.unique(groups)
    first = rng.permutation(len(unique))[: len(unique) // 2]
    return np.isin(groups, unique[first])


def fit_network_blend(sources, compositions, y, groups, oob_prediction, holdout, seed):
    """Fit the networks and the blend weights (see the module docstring).

    ``oob_prediction``: the ensemble's out-of-bag prediction of every training row (NaN where
    every member saw the compound). Returns ``(networks, weights, residuals)``: the networks
    refitted on every readable training row, the convex weights (``weights[0]``: the ensemble)
    and the sorted absolute cross-fitted hold-out residuals of the blend.
    """
    rng = np.random.RandomState(seed)
    ok = network_supported(compositions)
    unique = np.unique(groups[ok])
    n_hold = int(round(float(holdout) * len(unique)))
    if n_hold < 2 or n_hold >= len(unique):
        raise ValueError(
            f"network_holdout={holdout!r} holds out {n_hold} of {len(unique)} compounds: need "
            "at least 2 held out and 1 left to fit on"
        )
    held = ok & np.isin(groups, rng.permutation(unique)[:n_hold])
    fit_rows = ok & ~held
    # hold-out predictions: the ensemble's out-of-bag ones, each network fitted without them
    P = [oob_prediction[held]]
    for k, source in enumerate(sources):
        net = _network(source, seed + k).fit(compositions[fit_rows], y[fit_rows])
        P.append(net.predict(compositions[held]))
    P = np.column_stack(P)
    y_held, g_held = y[held], groups[held]
    usable = np.isfinite(P).all(axis=1)
    P, y_held, g_held = P[usable], y_held[usable], g_held[usable]
    if len(y_held) < 4:
        raise ValueError(
            f"only {len(y_held)} held-out rows have an out-of-bag prediction: too few to fit "
            "the blend weights (raise network_holdout or n_estimators)"
        )
    weights = simplex_weights(P, y_held)
    # residuals for the intervals: each half scored with the weights of the other half
    half = _halves(g_held, rng)
    residuals = np.empty(len(y_held))
    for part in (half, ~half):
        w = simplex_weights(P[~part], y_held[~part]) if (~part).any() else weights
        residuals[part] = np.abs(y_held[part] - P[part] @ w)
    networks = [
        _network(source, seed + len(sources) + k).fit(compositions[ok], y[ok])
        for k, source in enumerate(sources)
    ]
    return networks, weights, np.sort(residuals)


def blend_predictions(ensemble_prediction, compositions, valid, networks, weights):
    """The blend of the ensemble's prediction with the networks'; rows a network cannot read
    (an element outside its 86) keep the ensemble's prediction."""
    out = np.array(ensemble_prediction, dtype=np.float64, copy=True)
    rows = np.flatnonzero(valid & network_supported(compositions))
    if len(rows):
        P = [out[rows]] + [net.predict(compositions[rows]) for net in networks]
        out[rows] = np.column_stack(P) @ weights
    return out
