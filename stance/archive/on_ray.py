"""The archive run on Ray Data: blocks read and attributed by tasks, stances predicted by an actor pool.

The dataset starts as one item per pending block of the archive
(:func:`stance.archive.source.plan_blocks`); a CPU stage of plain tasks
reads each block from the archive (so the archive must be readable at the
same path on every node: a shared filesystem), splits and attributes its
articles and emits the sentence rows followed by one marker row carrying the
block's article count and bad rows; an actor pool, each actor holding the
model once (``workers`` actors, ``gpus_per_worker`` GPUs each), adds the
stances; the driver collects each block's rows and hands them to the same
shard-and-manifest loop as the one-process run. Order is preserved, so a
block's marker arrives after its rows and ``--on-error stop`` stops at the
same row as a local run.

Shards are written by the driver: the output folder needs no shared
filesystem, and ``--resume`` works the same as locally. Ray is imported only
here, so ``stance --help`` never pays for it.

On a 2-core machine, actors get a fraction of a CPU (0.5 by default): with
one full CPU each, two actors leave nothing for the read tasks and the
pipeline waits forever without an error.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from stance.archive.analyse import COLUMNS, OUTPUT_COLUMNS, add_stances
from stance.archive.run import BlockResult, RayOptions
from stance.archive.source import Block, RowError
from stance.errors import StanceError

#: Object store of a local Ray started here: small, since rows stream through and shards leave at once.
LOCAL_OBJECT_STORE_BYTES = 256 * 1024**2
#: Extra columns between the stages: the block of a row, and on the block's closing marker row its counts and bad rows.
_MARKER = (
    ("_block", "int64"),
    ("_marker", "bool_"),
    ("_articles", "int64"),
    ("_sentences", "int64"),
    ("_errors", "string"),
)


def _schema(*, with_context: bool) -> Any:
    import pyarrow as pa

    columns = [*COLUMNS, *((("context", "string"),) if with_context else ()), *_MARKER]
    return pa.schema([(name, getattr(pa, kind)()) for name, kind in columns])


def read_and_attribute(batch: Any, *, archive: str, max_chars: int) -> Any:
    """CPU stage: the blocks described in ``batch`` -> their sentence rows, then a marker row per block."""
    import pyarrow as pa

    from stance.archive.run import analyse_block

    out: list[dict[str, Any]] = []
    for item in batch.to_pylist():
        block = Block(**{k: item[k] for k in ("index", "first_row", "rows", "offset", "end")})
        _, rows, errors, articles = analyse_block(Path(archive), block, max_chars=max_chars, predictor=None)
        out.extend({**row, "_block": block.index, "_marker": False} for row in rows)
        marker = {"_block": block.index, "_marker": True, "_articles": articles, "_sentences": len(rows)}
        out.append({**marker, "_errors": json.dumps([e.to_dict() for e in errors])})
    return pa.Table.from_pylist(out, schema=_schema(with_context=True))


class Predictor:
    """Actor stage: holds the model once and adds stances to the sentence rows it is given."""

    def __init__(self, model_dir: str, model_engine: str) -> None:
        from stance.models.predict import load_predictor

        self.model = load_predictor(model_dir, engine=model_engine)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        rows = batch.to_pylist()
        sentences = [row for row in rows if not row["_marker"]]
        predicted = iter(add_stances(self.model, sentences))
        out = []
        for row in rows:
            if row["_marker"]:
                out.append({name: row[name] for name, _ in _MARKER})
            else:
                out.append({**next(predicted), "_block": row["_block"], "_marker": False})
        return pa.Table.from_pylist(out, schema=_schema(with_context=False))


def connect(address: str | None) -> bool:
    """Join the cluster at ``address`` (or ``RAY_ADDRESS``), or start a small local Ray; True if started here.

    A Ray already initialised by the caller (a test, a notebook) is used as
    it is and left running.
    """
    import ray

    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS") or None
    try:
        if address:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
        else:
            ray.init(
                num_cpus=os.cpu_count(),
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                include_dashboard=False,
                logging_level=logging.WARNING,
                log_to_driver=False,
            )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise StanceError(f"cannot start or reach Ray: {exc}", field="--address") from None
    return True


def prepare_model(model_dir: Path, model_engine: str) -> None:
    """Export a transformer's ONNX graph once, in the driver, before the actors start.

    Every actor would otherwise find no cached export in the ONNX cache
    (:func:`stance.models.onnx_engine.cache_folder`) and export at the same
    moment, racing to rename its copy into place.
    """
    from stance.models.common import read_marker
    from stance.models.predict import load_predictor

    if model_engine != "torch" and read_marker(model_dir).get("model") == "transformer":
        load_predictor(model_dir, engine=model_engine)


def check_room(cpus: float, options: RayOptions) -> None:
    """Refuse actor pools that leave no whole CPU for the read tasks: Ray would wait forever, silently."""
    wanted = options.workers * options.cpus_per_worker
    if wanted + 1 > cpus:
        raise StanceError(
            f"{options.workers} workers x {options.cpus_per_worker:g} CPUs leave no CPU for reading on a Ray "
            f"with {cpus:g} CPUs; use fewer --workers or a smaller --cpus-per-worker",
            field="--workers",
        )


def import_ray() -> None:
    """Ray is an optional extra: say how to get it rather than fail with a traceback."""
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError:
        raise StanceError(
            "--engine ray needs Ray Data: pip install -e '.[ray]' (or pip install 'ray[data]')", field="--engine"
        ) from None


def ray_blocks(
    archive: Path,
    blocks: Sequence[Block],
    *,
    model_dir: Path,
    model_engine: str,
    max_chars: int,
    options: RayOptions,
) -> Generator[BlockResult, None, None]:
    """The pending ``blocks`` through Ray Data, yielded block by block in order."""
    import_ray()
    if options.workers < 1:
        raise StanceError("must be at least 1", field="--workers")
    if options.gpus_per_worker < 0:
        raise StanceError("must be 0 or more", field="--gpus-per-worker")
    if not blocks:
        return
    import ray
    import ray.data

    prepare_model(model_dir, model_engine)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    started = connect(options.address)
    try:
        check_room(float(ray.cluster_resources().get("CPU", 0)), options)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        items = [block.to_dict() for block in blocks]
        dataset = ray.data.from_items(items, override_num_blocks=len(items))
        dataset = dataset.map_batches(
            read_and_attribute,
            batch_size=1,
            batch_format="pyarrow",
            fn_kwargs={"archive": str(archive.resolve()), "max_chars": max_chars},
        )
        dataset = dataset.map_batches(
            Predictor,
            fn_constructor_kwargs={"model_dir": str(model_dir.resolve()), "model_engine": model_engine},
            compute=ray.data.ActorPoolStrategy(size=options.workers),
            num_cpus=options.cpus_per_worker,
            num_gpus=options.gpus_per_worker or None,
            batch_size=256,
            batch_format="pyarrow",
        )
        by_index = {block.index: block for block in blocks}
        pending: dict[int, list[dict[str, Any]]] = {}
        for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
            for row in batch.to_pylist():
                index = row.pop("_block")
                if not row.pop("_marker"):
                    pending.setdefault(index, []).append({k: row[k] for k in OUTPUT_COLUMNS})
                    continue
                rows = pending.pop(index, [])
                if len(rows) != row["_sentences"]:  # rows after their marker: never write a short shard
                    raise RuntimeError(f"block {index}: {len(rows)} of {row['_sentences']} sentences arrived")
                errors = [RowError(**e) for e in json.loads(row["_errors"])]
                yield by_index[index], rows, errors, row["_articles"]
    finally:
        if started:
            ray.shutdown()
