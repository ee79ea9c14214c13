"""The LiLAW weight functions against hand-computed values and their bounds."""

import math

import numpy as np
import pytest
import torch

from sklearn_lilaw.weights import LiLAWWeights, multiclass_weights


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


@pytest.mark.parametrize("shape", [(7,), (7, 3)])
def test_fused_total_weight_matches_components_and_gradients(shape):
    from sklearn_lilaw.weights import weights_from_scores

    gen = torch.Generator().manual_seed(3)
    score, reference = (
        torch.rand(shape, generator=gen, dtype=torch.float64, requires_grad=True)
        for _ in range(2)
    )
    params = torch.tensor([10.0, 2.0, 6.0], dtype=torch.float64, requires_grad=True)
    total = weights_from_scores(score, reference, params)
    parts = weights_from_scores(score, reference, params, return_components=True)
    np.testing.assert_allclose(total.detach(), parts.total().detach(), rtol=1e-12)
    assert torch.autograd.gradcheck(
        lambda s, r, p: weights_from_scores(s, r, p), (score, reference, params)
    )
    # Only the parameters need a gradient in the meta step.
    (grad,) = torch.autograd.grad(
        weights_from_scores(score.detach(), reference.detach(), params).sum(), params
    )
    (expected,) = torch.autograd.grad(
        weights_from_scores(
            score.detach(), reference.detach(), params, return_components=True
        )
        .total()
        .sum(),
        params,
    )
    np.testing.assert_allclose(grad, expected, rtol=1e-10)


@pytest.mark.parametrize("detach", [False, True])
def test_fused_weighted_cross_entropy_matches_autograd(detach):
    from sklearn_lilaw.weights import weighted_cross_entropy

    gen = torch.Generator().manual_seed(4)
    logits = torch.randn(30, 5, generator=gen, dtype=torch.float64, requires_grad=True)
    y = torch.randint(0, 5, (30,), generator=gen)
    y[:5] = logits.detach().argmax(1)[:5]  # observed label is the top class
    params = torch.tensor([10.0, 2.0, 6.0], dtype=torch.float64)
    weights = multiclass_weights(logits, y, *params)
    ce = torch.nn.functional.cross_entropy(logits, y, reduction="none")
    expected = (weights.detach() if detach else weights) * ce
    got, got_weights = weighted_cross_entropy(logits, y, params, detach_weights=detach)
    np.testing.assert_allclose(got.detach(), expected.detach(), rtol=1e-12)
    np.testing.assert_allclose(got_weights, weights.detach(), rtol=1e-12)
    upstream = torch.rand(30, generator=gen, dtype=torch.float64)
    (want,) = torch.autograd.grad((expected * upstream).sum(), logits)
    (have,) = torch.autograd.grad((got * upstream).sum(), logits)
    np.testing.assert_allclose(have, want, rtol=1e-10, atol=1e-12)
