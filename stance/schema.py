"""The data model: label values, speaker types and the records on disk.

This module is the single place that knows field names and allowed values;
readers validate against it so that a typo in a hand-edited file is caught
with its file and line rather than surfacing as a wrong count later.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

STANCES: tuple[str, ...] = ("pro", "anti", "neutral")
SPEAKER_TYPES: tuple[str, ...] = ("person", "organisation", "author")
AUTHOR = "author"
ORIGINS: tuple[str, ...] = ("source", "added")
#: The collections this project ships; a user's own articles default to ``user``
#: (any slug is allowed, so a researcher can name a batch of their own).
COLLECTIONS: tuple[str, ...] = ("seed", "corpus-extra", "corpus-more", "user")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def sent_id(article: str, index: int) -> str:
    """The stable id of a sentence: article id and its index in the article."""
    return f"{article}:{index:03d}"


@dataclass(frozen=True)
class Article:
    """One news article in corpus/ (its raw text lives in ``<id>.txt``)."""

    id: str
    title: str
    source_file: str
    sha256: str
    origin: str = "added"
    publication: str | None = None
    date: str | None = None
    source: str | None = None
    title_note: str | None = None
    #: Which batch the article came in with (``seed``, ``corpus-extra``,
    #: ``corpus-more`` or a user's own slug): the unit of the train-on-some,
    #: test-on-others protocol.
    collection: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article, with its character span in the raw text."""

    sent_id: str
    article: str
    index: int
    paragraph: int
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Label:
    """A gold (or annotator) label for one sentence."""

    sent_id: str
    speaker: str
    speaker_type: str
    stance: str
    annotator: str
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        record = {k: v for k, v in asdict(self).items() if k != "extra"}
        if record["note"] is None:
            del record["note"]
        record.update(self.extra)
        return record
