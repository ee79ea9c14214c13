"""LiLAWClassifier with StackedLSTM inside aeon's and sktime's classifier wrappers.

What each library hands the scikit-learn estimator (read from aeon 1.6 and
sktime 1.2, checked here):

- aeon ``SklearnClassifierWrapper``: univariate only, ``(n, T)``.
- aeon ``ClassifierPipeline([], clf)``: univariate only, ``(n, 1, T)``.
- aeon ``ClassifierPipeline(Tabularizer(), clf)``: univariate and
  multivariate, ``(n, C * T)``, channel after channel.
- sktime ``SklearnClassifierPipeline(clf, [Id()])``: univariate and
  multivariate, ``(n, C * T)``, channel after channel (numpy3D or
  pd-multiindex input alike).

Flattened rows are read back as ``C`` channels by
``module__channels_first=True, module__input_size=C``; the row length alone
cannot tell ``C``. ``fit(X, y)`` of both libraries takes no other argument,
so ``sample_origin`` cannot reach the estimator; ``synthesizer=`` can.
"""

import numpy as np
import pytest
import torch
from aeon.classification.compose import ClassifierPipeline
from aeon.classification.sklearn import SklearnClassifierWrapper
from aeon.transformations.collection import Tabularizer
from sktime.classification.compose import SklearnClassifierPipeline
from sktime.datatypes import convert_to
from sktime.transformations.compose import Id

from sklearn_lilaw import LiLAWClassifier
from sklearn_lilaw.nets import StackedLSTM
from sklearn_lilaw.synthesizers import GaussianAugmenter

N_TRAIN, N_TIMESTEPS = 80, 12


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    """One intra-op thread: these LSTMs are too small to gain from more, and
    on a busy machine the thread pool's waits cost more than the fits."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class RecordingLSTM(StackedLSTM):
    """StackedLSTM that records the row shapes it and its LSTM receive."""

    # The estimators fill the arguments they find in the signature.
    def __init__(self, n_outputs, input_shape=None, **kwargs):
        super().__init__(n_outputs, input_shape=input_shape, **kwargs)
        self.module_rows = set()  # X.shape[1:] given to forward
        self.lstm_rows = set()  # (n_timesteps, channels) given to the nn.LSTM
        self.lstm.register_forward_pre_hook(self._record_lstm_input)

    def _record_lstm_input(self, lstm, args):
        self.lstm_rows.add(tuple(args[0].shape[1:]))

    def forward(self, X):
        self.module_rows.add(tuple(X.shape[1:]))
        return super().forward(X)


def make_series(n_channels, n_samples=120, seed=0):
    """Noisy ramps, ``(n, channels, T)`` (aeon's and sktime's numpy3D layout).

    Class 1 rises, class 0 falls; channel ``c`` has slope ``(c + 1) / C`` so
    that the channels differ. Returns the first ``N_TRAIN`` rows for training
    and the rest for testing.
    """
    rng = np.random.RandomState(seed)
    y = np.arange(n_samples) % 2
    sign = np.where(y == 1, 1.0, -1.0)[:, None, None]
    scale = (np.arange(n_channels) + 1.0)[None, :, None] / n_channels
    ramp = sign * scale * np.linspace(-1, 1, N_TIMESTEPS)
    X = ramp + 0.3 * rng.standard_normal((n_samples, n_channels, N_TIMESTEPS))
    X = X.astype(np.float32)
    return X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:]


def lstm_classifier(**params):
    """A small, fast, seeded LiLAWClassifier with the recording StackedLSTM."""
    defaults = dict(
        module=RecordingLSTM,
        module__hidden_size=8,
        module__channels_first=True,  # aeon's and sktime's layout
        max_epochs=15,
        lr=0.02,
        batch_size=32,
        random_state=0,
    )
    return LiLAWClassifier(**{**defaults, **params})


def fitted_lilaw(pipeline):
    """The fitted LiLAWClassifier inside an aeon or sktime wrapper."""
    if hasattr(pipeline, "classifier_"):  # aeon's wrapper, sktime's pipeline
        return pipeline.classifier_
    return pipeline.steps_[-1][1]  # aeon's ClassifierPipeline


def module_proba(clf, X):
    """Softmax of the fitted module's output on ``X`` given directly."""
    module = clf.module_.eval()
    with torch.no_grad():
        return torch.softmax(module(torch.from_numpy(X)).double(), dim=1).numpy()


