"""skcromel.transfer.rank_sources on tiny synthetic sources."""

import numpy as np
import pytest
import torch

from skcromel import registry
from skcromel.cross_property import ELEMNET_INPUT
from skcromel.elements import ELEMNET_ELEMENTS
from skcromel.nn import MLP
from skcromel.transfer import rank_sources
from skcromel.transfer._ranking import logme

torch.set_num_threads(1)
FE = ELEMNET_ELEMENTS.index("Fe")
PARTNERS = ["O", "S", "Al", "Ni", "Co", "Cu", "Ti", "Mn", "Si", "B", "P", "Ge"]


def _source(path, informative: bool):
    """A 86 -> 4 -> 1 MLP; the informative one computes the Fe fraction exactly."""
    module = MLP(86, [4], n_out=1)
    with torch.no_grad():
        if informative:
            module.hidden[0][0].weight.zero_()
            module.hidden[0][0].bias.zero_()
            module.hidden[0][0].weight[0, FE] = 1.0
            module.output.weight.zero_()
            module.output.bias.zero_()
            module.output.weight[0, 0] = 1.0
        else:
            gen = torch.Generator().manual_seed(1)
            for p in module.parameters():
                p.copy_(torch.randn(p.shape, generator=gen) * 0.1)
    card = {
        "name": path.name,
        "kind": "cross-property-source",
        "input": ELEMNET_INPUT,
        "architecture": {"type": "MLP", "n_in": 86, "hidden": [4], "activation": "relu"},
        "target": "fe_fraction" if informative else "noise",
        "unit": "1",
        "target_scaling": {"mean": 0.0, "scale": 1.0},
    }
    return registry.save_pretrained(module, card, path)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    formulas, y = [], []
    for m in PARTNERS:
        for a in (1, 2, 3, 5, 7):
            formulas.append(f"Fe{a}{m}{10 - a}")
            y.append(5 * a / 10 + rng.normal(0, 0.02))
    return np.array(formulas, dtype=object), np.array(y)


def test_informative_source_ranks_first(tmp_path, data):
    good = _source(tmp_path / "good", True)
    bad = _source(tmp_path / "bad", False)
    X, y = data
    table = rank_sources(X, y, [bad, good], cv=3, random_state=0)
    assert list(table.index) == [str(good), str(bad)]
    assert table["rank"].tolist() == [1, 2]
    top = table.iloc[0]
    assert top["property"] == "fe_fraction" and top["n_features"] == 5  # 4 hidden + prediction
    assert top["gain"] > 0.5 * top["baseline_cv_mae"] and top["cv_mae"] < 0.05
    assert table.iloc[1]["gain"] < top["gain"]
    assert top["logme_gain"] > table.iloc[1]["logme_gain"]
    by_logme = rank_sources(X, y, [bad, good], cv=3, random_state=0, sort_by="logme_gain")
    assert by_logme.index[0] == str(good)
    registry.clear_cache()


def test_rank_sources_validates(tmp_path, data):
    X, y = data
    good = _source(tmp_path / "good", True)
    with pytest.raises(ValueError, match="targets"):
        rank_sources(X, y[:-1], [good])
    with pytest.raises(ValueError, match="sort_by"):
        rank_sources(X, y, [good], sort_by="nope")
    with pytest.raises(ValueError, match="no sources"):
        rank_sources(X, y, [])
    registry.clear_cache()


def test_logme_prefers_the_informative_features():
    rng = np.random.default_rng(0)
    n = 200
    signal = rng.normal(size=(n, 1))
    y = 2 * signal[:, 0] + rng.normal(0, 0.1, n)
    noise = rng.normal(size=(n, 3))
    assert logme(np.hstack([signal, noise]), y) > logme(noise, y) + 1.0
    # constant columns are ignored
    assert np.isfinite(logme(np.hstack([signal, np.ones((n, 1))]), y))
