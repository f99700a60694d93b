"""Would a small learned ranker over the finder's candidates beat its fixed rule order? (issue 14)

Two places where a ranker could act, both measured on the corpus gold with
grouped cross-validation by article (a model never scores an article it was
trained on):

1. Disagreement: sentences whose cues name two or more different sources.
   The script counts them and, among the finder's misses, how often the gold
   speaker was one of the other candidates. That count is the most any
   ranker could gain there.
2. Fallback to the author: a sentence the rules leave with the author, right
   after a sentence with a source. A logistic regression on simple features
   (same paragraph, quotation state, pronoun start, modal verbs, the previous
   rule and type, ...) decides whether the sentence continues that source; the
   script prints the gain and the loss at several thresholds.

Run from the repository root: ``.venv/bin/python scripts/finder_ranker_experiment.py``.
docs/finder.md records the result (no ranker shipped: it did not measure better).
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Any

from stance.corpus.articles import load_sentences
from stance.corpus.gold import load_gold
from stance.paths import find_root
from stance.schema import AUTHOR
from stance.speakers.cues import find_cues, has_direct_quote, is_headline, quoted_share, starts_with_quote
from stance.speakers.finder import SpeakerFinder, find_speakers
from stance.speakers.scoring import normalise_speaker


def candidates(texts: list[str]) -> list[set[str]]:
    """Every source any cue of each sentence resolves to (with the article state read so far)."""
    finder = SpeakerFinder(texts)
    found = []
    for index, text in enumerate(texts):
        names = set()
        for cue in find_cues(text):
            mention = finder.parse_subject(cue.subject)
            entity = finder.resolve(mention) if mention is not None and mention.kind != "author" else None
            if entity is not None:
                names.add(normalise_speaker(entity.name))
        found.append(names)
        finder.attribute(text, 0, index)
    return found


def features(text: str, previous: str, same_paragraph: bool, rule: str, prev_type: str) -> list[float]:
    """What a reader sees when deciding whether a sentence carries on the source before it."""
    return [
        float(same_paragraph),
        float(has_direct_quote(text)),
        float(starts_with_quote(text)),
        quoted_share(text),
        float(has_direct_quote(previous)),
        quoted_share(previous),
        float(is_headline(text)),
        float(bool(re.match(r"^(?:It|They|He|She|This|These|That|Those)\b", text))),
        float(bool(re.search(r"\b(?:could|would|might|may|should|must)\b", text))),
        len(text.split()) / 40,
        float(rule.startswith("quote")),
        float(rule == "subject-verb"),
        float(prev_type == "person"),
        float(bool(re.search(r"\b(?:we|our|us)\b", text.lower()))),
    ]


def main() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    root = find_root(".")
    gold = load_gold(root)
    disagreeing = misses_with_gold_candidate = 0
    rows: list[list[float]] = []
    labels: list[bool] = []
    groups: list[str] = []
    for article, group in groupby(load_sentences(root), key=lambda s: s.article):
        sentences = list(group)
        found = find_speakers(sentences)
        options = candidates([s.text for s in sentences])
        for i, (sentence, attribution) in enumerate(zip(sentences, found, strict=True)):
            label: Any = gold.get(sentence.sent_id)
            if label is None:
                continue
            truth = normalise_speaker(label.speaker)
            if len(options[i]) > 1:
                disagreeing += 1
                if truth != normalise_speaker(attribution.speaker) and truth in options[i]:
                    misses_with_gold_candidate += 1
            if i == 0 or attribution.speaker != AUTHOR or found[i - 1].speaker == AUTHOR:
                continue
            before = sentences[i - 1]
            rows.append(
                features(
                    sentence.text,
                    before.text,
                    sentence.paragraph == before.paragraph,
                    found[i - 1].rule,
                    found[i - 1].speaker_type,
                )
            )
            labels.append(truth == normalise_speaker(found[i - 1].speaker))
            groups.append(article)
    print(
        f"sentences whose cues disagree: {disagreeing}; misses a ranker could fix there: {misses_with_gold_candidate}"
    )
    x, y = np.array(rows), np.array(labels)
    scores = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(x, y, np.array(groups)):
        model = LogisticRegression(max_iter=1000).fit(x[train], y[train])
        scores[test] = model.predict_proba(x[test])[:, 1]
    print(f"author fallbacks after a source: {len(y)}, of which the gold continues that source: {int(y.sum())}")
    for threshold in (0.2, 0.3, 0.4, 0.5):
        flip = scores >= threshold
        gain, loss = int((flip & y).sum()), int((flip & ~y).sum())
        print(f"threshold {threshold}: continue {int(flip.sum())}, gain {gain}, loss {loss}, net {gain - loss:+d}")


if __name__ == "__main__":
    main()
