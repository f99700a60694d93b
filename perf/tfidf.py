"""TF-IDF: training time on the corpus and on each TweetEval target, prediction throughput.

Library calls timed in this process (``registry.create(...).fit`` with the
project's models/tfidf.toml config), median of ``repeats``. Throughput is
``predict_proba`` on 10,000 sentences (TweetEval texts, repeated) with the
model trained on the corpus.
"""

from __future__ import annotations

import json
import time
from typing import Any

from common import REPO, corpus_rows, cycle_texts, median, tweeteval_rows, tweeteval_targets


def _fit_seconds(rows: list[dict[str, Any]], config: dict[str, Any], repeats: int) -> tuple[float, Any]:
    from stance.models import registry

    times, model = [], None
    for _ in range(repeats):
        model = registry.create("tfidf", config=config, seed=0)
        started = time.perf_counter()
        model.fit(rows)
        times.append(time.perf_counter() - started)
    return median(times), model


def bench(*, repeats: int = 3, sentences: int = 10_000) -> dict[str, Any]:
    from stance.models import registry
    from stance.paths import Root

    config = registry.load_config("tfidf", root=Root(REPO))
    training = []
    corpus = corpus_rows()
    registry.create("tfidf", config=config).fit(corpus)  # untimed: the first fit pays scikit-learn's import
    seconds, corpus_model = _fit_seconds(corpus, config, repeats)
    training.append({"data": "corpus (gold)", "rows": len(corpus), "seconds": round(seconds, 3)})
    for target in tweeteval_targets():
        rows = tweeteval_rows("train", [target])
        seconds, _ = _fit_seconds(rows, config, repeats)
        training.append({"data": f"TweetEval {target} (train)", "rows": len(rows), "seconds": round(seconds, 3)})
    texts = cycle_texts([r["text"] for r in tweeteval_rows("test") + tweeteval_rows("train")], sentences)
    rows = [{"text": t} for t in texts]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        corpus_model.predict_proba(rows)
        times.append(time.perf_counter() - started)
    seconds = median(times)
    return {
        "repeats": repeats,
        "training": training,
        "predict": {"sentences": sentences, "seconds": round(seconds, 3), "per_second": round(sentences / seconds)},
    }


if __name__ == "__main__":
    print(json.dumps(bench(repeats=1, sentences=2000), indent=2))
