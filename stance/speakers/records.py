"""The finder's output as plain records: for ``stance speakers show``, suggestions and predictions.

These functions read the corpus (or a text file) and return dicts; they never
print. :func:`write_suggestions` stores the finder's speakers for a newly
added article under ``annotations/suggestions/<article>.jsonl``, apart from
gold, so a suggestion can never be mistaken for a label.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stance.corpus.articles import get_article, load_sentences, make_sentences, read_text_file
from stance.corpus.gold import load_gold
from stance.corpus.splitter import parse_header
from stance.io.jsonl import write_jsonl
from stance.paths import Root
from stance.schema import Sentence
from stance.speakers.finder import find_speakers


def records_for(sentences: list[Sentence], *, title: str | None = None) -> list[dict[str, Any]]:
    """One record per sentence: id, index, paragraph, text and the finder's attribution."""
    return [
        {
            "sent_id": s.sent_id,
            "index": s.index,
            "paragraph": s.paragraph,
            "text": s.text,
            **attribution.to_dict(),
        }
        for s, attribution in zip(sentences, find_speakers(sentences, title=title), strict=True)
    ]


def attribute_article(root: Root, article_id: str) -> tuple[str, list[dict[str, Any]]]:
    """A corpus article's title and its attributed sentences, with the gold speaker where labelled."""
    article = get_article(root, article_id)
    sentences = [s for s in load_sentences(root) if s.article == article_id]
    gold = load_gold(root)
    records = records_for(sentences)
    for record in records:
        label = gold.get(record["sent_id"])
        record["gold_speaker"] = label.speaker if label else None
        record["gold_type"] = label.speaker_type if label else None
    return article.title, records


def attribute_file(path: str | Path) -> tuple[str, list[dict[str, Any]]]:
    """A plain text file (not in the corpus), split with the corpus splitter and attributed."""
    raw = read_text_file(path)
    header, _ = parse_header(raw)
    return header.get("title", Path(path).name), records_for(make_sentences("text", raw))


def suggestions_path(root: Root, article_id: str) -> Path:
    return root.annotations / "suggestions" / f"{article_id}.jsonl"


def write_suggestions(
    root: Root, article_id: str, sentences: list[Sentence], *, title: str | None = None
) -> tuple[Path, list[dict[str, Any]]]:
    """Store the finder's speakers for an article's sentences (never in gold); return the file and records."""
    path = suggestions_path(root, article_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    records = [
        {
            "sent_id": r["sent_id"],
            "speaker": r["speaker"],
            "speaker_type": r["speaker_type"],
            "evidence": r["evidence"],
            "confidence": r["confidence"],
            "suggested_by": "speaker-finder",
        }
        for r in records_for(sentences, title=title)
    ]
    write_jsonl(path, records)
    return path, records


def finder_speakers(root: Root, *, articles: set[str] | None = None) -> dict[str, Any]:
    """The finder's :class:`Attribution` for every corpus sentence, by sent_id (one pass per article)."""
    from itertools import groupby

    found: dict[str, Any] = {}
    for article, group in groupby(load_sentences(root), key=lambda s: s.article):
        if articles is not None and article not in articles:
            continue
        items = list(group)
        for sentence, attribution in zip(items, find_speakers(items), strict=True):
            found[sentence.sent_id] = attribution
    return found


def with_finder_speakers(root: Root, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of ``rows`` whose speaker and speaker_type are the finder's (for the speaker ablation).

    Training with gold speakers and testing with the finder's is what a user
    predicting on a new article gets; this gives the rows for that.
    """
    found = finder_speakers(root, articles={r["article"] for r in rows})
    return [
        {**r, "speaker": found[r["sent_id"]].speaker, "speaker_type": found[r["sent_id"]].speaker_type} for r in rows
    ]
