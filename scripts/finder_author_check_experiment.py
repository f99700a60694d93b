"""Can a learned check catch the finder's quoted->author misses? (issue 14, time-boxed experiment)

On unseen text the finder's biggest miss kind is a sentence that gold gives
to a quoted source but the finder leaves with the author (reported speech
that runs on after "X said ...", a narrated position). This script asks
whether a classifier over general features can find those sentences:

- the sentence's embedding from a registered encoder (MiniLM, mpnet);
- structural features that name no corpus word: distance in sentences and
  paragraphs to the last source the finder named, whether the previous
  sentence had a source and a quotation, quote marks in the sentence,
  modal / backshifted verbs, a pronoun as first word, position in the
  article.

For each sentence the finder gives to ``author`` it predicts "a source speaks
here"; above a threshold the sentence goes to a candidate source. The finder
keeps no ranked runner-up for an author sentence (it found no cue, and
``SpeakerFinder.attribute`` stops at the first cue that resolves), so the
candidates come from its answers around the sentence: "last", the most
recent source it named before (the check as specified), and "nearest", the
closest attributed sentence either way (a variant for sources named only
after the sentence). The classifier learns either "gold is the candidate"
or "gold is not the author". A flip is *fixed* when gold names the
candidate and *broken* when gold says author; a flip to the wrong source
changes nothing (a miss stays a miss).

Evaluation, with the threshold and model chosen on these only:

- the 76 corpus articles, grouped 5-fold cross-validation by article
  (older 20 = seed + corpus-extra, and corpus-more, reported apart);
- the blind probe halves tests/data/finder_probe/{dev,heldout}.jsonl, scored
  by a model trained on all 76 corpus articles.

Run from the repository root (1-3 minutes on CPU, mostly mpnet):
``nice .venv/bin/python scripts/finder_author_check_experiment.py``.
The result is in docs/finder.md, "Learned author check (not shipped)".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from stance.corpus.articles import load_articles, load_sentences
from stance.corpus.gold import load_gold
from stance.paths import find_root
from stance.schema import AUTHOR, Sentence
from stance.speakers.cues import has_direct_quote, is_headline, quoted_share, starts_with_quote
from stance.speakers.finder import find_speakers
from stance.speakers.scoring import normalise_speaker, read_patterns

SEED = 14
PROBE = "tests/data/finder_probe/{}.jsonl"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
#: The registered encoders: "" is the packaged MiniLM, "mpnet" the all-mpnet-base-v2 of the ``mpnet`` extra.
ENCODERS = {"minilm": "", "mpnet": "mpnet"}

_PRONOUN = re.compile(r"^\W*(?:he|she|they|it|this|these|that|those|we|its|their|his|her)\b", re.IGNORECASE)
_MODAL = re.compile(r"\b(?:would|could|might|should|may|must|will|can)\b", re.IGNORECASE)
_BACKSHIFT = re.compile(r"\b(?:had|was|were)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|i|my)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d")


@dataclass
class Case:
    """One sentence the finder leaves with the author, with what a check could use."""

    article: str
    group: str  # older-20 / corpus-more / probe-dev / probe-heldout
    text: str
    gold: str
    candidates: dict[str, str | None]  # by rule: "last" (the spec) and "nearest" (a variant)
    structure: list[float] = field(default_factory=list)

    def label(self, rule: str) -> bool:
        """True when sending the sentence to the rule's candidate would be right."""
        candidate = self.candidates[rule]
        return candidate is not None and normalise_speaker(self.gold) == normalise_speaker(candidate)


CANDIDATE_RULES = ("last", "nearest")


