"""Sentence splitting: the tricky cases of this corpus, offsets, determinism.

Each case is checked on the real article text (corpus/) where it occurs and
on a small made-up text, so a change of splitter or of pysbd version that
breaks one of them fails here with the sentence in the message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stance.cli import app
from stance.corpus.articles import article_text, load_articles, load_sentences, make_sentences, split_corpus
from stance.corpus.splitter import clean_paragraphs, is_furniture, parse_header, split_article, split_text
from stance.paths import Root

SEED = {
    "hp": "hp-dwp-staff-strike-india",
    "dwp": "dwp-offshore-it-jobs",
    "pcs": "pcs-steria-shared-services-offshoring",
    "moj": "moj-it-workers-strike-outsourcing",
}


@pytest.fixture(scope="module")
def repo_root() -> Root:
    """The repository's own data, read only (module scope: the articles are split once)."""
    return Root(Path(__file__).resolve().parents[1])


@pytest.fixture(scope="module")
def seed_texts(repo_root):
    return {key: [s.text for s in make_sentences(aid, article_text(repo_root, aid))] for key, aid in SEED.items()}


def one_containing(texts: list[str], needle: str) -> str:
    found = [t for t in texts if needle in t]
    assert len(found) == 1, f"{needle!r} is in {len(found)} sentences: {found}"
    return found[0]


# --- the real articles -------------------------------------------------------


def test_money_and_titles_do_not_split_in_the_dwp_article(seed_texts):
    sentence = one_containing(seed_texts["dwp"], "Sir Peter Gershon")
    assert sentence.startswith("The government is under pressure to cut costs")
    assert sentence.endswith("must save £20bn through improved efficiency by 2008.")


def test_multi_sentence_quotation_is_one_sentence(seed_texts):
    sentence = one_containing(seed_texts["dwp"], "There are no proposals.")
    assert sentence.startswith('A DWP spokesman said: "The document was produced on a contingent basis.')
    assert sentence.endswith('suppliers use sub-contractors that are based abroad."')


def test_el_reg_does_not_end_a_sentence(seed_texts):
    sentence = one_containing(seed_texts["moj"], "El Reg")
    assert sentence.startswith("As revealed by El Reg last week, 47 per cent")
    assert sentence.endswith("if the Steria deal edged closer.")


def test_headline_and_standfirst_are_sentences_of_their_own(seed_texts):
    assert seed_texts["dwp"][:2] == ["DWP to offshore IT jobs?", "Department denies plans outlined in leaked document"]
    assert seed_texts["moj"][:2] == [
        "Official: MoJ IT workers on STRIKE over outsourcing job fears",
        "Steria SSCL named 'preferred supplier' for Shared Service Centre",
    ]


def test_standfirst_printed_twice_is_kept_once(repo_root, seed_texts):
    raw = article_text(repo_root, SEED["dwp"])
    assert raw.count("Department denies plans outlined in leaked document") == 2
    assert seed_texts["dwp"].count("Department denies plans outlined in leaked document") == 1


def test_quotation_over_two_paragraphs_stays_two_sentences(seed_texts):
    first = one_containing(seed_texts["hp"], "key test of ministers' rhetoric")
    second = one_containing(seed_texts["hp"], "put a stop to this plan")
    assert first.startswith('PCS general secretary Mark Serwotka said: "This is a key test')
    assert first.endswith("put their faith in them to create jobs.")
    assert second.startswith('"The government should put a stop')
    assert seed_texts["hp"].index(second) == seed_texts["hp"].index(first) + 1


def test_register_furniture_is_removed(repo_root, seed_texts):
    raw = article_text(repo_root, SEED["moj"])
    for furniture in ("This article is more than 1 year old", "Similar topics", "Send us news", "®"):
        assert furniture in raw, f"the raw text should still hold {furniture!r}"
        assert not [t for t in seed_texts["moj"] if furniture in t]
    assert not [t for t in seed_texts["moj"] if "Other stories you might like" in t]
    last = '"We will work with staff, trade unions and other stakeholders to assess any impacts on staff."'
    assert seed_texts["moj"][-1] == last


def test_raw_texts_are_the_collected_files_unchanged(repo_root):
    shared = repo_root.path.parent / "shared" / "corpus"
    if not shared.is_dir():
        pytest.skip("../shared/corpus is not available")
    for article in load_articles(repo_root):
        if article.origin == "source":
            assert article_text(repo_root, article.id) == (shared / article.source_file).read_text(encoding="utf-8")


