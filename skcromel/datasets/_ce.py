"""Li et al.'s spinel -> perovskite transfer data (Center-Environment paper) from the data home.

Y. Li et al., "Center-environment deep transfer machine learning across crystal structures: from
spinel oxides to perovskite oxides", *npj Comput. Mater.* 9, 106 (2023).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import get_data_home
from ..exceptions import DataNotFoundError

__all__ = ["PAPER_MAX_FORMATION_ENERGY", "PEROVSKITE_CSV", "SPINEL_CSV", "load_ce_transfer_data"]

#: The paper's formation-energy criterion (eV/atom): in ``All_perovskite_5329`` every "predicted
#: stable" candidate has a predicted energy <= -1.003 and every candidate removed by the
#: "formation energy" filter one >= -0.998, i.e. stable means E_f <= -1.0 eV/atom.
PAPER_MAX_FORMATION_ENERGY = -1.0

SPINEL_CSV = "ce/csv/spinel_source_FE_CE_AB_AB.csv"
PEROVSKITE_CSV = "ce/csv/perovskite_target_FE_CE_AB_AB.csv"


def load_ce_transfer_data(data_home=None):
    """Formulas and formation energies (eV/atom) of Li et al.'s spinels and perovskites.

    Parameters
    ----------
    data_home : str or path-like, default=None
        See :func:`skcromel.config.get_data_home`; reads ``ce/csv/spinel_source_FE_CE_AB_AB.csv``
        and ``ce/csv/perovskite_target_FE_CE_AB_AB.csv``.

    Returns
    -------
    spinel_formulas, spinel_y, perovskite_formulas, perovskite_y : list, ndarray, list, ndarray

    Raises
    ------
    skcromel.exceptions.DataNotFoundError
        A file is missing.
    """
    home = get_data_home(data_home)
    out = []
    for rel in (SPINEL_CSV, PEROVSKITE_CSV):
        path = home / rel
        if not path.is_file():
            raise DataNotFoundError(f"{rel} not found under the data home {home}")
        df = pd.read_csv(path, usecols=lambda c: not (c[:1] in "AB" and c[1:].isdigit()))
        out += [df["formula"].astype(str).tolist(), df.iloc[:, -1].to_numpy(np.float64)]
    return tuple(out)
