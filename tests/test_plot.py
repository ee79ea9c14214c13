"""``sklearn_lilaw.plot`` and the per-row weights it draws,
``estimator.sample_weights``."""

import sys

import matplotlib
import numpy as np
import pytest
import torch

from sklearn_lilaw import LiLAWClassifier, LiLAWRegressor
from sklearn_lilaw.weights import multiclass_weights

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sklearn_lilaw.plot import plot_history, plot_sample_weights  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def fitted(classification_data, fast):
    """(defaults fit, paper's LiLAW fit, X, y, origin), 6 epochs each."""
    X, y, origin = classification_data
    params = {**fast, "max_epochs": 6, "random_state": 0}
    auto = LiLAWClassifier(**params).fit(X, y, sample_origin=origin)
    paper = LiLAWClassifier(**params, lilaw=True, synthetic_weight=1.0)
    paper.fit(X, y, sample_origin=origin)
    return auto, paper, X, y, origin


def _lines(ax):
    return {line.get_label(): line.get_ydata() for line in ax.get_lines()}


def test_plot_history_draws_what_the_history_holds(fitted):
    auto, paper, *_ = fitted
    left, right = plot_history(paper)
    lines = _lines(left)
    assert set(lines) == {"alpha", "beta", "delta"}
    np.testing.assert_allclose(lines["alpha"], paper.history[:, "alpha"])
    assert set(_lines(right)) >= {"mean W, real rows", "mean W, synthetic rows"}

    left, right = plot_history(auto)
    assert not left.get_lines()  # lilaw=False: no scalars
    learned = _lines(right)["learned weight of synthetic rows"]
    # The first fit's epochs, then the refit's with the weight frozen.
    np.testing.assert_allclose(learned, auto.history[:, "synthetic_weight"])
    assert len(learned) == len(auto.history)


def test_plot_history_draws_into_given_axes(fitted):
    _, paper, *_ = fitted
    fig, axes = plt.subplots(1, 2)
    assert list(plot_history(paper, axes=axes)) == list(axes)


def test_plot_sample_weights_histograms_by_origin(fitted):
    auto, _, X, y, origin = fitted
    ax = plot_sample_weights(auto, X, y, origin)
    counts = [sum(p.get_height() for p in c) for c in ax.containers]
    assert counts == [(~origin).sum(), origin.sum()]  # real, then synthetic
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "real rows",
        "synthetic rows",
    ]


def test_sample_weights_are_the_learned_synthetic_weight_by_origin(fitted):
    auto, _, X, y, origin = fitted
    weights = auto.sample_weights(X, y, origin)
    assert weights.shape == (len(y),)
    np.testing.assert_allclose(weights[~origin], 1.0)
    np.testing.assert_allclose(weights[origin], auto.synthetic_weight_, rtol=1e-6)
    # Without sample_origin every row is real.
    np.testing.assert_allclose(auto.sample_weights(X, y), 1.0)


def test_sample_weights_are_lilaws_w_under_the_learned_scalars(fitted):
    _, paper, X, y, origin = fitted
    weights = paper.sample_weights(X, y, origin)
    logits = paper.forward(X)
    scalars = torch.tensor(
        [paper.lilaw_params_[k] for k in ("alpha", "beta", "delta")],
        dtype=logits.dtype,
    )
    expected = multiclass_weights(logits, torch.as_tensor(y), *scalars)
    np.testing.assert_allclose(weights, expected.double().numpy(), rtol=1e-5)
    assert ((weights > 1.0) & (weights < 3.0)).all()  # W's range at ~(10, 2, 6)


def test_sample_weights_for_a_regressor(fast):
    rng = np.random.RandomState(0)
    X = rng.randn(80, 3).astype(np.float32)
    y = X[:, 0]
    origin = np.arange(80) % 2 == 0
    reg = LiLAWRegressor(**fast, synthetic_weight=0.25).fit(X, y, sample_origin=origin)
    weights = reg.sample_weights(X, y, origin)
    np.testing.assert_allclose(weights, np.where(origin, 0.25, 1.0))


def test_sample_weights_check_their_inputs(fitted):
    auto, _, X, y, origin = fitted
    with pytest.raises(ValueError, match="rows"):
        auto.sample_weights(X, y[:-1], origin)
    with pytest.raises(ValueError, match="sample_origin"):
        auto.sample_weights(X, y, origin[:-1])


def test_without_matplotlib_the_error_names_the_extra(fitted, monkeypatch):
    auto, *_ = fitted
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"sklearn-lilaw\[plot\]"):
        plot_history(auto)
