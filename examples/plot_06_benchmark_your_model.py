"""
Benchmark your own model against the baselines
==============================================

`skcromel.benchmark.run_benchmark` scores any scikit-learn estimator next to skcromel's named
recipes under the same protocol: here the leak-free `grouped-kfold` protocol (5 folds grouped by
reduced formula; a fresh clone of every model in every fold) on the Kingsbury experimental
formation enthalpies. `quick=True` subsamples about 400 rows and shortens the registered
recipes, so the whole comparison runs in seconds; drop it for the real numbers.

The same run from the command line:

```bash
skcromel benchmark --datasets kingsbury_formation_enthalpy --models dummy rf_magpie --quick --out bench
```
"""

# %%
# Your models
# -----------
# Any estimator that takes the dataset's `X` (a DataFrame with a `composition` column) works.
# Pass it as a `(name, estimator)` pair next to registered names.
import matplotlib.pyplot as plt
import torch
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import make_pipeline

from skcromel.benchmark import list_models, run_benchmark
from skcromel.cross_property import CrossPropertyRegressor
from skcromel.datasets import load_kingsbury
from skcromel.featurizers import ElementStats

torch.set_num_threads(1)

my_boosting = make_pipeline(ElementStats("magpie"), HistGradientBoostingRegressor())
my_transfer = CrossPropertyRegressor(
    "elemnet-small-mp-eform", max_epochs=60, lr=1e-3, batch_size=64, patience=10
)

# the registered recipes, with their descriptions
list_models().head(6)

# %%
# Run
# ---
# `random_state` left at `None` in your estimators is set to the run's seed, so the run is
# reproducible. With `out_dir=...` every fold is cached and a re-run resumes.
result = run_benchmark(
    ["dummy", "rf_magpie", ("magpie_hgb (mine)", my_boosting), ("xprop (mine)", my_transfer)],
    [load_kingsbury()],
    protocol="grouped-kfold",
    seeds=[0],
    quick=True,
    n_jobs=1,
    progress=False,
)
summary = result.summary().set_index("model")
summary[["mae_mean", "mae_std", "r2_mean"]].round(3)

# %%
# Bar chart
# ---------
order = summary["mae_mean"].sort_values().index
fig, ax = plt.subplots(figsize=(6.5, 3.6))
ax.barh(order, summary.loc[order, "mae_mean"], xerr=summary.loc[order, "mae_std"],
        color=["tab:orange" if "mine" in m else "tab:grey" for m in order])  # fmt: skip
ax.invert_yaxis()
ax.set_xlabel("MAE (eV/atom), mean ± sd over the 5 folds")
ax.set_title("Kingsbury ΔHf, grouped 5-fold (quick subsample)")
fig.tight_layout()
plt.show()

# %%
# Per-fold scores and every test prediction are in `result.folds` and `result.predictions`;
# `skcromel.benchmark.write_report(result, out_dir)` writes a Markdown report with parity plots.
result.folds.head()
