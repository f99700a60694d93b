"""Attribution cues inside one sentence: the reporting verb and its subject.

Everything here looks at one sentence with its quotations masked out (a
reporting verb inside a quotation is the quoted speaker's words, not an
attribution). It returns the raw subject phrase; turning "he" or "the union"
into a canonical source needs the article and is the finder's job.

The arrangements recognised, in the order they are tried:

* ``quote-verb-subject``  '"...," said X.'
* ``quote-subject-verb``  '"...," X said.' / '"...", X added.'
* ``trailing``            '..., a trade union has warned.'
* ``subject-verb``        'X said: "..."', 'X, chief executive of Y, said that ...',
  'X has ..., and claimed that ...', 'An MoJ spokeswoman sent us this statement.'
* ``quoted-as-saying``    '"...," the Courier quoted him as saying.'
* ``inserted``            'Offshoring, he said, is ...'
* ``according-to``        'According to X, ...' / '..., according to experts.'
* ``for-x``               'For Karnik, the move is a "win win".' (persons only, low confidence)

A verb after "not"/"never" ("did not respond") or in the passive ("as
revealed by") is no attribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stance.corpus.splitter import quote_depths
from stance.speakers.lexicon import (
    BY_AGENT_VERBS,
    CONCERN_NOUNS,
    EXPERIENCER_VERBS,
    HEADLINE_VERBS,
    PHRASE_CUES,
    POSITION_VERBS,
    REACTION_NOUNS,
    SPEECH_VERBS,
)
from stance.speakers.names import GENERIC_ORG_NOUNS

REPORTING_VERBS = SPEECH_VERBS + POSITION_VERBS
_POSITION_SET = frozenset(POSITION_VERBS)
_VERB_RE = re.compile(r"(?<![\w-])(?P<verb>" + "|".join(PHRASE_CUES) + "|" + "|".join(REPORTING_VERBS) + r")(?![\w-])")
_HEADLINE_VERB_RE = re.compile(r"(?<![\w-])(?P<verb>" + "|".join(HEADLINE_VERBS) + r")(?![\w-])")
#: A Title Case Headline capitalises its verb too ("Governor Restricts State Work").
_HEADLINE_VERB_TITLE_RE = re.compile(r"(?<![\w-])(?P<verb>" + "|".join(HEADLINE_VERBS) + r")(?![\w-])", re.IGNORECASE)
#: "Gov. Rita Solano": the stop of a title abbreviation does not end a noun phrase.
_TITLE_STOP = "|".join(rf"(?<=\b{t})" for t in ("Gov", "Sen", "Rep", "Dr", "Mr", "Mrs", "Ms", "St"))
_NP_STOP = rf"(?:[^,;:.§()]|\([^)]*\)|\.(?=\w)|(?:{_TITLE_STOP})\.\s)+"
#: "was criticised [yesterday] by the union": the by-agent holds the position.
_BY_AGENT = re.compile(
    r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?(?P<verb>" + "|".join(BY_AGENT_VERBS) + r")\b"
    r"(?:\s+[\w'’-]+){0,6}?\s+by\s+(?P<np>" + _NP_STOP + ")"
)
#: "came under fire from X", "drew criticism from X", "a swift reaction from X".
_FROM_AGENT = re.compile(
    r"\b(?P<verb>(?:came|come|comes|coming)\s+under(?:\s+\w+)?\s+(?:fire|attack|criticism|pressure)"
    r"|(?:drew|draws|drawn|draw|attracted|attracts|sparked|sparks|prompted|prompts|brought|brings|provoked|provokes"
    r"|met with|faced|faces|facing)(?:\s+[\w-]+){0,3}?\s+(?:" + "|".join(REACTION_NOUNS) + r"))\b"
    r"(?:\s+[\w'’-]+){0,6}?\s+from\s+(?P<np>" + _NP_STOP + ")"
)
#: A reaction narrated through its cause: the cause is the subject and the holder the object ("the move
#: has angered leaders of the X union", "Plan dismays employees"). A be-form or "feel/felt" before the verb
#: makes it the holder's own state ("staff were upset", "we are alarmed"), which is no frame of this kind;
#: a preposition or a pronoun after it ("upset about", "angered them") names no holder.
_EXPERIENCER = re.compile(
    r"(?<!\bwas )(?<!\bwere )(?<!\bis )(?<!\bare )(?<!\bbe )(?<!\bbeen )(?<!\bfeel )(?<!\bfelt )"
    r"(?<![\w-])(?P<verb>" + "|".join(EXPERIENCER_VERBS) + r")\s+"
    r"(?:(?:leaders|members|officials|bosses|chiefs)\s+(?:of|at)\s+)?"
    r"(?!(?:about|at|by|over|that|with|to|in|on|for|around|among|across|after|of|the way"
    r"|it|them|him|her|us|me)\b)(?P<np>" + _NP_STOP + ")"
)
#: "raised concerns about pay among members of X": the holders follow "among".
_AMONG_HOLDERS = re.compile(
    r"\b(?P<verb>" + "|".join(CONCERN_NOUNS) + r")\b(?:\s+[\w'’-]+){0,9}?\s+among(?:st)?\s+"
    r"(?:(?:leaders|members|officials|bosses)\s+(?:of|at)\s+)?(?P<np>" + _NP_STOP + ")"
)
#: Document verbs: only a document subject ("the survey shows") reports with them.
_DOC_VERB_RE = re.compile(
    r"(?<![\w-])(?P<verb>shows?|showed|found|finds|concludes?|concluded|requires?|required)(?![\w-])"
)
DOCUMENT_NOUNS = (
    "document|report|letter|statement|survey|study|research|poll|memo|paper|email|e-mail|submission|analysis|review|"
    "rebuttal|data|figures|findings|executive order"
)
_DOCUMENT = re.compile(rf"\b(?:{DOCUMENT_NOUNS})s?\b", re.IGNORECASE)

MASK = "§"
_AUX = re.compile(
    r"\s*\b(?:has|have|had|also|yesterday|today|now|then|later|again|previously|repeatedly|publicly|did|does|is|was|"
    r"were|are|would|will|not|once|already|earlier|recently|further|strongly|firmly|flatly|initially|subsequently|"
    r"immediately|quickly|privately|separately|clearly|simply|reportedly|has also|originally|on \w+day|all|both|"
    r"[a-z]+ly(?<!only)(?<!early)|"
    r"(?:beginning|starting|continuing|expected|likely|preparing|going|ready|set) to|(?:went|goes|go) on to|"
    r"(?:last|this|next) (?:week|month|year|night|morning|autumn|spring|summer|winter)|"
    r"in (?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?: \d{4})?)\s*$"
)
_LEADING = re.compile(
    r"^(?:(?:but|and|however|meanwhile|now|yet|so|also|separately|instead|indeed|still|then|today|yesterday|"
    r"earlier|later)\b[,]?\s+|(?:earlier|later|last|this|next)\s+(?:this\s+|that\s+)?(?:week|month|year|day|"
    r"morning|night|autumn|spring|summer|winter)\b,?\s+"
    r"|in\s+(?:(?:early|late|mid-?)\s*)?(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|\d{4})(?:\s+\d{4})?,?\s+)+",
    re.IGNORECASE,
)
_ADVERBIAL_SEGMENT = re.compile(
    r"^\s*(?:in|on|at|after|before|following|speaking|writing|despite|during|under|with|for|as|by|from|when|while|"
    r"meanwhile|however|but|and|yet|so|now|earlier|later|separately|also|indeed|instead|still|today|yesterday)\b",
    re.IGNORECASE,
)
_RELATIVE_ONLY = re.compile(r"^\s*(?:who|which|that)\b(?:\s+(?:\w+ly|has|have|had|also|then))*\s*$", re.IGNORECASE)
_RELATIVE = re.compile(r"^\s*(?:who|which|whose|that)\b", re.IGNORECASE)
_ROLE_TAIL = re.compile(
    r"\b(?:secretary|director(?:-general)?|executive|officer|analyst|adviser|advisor|economist|chairman|chairwoman|"
    r"chair|president|minister|leader|head|founder|boss|chief|ceo|manager|partner|professor|official|spokesman|"
    r"spokeswoman|spokesperson|representative|organiser|negotiator|convenor|member|governor|aged \d+|\d+)\.?\s*$",
    re.IGNORECASE,
)
_COORDINATION = re.compile(r"^\s*(?:and|but|or|then)\b(?:\s+(?:\w+ly|also|then|later))*\s*$", re.IGNORECASE)
_NP_AFTER = re.compile(r"^\s*(?P<np>(?:[^,;:.!?(]|(?<=\b[A-Z])\.)+(?:\([^)]*\)[^,;:.!?(]*)*)")  # "John W. Steadman"
_LEADING_NP = re.compile(
    r"^(?P<np>(?:[Tt]he|[Aa]n?)\s+(?:[\w-]+\s+){0,3}?(?:"
    + "|".join(sorted(GENERIC_ORG_NOUNS, key=len, reverse=True))
    + r")(?=[\s,])"
    r"|(?:(?:[Tt]he|[Aa]n?)\s+)?(?:[A-Z][\w&'’.-]*|\([A-Z]+\))(?:\s+(?:[A-Z][\w&'’.-]*|\([A-Z]+\)|and|of|for|&))*"
    r"(?:\s+(?:union|spokes(?:man|woman|person)))?|[Ii]t|[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I)\b"
)  # the first branch: "The government", "A leading building society" (a described organisation)


@dataclass(frozen=True)
class Cue:
    """An attribution found in a sentence: which rule, the subject and the cue span."""

    rule: str
    subject: str
    verb: str
    start: int
    end: int
    statement: bool = False


def _normalise_marks(text: str) -> str:
    """Quotation marks as the quote reader expects them, keeping every position: two apostrophes or
    backticks are one double mark, and a closing mark right after a colon ('said:”The union ...') opens."""
    text = text.replace("''", '" ').replace("``", '" ')
    return re.sub(r"(?<=:)(\s*)”", lambda m: m.group(1) + "“", text)


def masked(text: str) -> str:
    """The sentence with every quotation (marks included) replaced by ``§``.

    Two apostrophes or two backticks stand for a double quotation mark in some
    papers (''We understand ...''); they are read as one, keeping positions.
    """
    inside = quote_depths(_normalise_marks(text))
    out = []
    for ch, flag in zip(text, inside, strict=True):
        out.append(MASK if flag or ch in '“”"' else ch)
    # a closing single quote flips the flag off on itself: mask it too
    masked_text = "".join(out)
    return re.sub(rf"{MASK}(?:''|['’])", lambda m: MASK * len(m.group()), masked_text)


def quoted_share(text: str) -> float:
    """The share of the sentence's characters that lie inside quotation marks."""
    if not text:
        return 0.0
    return masked(text).count(MASK) / len(text)


