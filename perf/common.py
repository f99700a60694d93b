"""Shared helpers of the performance suite: the machine, timed processes, the data.

Every figure is a whole process or a library call timed with
``time.perf_counter``; a process's peak memory comes from ``os.wait4``
in measure.py (the kernel's maximum resident set size of that child), so
nothing is sampled and nothing is missed between samples.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TWEETEVAL = REPO.parent / "shared" / "data" / "tweeteval-stance"
#: Scratch space for generated inputs and trained runs (ignored by git, never committed).
WORK = Path(__file__).resolve().parent / ".work"
BIN = Path(sys.executable).parent
STANCE = str(BIN / "stance")


@dataclass
class Run:
    """One finished process: wall and CPU seconds, peak resident memory, exit code, output."""

    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_process(argv: Sequence[str], *, env: dict[str, str] | None = None, check: bool = True) -> Run:
    """Run ``argv`` to completion under measure.py: its own wall, CPU and peak RSS (not this process's)."""
    import tempfile

    fd, report = tempfile.mkstemp(prefix="measure-", suffix=".json")
    os.close(fd)
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("measure.py")), report, *map(str, argv)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
        measured = json.loads(Path(report).read_text() or "{}")
    finally:
        Path(report).unlink(missing_ok=True)
    run = Run(
        wall=measured.get("wall", 0.0),
        cpu=measured.get("cpu", 0.0),
        peak_mb=measured.get("peak_kb", 0) / 1024,
        returncode=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
    )
    if check and run.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed ({run.returncode}):\n{run.stderr[-2000:]}")
    return run


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("stance", "torch", "transformers", "onnxruntime", "scikit-learn", "numpy", "tokenizers"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def machine() -> dict[str, Any]:
    """Cores, CPU model, RAM, OS, package versions and how busy the machine was."""
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu_model or platform.processor() or platform.machine(),
        "ram_gb": ram_gb,
        "os": f"{platform.system()} {platform.release()}",
        "versions": versions(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def tweeteval_rows(split: str, targets: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Rows (text, stance, target) of one TweetEval split, read from the shared copy (never copied here)."""
    from stance.evaluation.tweeteval.readers import read_tweeteval_split, tweeteval_targets

    rows: list[dict[str, Any]] = []
    for target in targets or tweeteval_targets(TWEETEVAL):
        rows += read_tweeteval_split(TWEETEVAL / target, split)
    return rows


def tweeteval_targets() -> list[str]:
    from stance.evaluation.tweeteval.readers import tweeteval_targets as targets

    return targets(TWEETEVAL)


def corpus_rows() -> list[dict[str, Any]]:
    from stance.corpus.dataset import labelled_rows
    from stance.paths import Root

    return labelled_rows(Root(REPO))


def cycle_texts(texts: Sequence[str], n: int) -> list[str]:
    """``n`` sentences: ``texts`` repeated in order as often as needed."""
    return [texts[i % len(texts)] for i in range(n)]


def write_lines(path: Path, texts: Sequence[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(t.replace("\n", " ") + "\n" for t in texts), encoding="utf-8")
    return path


def write_jsonl(path: Path, texts: Sequence[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for number, text in enumerate(texts):
            handle.write(json.dumps({"id": number, "text": text}, ensure_ascii=False) + "\n")
    return path


def f_avg(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """TweetEval's stance score: mean F1 of 'against' (anti) and 'favor' (pro), in percent."""
    from sklearn.metrics import f1_score

    scores = f1_score(y_true, y_pred, labels=["anti", "pro"], average=None, zero_division=0)
    return float(100 * scores.mean())
