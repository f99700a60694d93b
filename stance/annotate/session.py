"""The labelling session as a state machine, free of any terminal code.

A :class:`Session` holds the queue of sentences, the draft label of the
sentence on screen and the undo stack. Every action that changes a label
appends a record to the annotator's history *before* returning, so by the
time the next sentence is shown the previous label is on disk. The
terminal front end (:mod:`stance.annotate.terminal`) only maps keys to
these methods and draws :meth:`Session.view`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stance.annotate.store import (
    append_records,
    history_path,
    label_record,
    load_annotator,
    retraction_record,
    standing_order,
)
from stance.annotate.suggest import (
    ORDERS,
    SpeakerHint,
    Suggestions,
    fallback_speaker,
    find_speaker_hints,
    model_probabilities,
    order_queue,
)
from stance.corpus.articles import load_articles, load_sentences
from stance.corpus.gold import load_gold
from stance.errors import StanceError
from stance.paths import Root
from stance.schema import AUTHOR, SPEAKER_TYPES, STANCES, Label, Sentence

SCHEME = """\
stance toward offshoring, as the sentence's speaker holds it:
  p  pro      endorses, defends, justifies or reassures about offshoring
  a  anti     opposes, criticises, warns against it, demands assurances, or commits not to offshore
  n  neutral  no position: facts, background, procedure, a plain denial that plans exist
speaker: the quoted person (full name) or organisation (short name), or 'author'
  for the journalist's narration; speaker type: person, organisation or author.
keys: p/a/n label · Enter accept the suggested stance · s speaker · t speaker type
  k skip · u undo · ? this help · q quit
