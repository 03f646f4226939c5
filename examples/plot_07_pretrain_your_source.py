"""
Pretrain your own source on computed data
=========================================

The shipped sources were trained on large computed tables (Materials Project, OQMD). You can
train one on *your* computed data in the same way, save it as a model directory, and use it
anywhere a `source=` is accepted.

To keep this example self-contained, the computed table is built from data inside pymatgen: the
423 Materials Project calculations that pymatgen uses to fit its energy corrections
(`calc_compounds.json.gz`). From the plain-GGA ones we compute DFT formation energies per atom
against the elemental references of the same set: about 220 compounds, a tiny source, but the
workflow is the one you would use for 100,000.
"""

# %%
# Build the computed table
# ------------------------
import gzip
import json
import tempfile
from importlib import resources
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.metrics import mean_absolute_error

from skcromel.cross_property import CrossPropertyFeaturizer, pretrain_elemnet, save_source
from skcromel.parsing import reduced_formulas
from skcromel.registry import list_pretrained, register_source

torch.set_num_threads(1)

path = resources.files("pymatgen.analysis.compatibility") / "calc_compounds.json.gz"
with gzip.open(path, "rt") as fh:
    calcs = [c for c in json.load(fh).values() if c["parameters"]["run_type"] == "GGA"]

# elemental references: the lowest energy per atom of each element
mu = {}
for c in calcs:
    if len(c["composition"]) == 1:
        (el, n), = c["composition"].items()  # fmt: skip
        mu[el] = min(mu.get(el, np.inf), c["energy"] / n)

rows = []
for c in calcs:
    comp = c["composition"]
    if len(comp) > 1 and all(el in mu for el in comp):
        n_atoms = sum(comp.values())
        e_form = (c["energy"] - sum(n * mu[el] for el, n in comp.items())) / n_atoms
        rows.append({"formula": reduced_formulas([comp])[0], "e_form": e_form})
table = pd.DataFrame(rows).groupby("formula", as_index=False)["e_form"].min()
print(f"{len(table)} compounds, GGA formation energy "
      f"{table.e_form.min():.2f} to {table.e_form.max():.2f} eV/atom")  # fmt: skip

# %%
# Pretrain, keeping some compounds out
# ------------------------------------
# `exclude=` removes compositions (compared by reduced formula) before training: list the
# compounds of the datasets you will evaluate on, so the source never sees them. Here 20 % of
# the table play that role.
rng = np.random.default_rng(0)
held_out = rng.choice(table["formula"], size=len(table) // 5, replace=False)

model, card = pretrain_elemnet(
    table["formula"], table["e_form"], exclude=held_out, name="my-gga-eform",
    variant="elemnet-small", max_epochs=300, batch_size=32, lr=1e-3, patience=30,
    progress=False, target="GGA formation energy", unit="eV/atom",
    data_description="pymatgen calc_compounds.json.gz, plain GGA",
)  # fmt: skip
print("rows removed by the exclusion:", card["data"]["exclusion"]["n_rows_removed"])
print("epochs:", card["training"]["epochs_run"], "best:", card["training"]["best_epoch"])
print(f"validation MAE {card['metrics']['validation_mae']:.3f} eV/atom "
      f"(predicting the mean: {card['metrics']['validation_mae_mean_baseline']:.3f})")  # fmt: skip

# %%
# Save it as a model directory
# ----------------------------
# `save_source` writes `weights.pt` (float16 when that does not change the validation MAE) and
# `card.json` (architecture, data, exclusions, settings, metrics and the sha256 of the weights).
source_dir = save_source(model, card, Path(tempfile.mkdtemp()) / "my-gga-eform")
print(sorted(p.name for p in source_dir.iterdir()))
print(json.loads((source_dir / "card.json").read_text())["weights_dtype_reason"])

# %%
# Use it
# ------
# A directory works directly as `source=`; `register_source` also makes it available by name.
register_source("my-gga-eform", source_dir)
print("my-gga-eform" in list_pretrained())

own = CrossPropertyFeaturizer(source="my-gga-eform", layer=(-1, "output")).fit()
features = own.transform(held_out)
print(features.shape, own.get_feature_names_out()[-3:])

predicted = features[:, -1]  # the source's own prediction, in eV/atom
truth = table.set_index("formula").loc[held_out, "e_form"].to_numpy()
print(f"held-out compounds: MAE {mean_absolute_error(truth, predicted):.3f} eV/atom")

# %%
# Training curve and held-out parity
# ----------------------------------
history = model.net_.history
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 4))
ax1.plot(history[:, "train_loss"], label="training")
ax1.plot(history[:, "valid_loss"], label="validation (10 % of the formulas)")
ax1.set_xlabel("epoch")
ax1.set_ylabel("MAE loss (standardised target)")
ax1.legend()
lo, hi = truth.min() - 0.3, max(truth.max(), predicted.max()) + 0.3
ax2.plot([lo, hi], [lo, hi], color="grey", lw=1)
ax2.scatter(truth, predicted, s=14)
ax2.set_xlim(lo, hi)
ax2.set_ylim(lo, hi)
ax2.set_xlabel("GGA formation energy (eV/atom)")
ax2.set_ylabel("source prediction (eV/atom)")
ax2.set_title("compounds excluded from pretraining")
fig.tight_layout()
plt.show()

# %%
# From here the source is used like a shipped one, e.g.
# `CrossPropertyRegressor(source="my-gga-eform")` to fine-tune it on an experimental target, or
# the features above in a pipeline. On the command line the same training is
# `skcromel pretrain elemnet --data table.csv --formula-col formula --target-col e_form
# --exclude my_benchmark_formulas.txt --out my-gga-eform`.
