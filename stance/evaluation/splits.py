"""Cross-validation splits that keep an article's sentences together.

Sentences of one article share speakers, quotes and wording; a model that
saw the article's other sentences in training can score well by memorising
that wording. So the default protocol holds out a whole article at a time,
and K-fold is grouped by article whenever there are at least K articles.
Splits are plain index lists (pure functions, seeded, no I/O).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stance.errors import StanceError


@dataclass(frozen=True)
class Fold:
    """One train/test split, as positions into the evaluated rows."""

    name: str
    train: tuple[int, ...]
    test: tuple[int, ...]


def leave_one_article_out(groups: Sequence[str]) -> list[Fold]:
    """One fold per article (in order of first appearance), testing on that article."""
    order = list(dict.fromkeys(groups))
    if len(order) < 2:
        raise StanceError(f"leave-one-article-out needs at least 2 articles, found {len(order)}")
    folds = []
    for article in order:
        test = tuple(i for i, g in enumerate(groups) if g == article)
        train = tuple(i for i, g in enumerate(groups) if g != article)
        folds.append(Fold(name=article, train=train, test=test))
    return folds


def kfold(y: Sequence[str], groups: Sequence[str], *, k: int, seed: int = 0) -> tuple[list[Fold], bool]:
    """Stratified K-fold, grouped by article when there are at least ``k`` articles.

    Returns the folds and whether they are grouped. Ungrouped K-fold lets an
    article's wording leak across folds; the report says so.
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    n = len(y)
    if k < 2:
        raise StanceError(f"kfold:{k}: K must be at least 2", field="--cv")
    if k > n:
        raise StanceError(f"kfold:{k}: only {n} labelled sentences", field="--cv")
    grouped = len(set(groups)) >= k
    positions = np.arange(n)
    # Stratification needs every class at least once per fold; with rarer
    # classes scikit-learn warns and does its best, which is what we want.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if grouped:
            splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
            pairs = list(splitter.split(positions, list(y), list(groups)))
        else:
            splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
            pairs = list(splitter.split(positions, list(y)))
    folds = [
        Fold(name=f"fold-{i + 1}", train=tuple(int(j) for j in train), test=tuple(int(j) for j in test))
        for i, (train, test) in enumerate(pairs)
    ]
    for fold in folds:
        if not fold.test:
            raise StanceError(f"kfold:{k}: fold {fold.name} has no test sentences; use a smaller K", field="--cv")
    return folds, grouped


def parse_cv(spec: str) -> tuple[str, int | None]:
    """``article`` or ``kfold:K`` from the command line, checked."""
    if spec == "article":
        return "article", None
    if spec.startswith("kfold:"):
        try:
            k = int(spec.split(":", 1)[1])
        except ValueError:
            raise StanceError(f"{spec!r}: expected kfold:K with an integer K", field="--cv") from None
        return "kfold", k
    raise StanceError(f"{spec!r}: expected 'article' or 'kfold:K'", field="--cv")


def stratified_subsample(
    indices: Sequence[int], y: Sequence[str], *, fraction: float, seed: int = 0
) -> tuple[int, ...]:
    """A seeded, class-stratified share of ``indices`` (at least one per class present).

    Nested across fractions for one seed (25% is inside 50%), so a learning
    curve measures more data rather than different data.
    """
    if not 0 < fraction <= 1:
        raise StanceError(f"fraction {fraction} must be in (0, 1]")
    rng = np.random.default_rng(seed)
    by_class: dict[str, list[int]] = {}
    for i in indices:
        by_class.setdefault(y[i], []).append(i)
    chosen: list[int] = []
    for label in sorted(by_class):
        members = np.array(by_class[label])
        members = members[rng.permutation(len(members))]
        take = max(1, int(np.ceil(fraction * len(members))))
        chosen.extend(int(i) for i in members[:take])
    return tuple(sorted(chosen))
