"""The speaker finder: per sentence, who speaks, how we know, and how sure.

Sentences are read in order with article-level state, the way a reader does:

1. a cue in the sentence itself (:func:`stance.speakers.cues.find_cues`: a
   reporting or position verb from :mod:`stance.speakers.lexicon`, a by-agent,
   "came under fire from X", a headline's subject, a colon after a name)
   names a subject; :func:`stance.speakers.subjects.parse_subject` reads it
   with a table of rules (a name, a spokesperson, a document, a group, a
   back-reference), and :meth:`SpeakerFinder.resolve` turns a back-reference
   ("she", "the bank", "the union", a surname) into the last source that fits:
   by gender (a spokeswoman's organisation is a "she"), by the noun that heads
   its name ("the bank" is Bank of Ireland, not the bank workers'
   association), by kind; the article's entity book
   (:class:`stance.speakers.names.EntityBook`) gives canonical names;
2. with no cue, a sentence that opens with a quotation mark right after a
   quoted source (or a statement frame such as "X sent us this statement")
   continues that source's quotation, across paragraphs;
3. a sentence with no cue that carries on an indirect claim in the
   conditional ("These firms could then ...") keeps the claim's source, with
   low confidence;
4. everything else is the author's;
5. finally every sentence of one quotation takes the source named anywhere in
   it (:func:`quotation_spans`): '"A. B. C," a spokesperson said.' names its
   source only at the end.

Confidence is a fixed number per rule (how often the rule is right on the
pattern file), not a probability from a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from stance.corpus.splitter import quote_depths
from stance.schema import AUTHOR, Sentence
from stance.speakers.cues import (
    _DOCUMENT,
    _ORDER,
    MASK,
    Cue,
    _normalise_marks,
    find_cues,
    has_direct_quote,
    is_headline,
    leading_subject,
    masked,
    starts_with_quote,
)
from stance.speakers.names import (
    COMPANY,
    DEPARTMENT,
    GOVERNMENT,
    KNOWN_KINDS,
    NOT_ORG_ACRONYMS,
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
from stance.speakers.subjects import Mention, parse_subject

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
    "pull-quote": 0.6,
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

    def salient_org(self, *, kinds: tuple[str, ...] = ()) -> Entity | None:
        """The organisation the article names most (of the given kinds, if any)."""
        counts: dict[str, int] = {}
        pool = [
            e
            for e in (*self.mentions, *self.inventory)
            if e.type == ORGANISATION and e.kind != GOVERNMENT and (not kinds or e.kind in kinds)
        ]
        for e in pool:
            counts[e.name] = counts.get(e.name, 0) + 1
        if not counts:
            return None
        best = max(counts, key=lambda n: counts[n])
        return next(e for e in pool if e.name == best)


_CAP_RUN = re.compile(r"\b[A-Z][\w&'’-]*(?:\s+(?:(?:and|of|for|&)\s+)?[A-Z][\w&'’-]*)*")


_LOWER_DEPARTMENT = re.compile(
    r"\b(?P<name>(?:department|ministry) (?:of|for) [a-z]+(?: and [a-z]+)?)\b(?! [a-z]+ (?:of|for)\b)"
)


#: Generic nouns that fit an organisation whatever noun heads its name ("the lobby" for an association).
_ANY_HEAD = frozenset({"lobby", "body", "organisation", "organization", "group"})

#: A document introduced with an indefinite article ("a position paper", "a new report").
_INTRODUCED_DOCUMENT = re.compile(
    r"\b(?:a|an)\s+(?:(?:new|position|policy|white|discussion|detailed|internal|annual|\d+-page)\s+)*"
    r"(?:report|paper|survey|study|document|memo|submission|executive order)\b"
)


def _org_mentions(text: str, book: EntityBook) -> list[Entity]:
    """Organisations named in a text, in order: abbreviations, runs with an acronym or
    an organisation word ("Lloyds TSB", "Cabinet Office"), and "government"."""
    found: list[tuple[int, str]] = []
    clean = clean_spaces(text)
    lead = re.match(r"^(?:More|New|Some|Many|All|Most|Other|Another)\s+(?P<rest>[A-Z][\w&'’-]*)", clean)
    if lead and len(re.findall(rf"\b{re.escape(lead.group())}\b", book.text)) < 2:
        clean = " " * lead.start("rest") + clean[lead.start("rest") :]  # "More BT jobs": "More" names nothing
    for long, short in book.abbreviations.items():
        for m in re.finditer(re.escape(long), clean, re.IGNORECASE):
            found.append((m.start(), short))
    for m in _CAP_RUN.finditer(clean):
        # "The Brightline union", "But Amicus union officials": the name is the run after the article
        run = re.sub(r"^(?:(?:The|A|An|But|And|However|Meanwhile|Yet|So|Now|Then|Still)\s+)+", "", m.group())
        tokens = run.split()
        acronyms = [t for t in tokens if re.fullmatch(r"[A-Z][a-z]?[A-Z][A-Za-z]*|[A-Z]{2,6}", t)]
        acronyms = [t for t in acronyms if t not in NOT_ORG_ACRONYMS]
        known = run.lower() in KNOWN_KINDS  # a well-known body by its one-word name ("Unison")
        if len(tokens) == 1 and book.person(run) in book.persons:
            continue  # "McGreevey" has the shape of an acronym but is a person the article names
        if len(tokens) == 1 and (acronyms or known or re.match(r"\s+union\b", clean[m.end() :], re.IGNORECASE)):
            found.append((m.start(), book.organisation(run)))
        elif len(tokens) > 1 and (looks_like_org(run) or acronyms):
            if book.person(run) and not looks_like_org(strip_roles(run) or run):
                continue
            following = clean[m.end() : m.end() + 7].lower()
            name = book.organisation(run + (" union" if following.startswith(" union") else ""))
            if name.lower() not in ROLE_WORDS:
                found.append((m.start(), name))
    for m in _LOWER_DEPARTMENT.finditer(clean):  # "Britain's department of health" -> Department of Health
        words = m.group("name").split()
        found.append((m.start("name"), " ".join(w if w in ("of", "for", "and") else w.capitalize() for w in words)))
    for m in re.finditer(r"\bgovernment\b", clean, re.IGNORECASE):
        if not re.search(r"\b(?:Indian|US|American|French|German|Chinese|foreign)\s+$", clean[: m.start()]):
            found.append((m.start(), "government"))
    return [Entity(name=name, type=ORGANISATION, kind=book.kind(name)) for _, name in sorted(found)]


class SpeakerFinder:
    """Reads one article's sentences in order; see the module docstring."""

    def __init__(self, texts: Sequence[str], *, title: str | None = None) -> None:
        self.state = ArticleState(book=EntityBook.from_texts([title or "", *texts]))
        inventory: list[Entity] = []
        for text in texts:
            inventory.extend(_org_mentions(text, self.state.book))
            subject = self._named_subject(text)  # "Corvel is opening ...": a one-word name the runs miss
            if subject is not None and subject.type == ORGANISATION and subject not in inventory:
                inventory.append(subject)
        self.state.inventory = inventory
        self.document_owner = self._document_owner(texts)
        if title:
            self.state.mentions.extend(_org_mentions(title, self.state.book))

    # -- subjects --------------------------------------------------------
    def parse_subject(self, phrase: str) -> Mention | None:
        """Turn a subject phrase into an entity or a back-reference (None: not a source); see
        :data:`stance.speakers.subjects.SUBJECT_RULES`."""
        return parse_subject(phrase, self.state.book)

    def resolve(self, mention: Mention) -> Entity | None:
        state = self.state
        if mention.kind == "entity":
            return mention.entity
        if mention.kind == "back-person":
            found = self._last_voice(mention.gender) or state.last_fitting(type_=PERSON)
            if found is None and state.book.persons:  # "India's prime minister" before the name is given
                titled = state.book.person_with_role(mention.noun) if mention.noun else None
                return Entity(titled or state.book.persons[0], PERSON)
            return found
        if mention.kind == "back-document":
            return state.last_document or state.book.document_author() or self.document_owner
        if mention.kind == "back-any":
            return state.sources[-1] if state.sources else state.last_fitting(type_=ORGANISATION)
        if mention.org_kind == "salient":
            return state.salient_org()
        if mention.org_kind == "staff":  # unnamed employees speak as "<company> staff"
            company = state.salient_org(kinds=(COMPANY, DEPARTMENT)) or state.salient_org()  # an employer
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

    def _same_sentence_person(self, text: str, cue: Cue, mention: Mention) -> Entity | None:
        """ "X did not rule it out, but he admitted ...": a pronoun subject is first the person named
        earlier in its own sentence (of its gender, when the article shows one)."""
        if mention.kind != "back-person" or cue.subject.lower() not in ("he", "she"):
            return None
        book = self.state.book
        found = []
        for full in book.persons:
            hits = list(re.finditer(rf"\b{re.escape(full.split()[-1])}\b", text[: cue.start]))
            hit = hits[-1] if hits else None
            if hit is None or looks_like_org(full):
                continue
            if book.genders.get(full, mention.gender) == mention.gender:
                found.append((hit.start(), full))
        return Entity(max(found)[1], PERSON) if found else None

    def _last_voice(self, gender: str) -> Entity | None:
        """The last source that can be "he"/"she": a person of that gender (or unknown), or an
        organisation that spoke through an unnamed spokesperson of that gender."""
        state = self.state
        if not gender:  # "the minister": the last person who spoke
            return None
        for entity in reversed(state.sources):  # recency first: a person whose gender is unknown may fit
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
        business = re.compile(r"\b(?:bank|company|hospital|university|trust)s?(?:$|\s+(?:of|for)\b)", re.IGNORECASE)
        counts: dict[str, int] = {}
        for entity in self.state.inventory:
            counts[entity.name] = counts.get(entity.name, 0) + 1
        # nothing fitting named yet (a headline's "India's IT lobby"): the article's most named one
        ahead = sorted(reversed(self.state.inventory), key=lambda e: -counts[e.name])
        pools = (self.state.sources, self.state.mentions, list(reversed(ahead)))
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
                if entity.name == "government":
                    continue
                unlike = business if noun in _ANY_HEAD else other
                if any(unlike.search(n) for n in (entity.name, *longs)):
                    continue  # "the bank" is no "Bank Officials' Association"; "the lobby" may be one, no bank
                return entity
        return None

    # -- sentences -------------------------------------------------------
    def attribute(self, text: str, paragraph: int, index: int) -> Attribution:
        state = self.state
        result: Attribution | None = None
        for cue in find_cues(text):
            if (
                cue.rule == "headline"
                and cue.verb == ":"
                and len(re.findall(rf"\b{re.escape(cue.subject)}\b", state.book.text)) < 2
            ):
                continue  # "Official: ...": a headline's lead word that the article never names again
            mention = self.parse_subject(cue.subject)
            if mention is None:
                continue
            if mention.kind == "author":
                result = Attribution(AUTHOR, AUTHOR, "first-person", f"{cue.verb} + {cue.subject!r}", 0.8)
                break
            entity = self._same_sentence_person(text, cue, mention) or self.resolve(mention)
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

    def _document_owner(self, texts: Sequence[str]) -> Entity | None:
        """The organisation that brings a document into the article: the named subject of the first
        sentence that introduces one ("The IEEE-USA is weighing in ... with a position paper"), so a later
        "the paper states" resolves when no "report by X" names the author."""
        for text in texts:
            if _INTRODUCED_DOCUMENT.search(text):
                subject = self._named_subject(text)
                return subject  # an organisation's report, or a governor's executive order
        return None

    def _named_subject(self, text: str) -> Entity | None:
        """The named subject that opens a sentence, if any (a one-word name only if the article also uses
        it inside a sentence, so "Staff" or "Meanwhile" never count)."""
        subject = leading_subject(text)
        if not subject or (
            len(subject.split()) < 2
            and subject not in self.state.book.described_orgs  # "Tarn, the broadband operator, ..."
            and not re.search(rf"[^.!?{SEPARATOR}]\s{re.escape(subject)}\b", self.state.book.text)
        ):
            return None
        if subject.lower() in ORG_WORDS:  # "Energy major British Gas ...": a descriptor, not a name
            return None
        mention = self.parse_subject(subject)
        if mention is not None and mention.kind == "entity" and mention.entity is not None:
            if mention.entity.name not in ("government",):
                return mention.entity
        return None

    def _remember_subject(self, text: str) -> None:
        """A named sentence subject is a mention too ("Halden Logistics has opened ..." ... "The firm said")."""
        entity = self._named_subject(text)
        if entity is not None:
            self.state.mentions.append(entity)

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
        flags = quote_depths(("“" if joins else "") + _normalise_marks(text))
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


