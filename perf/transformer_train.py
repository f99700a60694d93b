"""Transformer fine-tuning: seconds per epoch and peak memory, on the corpus and one TweetEval target.

Each training is one `stance train transformer` process (the packaged
MiniLM-L6, the project's models/transformer.toml except ``epochs``), so
the peak resident memory is the whole process's. Seconds per epoch is the
model's own fit time (base model load, tokenising, the epochs, validation)
divided by the epochs run, so it slightly overstates a pure epoch. The
TweetEval run is kept: the throughput benchmark predicts with it.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

from common import REPO, STANCE, WORK, run_process, tweeteval_rows

TARGET = "abortion"


def train(name: str, extra: list[str], *, epochs: int) -> dict[str, Any]:
    out = WORK / name
    shutil.rmtree(out, ignore_errors=True)
    argv = [STANCE, "--root", str(REPO), "train", "transformer", "--set", f"epochs={epochs}", "--out", str(out)]
    run = run_process([*argv, *extra])
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    facts = meta["training"]
    epochs_run = float(facts["epochs_run"]) or 1.0
    return {
        "rows": meta["data"]["rows"],
        "train_rows": facts["train_size"],
        "validation_rows": facts["validation_size"],
        "epochs_run": epochs_run,
        "fit_seconds": facts["fit_seconds"],
        "seconds_per_epoch": round(facts["fit_seconds"] / epochs_run, 1),
        "process_seconds": round(run.wall, 1),
        "peak_mb": round(run.peak_mb),
        "run_dir": str(out),
    }


def tweeteval_file(target: str = TARGET):
    """The target's train split as labelled JSONL in the ignored work folder (a throw-away copy)."""
    path = WORK / f"tweeteval-{target}-train.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in tweeteval_rows("train", [target]):
            handle.write(json.dumps({"text": row["text"], "stance": row["stance"]}) + "\n")
    return path


def bench(*, epochs: int = 2) -> dict[str, Any]:
    results = {"epochs": epochs, "runs": {}}
    results["runs"]["corpus (gold)"] = train("transformer-corpus", [], epochs=epochs)
    data = tweeteval_file()
    try:
        results["runs"][f"TweetEval {TARGET} (train)"] = train(
            f"transformer-{TARGET}", ["--data", str(data)], epochs=epochs
        )
    finally:
        data.unlink(missing_ok=True)
    return results


if __name__ == "__main__":
    print(json.dumps(bench(epochs=1), indent=2))
