"""The LiLAW training engine behind the estimators (private).

- ``_mixin``: :class:`LiLAWMixin`, Algorithm 1 on skorch's hooks, and the
  contract a task (classifier, multi-label, regressor) fulfils;
- ``_skorch_compat``: where skorch's conventions are bridged to
  scikit-learn's;
- ``_fit_data``: origins, synthetic rows and the meta split of one fit, in
  numpy;
- ``_kernels``: the per-batch LiLAW computations, chosen once per fit;
- ``_history``: the per-epoch record, a skorch callback;
- ``_meta_split``, ``_meta_batches``, ``_origin``, ``_labels``, ``_device``,
  ``_params``, ``_docs``: helpers of the above.
"""

from ._mixin import LiLAWMixin

__all__ = ["LiLAWMixin"]