def has_direct_quote(text: str) -> bool:
    """True if the sentence carries a quotation of at least four words (not a scare quote)."""
    for run in re.finditer(rf"{MASK}+", masked(text)):
        if len(text[run.start() : run.end()].split()) >= 4:
            return True
    return False


def starts_with_quote(text: str) -> bool:
    """True if the sentence opens with a quotation mark (a quote paragraph)."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in "\"“‘'`" and masked(stripped)[:1] == MASK


def _split_commas(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _strip_aux(prefix: str) -> str:
    previous = None
    while previous != prefix:
        previous = prefix
        prefix = _AUX.sub("", prefix)
    return prefix


def _is_appositive(segment: str) -> bool:
    """An appositive or relative clause after a name: ", chief executive of X," / ", which owns ..."."""
    s = segment.strip()
    if not s:
        return True
    if _RELATIVE.match(s):
        return True
    if s[0].islower() or s[0].isdigit():
        return True
    if re.fullmatch(r"[A-Z]-[A-Z][a-z]+\.?", s):  # "R-Ill."
        return True
    if _ROLE_HEAD.match(s):
        return True
    if re.fullmatch(r"[A-Z][\w.]*['’]s?\s+(?:[a-z-]+\s+){0,4}(?:" + _ORG_NOUNS + r")", s):
        return True  # "Germany's biggest industrial union": a description of the name before it
    return bool(_ROLE_TAIL.search(s)) and not re.search(r"\b[A-Z][a-z]+\s+[A-Z][a-z'’-]+$", s)


_ORG_NOUNS = r"union|bank|company|firm|group|insurer|lender|carrier|operator|retailer|body|lobby|association|maker"

_DESCRIBED_ORG = re.compile(
    r"(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:" + "|".join(sorted(GENERIC_ORG_NOUNS, key=len, reverse=True)) + ")"
)

_ROLE_HEAD = re.compile(
    r"^(?:(?:former|then|acting|deputy|senior|chief|vice)\s+)*(?:ceo|cfo|coo|cto|chief|head|director|chairman|"
    r"chairwoman|president|secretary|minister|leader|boss|founder|managing director|analyst|spokes\w+)\b"
    r"(?:\s+(?:executive|officer|general|of|at|for|with)\b|$)",
    re.IGNORECASE,
)
_CLAUSE_TAIL = re.compile(
    r"\b(?i:because|that|while|although|though|since|whereas|so|when|if|as|but)\s+"
    r"(?P<np>he|she|it|they|we|i|(?:the|its|their)\s+[a-z-]+(?:\s+[a-z-]+)?|[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
    rf"|(?:(?:a|an|new)\s+)+(?:[a-z-]+\s+)?(?:{DOCUMENT_NOUNS}))$",
)


_NAME_LIST_END = re.compile(
    r"\s*[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)*\s+and\s+[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)*\s*"
)
_NAME_ONLY = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}$")


def name_before_appositive(segments: list[str]) -> str | None:
    """ "Harris Miller, president of the Arlington, Va.-based ..., praised": the name before a role.

    A name followed by a role appositive whose own commas split it further
    ("CEO of ANZ Asia Pacific, Europe and America") is the subject when the
    last segment holds no clause of its own (only capitalised words).
    """
    if len(segments) == 2 and is_title(segments[1]):  # "Ann Orr, Fenwick Operations Director said"
        first = _LEADING.sub("", segments[0].strip())
        return first if MASK not in first and _NAME_ONLY.match(first) else None
    if len(segments) < 3:
        return None
    first = _LEADING.sub("", segments[0].strip())
    if MASK in first or not _NAME_ONLY.match(first):
        return None
    role = segments[1].strip()
    if not (
        _ROLE_HEAD.match(role)
        or re.match(r"(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:" + _ROLE_WORDS + r")\b", role, re.I)
        or is_title(role)
    ):
        return None
    if any(w[:1].islower() and w not in ("and", "of", "the", "for") for w in segments[-1].split()):
        return None
    return first


_DESCRIPTION = re.compile(
    r"^(?:The|That|This|Its|Their|Another|One|A|An)\s+(?:[a-z-]+\s+){0,2}?(?:"
    + "|".join(sorted(GENERIC_ORG_NOUNS, key=len, reverse=True))
    + r")$"
)
_APPOSITIVE_NAME = re.compile(
    r"^(?:the\s+)?[A-Z][\w&'’.-]*(?:\s+(?:(?:of|for|and|&)\s+)?[A-Z][\w&'’.-]*)*(?:\s+\([A-Z]+\))?$"
)


def _name_after_description(segments: list[str]) -> str | None:
    """ "That union, the Clerical Staff Guild, said": a description the appositive names is the name."""
    if len(segments) != 3 or segments[2].strip():
        return None
    description, name = segments[0].strip(), segments[1].strip()
    if _DESCRIPTION.match(description) and _APPOSITIVE_NAME.match(name):
        return name
    return None


def _named_after_title(np: str, rest: str) -> str | None:
    """ "came under fire from the town's MP, Ann Roe, who ...", "according to the firm's chief executive,
    Ian Hale.": a holder given by title, then named in an appositive, is the named person."""
    named = re.match(r"\s*,\s*(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s*(?:[,.!?]|$)", rest)
    if named and is_title(re.sub(r"^(?:the|a|an)\s+", "", np.strip())):
        return named.group("name")
    return None


