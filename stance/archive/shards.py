"""The output folder of an archive run: Parquet shards and the manifest that says which are done.

Each block of the archive becomes one shard, ``part-NNNNN.parquet``, named
after the block, written to a temporary file, fsynced and renamed; only then
is the block recorded in ``_manifest.json`` (itself replaced atomically). A
run killed at any instant therefore leaves: shards listed in the manifest
(complete), perhaps one complete shard not yet listed, and perhaps a
temporary file. ``--resume`` redoes every block the manifest does not list,
overwriting its shard by name, so no article is written twice or lost.
The manifest also keeps each block's bad rows, so they are reported once
however many times a run resumes. Their names start with ``_`` so that
readers of a Parquet folder (pyarrow, pandas, DuckDB globs, Spark, Ray) see
only the shards.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stance.archive.analyse import arrow_schema
from stance.archive.source import Block, RowError
from stance.errors import StanceError
from stance.io.jsonl import atomic_write_text, write_jsonl

MANIFEST = "_manifest.json"
ERRORS = "_errors.jsonl"
FORMAT_VERSION = 1


def shard_name(block: Block) -> str:
    return f"part-{block.index:05d}.parquet"


def write_shard(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """All ``rows`` of one block as one Parquet file, or nothing if interrupted."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(rows), schema=arrow_schema())
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


class Manifest:
    """``_manifest.json``: what the run is (archive, model, block size) and which blocks are done."""

    def __init__(self, out_dir: Path, data: dict[str, Any]) -> None:
        self.out_dir = out_dir
        self.data = data

    @property
    def path(self) -> Path:
        return self.out_dir / MANIFEST

    @classmethod
    def open(cls, out_dir: Path, settings: dict[str, Any], *, resume: bool) -> Manifest:
        """Start a run in ``out_dir``, or pick it up with ``resume`` if its settings match."""
        path = out_dir / MANIFEST
        if not path.exists():
            if out_dir.exists() and any(out_dir.glob("part-*.parquet")):
                raise StanceError("holds Parquet shards but no manifest; choose an empty folder", path=out_dir)
            out_dir.mkdir(parents=True, exist_ok=True)
            manifest = cls(out_dir, {"version": FORMAT_VERSION, **settings, "done": {}, "complete": False})
            manifest.save()
            return manifest
        if not resume:
            raise StanceError(
                "already holds an archive run; add --resume to continue it, or choose a new --out", path=out_dir
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise StanceError(f"unreadable manifest: {exc}", path=path) from None
        for key, value in settings.items():
            if data.get(key) != value:
                raise StanceError(
                    f"the run was started with a different {key} ({data.get(key)!r}, now {value!r}); "
                    "resume with the same archive, model and options, or choose a new --out",
                    path=path,
                    field=key,
                )
        for leftover in out_dir.glob(".*.tmp"):  # a shard or manifest being written when the run was killed
            leftover.unlink(missing_ok=True)
        return cls(out_dir, data)

    def is_done(self, block: Block) -> bool:
        return str(block.index) in self.data["done"]

    def mark_done(self, block: Block, *, articles: int, sentences: int, errors: Sequence[RowError]) -> None:
        self.data["done"][str(block.index)] = {
            "file": shard_name(block),
            "first_row": block.first_row,
            "rows": block.rows,
            "articles": articles,
            "sentences": sentences,
            "errors": [e.to_dict() for e in errors],
        }
        self.save()

    def errors(self) -> list[dict[str, Any]]:
        done = self.data["done"]
        return [error for key in sorted(done, key=int) for error in done[key]["errors"]]

    def totals(self) -> dict[str, int]:
        done = self.data["done"].values()
        return {
            "blocks": len(done),
            "articles": sum(d["articles"] for d in done),
            "sentences": sum(d["sentences"] for d in done),
            "skipped": sum(len(d["errors"]) for d in done),
        }

    def finish(self) -> None:
        """Mark the run complete and write every bad row to ``_errors.jsonl``."""
        write_jsonl(self.out_dir / ERRORS, self.errors())
        self.data["complete"] = True
        self.save()

    def save(self) -> None:
        atomic_write_text(self.path, json.dumps(self.data, indent=1) + "\n")


def shard_files(out_dir: str | Path) -> list[Path]:
    """The shards a finished (or partly finished) run has recorded, in block order."""
    out_dir = Path(out_dir)
    path = out_dir / MANIFEST
    if not path.exists():
        raise StanceError("no _manifest.json here: not the output of `stance archive run`", path=out_dir)
    data = json.loads(path.read_text(encoding="utf-8"))
    return [out_dir / data["done"][key]["file"] for key in sorted(data["done"], key=int)]
