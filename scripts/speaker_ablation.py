"""Speaker ablation: does the speaker help the stance model, and does the finder's speaker do as well as gold?

Leave-one-article-out over the gold corpus. In every fold the model is
trained on gold speakers (what annotators give) and the held-out article is
predicted four ways:

* ``text only``         a model trained and tested without the speaker;
* ``gold speaker``      the speaker model, tested with the gold speakers;
* ``finder speaker``    the same model, tested with the speaker finder's output
                        (what `stance predict --article` sees on a new article);
* ``no speaker at test`` the same model, tested with the speaker left out.

Usage: .venv/bin/python scripts/speaker_ablation.py [--model tfidf] [--root PATH] [--json]
Prints a Markdown table of accuracy and macro-F1 over all out-of-fold predictions.
"""

from __future__ import annotations

import argparse
import json
import time

from stance.data import labelled_rows
from stance.metrics import macro_f1
from stance.models import registry
from stance.paths import find_root
from stance.speakers.report import with_finder_speakers
from stance.splits import leave_one_article_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tfidf")
    parser.add_argument("--root", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    root = find_root(args.root)
    rows = labelled_rows(root)
    finder_rows = with_finder_speakers(root, rows)
    bare_rows = [{**r, "speaker": None, "speaker_type": None} for r in rows]
    speaker_agreement = sum(a["speaker"] == b["speaker"] for a, b in zip(rows, finder_rows, strict=True)) / len(rows)
    with_speaker = registry.load_config(args.model, overrides={"use_speaker": True}, root=root)
    without_speaker = registry.load_config(args.model, overrides={"use_speaker": False}, root=root)

    y_true = [r["stance"] for r in rows]
    predictions: dict[str, list[str | None]] = {
        name: [None] * len(rows) for name in ("text only", "gold speaker", "finder speaker", "no speaker at test")
    }
    started = time.perf_counter()
    for fold in leave_one_article_out([r["article"] for r in rows]):
        train = [rows[i] for i in fold.train]
        plain = registry.create(args.model, config=without_speaker, seed=args.seed)
        plain.fit(train)
        model = registry.create(args.model, config=with_speaker, seed=args.seed)
        model.fit(train)
        tests = {
            "text only": (plain, rows),
            "gold speaker": (model, rows),
            "finder speaker": (model, finder_rows),
            "no speaker at test": (model, bare_rows),
        }
        for name, (fitted, source) in tests.items():
            for i, label in zip(fold.test, fitted.predict([source[i] for i in fold.test]), strict=True):
                predictions[name][i] = label

    results = []
    for name, y_pred in predictions.items():
        accuracy = sum(t == p for t, p in zip(y_true, y_pred, strict=True)) / len(rows)
        results.append({"variant": name, "accuracy": accuracy, "macro_f1": macro_f1(y_true, y_pred)})
    summary = {
        "model": args.model,
        "sentences": len(rows),
        "articles": len({r["article"] for r in rows}),
        "finder_speaker_agreement": speaker_agreement,
        "seconds": round(time.perf_counter() - started, 1),
        "results": results,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(
        f"{args.model}, leave-one-article-out, {summary['sentences']} sentences / {summary['articles']} articles; "
        f"finder speaker = gold speaker on {100 * speaker_agreement:.1f}% ({summary['seconds']} s)\n"
    )
    print("| variant | accuracy | macro-F1 |\n|---|---|---|")
    for r in results:
        print(f"| {r['variant']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} |")


if __name__ == "__main__":
    main()