def check_fit(pipeline, X_test, y_test, *, module_rows, n_channels):
    """Shapes seen, the LSTM's channels, predictions, above-chance accuracy."""
    clf = fitted_lilaw(pipeline)
    assert isinstance(clf, LiLAWClassifier)
    assert clf.module_.module_rows == {module_rows}
    assert clf.module_.lstm.input_size == n_channels
    # Whatever the library passed, the LSTM read T steps of C channels.
    assert clf.module_.lstm_rows == {(N_TIMESTEPS, n_channels)}
    y_pred = pipeline.predict(X_test)
    assert y_pred.shape == (len(X_test),)
    proba = pipeline.predict_proba(X_test)
    assert proba.shape == (len(X_test), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    # The rows the library flattened are the 3-d series, channels first:
    # the module on the original (n, C, T) data gives the same probabilities.
    np.testing.assert_allclose(proba, module_proba(clf, X_test), rtol=1e-5, atol=1e-6)
    assert np.mean(y_pred == y_test) > 0.85  # chance is 0.5
    return clf


# ----------------------------------------------------------------------
# aeon
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_pipeline, module_rows",
    [
        (lambda clf: ClassifierPipeline(Tabularizer(), clf), (N_TIMESTEPS,)),
        (lambda clf: ClassifierPipeline([], clf), (1, N_TIMESTEPS)),
        (lambda clf: SklearnClassifierWrapper(clf), (N_TIMESTEPS,)),
    ],
    ids=["ClassifierPipeline-Tabularizer", "ClassifierPipeline", "Wrapper"],
)
def test_aeon_univariate(make_pipeline, module_rows):
    X, y, X_test, y_test = make_series(n_channels=1)
    pipeline = make_pipeline(lstm_classifier()).fit(X, y)
    check_fit(pipeline, X_test, y_test, module_rows=module_rows, n_channels=1)


def test_aeon_univariate_2d_input():
    # aeon takes (n, T) for univariate series too.
    X, y, X_test, y_test = make_series(n_channels=1)
    pipeline = ClassifierPipeline(Tabularizer(), lstm_classifier(max_epochs=1))
    pipeline.fit(X[:, 0], y)
    assert fitted_lilaw(pipeline).module_.module_rows == {(N_TIMESTEPS,)}
    assert pipeline.predict(X_test[:, 0]).shape == (len(X_test),)


def test_aeon_multivariate():
    X, y, X_test, y_test = make_series(n_channels=3)
    clf = lstm_classifier(module__input_size=3)
    pipeline = ClassifierPipeline(Tabularizer(), clf).fit(X, y)
    clf = check_fit(
        pipeline, X_test, y_test, module_rows=(3 * N_TIMESTEPS,), n_channels=3
    )
    assert clf.n_features_in_ == 3 * N_TIMESTEPS


@pytest.mark.parametrize(
    "make_pipeline",
    [
        lambda clf: ClassifierPipeline([], clf),
        lambda clf: SklearnClassifierWrapper(clf),
    ],
    ids=["ClassifierPipeline", "Wrapper"],
)
def test_aeon_refuses_multivariate_without_tabularizer(make_pipeline):
    # aeon marks a pipeline ending in a scikit-learn estimator univariate
    # unless a multivariate transformer with tabular output (Tabularizer)
    # comes first; it checks before the estimator is fitted.
    X, y, _, _ = make_series(n_channels=3)
    with pytest.raises(ValueError, match="multivariate"):
        make_pipeline(lstm_classifier()).fit(X, y)


