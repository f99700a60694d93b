"""Subject phrases -> sources: the table of rules that reads "the union", "A DWP spokesman", "she".

:func:`parse_subject` tries :data:`SUBJECT_RULES` in order; the first rule
that recognises the phrase decides. A rule returns a :class:`Mention` (an
entity, or a back-reference the finder resolves with what it has read so
far), :data:`NOT_A_SOURCE` to stop (the phrase is recognisably no source), or
None to pass the phrase on. Scan the table to see what the finder does with
a subject; each rule's function says why in its docstring.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stance.speakers.cues import _DOCUMENT
from stance.speakers.names import (
    GENERIC_ORG_NOUNS,
    GOVERNMENT,
    NOT_ORG_ACRONYMS,
    ORGANISATION,
    OTHER,
    PERSON,
    ROLE_WORDS,
    UNION,
    Entity,
    EntityBook,
    clean_spaces,
    looks_like_org,
)

_PRONOUN_PERSON = {"he", "she", "him", "her"}
_PRONOUN_ORG = {"it", "they"}
_FIRST_PERSON = {"we", "i", "us"}
_UNNAMED = (
    r"(?:spokes(?:man|woman|person)|representative|official|insider|source|employee|worker|member of staff"
    r"|staff member)"
)
_DET = r"(?:(?:a|an|the|one|two|several|some)\s+)?"
_SPOKES_BEFORE = re.compile(rf"^{_DET}(?P<org>.+?)\s+{_UNNAMED}s?$", re.IGNORECASE)
_SPOKES_AFTER = re.compile(
    rf"^{_DET}(?:[\w-]+\s+)?{_UNNAMED}s?\s+(?:for|of|at|from|with)\s+(?P<org>.+)$", re.IGNORECASE
)
_UNNAMED_ALONE = re.compile(rf"^{_DET}(?:[a-z-]+\s+)?(?P<noun>{_UNNAMED}|staff|employees|workers)s?$", re.IGNORECASE)
#: Unnamed groups that are sources in their own right: labelled with the phrase itself
#: ("critics of the plan" -> critics), or with the label scheme's name for them (GROUP_NAMES).
_GROUP_SOURCE = re.compile(
    r"^(?:the\s+|some\s+|many\s+|other\s+|several\s+)?(?:(?:U\.S\.|US|UK|British|American|Australian|Indian)\s+)?"
    r"(?P<group>(?:[a-z-]+\s+)?(?:experts|analysts|critics|detractors|"
    r"observers|economists|campaigners|commentators|groups|unions|reports|officials|insiders|executives|employers|"
    r"businesses|ministers|politicians|lawmakers|industry|sources|opponents|supporters|customers|Republicans|"
    r"Democrats|banks|companies|firms|leaders|bosses|chiefs))(?:\s+(?:of|from|in|at|privy to|close to)\s+.+)?$",
    re.IGNORECASE,
)
#: Professionals quoted through their employer: "analysts at Fenwick Research" speak for the firm.
_PROS_AT = re.compile(
    r"^(?i:(?:the\s+|some\s+|two\s+|three\s+)?(?:[a-z-]+\s+)?(?:analysts|economists|researchers|strategists|consultants)"
    r"\s+(?:at|with))\s+(?:the\s+)?(?P<org>[A-Z][\w&'’.-]*(?:\s+(?:(?:of|and|for|&)\s+)?[A-Z][\w&'’.-]*)*)$"
)
GROUP_NAMES = {"unions": "trade unions", "reports": "press reports", "media reports": "press reports"}
_RESPONDENTS = re.compile(r"\b(?:respondents|per cent|percent|%|of those (?:polled|surveyed|asked))", re.IGNORECASE)
_DEMONYMS = {
    "india": "Indian",
    "us": "US",
    "u.s.": "US",
    "america": "US",
    "china": "Chinese",
    "france": "French",
    "uk": "UK",
    "britain": "UK",
    "british": "UK",
    "australia": "Australian",
    "australian": "Australian",
    "ireland": "Irish",
    "irish": "Irish",
    "germany": "German",
    "german": "German",
    "canada": "Canadian",
    "canadian": "Canadian",
    "japan": "Japanese",
    "japanese": "Japanese",
    "indian": "Indian",
    "french": "French",
    "chinese": "Chinese",
}
#: Nationality adjectives that describe rather than name ("the Australian telecommunications company").
_NATIONALITY = frozenset(
    """
    australian irish indian american british french german chinese japanese canadian scottish welsh english european
    dutch swedish danish finnish norwegian spanish italian filipino mexican korean asian african polish
    """.split()
)
_GENERIC_NOUNS = "|".join(sorted(GENERIC_ORG_NOUNS, key=len, reverse=True))
#: "the union", "a trade union", "the French company"; or a bare headline noun ("Department denies ...").
_GENERIC = re.compile(
    rf"^(?:(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[A-Z][\w.]*['’]s)\s+(?:[\w'’-]+\s+){{0,3}}?(?P<noun>{_GENERIC_NOUNS})"
    rf"|(?P<bare>(?i:{_GENERIC_NOUNS})))$"
)
_GENERIC_PERSON = re.compile(
    r"^(?:(?:the|a|[A-Z][\w.]*['’]s)\s+)?(?:[\w-]+\s+){0,2}(?P<role>minister|adviser|advisor|analyst|economist|chairman|"
    r"chairwoman|president|secretary|director|executive|boss|chief|leader|official|head|governor|senator|mayor|premier)"
    r"(?:\s+of\s+.+)?$",
    re.IGNORECASE,
)
_STAFF_OF = re.compile(
    r"^(?:the\s+)?(?:[\w-]+\s+)?(?i:workers|staff|employees)\s+(?:at|of|from)\s+(?:(?:the|a|an|[a-z-]+)\s+)*"
    r"(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)*)$"
)
#: "Staff at the Leeds centre", "workers at its Derby plant": a workplace, not a name; the employer is the
#: article's company.
_STAFF_AT_SITE = re.compile(
    r"^(?:the\s+)?(?:[\w-]+\s+)?(?i:workers|staff|employees)\s+(?:at|in|from)\s+(?:the|its|their)\s+"
    r"(?:[A-Z][\w'’-]*\s+){0,3}(?:[a-z-]+\s+)?(?:centre|center|site|office|plant|factory|branch|depot|warehouse)s?$"
)
#: "UCSF administrators", "Amicus officials": people speaking for a named organisation.
_ORG_PEOPLE = re.compile(
    r"^(?:the\s+)?(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)*)\s+(?:officials|administrators|executives|management|"
    r"bosses|chiefs|officers|representatives|negotiators|members)$"
)
_NAME_TAIL = re.compile(
    r"(?P<tail>(?:[A-Z][\w&'’.-]*|\([A-Z][A-Za-z]+\))(?:\s+(?:[A-Z][\w&'’.-]*|\([A-Z][A-Za-z]+\)|and|of|for|&))*"
    r"(?:\s+(?:union|Union))?)$"
)
_ABBR_IN = re.compile(r"\((?P<abbr>[A-Z][A-Za-z&]{1,9})\)")


_LEADING_NAME = re.compile(
    r"(?:(?:the|a|an)\s+)?(?:[A-Z][\w&'’.-]*|\([A-Z]+\))(?:\s+(?:[A-Z][\w&'’.-]*|\([A-Z]+\)|and|of|for|&))*"
)


@dataclass
class Mention:
    """A resolved subject: a known entity, or a back-reference to look up."""

    kind: str  # "entity", "back-person", "back-org", "back-any", "back-document", "author"
    entity: Entity | None = None
    org_kind: str = ""
    gender: str = ""  # "f"/"m" for "she"/"he"; for a spokesperson the voice the organisation spoke with
    noun: str = ""  # the generic noun of "the bank", "the council"
    rule: str = ""  # the subject rule that recognised it


#: A rule's answer that the phrase is recognisably not a source: stop trying rules.
NOT_A_SOURCE = Mention("none")


def _voice(phrase: str) -> str:
    """The gender an unnamed spokesperson gives the organisation's voice ("any" when unsaid)."""
    if re.search(r"spokeswoman", phrase, re.I):
        return "f"
    return "m" if re.search(r"spokesman", phrase, re.I) else "any"