def _pull_quotes(sentences: Sequence[Sentence], found: list[Attribution]) -> list[Attribution]:
    """A headline or sub-heading that quotes a source's words goes to the source who says them.

    "Workers 'betrayed'" over a union official's "staff feel betrayed": the
    quoted words are looked up in the article's attributed sentences, the
    following ones first.
    """
    result = list(found)
    for i, sentence in enumerate(sentences):
        if found[i].rule not in ("author", "quote-continues") or not is_headline(sentence.text):
            continue
        m = masked(sentence.text)
        quoted = [sentence.text[r.start() : r.end()].strip("\"“”‘’' ,.") for r in re.finditer(rf"{MASK}+", m)]
        quoted = [q for q in quoted if len(q) >= 4]
        order = [*range(i + 1, len(sentences)), *range(i - 1, -1, -1)]
        for q in quoted:
            pattern = re.compile(rf"\b{re.escape(q)}\b", re.IGNORECASE)
            source = next(
                (
                    found[j]
                    for j in order
                    if found[j].speaker != AUTHOR
                    and not is_headline(sentences[j].text)
                    and pattern.search(sentences[j].text)
                ),
                None,
            )
            if source is not None:
                rule = "pull-quote"
                result[i] = Attribution(
                    source.speaker, source.speaker_type, rule, f"{q!r} in {source.cue}", CONFIDENCE[rule]
                )
                break
    return result


