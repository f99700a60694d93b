"""Articles -> paragraphs -> sentences, with character offsets.

Sentence boundaries come from pysbd (rule-based, no model download), chosen
over spaCy's sentencizer because on this corpus it keeps "£20bn", "Sir Peter
Gershon", "El Reg" and "Mr." intact and already treats most quotations as
one unit. Two things are added on top, each a documented rule:

* **Quotations stay whole.** A boundary that pysbd puts inside an open
  quotation (straight or curly double quotes, and single quotes used as
  quotation marks) is removed, so ``X said: "A. B."`` is one sentence. A
  quotation that runs over two paragraphs stays two sentences, because
  paragraphs are split separately.
* **Page furniture is dropped** when sentences are made (the raw text is never
  edited): see :data:`FURNITURE` and :func:`clean_paragraphs`. A news-agency
  dateline ("NEW DELHI (AP) --") is cut from the start of its paragraph
  (:data:`DATELINE`).
* **Two repairs of pysbd's boundaries**, found on the corpus-extra articles:
  a quotation closed with single quotes (``used.'' He``, ``used.’’ He``)
  ends a sentence as ``used.” He`` does (:data:`SINGLE_QUOTE_END`), and a
  piece that starts with a comma, semicolon or lower-case letter is not a
  sentence but the rest of the previous one, wrongly cut after an
  abbreviation such as "R-Ill." (:data:`CONTINUATION`).

Paragraphs are blocks separated by blank lines. Inside a block a single
newline is read by the width of the block's lines (:func:`block_paragraphs`):
a hard-wrapped block (no line over :data:`WRAP_WIDTH` characters) is one
paragraph, newlines read as spaces, except after a short line (a headline or
a paragraph's last line); a block with a longer line is text copied from a
web page or a word processor, one paragraph per line, and each line is a
paragraph of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: Whole paragraphs that are website furniture, not article text.
FURNITURE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"this article is more than \d+ (?:year|month|day)s? old",
        r"similar topics",
        r"send us news",
        r"other stories you might like",
        r"®",
    )
)

#: A trailing registered-trade-mark sign (The Register's end-of-article mark).
TRAILING_MARK = re.compile(r"\s*®\s*$")

#: A wire-service dateline opening a paragraph: a place in capitals, an
#: optional date, the agency in brackets and a dash ("NEW DELHI (AP) --",
#: "LONDON, March 20 (Reuters) -"). It is not part of the first sentence.
DATELINE = re.compile(
    r"[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*"
    r"(?:(?:, [A-Za-z0-9 .]{3,20}?)? \([A-Za-z .]{2,20}\)|, [A-Z][a-z]{1,4}\.) ?(?:--|[-–—]) ?"
)
"""Also a US dateline with the state's abbreviation and no agency ("SPRINGFIELD, Ill. --")."""

#: A crosshead run into the paragraph it heads: three to eight words in
#: capitals and a colon ("NO PLANS FOR NOW: The bank ..."). It is a heading of
#: its own, so it becomes its own sentence. One or two capital words with a
#: colon are left alone: they are as often a source ("WSJ: ...") or a
#: dateline ("NEW DELHI: ...") as a section tag.
RUN_IN_HEADING = re.compile(r"[A-Z][A-Z'&-]+(?: [A-Z][A-Z'&-]+){2,7}:(?= [A-Z“\"‘'])")

#: End of a sentence inside text: final punctuation, then closing single
#: quotes (one, or two used as a double quote), then a capital letter.
#: pysbd handles ``.” He`` and ``." He`` but not these.
SINGLE_QUOTE_END = re.compile(r"[.!?][’']{1,2}(?=\s+[“\"‘']?[A-Z])")

#: The start of a piece that continues the previous sentence: lower case or
#: a joining mark, or a possessive after an abbreviation ("Acme Corp.’s plant").
CONTINUATION = re.compile(r"[,;:)]|[a-z]|[’']s\b")

#: A piece that is nothing but closing quotes (and punctuation): the end of a
#: quotation opened in an earlier paragraph, which pysbd cuts off on its own.
CLOSING_ONLY = re.compile(r"[”’\"')\]]+[.,;:!?]*")

#: A bare attribution after a closed quotation ("Smith says.", "she added."):
#: it belongs to the quotation it attributes, not to a sentence of its own.
ATTRIBUTION_TAIL = re.compile(
    r"(?:(?:[A-Z][\w'’.-]*)(?: [A-Z][\w'’.-]*){0,3}|[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e)"
    r" (?:says|said|adds|added|explains|explained|notes|noted|writes|wrote|recalls|recalled|argues|argued)"
    r"(?: [a-z]+ly)?[.!?]"
)
_CLOSING_QUOTES = "”’\"'"

