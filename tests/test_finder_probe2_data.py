"""The second blind finder probe is well formed (data only: the finder never runs here).

The probe is scored once by the lead as the unseen figure, so this test only
guards the file against breakage (bad JSON, labels that drift from the
splitter's sentences); it must not score, or even call, the finder.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from stance.corpus.articles import make_sentences
from stance.schema import AUTHOR, SPEAKER_TYPES
from stance.speakers.scoring import read_patterns

PROBE = Path(__file__).resolve().parent / "data" / "finder_probe2" / "unseen.jsonl"


def test_probe_parses_and_labels_align() -> None:
    records = read_patterns(PROBE)
    assert len(records) == 16
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    for rec in records:
        assert rec["id"].startswith("probe2-")
        n = len(rec["sentences"])
        assert 8 <= n <= 18, rec["id"]
        assert len(rec["speakers"]) == n == len(rec["speaker_types"])
        # the splitter, run afresh, finds the same sentences the labels count
        assert [s.text for s in make_sentences(rec["id"], rec["text"])] == [s.text for s in rec["sentences"]]


def test_speaker_types_follow_the_guideline() -> None:
    kinds: dict[str, set[str]] = defaultdict(set)
    for rec in read_patterns(PROBE):
        # the headline is the first paragraph, a sentence of its own
        assert rec["sentences"][0].paragraph == 0
        for speaker, kind in zip(rec["speakers"], rec["speaker_types"], strict=True):
            assert kind in SPEAKER_TYPES
            assert (speaker == AUTHOR) == (kind == AUTHOR), (rec["id"], speaker)
            assert speaker.strip() == speaker and speaker
            kinds[speaker].add(kind)
    # one canonical name is one kind of speaker across the whole probe
    assert all(len(k) == 1 for k in kinds.values()), kinds
    mix = {k: sum(1 for s in kinds if kinds[s] == {k}) for k in SPEAKER_TYPES}
    assert mix["person"] and mix["organisation"]