def test_aeon_classifier_pipeline_needs_channels_first():
    # Without channels_first, aeon's (n, 1, T) rows would be one time step of
    # T channels; StackedLSTM warns.
    X, y, _, _ = make_series(n_channels=1)
    clf = lstm_classifier(module__channels_first=False, max_epochs=1)
    with pytest.warns(UserWarning, match="channels_first=True"):
        pipeline = ClassifierPipeline([], clf).fit(X, y)
    assert fitted_lilaw(pipeline).module_.lstm_rows == {(1, N_TIMESTEPS)}


# ----------------------------------------------------------------------
# sktime
# ----------------------------------------------------------------------
def test_sktime_univariate():
    X, y, X_test, y_test = make_series(n_channels=1)
    pipeline = SklearnClassifierPipeline(lstm_classifier(), [Id()]).fit(X, y)
    check_fit(pipeline, X_test, y_test, module_rows=(N_TIMESTEPS,), n_channels=1)


def test_sktime_multivariate():
    X, y, X_test, y_test = make_series(n_channels=3)
    clf = lstm_classifier(module__input_size=3)
    pipeline = SklearnClassifierPipeline(clf, [Id()]).fit(X, y)
    check_fit(pipeline, X_test, y_test, module_rows=(3 * N_TIMESTEPS,), n_channels=3)
    # pandas input (pd-multiindex: one row per instance and time point, one
    # column per channel) reaches the estimator in the same layout.
    X_frame = convert_to(X_test, to_type="pd-multiindex")
    np.testing.assert_allclose(
        pipeline.predict_proba(X_frame), pipeline.predict_proba(X_test), rtol=1e-6
    )


def test_sktime_multivariate_without_input_size_is_one_long_channel():
    # The limitation: the flattened rows do not tell the channels, so without
    # module__input_size the LSTM reads one channel of C * T steps.
    X, y, _, _ = make_series(n_channels=3)
    clf = lstm_classifier(max_epochs=1)
    pipeline = SklearnClassifierPipeline(clf, [Id()]).fit(X, y)
    module = fitted_lilaw(pipeline).module_
    assert module.lstm.input_size == 1
    assert module.lstm_rows == {(3 * N_TIMESTEPS, 1)}


# ----------------------------------------------------------------------
# synthetic rows: synthesizer= passes through, sample_origin cannot
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_pipeline",
    [
        lambda clf: ClassifierPipeline(Tabularizer(), clf),
        lambda clf: SklearnClassifierPipeline(clf, [Id()]),
    ],
    ids=["aeon", "sktime"],
)
def test_synthesizer_passes_through(make_pipeline):
    X, y, X_test, y_test = make_series(n_channels=3)
    clf = lstm_classifier(
        module__input_size=3, synthesizer=GaussianAugmenter(fraction=0.5)
    )
    pipeline = make_pipeline(clf).fit(X, y)
    clf = check_fit(
        pipeline, X_test, y_test, module_rows=(3 * N_TIMESTEPS,), n_channels=3
    )
    # The augmenter ran inside fit (on the real rows outside the meta split
    # that synthetic_weight='auto' holds out), then again for refit='auto',
    # on every real row: the rows the final model was trained on.
    assert len(clf.meta_indices_) > 0
    assert clf.n_synthetic_ == int(np.floor(0.5 * N_TRAIN + 0.5))
    assert clf.n_train_samples_ == N_TRAIN + clf.n_synthetic_
    assert clf.synthesizer_.sample_origin_.sum() == clf.n_synthetic_
    assert 0 < clf.synthetic_weight_ <= 1


@pytest.mark.parametrize(
    "pipeline",
    [
        ClassifierPipeline(Tabularizer(), LiLAWClassifier()),
        SklearnClassifierWrapper(LiLAWClassifier()),
        SklearnClassifierPipeline(LiLAWClassifier(), [Id()]),
    ],
    ids=["aeon-ClassifierPipeline", "aeon-Wrapper", "sktime"],
)
def test_sample_origin_does_not_pass_through(pipeline):
    X, y, _, _ = make_series(n_channels=1)
    with pytest.raises(TypeError, match="sample_origin"):
        pipeline.fit(X, y, sample_origin=np.zeros(len(X), dtype=bool))
