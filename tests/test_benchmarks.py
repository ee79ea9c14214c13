"""Smoke tests of the benchmark scripts' ``--quick`` modes.

Each script runs in a subprocess, as a user would run it, writing to a
temporary directory. The checks are structural: the result files exist, the
quick run does not overwrite the committed results, every configuration the
script reports in its JSON appears in its markdown, and every number is
finite. The numbers themselves are not checked: at quick sizes they mean
nothing.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run_quick(script, output_dir, *options, stem=None):
    # One torch thread: the quick runs are tiny, and on a busy machine the
    # thread pool's waits made them ten times slower than alone.
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick", *options]
        + ["--output-dir", str(output_dir)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    stem = stem or script.removesuffix(".py")
    assert not (output_dir / f"{stem}.md").exists()  # quick never overwrites
    markdown = (output_dir / f"{stem}_quick.md").read_text()
    data = json.loads((output_dir / f"{stem}_quick.json").read_text())
    return markdown, data


def _numbers(value):
    """Every number inside a JSON value."""
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


def test_overhead_quick(tmp_path):
    markdown, data = _run_quick("overhead.py", tmp_path)
    assert all(math.isfinite(v) for v in _numbers(data))
    for name, label in data["configs"].items():
        assert f"| {label} |" in markdown
        assert len(data["times_s"][name]) == data["settings"]["rounds"]
        assert all(t > 0 for t in data["times_s"][name])
    for label, *_ in data["ratios"]:
        assert f"| {label} |" in markdown
    assert data["memory_mib"] and data["scaling_s_per_row"]


@pytest.mark.parametrize(
    "script",
    [
        "ecg5000.py",
        "extensions.py",
        "synthetic.py",
        "lookahead_ablations.py",
        "good_rows.py",
    ],
)
def test_accuracy_benchmark_quick(tmp_path, script):
    markdown, data = _run_quick(script, tmp_path)
    runs = data["runs"]
    assert runs
    for run in runs:  # the run's scores (its curves may hold NaN: no such rows)
        scores = [v for v in run.values() if isinstance(v, (int, float))]
        assert all(math.isfinite(v) for v in _numbers(scores))
    for key in ("dataset", "task"):
        for name in {run[key] for run in runs if key in run}:
            assert name in markdown


def test_learning_rate_benchmark_reports_every_setting(tmp_path):
    markdown, data = _run_quick("synthetic_weight_lr.py", tmp_path)
    assert all(math.isfinite(v) for v in _numbers(data["runs"]))
    rates = ("auto", "0.02", "0.05")
    settings = [f"{rate}, every {k}" for k in (1, 4) for rate in rates]
    methods = {run["method"] for run in data["runs"]}
    assert methods == {"naive mix", *(f"lr {s}" for s in settings)}
    for setting in settings:
        assert f"| {setting} |" in markdown


def test_meta_size_benchmark_quick(tmp_path):
    options = ("--rates", "auto", "--intervals", "4", "--meta-sizes", "0.05,0.2")
    markdown, data = _run_quick(
        "synthetic_weight_lr.py", tmp_path, *options, stem="synthetic_weight_lr_meta"
    )
    methods = {run["method"] for run in data["runs"]}
    assert methods == {"naive mix", "lr auto, every 4", "lr auto, every 4, meta 0.2"}
    assert "| auto, every 4, meta 0.2 |" in markdown
    assert "and its meta split" in markdown


def test_evidence_benchmark_quick(tmp_path):
    # The script checks its vectorised placebo gradients against the
    # package's gradient before it runs.
    markdown, data = _run_quick("lookahead_evidence.py", tmp_path)
    runs = data["runs"]
    assert {run["task"] for run in runs} == {"breast_cancer", "pain_analog"}
    for run in runs:
        assert run["steps"] > 0
        assert len(run["T_placebo"]) == 39
        assert 0 < run["p"] <= 1
        assert all(math.isfinite(v) for v in _numbers(run))
    for quality in {run["quality"] for run in runs}:
        assert f"| {quality} |" in markdown
