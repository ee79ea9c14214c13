"""Smoke tests of the benchmarks' ``--quick`` modes.

Each test runs a script in a subprocess, as CI would, writing to a temporary
directory, and checks that the result files name every configuration and
hold finite, positive numbers. The numbers themselves are not checked: in
quick mode the sizes are too small for them to mean anything.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "overhead.py"
CONFIGS = {
    "hand_loop": "hand loop (torch)",
    "hand_loop_fused": "hand loop, fused Adam",
    "skorch": "skorch NeuralNetClassifier",
    "lilaw": "LiLAW on",
    "lilaw_off": "LiLAW off (lilaw=False)",
    "lilaw_detach": "LiLAW on, detach_weights=True",
}


def _run_quick(script, output_dir):
    """Run ``benchmarks/<script> --quick`` in a subprocess, as CI would."""
    run = subprocess.run(
        [
            sys.executable,
            str(SCRIPT.parent / script),
            "--quick",
            "--output-dir",
            str(output_dir),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]


def test_overhead_quick(tmp_path):
    _run_quick("overhead.py", tmp_path)

    md = (tmp_path / "overhead_quick.md").read_text()
    raw = json.loads((tmp_path / "overhead_quick.json").read_text())
    assert not (tmp_path / "overhead.md").exists()  # quick never overwrites

    assert raw["configs"] == CONFIGS
    for label in CONFIGS.values():
        assert f"| {label} |" in md
    for ratio in ("LiLAW on / skorch", "LiLAW on / hand loop", "LiLAW off / hand loop"):
        assert ratio in md
    assert "LiLAW on / hand loop with fused Adam" in md
    assert md.count("PASS") + md.count("FAIL") >= 4  # 3 ratios + memory

    settings = raw["settings"]
    assert settings["quick"] is True
    for name in CONFIGS:
        timed = [r for r in raw["fit_runs"] if r["config"] == name and r["timed"]]
        assert len(timed) == settings["repeats"]
        assert all(r["fit_s"] > 0 and len(r["epoch_s"]) == 2 for r in timed)
        assert raw["summary"]["fit"][name]["median_s"] > 0

    profile = raw["summary"]["profile"]
    assert profile["lilaw"]["model_us"] > 0
    assert profile["lilaw"]["meta_us"] > 0
    assert profile["lilaw_off"]["meta_us"] == 0
    assert raw["profile_runs"]

    assert {m["config"] for m in raw["memory_runs"]} == {"skorch", "lilaw"}
    assert all(m["peak_mib"] > 0 for m in raw["memory_runs"])

    sizes = {r["n_rows"] for r in raw["scaling_runs"]}
    assert sizes == set(settings["scaling_sizes"])
    assert all(r["epoch_s"][-1] > 0 for r in raw["scaling_runs"])


def test_ecg5000_quick(tmp_path):
    _run_quick("ecg5000.py", tmp_path)
    md = (tmp_path / "ecg5000_quick.md").read_text()
    runs = json.loads((tmp_path / "ecg5000_quick.json").read_text())["runs"]
    assert (tmp_path / "ecg5000_quick.png").stat().st_size > 10_000
    assert not (tmp_path / "ecg5000.md").exists()
    assert len(runs) == 2 * 2 * 3  # seeds x data sets x methods
    for dataset in ("ECG5000", "ECG5000-A"):
        for method in ("plain", "lilaw", "lilaw-detached"):
            assert f"| {dataset} | {method} |" in md
    for run_ in runs:
        assert 0.0 <= run_["accuracy"] <= 1.0 and 0.0 <= run_["auroc_macro"] <= 1.0
        n_train = 500 if run_["dataset"] == "ECG5000" else 750
        if run_["method"] == "plain":
            assert run_["n_meta"] == 0 and run_["n_train"] == n_train
        else:
            assert run_["n_meta"] == -(-n_train * 5 // 100)  # 5%, rounded up
            assert run_["n_train"] == n_train - run_["n_meta"]


def test_synthetic_quick(tmp_path):
    _run_quick("synthetic.py", tmp_path)
    md = (tmp_path / "synthetic_quick.md").read_text()
    runs = json.loads((tmp_path / "synthetic_quick.json").read_text())["runs"]
    assert (tmp_path / "synthetic_quick.png").stat().st_size > 10_000
    tasks = {
        "breast_cancer",
        "wine",
        "digits",
        "digits_multilabel",
        "diabetes",
        "ecg5000",
    }
    assert {r["task"] for r in runs} == tasks
    for task in tasks:
        assert f"| {task} | clean |" in md and f"| {task} | 40% noise |" in md
    methods = {r["method"] for r in runs if r["task"] == "digits"}
    assert methods == {
        "real only",
        "naive mix",
        "fixed 0.5",
        "fixed best",
        "focal",
        "LiLAW",
        "LiLAW any",
    }
    assert "focal" not in {r["method"] for r in runs if r["task"] == "diabetes"}
    for record in runs:
        assert record["fit_seconds"] > 0
        main = {"regression": "R2", "multilabel": "macro-F1"}.get(
            record["kind"], "accuracy"
        )
        assert np.isfinite(record[main])
