"""ONNX Runtime: float32 gives the PyTorch numbers, int8 (--fast) nearly; neither imports torch once cached."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stance.cli import app
from stance.corpus.dataset import labelled_rows
from stance.errors import StanceError
from stance.models import onnx_engine
from stance.models.registry import load_model
from stance.models.transformer import TransformerModel


@pytest.fixture(scope="module")
def run_dir(tiny_bert, tmp_path_factory) -> Path:
    """A saved transformer run (tiny BERT with a fresh 3-way head; no training needed to compare backends)."""
    model = TransformerModel({"base_model": str(tiny_bert), "max_length": 32, "predict_batch_size": 8}, seed=0)
    model._load_base()
    folder = tmp_path_factory.mktemp("fast") / "run"
    model.save(folder)
    return folder


def rows_of(project_rows: list[dict], n: int = 40) -> list[dict]:
    return [{"text": r["text"], "context": r["context"], "speaker": r["speaker"]} for r in project_rows[:n]]


def test_int8_probabilities_match_float32(run_dir, repo_root):
    rows = rows_of(labelled_rows(repo_root))
    reference = load_model(run_dir).predict_proba(rows)
    quick = onnx_engine.load_fast(run_dir).predict_proba(rows)
    assert quick.shape == reference.shape == (len(rows), 3)
    assert np.allclose(quick.sum(axis=1), 1.0)
    # int8 weights move probabilities a little, never wholesale
    assert np.abs(quick - reference).max() < 0.05


def test_batches_are_the_ones_the_pytorch_path_feeds(run_dir, repo_root):
    from transformers import AutoTokenizer

    model = onnx_engine.load_onnx(run_dir)
    tokenizer = AutoTokenizer.from_pretrained(run_dir)
    texts = [r["text"] for r in labelled_rows(repo_root)[:20]] + ["word " * 100]  # one over max_length
    ours = model._pad(model.tokenizer.encode_batch(texts))
    theirs = tokenizer(texts, truncation=True, max_length=32, padding=True, return_tensors="np")
    for name in ("input_ids", "attention_mask", "token_type_ids"):
        assert ours[name].tolist() == theirs[name].tolist(), name
    pairs = list(zip(texts[:5], texts[5:10], strict=True))
    ours = model._pad(model.tokenizer.encode_batch(pairs))
    theirs = tokenizer(texts[:5], texts[5:10], truncation=True, max_length=32, padding=True, return_tensors="np")
    for name in ("input_ids", "attention_mask", "token_type_ids"):
        assert ours[name].tolist() == theirs[name].tolist(), name


def test_float32_onnx_gives_the_pytorch_probabilities(run_dir, repo_root):
    rows = rows_of(labelled_rows(repo_root), 60)
    reference = load_model(run_dir).predict_proba(rows)
    onnx = onnx_engine.load_onnx(run_dir, "float32")
    assert onnx.precision == "float32" and onnx.session is not None
    assert np.abs(onnx.predict_proba(rows) - reference).max() < 1e-5


def test_rows_near_a_tie_are_rescored_in_float32(run_dir, repo_root):
    rows = rows_of(labelled_rows(repo_root), 60)
    reference = onnx_engine.load_onnx(run_dir, "float32").predict_proba(rows)
    pure = onnx_engine.load_fast(run_dir, recheck_margin=0)
    assert pure.recheck is None
    int8 = pure.predict_proba(rows)
    top_two = np.sort(int8, axis=1)[:, -2:]
    margin = float(np.median(top_two[:, 1] - top_two[:, 0]))  # about half the rows fall under it
    checked = onnx_engine.load_fast(run_dir, recheck_margin=margin)
    mixed = checked.predict_proba(rows)
    uncertain = top_two[:, 1] - top_two[:, 0] < margin
    assert 0 < checked.rechecked == uncertain.sum() < len(rows)
    assert np.allclose(mixed[uncertain], reference[uncertain], atol=1e-6)  # the float32 numbers
    assert np.array_equal(mixed[~uncertain], int8[~uncertain])  # the rest stay int8


@pytest.mark.parametrize("margin", [-0.1, 1.5])
def test_a_margin_outside_0_to_1_is_refused(run_dir, runner, margin):
    result = runner.invoke(app, ["predict", str(run_dir), "Jobs go abroad.", "--fast", "--fast-margin", str(margin)])
    assert result.exit_code == 1 and "the re-check margin must be between 0 and 1" in result.output


def test_an_unknown_precision_is_refused(run_dir):
    with pytest.raises(StanceError, match="unknown precision 'fp16'"):
        onnx_engine.cached_onnx(run_dir, "fp16")


def test_cache_is_reused_and_rebuilt_when_the_weights_change(run_dir, tmp_path):
    import shutil

    first = onnx_engine.cached_int8(run_dir)
    built = first.stat().st_mtime_ns
    float_built = onnx_engine.cached_onnx(run_dir).stat().st_mtime_ns
    assert onnx_engine.cached_int8(run_dir).stat().st_mtime_ns == built  # reused
    assert onnx_engine.cached_onnx(run_dir, "float32").stat().st_mtime_ns == float_built
    assert json.loads((first.parent / onnx_engine.STAMP).read_text()) == onnx_engine.weights_stamp(run_dir)
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    assert onnx_engine.cached_int8(copy) == first  # keyed on content: a copy of the model shares the cache
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # as if the model had been retrained (same name, size)
    weights.write_bytes(bytes(data))
    assert onnx_engine.cached_int8(copy) != first  # a new key: both graphs rebuilt from the new weights
    assert onnx_engine.cached_onnx(copy).parent != onnx_engine.cached_onnx(run_dir).parent


@pytest.mark.parametrize("flag", ["--fast", "--engine=onnx"])
def test_cli_onnx_predicts_without_importing_torch(run_dir, tmp_path, flag):
    onnx_engine.cached_int8(run_dir)
    code = (
        "import sys\n"
        "from stance.cli import app\n"
        f"argv = ['predict', {str(run_dir)!r}, 'Jobs are moving to India.', {flag!r}, '-f', 'jsonl']\n"
        "app(argv, standalone_mode=False)\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    record, imported = done.stdout.strip().splitlines()
    assert json.loads(record)["stance"] in ("pro", "anti", "neutral")
    assert imported == "[]"


def test_fast_refuses_a_model_that_is_not_a_transformer(project, runner, tmp_path):
    from stance.models.train import train_model

    run = train_model("tfidf", labelled_rows(project), out_dir=tmp_path / "tfidf")
    with pytest.raises(StanceError, match="applies to transformer models"):
        onnx_engine.load_fast(run)
    result = runner.invoke(app, ["predict", str(run), "Jobs are moving.", "--fast"])
    assert result.exit_code == 1 and "applies to transformer models; this is a 'tfidf' model" in result.output
