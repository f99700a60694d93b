"""Reading and writing JSON Lines safely.

Reads report ``FILE:LINE`` for every problem. Writes never leave a file
half-written: whole-file writes go to a temporary file in the same folder
and are renamed over the target (atomic on POSIX), and appends are flushed
and fsynced record by record, so a process killed mid-write leaves every
earlier record readable.

A torn last line: the one thing a killed (or crashed) appender can leave is
a final line with no newline that is not valid JSON. That record was never
acknowledged (:func:`append_jsonl` had not returned), so readers of an
append-only file (``allow_torn_tail=True``: the annotator histories) skip it
with a :class:`~stance.errors.StanceWarning` naming the file and line, and
the next append moves its bytes to ``<file>.torn`` before writing, so the
file never holds a broken line in the middle. A file the tool only rewrites
whole (gold.jsonl, the corpus tables) can't be torn by it, so a bad last line
there is a hand edit gone wrong: like a bad line anywhere else it raises a
located :class:`~stance.errors.StanceError`, and no rewrite drops it.

Whole-file writes keep the target's permission bits (or the umask's default
for a new file): a temporary file is private, the file it replaces is not.
A target that is not a regular file (``/dev/null``, a FIFO, a terminal) is
written through, never renamed over.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO

from stance.errors import StanceError, StanceWarning, StorageError


def iter_jsonl(path: str | Path, *, allow_torn_tail: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, record)`` for each non-blank line of ``path``.

    With ``allow_torn_tail`` (for append-only files), an unparseable final
    line without a newline is skipped with a warning: that is exactly what a
    killed appender leaves behind (see the module docstring). Without it
    (the default) that line is an error like any other bad line.
    """
    path = Path(path)
    handle = open_regular(path, "JSONL")
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
            if "\\ud" in raw.decode("utf-8").lower() and _has_surrogate(record):
                raise StanceError(
                    "a lone surrogate escape (\\udXXX) is not a character; fix the text", path=path, line=number
                )
            yield number, record


def _has_surrogate(value: Any) -> bool:
    """Whether a parsed JSON value holds a lone surrogate, which no UTF-8 writer can write back."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


#: The most a user file may hold; a symlink to /dev/zero or a runaway file must not eat the memory.
MAX_READ = 1 << 30


def open_regular(path: str | Path, kind: str) -> BinaryIO:
    """Open ``path`` for reading in binary, refusing what is not a regular file.

    A FIFO would hang the command and a device (a symlink to ``/dev/zero``)
    would never end, so both are refused up front with one line.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise StanceError("file not found", path=path) from None
    except OSError as exc:
        raise StanceError(f"can't read: {exc.strerror}", path=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise StanceError(f"is a folder, not a {kind} file", path=path)
    if not stat.S_ISREG(info.st_mode):
        raise StanceError(f"not a regular file (a device, FIFO or socket); expected a {kind} file", path=path)
    try:
        return path.open("rb")
    except OSError as exc:
        raise StanceError(f"can't read: {exc.strerror}", path=path) from None


def read_bytes_bounded(path: str | Path, kind: str, *, limit: int = MAX_READ) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`)."""
    with open_regular(path, kind) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise StanceError(f"larger than {limit:,} bytes; not a {kind} file", path=path)
    return data


def _dumps(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically (temporary file + fsync + rename)."""
    with replacing(path) as handle:
        handle.write(text)


class Discard(Exception):
    """Raise inside :func:`replacing` to leave the target untouched (nothing worth writing)."""


def _new_file_mode() -> int:
    """The mode ``open()`` would give a new file: 0666 minus the umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


#: Folders of the kernel's own entries: ``/dev/stdout`` is a link there even when it ends in a regular file.
_SYSTEM = ("/dev/", "/proc/", "/sys/")


def writes_through(path: Path) -> bool:
    """Whether ``path`` must be written in place: not a regular file (``/dev/null``, a FIFO, a tty), or the system's."""
    if str(path.absolute()).startswith(_SYSTEM):
        return True
    try:
        info = path.stat()
    except OSError:
        return False
    return not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode)


@contextmanager
def replacing(path: str | Path, *, newline: str = "\n") -> Iterator[IO[str]]:
    """A text handle whose content replaces ``path`` when the block ends without an error.

    The text goes to a temporary file in the same folder, is fsynced and
    renamed over ``path``, so a crash, a full disk or an exception leaves the
    old file whole; the new file keeps the old one's permission bits (or the
    umask's default). A target that is not a regular file, or lives under
    ``/dev``, ``/proc`` or ``/sys``, is opened and written through instead:
    renaming over ``/dev/null``, ``/dev/stdout`` or a FIFO would replace it.
    A symlink keeps pointing where it did. Errors name ``path``, never the
    temporary file.
    """
    path = Path(path)
    if writes_through(path):
        try:
            with path.open("w", encoding="utf-8", newline=newline) as handle:
                yield handle
        except Discard:
            pass
        except OSError as exc:
            raise _write_error(path, exc) from None
        return
    # A symlink to a regular file: replace the file it points to and keep the link.
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    tmp: str | None = None
    try:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = _new_file_mode()
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        tmp = None
    except Discard:
        pass
    except OSError as exc:
        raise _write_error(path, exc) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    _fsync_dir(target.parent)


def _write_error(path: Path, exc: OSError) -> StorageError:
    """One line naming the file the user asked for (not a temporary file) and what the system said."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if isinstance(exc, (FileExistsError, NotADirectoryError)):  # a file where a folder should be
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            reason = f"{blocker} is a file, not a folder"
    return StorageError(f"can't write: {reason}", path=path)


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
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+b") as handle:
            _repair_tail(path, handle)
            for record in records:
                handle.write((_dumps(record) + "\n").encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
                count += 1
    except OSError as exc:  # a full disk: the records before this one are whole, this one may be torn
        raise _write_error(path, exc) from None
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
