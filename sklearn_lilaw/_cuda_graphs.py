"""Replaying LiLAW's elementwise steps from CUDA graphs.

On a GPU the LiLAW steps of the default classifier are a few dozen tiny
kernels each (softmax statistics, the three shapes, the closed-form
gradients): their cost is launching them, not running them. A CUDA graph
records such a sequence once and launches it as one unit, so
:class:`GraphedFunction` turns a pure function of tensors into: copy the
inputs into fixed buffers, replay the graph, read the fixed outputs.

The function must be pure (it may not modify its inputs or anything else
outside its own temporaries), must not synchronise with the host, and must
depend on nothing but its tensor inputs and what it reads at capture time;
the estimators graph only their own closed-form steps, which are.
One graph is recorded per input signature (shapes, dtypes, devices), e.g.
one for full batches and one for the last, smaller batch of an epoch.
"""

import torch

__all__ = ["GraphedFunction"]

_WARMUP_CALLS = 2


class GraphedFunction:
    """Call ``function`` through CUDA graphs when its inputs are on a GPU.

    Parameters
    ----------
    function : callable
        A pure function of tensors returning a tensor or a tuple of tensors.
    enabled : bool, default=True
        If False (or the inputs are not CUDA tensors), ``function`` is
        called directly.
    clone_outputs : bool, default=True
        Return copies of the graph's output buffers, which the next replay
        overwrites. With False the buffers themselves are returned: the
        caller must be done with them before the next call.

    Notes
    -----
    Only for functions known to be recordable: a failed recording (a host
    synchronisation, say) can leave the CUDA context unusable, so it is not
    caught and retried eagerly.
    """

    def __init__(self, function, enabled=True, clone_outputs=True):
        self.function = function
        self.enabled = enabled
        self.clone_outputs = clone_outputs
        self._graphs = {}

    def __call__(self, *inputs):
        if not (self.enabled and inputs[0].is_cuda):
            return self.function(*inputs)
        key = tuple((t.shape, t.dtype, t.device) for t in inputs)
        if key not in self._graphs:
            self._graphs[key] = self._record(inputs)
        graph, static_inputs, static_outputs = self._graphs[key]
        for buffer, value in zip(static_inputs, inputs):
            buffer.copy_(value)
        graph.replay()
        if not self.clone_outputs:
            return static_outputs
        if isinstance(static_outputs, torch.Tensor):
            return static_outputs.clone()
        return tuple(t.clone() for t in static_outputs)

    def _record(self, inputs):
        static_inputs = [t.detach().clone() for t in inputs]
        device = inputs[0].device
        side = torch.cuda.Stream(device=device)
        side.wait_stream(torch.cuda.current_stream(device))
        # Warm-up calls on a side stream, as torch's graph recipe asks: they
        # run lazy initialisation (cached constants, cuBLAS workspaces) that
        # must not happen during the recording.
        with torch.cuda.stream(side):
            for _ in range(_WARMUP_CALLS):
                self.function(*static_inputs)
        torch.cuda.current_stream(device).wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            static_outputs = self.function(*static_inputs)
        return graph, static_inputs, static_outputs
