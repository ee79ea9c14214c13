"""What LiLAW training costs, against plain skorch and a hand-written torch loop.

One problem, fitted several ways with the same network:

- ``hand loop``: a hand-written PyTorch loop (shuffled mini-batches cut from
  tensors built outside the timer, plain cross-entropy), with the optimizer
  the estimators use by default (``torch.optim.Adam`` as torch builds it);
- ``skorch``: plain ``skorch.NeuralNetClassifier`` on numpy data;
- ``LiLAW on``: the paper's LiLAW (``lilaw=True, synthetic_weight=1.0``: 5%
  meta split held out, one warm-up epoch, then one meta step per training
  batch);
- ``LiLAW off``: ``lilaw=False, synthetic_weight=1.0``, trained plainly on
  every row;
- for information: ``LiLAW on`` and the hand loop with ``fused=True`` Adam
  (what ``optimizer__fused=True`` buys).

The learned weight of synthetic rows is timed on the same rows with 40% of
them marked synthetic (``sample_origin``):

- ``naive mix``: ``lilaw=False, synthetic_weight=1.0`` (every row, no meta
  split);
- ``auto``: ``synthetic_weight='auto', refit=False`` (5% real meta split;
  a meta forward pass and a step of the weight every 4 training batches,
  the default ``synthetic_weight_interval``);
- ``auto, refit``: the defaults (``auto``, then a refit on every row);
- ``auto, every batch``: ``auto`` with ``synthetic_weight_interval=1``: a
  meta forward pass and a step of the weight after every training batch
  (the previous default);
- ``fixed best``: ``GridSearchCV`` over ``synthetic_weight`` in {0.1, 0.25,
  0.5, 1} with 2 folds, then its refit: what tuning the weight by hand costs.

The problem is a 5-class ``make_classification`` of 20,000 x 40 (float32);
the network an MLP with two hidden layers of 128 and 5 logits; batch 256, 10
epochs, Adam lr 1e-3, ``torch.set_num_threads(2)``. A fit is timed from
building the estimator (or the hand loop's module and optimizer) to the end
of ``fit``. The configurations run interleaved, round-robin, after one untimed
round; each time is the median over rounds, and each ratio is given both as a
ratio of medians and as the median of the per-round ratios (steadier on a
noisy machine). Targets: LiLAW on / skorch <= 1.0, LiLAW on / hand loop <=
1.5, LiLAW off / hand loop <= 1.1, auto / naive mix <= 1.5.

Also measured: peak memory of a fit (a fresh child process each, LiLAW on
against skorch) and the time per row for 10k, 100k and 1M rows (one epoch
with meta steps).

Run::

    python benchmarks/overhead.py                 # full run, ~8 min on 2 cores
    python benchmarks/overhead.py --quick         # smoke test, ~10 s
    python benchmarks/overhead.py --device cuda

Writes ``overhead.md`` and ``overhead.json`` (``overhead_quick.*`` with
``--quick``; ``overhead_cuda.*`` on a GPU) under ``--output-dir``.
"""

import argparse
import gc
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
import torch
from _common import (
    machine_info,
    machine_section,
    markdown_table,
    parser,
    write_results,
)
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, KFold
from skorch import NeuralNetClassifier

from sklearn_lilaw import LiLAWClassifier
from sklearn_lilaw.nets import MLP

PAPER_LILAW = {"lilaw": True, "synthetic_weight": 1.0}  # every option spelled out
PLAIN = {"lilaw": False, "synthetic_weight": 1.0}
AUTO = {"lilaw": False, "synthetic_weight": "auto", "refit": False}  # interval 4
N_FEATURES, N_CLASSES, HIDDEN = 40, 5, (128, 128)
BATCH_SIZE, LR, SEED = 256, 1e-3, 0

CONFIGS = {
    "hand_loop": "hand loop (torch, Adam)",
    "skorch": "skorch NeuralNetClassifier",
    "lilaw": "LiLAW on",
    "lilaw_off": "LiLAW off (lilaw=False)",
    "hand_loop_fused": "hand loop, fused Adam",
    "lilaw_fused": "LiLAW on, optimizer__fused=True",
    "naive_mix": "naive mix (40% synthetic rows)",
    "auto": "auto, no refit, a step every 4 batches (40% synthetic)",
    "auto_refit": "auto, refit: the defaults (40% synthetic)",
    "auto_every_1": "auto, no refit, a step every batch (40% synthetic)",
    "fixed_best": "fixed best: grid of 4 weights, 2 folds (40% synthetic)",
}
# The configurations that mark rows synthetic (the rest see every row as real).
SYNTHETIC_CONFIGS = ("naive_mix", "auto", "auto_refit", "auto_every_1", "fixed_best")
SYNTHETIC_SHARE = 0.4
WEIGHT_GRID = [0.1, 0.25, 0.5, 1.0]
# (label, numerator, denominator, target or None for information)
RATIOS = [
    ("LiLAW on / skorch", "lilaw", "skorch", 1.0),
    ("LiLAW on / hand loop", "lilaw", "hand_loop", 1.5),
    ("LiLAW off / hand loop", "lilaw_off", "hand_loop", 1.1),
    ("LiLAW on, fused Adam / LiLAW on", "lilaw_fused", "lilaw", None),
    ("LiLAW on / hand loop, both fused Adam", "lilaw_fused", "hand_loop_fused", None),
    ("auto / naive mix", "auto", "naive_mix", 1.5),
    ("auto, refit / naive mix", "auto_refit", "naive_mix", None),
    ("auto, every batch / naive mix", "auto_every_1", "naive_mix", None),
    ("fixed best / naive mix", "fixed_best", "naive_mix", None),
]
MEMORY_TARGET = 1.1


