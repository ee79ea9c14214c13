"""Multi-label and regression: the naive mix, the paper's LiLAW, the learned weight.

One data set per task, both shipped with scikit-learn, each with a scarce
real training set mixed with noisy synthetic rows (the situation LiLAW is
for), and a real-only test set:

- multi-label: three labels derived from ``load_digits`` (even, > 4, prime);
  real = 30% of the training half; synthetic = 3x as many jittered copies of
  real rows (Gaussian noise, sd 0.15 on pixels scaled to [0, 1]) with 30% of
  their label bits flipped. Metric: macro-F1.
- regression: ``load_diabetes`` (standardised features and target);
  real = 30% of the training half; synthetic = 3x as many jittered copies
  (feature noise sd 0.3) whose targets get Gaussian noise of sd 1.0 (one
  target standard deviation). Metrics: R2 and MAE.

For each seed (data split, synthetic rows and training seed all follow it),
the same MLP (one hidden layer of 64) is trained three ways: the naive mix
(every row weight 1, no meta split), the paper's LiLAW (its multi-label and
regression extensions, paper defaults, meta split from the real rows) and the
package's defaults (the synthetic rows' weight learned on a real meta split,
then a refit on every row). Reported: mean and std over seeds, the learned
weight, and each method's paired difference from the naive mix.

Run::

    python benchmarks/extensions.py            # 3 seeds, about 15 s on 2 idle cores
    python benchmarks/extensions.py --seeds 5

Writes ``extensions.md`` and ``extensions.json`` under ``--output-dir``
(default ``benchmarks/results``).
"""

import time

import numpy as np
from _common import (
    machine_info,
    markdown_table,
    parser,
    write_report,
)
from sklearn.datasets import load_diabetes, load_digits
from sklearn.metrics import f1_score, mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split

from sklearn_lilaw import LiLAWMultiLabelClassifier, LiLAWRegressor


def multilabel_data(seed):
    X, digit = load_digits(return_X_y=True)
    X = X / 16.0
    Y = np.c_[digit % 2 == 0, digit > 4, np.isin(digit, [2, 3, 5, 7])].astype(int)
    X_tr, X_te, Y_tr, Y_te = train_test_split(X, Y, test_size=0.5, random_state=seed)
    X_real, _, Y_real, _ = train_test_split(
        X_tr, Y_tr, train_size=0.3, random_state=seed
    )
    rng = np.random.RandomState(seed)
    pick = rng.randint(len(Y_real), size=3 * len(Y_real))
    X_syn = X_real[pick] + rng.normal(0, 0.15, size=(len(pick), X.shape[1]))
    Y_syn = Y_real[pick].copy()
    flip = rng.rand(*Y_syn.shape) < 0.3
    Y_syn[flip] = 1 - Y_syn[flip]
    return X_real, Y_real, X_syn, Y_syn, X_te, Y_te


def regression_data(seed):
    X, y = load_diabetes(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, random_state=seed)
    X_real, _, y_real, _ = train_test_split(
        X_tr, y_tr, train_size=0.3, random_state=seed
    )
    rng = np.random.RandomState(seed)
    pick = rng.randint(len(y_real), size=3 * len(y_real))
    X_syn = X_real[pick] + rng.normal(0, 0.3, size=(len(pick), X.shape[1]))
    y_syn = y_real[pick] + rng.normal(0, 1.0, size=len(pick))
    return X_real, y_real, X_syn, y_syn, X_te, y_te


TASKS = {
    "multi-label (digits, 3 labels)": (
        LiLAWMultiLabelClassifier,
        multilabel_data,
        {"macro-F1": lambda y, est, X: f1_score(y, est.predict(X), average="macro")},
    ),
    "regression (diabetes)": (
        LiLAWRegressor,
        regression_data,
        {
            "R2": lambda y, est, X: r2_score(y, est.predict(X)),
            "MAE": lambda y, est, X: mean_absolute_error(y, est.predict(X)),
        },
    ),
}


METHODS = {  # every option spelled out, whatever the estimators' defaults
    "naive mix": {"lilaw": False, "synthetic_weight": 1.0, "refit": False},
    "paper's LiLAW": {"lilaw": True, "synthetic_weight": 1.0, "refit": False},
    "learned weight, refit": {
        "lilaw": False,
        "synthetic_weight": "auto",
        "refit": True,
    },
}
BASELINE = "naive mix"


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "1 seed, 3 epochs: a smoke test")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=100)
    args = p.parse_args(argv)
    if args.quick:
        args.seeds, args.epochs = 1, 3

    runs = []
    start = time.perf_counter()
    for task, (Estimator, make_data, metrics) in TASKS.items():
        for seed in range(args.seeds):
            X_real, y_real, X_syn, y_syn, X_te, y_te = make_data(seed)
            X_fit = np.vstack([X_real, X_syn])
            y_fit = np.concatenate([y_real, y_syn])
            origin = np.r_[np.zeros(len(y_real), bool), np.ones(len(y_syn), bool)]
            for method, options in METHODS.items():
                est = Estimator(
                    hidden_layer_sizes=(64,),
                    max_epochs=args.epochs,
                    batch_size=64,
                    random_state=seed,
                    device=args.device,
                    **options,
                )
                est.fit(X_fit, y_fit, sample_origin=origin)
                scores = {name: f(y_te, est, X_te) for name, f in metrics.items()}
                runs.append(
                    {
                        "task": task,
                        "seed": seed,
                        "method": method,
                        "synthetic_weight": float(est.synthetic_weight_),
                        **scores,
                    }
                )
                print(task, seed, method, scores, flush=True)
    wall = time.perf_counter() - start
    machine = machine_info(est.device)

    def values(task, method, name):
        return np.array(
            [r[name] for r in runs if r["task"] == task and r["method"] == method]
        )

    rows = []
    for task, (_, _, metrics) in TASKS.items():
        for name in metrics:
            base = values(task, BASELINE, name)
            for method in METHODS:
                score = values(task, method, name)
                weight = values(task, method, "synthetic_weight").mean()
                row = [task, name, method, f"{score.mean():.4f} ± {score.std():.4f}"]
                row.append(f"{weight:.2f}")
                if method == BASELINE:
                    rows.append(row + ["–", "–"])
                    continue
                diff = score - base
                better = (diff < 0) if name == "MAE" else (diff > 0)
                row += [f"{diff.mean():+.4f} ± {diff.std():.4f}"]
                rows.append(row + [f"{better.sum()}/{len(diff)}"])
    header = ["task", "metric", "method", "score", "w_s", "vs naive mix (paired)"]
    sections = [
        "# Multi-label and regression: the naive mix, the paper's LiLAW, "
        "the learned synthetic weight",
        f"Command: `{machine['command']}`",
        f"{args.seeds} seeds, {args.epochs} epochs, MLP (64), batch 64, Adam lr "
        f"1e-3; wall time {wall:.0f} s. Data and noise: see the script's "
        "docstring. Test sets are real rows only. w_s is the weight of a "
        "synthetic row (learned, or as given), mean over seeds; the paired "
        "difference is mean ± std over seeds.",
        markdown_table(header + ["seeds better"], rows),
    ]
    write_report(args, "extensions", sections, machine, wall, runs)


if __name__ == "__main__":
    main()
