"""Multi-class classification with LiLAW."""

import numpy as np
import torch
from sklearn.utils.multiclass import check_classification_targets
from skorch import NeuralNetClassifier
from skorch.callbacks import EpochScoring, EpochTimer, PassthroughScoring, PrintLog
from skorch.utils import to_numpy

from ._base import LiLAWMixin
from ._data import TensorBatchIterator
from .weights import multiclass_weights

__all__ = ["LiLAWClassifier"]


def _accuracy_on_encoded(net, X, y):
    """Validation accuracy; the validation ``y`` holds encoded class indices."""
    return float(np.mean(net.predict_proba(X).argmax(axis=1) == to_numpy(y)))


class LiLAWClassifier(LiLAWMixin, NeuralNetClassifier):
    """Neural-network classifier trained with LiLAW sample weights.

    A skorch :class:`~skorch.classifier.NeuralNetClassifier` whose training
    loss weighs every sample by ``W = W_alpha + W_beta + W_delta`` (easy,
    hard and moderate) with three scalars alpha, beta, delta that are learned
    by one gradient step on a held-out meta batch after every training batch
    (Algorithm 1 of LiLAW). Built for training on real data mixed with
    synthetic (generated or augmented) rows: ``sample_origin`` marks which
    rows are which, and the meta split is drawn from the real rows by default.

    Parameters
    ----------
    module : torch.nn.Module class or instance, default=None
        The network; it must output one logit per class. None builds an
        :class:`~sklearn_lilaw.MLP` at fit time. A module class whose
        ``__init__`` takes ``n_features_in`` or ``n_outputs`` gets them from
        the data.
    hidden_layer_sizes : tuple of int, default=(100,)
        Hidden layers of the default MLP (ignored when ``module`` is given).
    alpha, beta, delta : float, default=10.0, 2.0, 6.0
        Initial LiLAW parameters (the paper's defaults). alpha >= 1 and
        delta >= beta are kept after every meta step.
    meta_lr : float, default=0.005
        Learning rate of the meta step (plain gradient descent).
    meta_weight_decay : float, default=1e-4
        Weight decay of the meta step.
    warmup_epochs : int, default=1
        Epochs of plain, unweighted training before LiLAW starts.
    meta_size : float or int, default=0.05
        Size of the meta split: a fraction of the rows passed to ``fit``
        (rounded up, and at least one row per class) or a count. The meta
        split is held out of training.
    meta_origin : {'real', 'synthetic', 'any'} or None, default=None
        Rows the meta split may come from. None means ``'real'`` when
        ``sample_origin`` marks some rows synthetic, else ``'any'``.
    detach_weights : bool, default=False
        If True, the model gets no gradient through the weights. The paper
        does not detach them.
    lilaw : bool, default=True
        False trains plainly (mean cross-entropy, no meta split, every row
        used), for comparisons.
    criterion : torch loss class, default=torch.nn.CrossEntropyLoss
        Per-sample loss on logits; built with ``reduction='none'``.
    optimizer : torch optimizer class, default=torch.optim.Adam
        Optimizer of the module's parameters (never of alpha, beta, delta).
    lr : float, default=1e-3
        Learning rate of ``optimizer``.
    max_epochs : int, default=100
        Number of epochs of each call to ``fit``.
    batch_size : int, default=128
        Rows per training batch, and per meta batch.
    train_split : callable or None, default=None
        skorch's internal validation split (e.g. ``skorch.dataset.ValidSplit``),
        for validation scores and early stopping. None: no validation split.
    iterator_train, iterator_valid : class, default=TensorBatchIterator
        Batch iterators; ``torch.utils.data.DataLoader`` also works.
    callbacks : list or None, default=None
        skorch callbacks.
    classes : array-like or None, default=None
        All class labels; None infers them from ``y``.
    warm_start : bool, default=False
        If True, ``fit`` continues from the current weights.
    device : {'cpu', 'cuda', 'auto'} or str, default='cpu'
        Where the module, criterion and LiLAW scalars live. ``'auto'`` picks
        CUDA when available. Asking for CUDA without it raises a ValueError.
    verbose : int, default=0
        skorch's per-epoch table is printed when > 0.
    random_state : int, RandomState instance or None, default=None
        Seeds module initialisation, shuffling, the meta split and the meta
        batches. Fitting runs in a forked torch RNG: the global torch RNG is
        left unchanged.
    **kwargs
        Other skorch parameters, e.g. ``module__dropout=0.1``,
        ``optimizer__weight_decay=1e-4``, ``iterator_train__drop_last=True``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    module_ : torch.nn.Module
        The trained network.
    meta_indices_ : ndarray of int
        Positions (in the ``X`` given to ``fit``) of the meta split; empty
        when ``lilaw=False``.
    n_train_samples_ : int
        Rows trained on (those outside the meta split).
    lilaw_params_ : dict
        Final ``{"alpha": ..., "beta": ..., "delta": ...}`` (LiLAW fits only).
    lilaw_scalars_ : torch.Tensor of shape (3,)
        alpha, beta, delta as a tensor on ``device``.
    history : skorch.history.History
        Per epoch: ``train_loss``, ``dur`` and, with LiLAW, ``alpha``,
        ``beta``, ``delta``, ``weight_real``, ``weight_synthetic`` (mean
        weight of the real / synthetic rows trained on, NaN when there are
        none) and ``meta_loss`` (unweighted loss on the whole meta split).

    See Also
    --------
    skorch.classifier.NeuralNetClassifier : The skorch net this extends.
    sklearn.neural_network.MLPClassifier : scikit-learn's own MLP.

    Notes
    -----
    For a sample with softmax output ``s`` and observed label ``y``::

        W_alpha = sigmoid(alpha * s[y] - max(s))
        W_beta  = sigmoid(-(beta * s[y] - max(s)))
        W_delta = exp(-(delta * s[y] - max(s))**2 / 2)

    and the batch loss is the mean of ``(W_alpha + W_beta + W_delta) * CE``.
    After each training batch, alpha, beta, delta take one step of gradient
    descent (with weight decay) on the same weighted loss of one random meta
    batch, with the model frozen.

    References
    ----------
    .. [1] A. Moturu, A. Muzammil, A. Goldenberg, B. Taati. "LiLAW: Lightweight
       Learnable Adaptive Weighting to Meta-Learn Sample Difficulty, Improve
       Noisy Training, Increase Fairness, and Effectively Use Synthetic Data",
       arXiv:2509.20786, 2025.
    .. [2] "Sample Reweighting to Effectively Use Synthetic Data during Model
       Training", ICLR 2026 submission (withdrawn).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_lilaw import LiLAWClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> is_synthetic = np.arange(len(y)) % 3 == 0   # pretend a third is synthetic
    >>> clf = LiLAWClassifier(max_epochs=30, lr=0.01, random_state=0)
    >>> clf.fit(X, y, sample_origin=is_synthetic).score(X, y) > 0.8
    True
    >>> sorted(clf.lilaw_params_)
    ['alpha', 'beta', 'delta']
    >>> len(clf.history[:, "alpha"])
    30
    """

    def __init__(
        self,
        module=None,
        *,
        hidden_layer_sizes=(100,),
        alpha=10.0,
        beta=2.0,
        delta=6.0,
        meta_lr=0.005,
        meta_weight_decay=1e-4,
        warmup_epochs=1,
        meta_size=0.05,
        meta_origin=None,
        detach_weights=False,
        lilaw=True,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        max_epochs=100,
        batch_size=128,
        train_split=None,
        iterator_train=TensorBatchIterator,
        iterator_valid=TensorBatchIterator,
        callbacks=None,
        classes=None,
        warm_start=False,
        device="cpu",
        verbose=0,
        random_state=None,
        **kwargs,
    ):
        super().__init__(
            module,
            hidden_layer_sizes=hidden_layer_sizes,
            alpha=alpha,
            beta=beta,
            delta=delta,
            meta_lr=meta_lr,
            meta_weight_decay=meta_weight_decay,
            warmup_epochs=warmup_epochs,
            meta_size=meta_size,
            meta_origin=meta_origin,
            detach_weights=detach_weights,
            lilaw=lilaw,
            random_state=random_state,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            iterator_train=iterator_train,
            iterator_valid=iterator_valid,
            callbacks=callbacks,
            classes=classes,
            warm_start=warm_start,
            device=device,
            verbose=verbose,
            **kwargs,
        )

    @property
    def _default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            (
                "valid_acc",
                EpochScoring(
                    _accuracy_on_encoded, name="valid_acc", lower_is_better=False
                ),
            ),
            ("print_log", PrintLog()),
        ]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags

    # -- task hooks ---------------------------------------------------------
    def _y_validation_kwargs(self):
        return {"multi_output": False}

    def _validate_targets(self, y, *, reset, classes=None):
        check_classification_targets(y)
        if reset:
            if self.classes is not None and len(self.classes):
                labels = np.asarray(self.classes)
            elif classes is not None:
                labels = np.asarray(classes)
            else:
                labels = np.unique(y)
            if labels.shape[0] < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes in y; "
                    f"got {labels.shape[0]} class."
                )
            self.classes_inferred_ = labels
        labels = self.classes_
        sorter = np.argsort(labels)  # ``classes`` may be given in any order
        position = np.searchsorted(labels, y, sorter=sorter)
        encoded = sorter[np.clip(position, 0, labels.shape[0] - 1)]
        unknown = labels[encoded] != y
        if unknown.any():
            raise ValueError(
                f"y contains labels not among the classes {labels.tolist()[:10]}: "
                f"{np.unique(y[unknown]).tolist()[:5]}."
            )
        return encoded.astype(np.int64), encoded

    def _meta_min_size(self):
        return len(self.classes_)

    def _n_outputs(self):
        return len(self.classes_)

    def _lilaw_weights(self, y_pred, y_true, alpha, beta, delta):
        return multiclass_weights(y_pred, y_true, alpha, beta, delta)

    # -- prediction ---------------------------------------------------------
    def predict_proba(self, X):
        """Return class probabilities, shape (n_samples, n_classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Softmax of the module's logits, in the order of ``classes_``.
        """
        X = self._validate_X_predict(X)
        return super().predict_proba(X).astype(np.float64)

    def predict(self, X):
        """Return the most probable class label of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Input data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        best = self.predict_proba(X).argmax(axis=1)
        return self.classes_[best]
