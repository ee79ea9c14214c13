"""Keeping the learned LiLAW state equal on every process of a distributed fit.

Under data-parallel training (skorch's ``AccelerateMixin`` with several
processes), each process takes its meta steps on its own meta batch. Their
gradients for alpha, beta, delta and gamma are averaged across processes,
as DDP averages the model's gradients, so that every process applies the
same update and keeps the same state.
"""

import torch.distributed as dist

__all__ = ["all_reduce_mean"]


def all_reduce_mean(tensor):
    """``tensor`` averaged over the processes of the default group (in place).

    A no-op outside a distributed run.
    """
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        tensor /= dist.get_world_size()
    return tensor
