"""Issue 17, code execution and model integrity: items 7-9 (and the pickled-weights message on every engine)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from stance.cli import app
from stance.models import onnx_engine as fast
from stance.models.registry import load_model
from stance.models.transformer import TransformerModel

ENGINES = [[], ["--engine", "onnx"], ["--engine", "torch"], ["--fast"]]
TEXTS = ["Moving the jobs abroad saves money.", "The union opposes the move.", "It rained on Tuesday."]


def save_tiny(tiny_bert: Path, folder: Path, seed: int = 0) -> Path:
    model = TransformerModel({"base_model": str(tiny_bert), "max_length": 32, "predict_batch_size": 8}, seed=seed)
    model._load_base()
    model.save(folder)
    return folder


@pytest.fixture(scope="module")
def saved(tiny_bert, tmp_path_factory) -> Path:
    return save_tiny(tiny_bert, tmp_path_factory.mktemp("hardening") / "run")


def one_line_error(result, needle: str) -> None:
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and needle in errors[0], result.output
    assert "Traceback" not in result.output and result.stderr.rstrip().endswith(errors[0]), result.output


@pytest.mark.parametrize("engine", ENGINES, ids=["auto", "onnx", "torch", "fast"])
@pytest.mark.parametrize("config_name", ["config.json", "tokenizer_config.json"])
def test_7_a_folder_that_asks_to_run_its_code_is_refused_and_runs_nothing(saved, tmp_path, runner, engine, config_name):
    run = tmp_path / "run"
    shutil.copytree(saved, run)
    canary = tmp_path / "canary"
    (run / "configuration_canary.py").write_text(
        f"from pathlib import Path\nPath({str(canary)!r}).write_text('ran')\n"
        "from transformers import BertConfig\nclass CanaryConfig(BertConfig):\n    pass\n",
        encoding="utf-8",
    )
    (run / "tokenization_canary.py").write_text(
        f"from pathlib import Path\nPath({str(canary)!r}).write_text('ran')\n", encoding="utf-8"
    )
    config = json.loads((run / config_name).read_text())
    config["auto_map"] = (
        {"AutoConfig": "configuration_canary.CanaryConfig"}
        if config_name == "config.json"
        else {"AutoTokenizer": ["tokenization_canary.CanaryTokenizer", None]}
    )
    (run / config_name).write_text(json.dumps(config))
    result = runner.invoke(app, ["predict", str(run), TEXTS[0], "-f", "jsonl", *engine], input="y\ny\ny\n")
    one_line_error(result, "auto_map")
    assert not canary.exists()


def test_8_a_graph_shipped_in_the_run_folder_is_never_used(saved, tiny_bert, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(saved, run)
    other = save_tiny(tiny_bert, tmp_path / "other", seed=7)  # a different head: different answers
    shipped = run / fast.CACHE
    shipped.mkdir(exist_ok=True)
    fast.export_onnx(other, shipped / fast.FLOAT_FILE)
    (shipped / fast.STAMP).write_text(json.dumps(fast.weights_stamp(run)))  # a stamp that matches our weights
    rows = [{"text": t} for t in TEXTS]
    wanted = load_model(run).predict_proba(rows)
    assert not np.allclose(load_model(other).predict_proba(rows), wanted, atol=1e-3)
    assert np.allclose(fast.load_onnx(run).predict_proba(rows), wanted, atol=1e-4)


def test_9_embeddings_refuse_a_pickled_encoder(tiny_bert, tmp_path, runner):
    import torch
    from safetensors.torch import load_file

    encoder = tmp_path / "encoder"
    shutil.copytree(tiny_bert, encoder)
    torch.save(load_file(encoder / "model.safetensors"), encoder / "pytorch_model.bin")  # a plain state dict
    (encoder / "model.safetensors").unlink()
    data = tmp_path / "rows.csv"
    data.write_text("text,stance\nJobs go abroad.,pro\nWe oppose it.,anti\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["train", "embeddings", "--data", str(data), "--set", f"base_model={encoder}", "--out", str(tmp_path / "out")],
    )
    one_line_error(result, "refusing pickled weights (pytorch_model.bin)")


@pytest.mark.parametrize("engine", ENGINES, ids=["auto", "onnx", "torch", "fast"])
def test_pickled_only_transformer_says_refusing_pickled_weights_on_every_engine(saved, tmp_path, runner, engine):
    run = tmp_path / "run"
    shutil.copytree(saved, run)
    (run / "model.safetensors").rename(run / "pytorch_model.bin")
    result = runner.invoke(app, ["predict", str(run), TEXTS[0], "-f", "jsonl", *engine])
    one_line_error(result, "refusing pickled weights (pytorch_model.bin)")
