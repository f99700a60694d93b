"""Test projects hold the shipped data only: what a user labels, trains or writes never reaches a test."""

from __future__ import annotations

import json
from pathlib import Path

from projects import build_project

from stance.cli import app

REPO = Path(__file__).resolve().parents[1]


def test_a_users_labels_runs_and_reports_never_reach_a_test_project(tmp_path, runner, monkeypatch):
    clone = build_project(REPO, tmp_path / "clone")
    monkeypatch.setenv("STANCE_ROOT", str(clone))
    # A user of a fresh clone labels one sentence and quits (the README's example), twice over.
    for name in ("newbie", "second"):
        labelled = runner.invoke(app, ["annotate", "--annotator", name], input="p\nq\n")
        assert labelled.exit_code == 0, labelled.output
    assert runner.invoke(app, ["agreement"]).exit_code == 0  # two annotators in the clone
    (clone / "models" / "tfidf-mine").mkdir()
    (clone / "models" / "tfidf-mine" / "stance_model.json").write_text(json.dumps({"model": "tfidf"}))
    (clone / "reports" / "x").mkdir(parents=True)
    (clone / "annotations" / "speaker_aliases.json").write_text('{"Mine": "mine"}')

    project = build_project(clone, tmp_path / "project")
    monkeypatch.setenv("STANCE_ROOT", str(project))
    assert not (project / "annotations" / "annotators").exists()
    assert sorted(p.name for p in (project / "annotations").iterdir()) == ["gold.jsonl"]
    assert sorted(p.name for p in (project / "models").iterdir()) == sorted(p.name for p in REPO.glob("models/*.toml"))
    assert not (project / "reports").exists()
    result = runner.invoke(app, ["agreement"])
    assert result.exit_code == 1 and "no annotator files" in result.output
