"""Learning the weight of synthetic rows (``synthetic_weight="auto"``) in one fit.

Each training batch gives synthetic rows the factor ``w_s = 2 *
sigmoid(gamma)`` (gamma starts at 0 and is kept at or below 0, so ``0 < w_s
<= 1``), normalised by its batch mean. After the model step, the
meta batch's forward pass gives the one-step look-ahead gradient of the real
meta loss with respect to gamma (:mod:`sklearn_lilaw.weights`), taken on the
module's last ``nn.Linear``: a forward hook keeps that layer's input, and a
tensor hook keeps the training loss's gradient with respect to the output.
gamma then takes one Adam step.

With ``interval`` k > 1, gamma steps after every k-th training batch only,
from the look-ahead gradient of the k batches' rows taken together as one
batch, against the meta batch's gradient at the current parameters: one meta
forward pass, one gradient and one Adam step per k batches.
"""

import torch
from torch import nn

from ..weights import (
    lookahead_alignment,
    synthetic_factors,
    synthetic_weight_gradient,
)
from ._distributed import all_reduce_mean

__all__ = ["SyntheticWeightLearner", "auto_rate", "last_linear"]

# With synthetic_weight_lr='auto', gamma's Adam rate is TRAVEL over the number
# of steps gamma takes in the fit. Adam moves gamma by about its rate per
# step on a gradient of steady sign, so gamma can travel about TRAVEL in a
# fit (w_s from 1 down to 2 sigmoid(-4) = 0.04), whatever the number of rows
# and epochs. A fixed rate let gamma travel further the more batches a fit
# had, and Adam turns any steady difference between the synthetic and the
# real rows into steady steps, even the difference between two random
# halves of the same real rows against a small fixed meta split: on the
# larger benchmark data sets good rows' weight fell far below 1 (development
# runs; see the user guide).
TRAVEL = 4.0


def auto_rate(n_batches, interval=1):
    """gamma's Adam rate for ``synthetic_weight_lr='auto'``.

    Parameters
    ----------
    n_batches : int
        Training batches in the fit (per process), all epochs together.
    interval : int, default=1
        Training batches per step of gamma.

    Returns
    -------
    rate : float
        ``TRAVEL`` divided by the number of gamma's steps (at least one).
    """
    return TRAVEL / max(n_batches // interval, 1)


def last_linear(module):
    """The module's last ``nn.Linear`` (in registration order).

    Raises
    ------
    ValueError
        If the module has none.
    """
    layers = [m for m in module.modules() if isinstance(m, nn.Linear)]
    if not layers:
        raise ValueError(
            "synthetic_weight='auto' learns the weight from the gradient of the "
            f"module's final nn.Linear layer, but {type(module).__name__} has no "
            "nn.Linear. End the module in an nn.Linear that returns its output, "
            "or pass a numeric synthetic_weight."
        )
    return layers[-1]


class SyntheticWeightLearner:
    """gamma's updates during one fit; see the module docstring.

    Parameters
    ----------
    module : torch.nn.Module
        The network; its output must be the output of its last nn.Linear.
    state : LiLAWState
        Holds gamma; updated after every step.
    per_sample_loss : callable
        ``(y_pred, y_true) -> losses`` of shape (n,): the unweighted loss
        whose meta-batch gradient the training rows are compared with.
    lr : float
        Adam's learning rate for gamma.
    interval : int, default=1
        Training batches per step of gamma.
    """

    def __init__(self, module, state, per_sample_loss, lr, interval=1):
        self.layer = last_linear(module)
        self.state = state
        self.per_sample_loss = per_sample_loss
        self.lr = lr
        self.interval = interval
        # Made at the first batch, from the state as it is then: a callback
        # such as skorch's LoadInitState may restore it when training begins.
        self.gamma = self.optimizer = None
        self._forward = None  # (input, output) of the layer's last call
        self._batches = []  # each batch's part since gamma's last step
        self._hook = self.layer.register_forward_hook(self._keep_forward)

    def close(self):
        """Remove the forward hook (at the end of the fit)."""
        self._hook.remove()

    def _keep_forward(self, layer, inputs, output):
        self._forward = (inputs[0], output)

    def _layer_input(self, y_pred):
        layer_input, output = self._forward
        if output is not y_pred or layer_input.ndim != 2:
            raise ValueError(
                "synthetic_weight='auto' needs the module's output to be the "
                f"output of its last nn.Linear ({self.layer}) on 2-d input; "
                "this module transforms it further or applies it per time "
                "step. End the module in that layer, or pass a numeric "
                "synthetic_weight."
            )
        return layer_input.detach()

    def factors(self, origin):
        """The training batch's row factors ``c / mean(c)`` (None: all real)."""
        if origin is None:
            return None
        if self.gamma is None:
            self.gamma = nn.Parameter(self.state.gamma.detach().clone())
            self.optimizer = torch.optim.Adam([self.gamma], lr=self.lr)
        return synthetic_factors(origin, self.gamma.detach())

    def watch(self, y_pred, origin, factors, strata=None):
        """Keep what the step needs of a training batch's forward and backward.

        ``strata`` (the rows' classes, say) restricts the comparison of
        synthetic and real rows to rows of one stratum.
        """
        if origin is None:
            return
        batch = {"h": self._layer_input(y_pred), "origin": origin, "strata": strata}

        def keep_gradient(grad):
            # d mean(c W l) / d y_pred_i = c_i * d(W_i l_i)/d y_pred_i / n
            scale = len(grad) / factors.clamp(min=torch.finfo(factors.dtype).tiny)
            batch["e"] = _rows(grad) * scale.unsqueeze(1)

        y_pred.register_hook(keep_gradient)
        self._batches.append(batch)

    def due(self):
        """True when gamma steps after this batch (every ``interval`` batches)."""
        return len(self._batches) >= self.interval

    def step(self, y_pred_meta, y_meta):
        """One Adam step of gamma from the meta batch's forward pass, when due."""
        if not self.due():
            return
        batches, self._batches = [b for b in self._batches if "e" in b], []
        if not batches:
            return
        h_meta = self._layer_input(y_pred_meta)
        with torch.enable_grad():
            outputs = y_pred_meta.detach().requires_grad_()
            (e_meta,) = torch.autograd.grad(
                self.per_sample_loss(outputs, y_meta).sum(), outputs
            )
        # The batches' rows, taken together as one batch.
        e, h, origin = (
            torch.cat([b[key] for b in batches]) for key in ("e", "h", "origin")
        )
        strata = None
        if batches[0]["strata"] is not None:
            strata = torch.cat([b["strata"] for b in batches])
        alignment = lookahead_alignment(e, h, _rows(e_meta), h_meta)
        grad = synthetic_weight_gradient(alignment, origin, self.gamma, strata)
        self.gamma.grad = all_reduce_mean(grad.to(self.gamma.dtype).reshape(()))
        self.optimizer.step()
        with torch.no_grad():
            # w_s <= 1: synthetic rows never count more than real ones. Left
            # free, the one-step look-ahead rates label-correct copies of
            # real rows above 1 (its short-horizon bias), which cost accuracy
            # in development runs.
            self.gamma.clamp_(max=0.0)
            self.state.gamma.copy_(self.gamma)


def _rows(gradient):
    """Output gradients as (n, n_outputs), for 1-d outputs too."""
    return gradient.reshape(len(gradient), -1)