def is_title(segment: str) -> bool:
    """A job title standing alone: capitalised words (or an owner's possessive) ending in a role noun,
    "Fenwick Group Operations Director", "UNIFI's General Secretary", "the council's press officer"."""
    words = segment.strip().split()
    if (
        not words
        or len(words) > 7
        or not re.fullmatch(r"(?:" + _ROLE_WORDS + r"|secretary|organiser|organizer)", words[-1], re.I)
    ):
        return False
    return all(
        w[:1].isupper() or w in ("of", "for", "and", "the", "&") or re.search(r"['’]s$", w) or w.lower() in _TITLE_LOWER
        for w in words[:-1]
    )


_TITLE_LOWER = frozenset(
    "press general national regional branch senior deputy chief executive communications finance operations"
    " operating managing technical sales marketing personnel".split()
)

_ROLE_WORDS = (
    r"chairman|chairwoman|chair|president|secretary|director|chief|head|leader|minister|spokesman|spokeswoman|"
    r"spokesperson|analyst|economist|founder|manager|officer|executive|official|organiser|convenor|adviser|"
    r"MP|MEP|councillor|mayor|senator|governor"
)


def leading_subject(sentence: str) -> str | None:
    """The noun phrase that opens a sentence ("PCS has ..., and claimed" -> "PCS")."""
    text = _LEADING.sub("", sentence.strip())
    match = _LEADING_NP.match(text)
    return match.group("np").strip() if match else None


