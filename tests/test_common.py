"""Common checks of every public skcromel estimator (issue #13).

* :func:`skcromel.utils.all_estimators` finds every estimator class of the public namespaces
  (:func:`test_all_estimators_covers_every_public_estimator`), so a new estimator cannot escape
  the checks below.
* Every constructor argument survives ``clone`` and ``set_params`` (all estimators).
* Estimators that take a numeric 2-D ``X`` run scikit-learn's ``parametrize_with_checks``.
* Estimators that take one column of compositions or structures (their tags say
  ``two_d_array=False``; scikit-learn's checks skip them) run the composition suite of this file.

Every check expected to fail is listed with its reason in :data:`EXPECTED_FAILED_CHECKS` and runs
as a strict xfail: it must fail (a fix makes the test fail until the entry is removed), and
nothing is skipped silently.
"""

from __future__ import annotations

import inspect
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.dummy import DummyRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

import skcromel
from skcromel.utils import _public_modules, _public_names, all_estimators

# ------------------------------------------------------------------ data
#: Compositions every composition estimator accepts (ABO3: the Center-Environment featurizer
#: builds perovskite prototypes of them).
FORMULAS = ["SrTiO3", "BaTiO3", "CaTiO3", "LaAlO3", "BaZrO3", "SrZrO3", "LaFeO3", "KNbO3",
            "NaNbO3", "LaCrO3", "CaZrO3", "BaHfO3"]  # fmt: skip
#: A tiny computed reference: binary oxides (hull) and some of the compounds (look-up).
HULL_REFERENCE = pd.DataFrame(
    {
        "formula": "SrO TiO2 BaO ZrO2 La2O3 Al2O3 CaO Fe2O3 K2O Nb2O5 Na2O Cr2O3 HfO2".split(),
        "e_form": [-3.1, -3.3, -2.8, -3.8, -3.7, -3.4, -3.3, -1.7, -1.2, -2.8, -1.4, -2.4, -4.0],
    }
)
LOOKUP_REFERENCE = pd.DataFrame(
    {"formula": ["SrTiO3", "BaTiO3", "LaAlO3", "Ti2Sr2O6"], "gap": [3.2, 3.0, 5.6, 3.4]}
)


def _composition_pipeline():
    from skcromel import ElementStats

    return make_pipeline(ElementStats(), Ridge())


# ------------------------------------------------------------------ instances
def _tiny_torch(**kw):
    """Tiny, fast settings shared by the torch regressors on numeric features."""
    return dict(hidden=(16,), max_epochs=20, batch_size=16, lr=1e-2, random_state=0, **kw)


def _construct(cls) -> BaseEstimator:
    """One instance of ``cls`` with tiny, fast settings (few epochs, small layers, seed 0)."""
    name = cls.__name__
    if name in ("TorchMLPRegressor", "FineTunedMLPRegressor"):
        return cls(**_tiny_torch())
    if name == "CETransferRegressor":  # no source: scikit-learn's data sets vary in width
        return cls(hidden=(16,), max_epochs=20, lr=1e-2, source_lr=1e-2, patience=None,
                   batch_size=16, random_state=0)  # fmt: skip
    if name == "DeltaRegressor":
        return cls(Ridge())
    if name == "CVPlusRegressor":
        return cls(Ridge(), cv=3, random_state=0)
    if name == "HoldoutBlendRegressor":
        return cls([("ridge", Ridge()), ("mean", DummyRegressor())], random_state=0)
    if name == "ZeroInflatedRegressor":  # members that take sparse input: the tags must say so
        return cls(LogisticRegression(), Ridge())
    if name == "ElemNetRegressor":
        return cls(max_epochs=2, batch_size=8, validation_fraction=0.0, patience=None,
                   device="cpu", random_state=0)  # fmt: skip
    if name == "CrossPropertyRegressor":
        return cls(max_epochs=2, batch_size=8, validation_fraction=0.0, patience=None,
                   device="cpu", random_state=0)  # fmt: skip
    if name == "CroMELRegressor":
        return cls(hidden=8, max_epochs=2, batch_size=8, device="cpu", random_state=0)
    if name == "CroMELPretrainer":
        return cls(hidden=8, n_conv=1, n_gaussians=8, epochs=1, batch_size=4, random_state=0)
    if name == "CenterEnvironmentFeaturizer":
        return cls(prototype="perovskite", impute_nan=True)
    if name == "ReferenceHullEnergy":
        return cls(HULL_REFERENCE)
    if name == "ReferenceLookup":
        return cls(LOOKUP_REFERENCE)
    if name in ("TransferRegressor", "TransferClassifier"):
        return cls(sources=None, n_estimators=2, max_iter=5, random_state=0)
    return cls()


