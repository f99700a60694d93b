"""Paired comparison of one model between two `stance evaluate` reports (e.g. a config option on and off).

`stance evaluate` compares the models of one run; an option of one model
(``--set mpnet.prototype_weight=0.0``) is a second run on the same folds.
This joins the two runs' predictions.jsonl by sentence and prints the
macro-F1 difference B - A with a paired bootstrap CI and an approximate
randomisation p-value (resampling whole articles) and McNemar's exact test.
Usage:

    .venv/bin/python scripts/compare_reports.py REPORT_A REPORT_B --model mpnet
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stance.evaluation import stats
from stance.io.jsonl import iter_jsonl


def predictions(report: Path, model: str) -> dict[str, tuple[str, str, str]]:
    """sent_id -> (article, gold, predicted label) of ``model`` in ``report``/predictions.jsonl."""
    found = {}
    for _, row in iter_jsonl(report / "predictions.jsonl"):
        found[row["sent_id"]] = (row["article"], row["gold"], row["predictions"][model]["label"])
    return found


def compare(a_dir: Path, b_dir: Path, model: str, model_b: str | None = None) -> dict:
    """The paired comparison of ``model`` in report A with ``model_b`` (default: the same) in report B."""
    a, b = predictions(a_dir, model), predictions(b_dir, model_b or model)
    if set(a) != set(b):
        raise SystemExit(f"the reports hold different sentences ({len(a)} vs {len(b)})")
    ids = sorted(a)
    gold = [a[i][1] for i in ids]
    pred_a, pred_b = [a[i][2] for i in ids], [b[i][2] for i in ids]
    result = stats.paired_comparison(gold, pred_a, pred_b, groups=[a[i][0] for i in ids])
    return {**result, "n": len(ids), "mcnemar": stats.mcnemar_exact(gold, pred_a, pred_b)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--model", default="mpnet")
    parser.add_argument("--model-b", default=None, help="the model's name in B (default: --model)")
    args = parser.parse_args()
    result = compare(args.a, args.b, args.model, args.model_b)
    print(
        f"{result['n']} sentences: macro-F1 B - A {result['difference']:+.3f} "
        f"[{result['ci_low']:+.3f}, {result['ci_high']:+.3f}] (article bootstrap), "
        f"approximate randomisation p = {result['p_value']:.3f}, McNemar p = {result['mcnemar']['p_value']:.3f}"
    )


if __name__ == "__main__":
    main()
