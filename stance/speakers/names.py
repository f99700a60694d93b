"""Names of sources: what kind of thing a mention is, and its canonical form.

The label scheme names a person by full name and an organisation by the short
name the article uses (``PCS``, not "the Public and Commercial Services (PCS)
union"). Both depend on the whole article, so :class:`EntityBook` is built
from all of an article's sentences first: it learns abbreviations defined in
the text ("Department for Work and Pensions (DWP)"), acronyms whose initials
match a long name ("Communication Workers Union" -> ``CWU`` when ``CWU``
appears), and full person names, so that "Kelly wrote" or "the union"
resolve later. The word lists below are general English news vocabulary
(roles, organisation heads, corporate suffixes) and a short gazetteer of
organisation kinds; none of it is tied to one article.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

PERSON = "person"
ORGANISATION = "organisation"

#: Honorifics and role words stripped from around a person's name.
ROLE_WORDS = frozenset(
    """
    mr mrs ms miss dr sir dame lord lady professor prof rev rep rep. sen senator president vice prime minister
    ministers secretary general chancellor speaker house chief executive officer director chairman chairwoman
    chair head leader deputy assistant national regional senior junior former acting founder boss ceo cfo cto
    coo md economist analyst adviser advisor spokesman spokeswoman spokesperson official officer manager
    managing partner trade commerce state foreign home economic chancellor governor mayor councillor mp mep
    shadow labour conservative tory democrat democrats republican republicans us u.s. uk british indian american
    french german chinese european the a an of for at mp. general-secretary director-general representative
    commissioner ambassador envoy congressman congresswoman spokesman member auditor lawmaker legislator
    treasurer attorney comptroller inspector trustee gov gov. sen. assemblyman assemblywoman councilman
    """.split()
)

#: Names whose middle initial the label scheme keeps because it tells two people apart
#: (annotations/GUIDELINES.md: "George W. Bush" is not his father); every other initial goes.
KEEP_INITIALS: dict[str, str] = {"George W Bush": "George W. Bush"}

#: Lower-case nouns naming a role (an appositive "chief executive of X" is one).
ROLE_NOUNS = frozenset(
    """
    secretary director director-general executive officer analyst adviser advisor economist spokesman
    spokeswoman spokesperson chairman chairwoman chair president minister leader head founder boss ceo manager
    partner professor official representative organiser organizer negotiator convenor member chief governor
    """.split()
)

#: Words that make a capitalised phrase an organisation, not a person.
ORG_WORDS = frozenset(
    """
    union unions office department ministry agency council government services service group plc ltd limited
    inc corp corporation company bank association federation confederation institute institution commission
    authority board trust party committee bureau society centre center university college partners holdings
    systems technologies technology solutions consulting consultancy network networks international industries
    telecom telecommunications airways insurance capital foundation organisation organization programme
    program house parliament congress senate cabinet treasury executive nhs software logistics energy motors
    airlines airline media foods retail pharmaceuticals pharma financial finance electronics engineering
    communications labs digital health security outsourcing consultants enterprises ventures brands stores
    guild alliance coalition chamber league forum journal times herald tribune gazette newspaper
    banco banca banque groupe gruppo gmbh ag sa nv spa mutual research
    """.split()
)

#: Capitalised last words of an organisation's full name.
ORG_TITLE_WORDS = frozenset("Union Association Federation Confederation Council Institute Society Board".split())

#: Organisation kinds that back-references ("the union") can ask for.
UNION, DEPARTMENT, COMPANY, GOVERNMENT, OTHER = "union", "department", "company", "government", "other"

#: A small gazetteer of organisation kinds for bare acronyms and one-word names
#: that carry no kind word (lower-case keys). Extend it freely.
KNOWN_KINDS: dict[str, str] = {
    **dict.fromkeys(
        "pcs cwu unifi unison unite gmb rmt aslef amicus tuc nuj prospect usdaw ucu nasuwt bectu bifu afl-cio".split(),
        UNION,
    ),
    **dict.fromkeys(
        "dwp moj mod defra hmrc dft dfe dfid fco dti dcms dbis bis nhs cabinet-office home-office".split(),
        DEPARTMENT,
    ),
    "government": GOVERNMENT,
}

#: Definite descriptions that refer back to an organisation of a kind.
GENERIC_ORG_NOUNS: dict[str, str] = {
    "union": UNION,
    "trade union": UNION,
    "industry union": UNION,
    "company": COMPANY,
    "firm": COMPANY,
    "group": COMPANY,
    "bank": COMPANY,
    "operator": COMPANY,
    "supplier": COMPANY,
    "contractor": COMPANY,
    "insurer": COMPANY,
    "mutual": COMPANY,
    "giant": COMPANY,
    "society": COMPANY,
    "building society": COMPANY,
    "hospital": COMPANY,
    "trust": COMPANY,
    "university": COMPANY,
    "association": OTHER,
    "council": OTHER,
    "body": OTHER,
    "lobby": OTHER,
    "organisation": OTHER,
    "organization": OTHER,
    "retailer": COMPANY,
    "department": DEPARTMENT,
    "ministry": DEPARTMENT,
    "agency": DEPARTMENT,
    "government": GOVERNMENT,
}

#: Nouns that head an organisation's name ("Bank of Ireland", "Irish Bank Officials' Association").
ORG_HEAD_NOUNS = frozenset(
    "union association federation council bank society trust hospital university ministry department agency "
    "office commission authority institute board company group".split()
)

#: Acronyms of common nouns ("IT work", "HR staff"), never an organisation's short name.
NOT_ORG_ACRONYMS = frozenset(
    "IT HR UK US USA EU CEO CFO CTO COO PM MP MPs PDF TV PC AM PM OK GDP IPO AI BPO CV ID PR UN VAT HQ II III".split()
)

_SUFFIXES = re.compile(
    r"(?:\s+(?:Group|Holdings))?\s+(?:Plc|PLC|plc|Ltd|Ltd\.|Limited|Inc|Inc\.|Corp|Corp\.|LLC)$"
    r"|\s+NHS(?:\s+Foundation)?\s+Trust$"  # "Northgate Hospitals NHS Trust" -> Northgate Hospitals
)
_ABBREV = re.compile(
    r"(?P<long>(?:[A-Z][\w&'’.-]*)(?:,?\s+(?:[A-Z][\w&'’.-]*|and|for|of|the|&))*)\s+\((?P<short>[A-Z][A-Za-z&]{1,9})\)"
    r"(?P<union>\s+[Uu]nion\b)?"
)
#: A sector word after a company's own name: the article's bare "Tarn" is the shortest name it uses.
_SECTOR_TAILS = frozenset("telecom telecoms insurance group holdings retail".split())
#: The words after a place that make a local council's name ("Dunmore District Council").
_COUNCIL_TAIL = re.compile(r"(?:(?:Borough|City|County|District|Town|Parish)\s+)?Council")
#: Nouns an appositive uses to say what a company is ("Tarn, the broadband operator,").
_COMPANY_NOUNS = (
    r"company|firm|group|bank|insurer|operator|carrier|provider|outsourcer|supplier|contractor|retailer|lender"
    r"|society|manufacturer|maker|chain|specialist|business|consultancy|broker|network"
)
#: How an article shows that a capitalised name is an organisation, not a person: a "which" relative
#: ("Tarn, which employs ..."), an appositive headed by a company noun ("Tarn, the broadband operator,",
#: "Tarn, Australia's third-largest carrier,"), or something only an organisation has ("Tarn's chief
#: executive", "Tarn's head office").
_DESCRIBED_ORG = re.compile(
    r"(?<![\w'’])(?P<name>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3})"
    r"(?:,\s+which\b"
    rf"|,\s+(?:the|an?|[A-Z][\w.]*['’]s)\s+(?:(?!(?:of|at|for|with|from|in)\s)[\w-]+\s+){{0,5}}?"
    rf"(?:{_COMPANY_NOUNS})s?(?:\s+(?:in|of|from)\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)?,"
    r"|['’]s\s+(?:chief executive|chief operating officer|chief financial officer|head office|headquarters"
    r"|shares|board|shareholders|spokes(?:man|woman|person)))"
)
_CAP_TOKEN = r"(?:[A-Z][a-z]*['’]?[A-Z]?[a-z]+(?:-[A-Z]?[a-z]+)*|[A-Z]\.)"
#: A bare middle initial or a lower-case particle inside a name ("Ravi K Menon", "Karl von Estrup").
_NAME_INNER = r"(?:[A-Z]\.?|von|van|de|der|den|du|da|del|bin|al)"
_PERSON_RUN = re.compile(rf"\b{_CAP_TOKEN}(?:\s+(?:{_NAME_INNER}\s+)?{_CAP_TOKEN}){{1,6}}\b")
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]{0,2}[A-Z][A-Za-z]?\b|\b[A-Z]{2,6}\b")
_SMALL = frozenset({"and", "for", "of", "the", "&"})
_NOT_NAME = frozenset(
    """
    january february march april may june july august september october november december monday tuesday wednesday
    thursday friday saturday sunday the a an this that these those in on at but and however meanwhile according
    if when while as it he she they we our their its his her there here many some new last next former
    """.split()
)


SEPARATOR = "¶"

#: Abbreviated titles in front of a name ("Gov. Ted Strickland").
_ROLE_ABBREVIATIONS = {"governor": ("Gov",), "senator": ("Sen",), "president": ("Pres",), "representative": ("Rep",)}

#: Lower-case words that describe an organisation in front of its name ("IT major X", "TELECOMS FIRM X").
_DESCRIPTORS = frozenset("major giant firm lender telecoms retailer insurer carrier operator provider maker".split())


_ABBREV_REVERSED = re.compile(
    r"\b(?P<short>[A-Z][A-Za-z&]{2,11})\s+\((?P<long>[A-Z][\w&'’.-]*(?:,?\s+(?:[A-Z][\w&'’.-]*|and|for|of|the|&)){1,9})\)"
)
#: Honorifics and role nouns that tell a person's gender.
_FEMALE = r"Mrs|Ms|Miss|Dame|Lady|Baroness|spokeswoman|chairwoman|businesswoman|congresswoman"
_MALE = r"Mr|Sir|Lord|Baron|spokesman|chairman|businessman|congressman"


def _title_case(text: str) -> bool:
    """A Title Case Headline: short, no final stop, and (nearly) every word capitalised."""
    words = [w for w in text.split() if w[:1].isalpha()]
    if len(words) < 3 or len(words) > 16 or text.rstrip()[-1:] in ".!?":
        return False
    small = {"a", "an", "the", "of", "on", "in", "to", "for", "and", "at", "by", "with", "from"}
    return all(w[0].isupper() or w in small for w in words)


def _spells(short: str, long: str) -> bool:
    """True if a short name is made of its long name's initials, in order ("Nasscom" for "National
    Association of Software and Service Companies")."""
    letters = [w[0].upper() for w in re.split(r"[\s,]+", long) if w and w[0].isupper()]
    rest = short.upper()
    if not letters or letters[0] != rest[0]:
        return False
    position = 0
    for letter in letters[:4]:
        found = rest.find(letter, position)
        if found < 0:
            return False
        position = found + 1
    return True