def _extra_instances():
    """Meta-estimators around composition pipelines: they join the composition suite."""
    from skcromel import DeltaRegressor, HoldoutBlendRegressor, ReferenceHullEnergy
    from skcromel.meta import ZeroInflatedRegressor

    return [
        DeltaRegressor(_composition_pipeline(), baseline=ReferenceHullEnergy(HULL_REFERENCE)),
        HoldoutBlendRegressor(
            [
                ("a", _composition_pipeline()),
                ("b", _composition_pipeline().set_params(ridge__alpha=10.0)),
            ],
            random_state=0,
        ),
        ZeroInflatedRegressor(
            make_pipeline(skcromel.ElementStats(), StandardScaler(), LogisticRegression()),
            _composition_pipeline(),
        ),
    ]


#: Estimators that take compositions although their tags say "2-D array" (a defect listed in
#: EXPECTED_FAILED_CHECKS): they run the composition suite, not scikit-learn's checks (whose
#: generator stops at a transformer without transformer tags).
WRONG_INPUT_TAGS = {"MatminerFeaturizer"}


def _takes_2d_array(est) -> bool:
    return get_tags(est).input_tags.two_d_array and type(est).__name__ not in WRONG_INPUT_TAGS


ESTIMATORS = all_estimators()
INSTANCES = [_construct(cls) for _, cls in ESTIMATORS]
NUMERIC = [est for est in INSTANCES if _takes_2d_array(est)]
OTHER_CLASSES = [est for est in INSTANCES if not _takes_2d_array(est)]
EXTRA = _extra_instances()

# ------------------------------------------------------------------ expected failures
_MATMINER = (
    "MatminerFeaturizer follows matminer's BaseFeaturizer API (fit is a no-op that records "
    "nothing; transform works unfitted and returns what featurize_many gives); "
    "skcromel/featurizers/_matminer.py"
)
#: class name -> {check name: reason}. Strict xfails: a check listed here must fail.
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {
    "MatminerFeaturizer": {
        "check_tags": _MATMINER + ": default tags (2-D numeric array, no transformer tags: "
        "BaseFeaturizer lists BaseEstimator before TransformerMixin)",
        "check_not_fitted": _MATMINER,
        "check_n_features_in": _MATMINER,
        "check_feature_names_in": _MATMINER,
        "check_feature_names_mismatch": _MATMINER,
        "check_empty_input": _MATMINER + ": transform([]) fails inside numpy, not with a clear "
        "message",
        "check_output_float64": _MATMINER + ": transform returns a list of lists",
        "check_bad_row_is_named": _MATMINER + ": transform always ignores errors (NaN rows, "
        "matminer's ignore_errors=True)",
    },
}


def _expected_failed_checks(estimator) -> dict[str, str]:
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


# ------------------------------------------------------------------ discovery
def test_all_estimators_covers_every_public_estimator():
    """Every BaseEstimator class named in a public ``__all__`` is found (or is abstract, or a
    parameter holder without ``fit``)."""
    found = {cls for _, cls in all_estimators()}
    listed = {}
    for module in _public_modules():
        for name in _public_names(module):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
                listed[obj] = f"{module.__name__}.{name}"
    missing = [where for cls, where in listed.items() if cls not in found]
    abstract = [
        where
        for cls, where in listed.items()
        if inspect.isabstract(cls) or not callable(getattr(cls, "fit", None))
    ]
    assert sorted(missing) == sorted(abstract), f"not found by all_estimators: {missing}"
    assert {
        "skcromel.nn.TorchRegressor",
        "skcromel.featurizers.CompositionTransformer",
        "skcromel.cromel.CHGNetTeacher",
    } <= set(abstract)
    # every estimator of the top level is found, under its own name
    top = {name for name in skcromel.__all__ if name[0].isupper()}
    est_top = {n for n in top if isinstance(getattr(skcromel, n), type)
               and issubclass(getattr(skcromel, n), BaseEstimator)}  # fmt: skip
    assert est_top <= {name for name, _ in all_estimators()}
    assert len(est_top) >= 17


def test_all_estimators_type_filter():
    names = lambda kind: {n for n, _ in all_estimators(type_filter=kind)}  # noqa: E731
    regressors, transformers = names("regressor"), names("transformer")
    assert {"ElemNetRegressor", "CETransferRegressor", "ZeroInflatedRegressor"} <= regressors
    assert {"ElementStats", "CroMELFeaturizer", "CenterEnvironmentFeaturizer"} <= transformers
    assert not regressors & transformers and names("classifier") == {"TransferClassifier"}
    assert names(["regressor", "transformer"]) == regressors | transformers
    assert "CroMELPretrainer" in {n for n, _ in all_estimators()} - regressors - transformers
    everything = all_estimators()
    assert everything == sorted(everything, key=lambda t: (t[0], t[1].__module__))
    assert all(issubclass(c, BaseEstimator) and not inspect.isabstract(c) for _, c in everything)
    with pytest.raises(ValueError, match="type_filter"):
        all_estimators(type_filter="regresor")


