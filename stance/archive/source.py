"""Read an archive of articles (JSONL, CSV or Parquet) in numbered blocks of rows.

An archive can hold millions of articles, and one bad row (no text, bytes
that are not UTF-8, a 5 MB dump pasted into the text field) must not cost
the rest. So every row is decoded and checked on its own: a good row comes
out as an :class:`ArticleRow`, a bad one as a :class:`RowError` carrying the
row number (the line of a JSONL or CSV file, the 1-based row of a Parquet
file) and the id when one could be read.

Work is cut into :class:`Block` s of consecutive rows. :func:`plan_blocks`
finds their boundaries in one cheap pass (newline counting for JSONL, a CSV
parse, Parquet metadata) and :func:`read_block` reads one block from its byte
offset or row range, so a block can be read by any process, any number of
times, with the same rows and row numbers: this is what lets a run resume and
lets Ray read blocks on its workers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from stance.errors import StanceError

ARCHIVE_FORMATS = ("jsonl", "csv", "parquet")
#: Optional per-article fields carried to every sentence row (all strings or null).
METADATA = ("date", "outlet", "title", "url")
#: Longest article text accepted by default: news articles are far shorter, and
#: a text this long is a mis-parsed dump that would stall the splitter.
MAX_CHARS = 1_000_000
BLOCK_ROWS = 500


@dataclass(frozen=True)
class ArticleRow:
    """One good article of the archive."""

    row: int
    id: str
    text: str
    date: str | None = None
    outlet: str | None = None
    title: str | None = None
    url: str | None = None

    def metadata(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in METADATA}


@dataclass(frozen=True)
class RowError:
    """A row that could not be analysed: where it is, its id if known, and what is wrong."""

    row: int
    id: str | None
    field: str
    problem: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def located(self, path: str | Path) -> StanceError:
        """The same problem as a one-line user error ``ARCHIVE:ROW: field: problem (id ...)``."""
        what = self.problem if self.id is None else f"{self.problem} (article {self.id!r})"
        return StanceError(what, path=path, line=self.row, field=self.field)


@dataclass(frozen=True)
class Block:
    """Consecutive rows ``first_row .. first_row + rows - 1`` starting at byte ``offset`` (JSONL, CSV)."""

    index: int
    first_row: int
    rows: int
    offset: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def archive_format(path: Path) -> str:
    """The format of an archive from its suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("csv", "tsv"):
        return "csv"
    if suffix in ("parquet", "pq"):
        return "parquet"
    raise StanceError(f"unknown archive format {path.suffix!r}; use .jsonl, .csv or .parquet", path=path)


def check_archive(path: str | Path) -> Path:
    """The archive's path, or a one-line error if it is missing or not a file."""
    path = Path(path)
    if not path.is_file():
        raise StanceError("file not found" if not path.exists() else "not a file", path=path)
    archive_format(path)
    return path


