"""The blind finder probe (tests/data/finder_probe) stays well-formed.

It checks only the data (alignment with the corpus splitter, label types,
disjoint halves); it never runs the finder, so the held-out half is not
scored by the test suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.corpus.articles import make_sentences
from stance.schema import AUTHOR, SPEAKER_TYPES
from stance.speakers.scoring import read_patterns

PROBE = Path(__file__).parent / "data" / "finder_probe"
HALVES = ("dev", "heldout")


def _records(half: str) -> list[dict]:
    lines = (PROBE / f"{half}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("half", HALVES)
def test_probe_half_is_read_by_the_pattern_reader(half: str) -> None:
    assert len(read_patterns(PROBE / f"{half}.jsonl")) == 12


@pytest.mark.parametrize("half", HALVES)
def test_probe_labels_align_with_the_splitter(half: str) -> None:
    for record in _records(half):
        sentences = make_sentences(record["id"], record["text"])
        assert 8 <= len(sentences) <= 18, record["id"]
        assert len(record["speakers"]) == len(sentences), record["id"]
        assert len(record["speaker_types"]) == len(sentences), record["id"]
        for speaker, kind in zip(record["speakers"], record["speaker_types"], strict=True):
            assert kind in SPEAKER_TYPES
            assert (speaker == AUTHOR) == (kind == AUTHOR), (record["id"], speaker)


def test_probe_halves_are_disjoint() -> None:
    ids = {half: {r["id"] for r in _records(half)} for half in HALVES}
    assert not ids["dev"] & ids["heldout"]
    assert all(i.startswith("probe-") for half in HALVES for i in ids[half])
