"""How many keys and how much time one label takes in `stance annotate`.

An annotator whose intended labels are the gold labels works through the
corpus (or one article) in a throw-away copy of the project:

1. Key count: a Session is driven the way a person would drive it in a
   terminal, counting keys. A stance costs one key (Enter when the
   suggestion is right, else p/a/n). A wrong speaker costs ``s``, Ctrl-U to
   clear the pre-filled name, the name (the shortest prefix that Tab
   completes uniquely among the article's known speakers, plus Tab, or the
   whole name when it is new) and Enter; a wrong type after that costs
   ``t``, one letter and Enter.
2. Time: the same keys are piped, one per line, into a real
   ``stance annotate`` process (line mode), and the wall-clock time per
   label is measured, minus the start-up of an empty session. This is the
   tool's own latency per label (render + append + fsync), not a human's.
3. Check: the history that process wrote folds to exactly the gold labels.

Usage: .venv/bin/python scripts/annotate_benchmark.py [--article ID] [--model RUN_DIR] [--no-finder]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stance.annotate.session import open_session
from stance.annotate.store import load_annotator
from stance.corpus.gold import load_gold
from stance.paths import Root

REPO = Path(__file__).resolve().parents[1]


def copy_project(target: Path) -> Root:
    """The corpus without any labels: the tool must not see the answers it is measured against."""
    shutil.copytree(REPO / "corpus", target / "corpus")
    (target / "annotations").mkdir()
    return Root(target)


def completion_cost(name: str, known: list[str]) -> int:
    """Keys to enter ``name`` with Tab completion over ``known`` speakers."""
    if name not in known:
        return len(name)
    for length in range(1, len(name) + 1):
        prefix = name[:length].lower()
        if [k for k in known if k.lower().startswith(prefix)] == [name]:
            return length + 1 if length < len(name) else length
    return len(name)


def simulate(root: Root, *, article: str | None, model: str | None, finder: bool) -> dict:
    """Drive a session to gold; return the key script, key counts and library time per label."""
    gold = load_gold(Root(REPO))
    session = open_session(root, "bench", article=article, model_dir=model, use_finder=finder)
    lines: list[str] = []
    keys: list[int] = []
    speaker_edits = type_edits = stance_right = 0
    elapsed = 0.0
    while not session.done:
        sid = session.current.sent_id
        target = gold.get(sid)
        if target is None:
            session.skip()
            lines.append("k")
            continue
        cost = 0
        start = time.perf_counter()
        if session.draft.speaker != target.speaker:
            cost += 3 + completion_cost(target.speaker, session.known_speakers())
            lines += ["s", target.speaker]
            session.set_speaker(target.speaker)
            speaker_edits += 1
        if session.draft.speaker_type != target.speaker_type:
            cost += 3
            lines += ["t", target.speaker_type]
            session.set_speaker_type(target.speaker_type)
            type_edits += 1
        suggested = session.suggestions.stance(sid)[0]
        if suggested == target.stance:
            stance_right += 1
            lines.append("")
            session.accept()
        else:
            lines.append(target.stance[0])
            session.label(target.stance)
        elapsed += time.perf_counter() - start
        keys.append(cost + 1)
    n = len(keys)
    return {
        "labels": n,
        "keys_total": sum(keys),
        "keys_per_label": sum(keys) / n if n else None,
        "one_key_share": sum(k == 1 for k in keys) / n if n else None,
        "speaker_edits": speaker_edits,
        "type_edits": type_edits,
        "stance_suggestion_right": stance_right / n if n else None,
        "library_ms_per_label": 1000 * elapsed / n if n else None,
        "script": lines,
    }


def replay(root: Root, script: list[str], *, article: str | None, model: str | None, finder: bool) -> dict:
    """Pipe the key script into a real `stance annotate`; time it against an empty session."""
    command = [sys.executable, "-m", "stance", "annotate", "--annotator", "bench"]
    if article:
        command += ["--article", article]
    if model:
        command += ["--model", model]
    if not finder:
        command.append("--no-finder")
    env = {**os.environ, "STANCE_ROOT": str(root.path), "COLUMNS": "100"}
    start = time.perf_counter()
    empty = subprocess.run(command + ["--annotator", "warmup"], input="q\n", capture_output=True, text=True, env=env)
    startup = time.perf_counter() - start
    if empty.returncode != 0:
        raise SystemExit(empty.stderr)
    start = time.perf_counter()
    run = subprocess.run(command, input="\n".join(script) + "\nq\n", capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    labels = load_annotator(root, "bench")
    gold = load_gold(Root(REPO))
    same = set(labels) == {s for s in gold if article is None or s.startswith(f"{article}:")} and all(
        (lab.speaker, lab.speaker_type, lab.stance) == (gold[s].speaker, gold[s].speaker_type, gold[s].stance)
        for s, lab in labels.items()
    )
    n = len(labels)
    return {
        "labels_written": n,
        "equal_to_gold": same,
        "startup_s": startup,
        "wall_s": wall,
        "tool_ms_per_label": 1000 * max(wall - startup, 0) / n if n else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article")
    parser.add_argument("--model")
    parser.add_argument("--no-finder", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        sim = simulate(copy_project(Path(first)), article=args.article, model=args.model, finder=not args.no_finder)
        script = sim.pop("script")
        real = replay(
            copy_project(Path(second)), script, article=args.article, model=args.model, finder=not args.no_finder
        )
    print(json.dumps({"finder": not args.no_finder, "model": args.model, **sim, **real}, indent=2))


if __name__ == "__main__":
    main()
