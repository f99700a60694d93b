"""The actors chart and table: quoted speakers at a readable scale, and what was cut is said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.analysis.actors import actors_report, chart_note, chart_selection
from stance.cli import app
from stance.paths import Root


def _row(speaker: str, n: int, kind: str = "person") -> dict:
    return {"speaker": speaker, "speaker_type": kind, "sentences": n}


def test_chart_selection_leaves_author_out_and_counts_the_rest() -> None:
    table = [_row("author", 80, "author"), _row("PCS", 15, "organisation"), _row("Ann", 4), _row("Bob", 2)]
    selection = chart_selection(table, top=2)
    assert [r["speaker"] for r in selection["shown"]] == ["PCS", "Ann"]
    assert chart_note(selection) == "top 2 of 3 quoted speakers; author (80 sentences of narration) not charted"
    assert chart_note(chart_selection(table[1:], top=5)) == "all 3 quoted speakers"


def test_chart_draws_the_quoted_speakers_with_counts_and_shares(
    project: Root, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = []
    monkeypatch.setattr(plt, "close", figures.append)
    result = actors_report(project, out_dir=tmp_path, top=10)
    (figure,) = figures
    counts_ax, shares_ax = figure.axes
    names = [label.get_text() for label in counts_ax.get_yticklabels()]
    assert "author" not in names and len(names) == 10 == result["chart"]["shown"]
    assert names[-1] == result["table"][1]["speaker"]  # most sentences on top, after author
    assert shares_ax.get_xlim() == (0.0, 1.0)
    assert f"top 10 of {result['chart']['of']} quoted speakers" in figure._suptitle.get_text()
    assert result["chart"]["of"] == result["speakers"] - 1  # every speaker but author


def test_cli_table_says_top_n_of_m_and_formats(project: Root, runner, tmp_path: Path) -> None:
    out = str(tmp_path / "o")
    result = runner.invoke(app, ["actors", "--out", out, "--top", "5"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    data = json.loads(runner.invoke(app, ["actors", "--out", out, "--format", "json"]).stdout)
    assert f"top 5 of {data['speakers']} speakers" in result.stdout
    assert "sentenc…" not in result.stdout and "organisa…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    tsv = runner.invoke(app, ["actors", "--out", out, "--format", "tsv"]).stdout.splitlines()
    assert tsv[0].split("\t")[:3] == ["speaker", "speaker_type", "sentences"]
    assert len(tsv) == 1 + data["speakers"]  # every speaker, not only the top
    assert tsv[1].split("\t")[0] == data["table"][0]["speaker"]
