"""Data-parallel training through Accelerate, for real: two CPU processes (gloo)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

SCRIPT = Path(__file__).parent / "scripts" / "distributed_fit.py"


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    """Run the script on two processes with torchrun; load what each saved."""
    out = tmp_path_factory.mktemp("ranks")
    run = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2"]
        + ["--standalone", str(SCRIPT), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return [np.load(out / f"rank{r}.npz") for r in (0, 1)]


def test_both_ranks_hold_the_same_learned_state_and_predictions(ranks):
    first, second = ranks
    assert int(first["world"]) == 2
    np.testing.assert_array_equal(first["scalars"], second["scalars"])
    np.testing.assert_array_equal(first["gamma"], second["gamma"])
    assert first["scalars"][0] < 10.0  # the meta steps ran
    np.testing.assert_array_equal(first["proba"], second["proba"])


def test_each_rank_trains_on_its_shard_of_the_rows(ranks):
    # 380 training rows in batches of 64: 6 batches, 3 on each rank.
    assert int(ranks[0]["n_batches"]) == int(ranks[1]["n_batches"]) == 3


def test_predictions_are_close_to_a_single_process_fit(ranks):
    sys.path.insert(0, str(SCRIPT.parent))
    from distributed_fit import PARAMS, data

    from sklearn_lilaw import LiLAWClassifier

    torch.set_num_threads(1)
    X, y, is_synthetic = data()
    single = LiLAWClassifier(**PARAMS).fit(X, y, sample_origin=is_synthetic)
    proba = single.predict_proba(X)
    distributed = ranks[0]["proba"]
    assert np.mean(proba.argmax(1) == distributed.argmax(1)) > 0.9
    assert np.abs(proba - distributed).mean() < 0.1
