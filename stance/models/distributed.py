"""Which process of a multi-process run this is, read from the launcher's environment.

``torchrun`` and ``accelerate launch`` start one process per device and tell
each its place through ``RANK``, ``LOCAL_RANK`` and ``WORLD_SIZE``; the
Hugging Face Trainer reads the same variables and shards the data. Training
code only needs to know two things more: that just the main process (global
rank 0) writes the run directory, and that all processes of one node share
the Trainer's checkpoint folder (the best checkpoint saved by rank 0 is
reloaded by every rank). Reading the environment keeps ``import torch`` out
of the CLI path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def rank() -> int:
    """Global rank of this process (0 when not launched by torchrun/accelerate)."""
    return _env_int("RANK", 0)


def world_size() -> int:
    """How many processes train together (1 for a plain run)."""
    return max(1, _env_int("WORLD_SIZE", 1))


def is_main_process() -> bool:
    """True for the one process that saves and reports."""
    return rank() == 0


def run_id() -> str:
    """A name all processes of one launch agree on without talking to each other."""
    parts = (
        os.environ.get("TORCHELASTIC_RUN_ID", ""),
        os.environ.get("MASTER_ADDR", ""),
        os.environ.get("MASTER_PORT", ""),
    )
    return "-".join(p for p in parts if p).replace("/", "_") or str(os.getppid())


@contextmanager
def trainer_scratch(prefix: str = "stance-train-") -> Iterator[str]:
    """A folder for the Trainer's checkpoints, removed afterwards.

    One process: a fresh temporary folder. Several: a folder named after the
    launch so every local rank finds the checkpoints rank 0 wrote (on several
    nodes, ``/tmp`` is per node; the Trainer saves on the main process only,
    so set ``TMPDIR`` to a shared filesystem there, see the README).
    """
    if world_size() == 1:
        with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
            yield scratch
        return
    shared = Path(tempfile.gettempdir()) / f"{prefix}{run_id()}"
    shared.mkdir(parents=True, exist_ok=True)
    try:
        yield str(shared)
    finally:
        if is_main_process():
            shutil.rmtree(shared, ignore_errors=True)
