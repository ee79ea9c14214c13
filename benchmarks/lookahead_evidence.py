"""How much evidence the learned synthetic weight's look-ahead gradient carries.

For rows as good as real ones, the learned weight ends below 1 (0.65 on
average for real rows marked synthetic, ``synthetic.py``), and the refit's
model loses a little to the naive mix in two cells. This script asks why,
and whether a test of the evidence before the refit (refit with the learned
``w_s`` only where the look-ahead shows the synthetic rows do harm, else with
``w_s = 1``, i.e. the naive mix) would help. It runs the first fit of the
defaults (``synthetic_weight='auto'``, no refit) on every cell of
``synthetic.py`` and records gamma's look-ahead gradient ``g`` at each step:

- ``T = sum(g) / sqrt(sum(g^2))``: the evidence counted as if the steps'
  gradients were independent (about N(0, 1) if they were, and the rows
  exchangeable). ``g > 0`` pushes ``w_s`` down.
- A permutation test: the same statistic for 39 *placebo* partitions of the
  training rows, fixed for the whole fit like the real/synthetic one, of
  the same synthetic share (a row's placebo labels are a hash of its
  features), contrasted within the same strata from the same alignments.
  Were the synthetic rows exchangeable with the real ones, their ``T``
  would be one more draw of the placebos'; ``p`` is its rank among them.

The gated methods are simulated from the development run of the defaults in
``results/synthetic_weight_lr_dev.json`` (refit with the learned weight,
``'lr auto, every 4'``) and the naive mix of the same run: a gate that
keeps the learned weight has that run's score, one that does not has the
naive mix's. That takes a refit with ``w_s = 1`` for the naive mix's fit,
which it is today (the same initial weights, row order and rows). The
development run's refits were fitted before the refit trained on the naive
mix's rows (with a synthesizer, its synthetic rows were then made from the
real rows outside the meta split), so the simulated gates keep that run's
scores where they keep the learned weight. The learned weights are checked
against that run's.

It replaces private pieces of the package for the duration of the run (a
monkeypatch), like ``lookahead_ablations.py``: it answers a question, it
does not offer the gates as options. Development splits only (split seed
1), so that a gate is judged without the reported test folds.

Run::

    python benchmarks/lookahead_evidence.py            # ~10 min on 2 cores
    python benchmarks/lookahead_evidence.py --quick    # smoke test

Writes ``lookahead_evidence.md`` and ``.json`` under ``--output-dir``.
"""

import contextlib
import json
import time

import numpy as np
import synthetic
import torch
from _common import (
    DEV_METHOD,
    DEV_RUN,
    DEV_SPLIT_SEED,
    development_args,
    machine_info,
    markdown_table,
    paired_interval,
    verdict,
    weight_mismatches,
    write_report,
)

from sklearn_lilaw._engine import _lookahead, _mixin

N_PLACEBOS = 39
_PRIME = 2**31 - 1


def placebo_gradients(alignment, placebo, gamma, strata=None):
    """``synthetic_weight_gradient`` for every column of ``placebo`` at once.

    ``placebo`` (n, P) bool: True for the rows a placebo calls synthetic.
    """
    share = placebo.to(alignment.dtype)
    real = 1 - share
    if strata is None:
        groups = torch.ones(1, len(alignment), dtype=alignment.dtype)
    else:
        _, ids = torch.unique(
            strata, dim=0 if strata.ndim == 2 else None, return_inverse=True
        )
        groups = torch.nn.functional.one_hot(ids).to(alignment.dtype).T
    a = alignment.unsqueeze(1)
    n_synthetic, n_real = groups @ share, groups @ real
    sum_synthetic, sum_real = groups @ (share * a), groups @ (real * a)
    gap = ((n_real * sum_synthetic).sum(0) - (n_synthetic * sum_real).sum(0)) / (
        (n_synthetic * n_real).sum(0).clamp(min=1)
    )
    f = share.mean(0)
    s = torch.sigmoid(gamma.to(alignment.dtype))
    m = 1 - f + f * 2 * s
    return -2 * s * (1 - s) * f * (1 - f) / m**2 * gap