full guideline: annotations/GUIDELINES.md"""


@dataclass
class Draft:
    """The label being built for the sentence on screen."""

    speaker: str
    speaker_type: str
    source: str


@dataclass
class Session:
    """One annotator labelling a queue of sentences."""

    root: Root
    annotator: str
    sentences: dict[str, Sentence]
    titles: dict[str, str]
    by_article: dict[str, list[Sentence]]
    labels: dict[str, Label]
    scope: list[str]
    queue: list[str]
    suggestions: Suggestions
    gold: dict[str, Label] = field(default_factory=dict)
    position: int = 0
    draft: Draft | None = None
    undo_stack: list[tuple[str, int]] = field(default_factory=list)
    # Labels of earlier sessions still in effect, in scope, oldest first: undo reaches them once
    # this session's own steps are undone.
    earlier: list[str] = field(default_factory=list)
    labelled_now: int = 0
    started: float = field(default_factory=time.monotonic)
    # Per-sentence label stacks, as fold_history keeps them, so undo restores the earlier label.
    _history: dict[str, list[Label]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._history = {sid: [label] for sid, label in self.labels.items()}
        self._reset_draft()

    # -- what is on screen -------------------------------------------------
    @property
    def done(self) -> bool:
        return self.position >= len(self.queue)

    @property
    def current(self) -> Sentence | None:
        return None if self.done else self.sentences[self.queue[self.position]]

    def neighbours(self, sentence: Sentence) -> tuple[Sentence | None, Sentence | None]:
        """The sentences before and after in the same article."""
        items = self.by_article[sentence.article]
        i = sentence.index
        pos = next((k for k, s in enumerate(items) if s.index == i), None)
        if pos is None:
            return None, None
        before = items[pos - 1] if pos > 0 else None
        after = items[pos + 1] if pos + 1 < len(items) else None
        return before, after

    def progress(self) -> dict[str, Any]:
        """Labelled / total in scope and this session's labels per minute."""
        labelled = sum(1 for sid in self.scope if sid in self.labels)
        minutes = max(time.monotonic() - self.started, 1e-9) / 60
        return {
            "labelled": labelled,
            "total": len(self.scope),
            "session": self.labelled_now,
            "per_minute": self.labelled_now / minutes if self.labelled_now else 0.0,
        }

    def view(self) -> dict[str, Any]:
        """Everything the front end draws for the sentence on screen."""
        sentence = self.current
        if sentence is None:
            return {"done": True, "progress": self.progress()}
        before, after = self.neighbours(sentence)
        stance, prob = self.suggestions.stance(sentence.sent_id)
        assert self.draft is not None
        existing = self.labels.get(sentence.sent_id)
        return {
            "done": False,
            "sent_id": sentence.sent_id,
            "title": self.titles.get(sentence.article, sentence.article),
            "before": before.text if before else None,
            "text": sentence.text,
            "after": after.text if after else None,
            "speaker": self.draft.speaker,
            "speaker_type": self.draft.speaker_type,
            "speaker_source": self.draft.source,
            "stance": stance,
            "probability": prob,
            "existing": existing.to_dict() if existing else None,
            "progress": self.progress(),
        }

    def known_speakers(self, article: str | None = None) -> list[str]:
        """Speakers already used in an article (for completion), most used first."""
        article = article or (self.current.article if self.current else None)
        counts: dict[str, int] = {}
        for source in (self.labels, self.gold):
            for sid, label in source.items():
                if sid in self.sentences and self.sentences[sid].article == article:
                    counts[label.speaker] = counts.get(label.speaker, 0) + 1
        for sid, hint in self.suggestions.speakers.items():
            if sid in self.sentences and self.sentences[sid].article == article:
                counts.setdefault(hint.speaker, 0)
        return sorted(counts, key=lambda name: (-counts[name], name.lower()))

    # -- actions -------------------------------------------------------------
    def label(self, stance: str) -> dict[str, Any]:
        """Label the sentence on screen; the record is on disk when this returns."""
        if stance not in STANCES:
            raise StanceError(f"unknown stance {stance!r}; allowed: {', '.join(STANCES)}", field="stance")
        sentence = self._require_current()
        assert self.draft is not None
        label = Label(
            sent_id=sentence.sent_id,
            speaker=self.draft.speaker,
            speaker_type=self.draft.speaker_type,
            stance=stance,
            annotator=self.annotator,
        )
        record = label_record(label)
        append_records(self.root, self.annotator, [record])
        self.labels[sentence.sent_id] = label
        self._history.setdefault(sentence.sent_id, []).append(label)
        self.undo_stack.append(("label", self.position))
        self.labelled_now += 1
        self._advance()
        return record

    def accept(self) -> dict[str, Any]:
        """Label with the suggested stance (Enter)."""
        sentence = self._require_current()
        return self.label(self.suggestions.stance(sentence.sent_id)[0])

    def skip(self) -> None:
        """Leave the sentence unlabelled; it comes back in the next session."""
        self._require_current()
        self.undo_stack.append(("skip", self.position))
        self._advance()

    def undo(self) -> dict[str, Any] | None:
        """Go back one step; a label is withdrawn by appending a retraction.

        Returns the retraction record, or ``None`` when the step undone was a
        skip. Once this session's steps are undone, undo withdraws the last
        label of an earlier session (within this session's articles) and shows
        that sentence again; it raises when no label is left to undo.
        """
        if not self.undo_stack:
            return self._undo_earlier()
        kind, position = self.undo_stack.pop()
        self.position = position
        sid = self.queue[position]
        record = None
        if kind == "label":
            record = retraction_record(sid, self.annotator)
            append_records(self.root, self.annotator, [record])
            stack = self._history.get(sid, [])
            undone = stack.pop() if stack else None
            if stack:
                self.labels[sid] = stack[-1]
            else:
                self.labels.pop(sid, None)
            self.labelled_now -= 1
            self._reset_draft()
            if undone is not None:
                self.draft = Draft(undone.speaker, undone.speaker_type, "undone label")
            return record
        self._reset_draft()
        return record

    def _undo_earlier(self) -> dict[str, Any]:
        """Withdraw the most recent label of an earlier session and put its sentence on screen."""
        while self.earlier and self.earlier[-1] not in self.labels:
            self.earlier.pop()
        if not self.earlier:
            raise StanceError("nothing to undo: no label of yours is left in this session's articles")
        sid = self.earlier.pop()
        undone = self.labels[sid]
        record = retraction_record(sid, self.annotator)
        append_records(self.root, self.annotator, [record])
        # The history knows what was under it (a label of a still earlier session, or none).
        restored = load_annotator(self.root, self.annotator).get(sid)
        if restored is not None:
            self.labels[sid] = restored
            self._history[sid] = [restored]
        else:
            self.labels.pop(sid, None)
            self._history.pop(sid, None)
        # Show it now; drop a later place it had in the queue (--relabel) so it is not asked twice.
        later = [i for i in range(self.position, len(self.queue)) if self.queue[i] == sid]
        for i in reversed(later):
            del self.queue[i]
        self.queue.insert(self.position, sid)
        self._reset_draft()
        self.draft = Draft(undone.speaker, undone.speaker_type, "undone label")
        return record

    def set_speaker(self, name: str) -> None:
        """Change the draft speaker; its type follows what the name was used as before."""
        name = " ".join(name.split())
        if not name:
            raise StanceError("the speaker can't be empty", field="speaker")
        assert self.draft is not None
        if name.lower() == AUTHOR:
            self.draft = Draft(AUTHOR, AUTHOR, "typed")
            return
        known = self._known_type(name)
        kind = known or (self.draft.speaker_type if self.draft.speaker_type != AUTHOR else "person")
        self.draft = Draft(name, kind, "typed")

    def set_speaker_type(self, value: str) -> None:
        """Change the draft speaker type; a unique prefix (``p``, ``o``, ``a``) is enough."""
        value = value.strip().lower()
        matches = [t for t in SPEAKER_TYPES if value and t.startswith(value)]
        if len(matches) != 1:
            raise StanceError(
                f"unknown speaker type {value!r}; allowed: {', '.join(SPEAKER_TYPES)}", field="speaker_type"
            )
        assert self.draft is not None
        kind = matches[0]
        if kind == AUTHOR:
            self.draft = Draft(AUTHOR, AUTHOR, "typed")
        elif self.draft.speaker == AUTHOR:
            raise StanceError("the speaker 'author' has type 'author'; set the speaker first (s)", field="speaker_type")
        else:
            self.draft = Draft(self.draft.speaker, kind, self.draft.source)

    # -- internals -------------------------------------------------------------
    def _require_current(self) -> Sentence:
        sentence = self.current
        if sentence is None:
            raise StanceError("no sentence left to label")
        return sentence

    def _advance(self) -> None:
        self.position += 1
        self._reset_draft()

    def _reset_draft(self) -> None:
        sentence = self.current
        if sentence is None:
            self.draft = None
            return
        existing = self.labels.get(sentence.sent_id)
        if existing is not None:
            self.draft = Draft(existing.speaker, existing.speaker_type, "your label")
            return
        hint = self.suggestions.speakers.get(sentence.sent_id)
        if hint is None:
            before, _ = self.neighbours(sentence)
            previous = self.labels.get(before.sent_id) if before else None
            hint = fallback_speaker((previous.speaker, previous.speaker_type) if previous else None)
        self.draft = Draft(hint.speaker, hint.speaker_type, hint.source)

    def _known_type(self, name: str) -> str | None:
        wanted = name.casefold()
        for source in (self.labels, self.gold):
            for label in source.values():
                if label.speaker.casefold() == wanted:
                    return label.speaker_type
        return None


