"""Torch building blocks: the shared regressor base, networks and training helpers."""

from skcromel.nn.estimator import MLPRegressorTorch, TorchRegressor
from skcromel.nn.networks import MLP, build_mlp, elemnet, elemnet_spec

__all__ = ["MLP", "MLPRegressorTorch", "TorchRegressor", "build_mlp", "elemnet", "elemnet_spec"]
