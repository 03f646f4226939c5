"""Shared fixtures. Tests that need the shared data folder use ``data_home`` and skip without it."""

from __future__ import annotations

import random

import numpy as np
import pytest

from skcromel.config import get_data_home


@pytest.fixture(autouse=True)
def _seed():
    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 - legacy global RNG used by some libraries
    try:
        import torch

        torch.manual_seed(0)
        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass


@pytest.fixture
def data_home():
    """The data home (``SKCROMEL_DATA_HOME``); skips the test when it is absent or empty."""
    home = get_data_home()
    if not home.is_dir() or not any(home.iterdir()):
        pytest.skip(f"data home {home} not available (set SKCROMEL_DATA_HOME)")
    return home
