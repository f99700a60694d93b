"""Prediction throughput of the fine-tuned transformer on 5,000 sentences, as whole processes.

Side by side in one run, model loading included:
(a) naive: `transformers.pipeline`, one sentence per call (naive_pipeline.py);
(b) `stance predict RUN --input FILE`, the default: on a CPU the float32
    weights run in ONNX Runtime, batches of similar token length, dynamic
    padding, no torch import;
(c) the same with `--engine torch`: float32 PyTorch under inference mode,
    the path a GPU takes (for reference);
(d) `stance predict RUN --input FILE --fast`: int8 ONNX Runtime.
The one-off ONNX export (float32) and int8 quantisation are timed
separately, before any run. The runs go in rounds, one per method each
(naive in the first ``naive_repeats`` rounds only), and each figure is the
median over its runs. Labels of (b) and (c) are compared with (a)
(must be identical) and (d) with (b) (agreement), and the TweetEval score
(mean F1 of against and favor) of the float32 and the int8 model is
computed on the target's test split.
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


def bench(run_dir: Path, *, target: str, sentences: int = 5000, repeats: int = 5, naive_repeats: int = 3) -> dict:
    texts = cycle_texts([r["text"] for r in tweeteval_rows("test") + tweeteval_rows("train")], sentences)
    source = write_lines(WORK / f"throughput-{sentences}.txt", texts)
    outputs = {k: WORK / f"throughput-{k}.out" for k in ("naive", "predict", "torch", "fast")}
    from stance.models.onnx_engine import cache_folder, cached_onnx

    shutil.rmtree(cache_folder(run_dir), ignore_errors=True)
    started = time.perf_counter()
    cached_onnx(run_dir, "float32")
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    cached_onnx(run_dir, "int8")
    quantise_seconds = time.perf_counter() - started

    commands = {
        "naive": [sys.executable, str(HERE / "naive_pipeline.py"), str(run_dir), str(source), str(outputs["naive"])],
        **{
            name: [STANCE, "predict", str(run_dir), "--input", str(source), "-o", str(outputs[name]), *flags]
            for name, flags in (("predict", []), ("torch", ["--engine", "torch"]), ("fast", ["--fast"]))
        },
    }
    # Rounds of one run per method, so that a slow spell of the (shared, virtual) machine hits every
    # method alike instead of whichever happened to be running.
    runs: dict[str, list] = {name: [] for name in commands}
    for round_ in range(repeats):
        for name, argv in commands.items():
            if name != "naive" or round_ < naive_repeats:
                runs[name].append(run_process(argv))
    naive, default, torch_runs, fast = (runs[k] for k in ("naive", "predict", "torch", "fast"))
    labels_a = outputs["naive"].read_text(encoding="utf-8").split()
    labels_b, labels_c, labels_d = (_labels_jsonl(outputs[k]) for k in ("predict", "torch", "fast"))

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
        row("stance predict (default: ONNX Runtime float32)", default),
        row("stance predict --engine torch (PyTorch float32)", torch_runs),
        row("stance predict --fast (ONNX Runtime int8)", fast),
    ]
    for r in rows:
        r["speedup"] = round(rows[0]["wall_s"] / r["wall_s"], 2)

    def same(x: list[str], y: list[str]) -> float:
        return sum(a == b for a, b in zip(x, y, strict=True)) / sentences

    return {
        "sentences": sentences,
        "target": target,
        "rows": rows,
        "export_seconds": round(export_seconds, 1),
        "quantise_seconds": round(quantise_seconds, 1),
        "identical_b_vs_a": same(labels_a, labels_b),
        "identical_torch_vs_a": same(labels_a, labels_c),
        "agreement_c_vs_b": same(labels_b, labels_d),
        **_scores(run_dir, target, texts, labels_b),
    }


def _scores(run_dir: Path, target: str, texts: list[str], labels_b: list[str]) -> dict[str, Any]:
    """TweetEval score of the float32 and int8 models on the target's test split (in this process).

    Also pure int8 (no float32 re-check of rows near a tie), on the test split and on ``texts``
    against the default path's labels ``labels_b``, to show what the re-check buys.
    """
    from stance.models.onnx_engine import load_fast, load_onnx
    from stance.models.registry import load_model

    rows = tweeteval_rows("test", [target])
    truth = [r["stance"] for r in rows]
    inputs = [{"text": r["text"]} for r in rows]
    float_pred = load_model(run_dir).predict(inputs)
    onnx_pred = load_onnx(run_dir, "float32").predict(inputs)
    int8_pred = load_fast(run_dir).predict(inputs)
    pure = load_fast(run_dir, recheck_margin=0)
    pure_int8_pred = pure.predict(inputs)
    big = [{"text": text} for text in texts]
    pure_big = pure.predict(big)
    return {
        "test_rows": len(rows),
        "score_float32": round(f_avg(truth, float_pred), 2),
        "score_onnx_float32": round(f_avg(truth, onnx_pred), 2),
        "score_pure_int8": round(f_avg(truth, pure_int8_pred), 2),
        "test_agreement_pure_int8": sum(a == b for a, b in zip(float_pred, pure_int8_pred, strict=True)) / len(rows),
        "agreement_pure_int8_vs_b": sum(a == b for a, b in zip(labels_b, pure_big, strict=True)) / len(texts),
        "score_int8": round(f_avg(truth, int8_pred), 2),
        "test_agreement": sum(a == b for a, b in zip(float_pred, int8_pred, strict=True)) / len(rows),
    }


if __name__ == "__main__":
    print(json.dumps(bench(Path(sys.argv[1]), target=sys.argv[2], sentences=int(sys.argv[3]), repeats=1), indent=2))