def _org(name: str, book: EntityBook) -> Mention:
    return Mention("entity", Entity(name, ORGANISATION, book.kind(name)))


def administration(phrase: str, book: EntityBook) -> Mention | None:
    """ "Gov. Ellen Marsh's administration" -> Marsh administration; "administration officials" -> the
    administration of the governor (or president) the article names."""
    own = re.match(r"^(?:[A-Z][\w.]*\s+)*(?P<surname>[A-Z][\w'’-]+)['’]s\s+administration\b", phrase)
    if own:
        return _org(f"{own.group('surname')} administration", book)
    if re.fullmatch(r"(?:the\s+)?(?:state\s+)?administration(?:\s+(?:officials|spokes\w+|aides))?", phrase, re.I):
        name = book.administration()
        return _org(name, book) if name else None
    return None


def pronoun(phrase: str, book: EntityBook) -> Mention | None:
    """he/she: the last fitting person (by gender); it: the last organisation; they: the last source."""
    lower = phrase.lower()
    if lower in _PRONOUN_PERSON:
        return Mention("back-person", gender="f" if lower in ("she", "her") else "m")
    if lower in _PRONOUN_ORG:
        return Mention("back-org" if lower == "it" else "back-any")
    return None


def first_person(phrase: str, book: EntityBook) -> Mention | None:
    """ "we"/"I" outside a quotation is the journalist writing."""
    return Mention("author") if phrase.lower() in _FIRST_PERSON else None


