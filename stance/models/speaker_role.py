"""Who a speaker is, not just their name: a coarse role from the name and how the article describes them.

On a new article most speakers are names no model has seen, so a model that
learned name tokens has nothing to go on; "a union official" or "a company
spokesman" carries over from one story to the next. The role is read from
the speaker's name (``PCS`` is a union, ``DWP`` a department: the finder's
gazetteer in :mod:`stance.speakers.names`) and from the words around the
speaker's mentions in the same article ("PCS general secretary Mark
Serwotka", "Kate Bell, an economist at ..."), nearest cue first. Rules, no
model: a role is a hint to the stance model, and a wrong one costs little.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from stance.schema import AUTHOR

#: The roles a speaker can have, as the words a model sees.
ROLES = (
    "author",
    "union",
    "company",
    "government",
    "politician",
    "industry body",
    "analyst",
    "worker",
    "media",
    "person",
    "organisation",
)

#: Role cues: (role, pattern). Matched in the speaker's name and in a window around its mentions.
_CUES: tuple[tuple[str, str], ...] = (
    ("union", r"unions?|general secretary|shop stewards?|tuc|afl-cio|labou?r federation|workers'? federation"),
    (
        "politician",
        r"mps?|meps?|senators?|congress(?:wo)?man|congressmen|lawmakers?|legislators?|candidates?|democrats?"
        r"|republicans?|shadow|opposition|conservatives?|tor(?:y|ies)|labour party|presidential|campaign(?:ing)?"
        r"|parliament(?:ary)?|councillors?|politicians?",
    ),
    (
        "government",
        r"ministers?|ministry|secretary of state|department|government|prime minister|premier|governor|president"
        r"|white house|treasury|cabinet|ambassador|officials?|agency|administration|trade representative",
    ),
    (
        "industry body",
        r"associations?|federation|confederation|chambers? of commerce|industry body|trade body|lobby(?:ing)? group"
        r"|business groups?|employers'? (?:group|body|organisation)|institute of directors|cbi|nasscom|council",
    ),
    (
        "analyst",
        r"analysts?|economists?|professors?|researchers?|academics?|consultan(?:t|cy|ts)|research (?:firm|group)"
        r"|think[- ]tank|experts?|university|institute|fellow|author of|gartner|forrester|idc",
    ),
    ("media", r"newspapers?|press reports?|reports?|journal|times|magazine|broadcaster|editor|columnist"),
    (
        "company",
        r"chief executive|ceo|chair(?:man|woman)?|managing director|director|executive|boss|founder|spokes(?:man|woman"
        r"|person)|company|firm|bank|group|plc|ltd|inc|corp(?:oration)?|operator|insurer|retailer|outsourcer|supplier"
        r"|contractor|manager|head of|vice[- ]president|owner",
    ),
    ("worker", r"workers?|employees?|staff|call centre agents?|engineers?|programmers?|whistleblowers?|members"),
)
_CUE_RES = tuple((role, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for role, pattern in _CUES)
_WINDOW = 80  # characters either side of a mention that may describe the speaker


def _cue_at(text: str) -> list[tuple[int, str]]:
    """(position, role) of every role cue in ``text``."""
    found: list[tuple[int, str]] = []
    for role, pattern in _CUE_RES:
        found.extend((match.start(), role) for match in pattern.finditer(text))
    return found


def _org_role(name: str) -> str | None:
    """The role an organisation's name alone gives (union, government, ...), or None."""
    from stance.speakers.names import DEPARTMENT, GOVERNMENT, UNION, org_kind

    kind = org_kind(name)
    if kind == UNION or re.fullmatch(r"[A-Z]{2,6}U", name) and name != "EU":  # BCGEU, CEPU: "... Union"
        return "union"
    if kind in (DEPARTMENT, GOVERNMENT):
        return "government"
    named = [role for _, role in sorted(_cue_at(name))]
    if named:
        return named[-1]  # the head noun comes last: "Indian software industry association"
    return None


def _mention_keys(speaker: str) -> list[str]:
    """What to look for in the text: the full name, and a person's surname."""
    keys = [speaker]
    parts = speaker.split()
    if len(parts) > 1 and len(parts[-1]) > 2:
        keys.append(parts[-1])
    return keys


