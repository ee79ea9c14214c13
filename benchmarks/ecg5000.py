"""The LiLAW paper's ECG5000 experiment, reproduced with sklearn-lilaw.

Compares, over several seeds, a 2-layer stacked LSTM trained from scratch on
the UCR ECG5000 split (500 train / 4500 test heartbeats, 5 classes):

- ECG5000 / ECG5000-A (50% of the training beats augmented with a random
  offset and Gaussian noise, copies *added* to the originals and marked
  synthetic), each
- without LiLAW (``lilaw=False``: plain cross-entropy on every training row)
  and with LiLAW (paper defaults, 5% of the training rows as meta split,
  drawn from the real rows; weights not detached, as in the paper), plus
- with LiLAW and detached weights (``detach_weights=True``), with
  ``--detached``, for comparison; and, on ECG5000-A,
- with the learned weight of the augmented rows (``synthetic_weight='auto'``,
  ``lilaw=False``), without and with ``refit``.

Setup as in the paper: Adam, lr 1e-3, batch 512, 500 epochs. The paper does
not give the LSTM width; 64 units per layer are used here. Nothing is tuned:
every setting is the paper's or the package default, and the test split is
used only for the final scores. Accuracy and AUROC (one-vs-rest, macro and
prevalence-weighted) are reported as mean +- std, with per-seed paired
differences (method minus plain, same seed, same augmented rows).

Run::

    python benchmarks/ecg5000.py                 # full run (use a GPU: --device cuda)
    python benchmarks/ecg5000.py --quick         # smoke test, < 2 minutes on CPU

It writes ``ecg5000.md``, ``ecg5000.json`` (every run) and ``ecg5000.png``
under ``--output-dir`` (default ``benchmarks/results``); ``--quick`` writes
``ecg5000_quick.*`` instead.
"""

import time

import numpy as np
from _common import machine_info, paired_interval, parser, write_results
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

from sklearn_lilaw import LiLAWClassifier
from sklearn_lilaw.datasets import load_ecg5000
from sklearn_lilaw.nets import StackedLSTM
from sklearn_lilaw.synthesizers import augment_ecg

PAPER = {  # Table from LILAW.md section 6: accuracy %, AUROC
    ("ECG5000", "plain"): (93.60, 0.9982),
    ("ECG5000", "lilaw"): (96.80, 0.9987),
    ("ECG5000-A", "plain"): (96.80, 0.9907),
    ("ECG5000-A", "lilaw"): (100.00, 1.0000),
}
PAPER_LILAW = {"lilaw": True, "synthetic_weight": 1.0, "refit": False}
METHODS = {  # every option spelled out, whatever the estimators' defaults
    "plain": {"lilaw": False, "synthetic_weight": 1.0, "refit": False},
    "lilaw": PAPER_LILAW,
    "lilaw-detached": {**PAPER_LILAW, "detach_weights": True},
    # The learned weight of synthetic rows: ECG5000-A only (it has them).
    "auto": {"lilaw": False, "synthetic_weight": "auto", "refit": False},
    "auto, refit": {"lilaw": False, "synthetic_weight": "auto", "refit": True},
}


def methods(dataset, args):
    """The configurations run on a data set."""
    names = [m for m in METHODS if args.detached or m != "lilaw-detached"]
    return [m for m in names if dataset == "ECG5000-A" or not m.startswith("auto")]


def training_data(dataset, X, y, seed):
    """The training rows of one configuration, and their sample_origin."""
    if dataset == "ECG5000":
        return X, y, None
    return augment_ecg(X, y, fraction=0.5, mode="add", random_state=seed)