def structure(sentences: Sequence[Sentence], found: Sequence[Any], i: int) -> tuple[dict[str, str | None], list[float]]:
    """Candidate sources for sentence ``i`` and its structural features.

    "last": the most recent source the finder named before it (the check as
    specified). "nearest": the source of the closest attributed sentence in
    either direction, earlier on a tie (a headline or a narrated position
    often names the source only after it).
    """
    text = sentences[i].text
    last = next((j for j in range(i - 1, -1, -1) if found[j].speaker != AUTHOR), None)
    after = next((j for j in range(i + 1, len(found)) if found[j].speaker != AUTHOR), None)
    nearest = min((j for j in (last, after) if j is not None), key=lambda j: (abs(j - i), j > i), default=None)
    names = {
        "last": found[last].speaker if last is not None else None,
        "nearest": found[nearest].speaker if nearest is not None else None,
    }
    previous = sentences[i - 1].text if i else ""
    prev_source = i > 0 and found[i - 1].speaker != AUTHOR
    sources = {found[j].speaker for j in range(i) if found[j].speaker != AUTHOR}
    if last is None:
        distance, paragraphs, person, quoted_rule = 20.0, 10.0, 0.0, 0.0
    else:
        distance = float(min(i - last, 20))
        paragraphs = float(min(sentences[i].paragraph - sentences[last].paragraph, 10))
        person = float(found[last].speaker_type == "person")
        quoted_rule = float(found[last].rule.startswith("quote") or has_direct_quote(sentences[last].text))
    row = [
        float(last is not None),
        distance / 5,
        paragraphs / 3,
        float(last is not None and paragraphs == 0),
        float(prev_source),
        float(prev_source and has_direct_quote(previous)),
        quoted_rule,
        person,
        float(has_direct_quote(text)),
        float(starts_with_quote(text)),
        quoted_share(text),
        float(is_headline(text) or i == 0),
        float(bool(_PRONOUN.match(text))),
        float(bool(_MODAL.search(text))),
        float(bool(_BACKSHIFT.search(text))),
        float(bool(_FIRST_PERSON.search(text))),
        float(bool(_NUMBER.search(text))),
        min(len(text.split()), 60) / 30,
        i / max(len(sentences) - 1, 1),
        min(len(sources), 6) / 3,
        float(min(after - i, 20)) / 5 if after is not None else 4.0,
        float(min(sentences[after].paragraph - sentences[i].paragraph, 10)) / 3 if after is not None else 3.0,
    ]
    return names, row


def article_cases(sentences: Sequence[Sentence], golds: Sequence[str | None], group: str) -> list[Case]:
    found = find_speakers(sentences)
    cases = []
    for i, (sentence, attribution, gold) in enumerate(zip(sentences, found, golds, strict=True)):
        if gold is None or attribution.speaker != AUTHOR:
            continue
        candidates, row = structure(sentences, found, i)
        cases.append(Case(sentence.article, group, sentence.text, gold, candidates, row))
    return cases


def corpus_cases() -> list[Case]:
    root = find_root(".")
    gold = load_gold(root)
    collection = {a.id: a.collection or "user" for a in load_articles(root)}
    cases: list[Case] = []
    for article, group in groupby(load_sentences(root), key=lambda s: s.article):
        items = list(group)
        name = "corpus-more" if collection[article] == "corpus-more" else "older-20"
        labels = [gold[s.sent_id].speaker if s.sent_id in gold else None for s in items]
        cases.extend(article_cases(items, labels, name))
    return cases


def probe_cases(half: str) -> list[Case]:
    cases: list[Case] = []
    for pattern in read_patterns(PROBE.format(half)):
        sentences = [
            Sentence(f"{pattern['id']}:{s.index:03d}", pattern["id"], s.index, s.paragraph, s.start, s.end, s.text)
            for s in pattern["sentences"]
        ]
        cases.extend(article_cases(sentences, pattern["speakers"], f"probe-{half}"))
    return cases


def embed(texts: list[str], encoder_name: str) -> Any:
    from stance.models.embeddings import encoder

    model = encoder(encoder_name, "cpu", 256)
    return model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)


def fit_predict(x_train: Any, y_train: Any, x_test: Any, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if y_train.sum() == 0:
        return x_test[:, 0] * 0.0
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED)
    )
    return model.fit(x_train, y_train).predict_proba(x_test)[:, 1]


def net(cases: Sequence[Case], scores: Any, threshold: float, rule: str) -> tuple[int, int]:
    """Fixed and broken sentences when every case scoring at least ``threshold`` goes to its candidate."""
    fixed = broken = 0
    for case, p in zip(cases, scores, strict=True):
        if case.candidates[rule] is None or p < threshold:
            continue
        if case.label(rule):
            fixed += 1
        elif case.gold == AUTHOR:
            broken += 1
    return fixed, broken


