"""Readers for labelled data from outside the corpus, into the rows models read.

Three layouts: TweetEval's (a folder per target with ``{split}_text.txt`` and
``{split}_labels.txt``, ids 0 none, 1 against, 2 favor), SemEval-2016 Task 6's
original files (``Tweet``, ``Target``, ``Stance`` columns, comma- or
tab-separated), and any labelled CSV or JSONL with a column mapping. Every
reader returns rows with ``text`` and ``stance`` (pro/anti/neutral), plus
``speaker``/``target``/``article`` when the file has them, and refuses an
unknown label with its file, line and column instead of dropping the row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stance.errors import StanceError
from stance.io.jsonl import iter_jsonl
from stance.schema import STANCES

#: TweetEval label ids, as in its mapping.txt, and our names for them.
TWEETEVAL_LABELS: dict[str, str] = {"0": "neutral", "1": "anti", "2": "pro"}
STANCE_TO_TWEETEVAL: dict[str, int] = {"neutral": 0, "anti": 1, "pro": 2}
TWEETEVAL_SPLITS: tuple[str, ...] = ("train", "val", "test")

#: SemEval-2016 Task 6 labels and our names for them.
SEMEVAL_LABELS: dict[str, str] = {"AGAINST": "anti", "FAVOR": "pro", "NONE": "neutral"}
#: The usual spellings of the three stances in other datasets.
DEFAULT_LABEL_MAP: dict[str, str] = {
    **{s: s for s in STANCES},
    "against": "anti",
    "favor": "pro",
    "favour": "pro",
    "none": "neutral",
    **SEMEVAL_LABELS,
}


def parse_label_map(spec: str | None) -> dict[str, str]:
    """``"against=anti,favor=pro,none=neutral"`` -> a dict, checked against STANCES."""
    if not spec:
        return dict(DEFAULT_LABEL_MAP)
    mapping: dict[str, str] = {}
    for pair in spec.split(","):
        source, sep, target = pair.partition("=")
        if not sep or not source.strip() or target.strip() not in STANCES:
            raise StanceError(
                f"{pair!r}: expected LABEL=STANCE with STANCE one of {', '.join(STANCES)}", field="--label-map"
            )
        mapping[source.strip()] = target.strip()
    return mapping


def _map_label(value: Any, mapping: Mapping[str, str], *, path: Path, line: int, column: str) -> str:
    key = "" if value is None else str(value).strip()
    if key in mapping:
        return mapping[key]
    allowed = ", ".join(sorted(mapping))
    raise StanceError(
        f"unknown label {key!r}; allowed: {allowed} (map others with --label-map)", path=path, line=line, field=column
    )


def read_tweeteval_split(folder: str | Path, split: str) -> list[dict[str, Any]]:
    """One split of one TweetEval target folder, in file order."""
    folder = Path(folder)
    text_file, label_file = folder / f"{split}_text.txt", folder / f"{split}_labels.txt"
    for needed in (text_file, label_file):
        if not needed.is_file():
            raise StanceError("file not found (TweetEval layout: {split}_text.txt and {split}_labels.txt)", path=needed)
    texts = text_file.read_text(encoding="utf-8").splitlines()
    labels = label_file.read_text(encoding="utf-8").splitlines()
    if len(texts) != len(labels):
        raise StanceError(f"{len(labels)} labels for {len(texts)} texts in {text_file.name}", path=label_file)
    rows = []
    for number, (text, label) in enumerate(zip(texts, labels, strict=True), start=1):
        stance = _map_label(label, TWEETEVAL_LABELS, path=label_file, line=number, column="label")
        if not text.strip():
            raise StanceError("empty text", path=text_file, line=number, field="text")
        rows.append({"text": text.strip(), "stance": stance, "target": folder.name})
    return rows


def tweeteval_targets(data: str | Path) -> list[str]:
    """The target folders of a TweetEval stance directory, sorted."""
    data = Path(data)
    if not data.is_dir():
        raise StanceError("not a directory (expected TweetEval's stance folder)", path=data)
    targets = sorted(p.name for p in data.iterdir() if p.is_dir() and (p / "train_text.txt").is_file())
    if not targets:
        raise StanceError("no target folders with train_text.txt (TweetEval layout)", path=data)
    return targets


def read_table(
    path: str | Path,
    *,
    text_col: str = "text",
    label_col: str = "stance",
    label_map: Mapping[str, str] | None = None,
    speaker_col: str | None = "speaker",
    target_col: str | None = None,
    extra_cols: tuple[str, ...] = ("sent_id", "article", "context"),
) -> list[dict[str, Any]]:
    """Labelled rows from a CSV/TSV (by content) or JSONL (by ``.jsonl`` suffix) file."""
    path = Path(path)
    mapping = dict(label_map) if label_map is not None else dict(DEFAULT_LABEL_MAP)
    records = _iter_records(path)
    rows = []
    for line, record in records:
        for column in (text_col, label_col):
            if column not in record:
                raise StanceError(f"missing column; found: {', '.join(record)}", path=path, line=line, field=column)
        text = record[text_col]
        if not isinstance(text, str) or not text.strip():
            raise StanceError("missing or empty text", path=path, line=line, field=text_col)
        row: dict[str, Any] = {
            "text": text.strip(),
            "stance": _map_label(record[label_col], mapping, path=path, line=line, column=label_col),
        }
        if speaker_col and record.get(speaker_col):
            row["speaker"] = str(record[speaker_col])
        if target_col:
            if target_col not in record:
                raise StanceError("missing column", path=path, line=line, field=target_col)
            row["target"] = str(record[target_col]).strip()
        for column in extra_cols:
            if record.get(column) not in (None, ""):
                row[column] = record[column]
        rows.append(row)
    if not rows:
        raise StanceError("no labelled rows", path=path)
    return rows


def read_semeval(path: str | Path) -> list[dict[str, Any]]:
    """SemEval-2016 Task 6 original file: ``Tweet``, ``Target``, ``Stance`` columns."""
    return read_table(path, text_col="Tweet", label_col="Stance", label_map=SEMEVAL_LABELS, target_col="Target")


def _iter_records(path: Path):
    if path.suffix == ".jsonl":
        yield from iter_jsonl(path)
        return
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StanceError("file not found", path=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # SemEval-2016's original files are Windows-1252, not UTF-8.
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        raise StanceError("empty file (expected a header row)", path=path)
    for record in reader:
        yield reader.line_num, {k.strip() if k else k: v for k, v in record.items()}
