"""
Featurize a CSV of formulas
===========================

The most common first step: a table with a column of chemical formulas becomes a table of
numeric composition features that any scikit-learn model can use.

Here the table is the 2,135 experimental formation enthalpies of Kingsbury et al. that ship inside
pymatgen. We write them to a CSV, featurize it with the `skcromel featurize` command and with the
`ElementStats` transformer in Python (the same result), and plot one feature against the measured
enthalpy.
"""

# %%
# A CSV with a formula column
# ---------------------------
# Any CSV or Excel file works; the formula column may hold fractions (`Li0.5Fe0.5PO4`),
# parentheses, hydrates (`CuSO4·5H2O`) or Unicode subscripts.
import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from skcromel.cli import main
from skcromel.datasets import load_kingsbury
from skcromel.featurizers import ElementStats, Stoichiometry

workdir = Path(tempfile.mkdtemp(prefix="skcromel-example-"))  # a scratch folder

ds = load_kingsbury()
table = pd.DataFrame({"formula": ds.X["composition"], "dHf_eV_per_atom": ds.y})
table.to_csv(workdir / "kingsbury.csv", index=False)
table.head()

# %%
# On the command line
# -------------------
# `skcromel featurize` reads the file, featurizes the formula column and writes a CSV. In a
# shell you would type
#
# ```bash
# skcromel featurize kingsbury.csv --column formula --featurizer magpie --keep -o features.csv
# ```
#
# Here we call the same entry point from Python, in the folder that holds the CSV:
os.chdir(workdir)
main(["featurize", "kingsbury.csv", "--column", "formula", "--featurizer", "magpie", "--keep",
      "-o", "features.csv"])  # fmt: skip

# keep_default_na=False: the formula "NaN" (sodium nitride) stays a formula
features = pd.read_csv(workdir / "features.csv", keep_default_na=False)
print(features.shape)

# %%
# `skcromel presets` lists the other featurizers (`matscholar`, `mat2vec`, `megnet16`,
# `oliynyk`, `xenonpy`, element fractions).
#
# In Python
# ---------
# `ElementStats` is a scikit-learn transformer: the same 132 Magpie statistics as matminer's
# `ElementProperty.from_preset("magpie")`, with pandas output if you ask for it.
magpie = ElementStats(preset="magpie").set_output(transform="pandas")
X = magpie.fit_transform(table[["formula"]])
print(X.shape)
print(X.columns[:6].tolist())

# %%
# The command line and the transformer give the same numbers:
cli_values = features[X.columns].to_numpy(dtype=float)
print("max difference:", abs(cli_values - X.to_numpy()).max())

# %%
# Look at a feature
# -----------------
# The spread of electronegativities in a compound (the range of the Pauling electronegativity
# over its elements) already orders the formation enthalpies: compounds of very different
# elements are more stable. Colour: the number of elements (`Stoichiometry` with p = 0).
n_elements = Stoichiometry(p_list=(0,)).fit_transform(table[["formula"]])[:, 0]
fig, ax = plt.subplots(figsize=(6, 4.5))
sc = ax.scatter(X["MagpieData range Electronegativity"], table["dHf_eV_per_atom"],
                c=n_elements, s=8, cmap="viridis", alpha=0.7)  # fmt: skip
fig.colorbar(sc, ax=ax, label="number of elements")
ax.set_xlabel("range of Pauling electronegativity")
ax.set_ylabel("experimental ΔHf (eV/atom)")
ax.set_title("Kingsbury formation enthalpies vs one Magpie feature")
fig.tight_layout()
plt.show()
