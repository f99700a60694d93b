"""One article -> its sentences with speakers; sentences -> stances: the two stages of an archive run.

The first stage is pure CPU work with no model (the corpus splitter, then the
speaker finder over the whole article, since it keeps state across
sentences); the second needs the model. They are separate functions because
Ray runs them in different places: the first in plain tasks next to the
reading, the second in actors that hold the model. The one-process run calls
both in turn, so the two engines produce the same rows by construction.

A sentence row carries what the model expects (``text``, the finder's
``speaker``, the previous sentence as ``context``); ``context`` is dropped
before writing since it repeats the previous row's text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from stance.archive.source import METADATA, ArticleRow
from stance.models.predict import PROBA_COLUMNS
from stance.schema import STANCES

#: Columns of an output row, in order, with their Arrow types (see :func:`arrow_schema`).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("article", "string"),
    ("row", "int64"),
    ("sent_id", "string"),
    ("index", "int32"),
    ("paragraph", "int32"),
    ("start", "int64"),
    ("end", "int64"),
    ("text", "string"),
    ("speaker", "string"),
    ("speaker_type", "string"),
    ("stance", "string"),
    *((column, "float64") for column in PROBA_COLUMNS),
    *((name, "string") for name in METADATA),
)
OUTPUT_COLUMNS = tuple(name for name, _ in COLUMNS)


def arrow_schema(extra: Sequence[tuple[str, str]] = ()) -> Any:
    """The Parquet schema of the output (one fixed schema, so every shard reads as one table)."""
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, kind)()) for name, kind in (*COLUMNS, *extra)])


def article_sentences(article: ArticleRow) -> list[dict[str, Any]]:
    """The article split like the corpus, each sentence with its speaker, context and the article's metadata.

    An article whose text is all furniture has no sentences and gives an
    empty list (it is counted, not an error).
    """
    from stance.corpus.articles import make_sentences
    from stance.speakers import find_speakers

    sentences = make_sentences(article.id, article.text)
    if not sentences:
        return []
    attributions = find_speakers(sentences, title=article.title)
    meta = article.metadata()
    rows = []
    for sentence, attribution in zip(sentences, attributions, strict=True):
        rows.append(
            {
                "article": article.id,
                "row": article.row,
                "sent_id": sentence.sent_id,
                "index": sentence.index,
                "paragraph": sentence.paragraph,
                "start": sentence.start,
                "end": sentence.end,
                "text": sentence.text,
                "context": sentences[sentence.index - 1].text if sentence.index > 0 else "",
                "speaker": attribution.speaker,
                "speaker_type": attribution.speaker_type,
                **meta,
            }
        )
    return rows


def attribute(articles: Iterable[ArticleRow]) -> list[dict[str, Any]]:
    """The sentence rows of several articles, in order."""
    return [row for article in articles for row in article_sentences(article)]


def add_stances(model: Any, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` in output form: the model's stance and probabilities added, ``context`` dropped.

    Probabilities are rounded to 6 decimals as ``stance predict`` writes
    them, so rows compare equal whichever batch a sentence was predicted in.
    """
    from stance.models.predict import predict_records

    if not rows:
        return []
    out = []
    for record in predict_records(model, rows):
        out.append({name: record.get(name) for name in OUTPUT_COLUMNS})
    return out


def stance_counts(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many rows got each stance (for the run summary)."""
    counts = dict.fromkeys(STANCES, 0)
    for row in rows:
        counts[row["stance"]] += 1
    return counts