class Recorder:
    """Patches the learner to record gamma's gradients and the placebos'."""

    def __init__(self, n_placebos=N_PLACEBOS):
        rng = np.random.RandomState(0)
        self.a = torch.as_tensor(rng.randint(1, _PRIME, n_placebos), dtype=torch.int64)
        self.b = torch.as_tensor(rng.randint(0, _PRIME, n_placebos), dtype=torch.int64)
        # One record per fit, begun when the fit makes its learner.
        self.fits = []
        self._uniform = self._step_uniform = None

    def _row_uniforms(self, X):
        # A fixed uniform per row and placebo: a hash of the row's bytes.
        rows = X.reshape(len(X), -1).contiguous()
        key = rows.view(torch.int32).to(torch.int64).sum(1) % _PRIME
        return ((key.unsqueeze(1) * self.a + self.b) % _PRIME).double() / _PRIME

    @contextlib.contextmanager
    def patched(self):
        recorder = self
        mixin = _mixin.LiLAWMixin
        learner = _lookahead.SyntheticWeightLearner
        saved = (
            mixin._training_loss,
            learner.__init__,
            learner.watch,
            learner.step,
            _lookahead.synthetic_weight_gradient,
        )
        training_loss, init, watch, step, gradient = saved

        def patched_init(self, *args, **kwargs):
            init(self, *args, **kwargs)
            recorder.fits.append({"gradients": [], "placebos": [], "share": None})

        def patched_training_loss(self, y_pred, y_true, X):
            if isinstance(X, dict):
                recorder._uniform = recorder._row_uniforms(X["X"])
            return training_loss(self, y_pred, y_true, X)

        def patched_watch(self, y_pred, origin, factors, strata=None):
            watch(self, y_pred, origin, factors, strata)
            if origin is not None:
                self._batches[-1]["uniform"] = recorder._uniform

        def patched_step(self, y_pred_meta, y_meta):
            batches = [b for b in self._batches if "e" in b]
            if self.due() and batches:
                recorder._step_uniform = torch.cat([b["uniform"] for b in batches])
                fit = recorder.fits[-1]
                if fit["share"] is None:  # fixed for the fit, from its first step
                    origin = torch.cat([b["origin"] for b in batches])
                    fit["share"] = float(origin.float().mean())
            step(self, y_pred_meta, y_meta)

        def patched_gradient(alignment, is_synthetic, gamma, strata=None):
            grad = gradient(alignment, is_synthetic, gamma, strata)
            fit = recorder.fits[-1]
            placebo = recorder._step_uniform < fit["share"]
            fit["gradients"].append(float(grad.detach()))
            fit["placebos"].append(
                placebo_gradients(alignment, placebo, gamma, strata).tolist()
            )
            return grad

        mixin._training_loss = patched_training_loss
        learner.__init__ = patched_init
        learner.watch, learner.step = patched_watch, patched_step
        _lookahead.synthetic_weight_gradient = patched_gradient
        try:
            yield
        finally:
            (
                mixin._training_loss,
                learner.__init__,
                learner.watch,
                learner.step,
                _lookahead.synthetic_weight_gradient,
            ) = saved

    @staticmethod
    def statistics(fit):
        """(T, the placebos' T, p) of a recorded fit."""
        g, placebo = np.asarray(fit["gradients"]), np.asarray(fit["placebos"])
        if not len(g):
            return float("nan"), [], float("nan")
        t = g.sum() / max(np.sqrt((g**2).sum()), 1e-30)
        tp = placebo.sum(0) / np.sqrt((placebo**2).sum(0)).clip(1e-30)
        return float(t), tp.tolist(), float((1 + (tp >= t).sum()) / (len(tp) + 1))


def check_placebo_gradients():
    """The vectorised placebos equal the package's gradient, column by column."""
    gen = torch.Generator().manual_seed(0)
    alignment = torch.randn(50, generator=gen, dtype=torch.float64)
    placebo = torch.rand(50, 5, generator=gen) < 0.6
    strata = torch.randint(0, 3, (50,), generator=gen)
    gamma = torch.tensor(-0.7)
    for s in (None, strata):
        fast = placebo_gradients(alignment, placebo, gamma, s)
        slow = [
            _lookahead.synthetic_weight_gradient(alignment, placebo[:, k], gamma, s)
            for k in range(placebo.shape[1])
        ]
        torch.testing.assert_close(fast, torch.stack(slow))


def run(args):
    """``synthetic.py``'s cells with the defaults' first fits, each record
    with its fit's T, placebos' T and p; and the quality levels run."""
    recorder = Recorder()
    with recorder.patched():
        runs, qualities = synthetic.run(args, {"auto": synthetic.AUTO})
    assert len(runs) == len(recorder.fits)  # one learner per fit, no refit
    for record, fit in zip(runs, recorder.fits):
        t, t_placebo, p = recorder.statistics(fit)
        steps = len(fit["gradients"])
        record.update(steps=steps, T=t, T_placebo=t_placebo, p=p)
    return runs, qualities


