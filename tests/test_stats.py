"""Bootstrap, permutation, McNemar and Holm behave as their definitions say."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from stance.evaluation import metrics, stats
from stance.schema import STANCES


def _data(seed=0, n=120, accuracy=0.7):
    rng = np.random.default_rng(seed)
    y_true = [STANCES[i] for i in rng.integers(0, 3, n)]
    y_pred = [t if rng.random() < accuracy else STANCES[rng.integers(0, 3)] for t in y_true]
    groups = [f"art{i // 10}" for i in range(n)]
    return y_true, y_pred, groups


def test_bootstrap_ci_brackets_the_score_and_is_seeded():
    y_true, y_pred, groups = _data()
    ci = stats.bootstrap_ci(y_true, y_pred, n_resamples=500, seed=4)
    score = metrics.macro_f1(y_true, y_pred)
    assert ci["macro_f1"][0] < score < ci["macro_f1"][1]
    assert ci == stats.bootstrap_ci(y_true, y_pred, n_resamples=500, seed=4)
    assert ci != stats.bootstrap_ci(y_true, y_pred, n_resamples=500, seed=5)


def test_weighted_bootstrap_equals_explicit_resampling():
    """A resample's weighted confusion matrix is the confusion matrix of the drawn sentences."""
    y_true, y_pred, groups = _data(n=30)
    weights = stats._resample_weights(30, groups, 3, seed=2)
    true, pred = metrics.encode(y_true), metrics.encode(y_pred)
    cms = stats._weighted_confusions(true, pred, weights, 3)
    for row, cm in zip(weights, cms, strict=True):
        drawn = np.repeat(np.arange(30), row.astype(int))
        expected = metrics.confusion_matrix([y_true[i] for i in drawn], [y_pred[i] for i in drawn])
        assert (cm == expected).all()
        # cluster resampling: every sentence of an article is drawn equally often
        for g in set(groups):
            assert len({row[i] for i in range(30) if groups[i] == g}) == 1


def test_article_bootstrap_is_wider_when_articles_differ():
    rng = np.random.default_rng(0)
    y_true, y_pred, groups = [], [], []
    for article in range(12):
        good = article % 2 == 0
        for _ in range(20):
            t = STANCES[rng.integers(0, 3)]
            y_true.append(t)
            y_pred.append(t if good or rng.random() < 0.2 else STANCES[(STANCES.index(t) + 1) % 3])
            groups.append(f"a{article}")
    sentence = stats.bootstrap_ci(y_true, y_pred, n_resamples=800, seed=0)["macro_f1"]
    article = stats.bootstrap_ci(y_true, y_pred, n_resamples=800, seed=0, groups=groups)["macro_f1"]
    assert article[1] - article[0] > sentence[1] - sentence[0]


def test_paired_comparison_finds_a_real_difference_and_not_a_fake_one():
    y_true, good, _ = _data(accuracy=0.95, n=200)
    _, bad, _ = _data(seed=1, accuracy=0.3, n=200)
    bad = [
        b if i % 2 else STANCES[(STANCES.index(t) + 1) % 3] for i, (b, t) in enumerate(zip(bad, y_true, strict=True))
    ]
    real = stats.paired_comparison(y_true, bad, good, n_resamples=500)
    assert real["difference"] > 0.3 and real["p_value"] < 0.01 and real["ci_low"] > 0
    same = stats.paired_comparison(y_true, good, list(good), n_resamples=500)
    assert same["difference"] == 0 and same["p_value"] == 1.0


def test_mcnemar_matches_a_binomial_test_on_discordant_pairs():
    y_true = ["pro"] * 20
    a = ["pro"] * 15 + ["anti"] * 5
    b = ["pro"] * 5 + ["anti"] * 10 + ["pro"] * 5
    result = stats.mcnemar_exact(y_true, a, b)
    assert result["only_a_right"] == 10 and result["only_b_right"] == 5
    assert result["p_value"] == pytest.approx(binomtest(10, 15, 0.5).pvalue)
    assert stats.mcnemar_exact(y_true, a, a)["p_value"] == 1.0


def test_holm_by_hand():
    # sorted 0.01, 0.02, 0.04 -> 0.03, 0.04, 0.04 (monotone), returned in input order
    assert stats.holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert stats.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_mean_sd():
    assert stats.mean_sd([1.0, 3.0]) == pytest.approx((2.0, np.sqrt(2)))
    assert stats.mean_sd([0.5]) == (0.5, 0.0)
