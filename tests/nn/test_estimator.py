"""Tests of the shared TorchRegressor base on a tiny MLP subclass with numeric X."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skcromel.nn import MLP, TorchMLPRegressor, TorchRegressor, elemnet, elemnet_spec

torch.set_num_threads(1)


def _tiny(**kw):
    params = dict(hidden=(16,), max_epochs=20, batch_size=16, lr=1e-2, random_state=0)
    params.update(kw)
    return TorchMLPRegressor(**params)


# scikit-learn's common checks of TorchMLPRegressor (the same tiny settings as _tiny()) run in
# tests/test_common.py with every other public estimator. Measured with scikit-learn 1.9 /
# skorch 1.4 / torch 2.13 CPU, it passes every applicable check: check_regressors_train (score
# threshold), check_methods_subset_invariance and check_methods_sample_order_invariance (float32
# batch-dependent rounding stays within tolerance) included.


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5))
    y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=120)
    return X, y


def test_output_is_float64_1d(data):
    X, y = data
    pred = _tiny().fit(X, y).predict(X)
    assert pred.dtype == np.float64 and pred.shape == (len(X),)


def test_learns_a_linear_function(data):
    X, y = data
    est = _tiny(max_epochs=60).fit(X, y)
    assert est.score(X, y) > 0.9


def test_random_state_reproducible_and_seed_matters(data):
    X, y = data
    a = _tiny(random_state=3).fit(X, y).predict(X)
    b = _tiny(random_state=3).fit(X, y).predict(X)
    c = _tiny(random_state=4).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_global_torch_rng_untouched(data):
    X, y = data
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    _tiny().fit(X, y)
    np.testing.assert_array_equal(torch.rand(3).numpy(), expected.numpy())


class _CountingMLP(TorchMLPRegressor):
    """Builds its module from a shared 'pretrained' template, like a transfer estimator."""

    template = None
    builds = 0

    def _build_module(self, n_features):
        type(self).builds += 1
        module = MLP(n_features, self.hidden)
        module.load_state_dict(type(self).template.state_dict())
        return module


def test_no_state_carried_between_fits_or_folds(data):
    X, y = data
    _CountingMLP.template = MLP(X.shape[1], (16,))
    pristine = {k: v.clone() for k, v in _CountingMLP.template.state_dict().items()}
    est = _CountingMLP(hidden=(16,), max_epochs=15, lr=1e-2, random_state=0)
    first = clone(est).fit(X, y).predict(X)
    # the template (the "source weights") is never modified by training
    for k, v in _CountingMLP.template.state_dict().items():
        torch.testing.assert_close(v, pristine[k])
    # fitting on other data in between does not leak into a later fit
    est.fit(X[:60], y[:60] * 5)
    est.fit(X, y)
    np.testing.assert_array_equal(est.predict(X), first)
    # every CV fold starts from the same pristine weights: fold 2 equals an independent fit
    folds = list(KFold(3).split(X))
    before = _CountingMLP.builds
    cv_pred = cross_val_predict(est, X, y, cv=folds)
    assert _CountingMLP.builds - before == 3
    tr, te = folds[1]
    alone = clone(est).fit(X[tr], y[tr]).predict(X[te])
    np.testing.assert_allclose(cv_pred[te], alone, rtol=1e-6)


def test_pickle_roundtrip(data):
    X, y = data
    est = _tiny().fit(X, y)
    est2 = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(est.predict(X), est2.predict(X))
    assert next(est2.net_.module_.parameters()).device.type == "cpu"


def test_clone_is_unfitted(data):
    X, y = data
    est = _tiny().fit(X, y)
    c = clone(est)
    assert not hasattr(c, "net_")
    assert c.get_params() == est.get_params()


def test_validation_split_and_early_stopping(data):
    X, y = data
    est = _tiny(max_epochs=200, validation_fraction=0.2, patience=3).fit(X, y)
    assert "valid_loss" in est.net_.history[-1]
    assert est.n_epochs_ < 200


def test_pipeline_and_gridsearch(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), _tiny(max_epochs=10))
    gs = GridSearchCV(pipe, {"torchmlpregressor__lr": [1e-3, 1e-2]}, cv=2).fit(X, y)
    assert gs.predict(X).shape == (len(X),)


def test_bad_params_raise(data):
    X, y = data
    with pytest.raises(ValueError, match="loss"):
        _tiny(loss="nope").fit(X, y)
    with pytest.raises(ValueError, match="validation_fraction"):
        _tiny(validation_fraction=1.5).fit(X, y)


def test_base_requires_build_module():
    """TorchRegressor is abstract: a subclass without _build_module cannot even be built."""

    class _NoModule(TorchRegressor):
        pass

    for cls in (TorchRegressor, _NoModule):
        with pytest.raises(TypeError, match="abstract"):
            cls()


def test_dropout_only_in_training():
    net = elemnet("elemnet")
    x = torch.rand(4, 86)
    net.eval()
    torch.testing.assert_close(net(x), net(x))
    net.train()
    assert not torch.allclose(net(x), net(x))


def test_elemnet_size_and_activation():
    net = elemnet("elemnet")
    assert sum(p.numel() for p in net.parameters()) == 4_631_361
    assert net.n_hidden == 16
    assert elemnet_spec("elemnet")["hidden"][:5] == [1024, 1024, 1024, 1024, 512]
    h = net.hidden_activation(torch.rand(3, 86), layer=-1)
    assert h.shape == (3, 32) and (h >= 0).all()
    with pytest.raises(ValueError):
        net.hidden_activation(torch.rand(3, 86), layer=17)


def test_time_limit_stops_training(data):
    X, y = data
    est = _tiny(max_epochs=10_000, max_time=0.5).fit(X, y)
    assert est.n_epochs_ < 10_000
    assert est.net_.history[-1].get("stopped_by_time_limit")


class _MinimalSubclass(TorchRegressor):
    """A subclass that declares only some base parameters."""

    def __init__(self, *, max_epochs=3, random_state=None):
        super().__init__(max_epochs=max_epochs, random_state=random_state)

    def _build_module(self, n_features):
        return MLP(n_features, (4,))


def test_subclass_without_optional_params_is_clean(data):
    from sklearn.utils.estimator_checks import check_no_attributes_set_in_init

    X, y = data
    est = _MinimalSubclass(random_state=0)
    # base parameters the subclass does not declare keep their defaults and are not parameters
    assert est.max_time is None and "max_time" not in est.get_params()
    assert est.fit(X, y).predict(X).shape == (len(X),)
    check_no_attributes_set_in_init("minimal", TorchMLPRegressor())


def test_pickle_of_a_gpu_fitted_model_is_cpu(data):
    """A net whose device says CUDA is pickled as a CPU copy (the original is left alone)."""
    X, y = data
    est = _tiny().fit(X, y)
    expected = est.predict(X)
    est.net_.device = "cuda"  # as after fitting on a GPU (tensors are on CPU here, no GPU needed)
    est.device_ = "cuda"
    again = pickle.loads(pickle.dumps(est))
    assert again.net_.device == "cpu" and again.device_ == "cpu"
    assert est.net_.device == "cuda"
    np.testing.assert_array_equal(again.predict(X), expected)
