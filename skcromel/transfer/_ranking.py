"""Transferability of pretrained sources to a target dataset, from its training rows only.

:func:`rank_sources` scores every candidate source before any fine-tuning. A source is useful
when its frozen features add information that the composition alone does not give a simple
model, so the main score is a **cross-validated gain**: the K-fold MAE of a ridge regression on
standardised Magpie statistics, minus the K-fold MAE of the same ridge on Magpie plus the source's
frozen features (its last hidden layer and its own prediction). The folds are near-duplicate
groups (:class:`skcromel.model_selection.FormulaGroupKFold`), the ridge penalty is chosen inside
each training fold (``RidgeCV``'s leave-one-out rule), so the score only ever uses the rows it is
given: pass the training rows of a split, never its test rows.

A second, cheaper score is reported next to it: the gain in **LogME** (You et al., ICML 2021:
"LogME: Practical Assessment of Pre-trained Models for Transfer Learning"), the log marginal
evidence per row of Bayesian linear regression of the standardised target on the features, with
the evidence of Magpie alone subtracted. It needs no folds.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# logme and source_features are documented helpers of this module (skcromel.transfer exports
# rank_sources only)
__all__ = ["rank_sources"]

#: Ridge penalties searched inside every training fold.
ALPHAS = np.logspace(-3, 4, 15)
_ELEMNET_KIND = "cross-property-source"
_CROMEL_KIND = "cromel-composition-encoder"


def logme(F, y) -> float:
    """LogME: log marginal evidence per row of Bayesian ridge regression of ``y`` on ``F``.

    Features and target are standardised first; the prior precision ``alpha`` and the noise
    precision ``beta`` are set by the fixed-point evidence maximisation of You et al. (2021).
    Larger is better; values of different feature sets for the same ``y`` are comparable.

    Parameters
    ----------
    F : array of shape (n_samples, n_features)
    y : array of shape (n_samples,)

    Returns
    -------
    float
    """
    F = np.asarray(F, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    keep = F.std(axis=0) > 0
    F = F[:, keep]
    F = (F - F.mean(axis=0)) / F.std(axis=0)
    sd = y.std()
    y = (y - y.mean()) / (sd if sd > 0 else 1.0)
    n, d = F.shape
    eps = 1e-5
    s, v = np.linalg.eigh(F.T @ F)  # F'F = v diag(s) v'
    s = np.clip(s, 0.0, None)
    proj = v.T @ (F.T @ y)
    alpha, beta = 1.0, 1.0
    lam = alpha / beta
    for _ in range(100):
        gamma = float((s / (s + lam)).sum())
        m = v @ (proj * beta / (alpha + beta * s))
        alpha_de = float(m @ m)
        alpha = gamma / (alpha_de + eps)
        beta_de = float(((y - F @ m) ** 2).sum())
        beta = (n - gamma) / (beta_de + eps)
        new_lam = alpha / beta
        if abs(new_lam - lam) / lam < 1e-4:
            lam = new_lam
            break
        lam = new_lam
    evidence = (
        d / 2.0 * np.log(alpha)
        + n / 2.0 * np.log(beta)
        - 0.5 * np.sum(np.log(alpha + beta * s))
        - beta / 2.0 * (beta_de + eps)
        - alpha / 2.0 * (alpha_de + eps)
        - n / 2.0 * np.log(2 * np.pi)
    )
    return float(evidence / n)


def _card(source) -> dict:
    from ..registry import load_pretrained

    return dict(load_pretrained(source).card)


def source_features(source, X, *, layer=-1) -> np.ndarray:
    """Frozen features of ``X`` from a source: an ElemNet-type source's hidden ``layer`` and its
    own prediction, or a CroMEL encoder's embedding. Rows the source cannot featurize are NaN."""
    card = _card(source)
    kind = card.get("kind")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == _CROMEL_KIND:
            from ..cromel import CroMELFeaturizer

            return np.asarray(CroMELFeaturizer(source=source).fit_transform(X), dtype=float)
        from ..cross_property import CrossPropertyFeaturizer

        n_out = int((card.get("architecture") or {}).get("n_out", 1))
        layers = (layer, "output") if n_out == 1 else (layer,)
        feat = CrossPropertyFeaturizer(source, layer=layers, on_error="nan")
        return feat.fit_transform(X)


def _default_sources() -> list[str]:
    from ..registry import list_pretrained

    cards = list_pretrained(details=True)
    return [n for n, c in cards.items() if c.get("kind") in (_ELEMNET_KIND, _CROMEL_KIND)]