# --- made-up texts -----------------------------------------------------------


@pytest.mark.parametrize(
    "expected",
    [
        ["Mr. Smith met Mrs. Jones at 10 a.m. on Monday.", "They talked about offshoring."],
        ["The plan saves £20bn a year, said Sir Peter Gershon.", "Unions disagreed."],
        ["As revealed by El Reg last week, staff voted.", "The vote was close."],
        ['He said: "We object. We will strike."', "Talks failed."],
        ["She said: “Jobs will go. Data will follow.”", "The firm denied it."],
        ["A spokesman said: 'We are worried. Very worried.'", "Nobody replied."],
        ["In the '90s jobs moved abroad.", "Then they came back."],
        ["Georgina O'Toole said so.", "The workers' union did not."],
        ["Costs fell 3.5 per cent to $1.5bn.", "The U.K. arm grew."],
        ["Dr. No met St. John at No. 10 Downing St. on Friday.", "Nothing was agreed."],
    ],
)
def test_made_up_sentences(expected):
    assert split_text(" ".join(expected)) == expected


def test_quotation_over_two_made_up_paragraphs():
    raw = 'Headline\n\nThe leader said: "This is wrong. It must stop.\n\n"We will fight it." Then she left.'
    assert split_text(raw) == [
        "Headline",
        'The leader said: "This is wrong. It must stop.',
        '"We will fight it."',
        "Then she left.",
    ]


@pytest.mark.parametrize(
    "furniture",
    [
        "This article is more than 1 year old",
        "This article is more than 2 years old",
        "Similar topics",
        "similar topics",
        "Send us news",
        "Other stories you might like",
        "®",
    ],
)
def test_furniture_paragraphs_are_dropped(furniture):
    assert is_furniture(furniture)
    raw = f"Headline\n\n{furniture}\n\nBody text. More body.\n\n{furniture}\n\n{furniture}"
    assert split_text(raw) == ["Headline", "Body text.", "More body."]


def test_article_text_that_mentions_furniture_words_is_kept():
    raw = "Readers who send us news get a reply. Similar topics were raised in 2012."
    assert split_text(raw) == ["Readers who send us news get a reply.", "Similar topics were raised in 2012."]


def test_trailing_registered_mark_is_cut_but_the_sentence_kept():
    assert split_text('They said: "We will talk to staff." ®') == ['They said: "We will talk to staff."']
    assert split_text("Shares in Acme® rose. Staff left.") == ["Shares in Acme® rose.", "Staff left."]


def test_repeated_standfirst_is_dropped_only_when_adjacent():
    raw = "Title\n\nA standfirst line\n\nA standfirst line\n\nBody.\n\nA standfirst line"
    assert split_text(raw) == ["Title", "A standfirst line", "Body.", "A standfirst line"]


def test_header_block_is_not_text():
    raw = "source: https://example.com/a\ntitle: A title\n\nBody one. Body two."
    header, body = parse_header(raw)
    assert header == {"source": "https://example.com/a", "title": "A title"}
    assert raw[body:].strip() == "Body one. Body two."
    assert split_text(raw) == ["Body one.", "Body two."]
    assert parse_header("Title: not a header\nbecause this line is text\n\nBody.") == ({}, 0)


def test_hard_wrapped_and_crlf_text_split_like_flowed_text():
    flowed = "Title\n\nThe union warned that jobs would go. The firm said nothing."
    wrapped = "Title\n\nThe union warned that jobs\nwould go. The firm said\nnothing."
    crlf = wrapped.replace("\n", "\r\n")
    expected = [" ".join(t.split()) for t in split_text(flowed)]
    for raw in (wrapped, crlf):
        spans = split_article(raw)
        assert [" ".join(raw[s.start : s.end].split()) for s in spans] == expected
        assert [s.paragraph for s in spans] == [0, 1, 1]


