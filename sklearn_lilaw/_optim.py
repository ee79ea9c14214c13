"""Building the model's optimizer, with torch's fused kernels where they apply.

For ``torch.optim.Adam`` and ``AdamW`` torch picks a per-tensor loop on the
CPU (and a multi-tensor loop on CUDA) unless asked for its ``fused``
implementation: the same update, one kernel for all parameters. On the small
networks LiLAW trains, the loop costs about as much as the backward pass (160
vs 60 microseconds per step for a 40-128-128-5 MLP on 2 CPU cores), so the
estimators ask for the fused kernel when the user chose no implementation.
"""

import torch

__all__ = ["make_optimizer"]

# Exact classes: a subclass may override ``step`` and not support fusing.
_FUSABLE = (torch.optim.Adam, torch.optim.AdamW)
# Any of these chosen by the user means "leave the implementation to me".
_IMPLEMENTATION_ARGS = ("fused", "foreach", "differentiable", "capturable")
_FUSED_DTYPES = (torch.float32, torch.float64)


def _parameters(param_groups):
    for group in param_groups:
        if isinstance(group, dict):
            yield from group["params"]
        else:
            yield group


def _can_fuse(optimizer, param_groups, kwargs):
    if optimizer not in _FUSABLE or any(k in kwargs for k in _IMPLEMENTATION_ARGS):
        return False
    params = list(_parameters(param_groups))
    return bool(params) and all(
        p.dtype in _FUSED_DTYPES and p.device.type in ("cpu", "cuda") for p in params
    )


def make_optimizer(optimizer, param_groups, kwargs):
    """``optimizer(param_groups, **kwargs)``, fused where that is safe.

    Parameters
    ----------
    optimizer : type
        The optimizer class (skorch's ``optimizer`` parameter).
    param_groups : list
        Parameters or parameter-group dicts, as skorch prepares them.
    kwargs : dict
        The optimizer's keyword arguments (``optimizer__*`` and ``lr``).

    Returns
    -------
    torch.optim.Optimizer
    """
    param_groups = list(param_groups)
    if _can_fuse(optimizer, param_groups, kwargs):
        try:
            return optimizer(param_groups, **kwargs, fused=True)
        except (RuntimeError, TypeError, ValueError):
            pass  # an older torch without fused kernels for this device
    return optimizer(param_groups, **kwargs)