def _cv_mae(F, y, cv, groups) -> float:
    model = make_pipeline(
        SimpleImputer(strategy="mean", keep_empty_features=True),
        StandardScaler(),
        RidgeCV(alphas=ALPHAS),
    )
    pred = cross_val_predict(model, F, y, cv=cv, groups=groups)
    return float(np.mean(np.abs(pred - y)))


def rank_sources(
    X,
    y,
    sources=None,
    *,
    cv=5,
    groups=None,
    layer=-1,
    sort_by: str = "gain",
    random_state=None,
) -> pd.DataFrame:
    """Rank pretrained sources by how much their frozen features help on a target dataset.

    Uses only ``(X, y)``: pass the training rows of a split. For each source, the score is the
    K-fold MAE of ``RidgeCV`` on standardised Magpie statistics minus that on Magpie plus the
    source's frozen features (:func:`source_features`), with folds that keep near-duplicate
    compositions together; the LogME evidence gain is reported as well (:func:`logme`).

    Parameters
    ----------
    X : compositions (formula strings, pymatgen objects, dicts; 1-D or one column)
    y : array-like of shape (n_samples,)
    sources : sequence of registry names or model directories, optional
        Default: every ElemNet-type and CroMEL source of the registry
        (:func:`skcromel.registry.list_pretrained`).
    cv : int or cross-validation splitter, default=5
        An int means :class:`~skcromel.model_selection.FormulaGroupKFold` with that many folds.
    groups : array-like, optional
        Groups for a group-aware ``cv``; default the near-duplicate groups of ``X``.
    layer : int, default=-1
        Hidden layer of ElemNet-type sources used as features (with the source's prediction).
    sort_by : {"gain", "logme_gain"}, default="gain"
    random_state : int, RandomState instance or None
        Seed of the fold assignment (when ``cv`` is an int).

    Returns
    -------
    pandas.DataFrame
        One row per source, best first, indexed by source: ``rank``, ``property``, ``unit``,
        ``kind``, ``n_features``, ``cv_mae`` (Magpie + source), ``baseline_cv_mae`` (Magpie
        alone), ``gain`` (baseline minus source MAE, in the target's unit; positive helps),
        ``relative_gain`` (gain / baseline), ``logme`` (Magpie + source), ``logme_gain``.

    Examples
    --------
    >>> from skcromel.transfer import rank_sources
    >>> table = rank_sources(formulas, y, cv=5, random_state=0)  # doctest: +SKIP
    >>> table.index[0]                                            # doctest: +SKIP
    'elemnet-small-mp-eform'
    """
    from ..featurizers import ElementStats
    from ..matching import near_duplicate_groups
    from ..model_selection import FormulaGroupKFold
    from ..parsing import as_composition_array

    if sort_by not in ("gain", "logme_gain"):
        raise ValueError(f"sort_by must be 'gain' or 'logme_gain', got {sort_by!r}")
    values, _ = as_composition_array(X)
    y = np.asarray(y, dtype=np.float64).ravel()
    if len(values) != len(y):
        raise ValueError(f"{len(values)} compositions but {len(y)} targets")
    if not np.isfinite(y).all():
        raise ValueError("y must be finite")
    if sources is None:
        sources = _default_sources()
    sources = list(sources)
    if not sources:
        raise ValueError("no sources to rank")
    if groups is None:
        groups = near_duplicate_groups(values)
    if isinstance(cv, int):
        cv = FormulaGroupKFold(cv, random_state=random_state)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = ElementStats("magpie", on_error="nan").fit_transform(values)
    base = np.asarray(base, dtype=np.float64)
    base_imp = SimpleImputer(strategy="mean", keep_empty_features=True).fit_transform(base)
    base_mae = _cv_mae(base, y, cv, groups)
    base_logme = logme(base_imp, y)

    rows = []
    for src in sources:
        card = _card(src)
        F = source_features(src, values, layer=layer)
        both = np.hstack([base, F])
        both_imp = SimpleImputer(strategy="mean", keep_empty_features=True).fit_transform(both)
        mae = _cv_mae(both, y, cv, groups)
        ev = logme(both_imp, y)
        rows.append(
            {
                "source": str(src),
                "property": card.get("target") or card.get("kind"),
                "unit": card.get("unit"),
                "kind": card.get("kind"),
                "n_features": F.shape[1],
                "cv_mae": mae,
                "baseline_cv_mae": base_mae,
                "gain": base_mae - mae,
                "relative_gain": (base_mae - mae) / base_mae if base_mae > 0 else 0.0,
                "logme": ev,
                "logme_gain": ev - base_logme,
            }
        )
    table = pd.DataFrame(rows).set_index("source")
    table = table.sort_values(sort_by, ascending=False, kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table
