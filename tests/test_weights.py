"""The LiLAW weight functions against hand-computed values and their bounds."""

import math

import numpy as np
import pytest
import torch

from sklearn_lilaw.weights import (
    LiLAWWeights,
    meta_gradient,
    meta_update,
    multiclass_scores,
    multiclass_weights,
    weights_from_scores,
)


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def test_multiclass_matches_the_specification_test_vector():
    # LILAW.md: s = [0.05, 0.95], y = 0, alpha, beta, delta = 9, 3, 7.
    logits = torch.log(torch.tensor([[0.05, 0.95]], dtype=torch.float64))
    y = torch.tensor([0])
    parts = multiclass_weights(logits, y, 9.0, 3.0, 7.0, return_components=True)
    assert isinstance(parts, LiLAWWeights)
    assert parts.easy.item() == pytest.approx(0.378, abs=5e-4)
    assert parts.hard.item() == pytest.approx(0.690, abs=5e-4)
    assert parts.moderate.item() == pytest.approx(0.835, abs=5e-4)
    total = multiclass_weights(logits, y, 9.0, 3.0, 7.0)
    assert total.item() == pytest.approx(1.903, abs=5e-4)
    ce = torch.nn.functional.cross_entropy(logits, y, reduction="none")
    assert ce.item() == pytest.approx(2.996, abs=5e-4)
    assert (total * ce).item() == pytest.approx(5.700, abs=1e-3)


def test_multiclass_exact_formula_on_random_inputs():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(50, 4, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 4, (50,), generator=gen)
    alpha, beta, delta = 10.0, 2.0, 6.0
    parts = multiclass_weights(logits, y, alpha, beta, delta, return_components=True)
    s = torch.softmax(logits, 1).numpy()
    for i in range(50):
        sy, smax = s[i, y[i]], s[i].max()
        assert parts.easy[i].item() == pytest.approx(_sigmoid(alpha * sy - smax))
        assert parts.hard[i].item() == pytest.approx(_sigmoid(-(beta * sy - smax)))
        expected = math.exp(-((delta * sy - smax) ** 2) / 2)
        assert parts.moderate[i].item() == pytest.approx(expected)
    total = multiclass_weights(logits, y, alpha, beta, delta)
    np.testing.assert_allclose(total, parts.total())


@pytest.mark.parametrize("alpha, beta, delta", [(10, 2, 6), (1, 1.5, 3), (25, 8, 8)])
def test_multiclass_respects_the_stated_bounds(alpha, beta, delta):
    gen = torch.Generator().manual_seed(1)
    logits = 4 * torch.randn(2000, 5, generator=gen)
    y = torch.randint(0, 5, (2000,), generator=gen)
    parts = multiclass_weights(logits, y, alpha, beta, delta, return_components=True)
    tol = 1e-6
    assert parts.easy.min() >= _sigmoid(-1) - tol
    assert parts.easy.max() <= _sigmoid(alpha - 1) + tol
    assert parts.hard.min() >= _sigmoid(1 - beta) - tol
    assert parts.hard.max() <= _sigmoid(1) + tol
    assert parts.moderate.min() > 0
    assert parts.moderate.max() <= 1 + tol


def test_multiclass_is_differentiable_in_parameters_and_logits():
    gen = torch.Generator().manual_seed(2)
    logits = torch.randn(6, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    params = torch.tensor([10.0, 2.0, 6.0], dtype=torch.float64, requires_grad=True)

    def total(lg, p):
        return multiclass_weights(lg, y, p[0], p[1], p[2]).sum()

    assert torch.autograd.gradcheck(total, (logits, params))
    alpha = torch.tensor(10.0, requires_grad=True)  # 0-d tensors work too
    multiclass_weights(logits.detach().float(), y, alpha, 2.0, 6.0).sum().backward()
    assert alpha.grad is not None and alpha.grad.item() != 0


def test_multiclass_rejects_bad_shapes():
    with pytest.raises(ValueError, match="logits must be 2-d"):
        multiclass_weights(torch.zeros(3), torch.zeros(3, dtype=torch.long), 10, 2, 6)
    with pytest.raises(ValueError, match="one label per row"):
        multiclass_weights(
            torch.zeros(3, 2), torch.zeros(4, dtype=torch.long), 10, 2, 6
        )


def _logits_and_labels(seed, n=40, k=5):
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, k, generator=gen, dtype=torch.float64) * 2
    y = torch.randint(0, k, (n,), generator=gen)
    y[:5] = logits.argmax(1)[:5]  # some observed labels are the top class
    return logits, y


