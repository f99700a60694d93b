"""Which speaker input generalises: one model, several configs, grouped 5-fold CV and old -> new articles.

Every variant is trained on gold speakers and tested on the speaker finder's
(as on a new article); macro-F1 with a 95% article-bootstrap CI. Usage:

    .venv/bin/python scripts/speaker_variants.py tfidf '{"use_speaker": false}' '{"speaker_form": "role"}'

Each JSON object overrides the model's config (models/<name>.toml).
"""

from __future__ import annotations

import json
import sys
import time

from stance.corpus.articles import article_collections
from stance.corpus.dataset import labelled_rows
from stance.evaluation.protocol import ModelSpec, evaluate
from stance.evaluation.splits import article_split
from stance.models import registry
from stance.paths import find_root
from stance.speakers.records import with_finder_speakers


def main(name: str, variants: list[dict]) -> None:
    root = find_root()
    rows = labelled_rows(root)
    finder = with_finder_speakers(root, rows)
    split = article_split(
        [r["article"] for r in rows],
        article_collections(root),
        train="collection:seed,corpus-extra",
        test="collection:corpus-more",
    )
    for overrides in variants:
        spec = ModelSpec(name, "registry", registry.load_config(name, overrides=overrides, root=root))
        cells = []
        for label, kwargs in (("grouped 5-fold", {"cv": "kfold", "k": 5}), ("old -> new", {"split": split})):
            started = time.perf_counter()
            result = evaluate(rows, [spec], bootstrap_unit="article", test_speakers=finder, **kwargs).model(name)
            low, high = result.ci["macro_f1"]
            took = time.perf_counter() - started
            cells.append(f"{label} {result.scores['macro_f1']:.3f} [{low:.2f}, {high:.2f}] ({took:.0f} s)")
        print(f"{name} {json.dumps(overrides)}: " + "; ".join(cells), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], [json.loads(v) for v in sys.argv[2:]] or [{}])
