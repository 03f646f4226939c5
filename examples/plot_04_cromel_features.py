"""
CroMEL embeddings in a pipeline
===============================

CroMEL (G. S. Na, *npj Comput. Mater.* 2025, doi:10.1038/s41524-025-01723-1) trains a
composition encoder whose embeddings are aligned with those of a crystal-structure encoder, so
that a formula alone maps to a point that "knows" about structures. skcromel ships such an
encoder, `cromel-offline-cosine` (pretrained on about 14,000 crystal structures; the compositions
of the benchmark targets, Kingsbury's included, were excluded).

`CroMELFeaturizer` turns formulas into its 64-d embeddings. Here we use them as features for a
gradient-boosting model on experimental formation enthalpies, next to the Magpie statistics, and
look at the embedding space in two dimensions.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline, make_union

from skcromel.cromel import CroMELFeaturizer
from skcromel.datasets import load_kingsbury
from skcromel.featurizers import ElementStats
from skcromel.model_selection import FormulaGroupKFold

ds = load_kingsbury()
formulas, y = ds.X["composition"], ds.y

embeddings = CroMELFeaturizer().fit_transform(formulas)  # default source: cromel-offline-cosine
print(embeddings.shape)

# %%
# Three pipelines, one protocol
# -----------------------------
# 5-fold cross-validation grouped by reduced formula (leak-free). The featurizers have nothing
# to learn from the data, so putting them inside the pipeline costs nothing and keeps every fold
# honest.
models = {
    "CroMEL": make_pipeline(CroMELFeaturizer(), HistGradientBoostingRegressor(random_state=0)),
    "Magpie": make_pipeline(ElementStats(), HistGradientBoostingRegressor(random_state=0)),
    "Magpie + CroMEL": make_pipeline(
        make_union(ElementStats(), CroMELFeaturizer()),
        HistGradientBoostingRegressor(random_state=0),
    ),
}
cv = FormulaGroupKFold(n_splits=5, random_state=0)
scores = {}
for name, model in models.items():
    mae = -cross_val_score(
        model, formulas, y, groups=ds.groups, cv=cv, scoring="neg_mean_absolute_error"
    )
    scores[name] = mae
    print(f"{name:>16}: MAE {mae.mean():.3f} ± {mae.std():.3f} eV/atom")

# %%
# The embedding space
# -------------------
# The first two principal components of the 2,135 embeddings, coloured by the measured
# formation enthalpy.
pcs = PCA(n_components=2).fit_transform(embeddings)
fig, ax = plt.subplots(figsize=(6.2, 4.8))
sc = ax.scatter(pcs[:, 0], pcs[:, 1], c=y, s=7, cmap="coolwarm_r", alpha=0.8)
fig.colorbar(sc, ax=ax, label="experimental ΔHf (eV/atom)")
row_of = {formula: i for i, formula in enumerate(formulas)}
for formula in ("NaCl", "Al2O3", "SiO2", "CuO", "GaAs", "MgO"):
    if formula in row_of:
        ax.annotate(
            formula, pcs[row_of[formula]], fontsize=8, xytext=(3, 3), textcoords="offset points"
        )
ax.set_xlabel("PC 1")
ax.set_ylabel("PC 2")
ax.set_title("CroMEL embeddings of the Kingsbury compounds")
fig.tight_layout()
plt.show()
