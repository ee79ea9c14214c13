"""The quick start's demo (``python -m sklearn_lilaw.demo``), cut to a few epochs."""

import numpy as np

from sklearn_lilaw import demo


def test_demo_prints_every_configuration_and_the_explanation(capsys):
    demo.main(["--epochs", "3", "--seeds", "1"])
    out = capsys.readouterr().out
    for name, _, _ in demo.CONFIGS:
        assert name in out
    assert "w_s: the weight of a synthetic row's loss" in out
    assert "Learning their weight gives" in out


def test_demo_rows_hold_the_measured_numbers():
    rows = {row[0]: row for row in demo.run(seeds=(0,), max_epochs=3)}
    n_real = rows["real only"][1]
    # Four synthetic rows per real row; the mixes train on all of them.
    assert rows["naive mix"][1] == 5 * n_real
    for name, n_rows, mean, std, weight, seconds, n_meta in rows.values():
        assert 0 < mean <= 1 and std == 0  # one seed
        assert seconds > 0
    # Only the learned weight holds real rows out, and learns w_s < 1 there.
    learned = rows["learned weight (default)"]
    assert learned[6] > 0 and 0 < learned[4] < 1
    assert rows["naive mix"][6] == 0 and rows["naive mix"][4] == 1.0
    assert rows["fixed weight 0.5"][4] == 0.5
    assert np.isnan(rows["real only"][4])


def test_explain_follows_the_numbers():
    def rows(real, naive, learned):
        return [
            ("real only", 100, real, 0, np.nan, 1, 0),
            ("naive mix", 500, naive, 0, 1.0, 1, 0),
            ("learned weight (default)", 500, learned, 0, 0.1, 1, 20),
        ]

    assert "recovered what the naive mix lost" in demo.explain(rows(0.9, 0.8, 0.95))
    assert "recovered part of" in demo.explain(rows(0.9, 0.8, 0.85))
    assert "did not beat the naive mix" in demo.explain(rows(0.9, 0.8, 0.7))
    with_paper = rows(0.9, 0.8, 0.95) + [("paper's LiLAW", 500, 0.75, 0, 1.0, 1, 20)]
    assert "LiLAW gives 75.0%, below the naive mix" in demo.explain(with_paper)
