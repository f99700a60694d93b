"""train_model and `stance train`: the run directory, meta.json, the model card, the CLI."""

from __future__ import annotations

import json

import pytest
import yaml

from stance.cli import app
from stance.corpus.dataset import fingerprint, labelled_rows
from stance.errors import StanceError
from stance.models import registry
from stance.models.train import CARD, META, train_model


def test_run_directory_records_how_the_model_was_made(project, tmp_path):
    rows = labelled_rows(project)
    run = train_model("tfidf", rows, out_dir=tmp_path / "run", config={"C": 2.0}, seed=7, data_source="gold")
    meta = json.loads((run / META).read_text())
    assert meta["model"] == "tfidf" and meta["seed"] == 7
    assert meta["config"] == {**registry.model_class("tfidf").defaults, "C": 2.0}
    assert meta["data"]["rows"] == len(rows) and meta["data"]["sha256"] == fingerprint(rows)
    assert sum(meta["data"]["class_counts"].values()) == len(rows)
    assert meta["versions"]["scikit-learn"] and meta["wall_seconds"] > 0 and meta["date"].endswith("+00:00")
    assert 0.0 <= meta["resubstitution"]["accuracy"] <= 1.0
    assert registry.load_model(run).predict(rows[:3])


def test_model_card_has_a_yaml_header_with_labels_and_metrics(project, tmp_path):
    run = train_model("tfidf", labelled_rows(project), out_dir=tmp_path / "run")
    card = (run / CARD).read_text()
    assert card.startswith("---\n")
    header = yaml.safe_load(card.split("---\n")[1])
    assert header["labels"] == ["pro", "anti", "neutral"] and header["pipeline_tag"] == "text-classification"
    # no test score without cross-validation: resubstitution is not one (tests/test_speaker_aware.py has the CV card)
    assert "model-index" not in header and "Not cross-validated" in card
    for section in ("## Intended use", "## Training data", "## Limits"):
        assert section in card


def test_a_saved_run_and_an_evaluation_report_fingerprint_rows_alike(project, tmp_path):
    """report.json's train_fingerprint can be matched to a run's meta.json (one function hashes both)."""
    from stance.evaluation import protocol

    rows = labelled_rows(project, origin="source")
    run = train_model("tfidf", rows, out_dir=tmp_path / "run")
    assert json.loads((run / META).read_text())["data"]["sha256"] == protocol.fingerprint(rows)


def test_fingerprint_changes_with_any_label_or_text():
    rows = [{"text": "a", "stance": "pro"}, {"text": "b", "stance": "anti"}]
    assert fingerprint(rows) == fingerprint([dict(r) for r in rows])
    assert fingerprint(rows) != fingerprint([rows[0], {"text": "b", "stance": "neutral"}])
    assert fingerprint(rows) != fingerprint(rows[::-1])


def test_retraining_replaces_a_run_but_never_a_foreign_folder(project, tmp_path):
    rows = labelled_rows(project)
    run = train_model("tfidf", rows, out_dir=tmp_path / "run", seed=1)
    train_model("tfidf", rows, out_dir=run, seed=2)
    assert json.loads((run / META).read_text())["seed"] == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "thesis.txt").write_text("precious")
    with pytest.raises(StanceError, match="not a model directory; refusing"):
        train_model("tfidf", rows, out_dir=tmp_path / "notes")
    assert (tmp_path / "notes" / "thesis.txt").read_text() == "precious"


def test_cli_train_with_overrides_writes_models_run(project, runner):
    result = runner.invoke(app, ["train", "tfidf", "--set", "C=3", "--set", "use_speaker=true", "--seed", "3"])
    assert result.exit_code == 0, result.output
    meta = json.loads((project.models / "tfidf" / META).read_text())
    assert meta["config"]["C"] == 3.0 and meta["config"]["use_speaker"] is True and meta["seed"] == 3
    assert "resubstitution accuracy" in result.output


def test_cli_train_on_a_labelled_csv(project, runner, tmp_path):
    data = tmp_path / "extra.csv"
    data.write_text(
        "text,stance,speaker\n"
        "Jobs must stay here,anti,union\nOffshoring saves money,pro,firm\nThe office is in Leeds,neutral,author\n"
    )
    result = runner.invoke(app, ["train", "tfidf", "--data", str(data), "--out", str(tmp_path / "r"), "--json"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)
    assert meta["data"]["rows"] == 3 and meta["data"]["source"] == str(data) and meta["size_bytes"] > 0


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["train", "nope"], None, "Can't find 'nope'. Available names: tfidf"),
        (["train", "tfidf", "--set", "colour=blue"], None, "colour: unknown key"),
        (["train", "tfidf", "--set", "C"], None, "expected key=value"),
        (["train", "tfidf", "--base-model", "x"], None, "base_model: unknown key"),
        (["train", "tfidf", "--data", "DATA"], "text,speaker\nhello,author\n", "DATA:2: stance: missing stance"),
        (["train", "tfidf", "--data", "DATA"], "words,stance\nhello,pro\n", "DATA:1: text: missing column"),
        (["train", "tfidf", "--data", "DATA"], "text,stance\nhi,pro\nyo,maybe\n", "DATA:3: stance: unknown stance"),
        (["train", "tfidf", "--data", "DATA"], "text,stance\n", "no labelled rows"),
    ],
)
def test_cli_train_errors_are_one_line(project, runner, tmp_path, args, content, message):
    data = tmp_path / "data.csv"
    if content is not None:
        data.write_text(content)
    args = [str(data) if a == "DATA" else a for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message.replace("DATA", str(data)) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_cli_train_without_labels_says_what_to_do(empty_project, runner):
    result = runner.invoke(app, ["train", "tfidf"])
    assert result.exit_code == 1 and "no gold labels yet" in result.stderr
