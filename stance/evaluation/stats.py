"""Uncertainty and significance for stance scores, as pure seeded functions.

A corpus of a few hundred sentences gives wide intervals; reporting a score
without one invites reading noise as progress. Resampling is done with
weights: a resample is a vector of how often each sentence is drawn, and the
weighted confusion matrices of all resamples are counted at once.

Resampling unit: ``sentence`` treats sentences as independent; ``article``
(a cluster bootstrap) draws whole articles, because sentences of one article
share speakers and wording. Pass ``groups`` (the article of each sentence)
for the latter.

Tests between two models scored on the same sentences:

- paired bootstrap: the CI of the metric difference B - A;
- approximate randomisation: the p-value of that difference, from swapping
  the two models' predictions per unit with probability 1/2
  (p = (#{|d*| >= |d|} + 1) / (R + 1));
- McNemar's exact test on which sentences each model gets wrong;
- Holm's step-down correction when several pairs are tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from stance.evaluation.metrics import encode, scores_from_confusion
from stance.schema import STANCES


def _unit_index(n: int, groups: Sequence[str] | None) -> tuple[np.ndarray, int]:
    """For each sentence, the index of its resampling unit; and how many units."""
    if groups is None:
        return np.arange(n), n
    order = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    return np.array([order[g] for g in groups], dtype=np.int64), len(order)


def _weighted_confusions(true: np.ndarray, pred: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Confusion matrices ``(R, k, k)`` for ``R`` rows of per-sentence weights."""
    r = weights.shape[0]
    codes = (true * k + pred)[None, :] + (np.arange(r) * k * k)[:, None]
    counts = np.bincount(codes.ravel(), weights=weights.ravel(), minlength=r * k * k)
    return counts.reshape(r, k, k)


def _resample_weights(n: int, groups: Sequence[str] | None, n_resamples: int, seed: int) -> np.ndarray:
    unit, n_units = _unit_index(n, groups)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=n_resamples)
    return draws[:, unit].astype(float)


def bootstrap_ci(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    *,
    n_resamples: int = 1000,
    seed: int = 0,
    groups: Sequence[str] | None = None,
    confidence: float = 0.95,
    classes: Sequence[str] = STANCES,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap CIs of accuracy, macro-F1 and F_avg."""
    true = encode(y_true, classes=classes)
    pred = encode(y_pred, classes=classes, what="prediction")
    weights = _resample_weights(len(true), groups, n_resamples, seed)
    scores = scores_from_confusion(_weighted_confusions(true, pred, weights, len(classes)), classes=classes)
    tail = (1 - confidence) / 2 * 100
    return {
        name: (float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail)))
        for name, values in scores.items()
    }


def paired_comparison(
    y_true: Sequence[str],
    pred_a: Sequence[str],
    pred_b: Sequence[str],
    *,
    metric: str = "macro_f1",
    n_resamples: int = 1000,
    seed: int = 0,
    groups: Sequence[str] | None = None,
    confidence: float = 0.95,
    classes: Sequence[str] = STANCES,
) -> dict[str, Any]:
    """Difference B - A in ``metric``: paired bootstrap CI, approximate-randomisation p-value."""
    true = encode(y_true, classes=classes)
    a = encode(pred_a, classes=classes, what="prediction")
    b = encode(pred_b, classes=classes, what="prediction")
    k = len(classes)
    n = len(true)
    ones = np.ones((1, n))
    observed = float(
        scores_from_confusion(_weighted_confusions(true, b, ones, k), classes=classes)[metric][0]
        - scores_from_confusion(_weighted_confusions(true, a, ones, k), classes=classes)[metric][0]
    )

    weights = _resample_weights(n, groups, n_resamples, seed)
    boot_a = scores_from_confusion(_weighted_confusions(true, a, weights, k), classes=classes)[metric]
    boot_b = scores_from_confusion(_weighted_confusions(true, b, weights, k), classes=classes)[metric]
    diffs = boot_b - boot_a
    tail = (1 - confidence) / 2 * 100

    unit, n_units = _unit_index(n, groups)
    rng = np.random.default_rng(seed + 1)
    swap = rng.random((n_resamples, n_units)) < 0.5
    swap = swap[:, unit]
    perm_a = np.where(swap, b[None, :], a[None, :])
    perm_b = np.where(swap, a[None, :], b[None, :])
    perm_diffs = _score_rows(true, perm_b, k, metric, classes) - _score_rows(true, perm_a, k, metric, classes)
    extreme = int(np.sum(np.abs(perm_diffs) >= abs(observed) - 1e-12))
    return {
        "metric": metric,
        "difference": observed,
        "ci_low": float(np.percentile(diffs, tail)),
        "ci_high": float(np.percentile(diffs, 100 - tail)),
        "p_value": (extreme + 1) / (n_resamples + 1),
    }


def _score_rows(true: np.ndarray, preds: np.ndarray, k: int, metric: str, classes: Sequence[str]) -> np.ndarray:
    """``metric`` of each row of a ``(R, n)`` prediction matrix against ``true``."""
    r, n = preds.shape
    codes = (true[None, :] * k + preds) + (np.arange(r) * k * k)[:, None]
    cms = np.bincount(codes.ravel(), minlength=r * k * k).reshape(r, k, k)
    return scores_from_confusion(cms, classes=classes)[metric]


def mcnemar_exact(y_true: Sequence[str], pred_a: Sequence[str], pred_b: Sequence[str]) -> dict[str, Any]:
    """McNemar's exact test: do A and B err on different sentences more than chance?

    ``only_a_right`` and ``only_b_right`` count the discordant sentences; under
    the null each discordant sentence is a fair coin, so the two-sided p-value
    is a binomial test of ``only_a_right`` out of their sum.
    """
    from scipy.stats import binomtest

    a_right = np.array([p == t for p, t in zip(pred_a, y_true, strict=True)])
    b_right = np.array([p == t for p, t in zip(pred_b, y_true, strict=True)])
    only_a = int(np.sum(a_right & ~b_right))
    only_b = int(np.sum(b_right & ~a_right))
    p = 1.0 if only_a + only_b == 0 else float(binomtest(only_a, only_a + only_b, 0.5).pvalue)
    return {"only_a_right": only_a, "only_b_right": only_b, "p_value": p}


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (family-wise error control, any dependence).

    Sort ascending, multiply the i-th smallest (0-based) by ``m - i``, make
    the sequence non-decreasing, cap at 1, and return in the input order.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0.0 for a single value)."""
    array = np.asarray(values, dtype=float)
    sd = float(array.std(ddof=1)) if len(array) > 1 else 0.0
    return float(array.mean()), sd
