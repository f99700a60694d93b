"""scripts/compare_reports.py: one model across two `stance evaluate` reports, paired by sentence."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from stance.evaluation import metrics

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "compare_reports.py"
GOLD = ["pro", "anti", "neutral", "neutral", "anti", "pro", "neutral", "anti"]


def _script():
    spec = importlib.util.spec_from_file_location("compare_reports", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_report(folder: Path, labels: list[str], model: str = "mpnet") -> Path:
    folder.mkdir()
    rows = [
        {"sent_id": f"s{i}", "article": f"a{i // 2}", "gold": gold, "predictions": {model: {"label": label}}}
        for i, (gold, label) in enumerate(zip(GOLD, labels, strict=True))
    ]
    (folder / "predictions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def test_the_difference_is_b_minus_a_on_the_same_sentences(tmp_path):
    worse = ["pro", "pro", "neutral", "anti", "anti", "neutral", "neutral", "neutral"]
    better = ["pro", "anti", "neutral", "neutral", "anti", "neutral", "neutral", "anti"]
    a, b = write_report(tmp_path / "a", worse), write_report(tmp_path / "b", better, model="other")
    result = _script().compare(a, b, "mpnet", "other")
    expected = metrics.macro_f1(GOLD, better) - metrics.macro_f1(GOLD, worse)
    assert result["n"] == len(GOLD) and result["difference"] == pytest.approx(expected)
    assert result["ci_low"] <= result["difference"] <= result["ci_high"]
    assert result["mcnemar"]["only_b_right"] == 3 and result["mcnemar"]["only_a_right"] == 0


def test_reports_on_different_sentences_are_refused(tmp_path):
    a = write_report(tmp_path / "a", GOLD)
    b = write_report(tmp_path / "b", GOLD)
    lines = (b / "predictions.jsonl").read_text().splitlines()
    (b / "predictions.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(SystemExit, match="different sentences"):
        _script().compare(a, b, "mpnet")
