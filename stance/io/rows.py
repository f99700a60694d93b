"""Read sentences from the files users have: .txt, .jsonl and .csv, streamed.

Prediction and training on outside data both start from a file of rows. The
readers yield one record at a time so a million-line input never sits in
memory, and every problem names the file, the line and the field.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stance.errors import StanceError
from stance.io.jsonl import iter_jsonl
from stance.schema import STANCES

FORMATS = ("txt", "jsonl", "csv")


def input_format(path: Path) -> str:
    """The format of ``path`` from its suffix (``.json`` lines count as jsonl)."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("csv", "tsv"):
        return "csv"
    if suffix in ("txt", "text", ""):
        return "txt"
    raise StanceError(f"unknown input format {path.suffix!r}; use .txt, .jsonl or .csv", path=path)


def _iter_txt(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with path.open("r", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                text = line.strip()
                if text:
                    yield number, {"text": text}
    except UnicodeDecodeError:
        raise StanceError("not UTF-8 text", path=path) from None


def _iter_csv(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=delimiter)
            if reader.fieldnames is None:
                return
            if "text" not in reader.fieldnames:
                raise StanceError(
                    f"missing column; the header has: {', '.join(reader.fieldnames)}", path=path, line=1, field="text"
                )
            for record in reader:
                if None in record:
                    raise StanceError("more values than columns", path=path, line=reader.line_num)
                yield reader.line_num, {k: (v if v != "" else None) for k, v in record.items()}
    except UnicodeDecodeError:
        raise StanceError("not UTF-8 text", path=path) from None
    except csv.Error as exc:
        raise StanceError(f"bad CSV: {exc}", path=path) from None


def iter_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line, record)`` from a .txt, .jsonl or .csv file; each record has a non-empty ``text``."""
    path = Path(path)
    if not path.is_file():
        raise StanceError("file not found" if not path.exists() else "not a file", path=path)
    fmt = input_format(path)
    source = _iter_txt(path) if fmt == "txt" else _iter_csv(path) if fmt == "csv" else iter_jsonl(path)
    for line, record in source:
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise StanceError("missing or empty text", path=path, line=line, field="text")
        for name in ("speaker", "context"):
            value = record.get(name)
            if value is not None and not isinstance(value, str):
                raise StanceError(f"expected a string, got {type(value).__name__}", path=path, line=line, field=name)
        yield line, record


def read_labelled(path: str | Path) -> list[dict[str, Any]]:
    """Training rows from a labelled .jsonl or .csv: ``text``, ``stance``, optional ``speaker``, ``context``.

    Unlike prediction input, a labelled file must carry a valid stance on
    every row: a row skipped here would be a label silently lost.
    """
    path = Path(path)
    if input_format(path) == "txt":
        raise StanceError("labelled data needs columns: use .jsonl or .csv with text and stance", path=path)
    rows: list[dict[str, Any]] = []
    for line, record in iter_records(path):
        stance = record.get("stance")
        if stance not in STANCES:
            what = "missing stance" if stance is None else f"unknown stance {stance!r}"
            raise StanceError(f"{what}; allowed: {', '.join(STANCES)}", path=path, line=line, field="stance")
        rows.append(record)
    if not rows:
        raise StanceError("no labelled rows", path=path)
    return rows
