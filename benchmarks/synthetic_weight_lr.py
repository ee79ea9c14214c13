"""How fast should the learned synthetic weight learn (rate and step interval)?

The defaults (``synthetic_weight='auto'``, a refit) at several learning
rates of gamma (``synthetic_weight_lr``) and intervals between its steps
(``synthetic_weight_interval``, in training batches), and optionally
several sizes of the meta split it is learned from (``--meta-sizes``), on
the cells of
``synthetic.py`` (same tasks, splits, synthetic rows and seeds), against the
same references: the naive mix and the grid-tuned fixed weight.

Adam moves gamma by about the learning rate per step. Where synthetic rows
are as good as real ones, the sign of gamma's look-ahead gradient is noise
(or steadily wrong: any persistent difference between the two groups of
rows counts), and gamma (kept at or below 0) drifts down the further the
larger the rate and the more steps a fit takes; where they are bad, a small
rate is slow to push their weight down in a short fit. This measures that
trade-off. ``'auto'`` (the default) spreads a fixed travel of gamma over the
fit's steps, so its rate falls as the fit takes more steps. A step every k
batches (from their rows taken together) makes k times fewer, less noisy
steps and skips the meta forward pass of the other batches. A larger meta
split (``meta_size``) gives the look-ahead more real rows to compare with
and takes them from the fit that learns the weight; the refit trains on
them again.

The references do not depend on the rate, so by default they are read from
the full run of ``synthetic.py`` (``--reference``, checked to have the same
splits and epochs) instead of being fitted again (the grid search is half an
hour). ``--reference none`` fits the naive mix here and leaves the grid out:
with ``--split-seed 1`` (other random partitions of the same data, not the
reported test folds) that is how the default rate and interval were chosen.

Run::

    python benchmarks/synthetic_weight_lr.py            # ~25 min on 2 cores
    python benchmarks/synthetic_weight_lr.py --reference none --split-seed 1
    python benchmarks/synthetic_weight_lr.py --quick    # smoke test, ~20 s
    python benchmarks/synthetic_weight_lr.py --reference none --split-seed 1 \
        --rates auto --intervals 4 --meta-sizes 0.05,0.1,0.2,0.3

Writes ``synthetic_weight_lr.md`` and ``.json`` under ``--output-dir``
(``synthetic_weight_lr_dev.*`` with a ``--split-seed`` other than 0,
``synthetic_weight_lr_quick.*`` with ``--quick``; ``synthetic_weight_lr_meta*``
when ``--meta-sizes`` is not the default's alone).
"""

import json
import time
from pathlib import Path

import synthetic
import torch
from _common import (
    RESULTS_DIR,
    machine_info,
    machine_section,
    markdown_table,
    parser,
    write_results,
)

from sklearn_lilaw import LiLAWClassifier

REFERENCES = ("naive mix", "fixed best")
DEFAULT_META_SIZE = LiLAWClassifier().meta_size


def setting_name(rate, interval, meta_size=DEFAULT_META_SIZE):
    """``lr 0.05, every 4``: the rate, and training batches per step; then
    ``, meta 0.2`` for a meta split other than the default's."""
    name = f"lr {rate if rate == 'auto' else format(rate, 'g')}, every {interval}"
    if meta_size != DEFAULT_META_SIZE:
        name += f", meta {meta_size:g}"
    return name


def parse_rate(text):
    """``'auto'`` (the default rate, spread over the fit's steps) or a number."""
    return text if text == "auto" else float(text)


def varies_meta_size(methods):
    """Whether ``methods`` try a meta split other than the default's."""
    return {options["meta_size"] for options in methods.values()} != {DEFAULT_META_SIZE}


def methods_for(rates, intervals=(1,), meta_sizes=(DEFAULT_META_SIZE,)):
    """{name: options} of the defaults at each rate, interval and meta size."""
    defaults = synthetic.METHODS["auto, refit"]
    return {
        setting_name(rate, interval, meta_size): {
            **defaults,
            "synthetic_weight_lr": rate,
            "synthetic_weight_interval": interval,
            "meta_size": meta_size,
        }
        for meta_size in meta_sizes
        for interval in intervals
        for rate in rates
    }


def _option(command, name, default):
    """The value of ``--name`` in a recorded command line, else the default."""
    words = command.split()
    return int(words[words.index(name) + 1]) if name in words else default


def load_reference(path, args):
    """The references' records of a full ``synthetic.py`` run."""
    data = json.loads(Path(path).read_text())
    command = data["machine"]["command"]
    same = (
        _option(command, "--seeds", 5) == args.seeds
        and _option(command, "--epochs", 60) == args.epochs
        and "--quick" not in command
        and "--tasks" not in command
        and _option(command, "--split-seed", 0) == args.split_seed
    )
    if not same:
        raise SystemExit(
            f"{path} was run as {command!r}, not on every task with "
            f"{args.seeds} splits, {args.epochs} epochs and split seed "
            f"{args.split_seed}; pass "
            "--reference none to fit the references here."
        )
    return [r for r in data["runs"] if r["method"] in REFERENCES]


