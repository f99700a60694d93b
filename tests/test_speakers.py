"""The speaker finder: its rules on made-up snippets and its accuracy on the corpus gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.corpus.articles import make_sentences
from stance.paths import Root
from stance.speakers import Attribution, find_speakers, find_speakers_in_text
from stance.speakers.cues import find_cues, has_direct_quote, masked, starts_with_quote
from stance.speakers.names import EntityBook, initials, strip_roles
from stance.speakers.scoring import evaluate_corpus, evaluate_patterns, read_patterns

PATTERNS = Path(__file__).parent / "data" / "attribution_patterns.jsonl"
PATTERN_IDS = [json.loads(line)["id"] for line in PATTERNS.read_text(encoding="utf-8").splitlines() if line.strip()]


def speakers(text: str) -> list[str]:
    return [a.speaker for _, a in find_speakers_in_text(text)]


@pytest.mark.parametrize("pattern_id", PATTERN_IDS)
def test_each_pattern_snippet(pattern_id: str) -> None:
    """Every snippet of the pattern file, on its own, so a failure names the pattern."""
    pattern = next(p for p in read_patterns(PATTERNS) if p["id"] == pattern_id)
    found = find_speakers(pattern["sentences"])
    assert [a.speaker for a in found] == pattern["speakers"]
    assert [a.speaker_type for a in found] == pattern["speaker_types"]


def test_pattern_file_covers_every_rule() -> None:
    """The pattern file exercises every rule the finder has (so none is only tested on the corpus)."""
    rules = set()
    for pattern in read_patterns(PATTERNS):
        rules |= {a.rule for a in find_speakers(pattern["sentences"])}
    assert rules >= {
        "quote-verb-subject",
        "quote-subject-verb",
        "subject-verb",
        "trailing",
        "according-to",
        "quote-continues",
        "first-person",
        "inserted",
        "quoted-as-saying",
        "author",
    }


def test_pattern_file_accuracy() -> None:
    result = evaluate_patterns(PATTERNS)
    assert result["overall"]["n"] >= 80
    assert result["overall"]["speaker_accuracy"] >= 0.95


def test_corpus_accuracy_meets_target(repo_root: Root) -> None:
    """The 20 older articles (seed and corpus-extra), whose gold the finder's rules were written beside.

    The holder's-view convention moved 7 of their labels from the author to the holder; the
    unseen collection (corpus-more) is measured, not asserted: see docs/unseen-baseline.md.
    """
    older = [evaluate_corpus(repo_root, collection=c)["overall"] for c in ("seed", "corpus-extra")]
    n = sum(o["n"] for o in older)
    correct = sum(o["speaker_correct"] for o in older)
    assert n >= 235
    assert correct / n >= 0.92


def test_direct_quote_arrangements() -> None:
    text = (
        'Jane Hill said: "The move is wrong and we oppose it."\n\n'
        '"It will cost jobs," said Tom Ray.\n\n'
        "“It will cost more jobs,” Ray said.\n\n"
        '"We disagree entirely", Hill added.'
    )
    assert speakers(text) == ["Jane Hill", "Tom Ray", "Tom Ray", "Jane Hill"]


def test_quotation_continues_across_paragraphs_until_narration() -> None:
    text = (
        'Ann Cole, head of the Call Centre Union (CCU), said: "Our members are angry.\n\n'
        '"They were told nothing.\n\n'
        '"Nothing at all."\n\n'
        "The company did not respond."
    )
    found = [a for _, a in find_speakers_in_text(text)]
    assert [a.speaker for a in found] == ["Ann Cole", "Ann Cole", "Ann Cole", "author"]
    assert [a.rule for a in found[1:3]] == ["quote-continues", "quote-continues"]


def test_quote_paragraph_without_a_previous_source_is_the_authors() -> None:
    assert speakers('The plant closed in May.\n\n"Offshoring is here to stay."') == ["author", "author"]


def test_back_references_need_a_fitting_source() -> None:
    text = (
        "The Finance Staff Union (FSU) has 900 members at Arden Bank.\n\n"
        "Arden Bank confirmed it would move 200 jobs to Manila. The union claimed that the bank had misled staff. "
        "The bank insisted that no one would be made redundant."
    )
    assert speakers(text) == ["author", "Arden Bank", "FSU", "Arden Bank"]


def test_spokespeople_are_their_organisation() -> None:
    assert speakers('A Treasury spokesman said: "No jobs will move."') == ["Treasury"]
    assert speakers("A spokeswoman for Orbis Telecom said it had no plans to move jobs abroad.") == ["Orbis Telecom"]


def test_relative_clause_and_passive_stay_with_the_author() -> None:
    assert speakers("The review was led by Lord Bexley, who said the service must save £2bn.") == ["author"]
    assert speakers("As reported by this paper, the union was said to be angry.") == ["author"]


def test_reporting_verb_inside_a_quotation_is_not_a_cue() -> None:
    assert find_cues('"We said this would happen and they denied it."') == []


def test_attribution_record_has_evidence_and_confidence() -> None:
    ((text, attribution),) = find_speakers_in_text('"Costs will fall," said Kate Moss, chief executive of Fenwick.')
    assert isinstance(attribution, Attribution)
    assert attribution.speaker == "Kate Moss" and attribution.speaker_type == "person"
    assert attribution.evidence.startswith("quote-verb-subject: said")
    assert "Kate Moss" in attribution.evidence
    assert 0 < attribution.confidence <= 1
    assert attribution.to_dict()["evidence"] == attribution.evidence


def test_find_speakers_uses_sentence_paragraphs() -> None:
    raw = 'Ian Dale said: "One.\n\n"Two."'
    sentences = make_sentences("x", raw)
    assert [s.paragraph for s in sentences] == [0, 1]
    assert [a.speaker for a in find_speakers(sentences)] == ["Ian Dale", "Ian Dale"]


def test_names_are_canonical() -> None:
    book = EntityBook.from_texts(
        [
            "The Public and Commercial Services (PCS) union said so.",
            "The Ministry of Justice said nothing. MoJ staff walked out. BT Group Plc said. BT agreed.",
        ]
    )
    assert book.organisation("the Public and Commercial Services (PCS) union") == "PCS"
    assert book.organisation("the PCS union") == "PCS"
    assert book.organisation("The Ministry of Justice") == "MoJ"
    assert book.organisation("BT Group Plc") == "BT"
    assert book.organisation("the UK government") == "UK government"
    assert strip_roles("PCS general secretary Mark Serwotka") == "Mark Serwotka"
    assert strip_roles("Sir Peter Gershon") == "Peter Gershon"
    assert "MoJ" in initials("Ministry of Justice")


def test_quote_masking() -> None:
    text = 'He said: "Go home." Then ‘left’.'
    assert masked(text).startswith("He said: §")
    assert has_direct_quote('She said: "We will not accept this plan."')
    assert not has_direct_quote('It was called a "strategic review".')
    assert starts_with_quote("“We will fight.”")
    assert not starts_with_quote("We will fight.")


def test_pattern_file_errors_name_the_line(tmp_path: Path) -> None:
    from stance.errors import StanceError

    path = tmp_path / "patterns.jsonl"
    path.write_text(
        json.dumps({"id": "ok", "text": "A sentence.", "speakers": ["author"], "speaker_types": ["author"]})
        + "\n"
        + json.dumps({"id": "bad", "text": "One. Two.", "speakers": ["author"], "speaker_types": ["author"]})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(StanceError, match=r"patterns.jsonl:2: speakers: the splitter finds 2 sentence"):
        read_patterns(path)