def open_session(
    root: Root,
    annotator: str,
    *,
    article: str | None = None,
    order: str = "corpus",
    model_dir: str | Path | None = None,
    relabel: bool = False,
    seed: int = 0,
    use_finder: bool = True,
) -> Session:
    """Build the session: scope, what is left to label, suggestions and order.

    Call it while holding :func:`~stance.annotate.store.annotator_lock`, so
    the history read here is the one this session appends to.
    """
    if order not in ORDERS:
        raise StanceError(f"unknown order {order!r}; allowed: {', '.join(ORDERS)}", field="--order")
    if order == "uncertain" and model_dir is None:
        raise StanceError("--order uncertain needs a model: give --model RUN_DIR", field="--order")
    sentences = load_sentences(root)
    if not sentences:
        raise StanceError("no sentences in the corpus: add an article first (stance corpus add FILE)")
    titles = {a.id: a.title for a in load_articles(root)}
    if article is not None and article not in titles:
        raise StanceError(
            f"Can't find article {article!r}. Available: {', '.join(titles) or 'none'}", field="--article"
        )
    known_ids = {s.sent_id for s in sentences}
    labels = load_annotator(root, annotator, known_ids=known_ids)
    gold = load_gold(root, known_ids=known_ids)
    by_article: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        by_article.setdefault(sentence.article, []).append(sentence)
    scope = [s.sent_id for s in sentences if article is None or s.article == article]
    todo = [sid for sid in scope if relabel or sid not in labels]

    suggestions = Suggestions()
    if use_finder:
        for art in sorted({sid.rsplit(":", 1)[0] for sid in todo}):
            hints, warning = find_speaker_hints(by_article.get(art, []), title=titles.get(art))
            suggestions.speakers.update(hints)
            if warning and warning not in suggestions.warnings:
                suggestions.warnings.append(warning)
    if model_dir is not None:
        rows = _model_rows(todo, {s.sent_id: s for s in sentences}, by_article, suggestions.speakers, labels)
        probs = model_probabilities(model_dir, rows)
        suggestions.proba = dict(zip(todo, probs, strict=True))
    queue = order_queue(todo, order=order, proba=suggestions.proba, seed=seed)
    in_scope = set(scope)
    earlier = [sid for sid in standing_order(history_path(root, annotator), known_ids=known_ids) if sid in in_scope]
    return Session(
        root=root,
        annotator=annotator,
        sentences={s.sent_id: s for s in sentences},
        titles=titles,
        by_article=by_article,
        labels=labels,
        scope=scope,
        queue=queue,
        suggestions=suggestions,
        gold=gold,
        earlier=earlier,
    )


def _model_rows(
    todo: Sequence[str],
    sentences: dict[str, Sentence],
    by_article: dict[str, list[Sentence]],
    hints: dict[str, SpeakerHint],
    labels: dict[str, Label],
) -> list[dict[str, Any]]:
    """Rows as the models read them: text, previous sentence, best-known speaker."""
    previous: dict[str, str] = {}
    for items in by_article.values():
        for before, sentence in zip([None, *items[:-1]], items, strict=True):
            previous[sentence.sent_id] = before.text if before else ""
    rows = []
    for sid in todo:
        label = labels.get(sid)
        hint = hints.get(sid)
        speaker = label.speaker if label else (hint.speaker if hint else AUTHOR)
        rows.append({"sent_id": sid, "text": sentences[sid].text, "context": previous[sid], "speaker": speaker})
    return rows
