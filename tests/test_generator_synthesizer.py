"""Table generators with ``fit(table)`` / ``sample(n)`` (SDV, ctgan style) as
synthesizers, through ``synthesizers.GeneratorSynthesizer``."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from sklearn_lilaw import LiLAWClassifier, LiLAWMultiLabelClassifier
from sklearn_lilaw.synthesizers import GeneratorSynthesizer


class ResamplingGenerator(BaseEstimator):
    """A small table generator: rows of the fitted table, drawn with
    replacement, numeric columns jittered. Records the table it was fitted on.
    Has ``random_state`` (as SDV's and ctgan's models have a seed)."""

    def __init__(self, noise=0.05, random_state=None):
        self.noise = noise
        self.random_state = random_state

    def fit(self, table):
        self.table_ = table.copy()
        return self

    def sample(self, n):
        rng = np.random.RandomState(self.random_state)
        rows = self.table_.iloc[rng.randint(len(self.table_), size=n)]
        rows = rows.reset_index(drop=True)
        numeric = [c for c in rows.columns if c.startswith("f")]
        rows[numeric] = rows[numeric] + self.noise * rng.randn(n, len(numeric))
        return rows


@pytest.fixture
def frame(classification_data):
    X, y, _ = classification_data
    columns = [f"f{i}" for i in range(X.shape[1])]
    return pd.DataFrame(X, columns=columns), np.array(["ant", "bee", "cat"])[y]


def test_the_generator_sees_one_table_of_the_users_columns_and_labels(frame):
    X, y = frame
    synthesizer = GeneratorSynthesizer(ResamplingGenerator(), n_samples=0.5)
    X_res, y_res = synthesizer.fit_resample(X, y)
    table = synthesizer.generator_.table_
    assert list(table.columns) == list(X.columns) + ["target"]
    assert set(table["target"]) == {"ant", "bee", "cat"}
    # The input rows first, then 150 new ones with the same columns.
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(X.columns)
    assert len(X_res) == len(y_res) == 450
    pd.testing.assert_frame_equal(X_res.iloc[:300], X, check_dtype=False)
    assert synthesizer.n_synthetic_ == 150
    np.testing.assert_array_equal(synthesizer.sample_origin_, np.arange(450) >= 300)
    assert set(y_res[300:]) <= {"ant", "bee", "cat"}


def test_arrays_get_named_columns_and_an_int_is_a_count(classification_data):
    X, y, _ = classification_data
    synthesizer = GeneratorSynthesizer(ResamplingGenerator(), n_samples=7)
    X_res, y_res = synthesizer.fit_resample(X, y)
    assert list(synthesizer.generator_.table_.columns)[:2] == ["x0", "x1"]
    assert isinstance(X_res, np.ndarray) and X_res.shape == (307, X.shape[1])
    assert y_res.dtype == y.dtype


def test_random_state_reaches_a_generator_that_has_one(classification_data):
    X, y, _ = classification_data
    a = GeneratorSynthesizer(ResamplingGenerator(), random_state=3).fit_resample(X, y)
    b = GeneratorSynthesizer(ResamplingGenerator(), random_state=3).fit_resample(X, y)
    c = GeneratorSynthesizer(ResamplingGenerator(), random_state=4).fit_resample(X, y)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


def test_the_users_generator_is_not_fitted(classification_data):
    X, y, _ = classification_data
    generator = ResamplingGenerator()
    GeneratorSynthesizer(generator).fit_resample(X, y)
    assert not hasattr(generator, "table_")


def test_2d_targets_get_one_column_each(classification_data):
    X, y, _ = classification_data
    Y = np.c_[y == 0, y == 2].astype(int)
    synthesizer = GeneratorSynthesizer(ResamplingGenerator(), label_column="label")
    _, Y_res = synthesizer.fit_resample(X, Y)
    assert list(synthesizer.generator_.table_.columns)[-2:] == ["label_0", "label_1"]
    assert Y_res.shape == (600, 2) and set(np.unique(Y_res)) == {0, 1}


def test_an_estimator_wraps_a_generator_passed_as_synthesizer(frame, fast):
    X, y = frame
    clf = LiLAWClassifier(**fast, synthesizer=ResamplingGenerator(), random_state=0)
    clf.fit(X, y)
    assert isinstance(clf.synthesizer_, GeneratorSynthesizer)
    # One new row per real row: the refit's rows, made from every real row.
    assert clf.n_synthetic_ == len(y) and clf.n_train_samples_ == 2 * len(y)
    # It learned from rows that carried the user's labels, and predicts them.
    assert set(clf.predict(X)) <= {"ant", "bee", "cat"}
    assert 0 < clf.synthetic_weight_ <= 1


def test_a_multilabel_estimator_with_a_generator(classification_data, fast):
    X, y, _ = classification_data
    Y = np.c_[y == 0, y == 2].astype(int)
    est = LiLAWMultiLabelClassifier(
        **fast, synthesizer=GeneratorSynthesizer(ResamplingGenerator(), n_samples=0.5)
    ).fit(X, Y)
    assert est.n_synthetic_ > 0 and est.predict(X).shape == Y.shape


@pytest.mark.parametrize(
    "synthesizer, error, match",
    [
        (GeneratorSynthesizer(object()), TypeError, "fit.*sample"),
        (
            GeneratorSynthesizer(ResamplingGenerator(), n_samples=-1),
            ValueError,
            "n_samples",
        ),
        (
            GeneratorSynthesizer(ResamplingGenerator(), label_column="f0"),
            ValueError,
            "label_column",
        ),
    ],
)
def test_bad_generators_are_named(frame, synthesizer, error, match):
    X, y = frame
    with pytest.raises(error, match=match):
        synthesizer.fit_resample(X, y)


def test_a_generator_that_drops_columns_is_an_error(frame):
    class Forgetful(ResamplingGenerator):
        def sample(self, n):
            return super().sample(n).drop(columns=["f1"])

    X, y = frame
    with pytest.raises(ValueError, match="f1"):
        GeneratorSynthesizer(Forgetful()).fit_resample(X, y)
