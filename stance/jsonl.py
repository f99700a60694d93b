"""Reading and writing JSON Lines safely.

Reads report ``FILE:LINE`` for every problem. Writes never leave a file
half-written: whole-file writes go to a temporary file in the same folder
and are renamed over the target (atomic on POSIX), and appends are flushed
and fsynced record by record, so a process killed mid-write leaves every
earlier record readable.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from stance.errors import StanceError


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, record)`` for each non-blank line of ``path``.

    A final line without a newline that is not valid JSON is what a killed
    appender leaves behind; it is still reported, because silently dropping
    a label is worse than asking the user to look.
    """
    path = Path(path)
    try:
        handle = path.open("r", encoding="utf-8")
    except FileNotFoundError:
        raise StanceError("file not found", path=path) from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise StanceError(f"bad JSON: {exc.msg} (column {exc.colno})", path=path, line=number) from None
                if not isinstance(record, dict):
                    raise StanceError("expected a JSON object", path=path, line=number)
                yield number, record
        except UnicodeDecodeError:
            raise StanceError("not UTF-8 text", path=path) from None


def _dumps(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically (temporary file + fsync + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_jsonl(path: str | Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Atomically replace ``path`` with ``records``; return how many were written."""
    lines = [_dumps(record) + "\n" for record in records]
    atomic_write_text(path, "".join(lines))
    return len(lines)


def append_jsonl(path: str | Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Append ``records`` to ``path``, flushing and fsyncing after each one.

    If the file ends without a newline (a torn last line from a killed
    writer), a newline is written first so the new record starts clean.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("a+b") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() > 0:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")
        for record in records:
            handle.write((_dumps(record) + "\n").encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
            count += 1
    return count


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
