"""Adjudication: the sentences annotators disagree on, and writing the decision to gold.

A decision is a gold label whose ``annotator`` is the adjudicator and whose
``note`` lists every candidate, so the gold file records who decided and
between what. The gold file is rewritten atomically with every other label
kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from stance.annotate.agreement import FIELDS, field_value
from stance.corpus.articles import load_sentences
from stance.corpus.gold import load_gold, write_labels
from stance.errors import StanceError
from stance.paths import Root
from stance.schema import Label


@dataclass(frozen=True)
class Disagreement:
    """One sentence whose annotators' labels differ, with the gold label if any."""

    sent_id: str
    candidates: dict[str, Label]
    gold: Label | None
    fields: tuple[str, ...]


def same_label(a: Label, b: Label, *, aliases: Mapping[str, str] | None = None) -> bool:
    """Labels agree when stance, speaker type and normalised speaker agree."""
    return all(field_value(a, f, aliases=aliases) == field_value(b, f, aliases=aliases) for f in FIELDS)


def find_disagreements(
    labels: Mapping[str, Mapping[str, Label]],
    gold: Mapping[str, Label],
    *,
    order: Sequence[str],
    aliases: Mapping[str, str] | None = None,
    include_decided: bool = False,
) -> list[Disagreement]:
    """Sentences labelled by two or more annotators who differ on any field, in corpus order.

    A disagreement counts as decided when gold already holds one of the
    candidate labels; it is left out unless ``include_decided``.
    """
    result = []
    for sid in order:
        candidates = {name: mine[sid] for name, mine in labels.items() if sid in mine}
        if len(candidates) < 2:
            continue
        values = list(candidates.values())
        differing = tuple(f for f in FIELDS if len({field_value(v, f, aliases=aliases) for v in values}) > 1)
        if not differing:
            continue
        existing = gold.get(sid)
        decided = existing is not None and any(same_label(existing, v, aliases=aliases) for v in values)
        if decided and not include_decided:
            continue
        result.append(Disagreement(sid, candidates, existing, differing))
    return result


def describe(label: Label) -> str:
    """A label in one short phrase: ``stance / speaker (type)``."""
    return f"{label.stance} / {label.speaker} ({label.speaker_type})"


def decision(disagreement: Disagreement, chosen: Label, *, adjudicator: str) -> Label:
    """The gold label for a decision, noting the candidates it was chosen from."""
    note = "adjudicated from " + "; ".join(
        f"{name}: {describe(label)}" for name, label in disagreement.candidates.items()
    )
    return Label(
        sent_id=disagreement.sent_id,
        speaker=chosen.speaker,
        speaker_type=chosen.speaker_type,
        stance=chosen.stance,
        annotator=adjudicator,
        note=note,
    )


def write_decision(root: Root, label: Label) -> int:
    """Put one decided label into the gold file, keeping every other gold label."""
    sentences = load_sentences(root)
    order = [s.sent_id for s in sentences]
    gold = load_gold(root, known_ids=set(order))
    gold[label.sent_id] = label
    return write_labels(root.gold_file, gold.values(), order=order)


def open_adjudication(
    root: Root, names: Sequence[str] = (), *, include_decided: bool = False
) -> tuple[list[Disagreement], dict[str, str]]:
    """The disagreements to walk and the text of each sentence (call it holding the gold lock)."""
    from stance.annotate.store import load_aliases, load_annotators

    sentences = load_sentences(root)
    order = [s.sent_id for s in sentences]
    labels = load_annotators(root, names, known_ids=set(order))
    if len(labels) < 2:
        raise StanceError("adjudication needs labels from two annotators or more")
    gold = load_gold(root, known_ids=set(order))
    todo = find_disagreements(labels, gold, order=order, aliases=load_aliases(root), include_decided=include_decided)
    return todo, {s.sent_id: s.text for s in sentences}
