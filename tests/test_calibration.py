"""Calibration: reliability bins and ECE against hand computation and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest

from stance.evaluation.calibration import calibration_summary, expected_calibration_error, reliability


def test_ece_by_hand():
    y = ["pro", "anti", "neutral", "pro"]
    proba = np.array([[0.9, 0.05, 0.05], [0.9, 0.05, 0.05], [0.2, 0.2, 0.6], [0.1, 0.3, 0.6]])
    # bin 0.9: two rows, one right -> |0.5 - 0.9| = 0.4; bin 0.6: two rows, one right -> |0.5 - 0.6| = 0.1
    assert expected_calibration_error(y, proba) == pytest.approx(0.5 * 0.4 + 0.5 * 0.1)
    bins = reliability(y, proba)
    assert [b["n"] for b in bins] == [0, 0, 0, 0, 0, 0, 2, 0, 0, 2]


def test_certain_and_right_is_perfectly_calibrated():
    proba = np.eye(3)
    assert expected_calibration_error(["pro", "anti", "neutral"], proba) == 0.0
    assert reliability(["pro", "anti", "neutral"], proba)[-1]["n"] == 3  # the top bin is closed at 1.0


def test_bins_agree_with_scikit_learn_calibration_curve():
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(0)
    proba = rng.dirichlet([1, 1, 1], size=300)
    y = [("pro", "anti", "neutral")[i] for i in rng.integers(0, 3, size=300)]
    correct = (proba.argmax(axis=1) == np.array([("pro", "anti", "neutral").index(v) for v in y])).astype(int)
    accuracy, confidence = calibration_curve(correct, proba.max(axis=1), n_bins=10, strategy="uniform")
    filled = [b for b in reliability(y, proba) if b["n"]]
    assert [b["accuracy"] for b in filled] == pytest.approx(list(accuracy))
    assert [b["confidence"] for b in filled] == pytest.approx(list(confidence))
    summary = calibration_summary(y, proba)
    assert summary["accuracy"] == pytest.approx(correct.mean())
    assert summary["mean_confidence"] == pytest.approx(proba.max(axis=1).mean())


def test_no_rows_is_zero_not_nan():
    assert expected_calibration_error([], np.zeros((0, 3))) == 0.0
