"""Docstring sections shared by the three estimators, kept in one place.

An estimator's docstring names a section as ``%(name)s``; :func:`fill_doc`
substitutes it when the class is defined.
"""

__all__ = ["fill_doc", "init_arguments"]

_SECTIONS = {
    "lilaw_parameters": """\
module : torch.nn.Module class or instance, default=None
        The network. None builds an :class:`~sklearn_lilaw.nets.MLP` at fit time.
        A module class whose ``__init__`` takes ``n_features_in`` (the values
        of a row, flattened), ``n_outputs`` or ``input_shape`` (the shape of a
        row) gets them from the data; set its other parameters with
        ``module__name=value``.
    hidden_layer_sizes : tuple of int, default=(100,)
        Hidden layers of the default MLP (ignored when ``module`` is given).
    alpha, beta, delta : float, default=10.0, 2.0, 6.0
        Initial LiLAW parameters (the paper's defaults). Every meta step ends
        by setting alpha to at least 1 and delta to at least beta.
    meta_lr : float, default=0.005
        Learning rate of the meta step (plain gradient descent).
    meta_weight_decay : float, default=1e-4
        Weight decay of the meta step.
    warmup_epochs : int, default=1
        Epochs of plain, unweighted training before LiLAW starts.
    meta_size : float or int, default=0.05
        Size of the meta split, held out of training: a fraction of the rows
        passed to ``fit`` (rounded up%(meta_minimum)s) or a count.
    meta_batch_size : int or None, default=None
        Rows per meta batch (one meta batch per training batch). None uses
        the training batch size (``iterator_train__batch_size``, else
        ``batch_size``); a meta split smaller than that is used whole.
    meta_origin : {'real', 'synthetic', 'any'} or None, default=None
        Rows the meta split may come from. None means ``'real'`` when
        ``sample_origin`` marks some rows synthetic, else ``'any'``.
    detach_weights : bool, default=False
        If True, the model gets no gradient through the weights. The paper
        does not detach them.
    lilaw : bool, default=False
        True weights every row by the paper's LiLAW (alpha, beta, delta,
        learned on a meta split held out of training). False trains without
        it: the unweighted mean loss, times ``synthetic_weight`` on synthetic
        rows. The default is False because LiLAW did not help in the
        package's benchmarks (``benchmarks/results/synthetic.md``); the
        paper's exact method is ``lilaw=True, synthetic_weight=1.0``.
    synthesizer : object, callable or None, default=None
        Makes synthetic rows inside ``fit``, from the real training rows only
        (never from the meta split), so that cross-validation does not leak:
        an object with ``fit_resample(X, y)`` returning the input rows
        followed by new ones (imbalanced-learn's over-samplers,
        :class:`~sklearn_lilaw.synthesizers.ImblearnSynthesizer`,
        :class:`~sklearn_lilaw.synthesizers.GaussianMixtureSynthesizer`,
        :class:`~sklearn_lilaw.synthesizers.GaussianAugmenter`), or a callable
        ``(X, y, random_state) -> (X_new, y_new)``, or a generator with
        ``fit``/``sample`` (wrapped in
        :class:`~sklearn_lilaw.synthesizers.GeneratorSynthesizer`). It is
        cloned and seeded from ``random_state``; it sees the rows as given to
        ``fit`` (a DataFrame keeps its columns, labels stay the user's). The
        new rows are marked synthetic.
        Under ``meta_origin='synthetic'`` the meta split is drawn from the
        synthetic rows after the synthesizer ran; otherwise before, and its
        rows are never shown to the synthesizer.
    synthetic_weight : float or 'auto', default='auto'
        Factor on the loss of synthetic rows. A number is a fixed factor (1 =
        no down-weighting, as in the paper). ``'auto'`` learns it: synthetic
        rows get ``w_s = 2 * sigmoid(gamma)``, 1 at the start and never above
        1, normalised by its mean over each batch, and gamma follows the
        one-step look-ahead gradient of the loss on a meta split of real
        rows, taken on the module's last ``nn.Linear`` (whose output must be
        the module's output). Combines with the LiLAW weights. Without
        synthetic rows (no ``sample_origin``, no ``synthesizer``) it does
        nothing and holds no meta split out.
    synthetic_weight_lr : float or 'auto', default='auto'
        Learning rate of gamma (Adam) for ``synthetic_weight='auto'``. Adam
        moves gamma by about its rate per step, in a direction that is
        noisy, and can be steadily wrong, for rows as good as real ones, so
        the more steps a fit takes at a given rate, the further good rows'
        weight can drift below 1. ``'auto'`` divides 4 by the number of
        gamma's steps in the fit (``max_epochs`` times the training batches
        per epoch, over ``synthetic_weight_interval``): gamma can travel
        about 4 in any fit (``w_s`` down to about 0.04), whatever the data
        size. A number is the rate per step (0.02 was the default before
        ``'auto'``; see the user guide).
    synthetic_weight_interval : int, default=4
        Training batches per step of gamma for ``synthetic_weight='auto'``.
        gamma steps after every k-th batch only, from the look-ahead
        gradient of the k batches' rows taken together, against the meta
        batch at the current parameters: the meta batch's forward pass and
        gamma's step run once per k batches, which shortens the fit.
        ``synthetic_weight_lr='auto'`` keeps gamma's travel the same
        whatever k (a numeric rate should rise with it). 4 was chosen on
        development splits over 1 (a step after every batch): it lost no
        cell to the naive mix where 1 lost two, and it is faster; good
        rows' weight drifts a little lower (see the user guide).
    refit : bool or 'auto', default='auto'
        After the fit, train again from scratch on every row (the meta split
        back in) with the learned weights frozen: ``w_s`` and, with LiLAW,
        alpha, beta, delta. Twice the training time. ``'auto'`` refits when
        ``synthetic_weight='auto'`` learned a weight (the benchmark's best
        setting); ``partial_fit`` and warm-started fits never refit. The
        refit trains on the rows of a plain fit
        (``lilaw=False, synthetic_weight=1.0``): with a ``synthesizer``, it
        runs the synthesizer again, with the same seed, on every real row.
        It restarts torch's RNG where the fit started it, so it draws the
        same initial weights and row order as that plain fit: a refit whose
        weights stayed 1 is the plain fit. A synthesizer that is slow to fit
        (a deep generator) costs that time twice; ``refit=False`` avoids it.""",
    "training_parameters": """\
optimizer : torch optimizer class, default=torch.optim.Adam
        Optimizer of the module's parameters (never of alpha, beta, delta),
        built with exactly the ``optimizer__*`` arguments given, as in
        skorch. On small networks on the CPU, ``optimizer__fused=True``
        (torch's one-kernel Adam) makes fits markedly faster; see the user
        guide.
    lr : float, default=1e-3
        Learning rate of ``optimizer``.
    max_epochs : int, default=100
        Number of epochs of each call to ``fit``.
    batch_size : int, default=128
        Rows per training batch and, unless ``meta_batch_size`` is set, per
        meta batch.
    train_split : callable or None, default=None
        skorch's internal validation split (e.g. ``skorch.dataset.ValidSplit``),
        for validation scores and early stopping. None: no validation split
        (the meta split already holds data out).
    iterator_train, iterator_valid : class, default=TensorBatchIterator
        Batch iterators (:class:`~sklearn_lilaw.data.TensorBatchIterator`
        keeps the rows on the training device); ``torch.utils.data.DataLoader``
        also works. Training batches are shuffled unless
        ``iterator_train__shuffle=False``.
    callbacks : list or None, default=None
        skorch callbacks, e.g. ``EarlyStopping(monitor="meta_loss")``.
    warm_start : bool, default=False
        If True, ``fit`` continues from the current weights.
    device : {'cpu', 'cuda', 'auto'} or str, default='cpu'
        Where the module, criterion, LiLAW scalars and training data live.
        ``'auto'`` picks CUDA when available; asking for CUDA without it
        raises a ValueError.
    verbose : int, default=0
        skorch's per-epoch table is printed when > 0.
    random_state : int, RandomState instance or None, default=None
        Seeds module initialisation, shuffling, the meta split, the meta
        batches and the synthesizer; the fit then runs in a forked torch RNG
        and leaves the global one unchanged. None draws from torch's global
        RNG, as skorch does: ``torch.manual_seed`` before ``fit`` reproduces
        the fit.
    predict_nonlinearity : callable, 'auto' or None, default='auto'
        Applied to the module's output by ``predict_proba`` / ``predict``;
        'auto' is the task's link (softmax, sigmoid, or none for regression).
    compile, use_caching, torch_load_kwargs : default=False, 'auto', None
        As in skorch.
    dataset : class, default=skorch.dataset.Dataset
        skorch's dataset parameter, kept for compatibility: the LiLAW
        estimators wrap rows in :class:`~sklearn_lilaw.data.LiLAWDataset`.
    **kwargs
        Other skorch parameters, e.g. ``module__dropout=0.1``,
        ``optimizer__weight_decay=1e-4``, ``iterator_train__drop_last=True``.""",
    "fitted_attributes": """\
n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    module_ : torch.nn.Module
        The trained network.
    meta_indices_ : ndarray of int
        Positions (in the ``X`` given to ``fit``) of the meta split; empty
        when nothing is learned from one (``lilaw=False`` and no synthetic
        weight to learn). With a ``synthesizer`` and
        ``meta_origin='synthetic'``, positions from ``len(X)`` on are rows
        the synthesizer made.
    n_train_samples_ : int
        Rows trained on in the last training run: those outside the meta
        split, or every row after a refit (rows made by ``synthesizer``
        included).
    n_synthetic_ : int
        Rows made by ``synthesizer`` for the last training run (0 without
        one): after a refit, those made from every real row.
    synthesizer_ : object
        The fitted synthesizer of the last training run (only with a
        ``synthesizer``).
    lilaw_params_ : dict
        Final ``{"alpha": ..., "beta": ..., "delta": ...}`` (LiLAW fits only).
    synthetic_weight_ : float
        The factor of synthetic rows: learned with ``synthetic_weight='auto'``,
        else the one given.
    lilaw_state_ : torch.nn.Module
        alpha, beta, delta (buffer ``scalars``) and gamma (buffer ``gamma``)
        on ``device``; skorch saves it with ``save_params(f_lilaw_state=...)``.
    history : skorch.history.History
        Per epoch: ``train_loss``, ``dur`` and (recorded by the
        ``'lilaw_history'`` callback) with LiLAW ``alpha``, ``beta``,
        ``delta``, ``weight_real``, ``weight_synthetic`` (mean weight of the
        real / synthetic rows trained on, NaN when there are none); with
        ``synthetic_weight='auto'`` ``synthetic_weight`` (``w_s``); with a
        meta split ``meta_loss`` and ``meta_loss_best`` (unweighted loss on
        the whole meta split; also as ``valid_loss`` when ``train_split`` is
        None, for skorch's ``EarlyStopping`` and ``Checkpoint``); in fits
        with a refit, ``refit`` (whether the epoch belongs to it).""",
    "synthetic_rows": """\
Built for real data mixed with synthetic (generated or augmented) rows:
    ``sample_origin`` marks which rows are synthetic, or a ``synthesizer``
    makes them inside ``fit``. By default (``synthetic_weight='auto'``) the
    synthetic rows' loss is weighted by ``w_s``, learned from a meta split of
    real rows held out of training (a one-step look-ahead on the last linear
    layer), and the network is then trained again on every row with ``w_s``
    frozen (``refit='auto'``). ``lilaw=True`` adds the paper's LiLAW weights;
    ``lilaw=True, synthetic_weight=1.0`` is the paper's method.""",
    "references": """\
.. [1] A. Moturu, A. Muzammil, A. Goldenberg, B. Taati. "LiLAW: Lightweight
       Learnable Adaptive Weighting to Meta-Learn Sample Difficulty, Improve
       Noisy Training, Increase Fairness, and Effectively Use Synthetic Data",
       arXiv:2509.20786, 2025.
    .. [2] "Sample Reweighting to Effectively Use Synthetic Data during Model
       Training", ICLR 2026 submission (withdrawn).""",
}


def fill_doc(meta_minimum):
    """Class decorator: put the shared sections into the class docstring.

    Parameters
    ----------
    meta_minimum : str
        What a fractional ``meta_size`` is raised to, e.g. ", and at least one
        row per class", or "" for no minimum.
    """

    def decorate(cls):
        sections = dict(_SECTIONS, meta_minimum=meta_minimum)
        sections["lilaw_parameters"] = sections["lilaw_parameters"].replace(
            "%(meta_minimum)s", meta_minimum
        )
        cls.__doc__ = cls.__doc__ % sections
        return cls

    return decorate


def init_arguments(frame_locals):
    """The arguments an estimator's ``__init__`` received, ``**kwargs`` merged.

    Lets each estimator spell out its full signature (as scikit-learn wants)
    and pass it on without listing every name a second time.
    """
    skip = {"self", "kwargs", "__class__"}
    arguments = {k: v for k, v in frame_locals.items() if k not in skip}
    arguments.update(frame_locals.get("kwargs", {}))
    return arguments