def fingerprint(path: Path) -> dict[str, Any]:
    """Enough to notice that a resumed run points at a different or changed archive."""
    stat = path.stat()
    return {"path": str(path.resolve()), "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def validate(row: int, record: Any, *, max_chars: int = MAX_CHARS) -> ArticleRow | RowError:
    """Check one decoded record: an object with a string ``id`` and a non-empty ``text``."""
    if not isinstance(record, dict):
        return RowError(row, None, "", f"expected an object, got {type(record).__name__}")
    raw_id = record.get("id")
    article_id = None if raw_id is None else str(raw_id)
    if article_id is None or not article_id.strip():
        return RowError(row, None, "id", "missing or empty id")
    text = record.get("text")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return RowError(row, article_id, "text", f"not UTF-8 (bad byte at offset {exc.start})")
    if text is None or (isinstance(text, str) and not text.strip()):
        return RowError(row, article_id, "text", "missing or empty text")
    if not isinstance(text, str):
        return RowError(row, article_id, "text", f"expected a string, got {type(text).__name__}")
    if len(text) > max_chars:
        return RowError(row, article_id, "text", f"text is {len(text):,} characters; the limit is {max_chars:,}")
    meta: dict[str, str | None] = {}
    for name in METADATA:
        value = record.get(name)
        if value is not None and not isinstance(value, str | int | float):
            return RowError(row, article_id, name, f"expected a string, got {type(value).__name__}")
        meta[name] = None if value is None or value == "" else str(value)
    return ArticleRow(row=row, id=article_id, text=text, **meta)


# -- JSONL -------------------------------------------------------------------------------------


def _jsonl_lines(path: Path, offset: int, end: int | None) -> Iterator[tuple[int, bytes]]:
    """``(byte offset, line)`` from ``offset`` up to ``end``, in binary so each line decodes on its own."""
    with path.open("rb") as handle:
        handle.seek(offset)
        position = offset
        for line in handle:
            if end is not None and position >= end:
                return
            yield position, line
            position += len(line)


def _id_anyway(line: bytes) -> str | None:
    """The id of a line that is not UTF-8, read leniently, so the report can name the article."""
    try:
        record = json.loads(line.decode("utf-8", errors="replace"))
    except json.JSONDecodeError:
        return None
    value = record.get("id") if isinstance(record, dict) else None
    return None if value is None else str(value)


def _decode_jsonl(row: int, line: bytes, max_chars: int) -> ArticleRow | RowError:
    try:
        text = line.decode("utf-8-sig" if row == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return RowError(row, _id_anyway(line), "", f"not UTF-8 (bad byte at offset {exc.start} of the line)")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return RowError(row, None, "", f"not valid JSON: {exc.msg} (column {exc.colno})")
    return validate(row, record, max_chars=max_chars)


def _plan_jsonl(path: Path, block_rows: int) -> list[Block]:
    blocks: list[Block] = []
    start_row, start_offset, count, row, position = 1, 0, 0, 0, 0
    for position, line in _jsonl_lines(path, 0, None):
        row += 1
        if not line.strip():
            continue
        if count == 0:
            start_row, start_offset = row, position
        count += 1
        if count == block_rows:
            blocks.append(Block(len(blocks), start_row, row - start_row + 1, start_offset, position + len(line)))
            count = 0
    if count:
        blocks.append(Block(len(blocks), start_row, row - start_row + 1, start_offset, path.stat().st_size))
    return blocks


def _read_jsonl(path: Path, block: Block, max_chars: int) -> Iterator[ArticleRow | RowError]:
    row = block.first_row - 1
    for _, line in _jsonl_lines(path, block.offset, block.end):
        row += 1
        if line.strip():
            yield _decode_jsonl(row, line, max_chars)


# -- CSV ---------------------------------------------------------------------------------------


class _Lines:
    """Lines of a binary file decoded one by one, keeping the line number and byte offset csv has reached.

    csv pulls as many lines as a quoted field spans, so after each record the
    offset is exactly where the next record starts. Bytes that are not UTF-8
    are kept as surrogates and reported per row, not as a failure of the file.
    """

    def __init__(self, handle: Any, offset: int, line: int) -> None:
        self.handle = handle
        self.offset = offset
        self.line = line

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self.handle.readline()
        if not raw:
            raise StopIteration
        self.offset += len(raw)
        self.line += 1
        return raw.decode("utf-8", errors="surrogateescape")


def _delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() == ".tsv" else ","


def _csv_header(path: Path) -> tuple[list[str], int, int]:
    """Column names, the byte offset and the line number after the header."""
    with path.open("rb") as handle:
        lines = _Lines(handle, 0, 0)
        header = next(csv.reader(lines, delimiter=_delimiter(path)), None)
        if header is None:
            raise StanceError("the archive is empty", path=path)
        header[0] = header[0].lstrip("\ufeff")
        for name in ("id", "text"):
            if name not in header:
                raise StanceError(f"missing column; the header has: {', '.join(header)}", path=path, line=1, field=name)
        return header, lines.offset, lines.line


def _csv_records(path: Path, offset: int, line: int, end: int | None) -> Iterator[tuple[int, int, list[str]]]:
    """``(row, end offset, values)`` of each CSV record from ``offset``, ``row`` being its first line."""
    with path.open("rb") as handle:
        handle.seek(offset)
        lines = _Lines(handle, offset, line)
        reader = csv.reader(lines, delimiter=_delimiter(path))
        while end is None or lines.offset < end:
            first = lines.line + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise StanceError(f"bad CSV: {exc}", path=path, line=first) from None
            yield first, lines.offset, values


def _decode_csv(row: int, header: list[str], values: list[str], max_chars: int) -> ArticleRow | RowError:
    if len(values) > len(header):
        return RowError(row, None, "", f"{len(values)} values for {len(header)} columns")
    record: dict[str, Any] = {}
    for name, value in zip(header, values, strict=False):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return RowError(row, record.get("id"), name, "not UTF-8")
        record[name] = value if value != "" else None
    return validate(row, record, max_chars=max_chars)


def _plan_csv(path: Path, block_rows: int) -> list[Block]:
    _, offset, line = _csv_header(path)
    blocks: list[Block] = []
    count, start_row, start_offset, last_row, position = 0, 0, offset, 0, offset
    for row, end, values in _csv_records(path, offset, line, None):
        if not values:
            position = end
            continue
        if count == 0:
            start_row, start_offset = row, position
        count += 1
        last_row, position = row, end
        if count == block_rows:
            blocks.append(Block(len(blocks), start_row, last_row - start_row + 1, start_offset, end))
            count = 0
    if count:
        blocks.append(Block(len(blocks), start_row, last_row - start_row + 1, start_offset, position))
    return blocks


def _read_csv(path: Path, block: Block, max_chars: int) -> Iterator[ArticleRow | RowError]:
    header, _, _ = _csv_header(path)
    for row, _, values in _csv_records(path, block.offset, block.first_row - 1, block.end):
        if values:
            yield _decode_csv(row, header, values, max_chars)


# -- Parquet -----------------------------------------------------------------------------------


def _parquet(path: Path) -> Any:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a file that is not Parquet
        raise StanceError(f"not a Parquet file: {exc}", path=path) from None


def _plan_parquet(path: Path, block_rows: int) -> list[Block]:
    handle = _parquet(path)
    names = handle.schema_arrow.names
    for name in ("id", "text"):
        if name not in names:
            raise StanceError(f"missing column; the file has: {', '.join(names)}", path=path, field=name)
    total = handle.metadata.num_rows
    return [
        Block(index, first, min(block_rows, total - first + 1))
        for index, first in enumerate(range(1, total + 1, block_rows))
    ]


def _read_parquet(path: Path, block: Block, max_chars: int) -> Iterator[ArticleRow | RowError]:
    """The rows of ``block``, reading only the row groups that overlap it and only the known columns."""
    handle = _parquet(path)
    columns = [c for c in ("id", "text", *METADATA) if c in handle.schema_arrow.names]
    wanted_start, wanted_end = block.first_row - 1, block.first_row - 1 + block.rows
    group_start = 0
    for group in range(handle.metadata.num_row_groups):
        group_rows = handle.metadata.row_group(group).num_rows
        group_end = group_start + group_rows
        if group_end > wanted_start and group_start < wanted_end:
            table = handle.read_row_group(group, columns=columns)
            lo, hi = max(wanted_start, group_start) - group_start, min(wanted_end, group_end) - group_start
            for offset, record in enumerate(table.slice(lo, hi - lo).to_pylist()):
                yield validate(group_start + lo + offset + 1, record, max_chars=max_chars)
        group_start = group_end
        if group_start >= wanted_end:
            return


# -- public ------------------------------------------------------------------------------------


def plan_blocks(path: str | Path, *, block_rows: int = BLOCK_ROWS) -> list[Block]:
    """Cut the archive into blocks of ``block_rows`` rows (blank lines do not count)."""
    if block_rows < 1:
        raise StanceError("must be at least 1", field="--block-size")
    path = check_archive(path)
    fmt = archive_format(path)
    if fmt == "jsonl":
        return _plan_jsonl(path, block_rows)
    if fmt == "csv":
        return _plan_csv(path, block_rows)
    return _plan_parquet(path, block_rows)


def read_block(path: str | Path, block: Block, *, max_chars: int = MAX_CHARS) -> list[ArticleRow | RowError]:
    """The rows of one block, each an :class:`ArticleRow` or a :class:`RowError`."""
    path = Path(path)
    fmt = archive_format(path)
    reader = _read_jsonl if fmt == "jsonl" else _read_csv if fmt == "csv" else _read_parquet
    return list(reader(path, block, max_chars))


def iter_rows(path: str | Path, *, max_chars: int = MAX_CHARS) -> Iterator[ArticleRow | RowError]:
    """Every row of the archive, block by block (tests, small archives)."""
    for block in plan_blocks(path):
        yield from read_block(path, block, max_chars=max_chars)
