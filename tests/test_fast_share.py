"""`predict --fast` says how many rows went through float32 again: that share decides whether it pays."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stance.cli import app
from stance.cli.predict import rescored_note
from stance.corpus.dataset import labelled_rows
from stance.models import onnx_engine as fast
from stance.models.transformer import TransformerModel


@pytest.fixture(scope="module")
def run_dir(tiny_bert, tmp_path_factory) -> Path:
    model = TransformerModel({"base_model": str(tiny_bert), "max_length": 32, "predict_batch_size": 8}, seed=0)
    model._load_base()
    folder = tmp_path_factory.mktemp("fast-share") / "run"
    model.save(folder)
    return folder


def test_note_gives_the_share_and_warns_when_it_is_large() -> None:
    assert rescored_note(57, 1000, 0.1).startswith("--fast: 57 of 1000 rows (5.7%) were within 0.1 of a tie")
    assert "little faster" not in rescored_note(57, 1000, 0.1)
    assert "little faster than the default engine" in rescored_note(600, 2000, 0.1)
    assert "pure int8" in rescored_note(0, 10, 0.0)


def test_cli_prints_the_share_it_rescored(run_dir, repo_root, runner, tmp_path) -> None:
    rows = [{"text": r["text"]} for r in labelled_rows(repo_root)[:40]]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    margin = 0.05
    expected = fast.load_fast(run_dir, recheck_margin=margin)
    expected.predict_proba([{**r, "context": ""} for r in rows])
    result = runner.invoke(app, ["predict", str(run_dir), "-i", str(source), "--fast", "--fast-margin", str(margin)])
    assert result.exit_code == 0, result.output
    found = re.search(r"--fast: (\d+) of (\d+) rows \(([\d.]+)%\)", result.stderr)
    assert found, result.stderr
    assert (int(found.group(1)), int(found.group(2))) == (expected.rechecked, 40)
    assert len(result.stdout.splitlines()) == 40  # the note is on stderr, the predictions on stdout
