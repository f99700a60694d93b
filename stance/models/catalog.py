"""What models exist and which have been trained: data for ``stance models``."""

from __future__ import annotations

import json
from typing import Any

from stance.errors import StanceError
from stance.io.jsonl import read_bytes_bounded
from stance.models.common import MARKER, MAX_CONFIG_BYTES
from stance.models.registry import available, config_file, model_class
from stance.paths import Root


def model_catalog(root: Root) -> dict[str, Any]:
    """Registered models (name, one-line summary, config file) and saved runs under ``models/``."""
    models = []
    for name in available():
        path = config_file(name, root)
        models.append(
            {"name": name, "summary": model_class(name).description, "config": str(path) if path.is_file() else None}
        )
    runs = []
    if root.models.is_dir():
        for marker in sorted(root.models.glob(f"*/{MARKER}")):
            run_dir = marker.parent
            record: dict[str, Any] = {"path": str(run_dir), "model": None}
            try:  # a listing shows what it can: a broken, FIFO or /dev/zero marker leaves the row blank
                record["model"] = json.loads(read_bytes_bounded(marker, "JSON", limit=MAX_CONFIG_BYTES)).get("model")
                meta = json.loads(read_bytes_bounded(run_dir / "meta.json", "JSON", limit=MAX_CONFIG_BYTES))
                record.update(rows=meta.get("data", {}).get("rows"), date=meta.get("date"))
            except (OSError, ValueError, AttributeError, StanceError):
                pass
            runs.append(record)
    return {"models": models, "runs": runs}


__all__ = ["model_catalog"]
