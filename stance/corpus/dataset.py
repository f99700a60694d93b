"""The labelled corpus as rows, and as a ``datasets.Dataset`` for the models.

:func:`labelled_rows` is the one place that joins sentences with gold labels
(plain dicts, no heavy imports, used by the CLI); :func:`load_dataset` wraps
the same rows in a Hugging Face ``Dataset`` for training and evaluation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from stance.corpus.articles import load_articles, load_sentences
from stance.corpus.gold import load_gold
from stance.paths import Root

if TYPE_CHECKING:
    import datasets

COLUMNS = (
    "sent_id",
    "article",
    "index",
    "paragraph",
    "text",
    "context",
    "speaker",
    "speaker_type",
    "stance",
    "origin",
)


def labelled_rows(
    root: Root,
    *,
    articles: Iterable[str] | None = None,
    origin: str | None = None,
    include_unlabelled: bool = False,
) -> list[dict[str, Any]]:
    """Sentences joined with their gold labels, in corpus order.

    ``context`` is the previous sentence of the same article ("" for the
    first), because the speaker and stance of a sentence often depend on it.
    ``origin`` keeps only the ``source`` (the four seed articles) or ``added``
    articles. Unlabelled sentences are skipped unless asked for.
    """
    sentences = load_sentences(root)
    gold = load_gold(root, known_ids={s.sent_id for s in sentences})
    origins = {a.id: a.origin for a in load_articles(root)}
    wanted = set(articles) if articles is not None else None
    rows: list[dict[str, Any]] = []
    previous: dict[str, str] = {}
    for sentence in sentences:
        context = previous.get(sentence.article, "")
        previous[sentence.article] = sentence.text
        if wanted is not None and sentence.article not in wanted:
            continue
        if origin is not None and origins.get(sentence.article) != origin:
            continue
        label = gold.get(sentence.sent_id)
        if label is None and not include_unlabelled:
            continue
        rows.append(
            {
                "sent_id": sentence.sent_id,
                "article": sentence.article,
                "index": sentence.index,
                "paragraph": sentence.paragraph,
                "text": sentence.text,
                "context": context,
                "speaker": label.speaker if label else None,
                "speaker_type": label.speaker_type if label else None,
                "stance": label.stance if label else None,
                "origin": origins.get(sentence.article, "added"),
            }
        )
    return rows


def rows_to_dataset(rows: list[dict[str, Any]]) -> datasets.Dataset:
    """Wrap rows in a ``datasets.Dataset`` with a fixed column order."""
    import datasets

    columns = {name: [row.get(name) for row in rows] for name in COLUMNS}
    features = datasets.Features(
        {
            name: datasets.Value("int64") if name in ("index", "paragraph") else datasets.Value("string")
            for name in COLUMNS
        }
    )
    return datasets.Dataset.from_dict(columns, features=features)


def load_dataset(root: Root, *, articles: Iterable[str] | None = None, origin: str | None = None) -> datasets.Dataset:
    """The labelled corpus as a ``datasets.Dataset`` (see :func:`labelled_rows`)."""
    return rows_to_dataset(labelled_rows(root, articles=articles, origin=origin))


#: The fields of a row that a model sees or is scored on, in the order they are hashed.
FINGERPRINT_FIELDS = ("sent_id", "text", "context", "speaker", "stance")


def fingerprint(rows: Sequence[Mapping[str, Any]]) -> str:
    """sha256 of the rows as models see them (:data:`FINGERPRINT_FIELDS`, in row order).

    One function for ``meta.json`` of a trained run and ``report.json`` of an
    evaluation, so a report's training rows can be matched to a saved model.
    """
    digest = hashlib.sha256()
    for row in rows:
        record = [row.get(k) for k in FINGERPRINT_FIELDS]
        digest.update(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    return digest.hexdigest()