def test_one_paragraph_per_line_text_keeps_its_paragraphs():
    """Text pasted from a web page: no blank lines, one long line per paragraph."""
    lines = [
        "Harwick Bank to move 250 card-services jobs to Chennai",
        "Harwick Bank said on Thursday it would transfer 250 card-services posts to a supplier in Chennai, "
        "the third such move by a British lender this year.",
        "\u201cWe have to keep our costs in line with our rivals,\u201d said a spokesman for the bank.",
        "The Clerical Staff Union said it would ask members whether to strike over the decision.",
    ]
    for newline in ("\n", "\r\n"):
        raw = newline.join(lines)
        spans = split_article(raw)
        assert [raw[s.start : s.end] for s in spans][0] == lines[0], "the headline is a sentence of its own"
        assert [s.paragraph for s in spans] == [0, 1, 2, 3]


def test_a_short_line_ends_a_hard_wrapped_paragraph():
    """Wire copy wrapped at 60 columns with no blank lines: the headline and each
    paragraph's short last line end their paragraphs; the wrapped lines flow."""
    raw = (
        "Pellow Telecom shuts Dundee call centre\n"
        "Pellow Telecom will close its Dundee call centre next year\n"
        "and move the work to a contractor in Manila, the company\n"
        "said on Friday.\n"
        "Union officials said they had not been told in advance of\n"
        "the announcement and would seek talks."
    )
    spans = split_article(raw)
    texts = [" ".join(raw[s.start : s.end].split()) for s in spans]
    assert texts[0] == "Pellow Telecom shuts Dundee call centre"
    assert texts[1].startswith("Pellow Telecom will close") and texts[1].endswith("said on Friday.")
    assert [s.paragraph for s in spans] == [0, 1, 2]


# --- invariants on every article of the repository ----------------------------


def test_offsets_point_into_the_raw_text_for_every_sentence(repo_root):
    articles = load_articles(repo_root)
    assert articles
    for article in articles:
        raw = article_text(repo_root, article.id)
        sentences = make_sentences(article.id, raw)
        assert sentences, article.id
        previous_end = 0
        for i, s in enumerate(sentences):
            assert s.index == i
            assert s.sent_id == f"{article.id}:{i:03d}"
            assert raw[s.start : s.end] == s.text, s.sent_id
            assert s.text == s.text.strip() and s.text, s.sent_id
            assert s.start >= previous_end, f"{s.sent_id} overlaps the previous sentence"
            previous_end = s.end
        paragraphs = [s.paragraph for s in sentences]
        assert paragraphs == sorted(paragraphs)
        kept = {index for index, _, _ in clean_paragraphs(raw)}
        assert set(paragraphs) == kept, f"{article.id}: a kept paragraph has no sentence"


def test_splitting_is_deterministic_across_processes(repo_root):
    here = [s.to_dict() for a in load_articles(repo_root) for s in make_sentences(a.id, article_text(repo_root, a.id))]
    again = [s.to_dict() for a in load_articles(repo_root) for s in make_sentences(a.id, article_text(repo_root, a.id))]
    assert here == again
    code = (
        "import json, sys, pathlib; from stance.paths import Root; "
        "from stance.corpus.articles import load_articles as arts, article_text as raw, make_sentences as split; "
        "r = Root(pathlib.Path(sys.argv[1])); "
        "print(json.dumps([s.to_dict() for a in arts(r) for s in split(a.id, raw(r, a.id))]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(repo_root.path)], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(out.stdout) == here


def test_committed_sentence_table_is_what_the_splitter_produces(repo_root):
    result = split_corpus(repo_root, write=False)
    assert result.changed == [], f"re-run `stance corpus split`: {result.changed[:5]}"
    assert [s.to_dict() for s in result.sentences] == [s.to_dict() for s in load_sentences(repo_root)]


def test_corpus_split_check_passes_on_the_repository(repo_root):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["--root", str(repo_root.path), "corpus", "split", "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_crlf_header_is_read_quickly():
    """The old one-regex header parser backtracked exponentially on "\\r\\n" files: run it with a time limit."""
    raw = "source: https://example.com/a\r\ntitle: A title\r\n\r\n" + "A sentence of the body here.\r\n" * 40
    code = (
        "import sys; from stance.corpus.splitter import parse_header; "
        "print(parse_header(sys.stdin.buffer.read().decode())[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=raw, capture_output=True, text=True, timeout=30, check=True
    ).stdout
    assert out.strip() == "{'source': 'https://example.com/a', 'title': 'A title'}"
    header, body = parse_header(raw)
    assert raw[body:].lstrip().startswith("A sentence of the body")