PARTS = ("older-20", "corpus-more", "probe-dev", "probe-heldout")


def scores_for(x: Any, y: Any, groups: Any, in_corpus: Any, c: float) -> Any:
    """Out-of-fold scores on the corpus (grouped 5-fold by article); probe scores from a model of all 76 articles."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    corpus_index, probe_index = np.flatnonzero(in_corpus), np.flatnonzero(~in_corpus)
    scores = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(corpus_index, y[corpus_index], groups[corpus_index]):
        train, test = corpus_index[train], corpus_index[test]
        scores[test] = fit_predict(x[train], y[train], x[test], c)
    scores[probe_index] = fit_predict(x[corpus_index], y[corpus_index], x[probe_index], c)
    return scores


def main() -> None:
    import numpy as np
    from sklearn.metrics import average_precision_score

    corpus = corpus_cases()
    probes = {half: probe_cases(half) for half in ("dev", "heldout")}
    everything = corpus + probes["dev"] + probes["heldout"]
    print("Sentences the finder gives to the author (with a label), how many gold gives to a source,")
    print("and how many each candidate rule would fix if it flipped exactly the right ones (the ceiling):")
    for name in PARTS:
        part = [c for c in everything if c.group == name]
        quoted = sum(c.gold != AUTHOR for c in part)
        ceilings = "  ".join(f"{rule}={sum(c.label(rule) for c in part):2}" for rule in CANDIDATE_RULES)
        print(f"  {name:14} author={len(part):4}  gold a source={quoted:3}  ceiling: {ceilings}")

    vectors = {name: np.asarray(embed([c.text for c in everything], model)) for name, model in ENCODERS.items()}
    structural = np.array([c.structure for c in everything])
    groups = np.array([c.article for c in everything])
    in_corpus = np.array([c.group in ("older-20", "corpus-more") for c in everything])
    feature_sets = {"structure": structural}
    for name, matrix in vectors.items():
        feature_sets[name] = matrix
        feature_sets[f"{name}+structure"] = np.hstack([matrix, structural])
    part_index = {part: [k for k, case in enumerate(everything) if case.group == part] for part in PARTS}
    corpus_index = np.flatnonzero(in_corpus)
    print()
    print("net = fixed - broken (fixed/broken) when every author sentence scoring >= threshold goes to the candidate.")
    print("Corpus cells: grouped 5-fold CV by article; probe cells: a model trained on all 76 corpus articles.")
    print("target: what the classifier learns: 'candidate' (gold is the candidate), 'source' (gold is not the author).")
    print("AP: average precision of the corpus out-of-fold scores for 'gold is the candidate' (chance = its rate).")
    print(
        "| candidate | target | features | C | AP | threshold "
        "| older 20 (CV) | corpus-more (CV) | probe dev | probe held-out |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    best: list[tuple[int, str]] = []
    for rule in CANDIDATE_RULES:
        right = np.array([c.label(rule) for c in everything])
        source = np.array([c.gold != AUTHOR for c in everything])
        for target, y in (("candidate", right), ("source", source)):
            for name, x in feature_sets.items():
                for c in (0.01, 0.1, 1.0):
                    scores = scores_for(x, y, groups, in_corpus, c)
                    ap = average_precision_score(right[corpus_index], scores[corpus_index])
                    for threshold in THRESHOLDS:
                        cells, nets = [], []
                        for part in PARTS:
                            index = part_index[part]
                            fixed, broken = net([everything[k] for k in index], scores[index], threshold, rule)
                            cells.append(f"{fixed - broken:+d} ({fixed}/{broken})")
                            nets.append(fixed - broken)
                        line = f"| {rule} | {target} | {name} | {c} | {ap:.2f} | {threshold} | {' | '.join(cells)} |"
                        print(line)
                        best.append((nets[0] + nets[1], line))
    rate = np.mean([c.label("last") for c in corpus])
    print(f"\nchance AP (rate of 'gold is the last source' among corpus author sentences): {rate:.2f}")
    print("the five rows with the best corpus CV net (older 20 + corpus-more):")
    for _, line in sorted(best, key=lambda item: -item[0])[:5]:
        print(line)


if __name__ == "__main__":
    main()
