"""The random number generator a fit draws from."""

import contextlib

import numpy as np
import torch
from sklearn.utils import check_random_state

__all__ = ["fit_rng", "get_rng_state", "set_rng_state"]

_SEED_MAX = np.iinfo(np.int32).max


@contextlib.contextmanager
def fit_rng(random_state, device, offset=0):
    """Run a fit under its RNG; yield a seed for the numpy-side draws.

    With ``random_state=None`` the fit uses torch's global RNG, as a skorch
    net does: a preceding ``torch.manual_seed`` reproduces it. Otherwise it
    runs in a forked torch RNG seeded from ``random_state`` (plus ``offset``,
    so that repeated ``partial_fit`` calls draw new orders), leaving the
    global one as it was.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        The estimator's parameter.
    device : str or torch.device
        The training device (its CUDA RNG is forked too).
    offset : int, default=0
        Added to the seed drawn from ``random_state``.
    """
    if random_state is None:
        yield int(torch.randint(_SEED_MAX, ()).item())
        return
    seed = (int(check_random_state(random_state).randint(_SEED_MAX)) + offset) % (
        _SEED_MAX
    )
    device = torch.device(device)
    cuda = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)
        yield seed


def get_rng_state(device):
    """torch's RNG state, with the CUDA device's when ``device`` is one.

    A refit restores the state its fit had before drawing the initial
    weights, so that it draws the same weights and batch orders as a fit
    with its weights fixed from the start would: the refit differs from
    that fit only by the rows' weights, not by random draws.
    """
    device = torch.device(device)
    cuda = torch.cuda.get_rng_state(device) if device.type == "cuda" else None
    return torch.get_rng_state(), cuda


def set_rng_state(state, device):
    """Restore a state from :func:`get_rng_state` on the same ``device``."""
    cpu, cuda = state
    torch.set_rng_state(cpu)
    if cuda is not None:
        torch.cuda.set_rng_state(cuda, torch.device(device))
