"""Failing loudly when training diverges, instead of returning NaN predictions."""

import math

import torch

__all__ = ["check_epoch", "check_parameters"]


def _causes(net):
    rates = [f"lr={net.lr}"]
    if net.lilaw:
        rates.append(f"meta_lr={net.meta_lr} for alpha, beta, delta")
    if net.synthetic_weight == "auto":
        rates.append(f"synthetic_weight_lr={net.synthetic_weight_lr}")
    return (
        f"The usual causes: a learning rate too large ({'; '.join(rates)}), or "
        "features or targets too large for float32 arithmetic. Lower it, or "
        "scale the data (StandardScaler for X; TransformedTargetRegressor for "
        "a regressor's y)."
    )


def check_epoch(net):
    """Raise a ValueError if the epoch's loss or the LiLAW state is not finite.

    Once per epoch, on numbers already on the host (skorch records each
    batch's loss as a float) and on four scalars: no synchronisation per
    batch.
    """
    epoch = len(net.history)
    state = net.lilaw_state_
    learned = torch.cat((state.scalars, state.gamma.reshape(1)))
    if not torch.isfinite(learned).all():
        alpha, beta, delta, gamma = learned.tolist()
        raise ValueError(
            f"The LiLAW state diverged in epoch {epoch} (alpha, beta, delta = "
            f"{alpha}, {beta}, {delta}; gamma = {gamma}): "
            f"meta_lr={net.meta_lr} or synthetic_weight_lr="
            f"{net.synthetic_weight_lr} is too large for this problem."
        )
    try:
        losses = net.history[-1, "batches", :, "train_loss"]
    except KeyError:
        losses = []
    if not all(math.isfinite(loss) for loss in losses):
        raise ValueError(
            f"Training diverged in epoch {epoch}: the training loss became "
            f"{next(x for x in losses if not math.isfinite(x))}. {_causes(net)}"
        )


def check_parameters(net):
    """Raise a ValueError if the trained module has a non-finite parameter."""
    for name, parameter in net.module_.named_parameters():
        if not torch.isfinite(parameter).all():
            raise ValueError(
                f"Training produced non-finite module parameters ({name}). "
                f"{_causes(net)}"
            )