#: Role nouns a described person goes by ("the chief executive"), a nearer antecedent than a name before.
_PERSON_ROLES = (
    r"chief executive|executive|minister|director|manager|secretary|chairman|chairwoman|boss|head|president"
    r"|officer|spokesman|spokeswoman|official|MP|leader|owner|founder"
)


def _genders(text: str, persons: list[str]) -> dict[str, str]:
    """A person's gender from an honorific or role noun next to the name ("Mrs Hill", "spokeswoman
    Jane Hill"), else from the first personal pronoun after a mention, before any other name."""
    genders: dict[str, str] = {}
    for full in persons:
        surname = re.escape(full.split()[-1])
        near = rf"(?:{{}})\.?\s+(?:[A-Z][\w'’-]+\s+)?{surname}\b"
        if re.search(near.format(_FEMALE), text):
            genders[full] = "f"
        elif re.search(near.format(_MALE), text):
            genders[full] = "m"
    for full in persons:
        if full in genders:
            continue
        for mention in re.finditer(rf"\b{re.escape(full.split()[-1])}\b", text):
            # the same sentence only: a "she" in the next one is what the finder must resolve, not evidence
            window = re.split(r"[.!?¶]\s", text[mention.end() : mention.end() + 160])[0]
            pronoun = re.search(r"\b(?:he|his|him|she|her)\b", window, re.IGNORECASE)
            if pronoun is None:
                continue
            between = window[: pronoun.start()]
            if any(other.split()[-1] in between for other in persons if other != full):
                continue
            if re.search(rf"\bthe\s+(?:[\w'’-]+\s+){{0,2}}(?:{_PERSON_ROLES})\b", between):
                continue  # "X has written to the chief executive asking him ...": "him" is the chief executive
            genders[full] = "f" if pronoun.group().lower() in ("she", "her") else "m"
            break
    return genders


