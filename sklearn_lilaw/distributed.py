"""Data-parallel training of the LiLAW estimators with Hugging Face Accelerate.

skorch's route to multi-GPU and multi-node training is its
``skorch.hf.AccelerateMixin``, and it composes with the LiLAW estimators::

    from skorch.hf import AccelerateMixin

    class DistributedLiLAWClassifier(AccelerateMixin, LiLAWClassifier):
        pass

    net = DistributedLiLAWClassifier(accelerator=Accelerator(), device=None)

Under it the estimators train from a ``DataLoader`` (so that the accelerator
shards the training rows across processes) and average the gradients of
their learned state (alpha, beta, delta and the synthetic rows' weight)
across processes after each meta step, so every process keeps the same
state. Start one process per device with ``torchrun --nproc_per_node N``
or ``accelerate launch``.

On CPUs (``Accelerator(cpu=True)``, the gloo backend), Accelerate wraps every
module in ``DistributedDataParallel``, which refuses modules without
trainable parameters, such as the criterion; plain skorch fails there too.
:class:`AccelerateMixin` here is skorch's with that fixed: only modules with
trainable parameters are wrapped, the others are moved to the device. It
also prints the epoch table only with ``verbose > 0``, as without the mixin.
"""

from skorch.callbacks import LRScheduler, PrintLog
from skorch.hf import AccelerateMixin as _SkorchAccelerateMixin

__all__ = ["AccelerateMixin"]


class AccelerateMixin(_SkorchAccelerateMixin):
    """skorch's ``AccelerateMixin``, also for several processes on CPUs.

    Use it as skorch's: in front of an estimator class, with an
    ``accelerate.Accelerator`` and ``device=None``.

    Parameters
    ----------
    accelerator : accelerate.Accelerator
        The accelerator.
    device : None, default=None
        Leave device placement to the accelerator.
    unwrap_after_train : bool, default=True
        As in skorch.
    **kwargs
        The estimator's parameters.

    See Also
    --------
    skorch.hf.AccelerateMixin : The mixin this extends.

    Examples
    --------
    >>> from accelerate import Accelerator
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_lilaw import LiLAWClassifier
    >>> from sklearn_lilaw.distributed import AccelerateMixin
    >>> class DistributedLiLAWClassifier(AccelerateMixin, LiLAWClassifier):
    ...     pass
    >>> X, y = load_iris(return_X_y=True)
    >>> net = DistributedLiLAWClassifier(
    ...     accelerator=Accelerator(cpu=True), device=None, max_epochs=3
    ... )
    >>> net.fit(X, y).predict(X[:2]).shape
    (2,)
    """

    def _initialize_callbacks(self):
        # skorch prints the epoch table through accelerator.print whatever
        # ``verbose`` says; here it prints only with verbose > 0, as without
        # the mixin.
        super()._initialize_callbacks()
        for _, callback in self.callbacks_:
            if isinstance(callback, PrintLog) and (
                callback.sink == getattr(self.accelerator, "print", None)
            ):
                callback.sink = self._print_if_verbose
        return self

    def _print_if_verbose(self, *args, **kwargs):
        if self.verbose:
            self.accelerator.print(*args, **kwargs)

    def _initialize_accelerator(self):
        # skorch's, except that a module without trainable parameters is
        # moved to the device instead of being handed to accelerator.prepare
        # (which, on several CPU processes, wraps it in DDP, which refuses it).
        if self._wrapped_with_accelerator:
            return self
        for kind, names in (("criterion", self._criteria), ("module", self._modules)):
            with self._current_init_context(kind):
                for name in names:
                    component = getattr(self, name + "_")
                    if not hasattr(component, "parameters"):
                        continue
                    if any(p.requires_grad for p in component.parameters()):
                        component = self.accelerator.prepare(component)
                    else:
                        component = component.to(self.accelerator.device)
                    setattr(self, name + "_", component)
        with self._current_init_context("optimizer"):
            for name in self._optimizers:
                optimizer = getattr(self, name + "_")
                setattr(self, name + "_", self.accelerator.prepare(optimizer))
        for _, callback in self.callbacks_:
            if isinstance(callback, LRScheduler):
                callback.policy_ = self.accelerator.prepare(callback.policy_)
        self._wrapped_with_accelerator = True
        return self
