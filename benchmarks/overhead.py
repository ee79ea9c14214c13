"""What LiLAW training costs, against plain skorch and a hand-written torch loop.

One problem, five ways of fitting the same network on it:

1. ``hand loop``: a hand-written PyTorch loop (Adam, plain cross-entropy,
   shuffled mini-batches cut from tensors that are built once, outside the
   timer);
2. ``skorch``: plain ``skorch.NeuralNetClassifier`` on numpy float32 / int64
   (skorch's default ``DataLoader``, no validation split);
3. ``LiLAW on``: ``LiLAWClassifier`` with its defaults (5% meta split held
   out, one warm-up epoch, then one meta step per training batch);
4. ``LiLAW off``: ``LiLAWClassifier(lilaw=False)``, the same estimator
   trained plainly on every row;
5. ``LiLAW on, detached``: ``LiLAWClassifier(detach_weights=True)``
   (informative, no target).

The problem is a 5-class ``make_classification`` of 20,000 x 40 (float32,
``random_state=0``); the network an MLP with two hidden layers of 128 (ReLU)
and 5 logits (``sklearn_lilaw.MLP`` in every configuration); batch 256, 10
epochs, Adam with lr 1e-3, ``torch.set_num_threads(2)``, the same seed in
every configuration. A fit is timed from building the estimator (or the module
and optimizer of the hand loop) to the end of ``fit``.

All configurations run interleaved in one process, round-robin (A, B, C, D, E,
then again), after one untimed warm-up round, so that drift of the machine
hits them alike; each reported time is the median of ``--repeats`` fits. The
table gives three ratios with their targets:

- LiLAW on / skorch <= 1.0,
- LiLAW on / hand loop <= 1.5,
- LiLAW off / hand loop <= 1.15.

Note that LiLAW on trains on 95% of the rows (the meta split is held out) and
takes a meta step after every batch of the 9 epochs after the warm-up.

Three more measurements follow:

- where the time of a LiLAW fit goes: a benchmark-only subclass wraps
  ``train_step`` and the engine's ``_meta_step`` with ``time.perf_counter``
  and reports mean microseconds per model step, per meta step, and the rest of
  each epoch (iteration, callbacks, bookkeeping) per batch;
- peak memory: a fresh child process per fit loads the data and fits once,
  LiLAW against plain skorch (target: peak ratio <= 1.1). It reports
  ``ru_maxrss`` after loading the data, the resident size then (the
  baseline), and the peak RSS of the fit: the high-water mark is reset after
  loading (Linux ``/proc/self/clear_refs``), since the import of torch leaves
  one far above anything a fit adds. At the main size and, informatively, at
  the largest scaling size;
- scaling: one epoch of LiLAW on (warm-up off, so the epoch has its meta
  steps), skorch and the hand loop for 10k, 100k and 1M rows, as time per row.

Call like this::

    python benchmarks/overhead.py                  # full run, ~2.5 min on 2 idle cores
    python benchmarks/overhead.py --quick          # smoke test, ~20 s
    python benchmarks/overhead.py --device cuda    # or auto
    python benchmarks/overhead.py --repeats 9 --scaling-sizes 10000,100000

Results go to ``benchmarks/results/overhead.md`` (tables, machine, versions,
command) and ``overhead.json`` (every raw timing); ``--quick`` writes
``overhead_quick.md`` / ``.json`` instead, and ``--output-dir`` / ``--out``
change where. Timings are only as quiet as the machine: the load average and
the CPU that other processes took during the run are recorded next to them.
"""

import argparse
import datetime
import gc
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sklearn
import skorch
import torch
from sklearn.datasets import make_classification
from skorch import NeuralNetClassifier

import sklearn_lilaw
from sklearn_lilaw import MLP, LiLAWClassifier

N_FEATURES = 40
N_CLASSES = 5
HIDDEN = (128, 128)
BATCH_SIZE = 256
LR = 1e-3
SEED = 0
DEFAULT_OUTPUT_DIR = Path(__file__).resolve().parent / "results"

# name -> label, in the round-robin order.
CONFIGS = {
    "hand_loop": "hand loop (torch)",
    "hand_loop_fused": "hand loop, fused Adam",
    "skorch": "skorch NeuralNetClassifier",
    "lilaw": "LiLAW on",
    "lilaw_off": "LiLAW off (lilaw=False)",
    "lilaw_detach": "LiLAW on, detach_weights=True",
}
# (label, numerator, denominator, target): the ratio must be <= target; a
# target of None is reported for information.
RATIOS = [
    ("LiLAW on / skorch", "lilaw", "skorch", 1.0),
    ("LiLAW on / hand loop", "lilaw", "hand_loop", 1.5),
    ("LiLAW off / hand loop", "lilaw_off", "hand_loop", 1.15),
    # The estimators run torch's fused Adam by default; against a hand loop
    # that does too, what is left is the cost of LiLAW and of skorch.
    ("LiLAW on / hand loop with fused Adam", "lilaw", "hand_loop_fused", None),
    ("LiLAW off / hand loop with fused Adam", "lilaw_off", "hand_loop_fused", None),
]
MEMORY_TARGET = 1.1

