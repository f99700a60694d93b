"""Speaker-aware by default: where the speaker comes from at prediction and evaluation time, abstention, the card."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import yaml

from stance.cli import app
from stance.corpus.dataset import labelled_rows
from stance.errors import StanceWarning
from stance.evaluation.protocol import ModelSpec, evaluate, headline_test_rows
from stance.models import registry
from stance.models.common import ModelBase
from stance.models.predict import fill_speakers, predict_records
from stance.models.train import CARD, META, cross_validate, train_model


class SpeakerEcho(ModelBase):
    """Says 'anti' exactly when the speaker it sees is a union, so tests can see which speaker arrived."""

    name = "echo"
    defaults = {"use_speaker": True}

    def fit(self, train, *, validation=None):
        return {}

    def predict_proba(self, rows):
        return np.array([[0.1, 0.8, 0.1] if row.get("speaker") == "Union" else [0.3, 0.3, 0.4] for row in rows])


def test_registered_models_use_the_speaker_by_default(project):
    for name in registry.available():
        config = registry.load_config(name, root=project)
        assert config["use_speaker"] is True, name
        assert config["speaker_form"] in ("role", "role+name"), name


def test_a_rows_own_speaker_wins_then_the_finder_then_text_only():
    missing = []
    records = [
        {"article": "x", "paragraph": 0, "text": "Ruritania Widgets will move 200 jobs abroad."},
        {"article": "x", "paragraph": 1, "text": "\u201cThis is a betrayal,\u201d said Jo Bloggs, a union official."},
        {"article": "x", "paragraph": 2, "text": "Costs will fall.", "speaker": "Acme"},
        {"text": "A sentence on its own."},
        {"text": "Another one."},
    ]
    out = list(fill_speakers(records, missing.append))
    assert out[1]["speaker"] == "Jo Bloggs" and out[1]["speaker_source"] == "finder"
    assert out[0]["speaker"] == "author" and out[1]["context"] == records[0]["text"]
    assert out[2]["speaker"] == "Acme" and "speaker_source" not in out[2]
    assert "speaker" not in out[3] and "speaker" not in out[4]
    assert len(missing) == 1 and "text alone" in missing[0]  # said once, not per row


def test_text_only_model_gets_rows_untouched(project, tmp_path):
    run = train_model("tfidf", labelled_rows(project)[:60], out_dir=tmp_path / "r", config={"use_speaker": False})
    model = registry.load_model(run)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = list(predict_records(model, [{"text": "Jobs go to India."}]))
    assert "speaker" not in out[0]


def test_speaker_model_warns_once_without_speakers(project, tmp_path):
    run = train_model("tfidf", labelled_rows(project)[:60], out_dir=tmp_path / "r", config={"use_speaker": True})
    model = registry.load_model(run)
    with pytest.warns(StanceWarning, match="text alone") as caught:
        list(predict_records(model, [{"text": "Jobs go to India."}, {"text": "Costs fall."}]))
    assert len([w for w in caught if issubclass(w.category, StanceWarning)]) == 1


def test_min_confidence_marks_rows_and_keeps_the_label():
    model = SpeakerEcho()
    rows = [{"text": "a", "speaker": "Union"}, {"text": "b", "speaker": "Acme"}]
    out = list(predict_records(model, rows, min_confidence=0.5))
    assert [(r["stance"], r["uncertain"]) for r in out] == [("anti", False), ("neutral", True)]
    assert "uncertain" not in next(iter(predict_records(model, rows[:1])))
    with pytest.raises(Exception, match="between 0 and 1"):
        list(predict_records(model, rows, min_confidence=1.5))


def test_cli_min_confidence(project, runner, tmp_path):
    run = train_model("tfidf", labelled_rows(project), out_dir=tmp_path / "r")
    result = runner.invoke(app, ["predict", str(run), "Jobs move.", "--min-confidence", "0.99", "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.splitlines()[0])
    assert record["uncertain"] is True and record["stance"] in ("pro", "anti", "neutral")


def test_headline_numbers_use_the_finders_speakers_for_speaker_models(monkeypatch):
    monkeypatch.setitem(registry.MODELS, "echo", f"{__name__}:SpeakerEcho")
    rows = [
        {"sent_id": f"{a}:{i}", "article": a, "text": "t", "speaker": "Union", "stance": "anti"}
        for a in "abcde"
        for i in range(2)
    ]
    finder = [{**row, "speaker": "Acme"} for row in rows]  # the finder got every speaker wrong
    spec = ModelSpec(name="echo", kind="registry", config={"use_speaker": True})
    assert headline_test_rows(spec, finder) is finder
    assert headline_test_rows(ModelSpec(name="echo", kind="registry", config={"use_speaker": False}), finder) is None
    with_finder = evaluate(rows, [spec], cv="kfold", k=5, n_bootstrap=100, test_speakers=finder)
    gold = evaluate(rows, [spec], cv="kfold", k=5, n_bootstrap=100)
    assert set(with_finder.model("echo").predictions) == {"neutral"}
    assert set(gold.model("echo").predictions) == {"anti"}
    assert with_finder.protocol["speakers_at_test"] == "finder"


def test_card_reports_cross_validation_not_resubstitution(project, tmp_path):
    rows = labelled_rows(project, articles=sorted({r["article"] for r in labelled_rows(project)})[:12])
    plain = train_model("tfidf", rows, out_dir=tmp_path / "plain")
    card = (plain / CARD).read_text()
    assert "model-index" not in card and "Not cross-validated" in card
    scores = cross_validate("tfidf", rows, config=registry.load_config("tfidf", root=project), cv="kfold:3")
    run = train_model("tfidf", rows, out_dir=tmp_path / "cv", cross_validation=scores)
    header = yaml.safe_load((run / CARD).read_text().split("---\n")[1])
    metrics = header["model-index"][0]["results"][0]["metrics"]
    assert metrics[0]["value"] == scores["macro_f1"] and "cross-validation" in metrics[0]["name"]
    assert json.loads((run / META).read_text())["cross_validation"]["folds"] == 3
    assert scores["grouped_by_article"] and 0.0 <= scores["macro_f1"] <= 1.0
