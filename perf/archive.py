"""`stance archive run`: articles/s on one process and on a local Ray, peak memory by archive size, ONNX throughput.

Archives are the corpus's articles repeated (``stance archive from-corpus
--articles N``), so the text is real news and every size has the same mix.
Every figure is a whole `stance archive run` process (start-up, model load,
for Ray the start of a local cluster and its shutdown); peak memory is that
process's, which for Ray is the driver only (the workers are other processes
of the Ray cluster).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from common import REPO, STANCE, WORK, run_process


def make_archive(articles: int) -> Path:
    path = WORK / f"archive-{articles}.jsonl"
    if not path.exists():
        run_process([STANCE, "--root", str(REPO), "archive", "from-corpus", str(path), "--articles", str(articles)])
    return path


def tfidf_model() -> Path:
    run_dir = WORK / "tfidf-corpus"
    if not (run_dir / "stance_model.json").exists():
        run_process([STANCE, "--root", str(REPO), "train", "tfidf", "--out", str(run_dir)])
    return run_dir


def one_run(archive: Path, model: Path, label: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    out = WORK / f"archive-out-{label}"
    shutil.rmtree(out, ignore_errors=True)
    try:
        run = run_process(
            [STANCE, "archive", "run", str(archive), "--model", str(model), "--out", str(out), "--json", *extra]
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    summary = json.loads(run.stdout[run.stdout.index("{") :])
    return {
        "run": label,
        "articles": summary["articles"],
        "sentences": summary["sentences"],
        "wall_s": round(run.wall, 1),
        "cpu_s": round(run.cpu, 1),
        "articles_per_s": round(summary["articles"] / run.wall, 1),
        "sentences_per_s": round(summary["sentences"] / run.wall),
        "peak_mb": round(run.peak_mb),
    }


def bench(
    *,
    speed_articles: int = 600,
    memory_sizes: tuple[int, ...] = (10_000, 100_000),
    transformer: Path | None = None,
    transformer_articles: int = 300,
) -> dict[str, Any]:
    model = tfidf_model()
    archive = make_archive(speed_articles)
    speed = [
        one_run(archive, model, "one process (--engine local)"),
        one_run(archive, model, "local Ray, 1 worker", ("--engine", "ray", "--workers", "1")),
        one_run(archive, model, "local Ray, 2 workers", ("--engine", "ray", "--workers", "2")),
    ]
    memory = [one_run(make_archive(size), model, f"{size:,} articles") for size in memory_sizes]
    result: dict[str, Any] = {"model": "tfidf", "speed": speed, "memory": memory}
    if transformer is not None and (transformer / "stance_model.json").exists():
        archive = make_archive(transformer_articles)
        result["transformer"] = [
            one_run(archive, transformer, "transformer, ONNX Runtime", ("--model-engine", "onnx")),
        ]
    return result


if __name__ == "__main__":
    print(json.dumps(bench(speed_articles=100, memory_sizes=(200, 1_000)), indent=2))
    sys.exit(0)