@pytest.mark.parametrize("shape", [(7,), (7, 3)])
def test_total_weight_is_the_sum_of_components_and_differentiable(shape):
    gen = torch.Generator().manual_seed(3)
    score, reference = (
        torch.rand(shape, generator=gen, dtype=torch.float64, requires_grad=True)
        for _ in range(2)
    )
    params = torch.tensor([10.0, 2.0, 6.0], dtype=torch.float64, requires_grad=True)
    total = weights_from_scores(score, reference, params)
    parts = weights_from_scores(score, reference, params, return_components=True)
    assert total.shape == (7,)
    np.testing.assert_allclose(total.detach(), parts.total().detach(), rtol=1e-12)
    assert torch.autograd.gradcheck(
        lambda s, r, p: weights_from_scores(s, r, p), (score, reference, params)
    )


@pytest.mark.parametrize("shape", [(9,), (9, 2)])
@pytest.mark.parametrize(
    "params", [(10.0, 2.0, 6.0), (1.0, 4.0, 4.0), (30.0, 9.0, 12.0)]
)
def test_meta_gradient_is_autograd_of_the_weighted_loss(shape, params):
    gen = torch.Generator().manual_seed(4)
    score, reference = (
        torch.rand(shape, generator=gen, dtype=torch.float64) for _ in range(2)
    )
    losses = torch.rand(shape[0], generator=gen, dtype=torch.float64)
    p = torch.tensor(params, dtype=torch.float64, requires_grad=True)
    (expected,) = torch.autograd.grad(
        (weights_from_scores(score, reference, p) * losses).mean(), p
    )
    got = meta_gradient(score, reference, losses, p.detach())
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-15)


def test_meta_gradient_has_the_papers_signs():
    # alpha only decreases (gradient >= 0) and beta only grows (<= 0).
    logits, y = _logits_and_labels(2)
    losses = torch.nn.functional.cross_entropy(logits, y, reduction="none")
    score, reference = multiclass_scores(logits, y)
    grad = meta_gradient(score, reference, losses, torch.tensor([10.0, 2.0, 6.0]))
    assert grad[0] >= 0 and grad[1] <= 0


@pytest.mark.parametrize("params", [(10.0, 2.0, 6.0), (1.0, 4.0, 4.0)])
def test_meta_update_is_one_clamped_gradient_step(params):
    params = torch.tensor(params, dtype=torch.float64)
    before = params.clone()
    grad = torch.tensor([3.0, -2.0, 5.0], dtype=torch.float64)
    lr, wd = 0.5, 0.01  # large, so that the clamps act
    got = meta_update(params, grad, lr, wd)
    expected = params - lr * (grad + wd * params)
    expected[0] = expected[0].clamp(min=1.0)
    expected[2] = torch.maximum(expected[2], expected[1])
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got[0] >= 1.0 and got[2] >= got[1]
    np.testing.assert_array_equal(params, before)  # params is not modified


def test_params_take_three_values_or_one_tensor_of_three():
    score, reference = torch.rand(4), torch.rand(4)
    three = weights_from_scores(score, reference, 10.0, 2.0, 6.0)
    one = weights_from_scores(score, reference, torch.tensor([10.0, 2.0, 6.0]))
    np.testing.assert_array_equal(three, one)
    with pytest.raises(ValueError, match="shape \\(3,\\)"):
        weights_from_scores(score, reference, torch.tensor([10.0, 2.0]))
