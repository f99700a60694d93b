"""How far a model's probabilities can be trusted: reliability bins and expected calibration error.

A model whose top probability says 0.9 should be right nine times in ten;
``stance predict --min-confidence`` and ``stance annotate --order uncertain``
rely on that. Pure functions over the out-of-fold probabilities, no I/O.

Definitions (top-label calibration, ``n_bins`` equal-width bins of the top
probability on [0, 1], the last bin closed):

- confidence_b = mean top probability of the rows in bin b
- accuracy_b = share of those rows whose top class is the gold one
- ECE = sum over bins of (n_b / n) * |accuracy_b - confidence_b|
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from stance.evaluation.metrics import encode


def reliability(y_true: Sequence[str], proba: np.ndarray, *, n_bins: int = 10) -> list[dict[str, Any]]:
    """Per bin of top probability: its range, rows, mean confidence and accuracy (empty bins included)."""
    proba = np.asarray(proba, dtype=float)
    gold = encode(y_true)
    if proba.shape != (len(gold), 3):
        raise ValueError(f"probabilities of shape {proba.shape} for {len(gold)} labels")
    top = proba.max(axis=1) if len(gold) else np.zeros(0)
    correct = proba.argmax(axis=1) == gold if len(gold) else np.zeros(0, dtype=bool)
    which = np.minimum((top * n_bins).astype(int), n_bins - 1)
    bins = []
    for b in range(n_bins):
        inside = which == b
        count = int(inside.sum())
        bins.append(
            {
                "low": b / n_bins,
                "high": (b + 1) / n_bins,
                "n": count,
                "confidence": float(top[inside].mean()) if count else 0.0,
                "accuracy": float(correct[inside].mean()) if count else 0.0,
            }
        )
    return bins


def expected_calibration_error(y_true: Sequence[str], proba: np.ndarray, *, n_bins: int = 10) -> float:
    """ECE of the top label (see the module docstring); 0.0 for no rows."""
    bins = reliability(y_true, proba, n_bins=n_bins)
    total = sum(b["n"] for b in bins)
    if not total:
        return 0.0
    return float(sum(b["n"] / total * abs(b["accuracy"] - b["confidence"]) for b in bins))


def calibration_summary(y_true: Sequence[str], proba: np.ndarray, *, n_bins: int = 10) -> dict[str, Any]:
    """ECE, the bins, and the mean top probability against accuracy, for report.json."""
    bins = reliability(y_true, proba, n_bins=n_bins)
    total = sum(b["n"] for b in bins)
    return {
        "ece": expected_calibration_error(y_true, proba, n_bins=n_bins),
        "n_bins": n_bins,
        "mean_confidence": float(sum(b["n"] * b["confidence"] for b in bins) / total) if total else 0.0,
        "accuracy": float(sum(b["n"] * b["accuracy"] for b in bins) / total) if total else 0.0,
        "bins": bins,
    }
