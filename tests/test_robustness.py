"""Fail loudly, lose nothing: bad inputs, divergence, warnings, persistence."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from skorch.callbacks import Checkpoint, EarlyStopping, LoadInitState

from sklearn_lilaw import LiLAWClassifier, LiLAWMultiLabelClassifier, LiLAWRegressor

# --------------------------------------------------------------------------
# divergence: an error naming the likely cause, never NaN predictions
# --------------------------------------------------------------------------


def test_a_learning_rate_that_diverges_is_an_error(classification_data, fast):
    X, y, _ = classification_data
    with pytest.raises(ValueError, match=r"diverged.*lr=1e\+20"):
        LiLAWClassifier(**{**fast, "lr": 1e20}).fit(X, y)


def test_a_meta_learning_rate_that_diverges_is_an_error(
    classification_data, fast, paper
):
    X, y, is_synthetic = classification_data
    with pytest.raises(ValueError, match="meta_lr=1e\\+30"):
        LiLAWClassifier(**paper, **{**fast, "meta_lr": 1e30}).fit(
            X, y, sample_origin=is_synthetic
        )


def test_features_too_large_for_float32_arithmetic_are_an_error(
    classification_data, fast
):
    X, y, _ = classification_data
    # Too large for float32 storage, or for the arithmetic of training.
    with pytest.raises(ValueError, match="too large for dtype|diverged"):
        LiLAWClassifier(**fast).fit(X.astype(np.float64) * 1e38, y)
    with pytest.raises(ValueError, match="diverged"):
        LiLAWClassifier(**fast).fit(np.clip(X * 1e38, -3e38, 3e38), y)


def test_huge_features_train_finitely_or_fail_clearly(classification_data, fast):
    X, y, _ = classification_data
    try:
        est = LiLAWClassifier(**fast).fit(X.astype(np.float64) * 1e30, y)
    except ValueError as exc:
        assert "diverged" in str(exc)
    else:
        assert np.isfinite(est.predict_proba(X)).all()


def test_targets_too_large_are_an_error(fast):
    rng = np.random.RandomState(0)
    X = rng.randn(100, 3)
    with pytest.raises(ValueError, match="too large for float32|diverged"):
        LiLAWRegressor(**fast).fit(X, rng.randn(100) * 1e30)
    with pytest.raises(ValueError, match="too large for float32"):
        LiLAWRegressor(**fast).fit(X, rng.randn(100) * 1e39)


# --------------------------------------------------------------------------
# parameters: a clear error naming the parameter
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {"max_epochs": 0},
        {"max_epochs": -1},
        {"max_epochs": None},
        {"max_epochs": 1.5},
        {"batch_size": 0},
        {"batch_size": -2},
        {"batch_size": 1.5},
        {"optimizer": "adam"},
        {"beta": -1.0},
        {"alpha": float("inf")},
        {"lr": 0.0},
        {"device": None},
        {"meta_batch_size": 0},
        {"synthetic_weight": -0.5},
    ],
)
def test_bad_parameters_name_themselves(classification_data, fast, params):
    X, y, _ = classification_data
    (name,) = params
    with pytest.raises((ValueError, TypeError), match=name):
        LiLAWClassifier(**{**fast, **params}).fit(X, y)


@pytest.mark.parametrize("threshold", [0.0, 1.0, 1.5, float("nan")])
def test_the_multilabel_threshold_is_checked(fast, threshold):
    X = np.random.RandomState(0).randn(60, 3)
    Y = (X[:, :2] > 0).astype(int)
    with pytest.raises(ValueError, match="threshold"):
        LiLAWMultiLabelClassifier(**fast, threshold=threshold).fit(X, Y)


@pytest.mark.parametrize("device", ["mps", "meta", "tpu"])
def test_devices_that_cannot_train_here_are_an_error(classification_data, device):
    X, y, _ = classification_data
    if device == "mps" and torch.backends.mps.is_available():
        pytest.skip("this machine has MPS")
    with pytest.raises(ValueError, match="device"):
        LiLAWClassifier(device=device, max_epochs=1).fit(X, y)


# --------------------------------------------------------------------------
# warnings: fits that run, but not as the user probably expects
# --------------------------------------------------------------------------
def test_a_fit_that_is_all_warm_up_warns(classification_data, fast, paper):
    X, y, is_synthetic = classification_data
    with pytest.warns(UserWarning, match="LiLAW never started"):
        est = LiLAWClassifier(**paper, **{**fast, "max_epochs": 1}).fit(X, y)
    assert est.lilaw_params_ == {"alpha": 10.0, "beta": 2.0, "delta": 6.0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning when LiLAW does start
        LiLAWClassifier(**paper, **{**fast, "max_epochs": 2}).fit(X, y)


def test_a_class_with_synthetic_rows_only_warns(classification_data, fast):
    X, y, _ = classification_data
    only_synthetic = y == 2
    with pytest.warns(UserWarning, match=r"no rows of the classes \[2\]"):
        LiLAWClassifier(**fast).fit(X, y, sample_origin=only_synthetic)


def test_a_synthesizer_that_makes_no_rows_warns(classification_data, fast):
    X, y, _ = classification_data

    def nothing(X, y, random_state):
        return np.asarray(X)[:0], np.asarray(y)[:0]

    with pytest.warns(UserWarning, match="made no rows") as record:
        est = LiLAWClassifier(**fast, synthesizer=nothing).fit(X, y)
    assert est.n_synthetic_ == 0 and len(est.history) == 6  # fit and refit
    # Once per fit, from the user's call, though the refit runs it again.
    (warning,) = [w for w in record if "made no rows" in str(w.message)]
    assert warning.filename == __file__


# --------------------------------------------------------------------------
# what synthesizers return is checked
# --------------------------------------------------------------------------
def _returns(X_new, y_new):
    def synthesizer(X, y, random_state):
        return X_new, y_new

    return synthesizer


def _bad_synthesizers():
    rng = np.random.RandomState(0)
    X_new = rng.randn(10, 8).astype(np.float32)
    return [
        (LiLAWClassifier, _returns(X_new, np.zeros(9)), "10 rows but 9 targets"),
        (LiLAWClassifier, _returns(X_new, np.full(10, 7)), r"not among the classes"),
        (LiLAWClassifier, lambda X, y, rs: None, "pair"),
        (LiLAWClassifier, _returns(X_new[:, :3], np.zeros(10)), "shape"),
        (LiLAWClassifier, _returns(X_new * np.nan, np.zeros(10)), "NaN"),
        (LiLAWRegressor, _returns(X_new, np.full(10, np.nan)), "NaN"),
        (LiLAWMultiLabelClassifier, _returns(X_new, np.full((10, 2), 3)), "0/1"),
    ]


@pytest.mark.parametrize("Estimator, synthesizer, message", _bad_synthesizers())
def test_bad_synthetic_rows_are_named(
    classification_data, fast, Estimator, synthesizer, message
):
    X, y, _ = classification_data
    if Estimator is LiLAWMultiLabelClassifier:
        y = np.c_[y == 0, y == 1].astype(int)
    with pytest.raises((ValueError, TypeError), match=message):
        Estimator(**fast, synthesizer=synthesizer).fit(X, y)


def test_a_regressor_synthesizer_may_return_1d_targets(fast):
    rng = np.random.RandomState(0)
    X, y = rng.randn(80, 3), rng.randn(80)

    def jitter(X, y, random_state):
        return X + 0.01, np.ravel(y)

    est = LiLAWRegressor(**fast, synthesizer=jitter).fit(X, y)
    assert est.n_synthetic_ > 0 and np.isfinite(est.predict(X)).all()


def test_the_synthesizer_sees_the_users_labels_and_columns(classification_data, fast):
    X, y, _ = classification_data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(8)])
    names = np.array(["ant", "bee", "cat"])[y]
    seen = {}

    def copies(X, y, random_state):
        seen["X"], seen["y"] = X, y
        return X, y

    LiLAWClassifier(**fast, synthesizer=copies).fit(frame, names)
    assert list(seen["X"].columns) == list(frame.columns)
    assert set(seen["y"]) == {"ant", "bee", "cat"}


# --------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------
def test_an_object_series_of_booleans_is_a_sample_origin(classification_data, fast):
    X, y, is_synthetic = classification_data
    origin = pd.Series(list(is_synthetic), dtype=object)
    est = LiLAWClassifier(**fast, random_state=0).fit(X, y, sample_origin=origin)
    assert not is_synthetic[est.meta_indices_].any()


def test_3d_input_is_flattened_by_the_default_mlp(fast):
    rng = np.random.RandomState(0)
    X = rng.randn(90, 7, 2).astype(np.float32)
    y = (X[:, :, 0].sum(1) > 0).astype(int)
    est = LiLAWClassifier(**fast).fit(X, y)
    assert est.module_.layers[0].in_features == 14
    assert est.predict(X).shape == (90,)
    with pytest.raises(ValueError, match="rows of shape"):
        est.predict(X[:, :, :1])
    # partial_fit keeps the fitted row shape too.
    with pytest.raises(ValueError, match="rows of shape"):
        est.partial_fit(X[:, :, :1], y)


# --------------------------------------------------------------------------
# nothing lost: the LiLAW state is saved and restored with the module
# --------------------------------------------------------------------------
def _fitted(classification_data, fast, **params):
    X, y, is_synthetic = classification_data
    params = {**fast, "max_epochs": 4, **params}
    # LiLAW and the learned synthetic weight, without a refit: the state of
    # the learning run is what these tests save, restore and resume.
    est = LiLAWClassifier(
        lilaw=True, synthetic_weight="auto", refit=False, random_state=0, **params
    )
    return est.fit(X, y, sample_origin=is_synthetic)


def _state(est):
    return est.lilaw_state_.scalars.tolist() + [est.lilaw_state_.gamma.item()]


def test_save_params_and_load_params_restore_the_lilaw_state(
    classification_data,
    fast,
    tmp_path,
    paper,
):
    X = classification_data[0]
    est = _fitted(classification_data, fast)
    assert _state(est)[:3] != [10.0, 2.0, 6.0]
    files = {name: tmp_path / f"{name}.pt" for name in ("params", "lilaw_state")}
    est.save_params(f_params=files["params"], f_lilaw_state=files["lilaw_state"])
    est.save_params(f_history=tmp_path / "history.json")
    fresh = LiLAWClassifier(
        **paper, **fast, classes=[0, 1, 2], module__n_features_in=8, module__n_outputs=3
    ).initialize()
    fresh.load_params(f_params=files["params"], f_lilaw_state=files["lilaw_state"])
    assert _state(fresh) == _state(est)
    np.testing.assert_allclose(fresh.predict_proba(X), est.predict_proba(X))
    # The history alone restores it too (its last epoch recorded it).
    other = LiLAWClassifier(
        **paper, **fast, classes=[0, 1, 2], module__n_features_in=8, module__n_outputs=3
    ).initialize()
    other.load_params(f_params=files["params"], f_history=tmp_path / "history.json")
    np.testing.assert_allclose(_state(other), _state(est), rtol=1e-6)


def test_checkpoint_and_load_init_state_resume_the_lilaw_state(
    classification_data, fast, tmp_path
):
    X, y, is_synthetic = classification_data
    checkpoint = Checkpoint(monitor="meta_loss_best", dirname=str(tmp_path))
    first = _fitted(classification_data, fast, callbacks=[checkpoint])
    saved = next(
        i for i in range(len(first.history) - 1, -1, -1)
        if first.history[i, "event_cp"]
    )  # fmt: skip
    resumed = LiLAWClassifier(
        **{**fast, "max_epochs": 1},
        lilaw=True,
        synthetic_weight="auto",
        refit=False,
        random_state=0,
        callbacks=[
            Checkpoint(monitor="meta_loss_best", dirname=str(tmp_path)),
            LoadInitState(Checkpoint(dirname=str(tmp_path))),
        ],
    ).fit(X, y, sample_origin=is_synthetic)
    # The resumed fit starts where the checkpoint stopped, not at 10, 2, 6.
    assert len(resumed.history) == saved + 2
    assert resumed.history[saved + 1, "alpha"] < first.history[saved, "alpha"]


def test_early_stopping_load_best_restores_the_best_epochs_state(
    classification_data, fast
):
    X, y, is_synthetic = classification_data
    # lr 0.2: a noisy loss, so training stops after 3 epochs worse than the
    # best, well before max_epochs, and the best epoch is not the last.
    est = _fitted(
        classification_data,
        {**fast, "lr": 0.2},
        max_epochs=40,
        callbacks=[EarlyStopping(patience=3, load_best=True)],
    )
    stopping = dict(est.callbacks_)["EarlyStopping"]
    best = next(r for r in est.history if r["epoch"] == stopping.best_epoch_)
    assert len(est.history) < 40
    assert est.history[-1, "epoch"] == best["epoch"] + 3  # 3 worse epochs
    assert est.history[-1, "alpha"] != best["alpha"]  # the state moved on
    assert est.lilaw_state_.scalars.tolist() == pytest.approx(
        [best["alpha"], best["beta"], best["delta"]]
    )


def test_early_stopping_and_checkpoint_defaults_work_without_a_split(
    classification_data,
    fast,
    tmp_path,
    paper,
):
    X, y, _ = classification_data
    est = LiLAWClassifier(
        **paper,
        **{**fast, "max_epochs": 30},
        random_state=0,
        callbacks=[EarlyStopping(patience=2), Checkpoint(dirname=str(tmp_path))],
    ).fit(X, y)
    assert est.history[-1, "valid_loss"] == est.history[-1, "meta_loss"]
    assert len(est.history) < 30 and (tmp_path / "params.pt").exists()


def test_read_only_inputs_train_without_a_warning(classification_data, fast):
    # pandas' copy-on-write views and memory maps are read-only; torch cannot
    # share their memory and warned.
    X, y, origin = (a.copy() for a in classification_data)
    for array in (X, y, origin):
        array.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = LiLAWClassifier(**fast, random_state=0).fit(X, y, sample_origin=origin)
        est.predict_proba(X)