def respondents(phrase: str, book: EntityBook) -> Mention | None:
    """ "26 per cent of respondents": a survey's respondents speak through the survey."""
    return Mention("back-document") if _RESPONDENTS.search(phrase) else None


def group(phrase: str, book: EntityBook) -> Mention | None:
    """Unnamed groups ("critics", "experts", "US customers"): the phrase itself, or the scheme's name
    ("unions" -> trade unions); "union leaders" are the union the article names."""
    match = _GROUP_SOURCE.match(phrase)
    if not match or re.search(
        r"\b(?:company|firm|bank)\s+(?:officials|executives|sources)$", match.group("group"), re.I
    ):
        return None
    words = match.group("group").split()
    name = " ".join(w if w.lower() in ("republicans", "democrats") else w.lower() for w in words)
    name = re.sub(r"^aussie\b", "Australian", name)  # informal demonyms are normalised
    if name.split()[0] in ("union", "trade") and name.split()[-1] != "unions":
        return Mention("back-org", org_kind=UNION)
    return Mention("entity", Entity(GROUP_NAMES.get(name, name), ORGANISATION, OTHER))


def professionals_at(phrase: str, book: EntityBook) -> Mention | None:
    """ "Analysts at Fenwick Research": unnamed members of a named firm speak for it, as a spokesperson
    does (GUIDELINES "Canonical names"); employees who speak as employees are `staff_of`. The name after
    "at" is an employer by construction, even when its shape ("Fenwick Research") could be a person's."""
    match = _PROS_AT.match(phrase)
    if not match:
        return None
    return _org(book.organisation(match.group("org")), book)


def unnamed_source(phrase: str, book: EntityBook) -> Mention | None:
    """ "a source", "one insider": an unnamed person."""
    if re.fullmatch(r"(?:a|an|one)\s+(?:[a-z-]+\s+)?(?:source|insider)", phrase.lower()):
        return Mention("entity", Entity("unnamed source", PERSON))
    return None


