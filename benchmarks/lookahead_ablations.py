"""Ablations of the learned synthetic weight: what each design choice is for.

The learned weight (``synthetic_weight='auto'``, here without the refit)
against the naive mix, on the digits cells of ``synthetic.py`` (clean
synthetic rows, 40% wrong labels, and real rows of a held-out pool marked
synthetic; same splits and seeds), with one choice undone at a time:

- ``defaults``: as shipped (a step of gamma every 4 training batches, at
  the rate ``'auto'``);
- ``rate 0.02 per step``: gamma's Adam rate fixed at 0.02 per step (the
  per-step rate before ``'auto'``) instead of ``'auto'`` (a fixed travel
  over the fit);
- ``raw factors``: synthetic rows' factor ``w_s`` not normalised by the
  batch mean and not capped at 1 (the look-ahead gradient for raw factors:
  ``-w_s'`` times the mean alignment of the synthetic rows);
- ``SGD``: plain SGD on gamma instead of Adam, at the same rate and at 2.0;
- ``no held-out split``: the meta rows are trained on too.

Each ablation replaces a private piece of the package for the duration of
the run (a monkeypatch), so this script tracks the package's internals; it
answers "what if", it does not offer the variants as options.

Run::

    python benchmarks/lookahead_ablations.py            # ~1.5 min on 2 cores
    python benchmarks/lookahead_ablations.py --quick    # smoke test

Writes ``lookahead_ablations.md`` and ``.json`` under ``--output-dir``.
"""

import contextlib
import time

import numpy as np
import synthetic
import torch
from _common import (
    machine_info,
    machine_section,
    markdown_table,
    parser,
    write_results,
)

from sklearn_lilaw._engine import _fit_data, _lookahead

QUALITIES = ("clean", "40% noise", "true dist")


@contextlib.contextmanager
def raw_factors():
    def factors(is_synthetic, gamma):
        with torch.no_grad():
            weight = 2.0 * torch.sigmoid(gamma)
            return torch.where(is_synthetic, weight, torch.ones_like(weight))

    def gradient(alignment, is_synthetic, gamma, strata=None):
        s = torch.sigmoid(gamma.to(alignment.dtype))
        synthetic_sum = is_synthetic.to(alignment.dtype) @ alignment
        return -2 * s * (1 - s) * synthetic_sum / len(alignment)

    def uncapped_step(self, y_pred_meta, y_meta):
        clamp = torch.Tensor.clamp_
        torch.Tensor.clamp_ = lambda tensor, **kwargs: tensor  # the cap
        try:
            step(self, y_pred_meta, y_meta)
        finally:
            torch.Tensor.clamp_ = clamp

    step = _lookahead.SyntheticWeightLearner.step
    saved = (_lookahead.synthetic_factors, _lookahead.synthetic_weight_gradient)
    _lookahead.synthetic_factors = factors
    _lookahead.synthetic_weight_gradient = gradient
    _lookahead.SyntheticWeightLearner.step = uncapped_step
    try:
        yield
    finally:
        _lookahead.synthetic_factors, _lookahead.synthetic_weight_gradient = saved
        _lookahead.SyntheticWeightLearner.step = step


@contextlib.contextmanager
def plain_sgd():
    adam = torch.optim.Adam
    torch.optim.Adam = lambda params, lr: torch.optim.SGD(params, lr=lr)
    try:
        yield  # only gamma's optimizer is built from torch.optim.Adam by name
    finally:
        torch.optim.Adam = adam


@contextlib.contextmanager
def no_held_out_split():
    train_indices = _fit_data.FitData.train_indices
    _fit_data.FitData.train_indices = property(lambda data: np.arange(len(data.X)))
    try:
        yield
    finally:
        _fit_data.FitData.train_indices = train_indices


AUTO = {**synthetic.AUTO}  # no refit: what is learned, not the refit's model
ABLATIONS = {  # name: (estimator options, context)
    "defaults": (AUTO, contextlib.nullcontext),
    "rate 0.02 per step": (
        {**AUTO, "synthetic_weight_lr": 0.02},
        contextlib.nullcontext,
    ),
    "raw factors, no cap": (AUTO, raw_factors),
    "SGD, the default rate": (AUTO, plain_sgd),
    "SGD, rate 2.0": ({**AUTO, "synthetic_weight_lr": 2.0}, plain_sgd),
    "no held-out split": (AUTO, no_held_out_split),
}


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "2 splits, 3 epochs: a smoke test")
    args = p.parse_args(argv)
    args.tasks, args.seeds, args.epochs, args.split_seed = "digits", 5, 60, 0
    if args.quick:
        args.seeds, args.epochs = 2, 3
    torch.set_num_threads(2)
    synthetic.QUALITIES = {q: synthetic.QUALITIES[q] for q in QUALITIES}
    start = time.perf_counter()
    runs, qualities = synthetic.run(args, {"naive mix": synthetic.PLAIN})
    for name, (options, context) in ABLATIONS.items():
        with context():
            new, _ = synthetic.run(args, {name: options})
        runs += new
    wall = time.perf_counter() - start
    rows = []
    for name in ABLATIONS:
        weights = synthetic.mean_weights(runs, name, qualities)
        diffs = synthetic.compare(runs, qualities, name, "naive mix")
        cells = [
            f"{w:.3f}, {d[3]:+.4f} ± {d[4]:.4f} {d[5]}" for w, d in zip(weights, diffs)
        ]
        rows.append([name, *cells])
    machine = machine_info()
    md = "\n".join(
        [
            "# Ablations of the learned synthetic weight",
            "",
            f"Command: `{machine['command']}`",
            "",
            f"digits, {args.seeds} splits, {args.epochs} epochs, no refit. Each "
            "cell: the learned weight of a synthetic row (mean over splits), "
            "then the accuracy difference from the naive mix (paired 95% "
            f"t-interval, win / tie / loss). Wall time {wall / 60:.1f} min.",
            "",
            markdown_table(["variant", *qualities], rows),
            "",
            "## Machine",
            "",
            machine_section(machine),
        ]
    )
    data = {"machine": machine, "wall_seconds": wall, "runs": runs}
    write_results(args.output_dir, "lookahead_ablations", md, data, quick=args.quick)
    print(md.split("## Machine")[0])


if __name__ == "__main__":
    main()