def run_one(dataset, method, seed, data, args):
    X_train, y_train, X_test, y_test = data
    X_fit, y_fit, origin = training_data(dataset, X_train, y_train, seed)
    clf = LiLAWClassifier(
        module=StackedLSTM,
        module__hidden_size=args.hidden_size,
        lr=1e-3,
        batch_size=512,
        max_epochs=args.epochs,
        meta_size=0.05,
        device=args.device,
        random_state=seed,
        **METHODS[method],
    )
    start = time.perf_counter()
    clf.fit(X_fit, y_fit, sample_origin=origin)
    seconds = time.perf_counter() - start
    proba = clf.predict_proba(X_test)
    record = {
        "dataset": dataset,
        "method": method,
        "seed": seed,
        "n_train": int(clf.n_train_samples_),
        "n_meta": int(len(clf.meta_indices_)),
        "fit_seconds": seconds,
        "accuracy": accuracy_score(y_test, clf.classes_[proba.argmax(1)]),
        "auroc_macro": roc_auc_score(y_test, proba, multi_class="ovr", average="macro"),
        "auroc_weighted": roc_auc_score(
            y_test, proba, multi_class="ovr", average="weighted"
        ),
    }
    h = clf.history
    record["curves"] = {
        key: h[:, key]
        for key in (
            "alpha",
            "beta",
            "delta",
            "weight_real",
            "weight_synthetic",
            "synthetic_weight",
        )
        if key in h[-1]
    }
    record["synthetic_weight"] = float(clf.synthetic_weight_)
    return record


def summarise(runs, args):
    """Mean/std per configuration and paired differences against plain."""
    table, paired = [], []
    for dataset in ("ECG5000", "ECG5000-A"):
        by_method = {}
        for method in methods(dataset, args):
            rows = [
                r for r in runs if r["dataset"] == dataset and r["method"] == method
            ]
            rows.sort(key=lambda r: r["seed"])
            by_method[method] = rows
            stats = {
                m: (np.mean([r[m] for r in rows]), np.std([r[m] for r in rows]))
                for m in ("accuracy", "auroc_macro", "auroc_weighted", "fit_seconds")
            }
            table.append((dataset, method, stats))
        for method in methods(dataset, args)[1:]:
            for metric in ("accuracy", "auroc_macro"):
                diff = np.array(
                    [
                        a[metric] - b[metric]
                        for a, b in zip(by_method[method], by_method["plain"])
                    ]
                )
                mean, half = paired_interval(diff)
                paired.append(
                    (dataset, method, metric, diff, mean, half, (diff > 0).sum())
                )
    return table, paired


