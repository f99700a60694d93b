"""Adjudication writes decisions into gold with who decided, keeping every other gold label."""

from __future__ import annotations

from stance.annotate.adjudicate import find_disagreements
from stance.annotate.store import append_records, fold_history, history_path, label_record, retraction_record
from stance.cli import app
from stance.corpus.articles import load_sentences
from stance.corpus.gold import load_gold
from stance.paths import Root
from stance.schema import Label


def _label(root: Root, name: str, sid: str, stance: str, speaker: str = "author", kind: str = "author") -> None:
    append_records(root, name, [label_record(Label(sid, speaker, kind, stance, name))])


def test_history_fold_is_labels_minus_retractions_last_wins(project: Root) -> None:
    sid = load_sentences(project)[0].sent_id
    _label(project, "alice", sid, "pro")
    _label(project, "alice", sid, "anti")
    assert fold_history(history_path(project, "alice"))[sid].stance == "anti"
    append_records(project, "alice", [retraction_record(sid, "alice")])
    assert fold_history(history_path(project, "alice"))[sid].stance == "pro"
    append_records(project, "alice", [retraction_record(sid, "alice")])
    assert sid not in fold_history(history_path(project, "alice"))
    assert len(history_path(project, "alice").read_text().splitlines()) == 4  # nothing rewritten


def test_adjudicate_writes_decision_and_keeps_other_gold(project: Root, runner) -> None:
    sentences = load_sentences(project)
    before = load_gold(project)
    unlabelled = [s.sent_id for s in sentences if s.sent_id not in before]
    labelled = [s.sent_id for s in sentences if s.sent_id in before]
    a, b = unlabelled[:2] if len(unlabelled) >= 2 else labelled[-2:]
    _label(project, "alice", a, "pro")
    _label(project, "bob", a, "anti", "PCS", "organisation")
    _label(project, "alice", b, "neutral", "pcs", "organisation")
    _label(
        project, "bob", b, "neutral", " Public and Commercial  Services Union", "organisation"
    )  # same after normalisation: no disagreement
    order = [s.sent_id for s in sentences]
    from stance.annotate.store import load_annotators

    found = find_disagreements(
        load_annotators(project, ["alice", "bob"]), load_gold(project), order=order, include_decided=True
    )
    assert [d.sent_id for d in found] == [a]
    assert set(found[0].fields) == {"stance", "speaker", "speaker_type"}
    result = runner.invoke(app, ["adjudicate", "alice", "bob", "--adjudicator", "carol", "--all"], input="2\n")
    assert result.exit_code == 0, result.output
    after = load_gold(project)
    decided = after[a]
    assert (decided.stance, decided.speaker, decided.annotator) == ("anti", "PCS", "carol")
    assert "alice: pro / author (author)" in decided.note and "bob: anti / PCS (organisation)" in decided.note
    for sid, label in before.items():
        if sid != a:
            assert after[sid] == label and after[sid].note == label.note
    # Gold now holds one candidate's label, so the disagreement no longer comes up.
    again = runner.invoke(app, ["adjudicate", "alice", "bob", "--adjudicator", "carol"], input="q\n")
    assert "0 disagreement(s) left" in " ".join(again.output.split())


def test_agreement_cli_needs_two_annotators(project: Root, runner) -> None:
    sid = load_sentences(project)[0].sent_id
    _label(project, "alice", sid, "pro")
    result = runner.invoke(app, ["agreement"])
    assert result.exit_code == 1 and "two annotators" in result.output
    result = runner.invoke(app, ["adjudicate", "--adjudicator", "carol"], input="q\n")
    assert result.exit_code == 1 and "two annotators or more" in result.output
    result = runner.invoke(app, ["agreement", "alice", "nobody"])
    assert result.exit_code == 1 and "Can't find annotator 'nobody'. Available names: alice" in result.output
    _label(project, "bob", sid, "anti")
    result = runner.invoke(app, ["agreement", "--json"])
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.stdout)
    assert report["pairs"][0]["shared"] == 1 and report["pairs"][0]["observed"] == 0.0
    assert report["pairs"][0]["kappa"] is None or report["pairs"][0]["kappa"] == 0.0
