"""Tests of cross-property transfer: featurizer, fine-tuning regressor, scratch ElemNet."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks as ec

from skcromel import registry
from skcromel.cross_property import (
    ELEMNET_INPUT,
    CrossPropertyFeaturizer,
    CrossPropertyRegressor,
    ElemNetRegressor,
)
from skcromel.elements import ELEMNET_ELEMENTS
from skcromel.exceptions import CompositionError
from skcromel.nn import MLP, elemnet
from skcromel.parsing import reduced_formulas, to_element_matrix

torch.set_num_threads(1)

FORMULAS = [
    "NaCl", "KCl", "MgO", "CaO", "Fe2O3", "Al2O3", "SiO2", "TiO2", "ZnO", "GaAs", "InP", "CdTe",
    "LiF", "BaTiO3", "SrTiO3", "Cu2O", "NiO", "CoO", "MnO2", "ZrO2", "CsI", "AgBr", "PbS", "SnO2",
]  # fmt: skip


def _target(formulas):
    rng = np.random.default_rng(0)
    base = np.array([0.3 * len(f) + ("O" in f) for f in formulas])
    return base + 0.01 * rng.normal(size=len(formulas))


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory):
    torch.manual_seed(0)
    module = MLP(86, (16, 8, 4))
    card = {
        "name": "tiny-source",
        "input": ELEMNET_INPUT,
        "architecture": {"type": "MLP", "n_in": 86, "hidden": [16, 8, 4], "activation": "relu"},
        "target_scaling": {"mean": 1.0, "scale": 2.0},
    }
    path = registry.save_pretrained(module, card, tmp_path_factory.mktemp("src") / "tiny")
    yield path
    registry.clear_cache()


def _reg(source, **kw):
    params = dict(max_epochs=8, batch_size=8, lr=1e-3, patience=None, validation_fraction=0.0,
                  random_state=0, device="cpu")  # fmt: skip
    params.update(kw)
    return CrossPropertyRegressor(source, **params)


# ----------------------------------------------------------------------------- featurizer
def test_featurizer_matches_manual_forward(source_dir):
    feat = CrossPropertyFeaturizer(source_dir, layer=2).fit()
    Z = feat.transform(FORMULAS)
    assert Z.shape == (len(FORMULAS), 8) and Z.dtype == np.float64
    assert (Z >= 0).all()  # post-ReLU
    module = registry.load_pretrained(source_dir).build_module()
    x = torch.from_numpy(to_element_matrix(FORMULAS, ELEMNET_ELEMENTS)).float()
    with torch.no_grad():
        expected = module.hidden[1][1](module.hidden[1][0](module.hidden[0](x)))
    np.testing.assert_allclose(Z, expected.numpy(), rtol=1e-5, atol=1e-6)
    assert x[0, ELEMNET_ELEMENTS.index("Na")] == 0.5


def test_featurizer_layers_names_and_determinism(source_dir):
    feat = CrossPropertyFeaturizer(source_dir, layer=(1, -1), batch_size=5).fit()
    Z = feat.transform(FORMULAS)
    assert Z.shape == (len(FORMULAS), 16 + 4)
    names = feat.get_feature_names_out()
    assert list(names[:2]) == ["cp_l1_0", "cp_l1_1"] and names[-1] == "cp_l3_3"
    np.testing.assert_array_equal(Z, feat.transform(FORMULAS))
    big = CrossPropertyFeaturizer(source_dir, layer=(1, -1), batch_size=1000).fit()
    np.testing.assert_allclose(Z, big.transform(FORMULAS), rtol=1e-6)


def test_featurizer_output_is_the_source_prediction(source_dir):
    feat = CrossPropertyFeaturizer(source_dir, layer=(-1, "output")).fit()
    Z = feat.transform(FORMULAS)
    assert Z.shape == (len(FORMULAS), 4 + 1)
    assert list(feat.get_feature_names_out()[-2:]) == ["cp_l3_3", "cp_prediction"]
    module = registry.load_pretrained(source_dir).build_module().eval()
    x = torch.from_numpy(to_element_matrix(FORMULAS, ELEMNET_ELEMENTS)).float()
    with torch.no_grad():
        expected = module(x).double().numpy()[:, 0] * 2.0 + 1.0  # the card's target scaling
    np.testing.assert_allclose(Z[:, -1], expected, rtol=1e-5, atol=1e-6)
    only = CrossPropertyFeaturizer(source_dir, layer="output").fit()
    np.testing.assert_array_equal(only.transform(FORMULAS)[:, 0], Z[:, -1])
    with pytest.raises(ValueError, match="output"):
        CrossPropertyFeaturizer(source_dir, layer="last").fit()


def test_featurizer_input_forms(source_dir):
    feat = CrossPropertyFeaturizer(source_dir).fit()
    a = feat.transform(FORMULAS)
    b = feat.transform(pd.DataFrame({"formula": FORMULAS}))
    c = feat.transform(np.array(FORMULAS, dtype=object).reshape(-1, 1))
    d = feat.transform(pd.Series(["Cl1Na1", *FORMULAS[1:]]))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(a, d)
    out = feat.set_output(transform="pandas").transform(FORMULAS)
    assert list(out.columns) == list(feat.get_feature_names_out())


def test_featurizer_errors(source_dir):
    feat = CrossPropertyFeaturizer(source_dir).fit()
    with pytest.raises(CompositionError):
        feat.transform(["NaCl", "HeNe"])  # He/Ne are not ElemNet inputs
    with pytest.warns(UserWarning):
        Z = CrossPropertyFeaturizer(source_dir, on_error="nan").fit().transform(["NaCl", "Xx2"])
    assert np.isnan(Z[1]).all() and not np.isnan(Z[0]).any()
    with pytest.raises(ValueError, match="layer"):
        CrossPropertyFeaturizer(source_dir, layer=4).fit()


def test_featurizer_pickle_clone_pipeline(source_dir):
    feat = CrossPropertyFeaturizer(source_dir).fit()
    again = pickle.loads(pickle.dumps(feat))
    np.testing.assert_array_equal(feat.transform(FORMULAS), again.transform(FORMULAS))
    assert not hasattr(clone(feat), "module_")
    y = _target(FORMULAS)
    pipe = make_pipeline(CrossPropertyFeaturizer(source_dir), Ridge())
    gs = GridSearchCV(pipe, {"crosspropertyfeaturizer__layer": [1, 2]}, cv=3).fit(FORMULAS, y)
    assert gs.predict(FORMULAS).shape == (len(FORMULAS),)


API_CHECKS = [
    ec.check_no_attributes_set_in_init,
    ec.check_get_params_invariance,
    ec.check_set_params,
    ec.check_estimator_repr,
    ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_parameters_default_constructible,
    ec.check_mixin_order,
    ec.check_estimator_cloneable,
]


@pytest.mark.parametrize("check", API_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    "est",
    [CrossPropertyFeaturizer(), CrossPropertyRegressor(), ElemNetRegressor()],
    ids=lambda e: type(e).__name__,
)
def test_api_checks(est, check):
    check(type(est).__name__, est)


# ----------------------------------------------------------------------------- regressor
def test_regressor_fit_predict_and_source_untouched(source_dir):
    before = registry.load_pretrained(source_dir).state_dict()
    y = _target(FORMULAS)
    reg = _reg(source_dir).fit(FORMULAS, y)
    pred = reg.predict(FORMULAS)
    assert pred.dtype == np.float64 and pred.shape == (len(FORMULAS),)
    after = registry.load_pretrained(source_dir).state_dict()
    for k in before:
        torch.testing.assert_close(before[k], after[k])
    # training changed the copy (so the test above is meaningful)
    trained = reg.net_.module_.state_dict()
    assert not torch.allclose(trained["hidden.0.0.weight"], before["hidden.0.0.weight"])
    assert reg.source_card_["name"] == "tiny-source"


def test_freeze_layers(source_dir):
    src = registry.load_pretrained(source_dir).state_dict()
    reg = _reg(source_dir, freeze_layers=2).fit(FORMULAS, _target(FORMULAS))
    sd = reg.net_.module_.state_dict()
    for k in ("hidden.0.0.weight", "hidden.1.0.bias"):
        torch.testing.assert_close(sd[k], src[k])
    assert not torch.allclose(sd["hidden.2.0.weight"], src["hidden.2.0.weight"])
    with pytest.raises(ValueError, match="freeze_layers"):
        _reg(source_dir, freeze_layers=9).fit(FORMULAS, _target(FORMULAS))


def test_keep_output_layer_uses_source_scaling(source_dir):
    reg = _reg(source_dir, reinit_output=False, max_epochs=1, lr=1e-12)
    reg.fit(FORMULAS, _target(FORMULAS))
    assert (reg.y_mean_, reg.y_scale_) == (1.0, 2.0)
    module = registry.load_pretrained(source_dir).build_module()
    feat = CrossPropertyFeaturizer(source_dir, layer=-1).fit()
    z = torch.from_numpy(feat.transform(FORMULAS)).float()
    with torch.no_grad():
        source_pred = module.output(z).numpy().ravel() * 2.0 + 1.0
    np.testing.assert_allclose(reg.predict(FORMULAS), source_pred, rtol=1e-4, atol=1e-5)


def test_regressor_reproducible_and_no_fold_leak(source_dir):
    y = _target(FORMULAS)
    reg = _reg(source_dir)
    a = clone(reg).fit(FORMULAS, y).predict(FORMULAS)
    reg.fit(FORMULAS[:10], y[:10] * 3)  # an unrelated fit in between
    b = reg.fit(FORMULAS, y).predict(FORMULAS)
    np.testing.assert_array_equal(a, b)
    X = np.array(FORMULAS, dtype=object)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    cv = cross_val_predict(reg, X, y, cv=folds)
    tr, te = folds[2]
    alone = clone(reg).fit(X[tr], y[tr]).predict(X[te])
    np.testing.assert_allclose(cv[te], alone, rtol=1e-6)


def test_grouped_cv_by_formula(source_dir):
    X = np.array(FORMULAS + ["Na2Cl2", "O3Fe2"], dtype=object)
    y = _target(list(X))
    groups = reduced_formulas(X)
    pred = cross_val_predict(_reg(source_dir, max_epochs=2), X, y, cv=GroupKFold(3), groups=groups)
    assert np.isfinite(pred).all()


def test_regressor_pickle(source_dir):
    reg = _reg(source_dir, max_epochs=2).fit(FORMULAS, _target(FORMULAS))
    again = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(reg.predict(FORMULAS), again.predict(FORMULAS))


def test_wrong_source_input_refused(tmp_path):
    card = {"name": "x", "input": "something-else", "architecture": {"type": "MLP", "n_in": 86,
            "hidden": [4]}}  # fmt: skip
    path = registry.save_pretrained(MLP(86, (4,)), card, tmp_path / "x")
    with pytest.raises(ValueError, match="ElemNet-type"):
        _reg(path).fit(FORMULAS, _target(FORMULAS))
    with pytest.raises(ValueError, match="ElemNet-type"):
        CrossPropertyFeaturizer(path).fit()


# ----------------------------------------------------------------------------- scratch
def test_elemnet_regressor_scratch():
    y = _target(FORMULAS)
    reg = ElemNetRegressor(max_epochs=3, batch_size=8, validation_fraction=0.2, patience=2,
                           random_state=0, device="cpu")  # fmt: skip
    pred = reg.fit(FORMULAS, y).predict(["NaCl", "MgO"])
    assert pred.shape == (2,) and np.isfinite(pred).all()
    assert sum(p.numel() for p in reg.net_.module_.parameters()) == sum(
        p.numel() for p in elemnet("elemnet-small").parameters()
    )
    with pytest.raises(CompositionError):
        reg.predict(["NotAFormula!"])


def test_shipped_default_source_loads():
    if "elemnet-small-mp-eform" not in registry.list_pretrained():
        pytest.skip("default source not shipped in this checkout")
    Z = CrossPropertyFeaturizer().fit().transform(["NaCl", "Fe2O3"])
    assert Z.shape == (2, 32) and np.isfinite(Z).all()


def test_featurizer_input_attributes(source_dir):
    """fit() without data: one input column, names unchecked; fit(X) records the column name."""
    import warnings

    feat = CrossPropertyFeaturizer(source_dir).fit()
    assert feat.n_features_in_ == 1 and not hasattr(feat, "feature_names_in_")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no feature-name warning: fit saw no data
        feat.transform(pd.DataFrame({"formula": FORMULAS}))
    feat.fit(pd.DataFrame({"formula": FORMULAS}))
    assert list(feat.feature_names_in_) == ["formula"]
    with pytest.raises(ValueError, match="'formula'.*'composition'"):
        feat.transform(pd.DataFrame({"composition": FORMULAS}))
    feat.fit()  # forgets the name again
    assert not hasattr(feat, "feature_names_in_")
    with pytest.raises(ValueError, match="0 compositions"):
        feat.transform([])
