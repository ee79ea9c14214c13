"""Multi-label classification with LiLAW."""

import numpy as np
import torch
from sklearn.base import ClassifierMixin, MultiOutputMixin
from sklearn.utils.multiclass import check_classification_targets
from skorch import NeuralNet
from skorch.dataset import Dataset

from ._engine import LiLAWMixin
from ._engine._docs import fill_doc, init_arguments
from ._engine._labels import check_two_classes, encode_labels
from ._engine._params import TASK_CONSTRAINTS
from .data import TensorBatchIterator
from .weights import multilabel_scores

__all__ = ["LiLAWMultiLabelClassifier"]


def _label_set_keys(Y):
    """One integer per distinct row of an indicator matrix, to stratify on."""
    _, keys = np.unique(Y, axis=0, return_inverse=True)
    return keys.reshape(-1)


@fill_doc("")
class LiLAWMultiLabelClassifier(
    LiLAWMixin, MultiOutputMixin, ClassifierMixin, NeuralNet
):
    """Multi-label neural-network classifier that learns how much synthetic rows count.

    Each sample may carry any number of ``c`` labels, given as a binary
    indicator matrix ``Y`` of shape (n_samples, c). The module outputs one
    logit per label and the loss is binary cross-entropy (mean over labels,
    per sample).

    %(synthetic_rows)s

    With LiLAW, each sample's weight compares the mean probability of its
    observed labels with the mean of as many of the largest probabilities
    (:func:`~sklearn_lilaw.weights.multilabel_weights`).

    A 1-d ``y`` of class labels is also accepted (as scikit-learn's
    ``MLPClassifier`` does): it is one-hot encoded, trained the same way, and
    ``predict`` returns the most probable class label.

    Parameters
    ----------
    %(lilaw_parameters)s
    criterion : torch loss class, default=torch.nn.BCEWithLogitsLoss
        Per-sample, per-label loss on logits; built with ``reduction='none'``
        and averaged over labels.
    threshold : float, default=0.5
        A label is predicted where its probability is at least ``threshold``.
    %(training_parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_labels,)
        ``np.arange(n_labels)`` for indicator targets; the class labels for a
        1-d ``y``.
    %(fitted_attributes)s

    See Also
    --------
    LiLAWClassifier : One label per sample (softmax and cross-entropy).
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP, which also
        takes indicator targets.

    Notes
    -----
    The meta split is stratified on the label set (each distinct row of
    ``Y``) where every label set has two allowed rows, and drawn at random
    otherwise. A sample with no positive label is weighted on its negatives
    (see :func:`~sklearn_lilaw.weights.multilabel_weights`).

    References
    ----------
    %(references)s

    Examples
    --------
    Three labels derived from the digits (even, greater than 4, prime):

    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.metrics import f1_score
    >>> from sklearn_lilaw import LiLAWMultiLabelClassifier
    >>> X, digit = load_digits(return_X_y=True)
    >>> Y = np.c_[digit %% 2 == 0, digit > 4, np.isin(digit, [2, 3, 5, 7])]
    >>> clf = LiLAWMultiLabelClassifier(max_epochs=20, lr=0.01, random_state=0)
    >>> clf.fit(X / 16, Y.astype(int)).predict(X[:2] / 16)
    array([[1, 0, 0],
           [0, 0, 0]])
    >>> f1_score(Y, clf.predict(X / 16), average="macro") > 0.8
    True
    """

    _parameter_constraints = {
        **LiLAWMixin._parameter_constraints,
        "threshold": TASK_CONSTRAINTS["threshold"],
    }
    _task_params = ("threshold",)

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
        meta_batch_size=None,
        meta_origin=None,
        detach_weights=False,
        lilaw=False,
        synthesizer=None,
        synthetic_weight="auto",
        synthetic_weight_lr="auto",
        synthetic_weight_interval=4,
        refit="auto",
        criterion=torch.nn.BCEWithLogitsLoss,
        threshold=0.5,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        max_epochs=100,
        batch_size=128,
        train_split=None,
        iterator_train=TensorBatchIterator,
        iterator_valid=TensorBatchIterator,
        callbacks=None,
        warm_start=False,
        device="cpu",
        verbose=0,
        random_state=None,
        predict_nonlinearity="auto",
        compile=False,
        use_caching="auto",
        torch_load_kwargs=None,
        dataset=Dataset,
        **kwargs,
    ):
        super().__init__(**init_arguments(locals()))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        return tags

    # -- task hooks ---------------------------------------------------------
    def _y_validation_kwargs(self):
        return {"multi_output": True}

    def _validate_targets(self, y, *, reset, classes=None):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()  # one target column: class labels, as a 1-d y
        if y.ndim == 2:
            if not np.isin(y, (0, 1)).all():
                raise ValueError(
                    "Multi-label targets must be a binary indicator matrix of 0/1 "
                    f"values; got values {np.unique(y)[:5].tolist()}."
                )
            labels = np.arange(y.shape[1])
            encoded = y.astype(np.float32)
            one_hot = False
        else:
            check_classification_targets(y)
            labels = np.unique(y) if reset else self.classes_
            encoded = np.eye(len(labels), dtype=np.float32)[encode_labels(y, labels)]
            one_hot = True
        if reset:
            if one_hot:
                check_two_classes(labels, self)
            self.classes_ = labels
            self.one_hot_targets_ = one_hot
        elif one_hot != self.one_hot_targets_ or len(labels) != len(self.classes_):
            raise ValueError(
                "y has a different format or number of labels than in the first fit."
            )
        return encoded, self._stratify_labels(encoded)

    def _stratify_labels(self, y):
        return _label_set_keys(y)

    def _meta_min_size(self):
        return len(self.classes_) if self.one_hot_targets_ else 1

    def _n_outputs(self):
        return len(self.classes_)

    def _strata(self, y_true):
        return y_true  # synthetic rows are compared with real rows of their class

    def _score_function(self, device):
        return multilabel_scores

    # -- prediction ---------------------------------------------------------
    def predict_proba(self, X):
        """Return the probability of each label, shape (n_samples, n_labels).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels)
            Sigmoid of the module's logits. For a model fitted on a 1-d ``y``,
            each row is normalised to sum to 1 over ``classes_``.
        """
        proba = self._predict_transformed(X, torch.sigmoid)
        if getattr(self, "one_hot_targets_", False):
            proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict(self, X):
        """Return the predicted labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Input data.

        Returns
        -------
        y_pred : ndarray
            A 0/1 indicator matrix of shape (n_samples, n_labels), with 1
            where the probability is at least ``threshold``; for a model
            fitted on a 1-d ``y``, the most probable class label per row.
        """
        proba = self.predict_proba(X)
        if getattr(self, "one_hot_targets_", False):
            return self.classes_[proba.argmax(axis=1)]
        return (proba >= self.threshold).astype(np.int64)
