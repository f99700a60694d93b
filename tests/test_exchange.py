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


def _label_studio_accepts(path: Path, *, user: int = 1) -> None:
    """Do what a Label Studio user does who submits every pre-annotation: predictions become annotations.

    The file then looks like Label Studio's JSON export: numbered tasks,
    annotations with the user's numeric id and time stamps.
    """
    tasks = json.loads(path.read_text())
    for number, task in enumerate(tasks, start=1):
        task["id"] = number
        labels = [p for p in task.get("predictions", []) if p["model_version"].startswith("labels:")]
        task["annotations"] = (
            [
                {
                    "id": number,
                    "completed_by": user,
                    "was_cancelled": False,
                    "created_at": "2026-01-02T10:00:00.000000Z",
                    "updated_at": "2026-01-02T10:00:00.000000Z",
                    "result": labels[0]["result"],
                }
            ]
            if labels
            else []
        )
    path.write_text(json.dumps(tasks))


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_keeps_every_label(project: Root, tmp_path: Path, fmt: str) -> None:
    alice = _seed_alice(project)
    out = tmp_path / f"export.{fmt}"
    result = export_project(project, fmt, out, annotator="alice")
    assert result["sentences"] == len(load_sentences(project)) and result["labels"] == len(alice)
    if fmt == "labelstudio":
        _label_studio_accepts(out)
    imported = import_file(project, fmt, out, annotator="bob")
    assert imported["imported"] == len(alice)
    assert imported["without_label"] == result["sentences"] - len(alice)
    bob = load_annotator(project, "bob")
    assert sorted(map(_key, bob.values())) == sorted(map(_key, alice.values()))
    assert all(label.annotator == "bob" for label in bob.values())


@pytest.mark.parametrize("fmt", FORMATS)
def test_importing_the_same_file_twice_appends_nothing(project: Root, tmp_path: Path, fmt: str) -> None:
    alice = _seed_alice(project)
    out = tmp_path / f"export.{fmt}"
    export_project(project, fmt, out, annotator="alice")
    if fmt == "labelstudio":
        _label_studio_accepts(out)
    assert import_file(project, fmt, out, annotator="bob")["imported"] == len(alice)
    size = history_path(project, "bob").stat().st_size
    again = import_file(project, fmt, out, annotator="bob")
    assert (again["imported"], again["unchanged"]) == (0, len(alice))
    assert history_path(project, "bob").stat().st_size == size
    assert sorted(map(_key, load_annotator(project, "bob").values())) == sorted(map(_key, alice.values()))


