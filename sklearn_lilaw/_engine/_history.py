"""The per-epoch record of a LiLAW fit, as a skorch callback."""

import torch
from skorch.callbacks import Callback

__all__ = ["LiLAWHistory"]


class LiLAWHistory(Callback):
    """Record LiLAW's state in ``net.history`` at the end of every epoch.

    One of the LiLAW estimators' default callbacks (named
    ``'lilaw_history'``). Columns:

    - ``alpha``, ``beta``, ``delta`` (``lilaw=True``): the scalars at the end
      of the epoch;
    - ``weight_real``, ``weight_synthetic`` (``lilaw=True``): the mean LiLAW
      weight ``W`` of the real and of the synthetic rows trained on in the
      epoch (NaN when there were none);
    - ``synthetic_weight`` (``synthetic_weight='auto'``): the learned factor
      ``w_s`` of synthetic rows at the end of the epoch;
    - ``meta_loss`` and ``meta_loss_best`` (with a meta split): the
      unweighted mean loss of the model on the whole meta split, and whether
      it is the lowest so far; with ``train_split=None`` (no validation split
      of skorch's own) also as ``valid_loss`` and ``valid_loss_best``, so
      that skorch's ``EarlyStopping()`` and ``Checkpoint()`` work with their
      default monitors;
    - ``refit`` (fits with a refit): whether the epoch belongs to the refit.

    The weights of each batch stay on the training device until the epoch
    ends, so recording them costs no host synchronisation per batch.
    """

    def on_epoch_begin(self, net, **kwargs):
        self.weights_, self.origins_ = [], []

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        state = net._fit_state
        weights = None if state is None else state.batch_weights
        if not training or weights is None:
            return
        Xi = batch[0]
        self.weights_.append(weights)
        self.origins_.append(Xi.get("sample_origin") if isinstance(Xi, dict) else None)

    def on_epoch_end(self, net, **kwargs):
        state = net._fit_state
        if state is None:
            return
        record = net.history.record
        if net.lilaw:
            for name, value in zip(
                ("alpha", "beta", "delta"), net.lilaw_state_.scalars.tolist()
            ):
                record(name, value)
            weight_real, weight_synthetic = self._mean_weights()
            record("weight_real", weight_real)
            record("weight_synthetic", weight_synthetic)
        if net._learns_synthetic_weight():
            record("synthetic_weight", net.lilaw_state_.synthetic_weight)
        if state.meta is not None:
            self._record_loss(net, "meta_loss", net._meta_split_loss())
        if state.refits:
            record("refit", state.frozen)

    def _record_loss(self, net, name, loss):
        """``meta_loss`` and ``meta_loss_best``; with no validation split of
        skorch's own, ``valid_loss`` and ``valid_loss_best`` too, so that
        ``EarlyStopping()`` and ``Checkpoint()`` work with their defaults."""
        best = not any(row.get(name, float("inf")) <= loss for row in net.history[:-1])
        names = [name]
        if net.train_split is None:
            names.append("valid_loss")
        for column in names:
            net.history.record(column, loss)
            net.history.record(column + "_best", best)

    def _mean_weights(self):
        """Mean weight of the real and of the synthetic rows (NaN if none)."""
        if not self.weights_:
            return float("nan"), float("nan")
        weights = torch.cat(self.weights_)
        group = torch.cat(
            [
                torch.zeros_like(w, dtype=torch.long) if o is None else o.long()
                for w, o in zip(self.weights_, self.origins_)
            ]
        )
        sums = torch.zeros(2, dtype=weights.dtype, device=weights.device)
        sums.index_add_(0, group, weights)
        counts = torch.bincount(group, minlength=2)
        return tuple(
            s / c if c else float("nan") for s, c in zip(sums.tolist(), counts.tolist())
        )
