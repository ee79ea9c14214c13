"""Synthetic rows that are real rows: how far does the learned weight drift?

The learned weight of synthetic rows should stay near 1 when the "synthetic"
rows are as good as the real ones. Here they are real rows: a random two
thirds of each training set is marked synthetic, labels untouched, so any
weight below 1 is drift (the look-ahead's noise, or a steady difference
between two random groups of rows that Adam turns into steps). Two data
sets, so that the fits differ in their number of batches:

- ``digits``: 810 random rows of ``load_digits`` (pixels / 16), 60 epochs,
  13 batches per epoch;
- ``blobs``: 10,000 rows of a 5-class ``make_classification`` (20 features,
  standardised), 20 epochs, 157 batches per epoch.

Each is fitted with ``synthetic_weight='auto', refit=False`` (what is
learned, not the refit's model) at three settings of gamma's steps: 0.02
per step after every batch (the defaults before ``'auto'``), the rate
``'auto'`` after every batch, and the defaults (``'auto'``, a step every 4
batches). MLP (64), batch 64, Adam lr 1e-3, 5% meta split. Reported: the
learned weight per seed, its mean and its minimum.

Run::

    python benchmarks/good_rows.py            # ~15 min on 2 cores
    python benchmarks/good_rows.py --quick    # smoke test

Writes ``good_rows.md`` and ``good_rows.json`` under ``--output-dir``.
"""

import time

import numpy as np
import torch
from _common import (
    machine_info,
    markdown_table,
    parser,
    write_report,
)
from sklearn.datasets import load_digits, make_classification
from sklearn.preprocessing import StandardScaler

from sklearn_lilaw import LiLAWClassifier

SETTINGS = {  # name: options for gamma's steps
    "0.02 per step, every batch": {
        "synthetic_weight_lr": 0.02,
        "synthetic_weight_interval": 1,
    },
    "'auto', every batch": {
        "synthetic_weight_lr": "auto",
        "synthetic_weight_interval": 1,
    },
    "'auto', every 4 batches (defaults)": {
        "synthetic_weight_lr": "auto",
        "synthetic_weight_interval": 4,
    },
}
SYNTHETIC_SHARE = 2 / 3
DATASETS = ("digits", "blobs")


def load(name, seed, quick):
    """``(X, y, epochs)``: one seed's rows of a data set."""
    rng = np.random.RandomState(seed)
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        rows = rng.choice(len(y), 810, replace=False)
        return (X[rows] / 16).astype(np.float32), y[rows], 3 if quick else 60
    n = 1000 if quick else 10_000
    X, y = make_classification(
        n_samples=n, n_features=20, n_informative=10, n_classes=5, random_state=seed
    )
    X = StandardScaler().fit_transform(X).astype(np.float32)
    return X, y, 3 if quick else 20


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "2 seeds, 3 epochs, small blobs: a smoke test")
    p.add_argument("--seeds", type=int, default=5)
    args = p.parse_args(argv)
    torch.set_num_threads(2)
    if args.quick:
        args.seeds = 2
    runs = []
    start = time.perf_counter()
    for dataset in DATASETS:
        for seed in range(args.seeds):
            X, y, epochs = load(dataset, seed, args.quick)
            origin = np.random.RandomState(seed).rand(len(y)) < SYNTHETIC_SHARE
            for setting, options in SETTINGS.items():
                est = LiLAWClassifier(
                    hidden_layer_sizes=(64,),
                    max_epochs=epochs,
                    batch_size=64,
                    lr=1e-3,
                    refit=False,
                    random_state=seed,
                    device=args.device,
                    **options,
                ).fit(X, y, sample_origin=origin)
                weight = float(est.synthetic_weight_)
                runs.append(
                    {
                        "dataset": dataset,
                        "seed": seed,
                        "setting": setting,
                        "w_s": weight,
                    }
                )
                print(dataset, seed, setting, f"{weight:.3f}", flush=True)
    wall = time.perf_counter() - start
    machine = machine_info(args.device)
    rows = []
    for dataset in DATASETS:
        for setting in SETTINGS:
            w = [
                r["w_s"]
                for r in runs
                if r["dataset"] == dataset and r["setting"] == setting
            ]
            per_seed = " / ".join(f"{v:.2f}" for v in w)
            rows.append(
                [dataset, setting, per_seed, float(np.mean(w)), float(np.min(w))]
            )
    sections = [
        "# " + __doc__.splitlines()[0],
        f"Command: `{machine['command']}`",
        f"{args.seeds} seeds; real rows, two thirds marked synthetic at "
        "random; no refit. A weight of 1 is right; below 1 is drift. "
        f"Wall time {wall / 60:.1f} min.",
        markdown_table(["data", "gamma's steps", "w_s per seed", "mean", "min"], rows),
    ]
    write_report(args, "good_rows", sections, machine, wall, runs)


if __name__ == "__main__":
    main()
