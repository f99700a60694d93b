"""Run the TweetEval stance benchmark and write its section of docs/benchmarks.md.

Usage (from the project root)::

    .venv/bin/python scripts/run_benchmark.py                      # TF-IDF, about a minute
    .venv/bin/python scripts/run_benchmark.py --models tfidf,transformer  # + MiniLM fine-tuning (~10 min on 2 cores)

Only the section between the markers below is replaced, so other sections of
docs/benchmarks.md (speed benchmarks, ...) are kept. The full report.json and
the TweetEval-layout predictions go to reports/benchmark-tweeteval/.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

from stance.evaluation.tweeteval import benchmark as bench
from stance.evaluation.tweeteval.tables import markdown
from stance.io.jsonl import atomic_write_text
from stance.paths import Root

REPO = Path(__file__).resolve().parents[1]
BEGIN = "<!-- tweeteval:begin (written by scripts/run_benchmark.py) -->"
END = "<!-- tweeteval:end -->"

GPU_NOTE = """\
What to expect elsewhere: these numbers are with the 22M-parameter MiniLM
(all-MiniLM-L6-v2) fine-tuned on 2 CPU cores. On a GPU, fine-tuning is fast
enough that a larger base model becomes practical, and that is the main lever: TweetEval's
leaderboard has RoBERTa-base at 68.0, BERTweet at 71.2 and TimeLMs-2021
(RoBERTa trained on tweets) at 72.9 with the same protocol; set
`base_model` in models/transformer.toml (e.g. `cardiffnlp/twitter-roberta-base-2021-124m`)
and expect roughly those numbers, give or take a point or two between seeds.
"""


def replace_section(document: str, section: str) -> str:
    """``document`` with the marked section replaced (or appended)."""
    block = f"{BEGIN}\n{section.rstrip()}\n{END}\n"
    if BEGIN in document and END in document:
        head, rest = document.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        return head + block + ("\n" + tail if tail else "")
    if not document.strip():
        document = "# Benchmarks\n"
    return document.rstrip() + "\n\n" + block


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="tfidf")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "tweeteval-stance")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmark-tweeteval")
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--note", default="", help="A remark on this run, added to the section.")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.models.split(",") if n.strip()]
    splits = bench.load_tweeteval(args.data)
    configs, files = bench.resolve_configs(names, root=Root(REPO))
    result = bench.run_benchmark(splits, names, configs=configs, seed=args.seed)
    result["config_files"] = files
    atomic_write_text(args.out / "report.json", json.dumps(bench.to_json(result), indent=2) + "\n")
    bench.write_predictions(result, args.out)

    command = f"python scripts/run_benchmark.py --models {','.join(names)}"
    section = markdown(result, command=command)
    cores = platform.machine() + f", Python {platform.python_version()}"
    section += f"\nMeasured on {cores}, seed {args.seed}; wall times include any tuning on val (none by default).\n"
    if args.note:
        section += f"\n{args.note.strip()}\n"
    section += f"\n{GPU_NOTE}"
    previous = args.doc.read_text(encoding="utf-8") if args.doc.exists() else ""
    atomic_write_text(args.doc, replace_section(previous, section))
    for name, model in result["models"].items():
        print(f"{name}: {model['official']:.2f} (official), {model['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