def test_every_estimator_is_checked():
    """Each discovered class is in exactly one suite, numeric or composition."""
    numeric, other = {type(e) for e in NUMERIC}, {type(e) for e in OTHER_CLASSES}
    assert numeric | other == {cls for _, cls in ESTIMATORS} and not numeric & other
    # the meta-estimators around composition pipelines say so in their tags
    assert not any(get_tags(e).input_tags.two_d_array for e in EXTRA)


# ------------------------------------------------------------------ clone / params (all)
class _Sentinel:
    """A parameter value no constructor uses by default; equal to itself after a deep copy."""

    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        return isinstance(other, _Sentinel) and other.name == self.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"<{self.name}>"


@pytest.mark.parametrize("cls", [cls for _, cls in ESTIMATORS], ids=[n for n, _ in ESTIMATORS])
def test_constructor_arguments_survive_clone_and_set_params(cls):
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert all(p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) for p in params), "no **kwargs"
    names = [p.name for p in params]
    values = {n: _Sentinel(f"{cls.__name__}.{n}") for n in names}
    est = cls(**values)
    # the constructor stores its parameters and nothing else
    assert sorted(vars(est)) == sorted(names)
    assert est.get_params(deep=False) == values
    cloned = clone(est)
    assert cloned.get_params(deep=False) == values
    assert type(cloned) is cls and cloned is not est
    # set_params on a default instance: every parameter lands, and survives a clone
    fresh = _construct(cls)
    assert fresh.set_params(**values) is fresh
    assert fresh.get_params(deep=False) == values
    assert clone(fresh).get_params(deep=False) == values


# ------------------------------------------------------------------ scikit-learn checks (numeric X)
@parametrize_with_checks(NUMERIC, expected_failed_checks=_expected_failed_checks, xfail_strict=True)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# ------------------------------------------------------------------ composition suite
def _takes_structures(est) -> bool:
    return type(est).__name__ == "CroMELPretrainer"


def _X(est, rows=None):
    rows = range(len(FORMULAS)) if rows is None else rows
    if _takes_structures(est):
        from skcromel.structure import prototype_structure

        return [prototype_structure(FORMULAS[i], "perovskite") for i in rows]
    return [FORMULAS[i] for i in rows]


def _y():
    y = np.random.default_rng(0).normal(-2.5, 0.4, len(FORMULAS))
    y[::3] = 0.0  # exact zeros: the zero-inflated hurdle fits its classifier
    return y


def _is_supervised(est) -> bool:
    return hasattr(est, "predict")


def _methods(est) -> list[str]:
    return [m for m in ("transform", "predict", "predict_proba") if hasattr(est, m)]


def _fit(est, X):
    if is_classifier(est):
        return est.fit(X, np.where(_y() < -2.5, "low", "high")[: len(X)])
    if _is_supervised(est):
        return est.fit(X, _y()[: len(X)])
    return est.fit(X)


def _dense(out):
    return out.toarray() if sparse.issparse(out) else np.asarray(out)


def _outputs(est, X) -> dict:
    return {m: _dense(getattr(est, m)(X)) for m in _methods(est)}


def _fitted(est):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _fit(clone(est), _X(est))


def check_tags(est):
    tags = get_tags(est)
    assert not tags.input_tags.two_d_array and tags.input_tags.one_d_array
    assert tags.requires_fit
    if _takes_structures(est):
        assert not tags.input_tags.string and tags.target_tags.required
    else:
        assert tags.input_tags.string


def check_fit_returns_self_and_keeps_params(est):
    est = clone(est)
    before = joblib.hash(est.get_params())
    X = _X(est)
    X_copy = list(X)
    assert _fit(est, X) is est
    assert joblib.hash(est.get_params()) == before, "fit changed a parameter"
    assert X == X_copy, "fit changed its input"


def check_not_fitted(est):
    est = clone(est)
    X = _X(est, [0, 1])
    for method in [*_methods(est), "get_feature_names_out"]:
        if hasattr(est, method):
            with pytest.raises(NotFittedError):
                getattr(est, method)(*([] if method == "get_feature_names_out" else [X]))


def check_n_features_in(est):
    est = _fitted(est)
    assert est.n_features_in_ == 1
    assert not hasattr(est, "feature_names_in_")


def check_feature_names_in(est):
    est = clone(est)
    X = _X(est)
    _fit(est, pd.DataFrame({"composition": X}))
    assert est.n_features_in_ == 1
    np.testing.assert_array_equal(est.feature_names_in_, ["composition"])
    assert est.feature_names_in_.dtype == object
    _fit(est, X)  # refitting without names forgets them
    assert not hasattr(est, "feature_names_in_")


