"""Property-based tests: any input fits and predicts finite values, or fails clearly.

Every example either trains and predicts finite numbers, or raises a
ValueError or TypeError whose message names the offending input. The default
run draws 150 examples per test (300 in all); ``-m slow``
runs the same properties on many more.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_lilaw import LiLAWClassifier, LiLAWMultiLabelClassifier, LiLAWRegressor

# Words a clear error names: a parameter, an input, or what was wrong.
NAMED = (
    "X",
    "y",
    "sample_origin",
    "meta_size",
    "meta_origin",
    "synthesizer",
    "parameter",
    "batch_size",
    "classes",
    "class",
    "label",
    "rows",
    "samples",
    "diverged",
)

FAST = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MANY = settings(FAST, max_examples=1500)


@st.composite
def problems(draw):
    """An estimator, its parameters and data of a random shape and kind."""
    kind = draw(st.sampled_from(["classifier", "multilabel", "regressor"]))
    n = draw(st.integers(2, 40))
    shape = draw(st.sampled_from([(n, 1), (n, 3), (n, 4, 2)]))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64]))
    X = (rng.randn(*shape) * draw(st.sampled_from([1.0, 1e3]))).astype(dtype)
    if kind == "classifier":
        y = rng.randint(0, draw(st.integers(1, 4)), size=n)
        Estimator = LiLAWClassifier
    elif kind == "multilabel":
        y = rng.randint(0, 2, size=(n, draw(st.integers(1, 3))))
        Estimator = LiLAWMultiLabelClassifier
    else:
        y = rng.randn(n) * draw(st.sampled_from([1.0, 100.0]))
        Estimator = LiLAWRegressor
    origin = draw(
        st.sampled_from(
            [
                None,
                rng.rand(n) < 0.4,
                np.ones(n, bool),
                np.where(rng.rand(n) < 0.3, "synthetic", "real"),
                (rng.rand(n) < 0.5).astype(int),
            ]
        )
    )
    params = dict(
        hidden_layer_sizes=(draw(st.integers(1, 8)),),
        max_epochs=draw(st.integers(1, 3)),
        batch_size=draw(st.sampled_from([-1, 1, 7, 64])),
        lr=draw(st.sampled_from([1e-3, 0.1])),
        lilaw=draw(st.booleans()),
        synthetic_weight=draw(st.sampled_from([1.0, 0.0, 0.5, "auto"])),
        meta_size=draw(st.sampled_from([0.05, 0.5, 1, 3])),
        meta_origin=draw(st.sampled_from([None, "real", "any", "synthetic"])),
        alpha=draw(st.sampled_from([10.0, 0.5, 50.0])),
        warmup_epochs=draw(st.integers(0, 2)),
        random_state=0,
    )
    return Estimator, params, X, y, origin


def _fits_or_fails_clearly(Estimator, params, X, y, origin, **extra):
    try:
        est = Estimator(**params, **extra).fit(X, y, sample_origin=origin)
    except (ValueError, TypeError) as exc:
        assert any(word in str(exc) for word in NAMED), str(exc)
        return
    output = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
    assert np.isfinite(np.asarray(output, dtype=float)).all()
    assert len(est.predict(X)) == len(X)


@FAST
@given(problems())
def test_any_problem_fits_or_fails_clearly(problem):
    _fits_or_fails_clearly(*problem)


@st.composite
def synthesizer_outputs(draw, n_features, labels):
    """What a synthesizer might return: good, misshapen or nonsense."""
    n = draw(st.integers(0, 12))
    width = draw(st.sampled_from([n_features, n_features + 1]))
    X_new = np.random.RandomState(n).randn(n, width)
    if draw(st.booleans()):
        X_new[:1] = draw(st.sampled_from([np.nan, np.inf, 1e3]))
    y_len = draw(st.sampled_from([n, max(n - 1, 0)]))
    y_new = np.asarray(draw(st.lists(st.sampled_from(labels), min_size=y_len,
                                     max_size=y_len)))  # fmt: skip
    return draw(st.sampled_from([(X_new, y_new), None, (X_new,), "rows"]))


@FAST
@given(st.data())
def test_any_synthesizer_output_is_used_or_rejected_clearly(data):
    rng = np.random.RandomState(0)
    X, y = rng.randn(30, 3), rng.randint(0, 3, size=30)
    output = data.draw(synthesizer_outputs(3, [0, 1, 2, 5, "cat"]))

    def synthesizer(X, y, random_state):
        return output

    _fits_or_fails_clearly(
        LiLAWClassifier,
        dict(max_epochs=2, hidden_layer_sizes=(4,), random_state=0),
        X,
        y,
        None,
        synthesizer=synthesizer,
    )


@pytest.mark.slow
@MANY
@given(problems())
def test_many_problems_fit_or_fail_clearly(problem):
    _fits_or_fails_clearly(*problem)
