"""Smoke test of the overhead benchmark: ``benchmarks/overhead.py --quick``.

It runs the script in a subprocess, as CI would, writing to a temporary
directory, and checks that both result files name every configuration and
hold positive timings. The numbers themselves are not checked: in quick mode
the sizes are too small for the targets to mean anything.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "overhead.py"
CONFIGS = {
    "hand_loop": "hand loop (torch)",
    "skorch": "skorch NeuralNetClassifier",
    "lilaw": "LiLAW on",
    "lilaw_off": "LiLAW off (lilaw=False)",
    "lilaw_detach": "LiLAW on, detach_weights=True",
}


@pytest.mark.skipif(not SCRIPT.exists(), reason="benchmarks/ is not in this tree")
def test_overhead_quick(tmp_path):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]

    md = (tmp_path / "overhead_quick.md").read_text()
    raw = json.loads((tmp_path / "overhead_quick.json").read_text())
    assert not (tmp_path / "overhead.md").exists()  # quick never overwrites

    assert raw["configs"] == CONFIGS
    for label in CONFIGS.values():
        assert f"| {label} |" in md
    for ratio in ("LiLAW on / skorch", "LiLAW on / hand loop", "LiLAW off / hand loop"):
        assert ratio in md
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
