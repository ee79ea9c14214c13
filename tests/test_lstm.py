"""Tests of the stacked LSTM module, alone and inside the LiLAW estimators."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from sklearn_lilaw import LiLAWClassifier
from sklearn_lilaw.datasets import load_ecg5000
from sklearn_lilaw.nets import StackedLSTM


@pytest.fixture(scope="module")
def ecg_small():
    """Every 5th training heartbeat: 100 rows, 140 steps, 4 classes."""
    X, y = load_ecg5000(return_X_y=True)
    return X[::5], y[::5]


# ----------------------------------------------------------------------
# the module
# ----------------------------------------------------------------------
def test_output_shape_2d_input():
    net = StackedLSTM(n_outputs=5, hidden_size=8)
    out = net(torch.randn(7, 140))
    assert out.shape == (7, 5)
    assert out.dtype == torch.float32
    assert torch.isfinite(out).all()


def test_output_shape_3d_input():
    net = StackedLSTM(n_outputs=3, input_size=4, hidden_size=8)
    assert net(torch.randn(6, 25, 4)).shape == (6, 3)


def test_2d_input_is_one_channel():
    net = StackedLSTM(n_outputs=2, hidden_size=8)
    X = torch.randn(4, 10)
    torch.testing.assert_close(net(X), net(X.unsqueeze(-1)))


def test_float64_input_is_accepted():
    net = StackedLSTM(n_outputs=2, hidden_size=8)
    X = torch.randn(3, 10, dtype=torch.float64)
    torch.testing.assert_close(net(X), net(X.float()))


def test_architecture():
    net = StackedLSTM(n_outputs=5)
    assert net.lstm.num_layers == 2
    assert net.lstm.hidden_size == 64
    assert net.lstm.input_size == 1
    assert net.lstm.batch_first
    assert (net.head.in_features, net.head.out_features) == (64, 5)
    net = StackedLSTM(n_outputs=2, input_size=3, hidden_size=8, num_layers=3)
    assert (net.lstm.num_layers, net.lstm.input_size) == (3, 3)


def test_scores_come_from_the_last_time_step():
    # The output depends on the whole sequence only through the last hidden
    # state: equal to the head applied to the top layer's final output.
    net = StackedLSTM(n_outputs=3, hidden_size=8).eval()
    X = torch.randn(5, 12)
    outputs, _ = net.lstm(X.unsqueeze(-1))
    torch.testing.assert_close(net(X), net.head(outputs[:, -1]))
    # Changing an early step changes the scores (the LSTM carries it forward).
    X2 = X.clone()
    X2[:, 0] += 5
    assert not torch.allclose(net(X), net(X2))


def test_dropout():
    net = StackedLSTM(n_outputs=2, hidden_size=16, dropout=0.5)
    assert net.lstm.dropout == 0.5
    X = torch.randn(8, 10)
    net.eval()
    torch.testing.assert_close(net(X), net(X))  # no dropout at evaluation
    net.train()
    assert not torch.allclose(net(X), net(X))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns on dropout with one layer
        single = StackedLSTM(n_outputs=2, num_layers=1, dropout=0.5)
    assert single.lstm.dropout == 0.0


def test_signature_takes_n_outputs_not_n_features_in():
    import inspect

    params = inspect.signature(StackedLSTM).parameters
    assert "n_outputs" in params
    assert "n_features_in" not in params


@pytest.mark.parametrize("shape", [(4, 10, 2), (4,), (2, 3, 1, 1)])
def test_wrong_input_shape(shape):
    net = StackedLSTM(n_outputs=2)
    with pytest.raises(ValueError, match="StackedLSTM expects input of shape"):
        net(torch.zeros(shape))


def test_channels_first():
    net = StackedLSTM(n_outputs=2, input_size=3, hidden_size=8, channels_first=True)
    X = torch.randn(4, 3, 10)  # (n_samples, channels, n_timesteps)
    last = StackedLSTM(n_outputs=2, input_size=3, hidden_size=8)
    last.load_state_dict(net.state_dict())
    torch.testing.assert_close(net(X), last(X.transpose(1, 2)))
    # 2-d input is one channel in either layout.
    one = StackedLSTM(n_outputs=2, hidden_size=8, channels_first=True)
    X = torch.randn(4, 10)
    torch.testing.assert_close(one(X), one(X.unsqueeze(1)))


@pytest.mark.parametrize("channels_first", [True, False])
def test_flattened_rows_are_read_as_channels(channels_first):
    # With input_size=C, a 2-d row is the row of the 3-d layout flattened
    # (aeon's Tabularizer and sktime's SklearnClassifierPipeline give
    # channels-first rows so).
    net = StackedLSTM(
        n_outputs=2, input_size=3, hidden_size=8, channels_first=channels_first
    )
    X = torch.randn(4, 3, 10) if channels_first else torch.randn(4, 10, 3)
    torch.testing.assert_close(net(X.reshape(4, -1)), net(X))
    with pytest.raises(ValueError, match="or those rows flattened"):
        net(torch.randn(4, 31))  # 31 values are not 3 channels


@pytest.mark.parametrize(
    "kwargs, input_size",
    [
        ({"input_shape": (12,)}, 1),
        ({"input_shape": (12, 3)}, 3),
        ({"input_shape": (3, 12), "channels_first": True}, 3),
        ({"input_shape": (36,), "input_size": 3}, 3),
        ({"input_shape": (12, 3), "input_size": 2}, 2),  # given beats inferred
    ],
)
def test_input_size_from_input_shape(kwargs, input_size):
    assert StackedLSTM(n_outputs=2, **kwargs).lstm.input_size == input_size


def test_flattened_rows_must_divide_into_channels():
    with pytest.raises(ValueError, match="Rows of 31 values cannot be read"):
        StackedLSTM(n_outputs=2, input_size=3, input_shape=(31,))


def test_warns_on_one_time_step_of_many_channels():
    # aeon's ClassifierPipeline passes (n, 1, T): channels last, that is one
    # time step of T channels.
    with pytest.warns(UserWarning, match="channels_first=True"):
        net = StackedLSTM(n_outputs=2, input_shape=(1, 140))
    assert net.lstm.input_size == 140
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        StackedLSTM(n_outputs=2, input_shape=(1, 140), channels_first=True)
        StackedLSTM(n_outputs=2, input_shape=(1, 140), input_size=140)
        StackedLSTM(n_outputs=2, input_shape=(1, 1))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_outputs": 0}, "n_outputs must be an int >= 1"),
        ({"n_outputs": 2.0}, "n_outputs must be an int >= 1"),
        ({"n_outputs": 2, "hidden_size": 0}, "hidden_size must be"),
        ({"n_outputs": 2, "num_layers": 0}, "num_layers must be"),
        ({"n_outputs": 2, "input_size": True}, "input_size must be"),
        ({"n_outputs": 2, "dropout": 1.0}, r"dropout must be a float in \[0, 1\)"),
        ({"n_outputs": 2, "dropout": -0.1}, "dropout must be"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        StackedLSTM(**kwargs)


# ----------------------------------------------------------------------
# inside LiLAWClassifier
# ----------------------------------------------------------------------
def test_fit_on_ecg(ecg_small, paper):
    X, y = ecg_small
    clf = LiLAWClassifier(
        **paper,
        module=StackedLSTM,
        module__hidden_size=8,
        max_epochs=3,
        lr=0.01,
        batch_size=32,
        random_state=0,
    )
    clf.fit(X, y)
    # n_outputs comes from the classes; the channels from input_size, not
    # from n_features_in_ (which counts the 140 time steps).
    assert clf.n_features_in_ == 140
    assert clf.module_.lstm.input_size == 1
    assert clf.module_.head.out_features == 4
    proba = clf.predict_proba(X)
    assert proba.shape == (100, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert set(clf.predict(X)) <= set(clf.classes_)
    losses = clf.history[:, "train_loss"]
    assert len(losses) == 3 and np.all(np.isfinite(losses))
    assert len(clf.history[:, "alpha"]) == 3


def test_fit_is_deterministic(ecg_small):
    X, y = ecg_small
    params = dict(module=StackedLSTM, module__hidden_size=4, max_epochs=2)
    first = LiLAWClassifier(**params, random_state=0).fit(X, y).predict_proba(X)
    second = LiLAWClassifier(**params, random_state=0).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)


def test_learns_an_easy_sequence_task():
    # Class = sign of the slope of a noisy ramp; needs the whole sequence.
    rng = np.random.RandomState(0)
    y = np.arange(120) % 2
    slope = np.where(y == 1, 1.0, -1.0)[:, None]
    X = slope * np.linspace(-1, 1, 12) + 0.3 * rng.standard_normal((120, 12))
    clf = LiLAWClassifier(
        module=StackedLSTM,
        module__hidden_size=8,
        max_epochs=15,
        lr=0.02,
        batch_size=32,
        random_state=0,
    )
    assert clf.fit(X.astype(np.float32), y).score(X, y) > 0.9


def test_multichannel_input_in_estimator():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 10, 2)).astype(np.float32)
    y = np.arange(40) % 3
    clf = LiLAWClassifier(
        module=StackedLSTM,
        module__input_size=2,
        module__hidden_size=4,
        max_epochs=2,
        random_state=0,
    )
    assert clf.fit(X, y).predict_proba(X).shape == (40, 3)
    assert clf.module_.lstm.input_size == 2


def test_grid_search_over_hidden_size(ecg_small):
    X, y = ecg_small
    search = GridSearchCV(
        LiLAWClassifier(module=StackedLSTM, max_epochs=1, random_state=0),
        {"module__hidden_size": [4, 8]},
        cv=2,
    )
    search.fit(X, y)
    assert search.best_params_["module__hidden_size"] in (4, 8)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert (
        search.best_estimator_.module_.lstm.hidden_size
        == (search.best_params_["module__hidden_size"])
    )