def _drop_dashes(text: str) -> str:
    """Remove a parenthetical between dashes (" – the electronic goods specialist – ")."""
    return re.sub(r"\s[–—-]\s[^–—]*?\s[–—-]\s", " ", text)


def subject_from_prefix(prefix: str, sentence: str) -> str | None:
    """The subject of a reporting verb from the text before it, or None.

    Appositives ("Stephen Kelly, chief operating officer of ...,") and relative
    clauses ("Steria, which owns ...") are skipped back over; a verb whose
    clause is a bare relative ("..., who said ...") has no subject here,
    because its claim sits inside someone else's sentence.
    """
    prefix_raw = prefix
    prefix = _strip_aux(_drop_dashes(prefix).rstrip())
    segments = _split_commas(prefix)
    last = segments[-1]
    if last.strip() and _RELATIVE_ONLY.match(last):
        return None
    if re.search(r"\b(?:that|who|which|whom|whose|to|of|for|by|with|from)\s*$", last):
        return None
    coordinated_verb = re.match(r"\w+ed\b|\w+\s+that\b", sentence[len(prefix_raw) :]) is not None
    if (len(segments) > 1 and _COORDINATION.match(last)) or (
        coordinated_verb
        and re.search(r"\s(?:and|but)\s*$", last)
        and len(last.split()) > 3
        and not _NAME_LIST_END.search(last)
    ):  # "X has opened a centre and pledged ...": the coordinated verb shares the sentence's subject
        return leading_subject(sentence)
    if MASK in last:
        segments[-1] = last = last.split(MASK)[-1]
    if ":" in last:  # "CRITICISM FROM BIG COMPANIES: Kerry predicted": the subject follows the colon
        segments[-1] = last = last.rsplit(":", 1)[1]
    named = name_before_appositive(segments) or _name_after_description(segments)
    if named:
        return named
    if len(segments) > 1 and _NAME_LIST_END.fullmatch(last):  # "IBM, Barclays and Aviva said": the first named
        first = re.search(r"(?P<np>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)*)\s*$", segments[-2])
        if first and MASK not in segments[-2]:
            return first.group("np")
    frame = re.fullmatch(r"\s*(?:which|that)\s+(?P<np>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)*)\s*", last)
    if frame:  # "the changes, which Aviva said would help": a thin frame around Aviva's claim
        return frame.group("np")
    appositive_role = len(segments) > 1 and _ROLE_HEAD.match(last.strip()) and len(last.split()) <= 8
    if last.strip() and not _RELATIVE.match(last) and not appositive_role:
        candidates = [last]  # the subject is right before the verb
    else:
        candidates = list(reversed(segments[:-1]))  # skip back over appositives and relative clauses
    for position, segment in enumerate(candidates):
        if MASK in segment:
            return None
        if position > 0 or segment is not last:
            if _is_appositive(segment) and segment is not segments[0]:
                following = candidates[position + 1] if position + 1 < len(candidates) else ""
                if not (_DESCRIBED_ORG.fullmatch(segment.strip()) and len(following.split()) > 8):
                    continue  # else "<a clause>, the union, which ..., said": the described org is the subject
        candidate = _strip_aux(_LEADING.sub("", segment.strip()))
        if not candidate or _ADVERBIAL_SEGMENT.match(candidate):
            return None
        if " – " in candidate or " — " in candidate:  # "... a growing impact – 26 per cent of respondents"
            candidate = re.split(r"\s[–—]\s", candidate)[-1]
        tail = _CLAUSE_TAIL.search(candidate)
        if tail:
            return tail.group("np")
        if len(candidate.split()) > 14:
            return None
        return candidate
    return None


