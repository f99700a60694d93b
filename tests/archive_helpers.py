"""Shared pieces of the archive tests: a trained model, a synthetic archive with bad rows, reading a run.

The archive is the corpus copied three times (228 articles) with three bad
rows placed among them: an empty text, a line whose bytes are not UTF-8 and a
5 MB text. Everything is built in temporary folders from a copy of the
corpus, never from the working tree directly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from projects import build_project

from stance.archive.from_corpus import corpus_articles, repeated
from stance.paths import Root

REPO = Path(__file__).resolve().parents[1]
COPIES = 3
#: 1-based line numbers of the bad rows in the archive, and what is wrong with each.
BAD_ROWS = {5: "missing or empty text", 80: "not UTF-8", 150: "5,000,000 characters"}


def copy_project(target: Path) -> Root:
    """A throw-away copy of the shipped corpus and gold labels (never the user's histories or runs)."""
    return Root(build_project(REPO, target))


def write_archive(root: Root, path: Path) -> dict[int, str]:
    """The corpus three times over with the bad rows in place; return ``{line: id}`` of the good rows."""
    records = list(repeated(corpus_articles(root), articles=COPIES * len(corpus_articles(root))))
    lines: list[bytes] = []
    ids: dict[int, str] = {}
    for record in records:
        number = len(lines) + 1
        if number == 5:
            lines.append(json.dumps({"id": "empty-one", "text": "  ", "date": "2004"}).encode() + b"\n")
            number += 1
        if number == 80:
            bad = json.dumps({"id": "latin-1-one", "text": "caf\u00e9 workers said jobs would go"}, ensure_ascii=False)
            lines.append(bad.encode("latin-1") + b"\n")
            number += 1
        if number == 150:
            lines.append(json.dumps({"id": "huge-one", "text": "word " * 1_000_000}).encode() + b"\n")
            number += 1
        ids[number] = record["id"]
        lines.append(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    path.write_bytes(b"".join(lines))
    return ids


def read_rows(out_dir: Path) -> list[dict[str, Any]]:
    """Every sentence row of a run, in (row, index) order, read back from its shards."""
    import pyarrow.parquet as pq

    rows = [row for shard in sorted(out_dir.glob("part-*.parquet")) for row in pq.read_table(shard).to_pylist()]
    return sorted(rows, key=lambda r: (r["row"], r["index"]))
