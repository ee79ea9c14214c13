"""One rank of a data-parallel LiLAW fit (run with torchrun; see test_distributed).

Each rank fits the same estimator on the same data through skorch's
AccelerateMixin (gloo backend on the CPU) and saves its learned state and
predictions to ``<out>/rank<r>.npz``.
"""

import sys

import numpy as np
import torch
from accelerate import Accelerator
from sklearn.datasets import make_classification

from sklearn_lilaw import LiLAWClassifier
from sklearn_lilaw.distributed import AccelerateMixin


class DistributedLiLAWClassifier(AccelerateMixin, LiLAWClassifier):
    """LiLAWClassifier trained data-parallel through Accelerate."""


def data():
    X, y = make_classification(
        n_samples=400, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    is_synthetic = np.random.RandomState(0).rand(400) < 0.4
    return X.astype(np.float32), y, is_synthetic


PARAMS = dict(hidden_layer_sizes=(16,), max_epochs=6, lr=0.01, batch_size=64)
CONFIGS = {
    # LiLAW and the learned synthetic weight: every meta step runs on each rank.
    "lilaw": dict(lilaw=True, synthetic_weight="auto", refit=False, random_state=0),
    # The defaults: the synthetic weight learned, then a refit on every row.
    "defaults": dict(random_state=0),
}


def main(out, config):
    torch.set_num_threads(1)
    accelerator = Accelerator(cpu=True)
    net = DistributedLiLAWClassifier(
        accelerator=accelerator, device=None, **PARAMS, **CONFIGS[config]
    )
    X, y, is_synthetic = data()
    net.fit(X, y, sample_origin=is_synthetic)
    state = net.lilaw_state_
    np.savez(
        f"{out}/rank{accelerator.process_index}.npz",
        scalars=state.scalars.cpu().numpy(),
        gamma=state.gamma.cpu().numpy(),
        proba=net.predict_proba(X),
        world=accelerator.num_processes,
        n_batches=len(net.history[-1, "batches"]),
    )
    # Release the network and the accelerator's wrappers of it while the
    # process group is open, wait for the other rank, then close the group.
    del net
    accelerator.free_memory()
    accelerator.wait_for_everyone()
    accelerator.end_training()


if __name__ == "__main__":
    main(*sys.argv[1:3])