def evidence_table(records, qualities):
    rows = []
    for quality in qualities:
        picked = [r for r in records if r["quality"] == quality]
        rows.append(
            [
                quality,
                np.mean([r["synthetic_weight"] for r in picked]),
                np.mean([r["T"] for r in picked]),
                np.mean([np.std(r["T_placebo"]) for r in picked]),
                np.mean([r["T"] > 1.96 for r in picked]),
                np.mean([r["p"] <= 0.05 for r in picked]),
            ]
        )
    return markdown_table(
        [
            "synthetic rows",
            "w_s",
            "mean T",
            "placebos' sd of T",
            "share T > 1.96",
            "share p <= 0.05",
        ],
        rows,
    )


GATES = {  # name: keep the learned weight for this fit?
    "no gate (the defaults)": lambda r: True,
    "T > 1.96": lambda r: r["T"] > 1.96,
    "permutation p <= 0.10": lambda r: r["p"] <= 0.10,
    "permutation p <= 0.05": lambda r: r["p"] <= 0.05,
}


def gate_table(records, dev_runs):
    """W/T/L of each simulated gate against the naive mix, on the dev run."""
    scores = {(r["task"], r["quality"], r["method"], r["split"]): r for r in dev_runs}
    rows = []
    for gate_name, keep in GATES.items():
        counts = {"all": [0, 0, 0], "flipped": [0, 0, 0]}
        weights = {q: [] for q in synthetic.QUALITIES}
        for task in dict.fromkeys(r["task"] for r in records):
            kind = next(r["kind"] for r in records if r["task"] == task)
            metric = synthetic.METRICS[kind][0]
            for quality in synthetic.QUALITIES:
                diffs = []
                for r in records:
                    if r["task"] != task or r["quality"] != quality:
                        continue
                    cell = (task, quality)
                    naive = scores[(*cell, "naive mix", r["split"])][metric]
                    learned = scores[(*cell, DEV_METHOD, r["split"])][metric]
                    kept = keep(r)
                    diffs.append((learned if kept else naive) - naive)
                    weights[quality].append(r["synthetic_weight"] if kept else 1.0)
                v = ("win", "tie", "loss").index(verdict(*paired_interval(diffs)))
                counts["all"][v] += 1
                if quality in synthetic.FLIPPED:
                    counts["flipped"][v] += 1
        rows.append(
            [
                gate_name,
                " / ".join(map(str, counts["all"])),
                " / ".join(map(str, counts["flipped"])),
                *[np.mean(w) for w in weights.values()],
            ]
        )
    header = ["gate", "vs naive mix", "flipped"]
    header += [f"w_s {q}" for q in synthetic.QUALITIES]
    return markdown_table(header, rows), weight_mismatches(records, dev_runs)


def main(argv=None):
    args = development_args(__doc__, argv)
    check_placebo_gradients()
    start = time.perf_counter()
    records, qualities = run(args)
    wall = time.perf_counter() - start
    machine = machine_info()
    sections = [
        "# The look-ahead's evidence about synthetic rows",
        f"Command: `{machine['command']}`",
        f"First fits of the defaults (`synthetic_weight='auto'`, no refit), "
        f"every cell of `synthetic.py` on development splits (split seed "
        f"{DEV_SPLIT_SEED}), {args.seeds} splits, {args.epochs} epochs; "
        f"{N_PLACEBOS} placebo partitions per fit. T: gamma's look-ahead "
        "gradients summed over the fit's steps, over the root of their summed "
        "squares (N(0, 1) if steps were independent and the rows "
        "exchangeable; > 0 pushes w_s down). Placebos: fixed random "
        "partitions of the training rows at the synthetic share. p: the "
        f"rank of T among the placebos'. Wall time {wall / 60:.1f} min.",
        evidence_table(records, qualities),
    ]
    if not args.quick:
        dev_runs = json.loads(DEV_RUN.read_text())["runs"]
        table, mismatches = gate_table(records, dev_runs)
        sections += [
            "## Gates before the refit, simulated",
            "Wins / ties / losses against the naive mix (paired 95% "
            "intervals, 5 splits) of the refit's model when the gate keeps "
            "the learned weight, else the naive mix's, from "
            f"`{DEV_RUN.name}` (`{DEV_METHOD}`). Learned weights that differ "
            f"from that run's: {mismatches} of {len(records)}.",
            table,
        ]
    write_report(args, "lookahead_evidence", sections, machine, wall, records)


if __name__ == "__main__":
    main()