def _np_after(text: str) -> str | None:
    match = _NP_AFTER.match(text)
    if not match:
        return None
    np = re.sub(r"\s*\(\d+\)", "", match.group("np").strip())  # "Osman (23)"
    np = re.split(r"\s+(?:in a|on \w+day|yesterday|today|last|this|who|which|when|at the|during)\b", np)[0]
    return np.strip() or None


#: "told staff of the plan", "told workers about the closure": a listener, then a thing, no clause.
_TOLD_OF = re.compile(
    r"^\s+(?:(?!(?:when|as|after|asked)\b)[\w'’-]+\s+){1,3}?(?:of|about)\s+(?:the|its|their|his|her|a|an|this|these)\b"
    r"(?![^.;]*\b(?:that|will|would|could|was|were|is|are|had|has)\b)"
)
#: A finite auxiliary: the words after "said" are a reported clause, not the speaker's name.
_FINITE = re.compile(r"\b(?:will|would|was|were|is|are|had|has|have|could|should|must|may|might|can|did)\b")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|be|is|are|as)\s+(?:\w+ly\s+)?$")
_AFTER_ADJUNCT = r"(?:\s+(?:in|on|at|during|to|after|before|yesterday|today|last|this|earlier|when|while)\b[^§]*)?"
_QUOTED_AS = re.compile(r"\bquoted (?P<np>him|her|them|[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*) as saying\b")
_FOR_X = re.compile(r"^(?:But |And )?For (?P<np>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*),")
_ORDER = {
    "quote-verb-subject": 0,
    "quote-subject-verb": 1,
    "quoted-as-saying": 1,
    "inserted": 2,
    "trailing": 2,
    "subject-verb": 3,
    "according-to": 4,
    "by-agent": 4,
    "headline": 5,
    "for-x": 5,
}