PRESETS = {
    "full": {
        "n_samples": 20_000,
        "epochs": 10,
        "repeats": 9,
        "scaling_sizes": "10000,100000,1000000",
        "scaling_repeats": 2,
        "out": "overhead",
    },
    "quick": {
        "n_samples": 2_000,
        "epochs": 2,
        "repeats": 2,
        "scaling_sizes": "1000,10000",
        "scaling_repeats": 1,
        "out": "overhead_quick",
    },
}


# ----------------------------------------------------------------------
# data and timing helpers
# ----------------------------------------------------------------------
def make_data(n_samples):
    """The benchmark problem: float32 X of (n_samples, 40), int64 y in 0..4."""
    X, y = make_classification(
        n_samples=n_samples,
        n_features=N_FEATURES,
        n_informative=20,
        n_redundant=5,
        n_classes=N_CLASSES,
        random_state=SEED,
    )
    return X.astype(np.float32), y.astype(np.int64)


def sync(device):
    """Wait for queued CUDA work, so that a clock reading covers it."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def now(device):
    sync(device)
    return time.perf_counter()


class CpuMeter:
    """How busy other processes kept the CPU while a phase ran (Linux only).

    Busy time of the whole machine from /proc/stat, less this process's and
    its finished children's CPU time, over the wall time: the average number
    of cores other processes took. None where /proc/stat is missing.
    """

    def __init__(self):
        self.start = self._read()

    @staticmethod
    def _read():
        try:
            fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
            ticks = [int(v) for v in fields]
        except (OSError, ValueError):
            return None
        # user nice system idle iowait irq softirq steal ...
        busy = sum(ticks[:3]) + sum(ticks[5:8])
        own = os.times()
        return {
            "wall": time.perf_counter(),
            "busy_s": busy / os.sysconf("SC_CLK_TCK"),
            "own_s": own.user + own.system + own.children_user + own.children_system,
        }

    def stop(self):
        end = self._read()
        if self.start is None or end is None:
            return None
        wall = end["wall"] - self.start["wall"]
        busy = end["busy_s"] - self.start["busy_s"]
        own = end["own_s"] - self.start["own_s"]
        return {
            "wall_s": wall,
            "own_cores": own / wall,
            "other_cores": max(busy - own, 0.0) / wall,
        }


def train_accuracy(module, X_t, y_t):
    """Accuracy of a fitted module on its training tensors (outside the timer)."""
    module.eval()
    with torch.no_grad():
        correct = sum(
            (module(X_t[i : i + 8192]).argmax(1) == y_t[i : i + 8192]).sum().item()
            for i in range(0, X_t.shape[0], 8192)
        )
    return correct / X_t.shape[0]


# ----------------------------------------------------------------------
# the configurations
# ----------------------------------------------------------------------
def fit_hand_loop(data, device, epochs, fused=False):
    """The reference: a plain torch loop on tensors already on ``device``.

    With torch's default Adam (a loop over the parameters), or with
    ``fused=True`` its fused kernel, which the LiLAW estimators use.
    """
    X_t, y_t = data["X_t"], data["y_t"]
    n = X_t.shape[0]
    torch.manual_seed(SEED)
    start = now(device)
    module = MLP(
        n_features_in=N_FEATURES, n_outputs=N_CLASSES, hidden_layer_sizes=HIDDEN
    ).to(device)
    kwargs = {"fused": True} if fused else {}
    optimizer = torch.optim.Adam(module.parameters(), lr=LR, **kwargs)
    criterion = torch.nn.CrossEntropyLoss()
    module.train()
    epoch_times = []
    for _ in range(epochs):
        epoch_start = now(device)
        order = torch.randperm(n, device=device)
        for i in range(0, n, BATCH_SIZE):
            index = order[i : i + BATCH_SIZE]
            optimizer.zero_grad()
            loss = criterion(module(X_t[index]), y_t[index])
            loss.backward()
            optimizer.step()
        epoch_times.append(now(device) - epoch_start)
    fit_s = now(device) - start
    return {
        "fit_s": fit_s,
        "epoch_s": epoch_times,
        "train_acc": train_accuracy(module, X_t, y_t),
    }


def make_skorch(device, epochs):
    return NeuralNetClassifier(
        MLP,
        module__n_features_in=N_FEATURES,
        module__n_outputs=N_CLASSES,
        module__hidden_layer_sizes=HIDDEN,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=LR,
        batch_size=BATCH_SIZE,
        max_epochs=epochs,
        train_split=None,
        iterator_train__shuffle=True,
        device=str(device),
        verbose=0,
    )


def make_lilaw(device, epochs, cls=LiLAWClassifier, **params):
    return cls(
        hidden_layer_sizes=HIDDEN,
        lr=LR,
        batch_size=BATCH_SIZE,
        max_epochs=epochs,
        random_state=SEED,
        device=str(device),
        **params,
    )


def fit_estimator(build, data, device):
    """Build and fit an estimator on numpy data; time both."""
    torch.manual_seed(SEED)  # plain skorch seeds from the global RNG
    start = now(device)
    net = build()
    net.fit(data["X"], data["y"])
    fit_s = now(device) - start
    return {
        "fit_s": fit_s,
        "epoch_s": [float(d) for d in net.history[:, "dur"]],
        "train_acc": train_accuracy(net.module_, data["X_t"], data["y_t"]),
    }


def run_config(name, data, device, epochs):
    if name == "hand_loop":
        return fit_hand_loop(data, device, epochs)
    if name == "hand_loop_fused":
        return fit_hand_loop(data, device, epochs, fused=True)
    build = {
        "skorch": lambda: make_skorch(device, epochs),
        "lilaw": lambda: make_lilaw(device, epochs),
        "lilaw_off": lambda: make_lilaw(device, epochs, lilaw=False),
        "lilaw_detach": lambda: make_lilaw(device, epochs, detach_weights=True),
        # Scaling: one epoch with meta steps, i.e. no warm-up epoch.
        "lilaw_nowarmup": lambda: make_lilaw(device, epochs, warmup_epochs=0),
    }[name]
    return fit_estimator(build, data, device)


def as_data(X, y, device):
    return {
        "X": X,
        "y": y,
        "X_t": torch.from_numpy(X).to(device),
        "y_t": torch.from_numpy(y).to(device),
    }


# ----------------------------------------------------------------------
# 1. interleaved fit times
# ----------------------------------------------------------------------
def bench_fit_times(data, device, epochs, repeats, warmup_rounds):
    runs = []
    total = warmup_rounds + repeats
    for round_ in range(total):
        timed = round_ >= warmup_rounds
        for name in CONFIGS:
            gc.collect()
            result = run_config(name, data, device, epochs)
            result.update(
                config=name, round=round_ - warmup_rounds, timed=timed, time=time.time()
            )
            runs.append(result)
            tag = f"round {round_ + 1}/{total}" + ("" if timed else " (warm-up)")
            print(
                f"  {tag:<22} {CONFIGS[name]:<32} {result['fit_s']:8.3f} s",
                flush=True,
            )
    return runs


# ----------------------------------------------------------------------
# 2. where a LiLAW fit spends its time
# ----------------------------------------------------------------------
class ProfiledLiLAWClassifier(LiLAWClassifier):
    """Benchmark-only subclass that clocks the parts of each training step.

    ``train_step`` (skorch's model step followed by the meta step) and
    ``_meta_step`` are wrapped with ``time.perf_counter``; the model step is
    their difference. ``_meta_step`` is a private method of the LiLAW
    engine: wrapping it is fine for a profiler that lives in this benchmark,
    and nothing in the package relies on it. The epoch is clocked from the start
    of ``on_epoch_begin`` to the end of the net's own ``on_epoch_end`` (which
    includes LiLAW's per-epoch records). On CUDA every clock reading
    synchronises first, which slows the profiled fit a little.
    """

    def _prof_reset(self):
        self._prof_steps = []  # (epoch, step_s, meta_s)
        self._prof_epochs = []  # (epoch, epoch_s)
        self._prof_meta = 0.0

    def _prof_now(self):
        return now(torch.device(self.device))

    def train_step(self, batch, **fit_params):
        self._prof_meta = 0.0
        start = self._prof_now()
        step = super().train_step(batch, **fit_params)
        elapsed = self._prof_now() - start
        self._prof_steps.append((len(self.history), elapsed, self._prof_meta))
        return step

    def _meta_step(self):
        start = self._prof_now()
        super()._meta_step()
        self._prof_meta = self._prof_now() - start

    def on_epoch_begin(self, net, **kwargs):
        self._prof_epoch_start = self._prof_now()
        super().on_epoch_begin(net, **kwargs)

    def on_epoch_end(self, net, **kwargs):
        super().on_epoch_end(net, **kwargs)
        elapsed = self._prof_now() - self._prof_epoch_start
        self._prof_epochs.append((len(self.history), elapsed))


def profile_fit(data, device, epochs, lilaw):
    net = make_lilaw(device, epochs, cls=ProfiledLiLAWClassifier, lilaw=lilaw)
    net._prof_reset()
    gc.collect()
    start = now(device)
    net.fit(data["X"], data["y"])
    fit_s = now(device) - start
    return {
        "lilaw": lilaw,
        "warmup_epochs": net.warmup_epochs if lilaw else 0,
        "fit_s": fit_s,
        "epochs": [list(e) for e in net._prof_epochs],
        "steps": [list(s) for s in net._prof_steps],
    }


def summarize_profile(record):
    """Per-batch means (microseconds) over the epochs after the warm-up."""
    first_active = record["warmup_epochs"] + 1
    steps = [s for s in record["steps"] if s[0] >= first_active]
    epochs = [e for e in record["epochs"] if e[0] >= first_active]
    n = len(steps)
    step_s = sum(s[1] for s in steps)
    meta_s = sum(s[2] for s in steps)
    epoch_s = sum(e[1] for e in epochs)
    warm = [s[1] - s[2] for s in record["steps"] if s[0] < first_active]
    return {
        "batches": n,
        "model_us": 1e6 * (step_s - meta_s) / n,
        "meta_us": 1e6 * meta_s / n,
        "rest_us": 1e6 * (epoch_s - step_s) / n,
        "batch_us": 1e6 * epoch_s / n,
        "warmup_model_us": 1e6 * statistics.fmean(warm) if warm else None,
        "outside_epochs_ms": 1e3
        * (record["fit_s"] - sum(e[1] for e in record["epochs"])),
    }


def bench_profile(data, device, epochs, repeats):
    records = []
    for i in range(repeats):
        for lilaw in (True, False):
            records.append(profile_fit(data, device, epochs, lilaw))
        print(f"  profiled fits {i + 1}/{repeats}", flush=True)
    summary = {}
    for lilaw, key in ((True, "lilaw"), (False, "lilaw_off")):
        parts = [summarize_profile(r) for r in records if r["lilaw"] == lilaw]
        summary[key] = {
            field: (
                None
                if parts[0][field] is None
                else statistics.median(p[field] for p in parts)
            )
            for field in parts[0]
        }
    return records, summary


# ----------------------------------------------------------------------
# 3. peak memory, each fit in a fresh process
# ----------------------------------------------------------------------
def _maxrss_mib():
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10  # B vs KiB


def _proc_status_mib(field):
    """``VmRSS`` (resident now) or ``VmHWM`` (its high-water mark), Linux only."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 2**10
    except (OSError, ValueError):
        pass
    return None


def _reset_peak_rss():
    """Reset the RSS high-water mark (Linux >= 4.0); False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def memory_child(args):
    """Run in a child process: load data, fit once, print RSS figures as JSON.

    The data is read from .npy files written by the parent, so that no
    float64 temporary of ``make_classification`` inflates the baseline.
    Importing torch leaves a high-water mark well above the resident size
    that follows, which would hide what a fit adds; so, where Linux allows,
    the mark is reset after loading the data, and ``VmHWM`` at the end is the
    peak RSS of the fit alone (absolute: the resident libraries and data are
    in it, nothing is subtracted). ``ru_maxrss`` is reported too, but it
    cannot be relied on after the reset: it also holds the mark of any thread
    that exited earlier.
    """
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    X = np.load(Path(args.memory_data) / "X.npy")
    y = np.load(Path(args.memory_data) / "y.npy")
    gc.collect()
    result = {
        "maxrss_before_fit_mib": _maxrss_mib(),  # imports and data loading
        "rss_before_fit_mib": _proc_status_mib("VmRSS"),  # the baseline
        "peak_reset": _reset_peak_rss(),
    }
    if args.memory_child == "lilaw":
        net = make_lilaw(device, args.epochs)
    else:
        torch.manual_seed(SEED)
        net = make_skorch(device, args.epochs)
    net.fit(X, y)
    result["maxrss_end_mib"] = _maxrss_mib()
    hwm = _proc_status_mib("VmHWM")
    result["peak_mib"] = hwm if result["peak_reset"] and hwm else _maxrss_mib()
    if device.type == "cuda":
        result["cuda_peak_mib"] = torch.cuda.max_memory_allocated(device) / 2**20
    print(json.dumps(result))


def bench_memory(X, y, device, epochs, threads):
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        np.save(Path(tmp) / "X.npy", X)
        np.save(Path(tmp) / "y.npy", y)
        for which in ("skorch", "lilaw"):
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--memory-child",
                which,
                "--memory-data",
                tmp,
                "--epochs",
                str(epochs),
                "--threads",
                str(threads),
                "--device",
                str(device),
            ]
            start = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                raise RuntimeError(f"memory child failed:\n{out.stderr}")
            result = json.loads(out.stdout.strip().splitlines()[-1])
            result.update(
                config=which,
                n_rows=X.shape[0],
                epochs=epochs,
                child_s=time.perf_counter() - start,
            )
            results.append(result)
            print(
                f"  {X.shape[0]:>9,} rows  {which:<7} "
                f"RSS before fit {result['rss_before_fit_mib'] or 0:7.1f} MiB  "
                f"peak {result['peak_mib']:7.1f} MiB",
                flush=True,
            )
    return results


# ----------------------------------------------------------------------
# 4. scaling with the number of rows
# ----------------------------------------------------------------------
SCALING_CONFIGS = {
    "hand_loop": "hand loop (torch)",
    "skorch": "skorch NeuralNetClassifier",
    "lilaw_nowarmup": "LiLAW on (warmup_epochs=0)",
}


def bench_scaling(X_big, y_big, sizes, device, repeats):
    runs = []
    for n in sizes:
        data = as_data(X_big[:n], y_big[:n], device)
        for repeat in range(repeats):
            for name in SCALING_CONFIGS:
                gc.collect()
                result = run_config(name, data, device, epochs=1)
                result.update(config=name, n_rows=n, repeat=repeat)
                runs.append(result)
                print(
                    f"  {n:>9,} rows  {SCALING_CONFIGS[name]:<28} "
                    f"epoch {result['epoch_s'][-1]:8.3f} s",
                    flush=True,
                )
        del data
    return runs


# ----------------------------------------------------------------------
# report
# ----------------------------------------------------------------------
def md_table(header, rows, align=None):
    align = align or ["l"] + ["r"] * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_origin():
    """Where sklearn_lilaw was imported from, and its git revision if tracked."""
    pkg = Path(sklearn_lilaw.__file__).resolve().parent

    def git(*args):
        out = subprocess.run(
            ["git", "-C", str(pkg), *args], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    try:
        git("ls-files", "--error-unmatch", "__init__.py")
        dirty = "-dirty" if git("status", "--porcelain", "--", ".") else ""
        return f"{git('rev-parse', '--short', 'HEAD')}{dirty} ({pkg})"
    except (OSError, subprocess.CalledProcessError):
        return f"not a git checkout ({pkg})"


def machine_info(device, threads):
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "command": "python " + shlex.join(sys.argv),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "threads": threads,
        "device": str(device),
        "sklearn_lilaw": f"{sklearn_lilaw.__version__}, {package_origin()}",
    }
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def summarize(runs, profile, memory, scaling, settings):
    timed = [r for r in runs if r["timed"]]
    fit = {
        name: {
            "median_s": statistics.median(
                r["fit_s"] for r in timed if r["config"] == name
            ),
            "min_s": min(r["fit_s"] for r in timed if r["config"] == name),
            "max_s": max(r["fit_s"] for r in timed if r["config"] == name),
            "train_acc": statistics.median(
                r["train_acc"] for r in timed if r["config"] == name
            ),
        }
        for name in CONFIGS
    }
    by_round = {}
    for r in timed:
        by_round.setdefault(r["round"], {})[r["config"]] = r["fit_s"]
    ratios = []
    for label, num, den, target in RATIOS:
        value = fit[num]["median_s"] / fit[den]["median_s"]
        # Each round runs every configuration back to back: the ratio within
        # a round is the one least touched by the machine's drift.
        paired = statistics.median(
            times[num] / times[den] for times in by_round.values()
        )
        passed = None if target is None else value <= target
        ratios.append(
            {
                "ratio": label,
                "value": value,
                "paired": paired,
                "target": target,
                "pass": passed,
            }
        )
    mem = {}
    for n in sorted({m["n_rows"] for m in memory}):
        by = {m["config"]: m for m in memory if m["n_rows"] == n}
        mem[n] = {
            "epochs": by["lilaw"]["epochs"],
            "skorch": by["skorch"],
            "lilaw": by["lilaw"],
            "ratio": by["lilaw"]["peak_mib"] / by["skorch"]["peak_mib"],
        }
    scale = {}
    for n in sorted({r["n_rows"] for r in scaling}):
        for name in SCALING_CONFIGS:
            rs = [r for r in scaling if r["n_rows"] == n and r["config"] == name]
            epoch = statistics.median(r["epoch_s"][-1] for r in rs)
            scale.setdefault(name, {})[n] = {
                "epoch_s": epoch,
                "fit_s": statistics.median(r["fit_s"] for r in rs),
                "us_per_row": 1e6 * epoch / n,
            }
    return {
        "fit": fit,
        "ratios": ratios,
        "profile": profile,
        "memory": mem,
        "scaling": scale,
    }


def _cores(meter):
    return "n/a" if meter is None else f"{meter['other_cores']:.2f}"


def render(summary, info, settings, load):
    s = settings
    out = [f"# LiLAW overhead benchmark{' (quick)' if s['quick'] else ''}", ""]
    out += [
        f"`{info['command']}` on {info['date']}.",
        "",
        md_table(
            ["machine", ""],
            [
                ["CPU", f"{info['cpu']} ({info['cpu_count']} logical cores)"],
                [
                    "device",
                    info["device"] + (f" ({info['gpu']})" if "gpu" in info else ""),
                ],
                ["torch threads", info["threads"]],
                ["platform", info["platform"]],
                [
                    "python / torch / skorch / sklearn / numpy",
                    f"{info['python']} / {info['torch']} / {info['skorch']} / "
                    f"{info['sklearn']} / {info['numpy']}",
                ],
                ["sklearn-lilaw", info["sklearn_lilaw"]],
                [
                    "load average (1 min) before / after",
                    f"{load['before'][0]:.2f} / {load['after'][0]:.2f}",
                ],
                [
                    "cores busy with other processes (fit-time phase / whole run)",
                    f"{_cores(load['others_fit_phase'])} / "
                    f"{_cores(load['others_whole_run'])}",
                ],
            ],
            align=["l", "l"],
        ),
        "",
    ]
    busy = [
        m["other_cores"]
        for m in (load["others_fit_phase"], load["others_whole_run"])
        if m is not None
    ]
    if any(b > 0.1 for b in busy):
        out += [
            f"> Other processes kept up to {max(busy):.2f} of the "
            f"{info['cpu_count']} cores busy during this run, so these timings "
            "are noisier (and, with torch's spinning worker threads, slower) than "
            "on an idle machine.",
            "",
        ]
    if s["quick"]:
        out += [
            "> Quick mode: the sizes are too small for the targets to mean "
            "anything; this run only checks that the benchmark works.",
            "",
        ]

    fit = summary["fit"]
    out += [
        f"## Fit time ({s['n_samples']:,} x {N_FEATURES}, {N_CLASSES} classes, "
        f"MLP {HIDDEN}, batch {BATCH_SIZE}, {s['epochs']} epochs)",
        "",
        f"Median of {s['repeats']} interleaved fits (after {s['warmup_rounds']} "
        "untimed round).",
        "",
        md_table(
            ["configuration", "median (s)", "min (s)", "max (s)", "train acc"],
            [
                [
                    CONFIGS[name],
                    f"{f['median_s']:.3f}",
                    f"{f['min_s']:.3f}",
                    f"{f['max_s']:.3f}",
                    f"{f['train_acc']:.3f}",
                ]
                for name, f in fit.items()
            ],
        ),
        "",
        md_table(
            [
                "ratio of medians",
                "value",
                "median of per-round ratios",
                "target",
                "result",
            ],
            [
                [
                    r["ratio"],
                    f"{r['value']:.2f}",
                    f"{r['paired']:.2f}",
                    "(info)" if r["target"] is None else f"<= {r['target']}",
                    {None: "", True: "PASS", False: "FAIL"}[r["pass"]],
                ]
                for r in summary["ratios"]
            ],
        ),
        "",
        "The LiLAW estimators run torch's fused Adam kernel by default "
        "(`optimizer__fused`/`optimizer__foreach` choose otherwise); the hand loop "
        "of the targets uses torch's default Adam, the *fused Adam* rows a hand "
        "loop that also fuses.",
        "",
    ]

    prof = summary["profile"]
    hand_batches = s["epochs"] * -(-s["n_samples"] // BATCH_SIZE)
    hand_us = 1e6 * fit["hand_loop"]["median_s"] / hand_batches
    on, off = prof["lilaw"], prof["lilaw_off"]
    out += [
        "## Where the time of a fit goes (per batch)",
        "",
        f"Median over {s['repeats']} profiled fits of the mean per batch, over the "
        "epochs after the warm-up; microseconds. *rest* is the epoch time outside "
        "`train_step`: batch iteration, callbacks, history, LiLAW's per-epoch "
        "records. The *meta step* is the forward pass of the meta batch and the "
        "update of alpha, beta, delta.",
        "",
        md_table(
            [
                "",
                "model step",
                "meta step",
                "rest",
                "batch",
                "share model / meta / rest",
            ],
            [
                [
                    "LiLAW on",
                    f"{on['model_us']:.0f}",
                    f"{on['meta_us']:.0f}",
                    f"{on['rest_us']:.0f}",
                    f"{on['batch_us']:.0f}",
                    f"{100 * on['model_us'] / on['batch_us']:.0f}% / "
                    f"{100 * on['meta_us'] / on['batch_us']:.0f}% / "
                    f"{100 * on['rest_us'] / on['batch_us']:.0f}%",
                ],
                [
                    "LiLAW off",
                    f"{off['model_us']:.0f}",
                    "-",
                    f"{off['rest_us']:.0f}",
                    f"{off['batch_us']:.0f}",
                    f"{100 * off['model_us'] / off['batch_us']:.0f}% / - / "
                    f"{100 * off['rest_us'] / off['batch_us']:.0f}%",
                ],
                ["hand loop (fit time / batches)", "", "", "", f"{hand_us:.0f}", ""],
            ],
        ),
        "",
        f"LiLAW on: model step in the warm-up epoch {on['warmup_model_us']:.0f} us; "
        f"time outside the epochs (validation, meta split, set-up) "
        f"{on['outside_epochs_ms']:.1f} ms per fit "
        f"(LiLAW off: {off['outside_epochs_ms']:.1f} ms).",
        "",
    ]

    if summary["memory"]:
        out += memory_section(summary["memory"], s["n_samples"])
    if summary["scaling"]:
        out += scaling_section(summary["scaling"], s["scaling_repeats"])
    return "\n".join(out)


def memory_section(memory, n_main):
    def mib(value):
        return "-" if value is None else f"{value:.0f}"

    rows, ratios = [], []
    for n, m in memory.items():
        for name in ("skorch", "lilaw"):
            r = m[name]
            growth = (
                None
                if r["rss_before_fit_mib"] is None
                else r["peak_mib"] - r["rss_before_fit_mib"]
            )
            rows.append(
                [
                    f"{n:,}",
                    m["epochs"],
                    "LiLAW on" if name == "lilaw" else "skorch",
                    mib(r["maxrss_before_fit_mib"]),
                    mib(r["rss_before_fit_mib"]),
                    mib(r["peak_mib"]),
                    mib(growth),
                ]
            )
        target = n == n_main
        ratios.append(
            [
                f"{n:,}",
                f"{m['ratio']:.3f}",
                f"<= {MEMORY_TARGET}" if target else "(info)",
                ("PASS" if m["ratio"] <= MEMORY_TARGET else "FAIL") if target else "",
            ]
        )
    reset = all(
        m[k]["peak_reset"] for m in memory.values() for k in ("skorch", "lilaw")
    )
    peak = (
        "the RSS high-water mark (VmHWM) at the end, reset after loading the "
        "data: the peak RSS of the fit, libraries and data included"
        if reset
        else "ru_maxrss at the end (the mark could not be reset here, so it may "
        "be the import's)"
    )
    return [
        "## Peak memory (fresh process per fit, MiB)",
        "",
        "*high-water before fit*: ru_maxrss after importing and loading the "
        "data (the import of torch sets it); *RSS before fit*: the resident "
        f"size then, the baseline; *peak*: {peak}; *growth*: peak - baseline.",
        "",
        md_table(
            [
                "rows",
                "epochs",
                "fit",
                "high-water before fit",
                "RSS before fit",
                "peak",
                "growth",
            ],
            rows,
        ),
        "",
        md_table(["rows", "LiLAW / skorch peak", "target", "result"], ratios),
        "",
    ]


def scaling_section(scaling, repeats):
    sizes = sorted(next(iter(scaling.values())))
    header = ["configuration"] + [f"{n:,} rows" for n in sizes]
    rows = []
    for name, by_n in scaling.items():
        rows.append(
            [SCALING_CONFIGS[name]]
            + [
                f"{by_n[n]['epoch_s']:.3f} s ({by_n[n]['us_per_row']:.2f} us/row)"
                for n in sizes
            ]
        )
    return [
        f"## Scaling: one epoch (median of {repeats}), time per epoch and per row",
        "",
        "Per row of the data given to `fit` (LiLAW trains on 95% of them).",
        "",
        md_table(header, rows),
        "",
    ]


# ----------------------------------------------------------------------
# main
# ----------------------------------------------------------------------
def to_json(obj):
    """JSON text, floats to 6 significant digits, lists of numbers on one line."""

    def rounded(value):
        if isinstance(value, float):
            return float(f"{value:.6g}")
        if isinstance(value, (list, tuple)):
            return [rounded(v) for v in value]
        if isinstance(value, dict):
            return {str(k): rounded(v) for k, v in value.items()}
        return value

    text = json.dumps(rounded(obj), indent=1, default=str)
    text = re.sub(
        r"\[[-+.,\s\deE]*\]",
        lambda m: re.sub(r"\s+", " ", m.group()).replace("[ ", "[").replace(" ]", "]"),
        text,
    )
    return text + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Overhead of LiLAW training against skorch and a torch loop."
    )
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes for a smoke test; writes overhead_quick.md/json",
    )
    parser.add_argument("--n-samples", type=int, help="rows (default 20000)")
    parser.add_argument("--epochs", type=int, help="epochs per fit (default 10)")
    parser.add_argument("--repeats", type=int, help="timed fits per config (5)")
    parser.add_argument(
        "--warmup-rounds", type=int, default=1, help="untimed rounds first (1)"
    )
    parser.add_argument("--threads", type=int, default=2, help="torch threads (2)")
    parser.add_argument(
        "--scaling-sizes",
        help="comma-separated row counts (default 10000,100000,1000000)",
    )
    parser.add_argument("--scaling-repeats", type=int, help="fits per size (2)")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument(
        "--out", help="file name prefix (default overhead, or overhead_quick)"
    )
    # Internal: the memory measurement re-runs this script as a child.
    parser.add_argument(
        "--memory-child", choices=["lilaw", "skorch"], help=argparse.SUPPRESS
    )
    parser.add_argument("--memory-data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    preset = PRESETS["quick" if args.quick else "full"]
    for key, value in preset.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: torch.cuda.is_available() is False here")
    args.scaling_sizes = [int(n) for n in str(args.scaling_sizes).split(",") if n]
    if not args.memory_child and (args.repeats < 1 or args.epochs < 2):
        parser.error("--repeats must be >= 1 and --epochs >= 2 (one is warm-up)")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.memory_child:
        memory_child(args)
        return
    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    load_before = os.getloadavg()
    whole_run = CpuMeter()
    settings = {
        key: getattr(args, key)
        for key in (
            "quick",
            "n_samples",
            "epochs",
            "repeats",
            "warmup_rounds",
            "threads",
            "scaling_sizes",
            "scaling_repeats",
        )
    }
    info = machine_info(device, args.threads)
    print(
        f"LiLAW overhead benchmark on {info['cpu']}, device {device}, "
        f"{args.threads} threads, load {load_before[0]:.2f}",
        flush=True,
    )

    n_big = max([args.n_samples, *args.scaling_sizes])
    X_big, y_big = make_data(n_big)
    # The main problem is make_classification at its own size, not a slice.
    X, y = make_data(args.n_samples) if n_big != args.n_samples else (X_big, y_big)
    data = as_data(X, y, device)
    torch.zeros(1, device=device)  # CUDA context, before any clock runs

    print(f"\n1. Fit times ({args.n_samples:,} rows, {args.epochs} epochs)")
    fit_phase = CpuMeter()
    runs = bench_fit_times(data, device, args.epochs, args.repeats, args.warmup_rounds)
    others_fit_phase = fit_phase.stop()
    print("\n2. Profiled LiLAW fits")
    prof_records, prof_summary = bench_profile(data, device, args.epochs, args.repeats)
    memory = []
    if not args.skip_memory:
        print("\n3. Peak memory (fresh processes)")
        memory += bench_memory(X, y, device, args.epochs, args.threads)
        n_mem = max(args.scaling_sizes, default=args.n_samples)
        if n_mem > args.n_samples and not (args.skip_scaling or args.quick):
            memory += bench_memory(
                X_big[:n_mem], y_big[:n_mem], device, 1, args.threads
            )
    scaling = []
    if not args.skip_scaling:
        print("\n4. Scaling (1 epoch)")
        scaling = bench_scaling(
            X_big, y_big, args.scaling_sizes, device, args.scaling_repeats
        )

    load = {
        "before": load_before,
        "after": os.getloadavg(),
        "others_fit_phase": others_fit_phase,
        "others_whole_run": whole_run.stop(),
    }
    summary = summarize(runs, prof_summary, memory, scaling, settings)
    info["wall_s"] = time.perf_counter() - started
    report = render(summary, info, settings, load)
    report += f"\nWhole run: {info['wall_s']:.0f} s.\n"
    print("\n" + report)

    args.output_dir.mkdir(parents=True, exist_ok=True)
    md_path = args.output_dir / f"{args.out}.md"
    json_path = args.output_dir / f"{args.out}.json"
    md_path.write_text(report)
    raw = {
        "machine": info,
        "settings": settings,
        "load_average": load,
        "configs": CONFIGS,
        "summary": summary,
        "fit_runs": runs,
        "profile_runs": prof_records,
        "memory_runs": memory,
        "scaling_runs": scaling,
    }
    json_path.write_text(to_json(raw))
    print(f"Wrote {md_path} and {json_path}")


if __name__ == "__main__":
    main()