_CLAUSE_END = re.compile(r"[\"“”‘’.;:()]|\bsaid\b|\bsays\b|\btold\b")


def _described_as(
    speaker: str, texts: Sequence[str], *, window: int = _WINDOW, appositive_only: bool = False
) -> str | None:
    """The role cue nearest to a mention of ``speaker`` in ``texts`` (the first mention that has one).

    Only the words of the mention's own clause count (up to a quotation mark,
    a full stop or a reporting verb), so "said X, whose union ..." does not
    make X's neighbour a union man.
    """
    for key in _mention_keys(speaker):
        pattern = re.compile(rf"\b{re.escape(key)}\b")
        for text in texts:
            for match in pattern.finditer(text):
                before = text[max(0, match.start() - window) : match.start()]
                after = text[match.end() : match.end() + window]
                cut = list(_CLAUSE_END.finditer(before))
                before = before[cut[-1].end() :] if cut else before
                stop = _CLAUSE_END.search(after)
                after = after[: stop.start()] if stop else after
                if appositive_only:  # "Acme, the outsourcing group," but not "Acme and the union"
                    before = ""
                    after = after if re.match(r",\s+(?:an?|the|which is)\b", after) else ""
                cues = [(len(before) - pos, role) for pos, role in _cue_at(before)]
                cues += [(pos, role) for pos, role in _cue_at(after)]
                if cues:
                    return min(cues)[1]
    return None


def speaker_role(speaker: str, speaker_type: str | None, texts: Sequence[str] = ()) -> str:
    """The role of ``speaker`` (one of :data:`ROLES`), from its name and its mentions in ``texts``."""
    speaker = (speaker or "").strip()
    if not speaker or speaker == AUTHOR or speaker_type == AUTHOR:
        return "author"
    if speaker_type == "organisation" or (speaker_type is None and speaker.isupper()):
        return _org_role(speaker) or _described_as(speaker, texts, window=40, appositive_only=True) or "company"
    named = _org_role(speaker) if not speaker_type else None
    return named or _described_as(speaker, texts) or ("person" if speaker_type == "person" else "organisation")


def speaker_roles(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The role of each row's speaker, read from the rows of the same article (a row alone: its own text).

    Rows with an ``article`` share its sentences and contexts as the text that
    describes a speaker, so "Ms Bell" two paragraphs after "Kate Bell, an
    economist" is still an analyst; one role per (article, speaker).
    """
    texts_of: dict[Any, list[str]] = {}
    for row in rows:
        if row.get("article"):
            texts = texts_of.setdefault(row["article"], [])
            texts.extend(t for t in (row.get("context"), row.get("text")) if isinstance(t, str) and t)
    cache: dict[tuple[Any, str, Any], str] = {}
    roles = []
    for row in rows:
        named = row.get("speaker")
        speaker = named if isinstance(named, str) else ""
        article = row.get("article") or None
        key = (article, speaker, row.get("speaker_type"))
        if article is None or key not in cache:
            texts = texts_of[article] if article else [t for t in (row.get("text"), row.get("context")) if t]
            cache[key] = speaker_role(speaker, row.get("speaker_type"), texts)
        roles.append(cache[key])
    return roles


#: How the speaker reaches a model: its name, its role, or both.
SPEAKER_FORMS = ("name", "role", "role+name")


def speaker_inputs(rows: Sequence[Mapping[str, Any]], form: str) -> list[str]:
    """The speaker part of each row's model input ("" when the row has no speaker)."""
    from stance.errors import StanceError

    if form not in SPEAKER_FORMS:
        raise StanceError(f"unknown speaker form {form!r}; allowed: {', '.join(SPEAKER_FORMS)}", field="speaker_form")
    names = [str(row.get("speaker") or "").strip() for row in rows]
    if form == "name":
        return names
    roles = speaker_roles(rows)
    if form == "role":
        return [role if name else "" for name, role in zip(names, roles, strict=True)]
    return [
        ("" if not name else role if role == name or name == AUTHOR else f"{role} {name}")
        for name, role in zip(names, roles, strict=True)
    ]
