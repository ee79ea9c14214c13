"""The learned LiLAW state of a net, as a torch module of buffers."""

import torch
from torch import nn

__all__ = ["LiLAWState"]


class LiLAWState(nn.Module):
    """alpha, beta, delta and gamma (the synthetic rows' weight), as buffers.

    The estimators register it as ``lilaw_`` beside ``module_``, so that it
    moves between devices with the module and skorch saves and loads it like
    any custom module: ``net.save_params(f_lilaw=...)``, ``Checkpoint(
    f_lilaw=...)``. Buffers, not parameters: the model's optimizer never
    sees them.

    Parameters
    ----------
    alpha, beta, delta : float
        Initial LiLAW scalars.
    """

    def __init__(self, alpha, beta, delta):
        super().__init__()
        self.register_buffer(
            "scalars", torch.tensor([alpha, beta, delta], dtype=torch.float32)
        )
        # w_s = 2 * sigmoid(gamma): 1 at the start.
        self.register_buffer("gamma", torch.zeros((), dtype=torch.float32))

    def forward(self):
        """Return alpha, beta, delta (the module has no computation of its own)."""
        return self.scalars

    @property
    def synthetic_weight(self):
        """``w_s = 2 * sigmoid(gamma)``, as a float."""
        return 2.0 * torch.sigmoid(self.gamma).item()
