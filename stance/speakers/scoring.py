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

import json
import re
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


MISS_KINDS = ("author->quoted", "quoted->author", "wrong source", "wrong canonical name")


def _name_tokens(name: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", normalise_speaker(name)) if t not in _NAME_FILLER}


_NAME_FILLER = frozenset({"the", "of", "and", "for", "a", "an", "plc", "ltd", "inc", "union", "group", "staff"})


def same_source(gold: str, pred: str) -> bool:
    """True if two different speaker strings plausibly name one source.

    "Jane Hill" vs "Hill", "HM Revenue and Customs" vs "HMRC", "British
    Council" vs "Council": one name's words inside the other's, or one is the
    initials of the other. Such a miss is a canonical-name problem, not a
    wrong source.
    """
    a, b = _name_tokens(gold), _name_tokens(pred)
    if a and b and (a <= b or b <= a):
        return True
    for short, long in ((gold, pred), (pred, gold)):
        compact = re.sub(r"[^A-Za-z]", "", short)
        words = [w for w in re.findall(r"[A-Za-z]+", long) if w.lower() not in ("of", "and", "for", "the")]
        spelled = "".join(w if w.isupper() else w[0] for w in words)  # "HM Revenue and Customs" -> HMRC
        if 2 <= len(compact) <= 8 and len(words) >= 2 and compact.upper() == spelled.upper():
            return True
    return False


def miss_kind(record: dict[str, Any]) -> str | None:
    """Which kind of miss a record is (see :data:`MISS_KINDS`), or None for a hit.

    author->quoted: gold is the author, the finder named a source;
    quoted->author: the reverse; wrong canonical name: both name the same
    source differently (:func:`same_source`); wrong source: anything else.
    """
    gold, pred = record["gold_speaker"], record["pred_speaker"]
    if normalise_speaker(gold) == normalise_speaker(pred):
        return None
    if gold == AUTHOR:
        return "author->quoted"
    if pred == AUTHOR:
        return "quoted->author"
    return "wrong canonical name" if same_source(gold, pred) else "wrong source"


def miss_kinds(records: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Counts of each miss kind, in :data:`MISS_KINDS` order (zeros included)."""
    counts = Counter(kind for r in records if (kind := miss_kind(r)) is not None)
    return {kind: counts.get(kind, 0) for kind in MISS_KINDS}


def score(records: Sequence[dict[str, Any]], *, top: int = 8) -> dict[str, Any]:
    """Overall, per-collection and per-article accuracies, miss kinds, a confusion table and the misses.

    Each record has ``sent_id``, ``article``, ``text``, ``gold_speaker``,
    ``gold_type``, ``pred_speaker``, ``pred_type`` and ``evidence`` (and
    optionally ``collection``). speaker accuracy = exact speaker matches /
    sentences; type accuracy the same for speaker_type; quoted accuracy =
    agreement on "author or not".
    """
    articles = []
    for article, group in groupby(records, key=lambda r: r["article"]):
        articles.append({"article": article, **_summary(list(group))})
    collections = []
    for name in sorted({r.get("collection") or "user" for r in records}):
        members = [r for r in records if (r.get("collection") or "user") == name]
        collections.append({"collection": name, **_summary(members), "miss_kinds": miss_kinds(members)})
    misses = [{**r, "kind": miss_kind(r)} for r in records if miss_kind(r) is not None]
    return {
        "overall": {**_summary(records), "miss_kinds": miss_kinds(records)},
        "collections": collections,
        "articles": articles,
        "confusion": confusion(records, top=top),
        "misses": misses,
    }


def read_article_list(spec: str | Path) -> list[str]:
    """Article ids from a file: one per line (``#`` comments allowed) or a JSON list.

    ``FILE:KEY`` picks one list of a JSON object of lists, e.g.
    ``finder-split.json:heldout``.
    """
    spec = str(spec)
    path, key = Path(spec), None
    if not path.exists() and ":" in spec:
        head, key = spec.rsplit(":", 1)
        path = Path(head)
    if not path.exists():
        raise StanceError("file not found", path=path, field="--articles-file")
    text = path.read_text(encoding="utf-8")
    if not text.lstrip().startswith(("[", "{")):
        return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StanceError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno) from None
    if isinstance(data, dict):
        if key not in data:
            keys = ", ".join(map(str, data))
            raise StanceError(f"a JSON object needs FILE:KEY; keys: {keys}", path=path, field="--articles-file")
        data = data[key]
    if not isinstance(data, list) or not all(isinstance(i, str) for i in data):
        raise StanceError("expected a list of article ids (strings)", path=path, field="--articles-file")
    return data


def corpus_records(
    root: Root,
    *,
    article: str | Sequence[str] | None = None,
    collection: str | None = None,
) -> list[dict[str, Any]]:
    """Finder output next to gold for every labelled sentence (optionally of some articles or one collection)."""
    sentences = load_sentences(root)
    gold = load_gold(root, known_ids={s.sent_id for s in sentences})
    known = {a.id: a for a in load_articles(root)}
    wanted = None if article is None else {article} if isinstance(article, str) else set(article)
    for name in sorted(wanted or ()):
        if name not in known:
            raise StanceError(f"Can't find article {name!r}. Available: {', '.join(known) or 'none'}")
    collections = sorted({a.collection or "user" for a in known.values()})
    if collection is not None and collection not in collections:
        raise StanceError(
            f"Can't find collection {collection!r}. Available: {', '.join(collections) or 'none'}",
            field="--collection",
        )
    records: list[dict[str, Any]] = []
    for art, group in groupby(sentences, key=lambda s: s.article):
        if wanted is not None and art not in wanted:
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
                    "collection": known[art].collection or "user",
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
    root: Root, *, article: str | Sequence[str] | None = None, collection: str | None = None, top: int = 8
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
                    "collection": "patterns",
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
