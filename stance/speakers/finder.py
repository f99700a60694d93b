"""The speaker finder: per sentence, who speaks, how we know, and how sure.

Sentences are read in order with article-level state, the way a reader does:

1. a cue in the sentence itself (:func:`stance.speakers.cues.find_cues`)
   names a subject, which is resolved to a canonical source: a name, a
   spokesperson ("A DWP spokesman" -> ``DWP``), a document ("The DWP
   document said" -> ``DWP``), or a back-reference ("he", "it", "the union",
   "the company", a surname alone) to the last source that fits (then the
   last one named, then any named later in the article); "we" outside a
   quotation is the author; unnamed groups ("experts", "industry groups")
   are labelled with the phrase itself, unnamed staff as "<company> staff",
   survey respondents as the survey's organisation;
2. with no cue, a sentence that opens with a quotation mark right after a
   quoted source (or a statement frame such as "X sent us this statement")
   continues that source's quotation, across paragraphs;
3. a sentence with no cue that carries on an indirect claim in the
   conditional ("These firms could then ...") keeps the claim's source, with
   low confidence;
4. everything else is the author's.

Confidence is a fixed number per rule (how often the rule is right on the
pattern file), not a probability from a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from stance.schema import AUTHOR, Sentence
from stance.speakers.cues import (
    _DOCUMENT,
    _ORDER,
    Cue,
    find_cues,
    has_direct_quote,
    leading_subject,
    starts_with_quote,
)
from stance.speakers.names import (
    COMPANY,
    DEPARTMENT,
    GENERIC_ORG_NOUNS,
    GOVERNMENT,
    ORG_HEAD_NOUNS,
    ORG_WORDS,
    ORGANISATION,
    OTHER,
    PERSON,
    ROLE_WORDS,
    SEPARATOR,
    UNION,
    Entity,
    EntityBook,
    clean_spaces,
    looks_like_org,
    strip_roles,
)
from stance.splitter import quote_depths

CONFIDENCE = {
    "quote-verb-subject": 0.95,
    "quote-subject-verb": 0.95,
    "subject-verb": 0.9,
    "trailing": 0.85,
    "according-to": 0.85,
    "quoted-as-saying": 0.9,
    "inserted": 0.9,
    "for-x": 0.6,
    "by-agent": 0.8,
    "headline": 0.7,
    "quote-continues": 0.85,
    "quote-span": 0.85,
    "claim-continues": 0.5,
    "first-person": 0.8,
    "author": 0.7,
}


@dataclass(frozen=True)
class Attribution:
    """The finder's answer for one sentence.

    ``rule`` names the rule that decided (see the module docstring), ``cue``
    the words it relied on (e.g. ``said`` + "PCS general secretary Mark
    Serwotka"), so an annotator can check a suggestion at a glance.
    """

    speaker: str
    speaker_type: str
    rule: str
    cue: str
    confidence: float

    @property
    def evidence(self) -> str:
        return f"{self.rule}: {self.cue}" if self.cue else self.rule

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "evidence": self.evidence}


AUTHOR_ATTRIBUTION = Attribution(AUTHOR, AUTHOR, "author", "", CONFIDENCE["author"])

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
}
_GENERIC_NOUNS = "|".join(sorted(GENERIC_ORG_NOUNS, key=len, reverse=True))
#: "the union", "a trade union", "the French company"; or a bare headline noun ("Department denies ...").
_GENERIC = re.compile(
    rf"^(?:(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir)\s+(?:[\w'’-]+\s+){{0,3}}?(?P<noun>{_GENERIC_NOUNS})"
    rf"|(?P<bare>(?i:{_GENERIC_NOUNS})))$"
)
_GENERIC_PERSON = re.compile(
    r"^(?:the|[A-Z][\w.]*['’]s)\s+(?:[\w-]+\s+){0,2}(?:minister|adviser|advisor|analyst|economist|chairman|chairwoman|president|"
    r"secretary|director|executive|boss|chief|leader|official|head)(?:\s+of\s+.+)?$",
    re.IGNORECASE,
)
_STAFF_OF = re.compile(
    r"^(?:the\s+)?(?:[\w-]+\s+)?(?i:workers|staff|employees)\s+(?:at|of|from)\s+(?:(?:the|a|an|[a-z-]+)\s+)*"
    r"(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)*)$"
)
#: "UCSF administrators", "Amicus officials": people speaking for a named organisation.
_ORG_PEOPLE = re.compile(
    r"^(?:the\s+)?(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)*)\s+(?:officials|administrators|executives|management|"
    r"bosses|chiefs|officers|representatives|negotiators)$"
)
_NAME_TAIL = re.compile(
    r"(?P<tail>(?:[A-Z][\w&'’.-]*|\([A-Z][A-Za-z]+\))(?:\s+(?:[A-Z][\w&'’.-]*|\([A-Z][A-Za-z]+\)|and|of|for|&))*"
    r"(?:\s+(?:union|Union))?)$"
)
_ABBR_IN = re.compile(r"\((?P<abbr>[A-Z][A-Za-z&]{1,9})\)")


@dataclass
class Mention:
    """A resolved subject: a known entity, or a back-reference to look up."""

    kind: str  # "entity", "back-person", "back-org", "back-any", "author"
    entity: Entity | None = None
    org_kind: str = ""
    gender: str = ""  # "f"/"m" for "she"/"he"; for a spokesperson the voice the organisation spoke with
    noun: str = ""  # the generic noun of "the bank", "the council"


@dataclass
class ArticleState:
    """What a reader remembers while reading an article."""

    book: EntityBook
    sources: list[Entity] = field(default_factory=list)
    mentions: list[Entity] = field(default_factory=list)
    inventory: list[Entity] = field(default_factory=list)
    last_quote: Attribution | None = None
    last_quote_paragraph: int = -10
    last_claim: Attribution | None = None
    last_claim_index: int = -10
    last_document: Entity | None = None
    voices: dict[str, str] = field(default_factory=dict)

    def entity(self, name: str, type_: str) -> Entity:
        kind = self.book.kind(name) if type_ == ORGANISATION else ""
        return Entity(name=name, type=type_, kind=kind)

    def last_fitting(self, *, type_: str | None = None, kind: str | None = None) -> Entity | None:
        for pool in (self.sources, self.mentions, self.inventory):
            for entity in reversed(pool):
                if type_ and entity.type != type_:
                    continue
                if kind and entity.kind != kind:
                    continue
                return entity
        return None

    def salient_org(self) -> Entity | None:
        counts: dict[str, int] = {}
        pool = [e for e in (*self.mentions, *self.inventory) if e.type == ORGANISATION and e.kind != GOVERNMENT]
        for e in pool:
            counts[e.name] = counts.get(e.name, 0) + 1
        if not counts:
            return None
        best = max(counts, key=lambda n: counts[n])
        return next(e for e in pool if e.name == best)


_CAP_RUN = re.compile(r"\b[A-Z][\w&'’-]*(?:\s+(?:(?:and|of|for|&)\s+)?[A-Z][\w&'’-]*)*")


def _org_mentions(text: str, book: EntityBook) -> list[Entity]:
    """Organisations named in a text, in order: abbreviations, runs with an acronym or
    an organisation word ("Lloyds TSB", "Cabinet Office"), and "government"."""
    found: list[tuple[int, str]] = []
    clean = re.sub(
        r"^(?:More|New|Some|Many|All|Most|Other|Another)\s+", lambda m: " " * len(m.group()), clean_spaces(text)
    )
    for long, short in book.abbreviations.items():
        for m in re.finditer(re.escape(long), clean, re.IGNORECASE):
            found.append((m.start(), short))
    for m in _CAP_RUN.finditer(clean):
        run = m.group()
        tokens = run.split()
        acronyms = [t for t in tokens if re.fullmatch(r"[A-Z][a-z]?[A-Z][A-Za-z]*|[A-Z]{2,6}", t)]
        acronyms = [t for t in acronyms if t not in _NOT_ORG_ACRONYMS]
        if len(tokens) == 1 and (acronyms or clean[m.end() : m.end() + 7].lower() == " union"):
            found.append((m.start(), run))
        elif len(tokens) > 1 and (looks_like_org(run) or acronyms):
            if book.person(run) and not looks_like_org(strip_roles(run) or run):
                continue
            following = clean[m.end() : m.end() + 7].lower()
            name = book.organisation(run + (" union" if following.startswith(" union") else ""))
            if name.lower() not in ROLE_WORDS:
                found.append((m.start(), name))
    for m in re.finditer(r"\bgovernment\b", clean, re.IGNORECASE):
        if not re.search(r"\b(?:Indian|US|American|French|German|Chinese|foreign)\s+$", clean[: m.start()]):
            found.append((m.start(), "government"))
    return [Entity(name=name, type=ORGANISATION, kind=book.kind(name)) for _, name in sorted(found)]


_NOT_ORG_ACRONYMS = frozenset(
    "IT HR UK US USA EU CEO CFO CTO COO PM MP MPs PDF TV PC AM PM OK GDP IPO AI BPO CV ID PR UN VAT HQ II III".split()
)


class SpeakerFinder:
    """Reads one article's sentences in order; see the module docstring."""

    def __init__(self, texts: Sequence[str], *, title: str | None = None) -> None:
        self.state = ArticleState(book=EntityBook.from_texts([title or "", *texts]))
        inventory: list[Entity] = []
        for text in texts:
            inventory.extend(_org_mentions(text, self.state.book))
        self.state.inventory = inventory
        if title:
            self.state.mentions.extend(_org_mentions(title, self.state.book))

    # -- subjects --------------------------------------------------------
    def parse_subject(self, phrase: str) -> Mention | None:
        """Turn a subject phrase into an entity or a back-reference (None: not a source)."""
        book = self.state.book
        phrase = clean_spaces(phrase).strip(" -–—:;")
        phrase = re.sub(r"^(?:in a statement|in a letter|in an email)\s+", "", phrase, flags=re.IGNORECASE)
        lower = phrase.lower()
        if not phrase or "§" in phrase:
            return None
        if lower in _PRONOUN_PERSON:
            return Mention("back-person", gender="f" if lower in ("she", "her") else "m")
        if lower in _PRONOUN_ORG:
            return Mention("back-org" if lower == "it" else "back-any")
        if lower in _FIRST_PERSON:
            return Mention("author")
        if _RESPONDENTS.search(phrase):  # a survey's respondents speak through the survey
            return Mention("back-document")
        group = _GROUP_SOURCE.match(phrase)
        if group and not re.search(
            r"\b(?:company|firm|bank)\s+(?:officials|executives|sources)$", group.group("group"), re.I
        ):
            name = group.group("group")
            name = " ".join(w if w.lower() in ("republicans", "democrats") else w.lower() for w in name.split())
            name = re.sub(r"^aussie\b", "Australian", name)  # informal demonyms are normalised
            if name.split()[0].lower() in ("union", "trade") and name.split()[-1] != "unions":  # "union leaders"
                return Mention("back-org", org_kind=UNION)
            return Mention("entity", Entity(GROUP_NAMES.get(name.lower(), name), ORGANISATION, OTHER))
        if re.fullmatch(r"(?:a|an|one)\s+(?:[a-z-]+\s+)?(?:source|insider)", lower):
            return Mention("entity", Entity("unnamed source", PERSON))
        government = re.fullmatch(r"(?:the\s+)?(?P<country>[A-Z][\w.]*?)(?:['’]s)?\s+government", phrase)
        if government and government.group("country").lower() in _DEMONYMS:
            name = f"{_DEMONYMS[government.group('country').lower()]} government"
            return Mention("entity", Entity(name, ORGANISATION, GOVERNMENT))
        if _DOCUMENT.search(phrase):
            abbr = _ABBR_IN.search(phrase)
            for m in re.finditer(r"\b[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*)*", phrase):
                word = m.group()
                if word.lower() in ("the", "a", "an", "in", "according") or word.lower() in ROLE_WORDS:
                    continue
                name = abbr.group("abbr") if abbr else book.organisation(word)
                return Mention("entity", Entity(name, ORGANISATION, book.kind(name)))
            if re.fullmatch(r"(?:[a-z-]+\s+)?(?:data|figures)", phrase):  # "industry data shows"
                return Mention("entity", Entity(phrase, ORGANISATION, OTHER))
            if len(phrase.split()) <= 5:  # "a new report": the author the article names for it, maybe later
                return Mention("back-document")
            return None
        staff = _STAFF_OF.match(phrase)
        if staff:  # "Workers at telecoms firm TalkTalk": the scheme's "<organisation> staff"
            return Mention("entity", Entity(f"{book.organisation(staff.group('org'))} staff", ORGANISATION, OTHER))
        long_form = re.search(r"\((?P<long>[A-Z][^)]{6,})\)$", phrase)
        if long_form and long_form.group("long").lower() in book.abbreviations:  # "Nasscom (National ...)"
            name = book.abbreviations[long_form.group("long").lower()]
            return Mention("entity", Entity(name, ORGANISATION, book.kind(name)))
        people = _ORG_PEOPLE.match(phrase)
        if people and not _GROUP_SOURCE.match(phrase):
            name = book.organisation(people.group("org"))
            return Mention("entity", Entity(name, ORGANISATION, book.kind(name)))
        spokes = _SPOKES_AFTER.match(phrase) or _SPOKES_BEFORE.match(phrase)
        if spokes and spokes.group("org").lower() in ("a", "an", "the", "one", "senior", "a senior"):
            spokes = None  # "A spokeswoman": an unnamed spokesperson, below
        if spokes and not re.search(r"[A-Z]", spokes.group("org")):  # "a spokeswoman for the insurance giant"
            inner = self.parse_subject(spokes.group("org"))
            if inner is not None and inner.kind == "back-org":
                voice = (
                    "f"
                    if re.search(r"spokeswoman", phrase, re.I)
                    else "m"
                    if re.search(r"spokesman", phrase, re.I)
                    else "any"
                )
                return Mention("back-org", org_kind=inner.org_kind, noun=inner.noun, gender=voice)
        if spokes and re.search(r"[A-Z]", spokes.group("org")):
            org = re.match(
                r"(?:(?:the|a|an)\s+)?(?:[A-Z][\w&'’.-]*|\([A-Z]+\))(?:\s+(?:[A-Z][\w&'’.-]*|\([A-Z]+\)|and|of|for|&))*",
                spokes.group("org"),
            )
            name = book.organisation(org.group() if org else spokes.group("org"))
            voice = (
                "f"
                if re.search(r"spokeswoman", phrase, re.I)
                else "m"
                if re.search(r"spokesman", phrase, re.I)
                else "any"
            )
            return Mention("entity", Entity(name, ORGANISATION, book.kind(name)), gender=voice)
        unnamed = _UNNAMED_ALONE.match(phrase)
        if unnamed:
            if re.match(r"(?:staff|employee|worker)", unnamed.group("noun"), re.IGNORECASE):
                return Mention("back-org", org_kind="staff")
            voice = (
                "f"
                if re.search(r"spokeswoman", phrase, re.I)
                else "m"
                if re.search(r"spokesman", phrase, re.I)
                else "any"
            )
            return Mention("back-org", org_kind="salient", gender=voice)
        generic = _GENERIC.match(phrase)
        if generic:
            noun = (generic.group("noun") or generic.group("bare")).lower()
            kind = GENERIC_ORG_NOUNS[noun]
            if kind == GOVERNMENT and not re.search(r"\b(?:Indian|US|American|foreign)\b", phrase, re.IGNORECASE):
                return Mention("entity", Entity("government", ORGANISATION, GOVERNMENT))
            return Mention("back-org", org_kind=kind, noun=noun)
        if _GENERIC_PERSON.match(phrase):
            return Mention("back-person")
        pair = re.fullmatch(r"(?P<first>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})\s+and\s+.+", phrase)
        if pair and book.person(pair.group("first")) in book.persons:  # "Trump and ... Pence": the first holder
            return Mention("entity", Entity(book.person(pair.group("first")) or "", PERSON))
        abbr = _ABBR_IN.search(phrase)
        if abbr:
            name = abbr.group("abbr")
            return Mention("entity", Entity(name, ORGANISATION, book.kind(name)))
        of_org = re.fullmatch(r"(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+)\s+(?:of|at|from)\s+.+", phrase)
        if of_org and not looks_like_org(of_org.group("name")):  # "Liane Graves of UNIFI"
            name = book.person(of_org.group("name"))
            if name and len(name.split()) >= 2:
                return Mention("entity", Entity(name, PERSON))
        tail_match = _NAME_TAIL.search(phrase)
        if not tail_match:
            return None
        tail = tail_match.group("tail")
        head = phrase[: tail_match.start()].split()
        if any(w.lower() in ("of", "at", "from", "with", "in") for w in head):
            # "Liane Graves of UNIFI" is Liane Graves; "Employees at the DWP" is not the DWP
            first = re.split(r"\s+(?:of|at|from|with|in)\s+", phrase, maxsplit=1)[0]
            if first != phrase and re.fullmatch(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+", first):
                name = book.person(first)
                if name and not looks_like_org(first):
                    return Mention("entity", Entity(name, PERSON))
            return None
        known = book.person(tail) if len(tail.split()) >= 2 else None
        if known and known in book.persons and not looks_like_org(tail):  # "CEPU national president Colin Cooper"
            return Mention("entity", Entity(known, PERSON))
        if len(head) > 5 or any(w.endswith(":") for w in head):
            return None
        if tail.split()[0].lower() in ("the", "a", "an"):
            tail = " ".join(tail.split()[1:])
        if not tail:
            return None
        person = book.person(tail)
        if person and len(person.split()) >= 2 and not looks_like_org(tail):
            return Mention("entity", Entity(person, PERSON))
        name = book.organisation(tail)
        if name.lower() in ROLE_WORDS or name.lower() in ("i", "we"):
            return None
        return Mention("entity", Entity(name, ORGANISATION, book.kind(name)))

    def resolve(self, mention: Mention) -> Entity | None:
        state = self.state
        if mention.kind == "entity":
            return mention.entity
        if mention.kind == "back-person":
            found = self._last_voice(mention.gender) or state.last_fitting(type_=PERSON)
            if found is None and state.book.persons:  # "India's prime minister" before the name is given
                return Entity(state.book.persons[0], PERSON)
            return found
        if mention.kind == "back-document":
            return state.last_document or state.book.document_author()
        if mention.kind == "back-any":
            return state.sources[-1] if state.sources else state.last_fitting(type_=ORGANISATION)
        if mention.org_kind == "salient":
            return state.salient_org()
        if mention.org_kind == "staff":  # unnamed employees speak as "<company> staff"
            company = state.salient_org()
            return Entity(f"{company.name} staff", ORGANISATION, OTHER) if company else None
        if mention.noun:  # "the bank" is never the bank workers' association, "the hospital" a hospitals trust
            found = self._generic(mention.noun, mention.org_kind)
            if found is not None:
                return found
        if mention.org_kind in (UNION, DEPARTMENT):
            return state.last_fitting(type_=ORGANISATION, kind=mention.org_kind)
        if mention.org_kind == COMPANY:
            return state.last_fitting(type_=ORGANISATION, kind=COMPANY)  # never a union or a department
        # "it": the last organisation that spoke, else the last one named
        return state.last_fitting(type_=ORGANISATION)

    def _last_voice(self, gender: str) -> Entity | None:
        """The last source that can be "he"/"she": a person of that gender (or unknown), or an
        organisation that spoke through an unnamed spokesperson of that gender."""
        state = self.state
        for entity in reversed(state.sources):
            if entity.type == PERSON and state.book.genders.get(entity.name, gender) == gender:
                return entity
            if entity.type == ORGANISATION and state.voices.get(entity.name) in ("any", gender):
                return entity
        for entity in reversed(state.mentions):
            if entity.type == PERSON and state.book.genders.get(entity.name) == gender:
                return entity
        return None

    def _generic(self, noun: str, kind: str) -> Entity | None:
        """The organisation a generic noun ("the bank") refers back to.

        The last source, then mention, then any organisation named, whose name
        is headed by the noun ("Bank of Ireland", "University Hospitals of
        Leicester") or, failing that, whose kind fits and whose name is not
        headed by another organisation noun ("Irish Bank Officials'
        Association" is no bank).
        """
        heads = "|".join(sorted(ORG_HEAD_NOUNS, key=len, reverse=True))
        own = re.compile(rf"^(?:[A-Z][\w'’.-]*\s+)*{noun}s?(?:\s+(?:of|for)\b.*)?$", re.IGNORECASE)
        other = re.compile(rf"\b(?:{heads})s?$|\b(?:{heads})s?\s+(?:of|for)\b", re.IGNORECASE)
        pools = (self.state.sources, self.state.mentions, self.state.inventory)
        book = self.state.book
        for pool in pools:  # the sources first: "the bank" that spoke before beats a bank only named
            for entity in reversed(pool):
                longs = [long for long, short in book.abbreviations.items() if short == entity.name]
                if entity.type == ORGANISATION and any(own.match(n) for n in (entity.name, *longs)):
                    return entity
            if kind not in (COMPANY, OTHER):
                continue
            for entity in reversed(pool):
                if entity.type != ORGANISATION or entity.kind not in (kind, COMPANY):
                    continue
                longs = [long for long, short in book.abbreviations.items() if short == entity.name]
                if entity.name == "government" or any(other.search(n) for n in (entity.name, *longs)):
                    continue
                return entity
        return None

    # -- sentences -------------------------------------------------------
    def attribute(self, text: str, paragraph: int, index: int) -> Attribution:
        state = self.state
        result: Attribution | None = None
        for cue in find_cues(text):
            mention = self.parse_subject(cue.subject)
            if mention is None:
                continue
            if mention.kind == "author":
                result = Attribution(AUTHOR, AUTHOR, "first-person", f"{cue.verb} + {cue.subject!r}", 0.8)
                break
            entity = self.resolve(mention)
            if entity is None or (cue.rule == "for-x" and entity.type != PERSON):
                continue
            if entity.name == "government":
                entity = Entity(state.book.home_government(), ORGANISATION, GOVERNMENT)
            if _DOCUMENT.search(cue.subject):
                state.last_document = entity
            if entity.type == ORGANISATION and mention.gender:
                state.voices[entity.name] = mention.gender
            result = Attribution(
                entity.name, entity.type, cue.rule, f"{cue.verb} + {cue.subject!r}", CONFIDENCE[cue.rule]
            )
            self._remember(entity, cue, text, paragraph, index, result)
            break
        if result is None:
            result = self._continuation(text, paragraph, index)
        state.mentions.extend(_org_mentions(text, state.book))
        self._remember_subject(text)
        return result

    def _remember_subject(self, text: str) -> None:
        """A named sentence subject is a mention too ("Halden Logistics has opened ..." ... "The firm said")."""
        subject = leading_subject(text)
        if not subject or (
            len(subject.split()) < 2
            and not re.search(rf"[^.!?{SEPARATOR}]\s{re.escape(subject)}\b", self.state.book.text)
        ):
            return
        if subject.lower() in ORG_WORDS:  # "Energy major British Gas ...": a descriptor, not a name
            return
        mention = self.parse_subject(subject)
        if mention is not None and mention.kind == "entity" and mention.entity is not None:
            if mention.entity.name not in ("government",):
                self.state.mentions.append(mention.entity)

    def _remember(self, entity: Entity, cue: Cue, text: str, paragraph: int, index: int, result: Attribution) -> None:
        state = self.state
        state.sources.append(entity)
        if entity.type == PERSON:
            state.mentions.append(entity)
        # a quotation paragraph right after any attributed sentence continues that source
        state.last_quote, state.last_quote_paragraph = result, paragraph
        quoting = has_direct_quote(text) or cue.statement or text.rstrip().endswith(":")
        state.last_claim, state.last_claim_index = (None, -10) if quoting else (result, index)

    def _continuation(self, text: str, paragraph: int, index: int) -> Attribution:
        state = self.state
        if starts_with_quote(text) and state.last_quote and paragraph - state.last_quote_paragraph <= 1:
            quote = state.last_quote
            state.last_quote_paragraph = paragraph
            state.last_claim = None
            rule = "quote-continues"
            return Attribution(quote.speaker, quote.speaker_type, rule, f"after {quote.cue}", CONFIDENCE[rule])
        claim = state.last_claim
        if (
            claim is not None
            and index - state.last_claim_index == 1
            and not has_direct_quote(text)
            and re.match(r"^(?:These|This|Those|Such|They|That)\b", text.strip())
            and re.search(r"\b(?:could|would|might|may)\b", text)
        ):
            rule = "claim-continues"
            return Attribution(claim.speaker, claim.speaker_type, rule, f"after {claim.cue}", CONFIDENCE[rule])
        state.last_quote = None if not starts_with_quote(text) else state.last_quote
        state.last_claim = None
        return AUTHOR_ATTRIBUTION


#: Rules that name a source from the sentence itself (a quotation span takes its speaker from them).
_CUE_RULES = frozenset({*_ORDER, "first-person"})


def quotation_spans(sentences: Sequence[Sentence]) -> list[list[int]]:
    """Runs of sentence indices that lie inside one quotation.

    A sentence joins the run of the sentence before it when that sentence
    leaves a quotation open: the next one in the same paragraph, or the
    first of the next paragraph when it reopens the quotation (the news
    convention for a quote running over paragraphs).
    """
    spans: list[list[int]] = []
    inside = False  # does the quotation stay open after the sentence before?
    for i, sentence in enumerate(sentences):
        text = sentence.text
        joins = (
            i > 0
            and inside
            and (
                sentence.paragraph == sentences[i - 1].paragraph
                or (
                    sentence.paragraph == sentences[i - 1].paragraph + 1
                    and (starts_with_quote(text) or _closes_first(sentences, i))
                )
            )
        )
        if joins:
            spans[-1].append(i)
        else:
            spans.append([i])
        flags = quote_depths(("“" if joins else "") + text)
        inside = bool(flags) and flags[-1] and text.rstrip()[-1:] not in '”"'
    return [span for span in spans if len(span) > 1]


def _closes_first(sentences: Sequence[Sentence], i: int) -> bool:
    """True if the paragraph of sentence ``i`` (from ``i`` on) closes a quotation before it opens one:
    a quotation that ran over a paragraph break without the reopening mark."""
    paragraph = sentences[i].paragraph
    text = " ".join(s.text for s in sentences[i:] if s.paragraph == paragraph)
    marks = re.findall(r"[“”\"]", text)
    return bool(marks) and (marks[0] == "”" or (marks[0] == '"' and len(marks) % 2 == 1))


def _spread_quotations(sentences: Sequence[Sentence], found: list[Attribution]) -> list[Attribution]:
    """Give every sentence of a quotation the source named anywhere in it.

    '"A. B. C," a spokesperson said.' names its source only in the last
    sentence; 'X said: "A. B."' only in the first. A sentence without a cue
    of its own takes the nearest cue before it in the quotation, else the
    first after it.
    """
    result = list(found)
    for span in quotation_spans(sentences):
        cued = [i for i in span if found[i].rule in _CUE_RULES and found[i].speaker != AUTHOR]
        if not cued:
            continue
        for i in span:
            if i in cued:
                continue
            before = [j for j in cued if j < i]
            source = found[before[-1] if before else cued[0]]
            if found[i].speaker == source.speaker:
                continue
            rule = "quote-span"
            result[i] = Attribution(
                source.speaker, source.speaker_type, rule, f"inside the quotation of {source.cue}", CONFIDENCE[rule]
            )
    return result


def find_speakers(sentences: Sequence[Sentence], *, title: str | None = None) -> list[Attribution]:
    """One :class:`Attribution` per sentence of one article, in order.

    ``sentences`` must be one article's sentences in reading order (their
    ``paragraph`` indices drive quotation continuation). ``title`` helps
    when the corpus keeps the headline outside the sentence table.
    """
    finder = SpeakerFinder([s.text for s in sentences], title=title)
    found = [finder.attribute(s.text, s.paragraph, i) for i, s in enumerate(sentences)]
    return _spread_quotations(sentences, found)


def find_speakers_in_text(raw: str) -> list[tuple[str, Attribution]]:
    """Split a plain text with the corpus splitter, then find each sentence's speaker."""
    from stance.corpus.articles import make_sentences

    sentences = make_sentences("text", raw)
    return [(s.text, a) for s, a in zip(sentences, find_speakers(sentences), strict=True)]
