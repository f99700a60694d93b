"""The speaker finder: its rules on made-up snippets and its accuracy on the corpus gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.corpus.articles import make_sentences
from stance.paths import Root
from stance.speakers import Attribution, find_speakers, find_speakers_in_text
from stance.speakers.cues import find_cues, has_direct_quote, is_title, masked, starts_with_quote
from stance.speakers.finder import SpeakerFinder, quotation_spans
from stance.speakers.lexicon import BY_AGENT_VERBS, HEADLINE_VERBS, PHRASE_CUES, POSITION_VERBS, SPEECH_VERBS
from stance.speakers.names import EntityBook, drop_initials, initials, strip_roles
from stance.speakers.scoring import evaluate_corpus, evaluate_patterns, read_patterns
from stance.speakers.subjects import SUBJECT_RULES, parse_subject

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
        "by-agent",
        "headline",
        "quote-span",
        "pull-quote",
    }


def test_pattern_file_accuracy() -> None:
    result = evaluate_patterns(PATTERNS)
    assert result["overall"]["n"] >= 80
    assert result["overall"]["speaker_accuracy"] >= 0.95


def test_corpus_accuracy_meets_target(repo_root: Root) -> None:
    """The 20 older articles (seed and corpus-extra), whose gold the finder's rules were written beside.

    The holder's-view convention moved 7 of their labels from the author to the holder; the
    unseen collection (corpus-more) is measured, not asserted: see docs/finder.md.
    """
    older = [evaluate_corpus(repo_root, collection=c)["overall"] for c in ("seed", "corpus-extra")]
    n = sum(o["n"] for o in older)
    correct = sum(o["speaker_correct"] for o in older)
    assert n >= 235
    assert correct / n >= 0.96  # 226/235 = 96.2% after the round-2 rules (docs/finder.md)


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


# -- the subject table, the lexicon, quotation spans and the entity book (made-up text) ----------


@pytest.mark.parametrize(
    ("phrase", "rule", "kind", "name"),
    [
        ("she", "pronoun", "back-person", None),
        ("we", "first-person", "author", None),
        ("26 per cent of respondents", "respondents", "back-document", None),
        ("unions", "group", "entity", "trade unions"),
        ("Some US customers", "group", "entity", "customers"),
        ("union leaders", "group", "back-org", None),
        ("India's government", "national-government", "entity", "Indian government"),
        ("The Kestrel report", "document", "entity", "Kestrel"),
        ("Workers at parcel firm Dunmore", "staff-of", "entity", "Dunmore staff"),
        ("Orvel administrators", "org-people", "entity", "Orvel"),
        ("A Falkner Insurance spokeswoman", "spokesperson", "entity", "Falkner Insurance"),
        ("a spokeswoman for the insurer", "spokesperson", "back-org", None),
        ("An official", "unnamed", "back-org", None),
        ("The UK's third biggest bank", "generic-org", "back-org", None),
        ("The head of the bank", "generic-person", "back-person", None),
        ("the Tenby Clerks (TCU) union", "abbreviation", "entity", "TCU"),
        ("Rosa Hewitt of the Tenby Clerks Union", "person-of-org", "entity", "Rosa Hewitt"),
        ("Tenby Clerks Union general secretary Rosa Hewitt", "name-tail", "entity", "Rosa Hewitt"),
        ("The Amberley union", "name-tail", "entity", "Amberley"),
        ("Gov. Ada Lorne's administration", "administration", "entity", "Lorne administration"),
        ("Analysts at Fenwick Research", "professionals-at", "entity", "Fenwick Research"),
        ("Staff at the Leeds centre", "staff-of", "back-org", None),
        ("Clerks union", "described-org", "entity", "TCU"),
    ],
)
def test_subject_rules_read_each_kind_of_phrase(phrase: str, rule: str, kind: str, name: str | None) -> None:
    book = EntityBook.from_texts(["Rosa Hewitt spoke.", "The Amberley union met.", "The Tenby Clerks Union (TCU) met."])
    mention = parse_subject(phrase, book)
    assert mention is not None
    assert (mention.rule, mention.kind) == (rule, kind)
    if name is not None:
        assert mention.entity is not None and mention.entity.name == name


def test_subject_table_names_are_unique_and_every_rule_is_exercised() -> None:
    names = [rule.name for rule in SUBJECT_RULES]
    assert len(names) == len(set(names))
    assert "name-tail" == names[-1]  # the catch-all comes last


def test_not_a_source_stops_the_table() -> None:
    book = EntityBook.from_texts(["Nothing here."])
    assert parse_subject("Protesters outside the DWP office in Leeds", book) is None
    assert parse_subject("§§§", book) is None


def test_lexicon_holds_the_verbs_of_the_brief() -> None:
    verbs = set(SPEECH_VERBS) | set(POSITION_VERBS)
    for verb in ("said", "claimed", "branded", "criticised", "defended", "backed", "slammed", "welcomed", "warned"):
        assert verb in verbs
    assert {"vowed", "accused"} <= verbs
    assert "criticised" in BY_AGENT_VERBS and "vow" in HEADLINE_VERBS
    assert len(SPEECH_VERBS + POSITION_VERBS) == len(verbs)  # no form listed twice
    assert any("statement" in cue for cue in PHRASE_CUES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The scheme was condemned on Friday by the Tenby Clerks Union.", "Tenby Clerks Union"),
        ("Arden Bank came under fire from campaigners over the move.", "campaigners"),
        ("The move drew criticism from the Harbour Staff Association.", "Harbour Staff Association"),
        ("The proposal was slammed by Rosa Hewitt, the trade minister.", "Rosa Hewitt"),
    ],
)
def test_by_agent_and_from_agent_name_the_holder(text: str, expected: str) -> None:
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The closure has infuriated officials of the Tenby Clerks Union.", "Tenby Clerks Union"),
        ("The switch to Accra alarmed the Harbour Staff Association.", "Harbour Staff Association"),
        ("The tender stirred fears over security among the Norland Nurses Guild.", "Norland Nurses Guild"),
    ],
)
def test_a_reaction_narrated_through_its_cause_goes_to_the_object(text: str, expected: str) -> None:
    assert speakers(text) == [expected]


def test_a_holders_own_feeling_is_no_cause_frame() -> None:
    # "were upset", "felt alarmed": the be-form or the feeling verb makes the subject the holder, not the object
    assert speakers("Some clerks were upset by rumours about the Leeds office.") == ["author"]
    assert speakers("Nobody at the depot felt upset about the news.") == ["author"]
    assert speakers("The rota change upset them, and the canteen closed early.") == ["author"]  # no holder named


def test_actions_without_evaluation_stay_with_the_author() -> None:
    assert speakers("Arden Bank confirmed the closure of its Hull office.") == ["author"]
    assert speakers("Staff at the Hull office went on strike on Monday.") == ["author"]
    assert speakers("Arden Bank to move 90 jobs to Pune") == ["author"]  # a headline reporting an event


def test_headline_position_goes_to_its_holder_named_later() -> None:
    text = "Minister defends call centre move\n\nTrade minister Rosa Hewitt said the jobs were safe."
    assert speakers(text) == ["Rosa Hewitt", "Rosa Hewitt"]


def test_quotation_spans_join_sentences_inside_one_quotation() -> None:
    text = (
        "Arden Bank is moving jobs.\n\n"
        "\u201cWe did not want this.\n\nIt was forced on us,\u201d said Lou Pike.\n\n"
        "The bank declined to comment."
    )
    sentences = make_sentences("t", text)
    assert quotation_spans(sentences) == [[1, 2]]
    found = find_speakers(sentences)
    assert [a.speaker for a in found] == ["author", "Lou Pike", "Lou Pike", "Arden Bank"]
    assert found[1].rule == "quote-span"


def test_pronoun_prefers_the_fitting_gender() -> None:
    text = (
        "Mrs Ann Vale, the union's president, said staff were angry.\n\n"
        "Mr Tom Reddy, the bank's chairman, said the move was needed.\n\n"
        "She said members would ballot."
    )
    assert speakers(text) == ["Ann Vale", "Tom Reddy", "Ann Vale"]


def test_entity_book_reads_long_names_and_genders() -> None:
    book = EntityBook.from_texts(
        [
            "The Engineering, Printing and Allied Union (EPAU) objects.",
            "Kestrel (Kingdom Estate Services Trust and Reinsurance Enterprise Limited) agrees.",
            "Jo Marsh said she was pleased.",
            "Mr Ian Dale disagreed.",
        ]
    )
    assert book.organisation("Printing and Allied Union") == "EPAU"
    assert book.abbreviations["kingdom estate services trust and reinsurance enterprise limited"] == "Kestrel"
    assert book.genders == {"Jo Marsh": "f", "Ian Dale": "m"}
    assert book.organisation("Armonk, N.Y.-based Kestrel") == "Kestrel"
    assert book.organisation("the Amberley union") == "Amberley"


def test_entity_book_does_not_glue_names_across_sentences() -> None:
    book = EntityBook.from_texts(["The jobs go to Pune", "Arden said the move saves money."])
    assert "Pune Arden" not in book.persons


def test_the_government_carries_the_articles_country() -> None:
    text = "Canberra ministers met Australian bank chiefs.\n\nThe government said it would not intervene."
    assert speakers(text) == ["author", "Australian government"]


def test_initials_go_except_where_the_guideline_keeps_them() -> None:
    assert drop_initials("James E McGreevey") == "James McGreevey"
    assert drop_initials("N Gregory Mankiw") == "Gregory Mankiw"
    assert drop_initials("George W. Bush") == "George W. Bush"
    assert strip_roles("Auditor Paula T. Greer") == "Paula Greer"
    assert strip_roles("Leeds-headquartered Corvel") == "Corvel"
    book = EntityBook.from_texts(["At 70, Paul A. Orrin wrote a paper.", "Karl von Estrup and Ravi K Menon spoke."])
    assert {"Paul Orrin", "Karl von Estrup", "Ravi Menon"} <= set(book.persons)
    assert book.person("Mr. Orrin") == "Paul Orrin"
    assert book.person("von Estrup") == "Karl von Estrup"


def test_organisation_names_lose_their_descriptors() -> None:
    book = EntityBook.from_texts(
        ["INSURANCE GROUP Halden cut jobs.", "Forge the Union spoke.", "Northgate Hospitals NHS Trust said so."]
    )
    assert book.organisation("INSURANCE GROUP Halden") == "Halden"
    assert book.organisation("Leeds-headquartered Corvel") == "Corvel"
    assert book.organisation("Forge the Union") == "Forge"
    assert book.organisation("Northgate Hospitals NHS Trust") == "Northgate Hospitals"
    assert book.organisation("Infosys Technologies") == "Infosys Technologies"  # "IT" is no short name of it


def test_job_titles_and_the_name_they_belong_to() -> None:
    assert is_title("Fenwick Group Operations Director")
    assert is_title("UNIFI's General Secretary")
    assert is_title("the council's press officer".removeprefix("the "))
    assert not is_title("Nothing has been decided about the office")
    assert speakers('Rosa Delgado, Fenwick Operations Director said: "We stay in Bristol."') == ["Rosa Delgado"]
    assert speakers("No decision was made, said the council's press officer, Helen Marsh.") == ["Helen Marsh"]


def test_a_headlines_title_resolves_to_the_person_named_with_it() -> None:
    text = "Oregon Governor Restricts State Contracts Done Abroad\n\nOregon Gov. Dana Whitcombe signed the order."
    book = EntityBook.from_texts(text.split("\n\n"))
    assert "Contracts Done Abroad" not in book.persons  # a Title Case headline gives no names
    assert book.person_with_role("governor") == "Dana Whitcombe"
    assert book.administration() == "Whitcombe administration"
    assert speakers(text)[0] == "Dana Whitcombe"


def test_quotation_marks_in_real_text() -> None:
    """Doubled apostrophes close like a double mark; a closing mark right after a colon opens."""
    quoted = "''We will fight,''"
    assert masked(quoted + " she said.") == "§" * len(quoted) + " she said."
    assert "union" not in masked("She said:”The union backed trade.”")
    assert speakers("''We will fight it,'' said union organiser Kay Lund.") == ["Kay Lund"]


def test_a_document_belongs_to_whoever_introduces_it() -> None:
    texts = [
        "The Marine Engineers Guild is joining the debate with a position paper it will publish on Friday.",
        "The paper calls for limits on offshore design work.",
    ]
    finder = SpeakerFinder(texts)
    assert finder.document_owner is not None and finder.document_owner.name == "Marine Engineers Guild"
    assert speakers("\n\n".join(texts)) == ["author", "Marine Engineers Guild"]


def test_cues_for_official_acts_and_their_counts() -> None:
    assert speakers("Vermont Gov. Eli Brandt signed an executive order restricting state contracts abroad.") == [
        "Eli Brandt"
    ]
    assert speakers("Three bills to limit offshoring were killed by Nevada Gov. Rita Solano's veto.") == ["Rita Solano"]
    assert [c.verb for c in find_cues("Solano vetoed 20 bills and signed 41 into law.")] == []


def test_the_article_shows_which_names_are_organisations() -> None:
    """ "X, which ...", "X, the broadband operator,", "X's chief executive" mark X as no person (round 4)."""
    book = EntityBook.from_texts(
        [
            "Tarn Direct, which answers calls for insurers, is moving.",
            "Vell, the broadband operator, will hire.",
            "Ama Osei, the firm's chief executive, said so.",
            "Hallam Cole's chief executive resigned.",
        ]
    )
    assert {"Tarn Direct", "Vell", "Hallam Cole"} <= book.described_orgs
    assert "Ama Osei" not in book.described_orgs
    assert book.person("Tarn Direct") is None and book.person("Ama Osei") == "Ama Osei"


def test_an_object_pronoun_after_a_role_is_no_gender_evidence() -> None:
    book = EntityBook.from_texts(["Lena Marsh, the mayor, has asked the bank's chairman to meet him soon."])
    assert "Lena Marsh" not in book.genders
    book = EntityBook.from_texts(["Lena Marsh said her office would write."])
    assert book.genders["Lena Marsh"] == "f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The closure came under fire from the region's MP, Dan Roe, who wants a debate.", "Dan Roe"),
        ("Pay is lower in Gdansk, according to the firm's finance director, Ola Nowak.", "Ola Nowak"),
        ("The plan was condemned by the Print and Media Workers Union (PMWU).", "PMWU"),
        ("That union, the Port Clerks' Association, said it would ballot members.", "Port Clerks' Association"),
    ],
)
def test_holders_named_in_an_appositive_or_a_long_name(text: str, expected: str) -> None:
    assert find_speakers_in_text(text)[0][1].speaker == expected


@pytest.mark.parametrize(
    "text",
    [
        "Marwick Bakeries reported record revenues for the year.",
        "Corrin Logistics told staff of the closure at a meeting.",
    ],
)
def test_results_and_informing_are_actions(text: str) -> None:
    assert find_speakers_in_text(text)[0][1].speaker == "author"


def test_a_council_and_a_sector_named_company_keep_the_right_name() -> None:
    book = EntityBook.from_texts(
        ["Jobs in Marlcombe fell.", "Marlcombe District Council said so.", "Ostler Telecom and Ostler staff."]
    )
    assert book.organisation("Marlcombe District Council") == "Marlcombe District Council"
    assert book.organisation("Ostler Telecom") == "Ostler"


def test_a_headlines_agentless_reaction_goes_to_the_critic_the_body_names() -> None:
    named = "Insurer comes under fire over Manila move\n\nThe move came under fire from the Clerks' Guild."
    assert [a.speaker for _, a in find_speakers_in_text(named)] == ["Clerks' Guild", "Clerks' Guild"]
    unnamed = "Insurer comes under fire over Manila move\n\nThe insurer Tolland Insurance will move 90 jobs."
    assert find_speakers_in_text(unnamed)[0][1].speaker == "author"
