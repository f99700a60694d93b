"""Cross-validation splits that keep an article's sentences together.

Sentences of one article share speakers, quotes and wording; a model that
saw the article's other sentences in training can score well by memorising
that wording. So the default protocol holds out a whole article at a time,
and K-fold is grouped by article whenever there are at least K articles.
Splits are plain index lists (pure functions, seeded, no I/O).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


def article_subsample(
    indices: Sequence[int], groups: Sequence[str], *, fraction: float, seed: int = 0
) -> tuple[int, ...]:
    """The rows of a seeded share of the articles among ``indices`` (at least one article).

    Whole articles, because the corpus grows by articles: the learning curve
    then answers "would more articles help?" without the optimism of
    sentences from an article whose other sentences are already in training.
    Nested across fractions for one seed (25% of the articles is inside 50%).
    """
    if not 0 < fraction <= 1:
        raise StanceError(f"fraction {fraction} must be in (0, 1]")
    articles = list(dict.fromkeys(groups[i] for i in indices))
    order = np.random.default_rng(seed).permutation(len(articles))
    take = max(1, int(np.ceil(fraction * len(articles))))
    chosen = {articles[j] for j in order[:take]}
    return tuple(i for i in indices if groups[i] in chosen)


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


#: Prefixes of an article set on the command line (``--train`` / ``--test``).
ARTICLE_SET_KINDS: tuple[str, ...] = ("collection", "article")


def select_articles(spec: str, collection_of: Mapping[str, str], *, option: str) -> list[str]:
    """The article ids named by ``collection:A,B`` or ``article:ID,ID`` (corpus order).

    ``collection_of`` maps every article id of the corpus to its collection.
    Unknown ids and collections are errors that list what exists, so a typo
    never silently shrinks a training set.
    """
    kind, colon, names_text = spec.partition(":")
    names = [name.strip() for name in names_text.split(",") if name.strip()]
    if not colon or kind not in ARTICLE_SET_KINDS or not names:
        raise StanceError(f"{spec!r}: expected collection:NAME[,NAME] or article:ID[,ID]", field=option)
    if kind == "article":
        unknown = [name for name in names if name not in collection_of]
        if unknown:
            raise StanceError(
                f"unknown article id(s) {', '.join(map(repr, unknown))} (see `stance corpus list`)", field=option
            )
        wanted = set(names)
    else:
        sizes: dict[str, int] = {}
        for collection in collection_of.values():
            sizes[collection] = sizes.get(collection, 0) + 1
        unknown = [name for name in names if name not in sizes]
        if unknown:
            known = ", ".join(f"{name} ({n})" for name, n in sizes.items())
            raise StanceError(
                f"unknown collection(s) {', '.join(map(repr, unknown))}; collections: {known}", field=option
            )
        wanted = {article for article, collection in collection_of.items() if collection in names}
    return [article for article in collection_of if article in wanted]


def rows_of_articles(
    rows: Sequence[Mapping[str, Any]], collection_of: Mapping[str, str], spec: str, *, option: str
) -> list[Mapping[str, Any]]:
    """The rows of the articles ``spec`` names (``--train`` with an external test file)."""
    wanted = set(select_articles(spec, collection_of, option=option))
    kept = [row for row in rows if row["article"] in wanted]
    if not kept:
        raise StanceError(f"{spec!r}: none of its {len(wanted)} article(s) has a labelled sentence", field=option)
    return kept


@dataclass(frozen=True)
class ArticleSplit:
    """A train-on-some, test-on-others split: the fold and what it was made from."""

    fold: Fold
    train_spec: str
    test_spec: str
    train_articles: tuple[str, ...]
    test_articles: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "train": {
                "spec": self.train_spec,
                "articles": list(self.train_articles),
                "n_sentences": len(self.fold.train),
            },
            "test": {"spec": self.test_spec, "articles": list(self.test_articles), "n_sentences": len(self.fold.test)},
        }


def article_split(
    groups: Sequence[str],
    collection_of: Mapping[str, str],
    *,
    train: str | None,
    test: str | None,
) -> ArticleSplit:
    """Train on the articles ``train`` names, test on those ``test`` names.

    ``groups`` are the articles of the labelled rows, ``collection_of`` maps
    every corpus article to its collection. A side left out (None) is every
    other labelled article. The sets must not share an article, and each must
    keep at least one labelled sentence; only articles with a labelled row
    are listed in the result.
    """
    if train is None and test is None:
        raise StanceError("give --train, --test or both", field="--train/--test")
    labelled = set(groups)
    named = {
        option: select_articles(spec, collection_of, option=option)
        for option, spec in (("--train", train), ("--test", test))
        if spec is not None
    }
    if train is not None and test is not None:
        shared = [article for article in named["--train"] if article in set(named["--test"])]
        if shared:
            listed = ", ".join(shared[:5]) + (", ..." if len(shared) > 5 else "")
            raise StanceError(
                f"{train!r} and {test!r} share {len(shared)} article(s) ({listed}); a model must not be "
                "tested on articles it was trained on",
                field="--train/--test",
            )
    for option, articles in named.items():
        if not labelled & set(articles):
            spec = train if option == "--train" else test
            raise StanceError(
                f"{spec!r}: none of its {len(articles)} article(s) has a labelled sentence "
                "(label them with `stance annotate`)",
                field=option,
            )
    order = list(dict.fromkeys(groups))
    train_articles = named.get("--train") or [a for a in order if a not in set(named["--test"])]
    test_articles = named.get("--test") or [a for a in order if a not in set(named["--train"])]
    train_set, test_set = set(train_articles), set(test_articles)
    fold = Fold(
        name="test",
        train=tuple(i for i, g in enumerate(groups) if g in train_set),
        test=tuple(i for i, g in enumerate(groups) if g in test_set),
    )
    for option, other, idx in (("--train", "--test", fold.train), ("--test", "--train", fold.test)):
        if not idx:
            raise StanceError(f"every labelled article is in {other}, none is left to {option[2:]} on", field=option)
    return ArticleSplit(
        fold=fold,
        train_spec=train or "every other labelled article",
        test_spec=test or "every other labelled article",
        train_articles=tuple(a for a in order if a in train_set),
        test_articles=tuple(a for a in order if a in test_set),
    )
