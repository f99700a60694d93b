"""An annotator's label history: append-only records, folding, and the session lock.

Each annotator owns ``annotations/annotators/NAME.jsonl``. Records are only
ever appended (fsynced one by one), so a crash loses at most the sentence on
screen, and nothing is rewritten: an undo appends a retraction. The current
labels are what :func:`fold_history` makes of that history, and every reader
(the session, agreement, adjudication, export) goes through it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stance.corpus.gold import validate_label
from stance.errors import StanceError
from stance.io.jsonl import append_jsonl, iter_jsonl, read_bytes_bounded
from stance.paths import Root
from stance.schema import Label

LABEL = "label"
RETRACT = "retract"
RECORD_TYPES = (LABEL, RETRACT)
# Bookkeeping fields of history records; they are not part of a label.
_HISTORY_FIELDS = ("type", "time")

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


#: Longest annotator name: it names a file (and a lock file), and file names have a limit.
MAX_NAME_LENGTH = 64


def check_annotator(name: str) -> str:
    """Refuse annotator names that could not be a file name under annotators/."""
    if len(name) > MAX_NAME_LENGTH:
        raise StanceError(
            f"annotator name is {len(name)} characters long; at most {MAX_NAME_LENGTH}", field="annotator"
        )
    if not name or not NAME_RE.fullmatch(name) or name.startswith("."):
        raise StanceError(
            f"annotator name {name!r} is not allowed: use letters, digits, '.', '_' or '-'",
            field="annotator",
        )
    return name


def history_path(root: Root, annotator: str) -> Path:
    """The history file of one annotator."""
    return root.annotators / f"{check_annotator(annotator)}.jsonl"


def list_annotators(root: Root) -> list[str]:
    """Annotators that have a history file, sorted by name."""
    if not root.annotators.is_dir():
        return []
    return sorted(p.stem for p in root.annotators.glob("*.jsonl") if NAME_RE.fullmatch(p.stem))


def now() -> str:
    """UTC time stamp of a record, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def label_record(label: Label, **extra: Any) -> dict[str, Any]:
    """The history record of one label: the label's fields plus type and time."""
    record = {"type": LABEL, **label.to_dict(), "time": now()}
    record.update(extra)
    return record


def retraction_record(sent_id: str, annotator: str) -> dict[str, Any]:
    """A record that withdraws the annotator's latest label for ``sent_id``."""
    return {"type": RETRACT, "sent_id": sent_id, "annotator": annotator, "time": now()}


def append_records(root: Root, annotator: str, records: Iterable[dict[str, Any]]) -> int:
    """Append records to an annotator's history, each fsynced before the next."""
    return append_jsonl(history_path(root, annotator), records)


def read_history(path: str | Path, *, known_ids: set[str] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line, record)`` of a history file, each record validated."""
    path = Path(path)
    for line, record in iter_jsonl(path, allow_torn_tail=True):  # append-only: a kill can tear the last line
        kind = record.get("type", LABEL)
        if kind not in RECORD_TYPES:
            raise StanceError(
                f"unknown record type {kind!r}; allowed: {', '.join(RECORD_TYPES)}", path=path, line=line, field="type"
            )
        if kind == RETRACT:
            if not isinstance(record.get("sent_id"), str) or not record["sent_id"]:
                raise StanceError("missing or empty field", path=path, line=line, field="sent_id")
        else:
            validate_label(record, path=path, line=line, known_ids=known_ids)
        yield line, record


def fold_history(path: str | Path, *, known_ids: set[str] | None = None) -> dict[str, Label]:
    """The current labels of a history: labels minus retractions, last one wins.

    Labels for one sentence form a stack: a new label goes on top, a
    retraction takes the top one off, so undoing a relabel brings the earlier
    label back. A missing file is an annotator with no labels yet.
    """
    path = Path(path)
    if not path.exists():
        return {}
    stacks: dict[str, list[Label]] = {}
    for _, record in read_history(path, known_ids=known_ids):
        sid = record["sent_id"]
        if record.get("type", LABEL) == RETRACT:
            if stacks.get(sid):
                stacks[sid].pop()
            continue
        clean = {k: v for k, v in record.items() if k not in _HISTORY_FIELDS}
        stacks.setdefault(sid, []).append(validate_label(clean))
    return {sid: stack[-1] for sid, stack in stacks.items() if stack}


def standing_order(path: str | Path, *, known_ids: set[str] | None = None) -> list[str]:
    """Sentence ids of the labels still in effect, in the order they were given (the last label last).

    One id per label on a sentence's stack, as :func:`fold_history` keeps
    them, so undo can walk back through earlier sessions as it does in this one.
    """
    path = Path(path)
    if not path.exists():
        return []
    order: list[str] = []
    for _, record in read_history(path, known_ids=known_ids):
        sid = record["sent_id"]
        if record.get("type", LABEL) == RETRACT:
            if sid in order:
                del order[len(order) - 1 - order[::-1].index(sid)]
            continue
        order.append(sid)
    return order


def load_annotator(root: Root, annotator: str, *, known_ids: set[str] | None = None) -> dict[str, Label]:
    """The current labels of one annotator."""
    return fold_history(history_path(root, annotator), known_ids=known_ids)


def load_annotators(
    root: Root, names: Iterable[str] | None = None, *, known_ids: set[str] | None = None
) -> dict[str, dict[str, Label]]:
    """Current labels of several annotators (all that have a file when ``names`` is empty)."""
    chosen = list(names or []) or list_annotators(root)
    result: dict[str, dict[str, Label]] = {}
    for name in chosen:
        path = history_path(root, name)
        if not path.exists():
            available = ", ".join(list_annotators(root)) or "none"
            raise StanceError(f"Can't find annotator {name!r}. Available names: {available}")
        result[name] = fold_history(path, known_ids=known_ids)
    return result


@contextmanager
def annotator_lock(root: Root, annotator: str) -> Iterator[Path]:
    """Hold the annotator's session lock, or refuse if another session holds it."""
    path = root.annotators / f".{check_annotator(annotator)}.lock"
    with file_lock(
        path,
        f"annotator {annotator!r} already has a session open",
        "finish it first, or annotate under another --annotator name",
    ):
        yield path


@contextmanager
def gold_lock(root: Root) -> Iterator[Path]:
    """Hold the lock on the gold file while adjudicating, so two adjudicators can't clobber each other."""
    path = root.annotations / ".gold.lock"
    with file_lock(path, "the gold file is being adjudicated in another session", "finish that session first"):
        yield path


@contextmanager
def file_lock(path: Path, busy: str, advice: str) -> Iterator[None]:
    """An exclusive, non-blocking ``flock`` on ``path``; refuse with ``busy`` and ``advice``.

    The kernel releases a ``flock`` when its holder dies, even by SIGKILL,
    so a crashed session never leaves a stale lock behind; the pid written
    into the file only makes the refusal message useful.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise StanceError(f"{busy} (pid {holder}); {advice}", path=path) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)


MAX_ALIASES_BYTES = 16 << 20


def load_aliases(root: Root) -> dict[str, str]:
    """The project's speaker aliases, ``annotations/speaker_aliases.json`` (``{"alias": "canonical"}``)."""
    path = root.annotations / "speaker_aliases.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(read_bytes_bounded(path, "JSON", limit=MAX_ALIASES_BYTES).decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise StanceError(f"bad JSON: {exc.msg}", path=path, line=exc.lineno) from None
    except UnicodeDecodeError:
        raise StanceError("not UTF-8 text", path=path) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise StanceError('expected an object of "alias": "canonical name" strings', path=path)
    return data
