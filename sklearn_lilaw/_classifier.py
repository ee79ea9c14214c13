"""Multi-class classification with LiLAW."""

import numpy as np
import torch
from sklearn.utils.multiclass import check_classification_targets
from skorch import NeuralNetClassifier
from skorch.callbacks import EpochScoring
from skorch.dataset import Dataset
from skorch.utils import to_numpy

from ._engine import LiLAWMixin
from ._engine._docs import fill_doc, init_arguments
from ._engine._labels import check_two_classes, encode_labels
from ._engine._params import TASK_CONSTRAINTS
from .data import TensorBatchIterator
from .weights import multiclass_scores

__all__ = ["LiLAWClassifier"]


def _accuracy_on_encoded(net, X, y):
    """Validation accuracy; the validation ``y`` holds encoded class indices."""
    return float(np.mean(net.predict_proba(X).argmax(axis=1) == to_numpy(y)))


@fill_doc(", and at least one row per class")
class LiLAWClassifier(LiLAWMixin, NeuralNetClassifier):
    """Neural-network classifier that learns how much synthetic rows count.

    A skorch :class:`~skorch.classifier.NeuralNetClassifier` (cross-entropy
    on logits).

    %(synthetic_rows)s

    With LiLAW, the loss weighs every sample by ``W = W_alpha + W_beta +
    W_delta`` (easy, hard and moderate) with three scalars alpha, beta, delta
    learned by one gradient step on a meta batch after every training batch
    (Algorithm 1 of LiLAW; see Notes).

    Parameters
    ----------
    %(lilaw_parameters)s
    criterion : torch loss class, default=torch.nn.CrossEntropyLoss
        Per-sample loss on logits; built with ``reduction='none'``.
    classes : array-like or None, default=None
        All class labels; None infers them from ``y``.
    %(training_parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    %(fitted_attributes)s

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
    %(references)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_lilaw import LiLAWClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> rng = np.random.RandomState(0)
    >>> X_syn = X + 0.1 * rng.randn(*X.shape)  # jittered copies...
    >>> y_syn = rng.permutation(y)  # ...with shuffled labels
    >>> X_all, y_all = np.r_[X, X_syn], np.r_[y, y_syn]
    >>> is_synthetic = np.r_[np.zeros(150, bool), np.ones(150, bool)]
    >>> clf = LiLAWClassifier(max_epochs=60, lr=0.01, random_state=0)
    >>> clf.fit(X_all, y_all, sample_origin=is_synthetic).score(X, y) > 0.8
    True
    >>> clf.synthetic_weight_ < 0.5  # a synthetic row counts less than a real one
    True
    >>> paper = LiLAWClassifier(lilaw=True, synthetic_weight=1.0, max_epochs=30)
    >>> sorted(paper.fit(X, y).lilaw_params_)
    ['alpha', 'beta', 'delta']
    """

    _parameter_constraints = {
        **LiLAWMixin._parameter_constraints,
        "classes": TASK_CONSTRAINTS["classes"],
    }

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
        predict_nonlinearity="auto",
        compile=False,
        use_caching="auto",
        torch_load_kwargs=None,
        dataset=Dataset,
        **kwargs,
    ):
        super().__init__(**init_arguments(locals()))

    @property
    def _default_callbacks(self):
        # skorch's accuracy compares predict() with y, but the validation y
        # holds encoded class indices here.
        accuracy = EpochScoring(
            _accuracy_on_encoded, name="valid_acc", lower_is_better=False
        )
        return [
            (name, accuracy if name == "valid_acc" else callback)
            for name, callback in super()._default_callbacks
        ]

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
            check_two_classes(labels, self)
            self.classes_inferred_ = labels
        encoded = encode_labels(y, self.classes_)
        return encoded, encoded

    def _stratify_labels(self, y):
        return y

    def _meta_min_size(self):
        return len(self.classes_)

    def _n_outputs(self):
        return len(self.classes_)

    def _strata(self, y_true):
        return y_true  # synthetic rows are compared with real rows of their class

    def _score_function(self, device):
        return multiclass_scores

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
            Softmax of the module's logits (or ``predict_nonlinearity`` of its
            output, when set), in the order of ``classes_``.
        """
        return self._predict_transformed(X, lambda logits: logits.softmax(dim=1))

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
