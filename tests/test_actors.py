"""Who stands where: the actor table, its files, and predictions marked against gold."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from stance.analysis.actors import actor_table, actors_report, edges
from stance.cli import app
from stance.paths import Root
from stance.schema import STANCES


def row(speaker: str, stance: str, article: str = "a", gold: str | None = None, stype: str = "person") -> dict:
    return {
        "speaker": speaker,
        "speaker_type": stype,
        "stance": stance,
        "article": article,
        "gold_stance": gold,
    }


def test_actor_table_counts_shares_and_order() -> None:
    rows = [
        row("Ann", "anti"),
        row("Ann", "anti", "b"),
        row("Ann", "neutral"),
        row("Bob", "pro"),
        row("Cy", "pro", gold="anti"),
        row("Cy", "pro", gold="pro"),
    ]
    table = actor_table(rows)
    assert [r["speaker"] for r in table] == ["Ann", "Cy", "Bob"]
    ann = table[0]
    assert (ann["pro"], ann["anti"], ann["neutral"], ann["sentences"]) == (0, 2, 1, 3)
    assert ann["share_anti"] == pytest.approx(2 / 3)
    assert ann["articles"] == ["a", "b"]
    cy = table[1]
    assert (cy["gold_compared"], cy["disagreements"]) == (2, 1)
    assert edges(table) == [
        {"source": "Ann", "target": "offshoring", "stance": "anti", "weight": 2, "speaker_type": "person"},
        {"source": "Ann", "target": "offshoring", "stance": "neutral", "weight": 1, "speaker_type": "person"},
        {"source": "Cy", "target": "offshoring", "stance": "pro", "weight": 2, "speaker_type": "person"},
        {"source": "Bob", "target": "offshoring", "stance": "pro", "weight": 1, "speaker_type": "person"},
    ]


def test_gold_report_files(project: Root, tmp_path: Path) -> None:
    import networkx as nx

    from stance.corpus.gold import load_gold

    result = actors_report(project, out_dir=tmp_path / "out")
    gold = load_gold(project)
    assert result["sentences"] == len(gold)
    with open(result["files"]["table_csv"], encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert sum(int(r["sentences"]) for r in table) == len(gold)
    pcs = next(r for r in table if r["speaker"] == "PCS")
    pcs_gold = Counter(label.stance for label in gold.values() if label.speaker == "PCS")
    assert {s: int(pcs[s]) for s in STANCES} == {s: pcs_gold[s] for s in STANCES}
    assert int(pcs["sentences"]) == sum(pcs_gold.values()) > 0
    assert Path(result["files"]["chart_png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    graph = nx.read_graphml(result["files"]["edges_graphml"])
    assert graph.nodes["offshoring"]["kind"] == "concept"
    weights = sum(d["weight"] for _, _, d in graph.edges(data=True))
    assert weights == len(gold)
    with open(result["files"]["edges_csv"], encoding="utf-8") as handle:
        assert sum(int(r["weight"]) for r in csv.DictReader(handle)) == len(gold)


def test_no_author_leaves_the_journalist_out(project: Root, tmp_path: Path) -> None:
    result = actors_report(project, out_dir=tmp_path, include_author=False)
    assert all(r["speaker"] != "author" for r in result["table"])


def test_cli_actors_gold(project: Root, runner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["actors", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "PCS" in result.output and (tmp_path / "o" / "actors.csv").exists()


def test_cli_actors_bad_source_is_one_line(project: Root, runner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["actors", "--source", str(tmp_path / "missing"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a model run folder" in result.output


def test_predictions_marked_against_gold(project: Root, runner, tmp_path: Path) -> None:
    """A real (TF-IDF) model run: every corpus sentence predicted, disagreements counted where gold exists."""
    from stance.corpus.dataset import labelled_rows
    from stance.models.registry import create

    model = create("tfidf", seed=0)
    model.fit(labelled_rows(project))
    run_dir = tmp_path / "run"
    model.save(run_dir)
    result = runner.invoke(app, ["actors", "--source", str(run_dir), "--out", str(tmp_path / "o"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    gold_rows = labelled_rows(project)
    n_gold = len(gold_rows)
    assert data["gold_compared"] == n_gold
    # Recount independently: the saved model on the labelled rows (gold speakers), against gold.
    expected = sum(p != r["stance"] for p, r in zip(model.predict(gold_rows), gold_rows, strict=True))
    assert data["disagreements"] == expected
    assert sum(r["sentences"] for r in data["table"]) == data["sentences"] >= n_gold