#: Verbs that carry a statement only with a clause ("confirmed (that) it will ..."), not a noun object.
_ACTION_WITH_OBJECT = frozenset(
    "confirm confirms confirmed confirming announced announces unveiled reported reports".split()
)  # "X reported pre-tax profits of ..." is a result, "X reported that ..." a statement
_CLAUSE_FOLLOWS = re.compile(
    rf"^\s*(?:(?:yesterday|today|on \w+day|last \w+|this \w+|earlier|later|publicly)\s*)?"
    rf"(?:that\b|{MASK}|[:,]|[.!?]?\s*$|(?:it|he|she|they|we|there|this)\b"
    r"|(?:[\w'’-]+\s+){0,6}?(?:will|would|is|are|was|were|has|had|have|could|may|might|can|must|should)\b)",
    re.IGNORECASE,
)


_THERE_REPORTS = re.compile(
    r"^\s*(?:(?:But|And|Meanwhile|However),?\s+)?(?P<verb>[Tt]here (?:were|are|have been|had been)"
    r"(?:\s+(?:also|widespread|unconfirmed|press|media|news))*\s+reports)\s+(?:that|of)\b"
)
_COLON = re.compile(rf"^\s*(?P<np>[A-Z][^{MASK}:;]{{2,160}}?)\s*:\s*{MASK}")


_ACT_NOUNS = r"veto|decision|order|ruling|pen|signature|intervention|campaign|opposition"


#: The rest of an organisation's name after an inner "and": capitalised words up to its head or short form.
_NAME_GOES_ON = re.compile(
    r"(?:[A-Z][\w'’-]*\s+)*?[A-Z][\w'’-]*\s+(?:\([A-Z][A-Za-z&]{1,9}\)|(?:Union|Association|Federation|Guild)\b)"
)


def _agent_np(np: str) -> str | None:
    """The holder phrase after "by"/"from", cut before a clause that follows it (never inside brackets)."""
    np = np.strip()
    owner = re.match(rf"(?P<owner>.*?[A-Z][\w.-]*)['’]s\s+(?:[a-z-]+\s+)?(?:{_ACT_NOUNS})\b", np)
    if owner:  # "killed by Gov. Rita Solano's veto": the owner of the act holds the position
        np = owner.group("owner")
    depth, cut = 0, len(np)
    for match in re.finditer(
        r"[()]|\s+(?:and|who|which|over|about|after|because|when|while|on|in|at|for|to|that|"
        r"including|as)\s+|\s+of\s+(?=\w+ing\b)",
        np,
    ):
        token = match.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            if (
                match.group().strip() == "and"
                and _NAME_GOES_ON.match(np[match.end() :])
                and re.search(r"\b[A-Z][\w'’-]*$", np[: match.start()])
            ):
                continue  # "the Communication and Transport Union (CTU)": "and" inside one name
            cut = match.start()
            break
    return np[:cut].strip() or None


def is_headline(text: str) -> bool:
    """A headline or subheading: short and without a sentence's final punctuation."""
    stripped = text.strip().rstrip("\"”’'")
    return bool(stripped) and stripped[-1] not in ".!?:;," and len(stripped.split()) <= 16


_FEELINGS = r"disappointed|angry|furious|dismayed|outraged|concerned|worried|relieved|delighted|pleased|upset"


def _headline_cue(text: str, m: str) -> Cue | None:
    """ "Unions vow to fight ...", "Minister defends outsourcing": the headline's subject holds the position."""
    if not is_headline(text):
        return None
    colon = re.match(r"^(?P<np>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3}):\s+\S", m)
    if colon:  # "Kellerman: Demand will keep growing": the headline gives the source's claim
        return Cue("headline", colon.group("np"), ":", *colon.span("np"))
    feeling = re.match(rf"^(?P<np>[A-Z][\w'’-]*(?:\s+[\w'’-]+){{0,3}}?)\s+(?P<verb>{_FEELINGS})\b", m)
    if feeling:  # "Union disappointed": a sub-heading that gives a holder's reaction
        return Cue("headline", feeling.group("np"), feeling.group("verb"), *feeling.span("np"))
    words = [w for w in m.split() if w[:1].isalpha()]
    title_case = len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)
    verb = (_HEADLINE_VERB_TITLE_RE if title_case else _HEADLINE_VERB_RE).search(m)
    if verb is None or MASK in m[: verb.start()]:
        return None
    subject = m[: verb.start()].strip(" ,:-–—")
    if not subject or len(subject.split()) > 6:
        return None
    first = re.split(r"\s*,\s*|\s+and\s+", subject)[0]  # "Trump, Pence praise ..." -> Trump
    return Cue("headline", first, verb.group("verb"), verb.start(), verb.end())


