"""
Fit and tune TransferRegressor, with uncertainty
================================================

`TransferRegressor` is the estimator to try first on a small experimental dataset: bagged
gradient boosting on composition statistics (Magpie, MEGNet embeddings) plus the frozen features
of pretrained sources, which it keeps only when they help on the training rows. Besides a
prediction it gives the spread of its members (`predict(X, return_std=True)`) and calibrated
prediction intervals (`predict_interval(X, alpha)`).

We fit it on a subsample of the experimental formation enthalpies of Kingsbury et al. (they ship
with pymatgen), look at its intervals on test compounds whose formulas never occur in training,
check their calibration, see which sources it chose, and tune one parameter with a grid search
whose folds never split a compound.

To run in about half a minute on one CPU core, this example uses 480 of the 2,135 compounds,
4 boosting members instead of the default 8, and a small grid search (2 grouped folds, the sources
fixed, 2 members of 100 boosting iterations per fit). With the defaults and all rows the errors
are lower and the intervals narrower.
"""

# %%
# Data: a subsample, split by compound
# ------------------------------------
# `FormulaGroupKFold` keeps every compound (reduced formula, near-duplicates included) in one
# fold, so the test compounds are new to the model.
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import GridSearchCV

from skcromel import TransferRegressor
from skcromel.datasets import load_kingsbury
from skcromel.model_selection import FormulaGroupKFold

torch.set_num_threads(1)  # the pretrained sources are small networks: one thread is enough

ds = load_kingsbury()
rng = np.random.default_rng(0)
rows = rng.choice(len(ds.y), size=480, replace=False)
X = ds.X["composition"].to_numpy()[rows]
y = ds.y.to_numpy()[rows]
groups = ds.groups[rows]
train, test = next(FormulaGroupKFold(n_splits=3, random_state=0).split(X, y, groups=groups))
print(f"{len(train)} training and {len(test)} test compounds, target in {ds.info.unit}")

# %%
# Fit: the sources are chosen on the training rows
# ------------------------------------------------
# With `sources="auto"` (the default) every shipped source is scored by a compound-grouped 3-fold
# cross-validation on the training rows and kept only when it lowers the error by more than one
# standard error. `source_scores_` shows the gain of each (mean reduction of the absolute error,
# in eV/atom) and its t statistic.
model = TransferRegressor(n_estimators=4, random_state=0)  # default 8: see the top
model.fit(X[train], y[train])
print("sources used:", model.sources_)
model.source_scores_.round(3)

# %%
# Predictions with 90 % intervals
# -------------------------------
# `predict_interval(X, alpha=0.1)` is meant to hold the measured value for 90 % of compounds like
# the training ones. It is calibrated on the out-of-bag residuals of the training compounds (each
# from the member that never saw that compound); its width is the same for every row, while the
# members' spread (`return_std`) tells which rows are less certain.
pred, std = model.predict(X[test], return_std=True)
lower, upper = model.predict_interval(X[test], alpha=0.1).T
inside = (y[test] >= lower) & (y[test] <= upper)
mae = mean_absolute_error(y[test], pred)
print(
    f"test MAE {mae:.3f} eV/atom; {inside.mean():.0%} of the test compounds inside their 90 % interval"
)

lo, hi = y.min() - 0.3, y.max() + 0.3
fig, ax = plt.subplots(figsize=(5.2, 5))
ax.plot([lo, hi], [lo, hi], color="grey", lw=1)
for mask, color, label in ((inside, "tab:blue", "inside"), (~inside, "tab:red", "outside")):
    ax.errorbar(y[test][mask], pred[mask],
                yerr=[pred[mask] - lower[mask], upper[mask] - pred[mask]],
                fmt="o", ms=3, lw=0.7, alpha=0.6, color=color,
                label=f"{label} the 90 % interval ({mask.mean():.0%})")  # fmt: skip
ax.set_xlim(lo, hi)
ax.set_ylim(lo, hi)
ax.set_xlabel("measured ΔHf (eV/atom)")
ax.set_ylabel("predicted ΔHf (eV/atom)")
ax.set_title(f"TransferRegressor on new compounds\nMAE {mae:.3f} eV/atom")
ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %%
# Are the intervals calibrated?
# -----------------------------
# For several miscoverage levels `alpha`, the share of test compounds inside their interval
# should be close to `1 - alpha` (the diagonal). The guarantee is on average over compounds like
# the training ones, not for each compound; with a few hundred test compounds the share itself
# varies by a few percent.
alphas = np.array([0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
coverage, width = [], []
for alpha in alphas:
    lo_a, hi_a = model.predict_interval(X[test], alpha=alpha).T
    coverage.append(np.mean((y[test] >= lo_a) & (y[test] <= hi_a)))
    width.append(np.mean(hi_a - lo_a))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 4))
ax1.plot([0.4, 1], [0.4, 1], color="grey", lw=1)
ax1.plot(1 - alphas, coverage, "o-")
ax1.set_xlabel("nominal coverage 1 - alpha")
ax1.set_ylabel("share of test compounds inside")
ax1.set_title("calibration of predict_interval")
ax2.plot(1 - alphas, width, "o-", color="tab:green")
ax2.set_xlabel("nominal coverage 1 - alpha")
ax2.set_ylabel("mean interval width (eV/atom)")
ax2.set_title("the price of coverage")
fig.tight_layout()
plt.show()

# %%
# The member spread (`return_std=True`) is not an error bar, but it ranks compounds by how unsure
# the model is: the test compounds with the largest spread have larger errors on average.
order = np.argsort(std)
third = len(order) // 3
for name, part in (("lowest", order[:third]), ("highest", order[-third:])):
    err = mean_absolute_error(y[test][part], pred[part])
    print(f"third of test compounds with the {name} spread: MAE {err:.3f} eV/atom")

# %%
# Tune one parameter with grouped folds
# -------------------------------------
# `TransferRegressor` is a scikit-learn regressor, so `GridSearchCV` works; pass
# `FormulaGroupKFold` and the compound groups so that no compound is in both an inner training
# and an inner validation fold. To keep this example short the grid search fixes the sources to
# those chosen above (no inner source selection), uses 2 grouped folds and small members.
search = GridSearchCV(
    TransferRegressor(sources=model.sources_, n_estimators=2, max_iter=100, random_state=0),
    param_grid={"min_samples_leaf": [5, 10, 20]},
    cv=FormulaGroupKFold(n_splits=2, random_state=0),
    scoring="neg_mean_absolute_error",
)
search.fit(X[train], y[train], groups=groups[train])
for leaf, score in zip(search.cv_results_["param_min_samples_leaf"],
                       search.cv_results_["mean_test_score"]):  # fmt: skip
    print(f"min_samples_leaf={leaf:>2}: grouped-CV MAE {-score:.3f} eV/atom")
print("best:", search.best_params_)
# `best_estimator_` is the best setting refitted on all training rows (here with the grid
# search's small members, so its test error is not comparable with the model above)
tuned = search.best_estimator_
print(f"tuned model: test MAE {mean_absolute_error(y[test], tuned.predict(X[test])):.3f} eV/atom")
