"""The naive baseline: `transformers.pipeline`, one sentence per call.

This is what a first script does with a saved model, and what `stance
predict` is measured against. Usage: naive_pipeline.py RUN_DIR INPUT.txt OUTPUT.txt
(one sentence per input line; one label per output line).
"""

from __future__ import annotations

import sys


def main(run_dir: str, source: str, target: str) -> None:
    from transformers import pipeline

    classify = pipeline("text-classification", model=run_dir, device="cpu")
    with open(source, encoding="utf-8") as lines, open(target, "w", encoding="utf-8") as out:
        for line in lines:
            out.write(classify(line.rstrip("\n"), truncation=True)[0]["label"] + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
