"""Gold labels: reading, validating and writing ``annotations/gold.jsonl``.

One record per sentence, keyed by ``sent_id``: speaker, speaker_type, stance,
annotator and an optional note. Validation names the file, line and field
of the first problem, and lists the allowed values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from stance.errors import StanceError
from stance.io.jsonl import iter_jsonl, write_jsonl
from stance.paths import Root
from stance.schema import AUTHOR, SPEAKER_TYPES, STANCES, Label

LABEL_REQUIRED = ("sent_id", "speaker", "speaker_type", "stance", "annotator")


def validate_label(
    record: Mapping[str, Any],
    *,
    path: str | Path | None = None,
    line: int | None = None,
    known_ids: set[str] | None = None,
) -> Label:
    """Turn one JSON record into a :class:`Label`, or raise a located error."""
    for name in LABEL_REQUIRED:
        value = record.get(name)
        if not isinstance(value, str) or not value.strip():
            raise StanceError("missing or empty field", path=path, line=line, field=name)
    if record["stance"] not in STANCES:
        raise StanceError(
            f"unknown stance {record['stance']!r}; allowed: {', '.join(STANCES)}", path=path, line=line, field="stance"
        )
    if record["speaker_type"] not in SPEAKER_TYPES:
        raise StanceError(
            f"unknown speaker_type {record['speaker_type']!r}; allowed: {', '.join(SPEAKER_TYPES)}",
            path=path,
            line=line,
            field="speaker_type",
        )
    if (record["speaker"] == AUTHOR) != (record["speaker_type"] == AUTHOR):
        raise StanceError(
            "speaker 'author' goes with speaker_type 'author' and only with it",
            path=path,
            line=line,
            field="speaker_type",
        )
    note = record.get("note")
    if note is not None and not isinstance(note, str):
        raise StanceError("expected a string", path=path, line=line, field="note")
    if known_ids is not None and record["sent_id"] not in known_ids:
        raise StanceError(f"label for unknown sentence {record['sent_id']!r}", path=path, line=line, field="sent_id")
    extra = {k: v for k, v in record.items() if k not in (*LABEL_REQUIRED, "note")}
    return Label(
        sent_id=record["sent_id"],
        speaker=record["speaker"].strip(),
        speaker_type=record["speaker_type"],
        stance=record["stance"],
        annotator=record["annotator"],
        note=note,
        extra=extra,
    )


def load_labels(path: str | Path, *, known_ids: set[str] | None = None) -> dict[str, Label]:
    """Read a labels file (one label per sentence); refuse duplicates."""
    path = Path(path)
    labels: dict[str, Label] = {}
    if not path.exists():
        return labels
    for line, record in iter_jsonl(path):
        label = validate_label(record, path=path, line=line, known_ids=known_ids)
        if label.sent_id in labels:
            raise StanceError(f"duplicate label for {label.sent_id!r}", path=path, line=line, field="sent_id")
        labels[label.sent_id] = label
    return labels


def load_gold(root: Root, *, known_ids: set[str] | None = None) -> dict[str, Label]:
    """The gold labels of a project root, checked against the sentence table if given."""
    return load_labels(root.gold_file, known_ids=known_ids)


def write_labels(path: str | Path, labels: Iterable[Label], *, order: list[str] | None = None) -> int:
    """Atomically rewrite a labels file, in sentence-table order when ``order`` is given."""
    items = list(labels)
    if order is not None:
        rank = {sid: i for i, sid in enumerate(order)}
        items.sort(key=lambda lab: rank.get(lab.sent_id, len(rank)))
    return write_jsonl(path, [label.to_dict() for label in items])