def national_government(phrase: str, book: EntityBook) -> Mention | None:
    """ "India's government", "the US government": the government with its country."""
    match = re.fullmatch(r"(?:the\s+)?(?P<country>[A-Z][\w.]*?)(?:['’]s)?\s+(?:government|govt\.?)", phrase)
    if match and match.group("country").lower() in _DEMONYMS:
        name = f"{_DEMONYMS[match.group('country').lower()]} government"
        return Mention("entity", Entity(name, ORGANISATION, GOVERNMENT))
    return None


def document(phrase: str, book: EntityBook) -> Mention | None:
    """A document speaks for its author: "The DWP document" -> DWP; "a new report" -> the author the
    article names for it; "industry data" -> itself."""
    if not _DOCUMENT.search(phrase):
        return None
    abbr = _ABBR_IN.search(phrase)
    owner = re.match(r"^(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)['’]s\s", phrase)
    if owner and book.person(owner.group("name")) in book.persons:  # "Brandt's executive order"
        return Mention("entity", Entity(book.person(owner.group("name")) or "", PERSON))
    for m in re.finditer(r"\b[A-Z][\w&'’-]*(?:\s+(?:(?:of|and|for|&)\s+)?[A-Z][\w&'’-]*)*", phrase):
        word = m.group()
        if word.lower() in ("the", "a", "an", "in", "according") or word.lower() in ROLE_WORDS:
            continue
        if m.start() == 0 and re.search(rf"\b{re.escape(word.lower())}\b", book.text):
            continue  # "Internal documents": a common word capitalised at the start, not a name
        return _org(abbr.group("abbr") if abbr else book.organisation(word), book)
    if re.fullmatch(r"(?:[a-z-]+\s+)?(?:data|figures)", phrase):
        return Mention("entity", Entity(phrase, ORGANISATION, OTHER))
    if len(phrase.split()) <= 5:
        return Mention("back-document")
    return NOT_A_SOURCE


def staff_of(phrase: str, book: EntityBook) -> Mention | None:
    """ "Workers at telecoms firm TalkTalk": the scheme's "<organisation> staff"."""
    match = _STAFF_OF.match(phrase)
    if match:
        return Mention("entity", Entity(f"{book.organisation(match.group('org'))} staff", ORGANISATION, OTHER))
    if _STAFF_AT_SITE.match(phrase):  # "Staff at the Leeds centre": the employer the article is about
        return Mention("back-org", org_kind="staff")
    return None


def long_form(phrase: str, book: EntityBook) -> Mention | None:
    """ "trade body Nasscom (National Association of ...)": the short name its long form defines."""
    match = re.search(r"\((?P<long>[A-Z][^)]{6,})\)$", phrase)
    if match and match.group("long").lower() in book.abbreviations:
        return _org(book.abbreviations[match.group("long").lower()], book)
    return None


def org_people(phrase: str, book: EntityBook) -> Mention | None:
    """ "UCSF administrators", "Amicus officials": people speaking for a named organisation."""
    match = _ORG_PEOPLE.match(phrase)
    if match and not _GROUP_SOURCE.match(phrase):
        return _org(book.organisation(match.group("org")), book)
    return None


def spokesperson(phrase: str, book: EntityBook) -> Mention | None:
    """ "A DWP spokesman", "a spokeswoman for the insurance giant": the organisation, with the voice's
    gender (so a later "she said" can find it)."""
    match = _SPOKES_AFTER.match(phrase) or _SPOKES_BEFORE.match(phrase)
    if not match or match.group("org").lower() in ("a", "an", "the", "one", "senior", "a senior"):
        return None
    org = match.group("org")
    if not re.search(r"[A-Z]", org):
        inner = parse_subject(org, book)
        if inner is not None and inner.kind == "back-org":
            return Mention("back-org", org_kind=inner.org_kind, noun=inner.noun, gender=_voice(phrase))
        return None
    name = _LEADING_NAME.match(org)
    entity = Entity(book.organisation(name.group() if name else org), ORGANISATION)
    entity.kind = book.kind(entity.name)
    return Mention("entity", entity, gender=_voice(phrase))


