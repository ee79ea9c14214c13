"""Resolving the ``device`` parameter."""

import torch

__all__ = ["resolve_device", "check_device_available"]


def resolve_device(device):
    """Map ``'auto'`` to ``'cuda'`` when CUDA is available, else ``'cpu'``.

    Any other value (``'cpu'``, ``'cuda'``, ``'cuda:1'``, a ``torch.device``)
    is returned unchanged.
    """
    if isinstance(device, str) and device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def check_device_available(device):
    """Raise a ValueError if ``device`` asks for CUDA on a machine without it."""
    resolved = resolve_device(device)
    if resolved is None:
        return
    try:
        kind = torch.device(resolved).type
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'cpu', 'cuda', 'cuda:N' or 'auto'; got {device!r}."
        ) from exc
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} asks for CUDA, but torch.cuda.is_available() is "
            "False on this machine; use device='cpu', or device='auto' to pick "
            "CUDA only where it exists."
        )
