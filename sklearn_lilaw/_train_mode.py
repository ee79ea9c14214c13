"""Whether a torch module computes the same thing in training and eval mode.

The meta step runs the model in eval mode (no dropout, batch-norm statistics
untouched) and the next model step switches it back. ``Module.train`` walks
every submodule through ``Module.__setattr__``, which costs as much as the
elementwise work of a LiLAW step on a small network; for a module whose
output does not depend on the mode the two switches change nothing and are
skipped.

Only module types known to ignore the mode count as mode-free (an exact type
match: a subclass may read ``self.training`` in its ``forward``); anything
else, a user's own module class included, keeps the switches.
"""

from torch import nn

from ._lstm import StackedLSTM
from ._mlp import MLP

__all__ = ["is_mode_independent"]


def _known_mode_free_types():
    names = [
        # containers and shape ops
        "Sequential", "ModuleList", "ModuleDict", "Identity", "Flatten", "Unflatten",
        # affine maps, convolutions, embeddings
        "Linear", "Bilinear", "LazyLinear", "Conv1d", "Conv2d", "Conv3d",
        "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "Embedding",
        # normalisations without running statistics
        "LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm",
        # pooling and padding
        "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
        "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
        "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
        "ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d",
        # activations
        "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU",
        "Mish", "Tanh", "Sigmoid", "Hardtanh", "Hardswish", "Hardsigmoid",
        "Softplus", "Softsign", "Tanhshrink", "LogSigmoid", "Softmax", "LogSoftmax",
        "Softmin", "GLU", "Threshold", "Hardshrink", "Softshrink",
        # losses (the criterion is switched together with the module)
        "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss", "BCELoss", "MSELoss",
        "L1Loss", "SmoothL1Loss", "HuberLoss", "MultiLabelSoftMarginLoss",
        "PoissonNLLLoss", "GaussianNLLLoss", "KLDivLoss",
    ]  # fmt: skip
    # getattr: a name missing from an older torch is simply not whitelisted.
    found = (getattr(nn, name, None) for name in names)
    return frozenset(kind for kind in found if kind is not None) | {MLP, StackedLSTM}


_MODE_FREE = _known_mode_free_types()


def _is_mode_free(module):
    kind = type(module)
    if kind in _MODE_FREE:
        return True
    if isinstance(module, nn.modules.dropout._DropoutNd) and kind.__module__.startswith(
        "torch.nn"
    ):
        return module.p == 0  # dropout with p = 0 is the identity in both modes
    if kind in (nn.RNN, nn.LSTM, nn.GRU):
        return module.dropout == 0  # torch applies it only in training mode
    return False


def is_mode_independent(*modules):
    """True if every submodule of ``modules`` ignores train/eval mode.

    Parameters
    ----------
    *modules : torch.nn.Module
        The modules (e.g. the network and its criterion).

    Returns
    -------
    bool

    Examples
    --------
    >>> from torch import nn
    >>> is_mode_independent(nn.Sequential(nn.Linear(2, 3), nn.ReLU()))
    True
    >>> is_mode_independent(nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5)))
    False
    """
    return all(_is_mode_free(sub) for module in modules for sub in module.modules())