def render(table, paired, args, wall, seeds, machine):
    lines = [
        "# ECG5000: LiLAW vs plain training (paper reproduction)",
        "",
        f"Command: `{machine['command']}`",
        "",
        f"Machine: {machine.get('gpu', machine['cpu'])}, torch {machine['torch']}. "
        f"Wall time of the whole run: {wall / 60:.1f} min.",
        "",
        f"Setup: StackedLSTM (2 layers, {args.hidden_size} units), Adam lr 1e-3, "
        f"batch 512, {args.epochs} epochs, meta split 5% of the training rows "
        "(real rows only for ECG5000-A), seeds "
        f"{', '.join(map(str, seeds))}. ECG5000-A adds augmented copies of 50% of "
        "the training beats (250 synthetic rows next to the 500 originals). "
        "`plain` is `lilaw=False` on every training row. Test: "
        f"{args.n_test} UCR test beats. AUROC is one-vs-rest, macro "
        "(unweighted mean over the 5 classes) and weighted (by class prevalence).",
        "",
        "| data | method | accuracy % | AUROC macro | AUROC weighted | fit s "
        "| paper acc % | paper AUROC |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for dataset, method, s in table:
        paper = PAPER.get((dataset, method))
        paper_cells = f"{paper[0]:.2f} | {paper[1]:.4f}" if paper else "– | –"
        lines.append(
            f"| {dataset} | {method} | {100 * s['accuracy'][0]:.2f} ± "
            f"{100 * s['accuracy'][1]:.2f} | {s['auroc_macro'][0]:.4f} ± "
            f"{s['auroc_macro'][1]:.4f} | {s['auroc_weighted'][0]:.4f} ± "
            f"{s['auroc_weighted'][1]:.4f} | {s['fit_seconds'][0]:.1f} "
            f"| {paper_cells} |"
        )
    lines += [
        "",
        "Paired differences (method minus plain, same seed), mean with 95% "
        "t-interval, and the number of seeds where the method is better:",
        "",
        "| data | method | metric | per-seed differences | mean ± 95% CI | better |",
        "|---|---|---|---|---|---|",
    ]
    for dataset, method, metric, diff, mean, half, wins in paired:
        scale = 100 if metric == "accuracy" else 1
        digits = 2 if metric == "accuracy" else 4
        cells = ", ".join(f"{scale * d:+.{digits}f}" for d in diff)
        lines.append(
            f"| {dataset} | {method} | {metric}{' (points)' if scale == 100 else ''} "
            f"| {cells} | {scale * mean:+.{digits}f} ± {scale * half:.{digits}f} "
            f"| {wins}/{len(diff)} |"
        )
    return "\n".join(lines)


def plot(path, runs, table):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    labels = [f"{d}\n{m}" for d, m, _ in table]
    for i, (dataset, method, _) in enumerate(table):
        accs = [
            100 * r["accuracy"]
            for r in runs
            if r["dataset"] == dataset and r["method"] == method
        ]
        axes[0].scatter([i] * len(accs), accs, alpha=0.6)
        axes[0].errorbar(i, np.mean(accs), yerr=np.std(accs), fmt="k_", capsize=6)
    axes[0].set_xticks(range(len(labels)), labels, fontsize=7)
    axes[0].set_ylabel("test accuracy (%)")
    axes[0].set_title("accuracy per configuration (dots: seeds)")
    example = next(
        r for r in runs if r["dataset"] == "ECG5000-A" and r["method"] == "lilaw"
    )
    curves = example["curves"]
    epochs = np.arange(1, len(curves["alpha"]) + 1)
    for key in ("alpha", "beta", "delta"):
        values = np.asarray(curves[key])
        axes[1].plot(epochs, values - values[0], label=f"{key} (from {values[0]:g})")
    axes[1].set_ylabel("change from the initial value")
    axes[1].set_xlabel("epoch")
    axes[1].set_title(f"ECG5000-A, LiLAW, seed {example['seed']}")
    axes[1].legend()
    axes[2].plot(epochs, curves["weight_real"], label="LiLAW: mean W, real rows")
    axes[2].plot(
        epochs, curves["weight_synthetic"], label="LiLAW: mean W, augmented rows"
    )
    learned = [r for r in runs if r["dataset"] == "ECG5000-A" and r["method"] == "auto"]
    if learned:
        weights = np.asarray(learned[0]["curves"]["synthetic_weight"])
        axes[2].plot(
            np.arange(1, len(weights) + 1),
            weights,
            label=f"auto: learned weight of augmented rows (seed {learned[0]['seed']})",
        )
    axes[2].set_xlabel("epoch")
    axes[2].set_title("how augmented rows are weighted")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None):
    p = parser(
        __doc__.splitlines()[0], "2 seeds, 2 epochs, 300 test rows: a smoke test"
    )
    p.add_argument("--seeds", type=int, default=5, help="number of seeds")
    p.add_argument("--epochs", type=int, default=500)
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument(
        "--detached", action="store_true", help="also LiLAW with detach_weights=True"
    )
    args = p.parse_args(argv)

    X_train, y_train = load_ecg5000("train", return_X_y=True)
    X_test, y_test = load_ecg5000("test", return_X_y=True)
    seeds = list(range(args.seeds))
    if args.quick:
        seeds, args.epochs, args.hidden_size = [0, 1], 2, 16
        keep = train_test_split(
            np.arange(len(y_test)), train_size=300, stratify=y_test, random_state=0
        )[0]
        X_test, y_test = X_test[keep], y_test[keep]
    data = (X_train, y_train, X_test, y_test)
    args.n_test = len(y_test)

    runs, start = [], time.perf_counter()
    for seed in seeds:
        for dataset in ("ECG5000", "ECG5000-A"):
            for method in methods(dataset, args):
                record = run_one(dataset, method, seed, data, args)
                runs.append(record)
                print(
                    f"{dataset:9s} {method:15s} seed {seed}: "
                    f"acc {100 * record['accuracy']:.2f}  "
                    f"AUROC {record['auroc_macro']:.4f}  "
                    f"({record['fit_seconds']:.1f} s)",
                    flush=True,
                )
    wall = time.perf_counter() - start
    machine = machine_info(LiLAWClassifier(device=args.device).device)
    table, paired = summarise(runs, args)
    md = render(table, paired, args, wall, seeds, machine)
    data = {"machine": machine, "wall_seconds": wall, "runs": runs}
    md_path = write_results(args.output_dir, "ecg5000", md, data, quick=args.quick)
    plot(md_path.with_suffix(".png"), runs, table)
    print(md)


if __name__ == "__main__":
    main()
