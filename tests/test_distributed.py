"""Data-parallel training through Accelerate, for real: two CPU processes (gloo)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

SCRIPT = Path(__file__).parent / "scripts" / "distributed_fit.py"


@pytest.fixture(scope="module", params=["lilaw", "defaults"])
def ranks(request, tmp_path_factory):
    """Run the script on two processes with torchrun; load what each saved."""
    out = tmp_path_factory.mktemp("ranks")
    # Its own process group, so that a rank left waiting in a collective
    # (when the other failed) is killed with torchrun on a timeout.
    run = subprocess.Popen(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2"]
        + ["--standalone", str(SCRIPT), str(out), request.param],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = run.communicate(timeout=300)
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)  # whatever is left of the group
        except ProcessLookupError:
            pass
        run.wait()
    assert run.returncode == 0, stderr[-3000:]
    return request.param, [np.load(out / f"rank{r}.npz") for r in (0, 1)]


def test_both_ranks_hold_the_same_learned_state_and_predictions(ranks):
    config, (first, second) = ranks
    assert int(first["world"]) == 2
    np.testing.assert_array_equal(first["scalars"], second["scalars"])
    np.testing.assert_array_equal(first["gamma"], second["gamma"])
    assert first["gamma"] != 0.0  # the synthetic weight was learned
    if config == "lilaw":
        assert first["scalars"][0] < 10.0  # the meta steps ran
    np.testing.assert_array_equal(first["proba"], second["proba"])


def test_each_rank_trains_on_its_shard_of_the_rows(ranks):
    config, (first, second) = ranks
    # Batches of 64 split between the ranks: 380 training rows (6 batches, 3
    # each), or the refit's 400 rows (7 batches, padded to 4 each).
    expected = 3 if config == "lilaw" else 4
    assert int(first["n_batches"]) == int(second["n_batches"]) == expected


def test_predictions_are_close_to_a_single_process_fit(ranks):
    sys.path.insert(0, str(SCRIPT.parent))
    from distributed_fit import CONFIGS, PARAMS, data

    from sklearn_lilaw import LiLAWClassifier

    torch.set_num_threads(1)
    X, y, is_synthetic = data()
    config, (first, _) = ranks
    single = LiLAWClassifier(**PARAMS, **CONFIGS[config])
    proba = single.fit(X, y, sample_origin=is_synthetic).predict_proba(X)
    distributed = first["proba"]
    assert np.mean(proba.argmax(1) == distributed.argmax(1)) > 0.9
    assert np.abs(proba - distributed).mean() < 0.1
