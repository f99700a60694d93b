"""The protocol the screening scripts share (scripts/feature_probe.py, scripts/model_probe.py).

The folds are `stance evaluate`'s (grouped stratified 5-fold by article, seed
0) and the old -> new split (`collection:seed,corpus-extra` ->
`collection:corpus-more`), over the labelled corpus with gold speakers
(``ROWS``) and the speaker finder's (``FINDER``). One module, so two screens
never drift apart in what they call a fold or a score. Importing it reads
the corpus and runs the finder once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from stance.corpus.articles import article_collections
from stance.corpus.dataset import labelled_rows
from stance.evaluation import metrics
from stance.evaluation.protocol import make_folds
from stance.evaluation.splits import article_split
from stance.paths import find_root
from stance.schema import STANCES
from stance.speakers.records import with_finder_speakers

root = find_root()
ROWS = labelled_rows(root)
FINDER = with_finder_speakers(root, ROWS)
GOLD = [row["stance"] for row in ROWS]
ARTICLES = [row["article"] for row in ROWS]
CV = make_folds(ROWS, cv="kfold", k=5, seed=0).folds
OLD_NEW = [
    article_split(
        ARTICLES, article_collections(root), train="collection:seed,corpus-extra", test="collection:corpus-more"
    ).fold
]
PROTOCOLS = {"grouped 5-fold": CV, "old -> new": OLD_NEW}
Proba = dict[str, tuple[list[int], np.ndarray]]


def score(positions: Sequence[int], proba: np.ndarray) -> float:
    """Pooled macro-F1 of the argmax of ``proba`` against gold at ``positions``."""
    return metrics.macro_f1([GOLD[i] for i in positions], [STANCES[int(j)] for j in proba.argmax(axis=1)])


def out_of_fold(fit_predict: Callable[[list[int], list[int]], np.ndarray]) -> Proba:
    """Out-of-fold probabilities per protocol from ``fit_predict(train positions, test positions)``."""
    result: Proba = {}
    for protocol, folds in PROTOCOLS.items():
        found: dict[int, np.ndarray] = {}
        for fold in folds:
            found.update(zip(fold.test, fit_predict(list(fold.train), list(fold.test)), strict=True))
        positions = sorted(found)
        result[protocol] = (positions, np.vstack([found[i] for i in positions]))
    return result
