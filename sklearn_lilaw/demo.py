"""Demo: does LiLAW keep noisy synthetic rows from hurting? (about a minute on 2 cores)

Run with ``python -m sklearn_lilaw.demo``. On scikit-learn's bundled digits
data, a scarce real training set (20% of the training half) is mixed with
four times as many synthetic rows (jittered copies of the real rows, 40% of
them with a random label, as a weak generator might produce). The test half
is real only. Five ways to train the same MLP are compared over 3 seeds:

- real only (``lilaw=False`` on the real rows);
- the naive mix (``lilaw=False`` on real + synthetic);
- a fixed down-weighting of the synthetic rows (``synthetic_weight=0.5``);
- LiLAW on the mix, meta split from real rows (the default);
- LiLAW on the mix, meta split from any rows.

The numbers are whatever this run measures; nothing is tuned on the test set.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from ._classifier import LiLAWClassifier


def make_noisy_synthetic(
    X_real, y_real, n_synthetic, noise=0.15, flip=0.4, random_state=0
):
    """Jittered copies of real rows, a share ``flip`` of them with random labels."""
    rng = np.random.RandomState(random_state)
    pick = rng.randint(len(y_real), size=n_synthetic)
    X_syn = X_real[pick] + rng.normal(0.0, noise, size=(n_synthetic, X_real.shape[1]))
    y_syn = y_real[pick].copy()
    flipped = rng.rand(n_synthetic) < flip
    y_syn[flipped] = rng.choice(np.unique(y_real), size=flipped.sum())
    return X_syn, y_syn


def run(seeds=(0, 1, 2), max_epochs=60):
    """Fit every configuration for each seed; return rows of the result table."""
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    X_real, _, y_real, _ = train_test_split(
        X_train, y_train, train_size=0.2, stratify=y_train, random_state=0
    )
    X_syn, y_syn = make_noisy_synthetic(X_real, y_real, 4 * len(y_real))
    X_mix = np.vstack([X_real, X_syn])
    y_mix = np.concatenate([y_real, y_syn])
    is_synthetic = np.r_[np.zeros(len(y_real), bool), np.ones(len(y_syn), bool)]

    configs = [
        ("real only", {"lilaw": False}, (X_real, y_real, None)),
        ("real + synthetic, naive", {"lilaw": False}, (X_mix, y_mix, is_synthetic)),
        (
            "real + synthetic, weight 0.5",
            {"lilaw": False, "synthetic_weight": 0.5},
            (X_mix, y_mix, is_synthetic),
        ),
        ("real + synthetic, LiLAW (meta: real)", {}, (X_mix, y_mix, is_synthetic)),
        (
            "real + synthetic, LiLAW (meta: any)",
            {"meta_origin": "any"},
            (X_mix, y_mix, is_synthetic),
        ),
    ]
    rows = []
    for name, params, (X_fit, y_fit, origin) in configs:
        scores, start = [], time.perf_counter()
        for seed in seeds:
            clf = LiLAWClassifier(
                max_epochs=max_epochs, batch_size=64, random_state=seed, **params
            )
            clf.fit(X_fit, y_fit, sample_origin=origin)
            scores.append(clf.score(X_test, y_test))
        seconds = (time.perf_counter() - start) / len(seeds)
        rows.append((name, len(y_fit), np.mean(scores), np.std(scores), seconds))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60, help="epochs per fit")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds")
    args = parser.parse_args(argv)
    print(" ".join(__doc__.split("\n\n")[1].split()[5:]))
    print()
    rows = run(seeds=tuple(range(args.seeds)), max_epochs=args.epochs)
    print(f"{'training data':40s} {'rows':>6s} {'test accuracy':>17s} {'fit s':>7s}")
    for name, n_rows, mean, std, seconds in rows:
        print(f"{name:40s} {n_rows:6d} {mean:9.4f} ± {std:.4f} {seconds:7.2f}")


if __name__ == "__main__":
    main()
