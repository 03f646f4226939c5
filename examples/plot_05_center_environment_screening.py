"""
Center-Environment features and perovskite screening
====================================================

Center-Environment (CE) features (Li et al., *npj Comput. Mater.* 9, 106, 2023) describe each
cation site of a crystal by an element property of the cation (the *center*) and the
distance-weighted mean of the same property over its neighbours (the *environment*). For a
formula without a computed structure, skcromel builds an idealised prototype (cubic perovskite,
spinel) and featurizes that.

This example featurizes a few well-known ABO3 perovskites and runs the geometric screening of
every A–B pair of a list of cations with the Goldschmidt tolerance factor *t* and the octahedral
factor *μ*.
"""

# %%
# A prototype structure
# ---------------------
import matplotlib.pyplot as plt
import numpy as np

from skcromel.structure import (
    CenterEnvironmentFeaturizer,
    prototype_structure,
    screen_perovskites,
)

print(prototype_structure("SrTiO3", "perovskite"))

# %%
# CE features of prototypes
# -------------------------
# The default element table (`properties="shipped"`) is built from data in pymatgen, matminer and
# `elementembeddings`, so nothing needs downloading. `feature_names="descriptive"` names the
# columns `<site>_<property>` instead of the paper's column numbers.
perovskites = ["CaTiO3", "SrTiO3", "BaTiO3", "PbTiO3", "KNbO3", "NaNbO3", "LaAlO3", "LaMnO3",
               "LaFeO3", "SrZrO3", "BaZrO3", "YAlO3"]  # fmt: skip
ce = CenterEnvironmentFeaturizer(prototype="perovskite", feature_names="descriptive")
ce.set_output(transform="pandas")
features = ce.fit_transform(perovskites)
features.index = perovskites
print(features.shape)
features.iloc[:, :6].round(2)

# %%
# A few columns, standardised over these compounds: the A-site columns follow the A cation
# (alkali, alkaline earth, Pb, rare earth), the B-site columns the B cation.
columns = ["A_EGP", "A_AW", "A_EIF", "B_EGP", "B_AW", "B_EIF", "B_VEN"]
shown = features[columns]
z = (shown - shown.mean()) / shown.std()
fig, ax = plt.subplots(figsize=(6.5, 4.8))
im = ax.imshow(z.to_numpy(), cmap="RdBu_r", vmin=-2.5, vmax=2.5, aspect="auto")
ax.set_xticks(range(len(columns)), columns, rotation=45, ha="right")
ax.set_yticks(range(len(perovskites)), perovskites)
fig.colorbar(im, ax=ax, label="standardised value")
ax.set_title("CE features (A and B sites) of prototype perovskites")
fig.tight_layout()
plt.show()

# %%
# The property codes are listed by `skcromel.structure.describe_properties()`; for example
# `EGP` is the Pauling electronegativity, `AW` the atomic weight, `EIF` the first ionisation
# energy and `VEN` the number of valence electrons.
#
# Screening every A–B pair
# ------------------------
# `screen_perovskites` computes Goldschmidt's *t* = (r_A + r_O) / (√2 (r_B + r_O)), *μ* = r_B / r_O
# and Bartel et al.'s *τ* from Shannon ionic radii, trying every charge-neutral pair of oxidation
# states; by default a candidate is kept when τ < 4.18 (`rule="tau"`; Li et al.'s t/μ windows are
# `rule="li2023"`). A formation-energy model can be added as a further filter (`predictor=`).
cations = ["Li", "Na", "K", "Rb", "Cs", "Mg", "Ca", "Sr", "Ba", "Pb", "La", "Y", "Bi",
           "Ti", "Zr", "Hf", "Nb", "Ta", "Al", "Ga", "Sc", "V", "Cr", "Mn", "Fe", "Co", "Ni"]  # fmt: skip
screen = screen_perovskites(elements=cations)
print(f"{len(screen)} candidates, {int(screen['stable'].sum())} kept by the τ rule")
screen.loc[screen["formula"].isin(["SrTiO3", "BaTiO3", "LaAlO3", "KNbO3"]),
           ["formula", "t", "mu", "tau", "stable"]]  # fmt: skip

# %%
has_radii = np.isfinite(screen["t"]) & np.isfinite(screen["mu"])
kept = screen["stable"].to_numpy(bool)
fig, ax = plt.subplots(figsize=(6.2, 4.8))
ax.scatter(screen.loc[has_radii & ~kept, "mu"], screen.loc[has_radii & ~kept, "t"], s=8,
           color="lightgrey", label="rejected")  # fmt: skip
ax.scatter(screen.loc[kept, "mu"], screen.loc[kept, "t"], s=10, color="tab:blue", label="kept")
for formula in ("SrTiO3", "LaAlO3", "KNbO3"):
    row = screen.loc[screen["formula"] == formula].iloc[0]
    ax.annotate(formula, (row["mu"], row["t"]), fontsize=8, xytext=(3, 3),
                textcoords="offset points")  # fmt: skip
ax.set_xlabel("octahedral factor μ")
ax.set_ylabel("tolerance factor t")
ax.set_title("Geometric screening of ABO3 candidates")
ax.legend()
fig.tight_layout()
plt.show()
