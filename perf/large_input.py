"""Large inputs: `stance predict --input` on 100k and 1M JSONL lines stays under a fixed memory ceiling.

The input is read, predicted and written a chunk at a time, so peak
resident memory should not grow with the number of lines: the figure is
the peak RSS of the whole process at both sizes (and their ratio).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from common import STANCE, WORK, cycle_texts, run_process, tweeteval_rows, write_jsonl


def bench(run_dir: Path, *, sizes: tuple[int, ...] = (100_000, 1_000_000), extra: tuple[str, ...] = ()) -> dict:
    texts = [r["text"] for r in tweeteval_rows("test") + tweeteval_rows("train")]
    rows: list[dict[str, Any]] = []
    for size in sizes:
        source = write_jsonl(WORK / f"large-{size}.jsonl", cycle_texts(texts, size))
        target = WORK / f"large-{size}.out.jsonl"
        try:
            run = run_process([STANCE, "predict", str(run_dir), "--input", str(source), "-o", str(target), *extra])
            with target.open("rb") as handle:
                written = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
            rows.append(
                {
                    "lines": size,
                    "input_mb": round(source.stat().st_size / 1e6, 1),
                    "written": written,
                    "wall_s": round(run.wall, 1),
                    "per_second": round(size / run.wall),
                    "peak_mb": round(run.peak_mb),
                }
            )
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)
    model = json.loads((run_dir / "stance_model.json").read_text())["model"]
    return {"model": model, "options": list(extra), "rows": rows}


if __name__ == "__main__":
    print(json.dumps(bench(Path(sys.argv[1]), sizes=(2_000, 20_000)), indent=2))
