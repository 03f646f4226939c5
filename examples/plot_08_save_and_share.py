"""
Save, reload and share a fitted model
=====================================

Every skcromel estimator pickles like any scikit-learn estimator: `joblib.dump` / `joblib.load`
(or `pickle`) round-trip a whole fitted pipeline, torch networks included. Weights are stored as
CPU tensors, so a model trained on a GPU loads on a laptop.

Here a pipeline of Magpie statistics, the frozen features of a pretrained network and gradient
boosting is fitted, saved and reloaded; the reloaded copy gives the same predictions to the last
bit.
"""

# %%
# Fit a model
# -----------
import tempfile
from pathlib import Path

import joblib
import matplotlib.pyplot as plt
import numpy as np
import sklearn
import torch
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import make_pipeline, make_union

import skcromel
from skcromel.cross_property import CrossPropertyFeaturizer
from skcromel.datasets import load_kingsbury
from skcromel.featurizers import ElementStats
from skcromel.model_selection import FormulaGroupKFold

torch.set_num_threads(1)

ds = load_kingsbury()
X, y = ds.X["composition"].to_numpy(), ds.y.to_numpy()
train, test = next(FormulaGroupKFold(n_splits=5, random_state=0).split(X, y, groups=ds.groups))

model = make_pipeline(
    make_union(ElementStats("magpie"), CrossPropertyFeaturizer(layer=(-1, "output"))),
    HistGradientBoostingRegressor(random_state=0),
)
model.fit(X[train], y[train])
before = model.predict(X[test])

# %%
# Save and reload
# ---------------
# Record the versions next to the model: a pickle is only guaranteed to load with the versions
# of skcromel, scikit-learn and torch that wrote it.
folder = Path(tempfile.mkdtemp())
joblib.dump(
    {
        "model": model,
        "versions": {
            "skcromel": skcromel.__version__,
            "scikit-learn": sklearn.__version__,
            "torch": torch.__version__,
        },
        "trained_on": "Kingsbury experimental formation enthalpies, eV/atom, grouped fold 0",
    },
    folder / "kingsbury_dhf.joblib",
)
print(f"{(folder / 'kingsbury_dhf.joblib').stat().st_size / 1e6:.1f} MB")

bundle = joblib.load(folder / "kingsbury_dhf.joblib")
print(bundle["versions"])
after = bundle["model"].predict(X[test])
print("identical predictions:", np.array_equal(before, after))

# %%
# The reloaded model on the held-out compounds
# --------------------------------------------
lo, hi = y.min() - 0.2, y.max() + 0.2
fig, ax = plt.subplots(figsize=(5, 4.6))
ax.plot([lo, hi], [lo, hi], color="grey", lw=1)
ax.scatter(y[test], after, s=9, alpha=0.6)
ax.set_xlim(lo, hi)
ax.set_ylim(lo, hi)
ax.set_xlabel("measured ΔHf (eV/atom)")
ax.set_ylabel("predicted by the reloaded model (eV/atom)")
ax.set_title(f"MAE {np.mean(np.abs(after - y[test])):.3f} eV/atom on unseen formulas")
fig.tight_layout()
plt.show()

# %%
# Sharing
# -------
# * Only load pickles you trust: unpickling runs code.
# * To share a *source* (a pretrained network others fine-tune) rather than a fitted pipeline,
#   write a model directory with `skcromel.registry.save_pretrained` or
#   `skcromel.cross_property.save_source`: plain `weights.pt` (a state dict, read with
#   `torch.load(..., weights_only=True)`) plus a readable `card.json` with a checksum, loadable
#   with `skcromel.registry.load_pretrained` and independent of pickle.
