"""`u` reaches back into earlier sessions, and a scripted session shows no typing rate."""

from __future__ import annotations

import json

from stance.annotate.store import history_path, load_annotator, standing_order
from stance.cli import app
from stance.corpus.articles import load_sentences
from stance.paths import Root

ARTICLE = "dwp-offshore-it-jobs"


def _annotate(runner, keys: str, *extra: str):
    return runner.invoke(
        app, ["annotate", "--annotator", "bob", "--article", ARTICLE, "--no-finder", *extra], input=keys
    )


def _ids(root: Root) -> list[str]:
    return [s.sent_id for s in load_sentences(root) if s.article == ARTICLE]


def test_undo_in_a_new_session_withdraws_the_last_label_of_the_previous_one(project: Root, runner) -> None:
    ids = _ids(project)
    assert _annotate(runner, "p\na\nq\n").exit_code == 0
    result = _annotate(runner, "u\nn\nq\n")
    assert result.exit_code == 0, result.output
    assert f"label of {ids[1]} withdrawn" in result.output
    assert "nothing to undo" not in result.output
    records = [json.loads(line) for line in history_path(project, "bob").read_text().splitlines()]
    assert [(r["type"], r["sent_id"]) for r in records] == [
        ("label", ids[0]),
        ("label", ids[1]),
        ("retract", ids[1]),
        ("label", ids[1]),
    ]
    labels = load_annotator(project, "bob")
    assert (labels[ids[0]].stance, labels[ids[1]].stance) == ("pro", "neutral")


def test_undo_walks_back_through_earlier_sessions_and_restores_a_relabelled_one(project: Root, runner) -> None:
    ids = _ids(project)
    assert _annotate(runner, "p\na\nq\n").exit_code == 0
    assert _annotate(runner, "n\nq\n", "--relabel").exit_code == 0  # ids[0]: pro, then neutral
    assert standing_order(history_path(project, "bob")) == [ids[0], ids[1], ids[0]]
    result = _annotate(runner, "u\nu\nu\nu\nu\nq\n")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert out.count("withdrawn") == 3
    assert "nothing to undo: no label of yours is left" in out
    assert load_annotator(project, "bob") == {}
    assert standing_order(history_path(project, "bob")) == []


def test_a_scripted_session_shows_no_rate(project: Root, runner) -> None:
    result = _annotate(runner, "p\n\nn\nq\n")
    assert result.exit_code == 0, result.output
    assert "/min" not in result.output
    assert "3 this session, saved in" in " ".join(result.output.split())
