"""Export / import round trips for every format, Label Studio's own export, and bad files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stance.annotate import exchange as exchange_mod
from stance.annotate.exchange import export_project, import_file
from stance.annotate.formats import FORMATS, read_labels
from stance.annotate.store import append_records, history_path, label_record, load_annotator
from stance.cli import app
from stance.corpus.articles import load_sentences
from stance.errors import StanceError
from stance.paths import Root
from stance.schema import Label


def _seed_alice(root: Root) -> dict[str, Label]:
    """Alice labels the first eight sentences, one with a note and a comma/quote-laden speaker."""
    ids = [s.sent_id for s in load_sentences(root)][:8]
    kinds = [("author", "author"), ("PCS", "organisation"), ('Jane "JJ" Doe, MP', "person")]
    stances = ["pro", "anti", "neutral"]
    labels = []
    for i, sid in enumerate(ids):
        speaker, kind = kinds[i % 3]
        note = "quote runs on; unsure" if i == 4 else None
        labels.append(Label(sid, speaker, kind, stances[i % 3], "alice", note=note))
    append_records(root, "alice", [label_record(label) for label in labels])
    return {label.sent_id: label for label in labels}


def _key(label: Label) -> tuple:
    return (label.sent_id, label.speaker, label.speaker_type, label.stance, label.note)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_keeps_every_label(project: Root, tmp_path: Path, fmt: str) -> None:
    alice = _seed_alice(project)
    out = tmp_path / f"export.{fmt}"
    result = export_project(project, fmt, out, annotator="alice")
    assert result["sentences"] == len(load_sentences(project)) and result["labels"] == len(alice)
    imported = import_file(project, fmt, out, annotator="bob")
    assert imported["imported"] == len(alice)
    assert imported["without_label"] == result["sentences"] - len(alice)
    bob = load_annotator(project, "bob")
    assert sorted(map(_key, bob.values())) == sorted(map(_key, alice.values()))
    assert all(label.annotator == "bob" for label in bob.values())


def test_gold_round_trip_through_label_studio(project: Root, tmp_path: Path, runner) -> None:
    out = tmp_path / "tasks.json"
    result = runner.invoke(app, ["export", "labelstudio", "--out", str(out)])
    assert result.exit_code == 0, result.output
    config = tmp_path / "tasks.labelconfig.xml"
    names = {el.get("name") for el in ET.parse(config).getroot().iter() if el.get("name")}
    assert {"text", "stance", "speaker", "speaker_type"} <= names
    assert runner.invoke(app, ["import", "labelstudio", str(out), "--annotator", "copy"]).exit_code == 0
    from stance.corpus.gold import load_gold

    gold = load_gold(project)
    copy = load_annotator(project, "copy")
    assert {k: _key(v) for k, v in copy.items()} == {k: _key(v) for k, v in gold.items()}
    agreement = runner.invoke(app, ["agreement", "copy", "--with-gold", "--json"])
    assert json.loads(agreement.stdout)["gold"][0]["kappa"] == 1.0


def test_label_studio_export_file_as_the_tool_writes_it(project: Root, tmp_path: Path) -> None:
    ids = [s.sent_id for s in load_sentences(project)]
    tasks = [
        {
            "id": 7,
            "data": {"text": "...", "sent_id": ids[0]},
            "annotations": [
                {"id": 1, "completed_by": 3, "was_cancelled": True, "result": []},
                {
                    "id": 2,
                    "completed_by": 3,
                    "was_cancelled": False,
                    "lead_time": 4.2,
                    "result": [
                        {
                            "id": "x1",
                            "from_name": "stance",
                            "to_name": "text",
                            "type": "choices",
                            "value": {"choices": ["anti"]},
                            "origin": "manual",
                        },
                        {
                            "id": "x2",
                            "from_name": "speaker",
                            "to_name": "text",
                            "type": "textarea",
                            "value": {"text": ["PCS"]},
                        },
                        {
                            "id": "x3",
                            "from_name": "speaker_type",
                            "to_name": "text",
                            "type": "choices",
                            "value": {"choices": ["organisation"]},
                        },
                    ],
                },
            ],
            "predictions": [],
            "meta": {},
        },
        {"id": 8, "data": {"text": "...", "sent_id": ids[1]}, "annotations": []},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    labels, skipped = read_labels("labelstudio", path, annotator="bob", known_ids=set(ids))
    assert skipped == 1
    assert [(lab.sent_id, lab.stance, lab.speaker, lab.speaker_type) for lab in labels] == [
        (ids[0], "anti", "PCS", "organisation")
    ]


def test_predictions_for_pre_annotation(project: Root, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exchange_mod, "model_probabilities", lambda run_dir, rows: [[0.2, 0.7, 0.1]] * len(rows))
    out = tmp_path / "tasks.json"
    result = export_project(project, "labelstudio", out, model_dir=tmp_path / "run-1")
    assert result["predictions"] == result["sentences"]
    task = json.loads(out.read_text())[0]
    prediction = task["predictions"][0]
    assert prediction["model_version"] == "run-1" and prediction["score"] == pytest.approx(0.7)
    assert prediction["result"][0]["value"]["choices"] == ["anti"]
    csv_out = tmp_path / "rows.csv"
    export_project(project, "csv", csv_out, model_dir=tmp_path / "run-1")
    assert "anti,0.200000,0.700000,0.100000" in csv_out.read_text()


@pytest.mark.parametrize(
    ("fmt", "text", "where", "problem"),
    [
        (
            "doccano",
            '{{"text": "a", "label": ["neutral"], "sent_id": "{0}", "speaker": "author", "speaker_type": "author"}}\n'
            '{{"text": "b", "label": ["maybe"], "sent_id": "{0}", "speaker": "author", "speaker_type": "author"}}\n',
            ":2: stance: unknown stance",
            None,
        ),
        (
            "prodigy",
            '{{"text": "a", "meta": {{"sent_id": "nope:000", "speaker": "author", "speaker_type": "author"}}, '
            '"accept": ["pro"], "answer": "accept"}}\n',
            ":1: sent_id: label for unknown sentence",
            None,
        ),
        (
            "csv",
            "sent_id,speaker,speaker_type,stance\n{0},,person,pro\n{0},X,person,anti\n{0},,person,pro\n",
            ":2: speaker: missing or empty field",
            "(1 more bad record(s))",
        ),
        ("labelstudio", "[1]", ":1: expected a JSON object", None),
        ("doccano", "{{not json\n", ":1: bad JSON", None),
    ],
)
def test_bad_import_reports_record_and_imports_nothing(
    project: Root, tmp_path: Path, runner, fmt: str, text: str, where: str, problem: str | None
) -> None:
    sid = load_sentences(project)[0].sent_id
    path = tmp_path / f"bad.{fmt}"
    path.write_text(text.format(sid))
    with pytest.raises(StanceError) as info:
        import_file(project, fmt, path, annotator="bob")
    assert str(info.value).startswith(f"{path}{where}")
    if problem:
        assert problem in str(info.value)
    assert not history_path(project, "bob").exists()
    result = runner.invoke(app, ["import", fmt, str(path), "--annotator", "bob"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2  # one message (rich may wrap it)


def test_unknown_format_lists_the_known_ones(project: Root, tmp_path: Path, runner) -> None:
    result = runner.invoke(app, ["export", "brat", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "Available names: labelstudio, doccano, prodigy, csv" in " ".join(result.output.split())


def test_label_studio_json_min_export(project: Root, tmp_path: Path) -> None:
    ids = [s.sent_id for s in load_sentences(project)]
    path = tmp_path / "min.json"
    rows = [
        {"id": 1, "text": "...", "sent_id": ids[0], "stance": "pro", "speaker": "HP", "speaker_type": "organisation"},
        {"id": 2, "text": "...", "sent_id": ids[1]},
        {
            "id": 3,
            "text": "...",
            "sent_id": ids[2],
            "stance": ["anti", "pro"],
            "speaker": "x",
            "speaker_type": "person",
        },
    ]
    path.write_text(json.dumps(rows[:2]))
    labels, skipped = read_labels("labelstudio", path, annotator="bob", known_ids=set(ids))
    assert skipped == 1 and [(lab.sent_id, lab.stance, lab.speaker) for lab in labels] == [(ids[0], "pro", "HP")]
    path.write_text(json.dumps(rows))
    with pytest.raises(StanceError, match=r":3: stance: unknown stance"):
        read_labels("labelstudio", path, annotator="bob", known_ids=set(ids))