def make_data(n_samples):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=N_FEATURES,
        n_informative=20,
        n_redundant=5,
        n_classes=N_CLASSES,
        random_state=SEED,
    )
    return X.astype(np.float32), y.astype(np.int64)


def clock(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter()


def fit_hand_loop(X, y, device, epochs, fused=False):
    """Fit the MLP with a plain torch loop; return the seconds taken."""
    X_t, y_t = torch.from_numpy(X).to(device), torch.from_numpy(y).to(device)
    torch.manual_seed(SEED)
    start = clock(device)
    module = MLP(N_FEATURES, N_CLASSES, HIDDEN).to(device)
    optimizer = torch.optim.Adam(module.parameters(), lr=LR, fused=fused or None)
    criterion = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        order = torch.randperm(len(X_t), device=device)
        for i in range(0, len(X_t), BATCH_SIZE):
            rows = order[i : i + BATCH_SIZE]
            optimizer.zero_grad()
            criterion(module(X_t[rows]), y_t[rows]).backward()
            optimizer.step()
    return clock(device) - start


def build_estimator(name, device, epochs):
    if name == "skorch":
        return NeuralNetClassifier(
            MLP,
            module__n_features_in=N_FEATURES,
            module__n_outputs=N_CLASSES,
            module__hidden_layer_sizes=HIDDEN,
            optimizer=torch.optim.Adam,
            lr=LR,
            batch_size=BATCH_SIZE,
            max_epochs=epochs,
            train_split=None,
            iterator_train__shuffle=True,
            device=str(device),
            verbose=0,
        )
    paper, plain = PAPER_LILAW, PLAIN
    params = {
        "lilaw": paper,
        "lilaw_off": plain,
        "lilaw_fused": {**paper, "optimizer__fused": True},
        "lilaw_nowarmup": {**paper, "warmup_epochs": 0},
        "naive_mix": plain,
        "auto": AUTO,
        "auto_refit": {},  # the defaults
        "auto_every_1": {**AUTO, "synthetic_weight_interval": 1},
        "fixed_best": plain,
    }[name]
    estimator = LiLAWClassifier(
        hidden_layer_sizes=HIDDEN,
        lr=LR,
        batch_size=BATCH_SIZE,
        max_epochs=epochs,
        random_state=SEED,
        device=str(device),
        **params,
    )
    if name == "fixed_best":
        grid = {"synthetic_weight": WEIGHT_GRID}
        return GridSearchCV(estimator, grid, cv=KFold(2, shuffle=True, random_state=0))
    return estimator


def sample_origin(name, n_samples):
    """40% of the rows marked synthetic for the synthetic-weight configs."""
    if name not in SYNTHETIC_CONFIGS:
        return None
    return np.random.RandomState(SEED).rand(n_samples) < SYNTHETIC_SHARE


def fit_seconds(name, X, y, device, epochs):
    if name.startswith("hand_loop"):
        return fit_hand_loop(X, y, device, epochs, fused=name == "hand_loop_fused")
    origin = sample_origin(name, len(X))
    kwargs = {} if origin is None else {"sample_origin": origin}
    torch.manual_seed(SEED)  # plain skorch seeds from the global RNG
    start = clock(device)
    build_estimator(name, device, epochs).fit(X, y, **kwargs)
    return clock(device) - start


def bench_fit_times(X, y, device, epochs, rounds):
    """{config: [seconds per timed round]}, configurations interleaved."""
    times = {name: [] for name in CONFIGS}
    for round_ in range(rounds + 1):  # round 0 is untimed
        for name in CONFIGS:
            gc.collect()
            seconds = fit_seconds(name, X, y, device, epochs)
            if round_:
                times[name].append(seconds)
            print(f"  round {round_}/{rounds} {CONFIGS[name]:<36} {seconds:7.3f} s")
    return times


def ratio_rows(times):
    rows = []
    for label, num, den, target in RATIOS:
        of_medians = statistics.median(times[num]) / statistics.median(times[den])
        per_round = statistics.median(a / b for a, b in zip(times[num], times[den]))
        status = "" if target is None else ("PASS" if of_medians <= target else "FAIL")
        target_text = "(info)" if target is None else f"<= {target}"
        rows.append([label, of_medians, per_round, target_text, status])
    return rows


def memory_child(name, n_samples, epochs, device):
    """In a fresh process: peak RSS (MiB) that one fit adds to the loaded data."""
    X, y = make_data(n_samples)
    gc.collect()
    # Reset the high-water mark (Linux): the import of torch leaves it far
    # above anything the fit itself adds.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _status_mib("VmRSS")
    build_estimator(name, torch.device(device), epochs).fit(X, y)
    print(_status_mib("VmHWM") - before)


def _status_mib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_memory(n_samples, epochs, device):
    peaks = {}
    for name in ("skorch", "lilaw"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--memory-child",
                name,
                str(n_samples),
                str(epochs),
                str(device),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        peaks[name] = float(out.stdout.split()[-1])
    return peaks


def bench_scaling(sizes, device, rounds):
    """Seconds per row of one epoch with meta steps, per number of rows."""
    result = {}
    for n in sizes:
        X, y = make_data(n)
        result[n] = {
            name: statistics.median(
                fit_seconds(name, X, y, device, 1) / n for _ in range(rounds)
            )
            for name in ("hand_loop", "skorch", "lilaw_nowarmup")
        }
    return result


def render(times, ratios, memory, scaling, settings, info):
    lines = [
        "# LiLAW overhead",
        "",
        f"{settings['n_samples']:,} rows x {N_FEATURES} features, {N_CLASSES} "
        f"classes; MLP {HIDDEN}; batch {BATCH_SIZE}; {settings['epochs']} epochs; "
        f"Adam lr {LR}; median of {settings['rounds']} interleaved rounds.",
        "",
        "## Fit time",
        "",
        markdown_table(
            ["configuration", "median s", "min s", "max s"],
            [
                [CONFIGS[n], statistics.median(t), min(t), max(t)]
                for n, t in times.items()
            ],
        ),
        "",
        "## Ratios",
        "",
        markdown_table(
            ["ratio", "of medians", "median per round", "target", "result"], ratios
        ),
    ]
    if memory:
        ratio = memory["lilaw"] / memory["skorch"]
        status = "PASS" if ratio <= MEMORY_TARGET else "FAIL"
        lines += [
            "",
            "## Peak memory of a fit",
            "",
            f"Above the loaded data, in a fresh process each: skorch "
            f"{memory['skorch']:.1f} MiB, LiLAW on {memory['lilaw']:.1f} MiB; "
            f"ratio {ratio:.2f} (target <= {MEMORY_TARGET}: {status}).",
        ]
    if scaling:
        rows = [
            [f"{n:,}"] + [1e6 * s for s in per.values()] for n, per in scaling.items()
        ]
        lines += [
            "",
            "## Scaling (one epoch with meta steps, microseconds per row)",
            "",
            markdown_table(["rows", "hand loop", "skorch", "LiLAW on"], rows),
        ]
    lines += ["", "## Machine", "", machine_section(info)]
    return "\n".join(lines)


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "smoke test: tiny sizes, one round")
    p.add_argument("--rounds", type=int, default=9, help="timed rounds")
    p.add_argument("--memory-child", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.memory_child:
        name, n, epochs, device = args.memory_child
        return memory_child(name, int(n), int(epochs), device)
    torch.set_num_threads(2)
    device = torch.device(LiLAWClassifier(device=args.device).device)
    quick = args.quick
    settings = {
        "n_samples": 2000 if quick else 20000,
        "epochs": 2 if quick else 10,
        "rounds": 1 if quick else args.rounds,
    }
    X, y = make_data(settings["n_samples"])
    print(f"Fit times ({settings['rounds']} rounds):")
    times = bench_fit_times(X, y, device, settings["epochs"], settings["rounds"])
    ratios = ratio_rows(times)
    memory = bench_memory(settings["n_samples"], settings["epochs"], device)
    sizes = [2000] if quick else [10_000, 100_000, 1_000_000]
    scaling = bench_scaling(sizes, device, 1 if quick else 3)
    info = machine_info(device)
    md = render(times, ratios, memory, scaling, settings, info)
    print(md)
    stem = "overhead_cuda" if device.type == "cuda" else "overhead"
    data = {
        "settings": settings,
        "configs": CONFIGS,
        "times_s": times,
        "ratios": ratios,
        "memory_mib": memory,
        "scaling_s_per_row": scaling,
        "machine": info,
    }
    write_results(args.output_dir, stem, md, data, quick=quick)


if __name__ == "__main__":
    main()
