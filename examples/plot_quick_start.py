"""
===========
Quick start
===========

Train a :class:`~sklearn_lilaw.LiLAWClassifier` on real rows mixed with
synthetic ones, predict, score, and read what it learned about the synthetic
rows: ``synthetic_weight_``.

With its defaults (``lilaw=False, synthetic_weight="auto", refit="auto"``)
the estimator *learns* how much a synthetic row should count in the training
loss, compared with a real one, from a small held-out split of real rows.
"""

# %%
# Real and synthetic rows
# -----------------------
#
# The real data: scikit-learn's digits (8x8 images, 10 classes), scaled to
# [0, 1]. Half the rows are kept aside as a real test set; of the other half
# only 300 rows are used for training, the *scarce* real data.
#
# The synthetic rows stand in for a generator's output: 600 jittered copies of
# real training rows (Gaussian noise of sd 0.15 on each pixel), and, as weak
# generators do, a share of them (20%) carry a random label. In your own work
# they come from a generative model, an augmentation or an over-sampler.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from sklearn_lilaw import LiLAWClassifier

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
X_pool, X_test, y_pool, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
X_real, _, y_real, _ = train_test_split(
    X_pool, y_pool, train_size=300, stratify=y_pool, random_state=0
)

rng = np.random.RandomState(0)
copy_of = rng.randint(len(y_real), size=600)
X_synthetic = X_real[copy_of] + rng.normal(0.0, 0.15, size=(600, X.shape[1]))
y_synthetic = y_real[copy_of].copy()
relabel = rng.rand(600) < 0.2
y_synthetic[relabel] = rng.randint(10, size=relabel.sum())

# %%
# One training set, and ``sample_origin`` saying which rows are synthetic
# (True) and which are real (False):
X_train = np.vstack([X_real, X_synthetic]).astype(np.float32)
y_train = np.concatenate([y_real, y_synthetic])
is_synthetic = np.r_[np.zeros(len(y_real), bool), np.ones(len(y_synthetic), bool)]
print(f"{len(y_train)} training rows, {is_synthetic.sum()} of them synthetic")

# %%
# Fit, predict, score
# -------------------
#
# Every argument except the network's size, the number of epochs and the seed
# is a default. ``sample_origin`` is passed to ``fit`` next to ``X`` and
# ``y``.
clf = LiLAWClassifier(hidden_layer_sizes=(64,), max_epochs=30, random_state=0)
clf.fit(X_train, y_train, sample_origin=is_synthetic)

print("predicted:", clf.predict(X_test[:10]))
print("true:     ", y_test[:10])
print(f"accuracy on the real test rows: {clf.score(X_test, y_test):.3f}")

# %%
# ``predict_proba`` gives the class probabilities, as for any scikit-learn
# classifier:
clf.predict_proba(X_test[:3]).round(3)

# %%
# What ``synthetic_weight_`` means
# --------------------------------
#
# ``synthetic_weight_`` is the factor by which the loss of each synthetic row
# is multiplied, a real row's factor being 1: 1 means a synthetic row counts
# as much as a real one, 0.5 half as much, a value near 0 means the synthetic
# rows are all but ignored. It is never above 1.
#
# It is learned during ``fit``: 5% of the rows (``meta_size``, drawn from the
# real rows only) are held out as a *meta split*. After every training batch
# the estimator asks, by a one-step look-ahead, whether giving the synthetic
# rows more weight would have lowered the loss on the real meta rows, and
# moves the weight accordingly. Then (``refit="auto"``) it trains again from
# scratch on every row, the meta split included, with the learned weight
# frozen; that second model is the one that predicts.
print(f"learned weight of a synthetic row: {clf.synthetic_weight_:.3f}")
print(f"meta split: {len(clf.meta_indices_)} real rows")

# %%
# The history holds the weight at the end of each epoch; the ``refit``
# column marks the epochs of the second training run, where it stays fixed.
history = clf.history
refit = np.array(history[:, "refit"])
epochs = np.arange(1, len(history) + 1)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(epochs, history[:, "synthetic_weight"], marker=".")
ax.axvspan(epochs[refit][0] - 0.5, epochs[-1] + 0.5, color="0.9", label="refit")
ax.set_xlabel("epoch")
ax.set_ylabel("weight of a synthetic row")
ax.set_ylim(0, 1.05)
ax.legend()
fig.tight_layout()

# %%
# A learned weight near 0 means the estimator found that the synthetic rows,
# with their share of wrong labels, did not help on the real rows it held
# out; synthetic rows that do help keep a weight nearer 1. :ref:`The next example
# <sphx_glr_auto_examples_plot_noisy_synthetic.py>` compares this with
# training on the real rows only and with the naive mix of real and synthetic
# rows, and with the paper's LiLAW (``lilaw=True``).
#
# Synthetic rows made inside ``fit``
# ----------------------------------
#
# Instead of passing synthetic rows, a ``synthesizer`` can make them from the
# real training rows at each ``fit``. It then never sees the meta split, nor,
# in cross-validation, the test fold. Here a class-conditional Gaussian
# mixture adds one synthetic row per real row outside the meta split (15 of
# the 300 real rows):
from sklearn_lilaw.synthesizers import GaussianMixtureSynthesizer

clf = LiLAWClassifier(
    hidden_layer_sizes=(64,),
    max_epochs=30,
    synthesizer=GaussianMixtureSynthesizer(ratio=1.0),
    random_state=0,
)
clf.fit(X_real, y_real)
print(
    f"{clf.n_synthetic_} synthetic rows made, learned weight "
    f"{clf.synthetic_weight_:.3f}, test accuracy {clf.score(X_test, y_test):.3f}"
)
