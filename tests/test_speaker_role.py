"""Speaker roles: from the name, from how the article describes the speaker, and as model input."""

from __future__ import annotations

import pytest

from stance.errors import StanceError
from stance.models.common import compose_all
from stance.models.speaker_role import ROLES, speaker_inputs, speaker_role, speaker_roles


@pytest.mark.parametrize(
    ("speaker", "speaker_type", "role"),
    [
        ("author", "author", "author"),
        ("PCS", "organisation", "union"),  # the finder's gazetteer
        ("Gadget Workers Union", "organisation", "union"),
        ("DWP", "organisation", "government"),
        ("Ruritanian government", "organisation", "government"),
        ("Widget Makers Association", "organisation", "industry body"),
        ("Acme", "organisation", "company"),  # nothing known: the common case
        ("ZZTU", "organisation", "union"),  # an acronym ending in U: "... Union"
    ],
)
def test_role_from_the_name(speaker, speaker_type, role):
    assert speaker_role(speaker, speaker_type) == role


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Jo Bloggs, general secretary of the clerks' union, promised a fight.", "union"),
        ("The economist Jo Bloggs expects wages to fall.", "analyst"),
        ("Trade minister Jo Bloggs will meet the firm.", "government"),
        ("Jo Bloggs, the chief executive of Acme, defended the move.", "company"),
        ("Senator Jo Bloggs filed a bill.", "politician"),
        ("Nobody knows what Jo Bloggs does.", "person"),
    ],
)
def test_a_person_is_what_the_article_calls_them(text, role):
    assert speaker_role("Jo Bloggs", "person", [text]) == role


def test_only_the_mentions_own_clause_describes_it():
    text = 'The union is furious," said Jo Bloggs.'
    assert speaker_role("Jo Bloggs", "person", [text]) == "person"


def test_an_organisation_takes_an_appositive_not_a_neighbour():
    assert speaker_role("Acme", "organisation", ["Acme, the research firm, counted the jobs."]) == "analyst"
    assert speaker_role("Acme", "organisation", ["Acme and the union met on Monday."]) == "company"


def test_a_surname_later_in_the_article_keeps_the_role():
    rows = [
        {"article": "a", "text": "Jo Bloggs, an economist at a bank, wrote a report.", "speaker": "author"},
        {"article": "a", "text": "Bloggs said jobs would move.", "speaker": "Jo Bloggs", "speaker_type": "person"},
        {"article": "b", "text": "Bloggs said jobs would move.", "speaker": "Jo Bloggs", "speaker_type": "person"},
    ]
    assert speaker_roles(rows) == ["author", "analyst", "person"]  # article b never describes her


def test_speaker_inputs_in_each_form():
    rows = [
        {"text": "We will fight.", "speaker": "PCS", "speaker_type": "organisation"},
        {"text": "It rained.", "speaker": "author", "speaker_type": "author"},
        {"text": "No speaker here."},
    ]
    assert speaker_inputs(rows, "name") == ["PCS", "author", ""]
    assert speaker_inputs(rows, "role") == ["union", "author", ""]
    assert speaker_inputs(rows, "role+name") == ["union PCS", "author", ""]
    assert set(speaker_roles(rows)) <= set(ROLES)
    with pytest.raises(StanceError, match="allowed: name, role, role"):
        speaker_inputs(rows, "title")


def test_models_read_the_role_in_front_of_the_sentence():
    rows = [{"text": "We will fight.", "speaker": "PCS", "speaker_type": "organisation", "context": "Before."}]
    texts, contexts = compose_all(rows, {"use_speaker": True, "speaker_form": "role+name", "use_context": True})
    assert texts == ["union PCS: We will fight."] and contexts == ["Before."]
    assert compose_all(rows, {"use_speaker": False})[0] == ["We will fight."]
