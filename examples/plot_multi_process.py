"""
==================================
Training on several processes
==================================

Data-parallel training runs one process per device (a GPU, or here a CPU
core): each process holds a copy of the network and trains on its share of
the batches, and the processes average their gradients at every step, so that
every copy takes the same steps. The LiLAW estimators do this through Hugging
Face Accelerate, as skorch nets do, and average the gradients of what they
learn besides the network (the synthetic rows' weight, and alpha, beta, delta with
``lilaw=True``) too: every process ends with the same learned weight.

Such a run is started from the command line with one process per device, so
this example writes a small training script to a temporary folder and starts
it on two CPU processes with ``torchrun``, as you would in a terminal.
Needs ``pip install "sklearn-lilaw[accelerate]"``.
"""

# %%
# The training script
# -------------------
#
# The estimator class puts :class:`~sklearn_lilaw.distributed.AccelerateMixin`
# in front of :class:`~sklearn_lilaw.LiLAWClassifier`, and gets an
# ``Accelerator`` and ``device=None`` (the accelerator places the network).
# Every process runs the whole script on the same data; the accelerator
# hands each process its share of the training batches. Each process saves what it
# learned, to be compared below.
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np

SCRIPT = textwrap.dedent(
    '''
    import sys

    import numpy as np
    from accelerate import Accelerator
    from sklearn.datasets import make_classification

    from sklearn_lilaw import LiLAWClassifier
    from sklearn_lilaw.distributed import AccelerateMixin


    class DistributedLiLAWClassifier(AccelerateMixin, LiLAWClassifier):
        """LiLAWClassifier trained data-parallel through Accelerate."""


    def main(out):
        # 600 rows, 40% of them synthetic, with a third of their labels wrong
        X, y = make_classification(
            n_samples=600, n_features=10, n_informative=6, n_classes=3,
            random_state=0,
        )
        rng = np.random.RandomState(0)
        is_synthetic = rng.rand(600) < 0.4
        wrong = is_synthetic & (rng.rand(600) < 1 / 3)
        y[wrong] = (y[wrong] + 1) % 3

        accelerator = Accelerator(cpu=True)  # on GPUs: Accelerator()
        net = DistributedLiLAWClassifier(
            accelerator=accelerator,
            device=None,
            hidden_layer_sizes=(32,),
            max_epochs=10,
            batch_size=64,
            random_state=0,
        )
        net.fit(X.astype(np.float32), y, sample_origin=is_synthetic)

        rank = accelerator.process_index
        np.savez(
            f"{out}/rank{rank}.npz",
            processes=accelerator.num_processes,
            synthetic_weight=net.synthetic_weight_,
            batches=len(net.history[-1, "batches"]),
            proba=net.predict_proba(X.astype(np.float32)),
        )
        # Release the network and the accelerator's wrappers of it while
        # the process group is open, wait for the other processes, then
        # close the group: nothing of it is left to the interpreter's exit.
        del net
        accelerator.free_memory()
        accelerator.wait_for_everyone()
        accelerator.end_training()


    if __name__ == "__main__":
        main(sys.argv[1])
    '''
)

# %%
# Two processes with torchrun
# ---------------------------
#
# ``python -m torch.distributed.run`` is ``torchrun``; ``--standalone``
# starts a single machine's rendezvous, ``--nproc_per_node 2`` two
# processes. In a terminal this is::
#
#     torchrun --nproc_per_node 2 --standalone train.py OUT_DIR
#
# Here it runs through :mod:`subprocess`, with this Python
# (``sys.executable``), and the processes' output is kept to be shown if the
# run fails.
with tempfile.TemporaryDirectory() as folder:
    script = Path(folder) / "train.py"
    script.write_text(SCRIPT)
    run = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run"]
        + ["--nproc_per_node", "2", "--standalone", str(script), folder],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode != 0:
        raise RuntimeError(f"torchrun failed:\n{run.stderr[-3000:]}")
    ranks = [dict(np.load(Path(folder) / f"rank{r}.npz")) for r in (0, 1)]

# %%
# Both processes hold the same learned weight
# -------------------------------------------
for rank, saved in enumerate(ranks):
    print(
        f"process {rank} of {int(saved['processes'])}: "
        f"{int(saved['batches'])} batches in its last epoch, "
        f"learned weight of a synthetic row {float(saved['synthetic_weight']):.6f}"
    )
same_weight = ranks[0]["synthetic_weight"] == ranks[1]["synthetic_weight"]
same_predictions = np.array_equal(ranks[0]["proba"], ranks[1]["proba"])
print(f"same learned weight: {same_weight}, same predictions: {same_predictions}")

# %%
# Each process trained on every other batch (half the batches of an epoch)
# and the averaged gradients kept the copies equal: the same weight, the same
# network, the same predictions.
#
# On GPUs
# -------
#
# The same script trains on several GPUs with two changes: ``Accelerator()``
# instead of ``Accelerator(cpu=True)``, and one process per GPU. Keep
# ``device=None``: the accelerator puts each process's copy of the network on
# its own GPU. Start it with torchrun or with Accelerate's launcher, e.g. on a
# machine with four GPUs::
#
#     torchrun --nproc_per_node 4 --standalone train.py OUT_DIR
#     accelerate launch --multi_gpu --num_processes 4 train.py OUT_DIR
#
# The package's :class:`~sklearn_lilaw.distributed.AccelerateMixin` is
# skorch's ``skorch.hf.AccelerateMixin`` with one fix for several CPU
# processes, where skorch's fails on the loss module (it has no trainable
# parameters). Several-GPU runs were not tested here (no GPUs on the machines
# that build these docs): the code path is Accelerate's and skorch's, the same
# as for several CPU processes apart from the backend. Accelerate's other
# options (mixed precision, several machines) are its own; see its
# documentation.
#
# Each process takes whole batches of ``batch_size`` rows, so a step of
# four processes sees four times ``batch_size`` rows and an epoch has a
# quarter of the steps; adjust ``batch_size`` or ``lr`` if that matters. For
# one GPU no launcher is needed: ``LiLAWClassifier(device="cuda")``.
