"""Which synthetic rows should the refit train on?

With a ``synthesizer``, a fit that learns ``w_s`` holds the meta split out
before the synthesizer runs, so that no meta row feeds the synthetic rows
the weight is learned from. The refit (``refit='auto'``) then trains on the
rows of that fit, the meta split put back: its synthetic rows were made
from the real rows outside the meta split only, so they are not the naive
mix's rows (most generators make rows in proportion to the rows they are
given, and from other neighbours). A refit with ``w_s = 1`` is therefore
not the naive mix's fit, and the learned weight's model and the naive
mix's differ by more than the rows' weights.

This script asks whether the refit should instead train on the naive mix's
rows: the synthesizer run again on every real row (meta rows included; the
meta split's job is done once ``w_s`` is learned), with the same seed, so
that a refit with ``w_s = 1`` is the naive mix's fit exactly. It runs the
defaults with the refit's rows replaced so (a monkeypatch, like
``lookahead_ablations.py``: it answers a question, it does not offer an
option) on every cell of ``synthetic.py`` on development splits (split
seed 1), and compares them with the naive mix and with the defaults of the
development run in ``results/synthetic_weight_lr_dev.json``
(``'lr auto, every 4'``), which are not fitted again. The learned weights
do not depend on the refit's rows and are checked against that run's.

Run::

    python benchmarks/refit_rows.py            # ~8 min on 2 cores
    python benchmarks/refit_rows.py --quick    # smoke test (fits all three)

Writes ``refit_rows.md`` and ``.json`` under ``--output-dir``.
"""

import contextlib
import json
import time

import synthetic
from _common import (
    DEV_METHOD,
    DEV_RUN,
    DEV_SPLIT_SEED,
    development_args,
    machine_info,
    markdown_table,
    weight_mismatches,
    write_report,
)

from sklearn_lilaw._engine import _fit_data, _fitting

NAIVE_ROWS = "refit on the naive mix's rows"


@contextlib.contextmanager
def refit_on_the_naive_mix_rows():
    """The refit's synthetic rows are made from every real row."""
    prepare = _fitting.prepare_fit_data
    without_meta_split = _fit_data.FitData.without_meta_split

    def patched_prepare(*args, **kwargs):
        data = prepare(*args, **kwargs)
        if len(data.meta_indices) and kwargs.get("synthesize") is not None:
            rows = prepare(*args, **{**kwargs, "hold_out_meta": False})
            object.__setattr__(data, "naive_rows", rows)  # FitData is frozen
        return data

    def patched_without_meta_split(data):
        return getattr(data, "naive_rows", None) or without_meta_split(data)

    _fitting.prepare_fit_data = patched_prepare
    _fit_data.FitData.without_meta_split = patched_without_meta_split
    try:
        yield
    finally:
        _fitting.prepare_fit_data = prepare
        _fit_data.FitData.without_meta_split = without_meta_split


def run(args):
    """Records of the patched defaults, the defaults and the naive mix."""
    defaults = synthetic.METHODS["auto, refit"]
    with refit_on_the_naive_mix_rows():
        runs, qualities = synthetic.run(args, {NAIVE_ROWS: defaults})
    if args.quick:  # the development run has other splits and epochs
        references, _ = synthetic.run(
            args, {"naive mix": synthetic.PLAIN, "defaults": defaults}
        )
    else:
        references = [
            {**r, "method": "defaults" if r["method"] == DEV_METHOD else r["method"]}
            for r in json.loads(DEV_RUN.read_text())["runs"]
            if r["method"] in ("naive mix", DEV_METHOD)
        ]
    return runs, references, qualities


def tables(runs, references, qualities):
    records = runs + references
    comparisons = {
        m: synthetic.compare(records, qualities, m, "naive mix")
        for m in ("defaults", NAIVE_ROWS)
    }
    summary = []
    for method, comparison in comparisons.items():
        counts = synthetic.counts(comparison)
        flipped = synthetic.counts(comparison, synthetic.FLIPPED)
        summary.append(
            [
                method,
                "{win} / {tie} / {loss}".format(**counts),
                "{win} / {tie} / {loss}".format(**flipped),
                *synthetic.mean_weights(records, method, qualities),
            ]
        )
    header = ["refit", "vs naive mix", "vs naive mix, flipped"]
    header += [f"w_s {q}" for q in qualities]
    changed = [
        [
            f"{a[0]}, {a[1]}",
            f"{a[3]:+.4f} ± {a[4]:.4f} {a[5]}",
            f"{b[3]:+.4f} ± {b[4]:.4f} {b[5]}",
            a[2],
        ]
        for a, b in zip(comparisons["defaults"], comparisons[NAIVE_ROWS])
        if a[5] != b[5]
    ]
    verdicts = markdown_table(
        ["cell", "defaults vs naive mix", f"{NAIVE_ROWS} vs naive mix", "metric"],
        changed,
    )
    return markdown_table(header, summary), verdicts if changed else "None."


def main(argv=None):
    args = development_args(__doc__, argv)
    start = time.perf_counter()
    runs, references, qualities = run(args)
    wall = time.perf_counter() - start
    summary, verdicts = tables(runs, references, qualities)
    machine = machine_info()
    sections = [
        "# Which synthetic rows the refit trains on",
        f"Command: `{machine['command']}`",
        "The defaults (`synthetic_weight='auto'`, refit) on every cell of "
        f"`synthetic.py` on development splits (split seed {DEV_SPLIT_SEED}), "
        f"{args.seeds} splits, {args.epochs} epochs. `defaults`: the refit "
        "trains on the fit's rows, whose synthetic rows were made from the "
        f"real rows outside the meta split. `{NAIVE_ROWS}`: the synthesizer "
        "is run again on every real row, with the same seed, for the refit. "
        "Counts are wins / ties / losses of paired differences whose 95% "
        "t-interval excludes 0; w_s is the learned weight, averaged over "
        "tasks and splits. "
        + (
            "The naive mix and the defaults were fitted here."
            if args.quick
            else f"The naive mix and the defaults are `{DEV_METHOD}` of "
            f"`{DEV_RUN.name}`; learned weights that differ from that run's: "
            f"{weight_mismatches(runs, references, 'defaults')} of {len(runs)}."
        )
        + f" Wall time {wall / 60:.1f} min.",
        summary,
        "## Cells whose verdict differs",
        verdicts,
    ]
    write_report(args, "refit_rows", sections, machine, wall, runs)


if __name__ == "__main__":
    main()
