"""How well the speaker finder agrees with gold: pure scoring plus two loaders.

:func:`score` is a pure function over aligned records (gold and predicted
speaker per sentence); :func:`evaluate_corpus` and :func:`evaluate_patterns`
build those records from the corpus gold labels or from a pattern file of
made-up snippets, which keeps the rules honest: the corpus measures fit to
real articles, the pattern file measures the rules on text they were not
tuned on.

Speakers are compared after :func:`normalise_speaker` (whitespace, curly
apostrophes and letter case), so "UNIFI" and "Unifi" are the same source;
anything else (e.g. "Serwotka" vs "Mark Serwotka") is a miss.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

from stance.corpus.articles import load_articles, load_sentences, make_sentences
from stance.corpus.gold import load_gold
from stance.errors import StanceError
from stance.io.jsonl import iter_jsonl
from stance.paths import Root
from stance.schema import AUTHOR, SPEAKER_TYPES
from stance.speakers import find_speakers
from stance.speakers.names import clean_spaces

OTHER = "(other)"


def normalise_speaker(name: str) -> str:
    """The comparison key of a speaker name: spaces, apostrophes and case unified."""
    return clean_spaces(name).casefold()


def _accuracy(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _summary(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    n = len(records)
    speaker = sum(normalise_speaker(r["gold_speaker"]) == normalise_speaker(r["pred_speaker"]) for r in records)
    stype = sum(r["gold_type"] == r["pred_type"] for r in records)
    quoted = sum((r["gold_speaker"] == AUTHOR) == (r["pred_speaker"] == AUTHOR) for r in records)
    return {
        "n": n,
        "speaker_correct": speaker,
        "speaker_accuracy": _accuracy(speaker, n),
        "type_accuracy": _accuracy(stype, n),
        "quoted_accuracy": _accuracy(quoted, n),
    }


def confusion(records: Sequence[dict[str, Any]], *, top: int = 8) -> dict[str, Any]:
    """Gold x predicted counts for the ``top`` most frequent gold speakers; the rest are ``(other)``.

    Rows are gold speakers, columns predicted ones, both in the same order,
    so the diagonal holds the hits.
    """
    counts = Counter(normalise_speaker(r["gold_speaker"]) for r in records)
    display: dict[str, str] = {}
    for r in records:
        display.setdefault(normalise_speaker(r["gold_speaker"]), r["gold_speaker"])
    keys = [k for k, _ in counts.most_common(top)]
    labels = [display[k] for k in keys] + [OTHER]
    index = {k: i for i, k in enumerate(keys)}
    matrix = [[0] * len(labels) for _ in labels]
    for r in records:
        row = index.get(normalise_speaker(r["gold_speaker"]), len(keys))
        col = index.get(normalise_speaker(r["pred_speaker"]), len(keys))
        matrix[row][col] += 1
    return {"labels": labels, "matrix": matrix}


def score(records: Sequence[dict[str, Any]], *, top: int = 8) -> dict[str, Any]:
    """Overall and per-article accuracies, a confusion table and the misses.

    Each record has ``sent_id``, ``article``, ``text``, ``gold_speaker``,
    ``gold_type``, ``pred_speaker``, ``pred_type`` and ``evidence``.
    speaker accuracy = exact speaker matches / sentences; type accuracy the
    same for speaker_type; quoted accuracy = agreement on "author or not".
    """
    articles = []
    for article, group in groupby(records, key=lambda r: r["article"]):
        articles.append({"article": article, **_summary(list(group))})
    misses = [r for r in records if normalise_speaker(r["gold_speaker"]) != normalise_speaker(r["pred_speaker"])]
    return {
        "overall": _summary(records),
        "articles": articles,
        "confusion": confusion(records, top=top),
        "misses": misses,
    }


def corpus_records(
    root: Root, *, article: str | None = None, collection: str | None = None
) -> list[dict[str, Any]]:
    """Finder output next to gold for every labelled sentence (optionally of one article or collection)."""
    sentences = load_sentences(root)
    gold = load_gold(root, known_ids={s.sent_id for s in sentences})
    known = {a.id: a for a in load_articles(root)}
    if article is not None and article not in known:
        raise StanceError(f"Can't find article {article!r}. Available: {', '.join(known) or 'none'}")
    collections = sorted({a.collection or "user" for a in known.values()})
    if collection is not None and collection not in collections:
        raise StanceError(
            f"Can't find collection {collection!r}. Available: {', '.join(collections) or 'none'}",
            field="--collection",
        )
    records: list[dict[str, Any]] = []
    for art, group in groupby(sentences, key=lambda s: s.article):
        if article is not None and art != article:
            continue
        if collection is not None and (known[art].collection or "user") != collection:
            continue
        items = list(group)
        for sentence, found in zip(items, find_speakers(items), strict=True):
            label = gold.get(sentence.sent_id)
            if label is None:
                continue
            records.append(
                {
                    "sent_id": sentence.sent_id,
                    "article": art,
                    "text": sentence.text,
                    "gold_speaker": label.speaker,
                    "gold_type": label.speaker_type,
                    "pred_speaker": found.speaker,
                    "pred_type": found.speaker_type,
                    "evidence": found.evidence,
                }
            )
    return records


def evaluate_corpus(
    root: Root, *, article: str | None = None, collection: str | None = None, top: int = 8
) -> dict[str, Any]:
    """Score the finder against the gold speakers of the corpus."""
    records = corpus_records(root, article=article, collection=collection)
    if not records:
        raise StanceError("no gold labels to evaluate against", path=root.gold_file)
    return {"source": "corpus", **score(records, top=top)}


def read_patterns(path: str | Path) -> list[dict[str, Any]]:
    """Read a pattern file: one made-up snippet per line with its expected speakers.

    Each record: ``id``, ``text`` (paragraphs separated by blank lines),
    ``speakers`` and ``speaker_types``, one entry per sentence the corpus
    splitter finds in ``text``.
    """
    path = Path(path)
    if not path.exists():
        raise StanceError("file not found", path=path)
    patterns = []
    for line, record in iter_jsonl(path):
        for name in ("id", "text", "speakers", "speaker_types"):
            if name not in record:
                raise StanceError("missing field", path=path, line=line, field=name)
        if len(record["speakers"]) != len(record["speaker_types"]):
            raise StanceError("speakers and speaker_types differ in length", path=path, line=line)
        bad = [t for t in record["speaker_types"] if t not in SPEAKER_TYPES]
        if bad:
            raise StanceError(
                f"unknown speaker_type {bad[0]!r}; allowed: {', '.join(SPEAKER_TYPES)}",
                path=path,
                line=line,
                field="speaker_types",
            )
        sentences = make_sentences("pattern", record["text"])
        if len(sentences) != len(record["speakers"]):
            raise StanceError(
                f"the splitter finds {len(sentences)} sentence(s) but {len(record['speakers'])} speaker(s) are given",
                path=path,
                line=line,
                field="speakers",
            )
        patterns.append({**record, "sentences": sentences, "line": line})
    return patterns


def pattern_records(patterns: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Finder output next to the expected speakers for every sentence of every pattern."""
    records = []
    for pattern in patterns:
        found = find_speakers(pattern["sentences"])
        for sentence, attribution, speaker, stype in zip(
            pattern["sentences"], found, pattern["speakers"], pattern["speaker_types"], strict=True
        ):
            records.append(
                {
                    "sent_id": f"{pattern['id']}:{sentence.index:03d}",
                    "article": pattern["id"],
                    "text": sentence.text,
                    "gold_speaker": speaker,
                    "gold_type": stype,
                    "pred_speaker": attribution.speaker,
                    "pred_type": attribution.speaker_type,
                    "evidence": attribution.evidence,
                }
            )
    return records


def evaluate_patterns(path: str | Path, *, top: int = 8) -> dict[str, Any]:
    """Score the finder on a pattern file (see :func:`read_patterns`)."""
    records = pattern_records(read_patterns(path))
    if not records:
        raise StanceError("no patterns in the file", path=path)
    return {"source": str(path), **score(records, top=top)}
