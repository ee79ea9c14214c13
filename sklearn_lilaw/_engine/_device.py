"""Resolving and checking the ``device`` parameter."""

import torch

__all__ = ["resolve_device", "check_device_available"]

_HELP = "use 'cpu', or 'auto' to pick CUDA only where it exists"


def resolve_device(device):
    """Map ``'auto'`` to ``'cuda'`` when CUDA is available, else ``'cpu'``.

    Any other value (``'cpu'``, ``'cuda'``, ``'cuda:1'``, a ``torch.device``)
    is returned unchanged.
    """
    if isinstance(device, str) and device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def check_device_available(device):
    """Raise a ValueError unless the estimators can train on ``device`` here."""
    try:
        kind = torch.device(resolve_device(device)).type
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'cpu', 'cuda', 'cuda:N', 'mps' or 'auto'; got {device!r}."
        ) from exc
    available = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": torch.backends.mps.is_available(),
    }
    if kind not in available:
        raise ValueError(
            f"device={device!r} cannot hold training data (a {kind!r} device); {_HELP}."
        )
    if not available[kind]:
        raise ValueError(
            f"device={device!r} asks for {kind.upper()}, but this machine has "
            f"none (torch reports it unavailable); {_HELP}."
        )
