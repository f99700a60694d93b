"""Run an archive through splitter, speaker finder and model, block by block, into Parquet shards.

One loop serves both engines: an engine turns the pending blocks into
``(block, sentence rows, bad rows)`` in block order, and this module decides
what a bad row means (``skip``: recorded and left out; ``stop``: the run ends
with the row's number and id), writes the block's shard and records it in the
manifest. The local engine reads, attributes and predicts one block at a time
in this process, so memory holds one block whatever the archive's size; the
Ray engine (:mod:`stance.archive.on_ray`) spreads the same functions over a
cluster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance.archive.source import BLOCK_ROWS, MAX_CHARS, ArticleRow, Block, RowError, check_archive, plan_blocks
from stance.errors import StanceError

ENGINES = ("local", "ray")
ON_ERROR = ("skip", "stop")

#: What an engine yields for each block, in block order: the block, its sentence rows, its bad rows
#: and how many of its articles were read (an article may have no sentences).
BlockResult = tuple[Block, list[dict[str, Any]], list[RowError], int]


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide to run on Ray."""

    address: str | None = None
    workers: int = 1
    gpus_per_worker: float = 0.0
    cpus_per_worker: float = 0.5


def model_fingerprint(model_dir: Path) -> dict[str, str]:
    """The run directory and a hash of its marker file: resuming with another model is refused."""
    from stance.models.common import read_marker

    marker = read_marker(model_dir)
    digest = hashlib.sha256(repr(sorted(marker.items())).encode("utf-8")).hexdigest()[:16]
    return {"path": str(model_dir.resolve()), "model": str(marker.get("model")), "marker_sha256": digest}


def analyse_block(archive: Path, block: Block, *, max_chars: int, predictor: Any | None) -> BlockResult:
    """Read one block, split and attribute its articles, and (with a predictor) add the stances."""
    from stance.archive.analyse import add_stances, attribute
    from stance.archive.source import read_block

    items = read_block(archive, block, max_chars=max_chars)
    errors = [item for item in items if isinstance(item, RowError)]
    articles = [item for item in items if isinstance(item, ArticleRow)]
    rows = attribute(articles)
    if predictor is not None:
        rows = add_stances(predictor, rows)
    return block, rows, errors, len(articles)


def local_blocks(
    archive: Path, blocks: Sequence[Block], *, model_dir: Path, model_engine: str, max_chars: int
) -> Generator[BlockResult, None, None]:
    """The one-process engine: load the model once, then one block at a time."""
    from stance.models.predict import load_predictor

    predictor = load_predictor(model_dir, engine=model_engine)
    for block in blocks:
        yield analyse_block(archive, block, max_chars=max_chars, predictor=predictor)


def run_archive(
    archive: str | Path,
    model_dir: str | Path,
    out_dir: str | Path,
    *,
    engine: str = "local",
    on_error: str = "skip",
    resume: bool = False,
    block_rows: int = BLOCK_ROWS,
    max_chars: int = MAX_CHARS,
    model_engine: str = "auto",
    ray: RayOptions | None = None,
    on_block: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Analyse every article of ``archive`` into Parquet shards in ``out_dir``; return the run's totals.

    ``on_block(done, total)`` is called after each shard is recorded (a
    progress bar). Bad rows are never dropped silently: with ``skip`` they
    are listed in the manifest and ``_errors.jsonl`` and counted in the
    result; with ``stop`` the first one ends the run as a
    :class:`StanceError` located at its row, after the blocks before it were
    saved.
    """
    from stance.archive.shards import Manifest, shard_name, write_shard

    if engine not in ENGINES:
        raise StanceError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}", field="--engine")
    if on_error not in ON_ERROR:
        raise StanceError(f"unknown choice {on_error!r}; choose from {', '.join(ON_ERROR)}", field="--on-error")
    if max_chars < 1:
        raise StanceError("must be at least 1", field="--max-chars")
    archive = check_archive(archive)
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise StanceError("not a model run folder", path=model_dir)
    from stance.archive.source import fingerprint

    settings = {
        "archive": fingerprint(archive),
        "model": model_fingerprint(model_dir),
        "block_rows": block_rows,
        "max_chars": max_chars,
    }
    out_dir = Path(out_dir)
    blocks = plan_blocks(archive, block_rows=block_rows)
    manifest = Manifest.open(out_dir, settings, resume=resume)
    pending = [block for block in blocks if not manifest.is_done(block)]
    resumed_from = len(blocks) - len(pending)
    if engine == "ray":
        from stance.archive.on_ray import ray_blocks

        results = ray_blocks(
            archive,
            pending,
            model_dir=model_dir,
            model_engine=model_engine,
            max_chars=max_chars,
            options=ray or RayOptions(),
        )
    else:
        results = local_blocks(archive, pending, model_dir=model_dir, model_engine=model_engine, max_chars=max_chars)
    done = resumed_from
    try:
        for block, rows, errors, articles in results:
            if errors and on_error == "stop":
                raise errors[0].located(archive)
            write_shard(rows, out_dir / shard_name(block))
            manifest.mark_done(block, articles=articles, sentences=len(rows), errors=errors)
            done += 1
            if on_block is not None:
                on_block(done, len(blocks))
    finally:
        results.close()  # the Ray engine shuts down the local cluster it started
    manifest.finish()
    return {
        "archive": str(archive),
        "out": str(out_dir),
        "engine": engine,
        "blocks": len(blocks),
        "resumed_blocks": resumed_from,
        **{k: v for k, v in manifest.totals().items() if k != "blocks"},
        "errors": manifest.errors(),
    }