def find_cues(text: str) -> list[Cue]:
    """All attribution cues of a sentence, best first (see the module docstring)."""
    m = masked(text)
    m = re.sub(r"(?<=[a-z])-(?=(?:said|says|told|added)\b)", " ", m)  # glued in real text: "spokeswoman-said"
    cues: list[Cue] = []
    colon = _COLON.match(m)
    if colon and not _VERB_RE.search(
        colon.group("np")
    ):  # "X told the FT: ..." is the verb's cue  # 'Ana Hill, chief executive of X: "..."'
        segments = [*_split_commas(colon.group("np")), ""]
        subject = name_before_appositive(segments) or (
            colon.group("np") if len(colon.group("np").split()) <= 6 else None
        )
        if subject:
            cues.append(Cue("subject-verb", subject.strip(), ":", *colon.span("np")))
    reports = _THERE_REPORTS.match(m)
    if reports:  # "There were reports that ...": the claim is the press's
        cues.append(Cue("subject-verb", "press reports", reports.group("verb"), *reports.span("verb")))
    for match in _VERB_RE.finditer(m):
        verb = match.group("verb")
        start, end = match.span("verb")
        before, after = m[:start], m[end:]
        statement = "statement" in verb.lower()
        if re.search(r"\b(?:not|never|n't)\s+$", before):
            continue  # "did not respond", "has never said": no words to attribute
        if _PASSIVE.search(before) and re.match(r"\w+(?:ed|en|wn|ld|ht|od)\b", verb):
            continue  # passive: "as revealed by", "it is believed that"
        if verb.lower() in _ACTION_WITH_OBJECT and not _CLAUSE_FOLLOWS.match(after):
            continue  # "X confirmed the job losses" reports an action; "X confirmed it will close ..." a statement
        if verb.lower() in _POSITION_SET and re.match(r"\s*\d", after):
            continue  # "X vetoed 31 bills and signed 52": a count of acts, no position
        listener = verb.lower() in ("tell", "tells", "told", "telling")  # '"...," told Finans' names the listener
        if listener and MASK not in m and _TOLD_OF.match(after):
            continue  # "X told staff of the plan": informing someone of a thing is an action with no words
        if not listener and re.search(rf"{MASK}\s*[,.!?–—-]?\s*$", before):
            subject = _np_after(after)
            if subject:
                cues.append(Cue("quote-verb-subject", subject, verb, start, end, statement))
                continue
        participle = re.match(r"\w+ing\b", verb) is not None  # "..., saying ...", "..., calling on ..."
        if (
            not listener
            and not participle
            and re.search(r",\s*$", before)
            and re.fullmatch(r"\s*[^,;:§]+(?:,[^,;:§]+,?)?\s*[.!?]?\s*", after)
        ):
            subject = _np_after(after)  # "..., said Mark Smith, director at X."
            if subject and _FINITE.search(after.split(",")[0]):
                subject = None  # "Ann Roe, the firm's chief, said staff would ...": a clause, no inverted name
            titled = re.fullmatch(
                r"\s*([^,]+),\s*(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s*[.!?]?\s*", after
            )
            if subject and titled and is_title(re.sub(r"^(?:the|a|an)\s+", "", subject)):
                subject = titled.group("name")  # "..., said the council's press officer, Helen Marsh."
            if subject:
                cues.append(Cue("quote-verb-subject", subject, verb, start, end, statement))
        inverted = re.search(
            rf"{MASK}\s*[,.!?–—-]?\s*(?P<np>[^{MASK},;:]{{1,80}}?)\s*$",
            _strip_aux(before.rstrip()),
        )
        after_quote = re.search(
            rf"{MASK}\s*[,.!?–—-]?\s*(?P<tail>[^{MASK};:]{{1,160}}?),?\s*$", _strip_aux(before.rstrip())
        )
        named = name_before_appositive([*_split_commas(after_quote.group("tail")), ""]) if after_quote else None
        if named:  # '"...," Kent Petersen, the chairman of the union, told Finans.'
            cues.append(Cue("quote-subject-verb", named, verb, start, end, statement))
            continue
        if inverted and inverted.group("np").strip():
            cues.append(Cue("quote-subject-verb", inverted.group("np").strip(), verb, start, end, statement))
            continue
        inserted = re.search(r",\s*(?P<np>[^,]{1,40}?)\s*$", _strip_aux(before.rstrip()))
        if inserted and re.match(r"\s*,", after):
            cues.append(Cue("inserted", inserted.group("np").strip(), verb, start, end, statement))
        if MASK not in after and (
            re.fullmatch(rf"{_AFTER_ADJUNCT}\s*[.!?]?\s*", after) or re.match(r"\s*,\s*(?:adding|saying)\b", after)
        ):  # "..., the union said." / "..., the union said, adding that ..."
            trailing = re.search(r",\s*(?P<np>[^,]{1,80}?)\s*$", _strip_aux(before.rstrip()))
            if trailing:
                cues.append(Cue("trailing", trailing.group("np").strip(), verb, start, end, statement))
                continue
        subject = subject_from_prefix(before, m)
        if participle and re.search(r"\w,\s*$", before) and MASK not in before:
            subject = leading_subject(m)  # "The bank hit back at the figures, saying ...": the main subject
        if subject and verb.lower() in ("describe", "describes", "described", "defend", "defends", "defended"):
            if not re.match(r"\s*(?:it|this|the|them|him|her|as|job|jobs|outsourcing|offshoring)\b", after):
                continue
        if subject:
            cues.append(Cue("subject-verb", subject, verb, start, end, statement))
    for match in _DOC_VERB_RE.finditer(m):
        subject = subject_from_prefix(m[: match.start()], m)
        if subject and _DOCUMENT.search(subject):
            cues.append(Cue("subject-verb", subject, match.group("verb"), *match.span("verb")))
    holder_frames = (_BY_AGENT, _FROM_AGENT, _EXPERIENCER, _AMONG_HOLDERS)
    for agent in (match for frame in holder_frames for match in frame.finditer(m)):
        np = _agent_np(agent.group("np"))
        if np and np == agent.group("np").strip():
            np = _named_after_title(np, m[agent.end("np") :]) or np
        if np:
            cues.append(Cue("by-agent", np, " ".join(agent.group("verb").split()), *agent.span("np")))
    headline = _headline_cue(text, m)
    if headline is not None:
        cues.append(headline)
    passive_quote = re.search(r"\b(?:was|were|is|being)\s+quoted\b(?:\s+by\s+[^§,;]+?)?\s+as\s+saying\b", m)
    if passive_quote:  # '"...," X was quoted by the Courier as saying': X speaks
        inverted = re.search(rf"{MASK}\s*[,.!?–—-]?\s*(?P<np>[^{MASK},;:]{{1,80}}?)\s*$", m[: passive_quote.start()])
        subject = inverted.group("np") if inverted else subject_from_prefix(m[: passive_quote.start()], m)
        if subject:
            cues.append(Cue("quoted-as-saying", subject.strip(), "was quoted as saying", *passive_quote.span()))
    quoted = _QUOTED_AS.search(m)
    if quoted:
        cues.append(Cue("quoted-as-saying", quoted.group("np"), "quoted ... as saying", *quoted.span()))
    according = re.search(r"\baccording to (?P<np>[^,;:§]+)", m, re.IGNORECASE)
    if according:
        np = according.group("np").strip().rstrip(".!?")
        if np[:1].islower() and len(np.split()) > 3:  # "according to press reports the UK's Barclays Bank is ..."
            np = re.split(r"\s+(?=(?:the|a|an)\s)", np, maxsplit=1)[0]
        np = _named_after_title(np, m[according.end("np") :]) or np
        cues.append(Cue("according-to", np, "according to", according.start(), according.end("np")))
    for_x = _FOR_X.match(m)
    if for_x:
        cues.append(Cue("for-x", for_x.group("np"), "for X,", *for_x.span("np")))
    leading = re.match(r"^\s*(?:(?:But|And|However|Meanwhile),?\s+)?According to\b", m)
    if leading and any(c.rule == "according-to" for c in cues):
        # "According to X, a survey showed ...": X relays the document it cites; an inner speaker
        # ("According to a report, Cameron told ...") and a trailing frame ("..., the union said") still win
        cues = [c for c in cues if not (c.rule == "subject-verb" and _DOCUMENT.search(c.subject))]
    return sorted(cues, key=lambda c: (_ORDER[c.rule], c.start))
