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

    def restore(self, record):
        """Set the state from a history row (a dict) that recorded it.

        The LiLAW history columns (``alpha``, ``beta``, ``delta``,
        ``synthetic_weight``) hold the state at the end of each epoch, so a
        saved history restores it; columns a fit did not record are left as
        they are.
        """
        with torch.no_grad():
            if {"alpha", "beta", "delta"} <= set(record):
                values = [record[name] for name in ("alpha", "beta", "delta")]
                self.scalars.copy_(torch.tensor(values))
            if "synthetic_weight" in record:
                weight = torch.tensor(float(record["synthetic_weight"]) / 2)
                self.gamma.copy_(torch.logit(weight))

    @property
    def synthetic_weight(self):
        """``w_s = 2 * sigmoid(gamma)``, as a float."""
        return 2.0 * torch.sigmoid(self.gamma).item()
