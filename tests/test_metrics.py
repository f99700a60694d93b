"""Our metrics equal scikit-learn's on the same predictions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from stance.errors import StanceError
from stance.evaluation import metrics
from stance.schema import STANCES


def _random_labels(seed: int, n: int = 60) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    y_true = [STANCES[i] for i in rng.integers(0, 3, n)]
    y_pred = [
        STANCES[i] if rng.random() < 0.6 else STANCES[j]
        for i, j in zip(rng.integers(0, 3, n), rng.integers(0, 3, n), strict=True)
    ]
    return y_true, y_pred


@pytest.mark.parametrize("seed", range(5))
def test_headline_metrics_equal_sklearn(seed):
    y_true, y_pred = _random_labels(seed)
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert metrics.macro_f1(y_true, y_pred) == pytest.approx(
        skm.f1_score(y_true, y_pred, labels=list(STANCES), average="macro", zero_division=0)
    )
    assert metrics.f_avg(y_true, y_pred) == pytest.approx(
        skm.f1_score(y_true, y_pred, labels=["pro", "anti"], average="macro", zero_division=0)
    )


def test_per_class_and_confusion_equal_sklearn():
    y_true, y_pred = _random_labels(7)
    result = metrics.evaluate_predictions(y_true, y_pred)
    assert result["confusion_matrix"] == skm.confusion_matrix(y_true, y_pred, labels=list(STANCES)).tolist()
    p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=list(STANCES), zero_division=0)
    for i, label in enumerate(STANCES):
        assert result["per_class"][label]["precision"] == pytest.approx(p[i])
        assert result["per_class"][label]["recall"] == pytest.approx(r[i])
        assert result["per_class"][label]["f1"] == pytest.approx(f[i])
        assert result["per_class"][label]["support"] == s[i]


def test_a_class_nobody_has_scores_zero_and_is_reported_missing():
    y_true = ["pro", "pro", "neutral"]
    y_pred = ["pro", "neutral", "neutral"]
    assert metrics.missing_classes(y_true) == ["anti"]
    result = metrics.evaluate_predictions(y_true, y_pred)
    assert result["per_class"]["anti"]["f1"] == 0.0
    assert not np.isnan(result["macro_f1"])
    assert result["macro_f1"] == pytest.approx(
        skm.f1_score(y_true, y_pred, labels=list(STANCES), average="macro", zero_division=0)
    )


def test_unknown_label_is_a_user_error():
    with pytest.raises(StanceError, match="unknown prediction 'favor'"):
        metrics.confusion_matrix(["pro"], ["favor"])