def check_feature_names_mismatch(est):
    est = clone(est)
    X = _X(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _fit(est, pd.DataFrame({"composition": X}))
    for method in _methods(est):
        with pytest.raises(ValueError, match="'composition'.*'formula'|feature names"):
            getattr(est, method)(pd.DataFrame({"formula": X}))
        with pytest.warns(UserWarning, match="does not have valid feature names"):
            getattr(est, method)(X)
        # the same column name: no warning
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            getattr(est, method)(pd.DataFrame({"composition": X}))


def check_pickle_round_trip(est):
    est = _fitted(est)
    X = _X(est)
    expected = _outputs(est, X)
    again = pickle.loads(pickle.dumps(est))
    for method, out in _outputs(again, X).items():
        np.testing.assert_array_equal(out, expected[method], err_msg=method)


#: Estimators computing in float32 torch networks: a row's result may change in the last float32
#: bits with the batch it is in (matrix-product blocking depends on the batch size).
FLOAT32_NETWORKS = {"CroMELFeaturizer", "CroMELPretrainer", "CroMELRegressor",
                    "CrossPropertyFeaturizer", "CrossPropertyRegressor", "ElemNetRegressor"}  # fmt: skip


def check_subset_and_order_invariance(est):
    est = _fitted(est)
    full = _outputs(est, _X(est))
    float32 = type(est).__name__ in FLOAT32_NETWORKS
    tol = dict(rtol=1e-6, atol=1e-6) if float32 else dict(rtol=1e-12, atol=1e-12)
    for rows in ([5, 1, 8], [3], list(range(len(FORMULAS)))[::-1]):
        part = _outputs(est, _X(est, rows))
        for method, out in part.items():
            if out.dtype.kind in "OUS":  # class labels
                np.testing.assert_array_equal(out, full[method][rows], err_msg=method)
                continue
            np.testing.assert_allclose(
                out, full[method][rows], **tol, err_msg=f"{method} rows {rows}"
            )


def check_refit_deterministic(est):
    a, b = _fitted(est), _fitted(est)
    X = _X(est)
    out_b = _outputs(b, X)
    for method, out in _outputs(a, X).items():
        np.testing.assert_array_equal(out, out_b[method], err_msg=method)


def check_empty_input(est):
    with pytest.raises(ValueError, match=r"0 (compositions|structures)|0 sample"):
        _fit(clone(est), [])
    est = _fitted(est)
    for method in _methods(est):
        with pytest.raises(ValueError, match=r"0 (compositions|structures)|0 sample") as info:
            getattr(est, method)([])
        assert "concatenate" not in str(info.value)


def check_output_float64(est):
    est = _fitted(est)
    X = _X(est)
    for method in _methods(est):
        if method == "predict" and is_classifier(est):
            continue  # class labels, checked through predict_proba
        out = getattr(est, method)(X)
        assert out.dtype == np.float64, method
        assert out.shape[0] == len(X)
        assert out.ndim == (1 if method == "predict" else 2)


def check_feature_names_out(est):
    est = _fitted(est)
    out = est.transform(_X(est))
    names = est.get_feature_names_out()
    assert len(names) == out.shape[1]
    assert names.dtype == object and all(isinstance(n, str) for n in names)
    assert len(set(names)) == len(names)


def check_bad_row_is_named(est):
    est = _fitted(est)
    X = _X(est)
    X[2] = "Xx2" if not _takes_structures(est) else "SrTiO3"
    for method in _methods(est):
        with pytest.raises((ValueError, TypeError), match="row 2"):
            getattr(est, method)(X)


def _composition_checks(est):
    yield check_tags
    yield check_fit_returns_self_and_keeps_params
    yield check_not_fitted
    yield check_n_features_in
    yield check_feature_names_in
    yield check_feature_names_mismatch
    yield check_pickle_round_trip
    yield check_subset_and_order_invariance
    yield check_refit_deterministic
    yield check_empty_input
    yield check_output_float64
    if hasattr(est, "transform") and hasattr(est, "get_feature_names_out"):
        yield check_feature_names_out
    yield check_bad_row_is_named


def _composition_params():
    labelled = [(type(e).__name__, e) for e in OTHER_CLASSES]
    labelled += [(f"{type(e).__name__}[pipelines]", e) for e in EXTRA]
    out = []
    for label, est in labelled:
        for check in _composition_checks(est):
            reason = _expected_failed_checks(est).get(check.__name__)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(est, check, id=f"{label}-{check.__name__}", marks=marks))
    return out


@pytest.mark.parametrize("estimator, check", _composition_params())
def test_composition_estimator(estimator, check):
    check(estimator)