def render(runs, methods, qualities, args, wall, machine, reference):
    rows, losses = [], []
    for name in methods:
        setting = name.removeprefix("lr ")
        vs = {ref: synthetic.compare(runs, qualities, name, ref) for ref in REFERENCES}
        flipped = [c for c in vs["naive mix"] if c[1] in synthetic.FLIPPED]
        counts = [
            "{win} / {tie} / {loss}".format(**synthetic.counts(c)) if c else "–"
            for c in (vs["naive mix"], flipped, vs["fixed best"])
        ]
        weights = synthetic.mean_weights(runs, name, qualities)
        rows.append([setting, *counts, *weights])
        for reference_name, comparison in vs.items():
            losses += [
                [
                    setting,
                    reference_name,
                    f"{task}, {quality}",
                    f"{mean:+.4f} ± {half:.4f} {metric}",
                ]
                for task, quality, metric, mean, half, verdict in comparison
                if verdict == "loss"
            ]
    header = ["setting", "vs naive mix", "vs naive mix, flipped", "vs fixed best"]
    header += [f"w_s {q}" for q in qualities]
    meta = varies_meta_size(methods)
    lines = [
        "# The learned synthetic weight's learning rate and step interval"
        + (", and its meta split" if meta else ""),
        "",
        f"Command: `{machine['command']}`",
        "",
        "The defaults (`synthetic_weight='auto'`, refit) at each learning "
        "rate and interval (training batches per step of gamma), "
        + (
            "and each meta split size (`meta_size`: `, meta X`; none: "
            f"{DEFAULT_META_SIZE:g}), "
            if meta
            else ""
        )
        + f"{args.seeds} splits per task, {args.epochs} epochs, on the cells of "
        "`synthetic.py`"
        + (
            " (its reported splits)"
            if args.split_seed == 0
            else f" on development splits (split seed {args.split_seed}: other "
            "random partitions of the data, not the reported test folds)"
        )
        + ". References: "
        + (
            f"`{reference}`."
            if reference
            else "the naive mix, fitted in this run (no grid-tuned weight)."
        )
        + f" Wall time {wall / 60:.1f} min. Counts are wins / ties / losses "
        "of paired differences whose 95% t-interval excludes 0; w_s is the "
        "learned weight, averaged over tasks and splits.",
        "",
        markdown_table(header, rows),
        "",
        "## Losses",
        "",
        markdown_table(["setting", "against", "cell", "difference"], losses)
        if losses
        else "None.",
        "",
        "## Machine",
        "",
        machine_section(machine),
    ]
    return "\n".join(lines)


def main(argv=None):
    p = parser(
        __doc__.splitlines()[0],
        "2 splits, 3 epochs, 4 tasks, 3 quality levels, the naive mix fitted here",
    )
    p.add_argument(
        "--rates",
        default="auto,0.02,0.05",
        help="comma-separated synthetic_weight_lr values ('auto' or numbers)",
    )
    p.add_argument(
        "--intervals",
        default="1,4",
        help="comma-separated synthetic_weight_interval values",
    )
    p.add_argument(
        "--meta-sizes",
        default=str(DEFAULT_META_SIZE),
        help="comma-separated meta_size values (shares of the rows)",
    )
    p.add_argument("--seeds", type=int, default=5, help="splits per task")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument(
        "--split-seed",
        type=int,
        default=0,
        help="0: synthetic.py's reported splits; other values: development splits",
    )
    p.add_argument(
        "--reference",
        default=str(RESULTS_DIR / "synthetic.json"),
        help="synthetic.py's JSON with the references, or 'none'",
    )
    args = p.parse_args(argv)
    args.tasks = None
    torch.set_num_threads(2)
    if args.quick:
        args.seeds, args.epochs, args.reference = 2, 3, "none"
    rates = [parse_rate(r) for r in args.rates.split(",")]
    intervals = [int(k) for k in args.intervals.split(",")]
    meta_sizes = [float(m) for m in args.meta_sizes.split(",")]
    reference = None if args.reference == "none" else args.reference
    start = time.perf_counter()
    settings = methods_for(rates, intervals, meta_sizes)
    methods, runs = settings, []
    if reference is None:
        methods = {"naive mix": synthetic.METHODS["naive mix"], **settings}
    else:
        runs = load_reference(reference, args)
    new, qualities = synthetic.run(args, methods)
    runs += new
    wall = time.perf_counter() - start
    machine = machine_info()
    md = render(runs, settings, qualities, args, wall, machine, reference)
    data = {"machine": machine, "wall_seconds": wall, "runs": new}
    stem = "synthetic_weight_lr"
    stem += "_meta" if varies_meta_size(settings) else ""
    stem += "_dev" if args.split_seed else ""
    write_results(args.output_dir, stem, md, data, quick=args.quick)
    print(md.split("## Machine")[0])


if __name__ == "__main__":
    main()
