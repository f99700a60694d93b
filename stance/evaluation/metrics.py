"""Classification metrics for stance, as pure functions.

Every score here is computed from a confusion matrix, so the bootstrap in
:mod:`stance.evaluation.stats` can score thousands of resamples at once from weighted
counts. Labels are always scored in :data:`stance.schema.STANCES` order and
over all three classes, whether or not a class occurs in ``y_true``: a class
nobody predicts must lower macro-F1, not vanish from it. Division by zero
gives 0.0 (scikit-learn's ``zero_division=0``); callers that need to tell the
user a class was absent use :func:`missing_classes`.

Definitions (for class c, with TP/FP/FN counted one-vs-rest):

- precision_c = TP / (TP + FP), recall_c = TP / (TP + FN),
  F1_c = 2 TP / (2 TP + FP + FN)
- accuracy = sum of the diagonal / total
- macro-F1 = mean of F1_c over all classes
- F_avg = (F1_pro + F1_anti) / 2, the SemEval-2016 Task 6 metric: the
  "neither" class only counts through the errors it causes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from stance.errors import StanceError
from stance.schema import STANCES

#: Headline metrics, in report order.
HEADLINE: tuple[str, ...] = ("accuracy", "macro_f1", "f_avg")


def encode(labels: Sequence[str], *, classes: Sequence[str] = STANCES, what: str = "label") -> np.ndarray:
    """Labels as integer codes into ``classes``; an unknown label is a user error."""
    index = {label: i for i, label in enumerate(classes)}
    try:
        return np.fromiter((index[label] for label in labels), dtype=np.int64, count=len(labels))
    except KeyError as exc:
        allowed = ", ".join(classes)
        raise StanceError(f"unknown {what} {exc.args[0]!r}; allowed: {allowed}") from None


def confusion_matrix(y_true: Sequence[str], y_pred: Sequence[str], *, classes: Sequence[str] = STANCES) -> np.ndarray:
    """Counts ``[i, j]`` of sentences with gold ``classes[i]`` predicted ``classes[j]``."""
    if len(y_true) != len(y_pred):
        raise StanceError(f"{len(y_true)} gold labels but {len(y_pred)} predictions")
    k = len(classes)
    codes = encode(y_true, classes=classes) * k + encode(y_pred, classes=classes, what="prediction")
    return np.bincount(codes, minlength=k * k).reshape(k, k)


def f1_from_confusion(cm: np.ndarray) -> np.ndarray:
    """Per-class F1 from one ``(k, k)`` or a stack ``(..., k, k)`` of confusion matrices."""
    cm = np.asarray(cm, dtype=float)
    tp = np.diagonal(cm, axis1=-2, axis2=-1)
    denominator = cm.sum(axis=-1) + cm.sum(axis=-2)  # (TP+FN) + (TP+FP) = 2TP + FP + FN
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(denominator > 0, 2 * tp / denominator, 0.0)
    return f1


def scores_from_confusion(cm: np.ndarray, *, classes: Sequence[str] = STANCES) -> dict[str, Any]:
    """Accuracy, macro-F1 and F_avg from one or a stack of confusion matrices."""
    cm = np.asarray(cm, dtype=float)
    total = cm.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        accuracy = np.where(total > 0, np.trace(cm, axis1=-2, axis2=-1) / total, 0.0)
    f1 = f1_from_confusion(cm)
    pro, anti = list(classes).index("pro"), list(classes).index("anti")
    return {
        "accuracy": accuracy,
        "macro_f1": f1.mean(axis=-1),
        "f_avg": (f1[..., pro] + f1[..., anti]) / 2,
    }


def per_class(cm: np.ndarray, *, classes: Sequence[str] = STANCES) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of each class from a confusion matrix."""
    cm = np.asarray(cm, dtype=float)
    tp = np.diagonal(cm)
    gold = cm.sum(axis=1)
    predicted = cm.sum(axis=0)
    f1 = f1_from_confusion(cm)
    result = {}
    for i, label in enumerate(classes):
        result[label] = {
            "precision": float(tp[i] / predicted[i]) if predicted[i] else 0.0,
            "recall": float(tp[i] / gold[i]) if gold[i] else 0.0,
            "f1": float(f1[i]),
            "support": int(gold[i]),
        }
    return result


def accuracy(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Share of sentences whose prediction equals the gold label."""
    return float(scores_from_confusion(confusion_matrix(y_true, y_pred))["accuracy"])


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Unweighted mean of the F1 of pro, anti and neutral."""
    return float(scores_from_confusion(confusion_matrix(y_true, y_pred))["macro_f1"])


def f_avg(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """SemEval-2016 Task 6 score: mean of F1(pro) and F1(anti)."""
    return float(scores_from_confusion(confusion_matrix(y_true, y_pred))["f_avg"])


def missing_classes(y_true: Sequence[str], *, classes: Sequence[str] = STANCES) -> list[str]:
    """Classes with no gold sentence: their F1 is 0 by convention, so say so."""
    present = set(y_true)
    return [label for label in classes if label not in present]


def evaluate_predictions(
    y_true: Sequence[str], y_pred: Sequence[str], *, classes: Sequence[str] = STANCES
) -> dict[str, Any]:
    """Every metric of one prediction run, as plain JSON-ready data."""
    cm = confusion_matrix(y_true, y_pred, classes=classes)
    headline = scores_from_confusion(cm, classes=classes)
    return {
        **{name: float(headline[name]) for name in HEADLINE},
        "per_class": per_class(cm, classes=classes),
        "confusion_matrix": cm.tolist(),
        "n": int(len(y_true)),
    }
