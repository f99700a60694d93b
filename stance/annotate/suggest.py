"""Suggestions shown to the annotator, and the order sentences come in.

Both helpers are optional: the speaker finder (:mod:`stance.speakers`) and
a trained model (:mod:`stance.models.registry`) are imported only when they
are used, so labelling works in a project that has neither. Without them
the speaker suggestion is the previous sentence's speaker (quotes run over
several sentences) and the stance suggestion is ``neutral``, the most
common class, marked as a default rather than a prediction.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import StanceError
from stance.schema import AUTHOR, STANCES, Sentence

ORDERS = ("corpus", "uncertain", "random")
DEFAULT_STANCE = "neutral"


@dataclass(frozen=True)
class SpeakerHint:
    """A suggested speaker for one sentence and where it came from."""

    speaker: str
    speaker_type: str
    source: str  # "finder", "previous" (sentence) or "default"
    evidence: str | None = None


@dataclass
class Suggestions:
    """Per-sentence suggestions for one session, keyed by ``sent_id``."""

    speakers: dict[str, SpeakerHint] = field(default_factory=dict)
    proba: dict[str, list[float]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def stance(self, sid: str) -> tuple[str, float | None]:
        """The suggested stance and its probability (``None`` when no model gave one)."""
        probs = self.proba.get(sid)
        if probs is None:
            return DEFAULT_STANCE, None
        best = max(range(len(STANCES)), key=lambda i: probs[i])
        return STANCES[best], float(probs[best])


def find_speaker_hints(
    sentences: Sequence[Sentence], *, title: str | None = None
) -> tuple[dict[str, SpeakerHint], str | None]:
    """The speaker finder's attribution of one article's sentences, if the finder exists.

    Returns the hints and a warning: a failing finder must not stop an
    annotator from labelling, but it must not fail silently either.
    """
    try:
        from stance.speakers import find_speakers
    except ImportError:
        return {}, None
    try:
        found = list(find_speakers(list(sentences), title=title))
    except Exception as exc:  # noqa: BLE001 - reported to the annotator, labelling goes on
        return {}, f"speaker finder failed ({type(exc).__name__}: {exc}); suggesting the previous speaker"
    if len(found) != len(sentences):
        return {}, f"speaker finder returned {len(found)} attributions for {len(sentences)} sentences; ignored"
    hints = {
        s.sent_id: SpeakerHint(
            speaker=str(a.speaker),
            speaker_type=str(a.speaker_type),
            source="finder",
            evidence=str(getattr(a, "evidence", "") or "") or None,
        )
        for s, a in zip(sentences, found, strict=True)
    }
    return hints, None


def model_probabilities(run_dir: str | Path, rows: Sequence[dict]) -> list[list[float]]:
    """Stance probabilities (pro, anti, neutral) of a trained model for ``rows``."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise StanceError("model run folder not found", path=run_dir, field="--model")
    from stance.models.registry import load_model

    model = load_model(run_dir)
    if not rows:
        return []
    probs = model.predict_proba(list(rows))
    return [[float(x) for x in row] for row in probs]


def order_queue(
    sent_ids: Sequence[str], *, order: str, proba: dict[str, list[float]] | None = None, seed: int = 0
) -> list[str]:
    """Arrange the sentences to label.

    ``uncertain`` puts first the sentences whose most likely class has the
    lowest probability (least-confidence sampling, the plainest form of
    active learning); ties keep corpus order. ``random`` is reproducible for
    a given seed.
    """
    if order not in ORDERS:
        raise StanceError(f"unknown order {order!r}; allowed: {', '.join(ORDERS)}", field="--order")
    ids = list(sent_ids)
    if order == "corpus":
        return ids
    if order == "random":
        random.Random(seed).shuffle(ids)
        return ids
    if not proba:
        raise StanceError("--order uncertain needs a model: give --model RUN_DIR", field="--order")
    return sorted(ids, key=lambda sid: max(proba[sid]) if sid in proba else 1.0)


def fallback_speaker(previous: tuple[str, str] | None) -> SpeakerHint:
    """The previous sentence's speaker, or the author at the start of an article."""
    if previous is None:
        return SpeakerHint(AUTHOR, AUTHOR, "default")
    return SpeakerHint(previous[0], previous[1], "previous")
