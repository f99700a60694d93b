"""What every format reader returns: numbered records, and the helpers that build them.

A reader turns a tool's file into ``(record number, outcome)`` pairs without
judging the labels; :func:`stance.annotate.formats.read_labels` validates
them all and only then imports anything. Keeping the outcome explicit (a
label's fields, no label, a label we exported coming back unchanged, a
disagreement left out, or the problem found) is what lets the import report
say exactly why a record gave no label.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeAlias

from stance.errors import StanceError

#: The record is a label we exported ourselves, come back unchanged: not the importer's label.
EXPORTED = "exported"
#: Two annotators of the tool disagree and the policy says to leave the sentence out.
DISAGREEMENT = "disagreement"

# (record number, fields | None for "no label here" | EXPORTED | DISAGREEMENT | the problem found reading it)
Outcome: TypeAlias = "dict[str, Any] | StanceError | str | None"
Record = tuple[int, Outcome]


def read_text(path: Path, *, encoding: str = "utf-8") -> str:
    """A whole text file, with a one-line error naming it when it is missing or not UTF-8."""
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise StanceError("file not found", path=path) from None
    except UnicodeDecodeError:
        raise StanceError("not UTF-8 text", path=path) from None


def load_json(path: Path) -> Any:
    """A whole JSON file, with a located error for a missing, non-UTF-8 or malformed file."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise StanceError(f"bad JSON: {exc.msg} (column {exc.colno})", path=path, line=exc.lineno) from None


def load_jsonl(path: Path) -> list[tuple[int, Any]]:
    """``(line number, value)`` of every non-blank line of a JSON Lines file."""
    text = read_text(path)
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise StanceError(f"bad JSON: {exc.msg} (column {exc.colno})", path=path, line=number) from None
    return rows


def need_object(value: Any, path: Path, number: int) -> dict[str, Any] | StanceError:
    """The value if it is a JSON object, else the located problem."""
    if not isinstance(value, dict):
        return StanceError("expected a JSON object", path=path, line=number)
    return value


def one_stance(values: Any) -> Any:
    """The single stance in a tool's list of chosen labels; anything else is left for validation to reject."""
    if isinstance(values, list) and len(values) == 1:
        return values[0]
    return repr(values)


def first(*values: Any) -> Any:
    """The first value that is neither missing nor empty."""
    return next((v for v in values if v not in (None, "")), None)