_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\S\n]*[^\s][^\n]*)*")


@dataclass(frozen=True)
class Span:
    """A sentence's paragraph index and ``[start, end)`` offsets in the raw text."""

    paragraph: int
    start: int
    end: int


#: The widest line of a hard-wrapped block. Text wrapped for e-mail, wire
#: copy or a terminal stays under about 80 characters; a longer line is a
#: whole paragraph on one line.
WRAP_WIDTH = 100

#: In a hard-wrapped block, a line shorter than this share of the block's
#: widest line ends its paragraph (as a reflow tool such as ``fmt`` reads it):
#: the wrap filled it no further, so the paragraph stopped there.
SHORT_LINE = 0.75

#: What may open a new paragraph after a short line: a capital, a digit or an
#: opening quotation mark (a lower-case word continues the sentence).
_PARAGRAPH_OPENING = re.compile(r"[A-Z0-9\"“‘'(]")


def block_paragraphs(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one blank-line-separated block of ``raw`` into its paragraphs' ``(start, end)`` offsets.

    Many articles users paste come one paragraph per line with no blank line
    between: read as one paragraph, the headline ran into the lead sentence
    and a quotation's paragraph break was lost, both of which the speaker
    finder relies on. Hard-wrapped text must still flow as before.
    """
    lines: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        stop = raw.find("\n", pos, end)
        stop = end if stop < 0 else stop
        text = raw[pos:stop]
        lo, hi = pos + len(text) - len(text.lstrip()), stop - (len(text) - len(text.rstrip()))
        if hi > lo:
            lines.append((lo, hi))
        pos = stop + 1
    if len(lines) < 2:
        return [(start, end)]
    width = max(hi - lo for lo, hi in lines)
    one_per_line = width > WRAP_WIDTH
    paragraphs: list[tuple[int, int]] = []
    first = lines[0][0]
    for (lo, hi), following in zip(lines, lines[1:] + [None], strict=True):
        ends_here = (
            following is None
            or one_per_line
            or (hi - lo < SHORT_LINE * width and bool(_PARAGRAPH_OPENING.match(raw, following[0])))
        )
        if ends_here:
            paragraphs.append((first, hi))
            if following is not None:
                first = following[0]
    return paragraphs


def iter_paragraphs(raw: str) -> Iterator[tuple[int, int, int]]:
    """Yield ``(paragraph_index, start, end)`` for each paragraph (see :func:`block_paragraphs`).

    Indices count every paragraph of the raw text, furniture included, so they
    stay stable when a cleaning rule changes.
    """
    _, body = parse_header(raw)
    index = 0
    for match in _PARAGRAPH.finditer(raw):
        start, end = match.span()
        text = match.group()
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
        if end <= start:  # a line of spaces: counted, never yielded
            index += 1
            continue
        # A header block (``source:``/``title:`` lines) stays one block, whatever its width.
        for p_start, p_end in [(start, end)] if start < body else block_paragraphs(raw, start, end):
            yield index, p_start, p_end
            index += 1


def is_furniture(text: str) -> bool:
    """True if a whole paragraph is website furniture (see :data:`FURNITURE`)."""
    stripped = " ".join(text.split())
    return any(pattern.fullmatch(stripped) for pattern in FURNITURE)


def clean_paragraphs(raw: str) -> list[tuple[int, int, int]]:
    """Paragraphs to split, furniture removed.

    Rules: a ``source:``/``title:`` header block is skipped (see
    :func:`parse_header`); a paragraph matching :data:`FURNITURE` is dropped;
    a paragraph that repeats the previous kept paragraph word for word (a
    standfirst printed twice) is dropped; a leading :data:`DATELINE` is cut
    off (the paragraph's start offset moves past it).
    """
    kept: list[tuple[int, int, int]] = []
    previous: str | None = None
    _, body = parse_header(raw)
    for index, start, end in iter_paragraphs(raw):
        if start < body:
            continue
        text = " ".join(raw[start:end].split())
        if is_furniture(text) or text == previous:
            continue
        dateline = DATELINE.match(raw, start, end)
        kept.append((index, dateline.end() if dateline else start, end))
        previous = text
    return kept


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def quote_depths(text: str) -> list[bool]:
    """For each character position, whether it lies inside an open quotation.

    Double quotes (straight and curly) always count. Single quotes count only
    where they cannot be apostrophes: an opening one after a space or the
    start (or ``:(`` ) and before a letter (not a digit: "the '90s" is an
    elision, and an unclosed single quote would glue the rest of the
    paragraph into one sentence), a closing one after a letter or
    punctuation and before a space, punctuation or the end.
    """
    inside_double = False
    inside_single = False
    flags: list[bool] = []
    n = len(text)
    for i, ch in enumerate(text):
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < n else " "
        if ch == "“":
            inside_double = True
        elif ch == "”":
            inside_double = False
        elif ch == '"':
            inside_double = not inside_double
        elif not inside_double and ch in "'‘’":
            opening = (before.isspace() or before in "(:—–-") and (after.isalpha() or after in "‘“")
            closing = (not before.isspace()) and (after.isspace() or after in ".,;:!?)—–-")
            if (ch == "‘" and not after.isdigit()) or (opening and not inside_single):
                inside_single = True
            elif inside_single and closing and (before in ".,!?" or ch == "’" or ch == "'"):
                inside_single = False
        flags.append(inside_double or inside_single)
    return flags


def split_paragraph(text: str) -> list[tuple[int, int]]:
    """Sentence ``(start, end)`` offsets within one paragraph's text."""
    flat = text.replace("\n", " ")
    heading = RUN_IN_HEADING.match(flat)
    if heading:
        rest = heading.end() + len(flat[heading.end() :]) - len(flat[heading.end() :].lstrip())
        return [(0, heading.end())] + [(rest + s, rest + e) for s, e in split_paragraph(text[rest:])]
    pieces = _segmenter().segment(flat)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        core = piece.strip()
        if not core:
            continue
        start = flat.find(core, cursor)
        if start < 0:  # pysbd altered the text; fall back to the whole rest
            start = cursor
        end = start + len(core)
        spans.append((start, end))
        cursor = end
    inside = quote_depths(flat)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        piece = flat[start:end]
        joins = merged and (
            inside[start - 1]
            or CONTINUATION.match(flat, start)
            or CLOSING_ONLY.fullmatch(piece)
            or (ATTRIBUTION_TAIL.fullmatch(piece) and flat[: merged[-1][1]].rstrip()[-1:] in _CLOSING_QUOTES)
        )
        if joins:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [piece for start, end in merged for piece in _split_single_quote_ends(flat, start, end, inside)]


def _split_single_quote_ends(flat: str, start: int, end: int, inside: list[bool]) -> list[tuple[int, int]]:
    """Cut a span after each :data:`SINGLE_QUOTE_END` that closes a quotation."""
    pieces: list[tuple[int, int]] = []
    for match in SINGLE_QUOTE_END.finditer(flat, start, end):
        cut = match.end()
        if not inside[cut - 1]:
            pieces.append((start, cut))
            start = cut + len(flat[cut:end]) - len(flat[cut:end].lstrip())
    pieces.append((start, end))
    return pieces


def split_article(raw: str) -> list[Span]:
    """All sentence spans of an article's raw text, in order, furniture removed."""
    spans: list[Span] = []
    for paragraph, p_start, p_end in clean_paragraphs(raw):
        for start, end in split_paragraph(raw[p_start:p_end]):
            s, e = p_start + start, p_start + end
            mark = TRAILING_MARK.search(raw, s, e)
            if mark and mark.end() == e:
                e = mark.start()
            if e > s:
                spans.append(Span(paragraph, s, e))
    return spans


def split_text(raw: str) -> list[str]:
    """The sentence texts of ``raw`` (convenience for prediction on new articles)."""
    return [raw[span.start : span.end] for span in split_article(raw)]


HEADER_KEYS = ("source", "title", "date", "publication", "author")
_HEADER_LINE = re.compile(rf"^({'|'.join(HEADER_KEYS)}):[ \t]*(.*)$", re.IGNORECASE)


def parse_header(raw: str) -> tuple[dict[str, str], int]:
    """Read a ``source:`` / ``title:`` header block at the top of a file.

    Returns the header fields and the offset where the body starts (0 when
    there is no header). A header is the first block of lines, every one of
    them ``key: value`` with a key from :data:`HEADER_KEYS`; it is not text
    of the article, so the splitter skips it.
    """
    # A plain line scan, not one regex over the text: a nested-quantifier
    # pattern backtracked exponentially on "\r\n" files.
    matches = []
    end = 0
    pos = len(raw) - len(raw.lstrip())
    while pos < len(raw):
        stop = raw.find("\n", pos)
        stop = len(raw) if stop < 0 else stop
        line = raw[pos:stop]
        if not line.strip():
            break
        matches.append(_HEADER_LINE.match(line.strip()))
        end = pos + len(line.rstrip())
        pos = stop + 1
    if not matches or not all(matches):
        return {}, 0
    header = {m.group(1).lower(): m.group(2).strip() for m in matches if m}
    return header, end
