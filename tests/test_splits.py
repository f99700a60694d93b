"""Splits never put one article on both sides, and are reproducible."""

from __future__ import annotations

import pytest

from stance.errors import StanceError
from stance.evaluation import splits

GROUPS = [g for g in "aabbbccddddeeff"]
Y = ["pro", "anti", "neutral"] * 5


def test_leave_one_article_out_holds_out_each_article_once():
    folds = splits.leave_one_article_out(GROUPS)
    assert [f.name for f in folds] == list("abcdef")
    for fold in folds:
        assert {GROUPS[i] for i in fold.test} == {fold.name}
        assert fold.name not in {GROUPS[i] for i in fold.train}
        assert sorted(fold.train + fold.test) == list(range(len(GROUPS)))


def test_grouped_kfold_keeps_articles_whole_and_is_seeded():
    folds, grouped = splits.kfold(Y, GROUPS, k=3, seed=1)
    assert grouped
    tested = sorted(i for f in folds for i in f.test)
    assert tested == list(range(len(GROUPS)))
    for fold in folds:
        assert not {GROUPS[i] for i in fold.test} & {GROUPS[i] for i in fold.train}
    again, _ = splits.kfold(Y, GROUPS, k=3, seed=1)
    assert again == folds


def test_kfold_falls_back_to_ungrouped_with_few_articles():
    folds, grouped = splits.kfold(Y, ["a"] * 7 + ["b"] * 8, k=3)
    assert not grouped
    assert sorted(i for f in folds for i in f.test) == list(range(15))


@pytest.mark.parametrize("spec", ["kfold:x", "loo", "kfold:"])
def test_bad_cv_spec_is_a_user_error(spec):
    with pytest.raises(StanceError, match="--cv"):
        splits.parse_cv(spec)


def test_one_article_cannot_be_cross_validated():
    with pytest.raises(StanceError, match="at least 2 articles"):
        splits.leave_one_article_out(["a", "a"])


def test_stratified_subsample_is_nested_and_keeps_every_class():
    indices = list(range(len(Y)))
    quarter = splits.stratified_subsample(indices, Y, fraction=0.25, seed=3)
    half = splits.stratified_subsample(indices, Y, fraction=0.5, seed=3)
    assert set(quarter) <= set(half)
    assert {Y[i] for i in quarter} == {"pro", "anti", "neutral"}
    assert splits.stratified_subsample(indices, Y, fraction=1.0) == tuple(indices)


def test_article_subsample_takes_whole_articles_nested_across_shares():
    groups = [f"a{i // 3}" for i in range(24)]  # 8 articles of 3 sentences
    indices = list(range(3, 24))  # the training rows of a fold without a0
    quarter = splits.article_subsample(indices, groups, fraction=0.25, seed=5)
    half = splits.article_subsample(indices, groups, fraction=0.5, seed=5)
    assert len({groups[i] for i in quarter}) == 2 and len({groups[i] for i in half}) == 4
    assert set(quarter) <= set(half) <= set(indices)
    for article in {groups[i] for i in half}:
        assert {i for i in half if groups[i] == article} == {i for i in indices if groups[i] == article}
    assert splits.article_subsample(indices, groups, fraction=1.0) == tuple(indices)
