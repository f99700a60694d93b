"""Reading and writing JSON Lines safely.

Reads report ``FILE:LINE`` for every problem. Writes never leave a file
half-written: whole-file writes go to a temporary file in the same folder
and are renamed over the target (atomic on POSIX), and appends are flushed
and fsynced record by record, so a process killed mid-write leaves every
earlier record readable.

A torn last line: the one thing a killed (or crashed) appender can leave is
a final line with no newline that is not valid JSON. That record was never
acknowledged (:func:`append_jsonl` had not returned), so readers skip it with
a :class:`~stance.errors.StanceWarning` naming the file and line, and the
next append moves its bytes to ``<file>.torn`` before writing, so the file
never holds a broken line in the middle. A bad line anywhere else, or a
final line that ends with a newline, is corruption and raises a located
:class:`~stance.errors.StanceError`.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from stance.errors import StanceError, StanceWarning


def iter_jsonl(path: str | Path, *, allow_torn_tail: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, record)`` for each non-blank line of ``path``.

    With ``allow_torn_tail`` (the default), an unparseable final line without
    a newline is skipped with a warning: that is exactly what a killed
    appender leaves behind (see the module docstring). Pass ``False`` to
    treat it as an error too.
    """
    path = Path(path)
    try:
        handle = path.open("rb")  # bytes: a torn line may end inside a UTF-8 character
    except FileNotFoundError:
        raise StanceError("file not found", path=path) from None
    except IsADirectoryError:
        raise StanceError("is a folder, not a JSONL file", path=path) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):  # an editor's byte-order mark
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                if allow_torn_tail and not raw.endswith(b"\n"):
                    warnings.warn(
                        StanceWarning(
                            "skipped a torn last line (an interrupted write); the next append moves it to "
                            f"{_torn_path(path).name}",
                            path=path,
                            line=number,
                        ),
                        stacklevel=2,
                    )
                    return
                if isinstance(exc, UnicodeDecodeError):
                    raise StanceError(
                        f"not UTF-8 text (bad byte {exc.object[exc.start]:#04x} at byte {exc.start + 1} of the line)",
                        path=path,
                        line=number,
                    ) from None
                raise StanceError(f"bad JSON: {exc.msg} (column {exc.colno})", path=path, line=number) from None
            if not isinstance(record, dict):
                raise StanceError("expected a JSON object", path=path, line=number)
            yield number, record


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

    Each record is one ``write`` of a whole line, so a kill leaves at most the
    last line torn. Before writing, a final line without a newline is
    repaired: if it is valid JSON (a hand-edited file) a newline is added; if
    not (a torn record) its bytes are moved to ``<file>.torn`` and cut off,
    so that every line before the new records is whole.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("a+b") as handle:
        _repair_tail(path, handle)
        for record in records:
            handle.write((_dumps(record) + "\n").encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
            count += 1
    return count


def _torn_path(path: Path) -> Path:
    return path.with_name(path.name + ".torn")


def _repair_tail(path: Path, handle: BinaryIO) -> None:
    """Make the file end with a whole line (see :func:`append_jsonl`)."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return
    handle.seek(size - 1)
    if handle.read(1) == b"\n":
        return
    start = size
    while start > 0:  # find the start of the last line, reading backwards
        step = min(4096, start)
        handle.seek(start - step)
        chunk = handle.read(step)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            start = start - step + cut + 1
            break
        start -= step
    handle.seek(start)
    tail = handle.read()
    try:
        whole = isinstance(json.loads(tail.decode("utf-8")), dict)
    except (UnicodeDecodeError, json.JSONDecodeError):
        whole = False
    if whole or not tail.strip():
        handle.write(b"\n")
    else:
        with _torn_path(path).open("ab") as torn:
            torn.write(tail + b"\n")
            torn.flush()
            os.fsync(torn.fileno())
        handle.truncate(start)
        warnings.warn(
            StanceWarning(f"moved a torn last line to {_torn_path(path).name}", path=path, line=None),
            stacklevel=3,
        )
    handle.flush()
    os.fsync(handle.fileno())


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