#: A headline's reaction with no holder named: "Bank comes under fire over ...", "Plan faces backlash".
_AGENTLESS_REACTION = re.compile(
    r"\b(?:comes?|came|coming)\s+under\s+(?:fire|attack|criticism)\b"
    r"|\b(?:faces?|facing|draws?|sparks?|provokes?)\s+(?:\w+\s+)?(?:criticism|backlash|anger|protests?|fury|outcry)\b"
    r"|\b(?:criticised|criticized|attacked|condemned|slammed)\s+(?:over|for)\b",
    re.IGNORECASE,
)
#: The by-agent cues that name the holder of such a reaction in the body.
_REACTION_CUE = re.compile(
    r"^(?:came|come|comes|coming)\s+under|^(?:drew|draws|drawn|draw|attracted|sparked|provoked|met with|faced|faces)\b"
    r"|^(?:criticised|criticized|condemned|attacked|slammed|blasted|castigated|denounced)$"
)


def _reaction_holders(sentences: Sequence[Sentence], found: list[Attribution]) -> list[Attribution]:
    """A headline's agentless reaction ("Building society comes under fire over ...") goes to the holder
    the body names for a reaction ("the plan came under fire from the staff association"); with none
    named it stays the author's (GUIDELINES, "Headlines, standfirsts and sub-headings that restate a
    source")."""
    result = list(found)
    for i, sentence in enumerate(sentences):
        if found[i].rule != "author" or not is_headline(sentence.text):
            continue
        if not _AGENTLESS_REACTION.search(sentence.text):
            continue
        for j in range(i + 1, min(len(sentences), i + 8)):
            verb = found[j].cue.split(" + ")[0]
            if found[j].rule == "by-agent" and _REACTION_CUE.search(verb):
                rule = "headline"
                result[i] = Attribution(
                    found[j].speaker, found[j].speaker_type, rule, f"reaction of {found[j].cue}", CONFIDENCE[rule]
                )
                break
    return result


def find_speakers(sentences: Sequence[Sentence], *, title: str | None = None) -> list[Attribution]:
    """One :class:`Attribution` per sentence of one article, in order.

    ``sentences`` must be one article's sentences in reading order (their
    ``paragraph`` indices drive quotation continuation). ``title`` helps
    when the corpus keeps the headline outside the sentence table.
    """
    finder = SpeakerFinder([s.text for s in sentences], title=title)
    found = [finder.attribute(s.text, s.paragraph, i) for i, s in enumerate(sentences)]
    return _reaction_holders(sentences, _pull_quotes(sentences, _spread_quotations(sentences, found)))


def find_speakers_in_text(raw: str) -> list[tuple[str, Attribution]]:
    """Split a plain text with the corpus splitter, then find each sentence's speaker."""
    from stance.corpus.articles import make_sentences

    sentences = make_sentences("text", raw)
    return [(s.text, a) for s, a in zip(sentences, find_speakers(sentences), strict=True)]
