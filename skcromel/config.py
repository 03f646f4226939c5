"""Library-wide settings: where datasets live."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_HOME_ENV", "get_data_home"]

#: Environment variable naming the data-home directory.
DATA_HOME_ENV = "SKCROMEL_DATA_HOME"


def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Return the directory where skcromel looks for (and downloads) datasets.

    Resolution order: the ``data_home`` argument, then the ``SKCROMEL_DATA_HOME`` environment
    variable, then ``~/skcromel_data``. The directory is not created here; loaders create it only
    when they download something.
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or Path.home() / "skcromel_data"
    return Path(data_home).expanduser()
