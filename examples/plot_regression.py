"""
=========================================
Regression with noisy synthetic targets
=========================================

:class:`~sklearn_lilaw.LiLAWRegressor` does for regression what the
classifier does for classes: with its defaults it learns how much a synthetic
row should count in the loss (``synthetic_weight="auto"``), from a held-out
split of real rows, and then retrains on every row with that weight.

Here the synthetic rows are jittered copies of real rows whose targets carry
a lot of noise, as a poor generator (or a noisy labelling process) would give.
"""

# %%
# Data
# ----
#
# Friedman's #1 regression problem (10 features in [0, 1], five of them
# used, a nonlinear target). 200 real training rows and 1000 real test rows.
# The target is standardised with the real training rows' mean and standard
# deviation, so that a target noise of 1 is one standard deviation.
#
# The synthetic rows: 600 copies of real training rows, each feature jittered
# by noise of sd 0.03, and the target by noise of sd 1, as large as the
# target's own spread.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split

from sklearn_lilaw import LiLAWRegressor
from sklearn_lilaw.plot import plot_history

X, y = make_friedman1(n_samples=1200, noise=0.5, random_state=0)
X = X.astype(np.float32)
X_real, X_test, y_real, y_test = train_test_split(X, y, train_size=200, random_state=0)
mean, sd = y_real.mean(), y_real.std()
y_real, y_test = (y_real - mean) / sd, (y_test - mean) / sd

rng = np.random.RandomState(0)
n_synthetic = 600
copy_of = rng.randint(len(y_real), size=n_synthetic)
X_synthetic = X_real[copy_of] + rng.normal(0.0, 0.03, size=(n_synthetic, 10))
X_synthetic = np.clip(X_synthetic, 0.0, 1.0).astype(np.float32)
y_synthetic = y_real[copy_of] + rng.normal(0.0, 1.0, size=n_synthetic)

X_mix = np.vstack([X_real, X_synthetic])
y_mix = np.concatenate([y_real, y_synthetic])
is_synthetic = np.r_[np.zeros(len(y_real), bool), np.ones(n_synthetic, bool)]

# %%
# Three ways to train the same network
# ------------------------------------
#
# An MLP with two hidden layers of 64 units, the same optimizer settings and
# number of epochs for all, three seeds each; R² on the real test rows.
common = dict(hidden_layer_sizes=(64, 64), lr=3e-3, batch_size=64, max_epochs=100)
settings = {
    "real only": (dict(synthetic_weight=1.0), False),
    "naive mix": (dict(synthetic_weight=1.0), True),
    "auto (defaults)": (dict(), True),
}
fitted, rows = {}, []
for name, (params, with_synthetic) in settings.items():
    if with_synthetic:
        data = dict(X=X_mix, y=y_mix, sample_origin=is_synthetic)
    else:
        data = dict(X=X_real, y=y_real)
    scores, weights = [], []
    for seed in [0, 1, 2]:
        reg = LiLAWRegressor(**common, **params, random_state=seed).fit(**data)
        scores.append(reg.score(X_test, y_test))
        weights.append(reg.synthetic_weight_)
    fitted[name] = reg  # the last seed's model, for the pictures below
    rows.append(
        {
            "training": name,
            "test R2 (mean)": np.mean(scores),
            "(sd over seeds)": np.std(scores),
            "weight of a synthetic row": np.mean(weights) if with_synthetic else None,
        }
    )
table = pd.DataFrame(rows).set_index("training")
table.round(3)

# %%
# From the table:
r2 = table["test R2 (mean)"]
learned = table.loc["auto (defaults)", "weight of a synthetic row"]
print(
    f"Real rows only: R2 {r2['real only']:.3f}. Adding the synthetic rows "
    f"with full weight: {r2['naive mix']:.3f}. Learning their weight: "
    f"{r2['auto (defaults)']:.3f}, with a synthetic row counting "
    f"{learned:.3f} of a real one."
)

# %%
# The synthetic rows' targets are too noisy to be trusted as much as real
# ones: fitting them with full weight pulls the network towards their noise.
# The learned weight keeps what they add near the real rows (more inputs
# seen) while their noise counts little. How much that pays depends on the
# noise: with cleaner synthetic targets the learned weight comes out higher.
#
# Predictions on the test rows
# ----------------------------
fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharex=True, sharey=True)
for ax, name in zip(axes, ["naive mix", "auto (defaults)"]):
    ax.scatter(y_test, fitted[name].predict(X_test), s=4, alpha=0.5)
    ax.plot([-3, 3], [-3, 3], "k--", lw=1)
    ax.set_title(f"{name}: R2 {fitted[name].score(X_test, y_test):.3f}")
    ax.set_xlabel("true target (standardised)")
axes[0].set_ylabel("prediction")
fig.tight_layout()

# %%
# The learned weight over the epochs (right): it is learned during the first
# 100 epochs and frozen during the refit, the next 100. With ``lilaw=False``
# there are no LiLAW scalars to show on the left.
axes = plot_history(fitted["auto (defaults)"])
plt.show()
