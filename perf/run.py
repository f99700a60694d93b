"""Run the performance suite and write its section of docs/benchmarks.md.

    .venv/bin/python perf/run.py            # everything (about half an hour on 2 busy cores)
    .venv/bin/python perf/run.py --quick    # small sizes, to check the scripts (writes nothing to docs)
    .venv/bin/python perf/run.py --threads 1

Parts: startup, tfidf, transformer (training), throughput (5,000 sentences,
needs the transformer part's TweetEval model), large (100k and 1M lines with
TF-IDF; 10k and 100k with the transformer's --fast path when its model is there),
archive (`stance archive run`: one process vs local Ray with 1 and 2 workers,
peak memory at 10k and 100k articles, transformer throughput through ONNX;
--archive-sizes picks the memory sizes).
Results go to perf/results.json and to the part of docs/benchmarks.md
between the perf markers; the rest of that file (the TweetEval section) is
kept. Generated inputs and trained runs live in perf/.work/ (ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARTS = ("startup", "tfidf", "transformer", "throughput", "large", "archive")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes; results go to .work/, not docs/")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of: {', '.join(PARTS)}")
    parser.add_argument("--threads", type=int, default=None, help="threads per process (OMP_NUM_THREADS) [all cores]")
    parser.add_argument("--render", action="store_true", help="only rewrite docs/benchmarks.md from results.json")
    parser.add_argument(
        "--archive-sizes", default="10000,100000", help="articles per archive for the archive part's memory rows"
    )
    args = parser.parse_args(argv)
    if args.render:
        import common
        import render

        results = json.loads((HERE / "results.json").read_text())
        render.write_section(common.REPO / "docs" / "benchmarks.md", render.markdown(results))
        return 0
    if args.threads:  # before torch or onnxruntime is imported here or in a child process
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")

    import common
    import render

    results_file = common.WORK / "quick.json" if args.quick else HERE / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    every_part = set(parts) == set(PARTS)
    if every_part or "machine" not in results:  # a rerun of some parts keeps the suite's machine line
        results["machine"] = common.machine()
        results["machine"]["threads"] = args.threads or results["machine"]["cores"]
        results["started"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.perf_counter()
    common.WORK.mkdir(parents=True, exist_ok=True)
    quick = args.quick

    def done(part: str, value: dict) -> None:
        value["measured"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        value["load_average"] = [round(x, 2) for x in os.getloadavg()]
        results[part] = value
        results_file.write_text(json.dumps(results, indent=2) + "\n")
        print(f"{part}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    if "startup" in parts:
        import startup

        done("startup", startup.bench(runs=3 if quick else 10))
    if "tfidf" in parts:
        import tfidf

        done("tfidf", tfidf.bench(repeats=1 if quick else 3, sentences=2_000 if quick else 10_000))
    throughput_model = common.WORK / f"transformer-{__import__('transformer_train').TARGET}"
    if "transformer" in parts:
        import transformer_train

        done("transformer", transformer_train.bench(epochs=1 if quick else 2))
    if "throughput" in parts:
        import throughput
        import transformer_train

        if not (throughput_model / "stance_model.json").exists():
            raise SystemExit(f"{throughput_model} is missing: run the 'transformer' part first")
        done(
            "throughput",
            throughput.bench(
                throughput_model,
                target=transformer_train.TARGET,
                sentences=300 if quick else 5_000,
                repeats=1 if quick else 5,
                naive_repeats=1 if quick else 3,
            ),
        )
    if "large" in parts:
        import large_input

        tfidf_run = common.WORK / "tfidf-corpus"
        common.run_process([common.STANCE, "--root", str(common.REPO), "train", "tfidf", "--out", str(tfidf_run)])
        sizes = (2_000, 20_000) if quick else (100_000, 1_000_000)
        done("large", large_input.bench(tfidf_run, sizes=sizes))
        if (throughput_model / "stance_model.json").exists():  # the same streaming with the transformer (--fast)
            sizes = (1_000, 5_000) if quick else (10_000, 100_000)
            done("large_transformer", large_input.bench(throughput_model, sizes=sizes, extra=("--fast",)))

    if "archive" in parts:
        import archive

        sizes = (200, 1_000) if quick else tuple(int(x) for x in args.archive_sizes.split(","))
        minilm = common.WORK / "archive-minilm"
        if not (minilm / "stance_model.json").exists():  # the corpus model, 1 epoch: speed, not quality
            common.run_process(
                [common.STANCE, "--root", str(common.REPO), "train", "transformer", "--out", str(minilm)]
                + ["--set", "epochs=1", "--set", "early_stopping_patience=0"]
            )
        done(
            "archive",
            archive.bench(
                speed_articles=100 if quick else 600,
                memory_sizes=sizes,
                transformer=minilm,
                transformer_articles=50 if quick else 300,
            ),
        )

    if every_part:
        results["suite_seconds"] = round(time.perf_counter() - started)
    results_file.write_text(json.dumps(results, indent=2) + "\n")
    doc = common.WORK / "quick.md" if quick else common.REPO / "docs" / "benchmarks.md"
    render.write_section(doc, render.markdown(results))
    print(f"wrote {results_file} and {doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
