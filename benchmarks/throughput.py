"""Prediction throughput of the fine-tuned transformer on 5,000 sentences, as whole processes.

Side by side in one run, model loading included:
(a) naive: `transformers.pipeline`, one sentence per call (naive_pipeline.py);
(b) `stance predict RUN --input FILE`: float32, length-sorted batches,
    dynamic padding, no autograd;
(c) `stance predict RUN --input FILE --fast`: int8 ONNX Runtime, no torch
    import (the one-off export + quantisation is timed separately).
Labels of (b) are compared with (a) (must be identical) and (c) with (b)
(agreement), and the TweetEval score (mean F1 of against and favor) of the
float32 and the int8 model is computed on the target's test split.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from common import STANCE, WORK, cycle_texts, f_avg, median, run_process, tweeteval_rows, write_lines

HERE = Path(__file__).resolve().parent


def _labels_jsonl(path: Path) -> list[str]:
    return [json.loads(line)["stance"] for line in path.read_text(encoding="utf-8").splitlines()]


def bench(run_dir: Path, *, target: str, sentences: int = 5000, repeats: int = 3, naive_repeats: int = 1) -> dict:
    texts = cycle_texts([r["text"] for r in tweeteval_rows("test") + tweeteval_rows("train")], sentences)
    source = write_lines(WORK / f"throughput-{sentences}.txt", texts)
    out_a, out_b, out_c = (WORK / f"throughput-{k}.out" for k in ("naive.txt", "predict.jsonl", "fast.jsonl"))
    naive = [
        run_process([sys.executable, str(HERE / "naive_pipeline.py"), str(run_dir), str(source), str(out_a)])
        for _ in range(naive_repeats)
    ]
    batched = [
        run_process([STANCE, "predict", str(run_dir), "--input", str(source), "-o", str(out_b)]) for _ in range(repeats)
    ]
    shutil.rmtree(run_dir / "onnx", ignore_errors=True)
    started = time.perf_counter()
    from stance.models.fast import cached_int8

    cached_int8(run_dir)
    export_seconds = time.perf_counter() - started
    fast = [
        run_process([STANCE, "predict", str(run_dir), "--input", str(source), "-o", str(out_c), "--fast"])
        for _ in range(repeats)
    ]
    labels_a = out_a.read_text(encoding="utf-8").split()
    labels_b, labels_c = _labels_jsonl(out_b), _labels_jsonl(out_c)

    def row(name: str, runs: list) -> dict[str, Any]:
        wall = median([r.wall for r in runs])
        return {
            "method": name,
            "runs": len(runs),
            "wall_s": round(wall, 1),
            "per_second": round(sentences / wall, 1),
            "cpu_s": round(median([r.cpu for r in runs]), 1),
            "peak_mb": round(median([r.peak_mb for r in runs])),
        }

    rows = [
        row("naive pipeline, one at a time", naive),
        row("stance predict", batched),
        row("stance predict --fast", fast),
    ]
    for r in rows:
        r["speedup"] = round(rows[0]["wall_s"] / r["wall_s"], 2)
    score = _scores(run_dir, target)
    return {
        "sentences": sentences,
        "target": target,
        "rows": rows,
        "export_seconds": round(export_seconds, 1),
        "identical_b_vs_a": sum(a == b for a, b in zip(labels_a, labels_b, strict=True)) / sentences,
        "agreement_c_vs_b": sum(b == c for b, c in zip(labels_b, labels_c, strict=True)) / sentences,
        **score,
    }


def _scores(run_dir: Path, target: str) -> dict[str, Any]:
    """TweetEval score of the float32 and the int8 model on the target's test split (in this process)."""
    from stance.models.fast import load_fast
    from stance.models.registry import load_model

    rows = tweeteval_rows("test", [target])
    truth = [r["stance"] for r in rows]
    inputs = [{"text": r["text"]} for r in rows]
    float_pred = load_model(run_dir).predict(inputs)
    int8_pred = load_fast(run_dir).predict(inputs)
    return {
        "test_rows": len(rows),
        "score_float32": round(f_avg(truth, float_pred), 2),
        "score_int8": round(f_avg(truth, int8_pred), 2),
        "test_agreement": sum(a == b for a, b in zip(float_pred, int8_pred, strict=True)) / len(rows),
    }


if __name__ == "__main__":
    print(json.dumps(bench(Path(sys.argv[1]), target=sys.argv[2], sentences=int(sys.argv[3]), repeats=1), indent=2))
