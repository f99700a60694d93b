"""Splitting problems found on the corpus-extra articles, each with the real text."""

from __future__ import annotations

import pytest

from stance.corpus.splitter import split_article, split_text


def test_no_space_after_full_stop_before_a_quotation_gives_two_sentences():
    text = (
        "“Unite has refused to rule out an industrial action ballot as a result,” said David Fleming, "
        "Unite National Officer.“Our members will be angry and concerned at the prospect of losing their jobs. "
        "Capita is a highly profitable company.”"
    )
    assert split_text(text) == [
        "“Unite has refused to rule out an industrial action ballot as a result,” said David Fleming, "
        "Unite National Officer.",
        "“Our members will be angry and concerned at the prospect of losing their jobs. "
        "Capita is a highly profitable company.”",
    ]


def test_quotation_in_single_quotes_stays_one_sentence():
    text = (
        "One concerned employee said: 'We are very worried. We've heard rumours that we may be out of a job "
        "by the end of the year.'\n\nAbbey yesterday refused to guarantee jobs."
    )
    assert split_text(text) == [
        "One concerned employee said: 'We are very worried. We've heard rumours that we may be out of a job "
        "by the end of the year.'",
        "Abbey yesterday refused to guarantee jobs.",
    ]


@pytest.mark.parametrize("close", ["’’", "''", "’"])
def test_quotation_closed_with_single_quotes_ends_the_sentence(close):
    open_ = {"’’": "‘‘", "''": "''", "’": "‘"}[close]
    text = (
        f"He pointed to a report which {open_}showed that such methods can increase the provision of jobs "
        f"if the advantage is properly used.{close} He admitted that he was shocked by the pace of globalisation."
    )
    assert split_text(text) == [
        f"He pointed to a report which {open_}showed that such methods can increase the provision of jobs "
        f"if the advantage is properly used.{close}",
        "He admitted that he was shocked by the pace of globalisation.",
    ]


def test_quotation_in_doubled_single_quotes_followed_by_attribution_is_one_sentence():
    text = (
        "‘‘British companies will benefit in the long run,’’ he told merchant bankers at Goldman Sachs here on Monday."
    )
    assert split_text(text) == [text]


def test_state_abbreviation_before_a_comma_is_not_a_sentence_end():
    text = (
        "Mankiw's comments drew criticism from Republicans, including House Speaker Dennis Hastert, R-Ill., "
        "who released a statement Wednesday criticizing the remarks."
    )
    assert split_text(text) == [text]


@pytest.mark.parametrize(
    "dateline",
    ["NEW DELHI (AP) -- ", "LONDON, March 20 (Reuters) - ", "WASHINGTON (AFP) — "],
)
def test_wire_dateline_is_not_part_of_the_first_sentence(dateline):
    raw = (
        "Atal Bihari Vajpayee says sending jobs to his country will create more jobs.\n\n"
        f"{dateline}India's prime minister on Friday defended job outsourcing to India. It would create jobs."
    )
    spans = split_article(raw)
    texts = [raw[s.start : s.end] for s in spans]
    assert texts == [
        "Atal Bihari Vajpayee says sending jobs to his country will create more jobs.",
        "India's prime minister on Friday defended job outsourcing to India.",
        "It would create jobs.",
    ]
    assert spans[1].paragraph == 1
    assert raw[: spans[1].start].endswith(dateline)


def test_capitals_without_agency_and_dash_are_kept():
    text = "ABBEY National is heading for a crunch meeting with banking unions."
    assert split_text(text) == [text]


def test_standfirst_without_full_stop_is_its_own_sentence():
    raw = (
        "source: https://example.org/tcs\ntitle: TCS contract stirs up offshoring debate\n\n"
        "Experts believe a major Whitehall offshoring deal heralds a significant shift in public sector IT "
        "provision\n\n"
        "Offshore outsourcing could be an obvious route to reduce public sector IT spending, according to experts."
    )
    assert split_text(raw) == [
        "Experts believe a major Whitehall offshoring deal heralds a significant shift in public sector IT provision",
        "Offshore outsourcing could be an obvious route to reduce public sector IT spending, according to experts.",
    ]


def test_quotation_running_over_paragraphs_stays_one_sentence_per_paragraph():
    raw = (
        "Digby Jones said: “Offshoring is now part-and-parcel of doing business in the global economy.\n\n"
        "“Make no mistake, this is a survival issue. Anyone who believes that firms have a great deal of choice "
        "are naive.\n\n"
        "“Globalisation means that jobs will come, jobs will go.”"
    )
    assert len(split_text(raw)) == 3