def unnamed(phrase: str, book: EntityBook) -> Mention | None:
    """ "A spokeswoman", "an official": the article's main organisation; "staff" its staff."""
    match = _UNNAMED_ALONE.match(phrase)
    if not match:
        return None
    if re.match(r"(?:staff|employee|worker)", match.group("noun"), re.IGNORECASE):
        return Mention("back-org", org_kind="staff")
    return Mention("back-org", org_kind="salient", gender=_voice(phrase))


_BARE_DESCRIPTION = re.compile(rf"^(?P<mods>[A-Z][a-z-]+(?:\s+[a-z-]+){{0,2}})\s+(?P<noun>{_GENERIC_NOUNS})$")


def described_org(phrase: str, book: EntityBook) -> Mention | None:
    """A headline's "Pensions agency", "Teachers union": the organisation the body names whose long name
    holds those words (the Pensions and Benefits Agency (PBA))."""
    match = _BARE_DESCRIPTION.match(phrase)
    if not match:
        return None
    described = book.described(match.group("mods").split(), match.group("noun"))
    return _org(described, book) if described else None


def generic_org(phrase: str, book: EntityBook) -> Mention | None:
    """ "the union", "The UK's third biggest bank": the last organisation of that kind (see the finder)."""
    match = _GENERIC.match(phrase)
    if not match:
        return None
    noun = (match.group("noun") or match.group("bare")).lower()
    modifiers = phrase[: match.start("noun")].split()[1:] if match.group("noun") else []
    if any(
        w[0].isupper()
        and not re.search(r"['’]s$", w)
        and w.lower() not in ROLE_WORDS
        and w.lower() not in _NATIONALITY
        and w not in NOT_ORG_ACRONYMS  # "India's IT lobby"
        and not re.search(r"-(?:based|headquartered|owned)$", w)  # "a Leeds-based union"
        for w in modifiers
    ):
        return None  # "The Amberley union" is a name, not a back-reference
    if "of" in modifiers:
        return None  # "The head of the bank" is a person
    kind = GENERIC_ORG_NOUNS[noun]
    if kind == GOVERNMENT and not re.search(r"\b(?:Indian|US|American|foreign)\b", phrase, re.IGNORECASE):
        return Mention("entity", Entity("government", ORGANISATION, GOVERNMENT))
    return Mention("back-org", org_kind=kind, noun=noun)


def generic_person(phrase: str, book: EntityBook) -> Mention | None:
    """ "the minister", "The head of the bank": the last fitting person."""
    match = _GENERIC_PERSON.match(phrase)
    return Mention("back-person", noun=match.group("role").lower()) if match else None


def first_of_pair(phrase: str, book: EntityBook) -> Mention | None:
    """ "Trump and Vice President-elect Mike Pence": a joint holder is the first named."""
    match = re.fullmatch(r"(?P<first>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})\s+and\s+.+", phrase)
    if match and book.person(match.group("first")) in book.persons:
        return Mention("entity", Entity(book.person(match.group("first")) or "", PERSON))
    return None


def abbreviation(phrase: str, book: EntityBook) -> Mention | None:
    """ "the Public and Commercial Services (PCS) union": the short name in brackets."""
    match = _ABBR_IN.search(phrase)
    return _org(match.group("abbr"), book) if match else None


def person_of_org(phrase: str, book: EntityBook) -> Mention | None:
    """ "Liane Graves of UNIFI": the person, not the organisation."""
    match = re.fullmatch(r"(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+)\s+(?:of|at|from)\s+.+", phrase)
    if match and not looks_like_org(match.group("name")):
        name = book.person(match.group("name"))
        if name and len(name.split()) >= 2:
            return Mention("entity", Entity(name, PERSON))
    return None