def test_gold_goes_to_label_studio_as_predictions_and_never_comes_back_as_the_importers(
    project: Root, tmp_path: Path, runner
) -> None:
    out = tmp_path / "tasks.json"
    result = runner.invoke(app, ["export", "labelstudio", "--out", str(out)])
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text())
    assert all("id" not in task and "annotations" not in task for task in tasks)  # Label Studio numbers tasks
    config = tmp_path / "tasks.labelconfig.xml"
    names = {el.get("name") for el in ET.parse(config).getroot().iter() if el.get("name")}
    assert {"text", "stance", "speaker", "speaker_type"} <= names
    result = runner.invoke(app, ["import", "labelstudio", str(out), "--annotator", "copy", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == 0  # predictions are nobody's labels
    assert not history_path(project, "copy").exists()
    # An annotator who submits every pre-annotation in Label Studio does own those labels.
    _label_studio_accepts(out)
    assert runner.invoke(app, ["import", "labelstudio", str(out), "--annotator", "copy"]).exit_code == 0
    from stance.corpus.gold import load_gold

    gold = load_gold(project)
    copy = load_annotator(project, "copy")
    assert {k: _key(v) for k, v in copy.items()} == {k: _key(v) for k, v in gold.items()}


def test_labels_exported_as_annotations_carry_no_user_and_come_back_only_when_changed(
    project: Root, tmp_path: Path
) -> None:
    alice = _seed_alice(project)
    out = tmp_path / "tasks.json"
    export_project(project, "labelstudio", out, annotator="alice", labels_as="annotations")
    tasks = json.loads(out.read_text())
    annotated = [t for t in tasks if "annotations" in t]
    assert len(annotated) == len(alice)
    assert all("completed_by" not in a for t in annotated for a in t["annotations"])
    assert all("id" not in t for t in tasks)
    assert import_file(project, "labelstudio", out, annotator="bob")["exported_unchanged"] == len(alice)
    assert not history_path(project, "bob").exists()
    # Bob changes one stance in Label Studio: that answer, and only it, is his.
    changed = annotated[0]
    stance = next(r for r in changed["annotations"][0]["result"] if r["from_name"] == "stance")
    old = stance["value"]["choices"][0]
    stance["value"]["choices"] = ["anti" if old != "anti" else "pro"]
    out.write_text(json.dumps(tasks))
    result = import_file(project, "labelstudio", out, annotator="bob")
    assert (result["imported"], result["exported_unchanged"]) == (1, len(alice) - 1)
    bob = load_annotator(project, "bob")
    assert list(bob) == [changed["data"]["sent_id"]] and bob[changed["data"]["sent_id"]].stance != old


def test_export_without_labels(project: Root, tmp_path: Path, runner) -> None:
    _seed_alice(project)
    for fmt in FORMATS:
        out = tmp_path / f"blank.{fmt}"
        result = runner.invoke(app, ["export", fmt, "--out", str(out), "--without-labels", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["labels"] == 0
        assert import_file(project, fmt, out, annotator="bob")["imported"] == 0
    text = (tmp_path / "blank.labelstudio").read_text()
    assert '"predictions"' not in text and '"annotations"' not in text
    result = runner.invoke(app, ["export", "csv", "--out", str(out), "--without-labels", "--annotator", "alice"])
    assert result.exit_code == 1 and "--annotator" in result.output
    for fmt, value in (("labelstudio", "tasks"), ("csv", "annotations")):
        result = runner.invoke(app, ["export", fmt, "--out", str(out), "--labels-as", value])
        assert result.exit_code == 1 and "--labels-as" in result.output and "Traceback" not in result.output


def test_label_config_requires_every_field_the_import_needs() -> None:
    from stance.annotate.labelstudio import CONFIG

    controls = {el.get("name"): el for el in ET.fromstring(CONFIG).iter() if el.get("toName")}
    for name in ("stance", "speaker", "speaker_type"):
        assert controls[name].get("required") == "true", name
    assert controls["note"].get("required") is None


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
    read = read_labels("labelstudio", path, annotator="bob", known_ids=set(ids))
    assert read.without_label == 1
    assert [(lab.sent_id, lab.stance, lab.speaker, lab.speaker_type) for lab in read.labels] == [
        (ids[0], "anti", "PCS", "organisation")
    ]


def test_predictions_for_pre_annotation(project: Root, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exchange_mod, "model_probabilities", lambda run_dir, rows: [[0.2, 0.7, 0.1]] * len(rows))
    out = tmp_path / "tasks.json"
    result = export_project(project, "labelstudio", out, model_dir=tmp_path / "run-1")
    assert result["predictions"] == result["sentences"]
    task = json.loads(out.read_text())[0]
    versions = {p["model_version"]: p for p in task["predictions"]}
    assert len(versions) == 2 and any(v.startswith("labels:") for v in versions)  # gold too, as a pre-annotation
    prediction = versions["run-1"]
    assert prediction["score"] == pytest.approx(0.7)
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
    read = read_labels("labelstudio", path, annotator="bob", known_ids=set(ids))
    assert read.without_label == 1
    assert [(lab.sent_id, lab.stance, lab.speaker) for lab in read.labels] == [(ids[0], "pro", "HP")]
    path.write_text(json.dumps(rows))
    with pytest.raises(StanceError, match=r":3: stance: unknown stance"):
        read_labels("labelstudio", path, annotator="bob", known_ids=set(ids))


def _ls_answer(stance: str, speaker: str, kind: str, *, user: int, ident: int, when: str) -> dict:
    """One annotation as Label Studio's JSON export writes it."""
    return {
        "id": ident,
        "completed_by": user,
        "was_cancelled": False,
        "created_at": "2026-01-01T09:00:00.000000Z",
        "updated_at": when,
        "result": [
            {"from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": [stance]}},
            {"from_name": "speaker", "to_name": "text", "type": "textarea", "value": {"text": [speaker]}},
            {"from_name": "speaker_type", "to_name": "text", "type": "choices", "value": {"choices": [kind]}},
        ],
    }


def _min_row(task: int, sid: str, stance: str, *, user: int | str, ident: int, when: str) -> dict:
    """One JSON-MIN row as Label Studio writes it: one per annotation, the task's data fields flat."""
    return {
        "id": task,
        "sent_id": sid,
        "text": "...",
        "stance": stance,
        "speaker": "PCS",
        "speaker_type": "organisation",
        "annotator": user,
        "annotation_id": ident,
        "created_at": "2026-01-01T09:00:00.000000Z",
        "updated_at": when,
        "lead_time": 3.5,
    }


def test_newest_answer_wins_whatever_order_the_export_lists_them(project: Root, tmp_path: Path) -> None:
    ids = [s.sent_id for s in load_sentences(project)]
    older, newer = "2026-01-02T10:00:00.000000Z", "2026-01-02T11:30:00.000000Z"
    path = tmp_path / "min.json"
    # JSON-MIN lists a task's annotations newest first (the user as Label Studio 1.23 writes it, a numeric id);
    # the same user relabelled the sentence.
    rows = [
        _min_row(1, ids[0], "anti", user=1, ident=12, when=newer),
        _min_row(1, ids[0], "pro", user=1, ident=11, when=older),
        _min_row(2, ids[1], "neutral", user=1, ident=13, when=older),
        _min_row(2, ids[1], "pro", user=1, ident=14, when=newer),
    ]
    path.write_text(json.dumps(rows))
    read = read_labels("labelstudio", path, annotator="bob", known_ids=set(ids))
    assert [(lab.sent_id, lab.stance) for lab in read.labels] == [(ids[0], "anti"), (ids[1], "pro")]
    for order in (1, -1):
        answers = [
            _ls_answer("pro", "PCS", "organisation", user=3, ident=5, when=older),
            _ls_answer("anti", "PCS", "organisation", user=3, ident=9, when=newer),
        ][::order]
        path.write_text(json.dumps([{"id": 1, "data": {"sent_id": ids[0]}, "annotations": answers}]))
        assert [lab.stance for lab in read_labels("labelstudio", path, annotator="bob").labels] == ["anti"]
    # Same time stamp: the later annotation id wins.
    answers = [_ls_answer(s, "PCS", "organisation", user=3, ident=i, when=older) for s, i in (("anti", 8), ("pro", 7))]
    path.write_text(json.dumps([{"id": 1, "data": {"sent_id": ids[0]}, "annotations": answers}]))
    assert [lab.stance for lab in read_labels("labelstudio", path, annotator="bob").labels] == ["anti"]


def test_two_label_studio_users_who_disagree_stop_the_import_unless_a_policy_is_picked(
    project: Root, tmp_path: Path, runner
) -> None:
    ids = [s.sent_id for s in load_sentences(project)]
    older, newer = "2026-01-02T10:00:00.000000Z", "2026-01-02T11:30:00.000000Z"
    tasks = [
        {
            "id": 1,
            "data": {"sent_id": ids[0]},
            "annotations": [
                _ls_answer("pro", "PCS", "organisation", user=3, ident=1, when=newer),
                _ls_answer("anti", "PCS", "organisation", user=4, ident=2, when=older),
            ],
        },
        {  # two users who agree are no conflict
            "id": 2,
            "data": {"sent_id": ids[1]},
            "annotations": [
                _ls_answer("neutral", "author", "author", user=3, ident=3, when=older),
                _ls_answer("neutral", "author", "author", user=4, ident=4, when=newer),
            ],
        },
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    with pytest.raises(StanceError) as info:
        import_file(project, "labelstudio", path, annotator="bob")
    message = str(info.value)
    assert message.startswith(f"{path}:1: sent_id: Label Studio users disagree on {ids[0]!r}")
    assert "user 3" in message and "user 4" in message and "--on-disagreement" in message
    assert not history_path(project, "bob").exists()
    result = runner.invoke(app, ["import", "labelstudio", str(path), "--annotator", "bob"])
    assert result.exit_code == 1 and "Traceback" not in result.output and ids[0] in result.output

    skipped = import_file(project, "labelstudio", path, annotator="bob", on_disagreement="skip")
    assert (skipped["imported"], skipped["disagreements_skipped"]) == (1, 1)
    assert {k: v.stance for k, v in load_annotator(project, "bob").items()} == {ids[1]: "neutral"}
    newest = import_file(project, "labelstudio", path, annotator="bob", on_disagreement="newest")
    assert (newest["imported"], newest["unchanged"]) == (1, 1)
    assert load_annotator(project, "bob")[ids[0]].stance == "pro"

    rows = [
        _min_row(1, ids[2], "anti", user="x@example.org", ident=2, when=newer),
        _min_row(1, ids[2], "pro", user="y@example.org", ident=1, when=older),
    ]
    path.write_text(json.dumps(rows))
    with pytest.raises(StanceError, match=rf"disagree on {ids[2]!r}.*x@example.org.*y@example.org"):
        read_labels("labelstudio", path, annotator="bob")
    assert read_labels("labelstudio", path, annotator="bob", on_disagreement="newest").labels[0].stance == "anti"
    result = runner.invoke(app, ["import", "csv", str(path), "--annotator", "bob", "--on-disagreement", "newest"])
    assert result.exit_code == 1 and "--on-disagreement" in result.output