_DOCUMENT_BY = re.compile(
    r"\b(?:report|survey|study|research|poll|analysis|paper)s?\b[^.¶]{0,30}?\b(?:by|from|for|of)\s+"
    r"(?:(?:the|a|an|[a-z-]+)\s+){0,3}(?P<org>[A-Z][\w&'’.-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w&'’.-]*)*)"
)

#: Words that place an article in a country (for "the government").
_COUNTRY_CUES = {
    "UK": r"\b(?:UK|U\.K\.|Britain|British|England|English|Scotland|Wales|London|Whitehall|Westminster)\b",
    "Australian": r"\b(?:Australia|Australian|Aussie|Canberra)\b",
    "US": r"\b(?:US|U\.S\.|USA|America|American|Washington)\b",
    "Irish": r"\b(?:Ireland|Irish|Dublin)\b",
    "French": r"\b(?:France|French|Paris)\b",
    "New Zealand": r"\b(?:New Zealand|NZ)\b",
    "Indian": r"\b(?:India|Indian|Delhi)\b",
}
_COUNTRY_TAGS = r"UK|US|USA|Australia|India|Ireland|America|Europe|Asia|Canada|NZ|Trust|Group|Holdings"


def clean_spaces(text: str) -> str:
    """Collapse whitespace and unify apostrophes (the gold uses straight ones)."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def initials(long_name: str) -> set[str]:
    """Acronyms a long name can go by: "Ministry of Justice" -> {"MJ", "MoJ", "MOJ"}."""
    words = [w for w in re.split(r"[\s-]+", long_name) if w]
    big = "".join(w[0] for w in words if w.lower() not in _SMALL)
    mixed = "".join(w[0].lower() if w.lower() in _SMALL else w[0] for w in words if w.lower() != "the")
    result = {big, big.upper(), mixed, mixed.upper()}
    if words and words[-1].lower() == "union":
        result |= {big[:-1], mixed[:-1]}
    return {r for r in result if len(r) >= 2}


def org_kind(name: str) -> str:
    """The kind of an organisation from its name: union, department, company, ..."""
    lower = name.lower()
    if lower in KNOWN_KINDS:
        return KNOWN_KINDS[lower]
    if lower.replace(" ", "-") in KNOWN_KINDS:
        return KNOWN_KINDS[lower.replace(" ", "-")]
    words = set(re.findall(r"[a-z]+", lower))
    if "government" in words:
        return GOVERNMENT
    if "union" in words or "unions" in words:
        return UNION
    if words & {"department", "ministry", "office", "agency", "treasury", "cabinet"}:
        return DEPARTMENT
    return COMPANY


def looks_like_org(phrase: str) -> bool:
    """True if a capitalised phrase names an organisation rather than a person."""
    tokens = [t.lower().strip(".,") for t in phrase.split()]
    if any(t in ORG_WORDS for t in tokens):
        return True
    return bool(len(tokens) == 1 and _ACRONYM.fullmatch(phrase.strip()))


def strip_roles(phrase: str) -> str:
    """The name inside "PCS general secretary Mark Serwotka" or "Sir Peter Gershon"."""
    tokens = phrase.split()
    # the name is the trailing run of capitalised tokens that are not role words
    name: list[str] = []
    for position, token in enumerate(reversed(tokens)):
        bare = token.strip(",.;:")
        if position == 0:
            bare = re.sub(r"['’]s$", "", bare)  # "Ellen Marsh's administration": the name is Ellen Marsh
        if not bare or not (
            bare[0].isupper()
            or bare in ("de", "van", "von", "der", "den", "du", "da", "del")
            or bare.startswith(("O'", "d'"))
        ):
            break
        initial = re.fullmatch(r"[A-Z]\.", token) is not None  # "Paul A. Samuelson": "A." is no article
        if not initial and (bare.lower() in ROLE_WORDS or _ACRONYM.fullmatch(bare)):
            break
        if "-" in bare and all(
            part in ROLE_WORDS or part in ("elect", "designate") for part in bare.lower().split("-")
        ):
            break  # "President-elect", "Vice-President"
        if bare == SEPARATOR or re.search(r"-(?:based|headquartered|owned|listed)$", bare):
            break  # "Leeds-headquartered Corvel" is an organisation's descriptor, not a first name
        name.append(bare)
    return drop_initials(" ".join(reversed(name[:4])))


def drop_initials(name: str) -> str:
    """ "James E. McGreevey" -> James McGreevey, "N Gregory Mankiw" -> Gregory Mankiw: the label scheme
    drops initials (except :data:`KEEP_INITIALS`); a name that is only initials and a surname stays."""
    tokens = name.split()
    if " ".join(t.rstrip(".") for t in tokens) in KEEP_INITIALS:
        return KEEP_INITIALS[" ".join(t.rstrip(".") for t in tokens)]
    kept = [t for t in tokens if not re.fullmatch(r"[A-Z]\.?", t)]
    return " ".join(kept[-3:]) if len(kept) >= 2 else " ".join(tokens[-3:])


@dataclass
class Entity:
    """One source of the article: canonical name, type and (for orgs) kind."""

    name: str
    type: str
    kind: str = ""
    aliases: set[str] = field(default_factory=set)


@dataclass
class EntityBook:
    """All sources an article names, and how its mentions map to canonical names.

    Built once per article from all its sentences (:meth:`from_texts`), so a
    mention early in the article can resolve against a definition later on
    ("a trade union has warned" ... "the PCS union said").
    """

    text: str = ""
    abbreviations: dict[str, str] = field(default_factory=dict)
    acronyms: set[str] = field(default_factory=set)
    persons: list[str] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)
    org_counts: Counter[str] = field(default_factory=Counter)
    described_orgs: set[str] = field(default_factory=set)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> EntityBook:
        # a separator no name pattern crosses: "... to Pune" + "Aviva said" must not make "Pune Aviva"
        texts = list(texts)
        text = f" {SEPARATOR} ".join(clean_spaces(t) for t in texts)
        book = cls(text=text)
        for match in _ABBREV.finditer(text):
            long = re.sub(r"^(?:The|the|A|An)\s+", "", match.group("long"))
            # keep the tail that the acronym spells ("... Pensions (DWP)" -> the words it stands for)
            words = long.split()
            short = match.group("short")
            candidates = [" ".join(words[start:]) for start in range(len(words))]
            exact = [c for c in candidates if short in initials(c) or short in initials(c + " Union")]
            loose = [c for c in candidates if len(c.split()) >= 3 and _spells(short, c)]  # "NASSCOM"
            for candidate in (exact or loose)[:1]:
                book.abbreviations[candidate.lower()] = short
                if match.group("union"):
                    book.abbreviations[(candidate + " union").lower()] = short
        for match in _ABBREV_REVERSED.finditer(text):  # "Nasscom (National Association of ...)"
            short, long = match.group("short"), match.group("long")
            if _spells(short, long):
                book.abbreviations[long.lower()] = short
        book.acronyms = {m.group() for m in _ACRONYM.finditer(text)}
        book.described_orgs = {m.group("name") for m in _DESCRIBED_ORG.finditer(text)}
        # a Title Case Headline capitalises every word: its runs are no names ("State Work Done Offshore")
        prose = f" {SEPARATOR} ".join("" if _title_case(t) else clean_spaces(t) for t in texts)
        for match in _PERSON_RUN.finditer(prose):
            name = strip_roles(match.group())
            if len(name.split()) >= 2 and not looks_like_org(name) and not book._not_a_name(name):
                if name not in book.persons:
                    book.persons.append(name)
        book.genders = _genders(text, book.persons)
        return book

    def kind(self, name: str) -> str:
        """An organisation's kind, from the long form the article defines for it if any."""
        kinds = {org_kind(long) for long, short in self.abbreviations.items() if short == name}
        kinds.add(org_kind(name))
        if re.search(rf"\b{re.escape(name)}\s+union\b", self.text, re.IGNORECASE):  # "the Amicus union"
            kinds.add(UNION)
        if re.search(rf"\b{re.escape(name)},\s+(?:[\w'’-]+\s+){{0,4}}(?:trade\s+)?union\b", self.text):
            kinds.add(UNION)  # "IG Metall, Germany's biggest industrial union"
        for kind in (UNION, DEPARTMENT, GOVERNMENT):  # a kind word anywhere beats the default
            if kind in kinds:
                return kind
        return COMPANY

    def described(self, modifiers: list[str], noun: str) -> str | None:
        """The organisation a headline describes by its own words: "Pensions agency" is the Pensions and
        Benefits Agency (PBA) the body names; every modifier and the head noun must be in its long name."""
        for long, short in self.abbreviations.items():
            words = long.lower().split()
            if words and words[-1] == noun.lower() and all(m.lower() in words for m in modifiers):
                return short
        return None

    def _longer_with(self, head: str) -> str | None:
        """The article's organisation whose long name holds a capitalised head noun ("the Association")."""
        for long, short in self.abbreviations.items():
            if re.search(rf"\b{head.lower()}\b", long):
                return short
        runs = Counter(
            m.group()
            for m in re.finditer(
                rf"\b(?:[A-Z][\w&'’.-]*\s+(?:(?:of|for|and)\s+)?)+{head}\b(?:\s+of\s+[A-Z][\w'’-]*)?", self.text
            )
            if not re.search(r"['’]s\b", m.group())
        )
        runs = Counter({re.sub(r"^(?:The|A|An)\s+", "", run): n for run, n in runs.items()})
        runs.pop(head, None)
        if runs:
            return self.organisation(runs.most_common(1)[0][0])
        return None

    def document_author(self) -> Entity | None:
        """The organisation the article names as a document's author ("the report, by research firm
        ContactBabel", "a survey by the CBI"), so "a new report showed" resolves even before it is named."""
        match = _DOCUMENT_BY.search(self.text)
        if match is None:
            return None
        name = self.organisation(match.group("org"))
        return Entity(name, ORGANISATION, self.kind(name))

    def home_government(self) -> str:
        """ "The government" of an article: its home country's, by the country the article names most
        (the receiving country only when the article is mostly about it)."""
        counts = {country: len(re.findall(pattern, self.text)) for country, pattern in _COUNTRY_CUES.items()}
        home = max((c for c in counts if c != "Indian"), key=lambda c: counts[c])
        if counts["Indian"] > 2 * counts[home] or counts[home] == 0:
            home = "Indian" if counts["Indian"] else "UK"
        return f"{home} government"

    def _not_a_name(self, name: str) -> bool:
        if name in self.described_orgs:
            return True  # "Harlow Direct, which runs ...": the article shows it is no person
        tokens = name.split()
        if any(t.lower() in _NOT_NAME for t in tokens):
            return True
        # place and adjective words that are capitalised only at a sentence start are rare in names
        return any(t.lower() in self.abbreviations for t in tokens)

    def administration(self) -> str | None:
        """ "<surname> administration" for the governor or president the article names (the label
        scheme's name for a state government acting through its head's officials)."""
        for role in ("governor", "president"):
            head = self.person_with_role(role)
            if head:
                return f"{head.split()[-1]} administration"
        return None

    def person_with_role(self, role: str) -> str | None:
        """The first person the article names with this role word in front ("Gov. Dana Whitcombe" for a
        headline's "Governor"), so a headline's description resolves to the name given later."""
        alternatives = [re.escape(role)] + [re.escape(a) for a in _ROLE_ABBREVIATIONS.get(role, ())]
        title = rf"\b(?i:{'|'.join(alternatives)})\.?\s+(?:[A-Z][\w.'’-]*\s+){{0,3}}?"
        found = []
        for full in self.persons:
            first, last = re.escape(full.split()[0]), re.escape(full.split()[-1])
            match = re.search(rf"{title}{first}\b(?:\s+[\w.'’-]+){{0,2}}?\s+{last}\b", self.text)
            if match:
                found.append((match.start(), full))
        return min(found)[1] if found else None

    def person(self, phrase: str) -> str | None:
        """The full name of a person mention, or None if it is not a person."""
        name = strip_roles(clean_spaces(phrase))
        if not name or self._not_a_name(name):
            return None
        tokens = name.split()
        honorific = re.match(r"(?:Sir|Dame|Lord|Lady)\s+(\S+)$", clean_spaces(phrase).split(", ")[0].strip())
        if len(tokens) == 1 and honorific:  # "Sir Keith" is Sir Keith Whitson
            for full in self.persons:
                if full.split()[0] == honorific.group(1):
                    return full
        if len(tokens) == 1:
            for full in self.persons:
                if full.split()[-1] == tokens[0]:
                    return full
            return None
        for full in self.persons:  # "N Gregory Mankiw" -> "Gregory Mankiw"
            if name.endswith(" " + full):
                return full
        for full in self.persons:  # a longer form known elsewhere ("Dennis Hastert" vs "Hastert")
            if full.endswith(name) and len(full) > len(name):
                return full
        return name

    def organisation(self, phrase: str) -> str:
        """The article's short name for an organisation mention."""
        name = clean_spaces(phrase)
        defined = re.search(r"\((?P<short>[A-Z][A-Za-z&]{1,9})\)", name)
        if defined:  # "the Public and Commercial Services (PCS) union" names itself
            return defined.group("short")
        name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.IGNORECASE)
        lead = re.match(r"^(?:More|Some|Many|Most|All|Other|Another|New)\s+(?=[A-Z])", name)
        if lead and len(re.findall(rf"\b{re.escape(name)}\b", self.text)) < 2:
            name = name[lead.end() :]  # a headline's "More BT jobs"; "New Harbour Telecom" twice is a name
        name = re.sub(r"['’]s$", "", name)
        # "Armonk, N.Y.-based IBM", "Leeds-headquartered Corvel": the place is a descriptor
        name = re.sub(r"^(?:[A-Z][\w.]*,?\s+)*[A-Z][\w.]*-(?:based|headquartered|owned|listed)\s+", "", name)
        # a wire story's upper-case lead descriptor ("INSURANCE GROUP Halden"): not part of the name
        lead = re.match(r"^(?:[A-Z]{2,}\s+)+(?=[A-Z][a-z])", name)
        if lead and all(w.lower() in ORG_WORDS or w.lower() in _DESCRIPTORS for w in lead.group().split()):
            name = name[lead.end() :]
        name = re.sub(r"^(?P<name>[A-Z][\w&'’.-]*)\s+the\s+[Uu]nion$", r"\g<name>", name)  # "Unite the Union"
        name = re.sub(
            r"^(?:UK|US|Britain|America|India|Australia|Germany|France|Ireland|Canada|Japan|China|Norway|Sweden|"
            r"Denmark|Europe)['’]s\s+",
            "",
            name,
        )  # "the UK's Barclays Bank"  # "Armonk, N.Y.-based IBM"
        name = re.sub(r"^(?P<name>[A-Z][\w&'’.-]*)\s+union$", r"\g<name>", name)  # "Amicus union" -> Amicus
        compounds = Counter(re.findall(rf"\b{re.escape(name)}-[A-Z][A-Za-z]+\b", self.text)) if name else Counter()
        if compounds and sum(compounds.values()) > len(re.findall(rf"\b{re.escape(name)}\b(?!-)", self.text)):
            name = compounds.most_common(1)[0][0]  # the article mostly says "IEEE-USA", not "IEEE"
        lower = name.lower()
        if re.fullmatch(r"(?:uk|british)\s+government", lower):
            return "UK government"
        if re.fullmatch(r"(?:the\s+)?government", lower):
            return "government"
        if lower in self.abbreviations:
            return self.abbreviations[lower]
        for long, short in self.abbreviations.items():  # a later, shorter mention of a long name
            if len(name.split()) >= 2 and long.endswith(" " + lower):
                return short
        if re.fullmatch(r"[A-Z][a-z]+", name) and lower in ORG_WORDS:  # "the Association", "the Council"
            longer = self._longer_with(name)
            if longer:
                return longer
        country = re.fullmatch(
            rf"(?P<base>[A-Z][\w&'’.-]*(?:\s+(?:of\s+)?[A-Z][\w&'’.-]*)*?)\s+(?:{_COUNTRY_TAGS})", name
        )
        if country and re.search(rf"\b{re.escape(country.group('base'))}\b(?!\s+(?:{_COUNTRY_TAGS}))", self.text):
            return country.group("base")  # "Santander UK" where the article also says "Santander"
        without_union = re.sub(r"\s+union$", "", name, flags=re.IGNORECASE)
        if without_union != name and (without_union in self.acronyms or without_union.lower() in self.abbreviations):
            return self.abbreviations.get(without_union.lower(), without_union)
        stripped = _SUFFIXES.sub("", name)
        if stripped != name and (re.search(rf"\b{re.escape(stripped)}\b", self.text) or "NHS" in name):
            name = stripped
        for acronym in sorted(self.acronyms - NOT_ORG_ACRONYMS):
            if len(name.split()) > 1 and acronym in initials(name):
                self.abbreviations.setdefault(name.lower(), acronym)  # remember the long form ("the bank" needs it)
                return acronym
        for acronym in sorted(initials(name)) if len(name.split()) > 2 else ():
            if acronym.lower() in KNOWN_KINDS:  # a well-known body the article spells out ("CWU")
                return acronym
        before = re.search(rf"\b(?P<first>[A-Z][\w'’-]+),\s+{re.escape(name)}\b", self.text)
        if before and len(name.split()) >= 2 and name.split()[-1] in ORG_TITLE_WORDS:
            full = f"{before.group('first')}, {name}"  # "The Engineering, Printing and Manufacturing Union"
            for acronym in sorted(self.acronyms | {a.upper() for a in KNOWN_KINDS}):
                if acronym in initials(full.replace(",", "")):
                    return acronym
            return full
        if len(name.split()) > 2 and name.split()[-1].lower() == "union":
            # "the Public and Commercial Union" for the article's PCS: its initials start the acronym
            spelled = initials(" ".join(name.split()[:-1]))
            for acronym in sorted(self.acronyms):
                if org_kind(acronym) == UNION and any(len(p) >= 2 and acronym.startswith(p) for p in spelled):
                    return acronym
        words = name.split()
        if len(words) > 1 and _COUNCIL_TAIL.fullmatch(" ".join(words[1:])):
            return name  # "Dunmore District Council": the place word alone names the town, not its council
        if len(words) > 1 and words[0][:1].isupper() and words[0].lower() not in ORG_WORDS:
            # "ABBEY National" in an article that otherwise says "Abbey": the article's short name
            alone = re.findall(rf"\b{re.escape(words[0])}\b(?!\s+{re.escape(words[1])})", self.text, re.IGNORECASE)
            alone = [a for a in alone if a[0].isupper()]  # "call centre" is no mention of "Call Telecom"
            whole = re.findall(rf"\b{re.escape(name)}\b", self.text, re.IGNORECASE)
            if len(alone) > len(whole):
                return Counter(alone).most_common(1)[0][0]
            if alone and len(words) == 2 and words[1].lower() in _SECTOR_TAILS:
                return Counter(alone).most_common(1)[0][0]  # "Tarn Telecom" that the article also calls "Tarn"
        # a short form used elsewhere in the article ("BT Group" -> "BT")
        head = name.split()[0] if name.split() else name
        if len(name.split()) > 1 and head.isupper() and len(head) >= 2 and head in self.acronyms:
            if name.split()[1] in ("Group", "Retail", "plc", "Plc"):
                return head
        return name
