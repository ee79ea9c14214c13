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
    - ``meta_loss`` (with a meta split): the unweighted mean loss of the
      model on the whole meta split;
    - ``refit`` (``refit=True``): whether the epoch belongs to the refit.

    The weights of each batch stay on the training device until the epoch
    ends, so recording them costs no host synchronisation per batch.
    """

    def on_epoch_begin(self, net, **kwargs):
        self.weights_, self.origins_ = [], []

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        weights = kwargs.get("lilaw_weights")
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
            record("meta_loss", net._meta_split_loss())
        if net.refit:
            record("refit", state.frozen)

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