def name_tail(phrase: str, book: EntityBook) -> Mention | None:
    """The name that ends the phrase ("PCS general secretary Mark Serwotka", "Lloyds TSB"): a person
    when the article knows the name as one, else an organisation by its short name."""
    phrase = re.sub(r"\b(?P<name>[A-Z][\w&'’.-]*) the Union$", r"\g<name>", phrase)  # "Unite the Union"
    match = _NAME_TAIL.search(phrase)
    if not match:
        return NOT_A_SOURCE
    tail = match.group("tail")
    head = phrase[: match.start()].split()
    if any(w.lower() in ("of", "at", "from", "with", "in") for w in head):
        # "Employees at the DWP" is not the DWP
        first = re.split(r"\s+(?:of|at|from|with|in)\s+", phrase, maxsplit=1)[0]
        if first != phrase and re.fullmatch(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+", first):
            name = book.person(first)
            if name and not looks_like_org(first):
                return Mention("entity", Entity(name, PERSON))
        return NOT_A_SOURCE
    known = book.person(tail) if len(tail.split()) >= 2 else None
    if known and known in book.persons and not looks_like_org(known):  # a known person after a long title
        return Mention("entity", Entity(known, PERSON))
    if len(head) > 5 or any(w.endswith(":") for w in head):
        return NOT_A_SOURCE
    if tail.split()[0].lower() in ("the", "a", "an"):
        tail = " ".join(tail.split()[1:])
    if not tail:
        return NOT_A_SOURCE
    person = book.person(tail)
    if person and len(person.split()) >= 2 and not looks_like_org(tail):
        return Mention("entity", Entity(person, PERSON))
    name = book.organisation(tail)
    if name.lower() in ROLE_WORDS or name.lower() in ("i", "we") or name in NOT_ORG_ACRONYMS:
        return NOT_A_SOURCE
    return _org(name, book)


@dataclass(frozen=True)
class SubjectRule:
    """One row of the table: a name (shown in tests and docs) and the function that applies it."""

    name: str
    apply: Callable[[str, EntityBook], Mention | None]


#: The rules, in the order they are tried. Earlier rows are narrower.
SUBJECT_RULES: tuple[SubjectRule, ...] = (
    SubjectRule("pronoun", pronoun),
    SubjectRule("administration", administration),
    SubjectRule("first-person", first_person),
    SubjectRule("respondents", respondents),
    SubjectRule("professionals-at", professionals_at),
    SubjectRule("group", group),
    SubjectRule("unnamed-source", unnamed_source),
    SubjectRule("national-government", national_government),
    SubjectRule("document", document),
    SubjectRule("staff-of", staff_of),
    SubjectRule("long-form", long_form),
    SubjectRule("org-people", org_people),
    SubjectRule("spokesperson", spokesperson),
    SubjectRule("unnamed", unnamed),
    SubjectRule("described-org", described_org),
    SubjectRule("generic-org", generic_org),
    SubjectRule("generic-person", generic_person),
    SubjectRule("first-of-pair", first_of_pair),
    SubjectRule("abbreviation", abbreviation),
    SubjectRule("person-of-org", person_of_org),
    SubjectRule("name-tail", name_tail),
)


def parse_subject(phrase: str, book: EntityBook) -> Mention | None:
    """Turn a subject phrase into an entity or a back-reference (None: not a source)."""
    phrase = clean_spaces(phrase).strip(" -–—:;")
    phrase = re.sub(r"^(?:in a statement|in a letter|in an email)\s+", "", phrase, flags=re.IGNORECASE)
    if not phrase or "§" in phrase or re.match(r"[Tt]here\b", phrase):
        return None  # "There are fears that ...": no holder named
    for rule in SUBJECT_RULES:
        mention = rule.apply(phrase, book)
        if mention is NOT_A_SOURCE:
            return None
        if mention is not None:
            mention.rule = rule.name
            return mention
    return None
