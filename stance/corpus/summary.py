"""Counts over the corpus and its labels (pure data in, dicts out)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from stance.corpus.articles import load_articles, load_sentences
from stance.corpus.gold import load_gold
from stance.paths import Root
from stance.schema import STANCES


def corpus_summary(root: Root) -> list[dict[str, Any]]:
    """One row per article: metadata, sentence and label counts, stance counts."""
    sentences = load_sentences(root)
    gold = load_gold(root, known_ids={s.sent_id for s in sentences})
    rows = []
    for article in load_articles(root):
        own = [s for s in sentences if s.article == article.id]
        labels = [gold[s.sent_id] for s in own if s.sent_id in gold]
        counts = Counter(label.stance for label in labels)
        rows.append(
            {
                "id": article.id,
                "title": article.title,
                "publication": article.publication,
                "date": article.date,
                "origin": article.origin,
                "collection": article.collection or "user",
                "sentences": len(own),
                "labelled": len(labels),
                **{stance: counts.get(stance, 0) for stance in STANCES},
            }
        )
    return rows


def label_stats(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts of labelled rows by stance, speaker, speaker type and article.

    ``by_speaker`` and ``by_article`` also break each count down by stance,
    which is what a reader checks first ("is PCS ever pro?").
    """

    def breakdown(key: str) -> dict[str, dict[str, int]]:
        table: dict[str, Counter[str]] = {}
        for row in rows:
            table.setdefault(row[key], Counter())[row["stance"]] += 1
        ordered = sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0]))
        return {
            name: {"total": sum(counter.values()), **{s: counter.get(s, 0) for s in STANCES}}
            for name, counter in ordered
        }

    stance_counts = Counter(row["stance"] for row in rows)
    return {
        "total": len(rows),
        "by_stance": {s: stance_counts.get(s, 0) for s in STANCES},
        "by_speaker_type": breakdown("speaker_type"),
        "by_speaker": breakdown("speaker"),
        "by_article": breakdown("article"),
    }
