"""The --fast path: int8 ONNX Runtime agrees with the float32 transformer and needs no torch once cached."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stance.cli import app
from stance.data import labelled_rows
from stance.errors import StanceError
from stance.models import fast
from stance.models.registry import load_model
from stance.models.transformer import TransformerModel


@pytest.fixture(scope="module")
def run_dir(tiny_bert, tmp_path_factory) -> Path:
    """A saved transformer run (tiny BERT with a fresh 3-way head; no training needed to compare backends)."""
    model = TransformerModel({"base_model": str(tiny_bert), "max_length": 32, "eval_batch_size": 8}, seed=0)
    model._load_base()
    folder = tmp_path_factory.mktemp("fast") / "run"
    model.save(folder)
    return folder


def rows_of(project_rows: list[dict], n: int = 40) -> list[dict]:
    return [{"text": r["text"], "context": r["context"], "speaker": r["speaker"]} for r in project_rows[:n]]


def test_int8_probabilities_match_float32(run_dir, repo_root):
    rows = rows_of(labelled_rows(repo_root))
    reference = load_model(run_dir).predict_proba(rows)
    quick = fast.load_fast(run_dir).predict_proba(rows)
    assert quick.shape == reference.shape == (len(rows), 3)
    assert np.allclose(quick.sum(axis=1), 1.0)
    # int8 weights move probabilities a little, never wholesale
    assert np.abs(quick - reference).max() < 0.05


def test_tokens_are_the_ones_the_float32_path_feeds(run_dir, repo_root):
    from transformers import AutoTokenizer

    texts = [r["text"] for r in labelled_rows(repo_root)[:20]] + ["word " * 100]  # one over max_length
    ours = fast.load_tokenizer(run_dir, 32).encode_batch(texts)
    theirs = AutoTokenizer.from_pretrained(run_dir)(texts, truncation=True, max_length=32, padding=True)
    assert [e.ids for e in ours] == theirs["input_ids"]
    assert [e.attention_mask for e in ours] == theirs["attention_mask"]
    pairs = list(zip(texts[:5], texts[5:10], strict=True))
    ours = fast.load_tokenizer(run_dir, 32).encode_batch(pairs)
    tokenizer = AutoTokenizer.from_pretrained(run_dir)
    theirs = tokenizer(texts[:5], texts[5:10], truncation=True, max_length=32, padding=True)
    assert [e.ids for e in ours] == theirs["input_ids"] and [e.type_ids for e in ours] == theirs["token_type_ids"]


def test_cache_is_reused_and_rebuilt_when_the_weights_change(run_dir):
    first = fast.cached_int8(run_dir)
    built = first.stat().st_mtime_ns
    assert fast.cached_int8(run_dir).stat().st_mtime_ns == built  # reused
    stamp = json.loads((run_dir / fast.CACHE / fast.STAMP).read_text())
    stamp["size"] += 1  # as if the model had been retrained
    (run_dir / fast.CACHE / fast.STAMP).write_text(json.dumps(stamp))
    assert fast.cached_int8(run_dir).stat().st_mtime_ns != built
    assert json.loads((run_dir / fast.CACHE / fast.STAMP).read_text()) == fast.weights_stamp(run_dir)


def test_cli_fast_predicts_without_importing_torch(run_dir, tmp_path):
    fast.cached_int8(run_dir)
    code = (
        "import sys\n"
        "from stance.cli import app\n"
        f"argv = ['predict', {str(run_dir)!r}, 'Jobs are moving to India.', '--fast', '-f', 'jsonl']\n"
        "app(argv, standalone_mode=False)\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    record, imported = done.stdout.strip().splitlines()
    assert json.loads(record)["stance"] in ("pro", "anti", "neutral")
    assert imported == "[]"


def test_fast_refuses_a_model_that_is_not_a_transformer(project, runner, tmp_path):
    from stance.train import train_model

    run = train_model("tfidf", labelled_rows(project), out_dir=tmp_path / "tfidf")
    with pytest.raises(StanceError, match="--fast applies to transformer models"):
        fast.load_fast(run)
    result = runner.invoke(app, ["predict", str(run), "Jobs are moving.", "--fast"])
    assert result.exit_code == 1 and "--fast applies to transformer models" in result.output
