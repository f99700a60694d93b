"""Listing commands in a pipe: whole lines at the content's width, and --format tsv/json for scripts.

CliRunner's output is not a terminal, like a pipe or a log file: without
COLUMNS nothing is squeezed to 80 columns; with COLUMNS the width is obeyed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stance.cli import app
from stance.corpus.articles import load_articles
from stance.corpus.dataset import labelled_rows
from stance.models.train import train_model
from stance.paths import Root


def run(runner, *args, env=None):
    result = runner.invoke(app, [*map(str, args)], env=env)
    assert result.exit_code == 0, result.output
    return result


def test_piped_corpus_list_is_one_line_per_article_with_whole_titles(project: Root, runner, monkeypatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    lines = run(runner, "corpus", "list").stdout.splitlines()
    articles = load_articles(project)
    assert lines[0] == f"{len(articles)} articles", "the title is one line, not wrapped or centred away"
    for article in articles:
        (line,) = [line for line in lines if line.split()[:1] == [article.id]]
        assert article.title in line, f"{article.id}: title not whole on its line"
    assert all(line == line.rstrip() for line in lines), "no trailing blanks in a file"
    assert "…" not in "\n".join(lines)


def test_corpus_list_formats_agree(project: Root, runner) -> None:
    rows = json.loads(run(runner, "corpus", "list", "--format", "json").stdout)
    assert rows == json.loads(run(runner, "corpus", "list", "--json").stdout)
    tsv = run(runner, "corpus", "list", "-f", "tsv").stdout.splitlines()
    header = tsv[0].split("\t")
    assert header[:2] == ["id", "title"] and len(tsv) == 1 + len(rows)
    parsed = [dict(zip(header, line.split("\t"), strict=True)) for line in tsv[1:]]
    assert [p["id"] for p in parsed] == [r["id"] for r in rows]
    assert [int(p["labelled"]) for p in parsed] == [r["labelled"] for r in rows]
    bad = runner.invoke(app, ["corpus", "list", "--format", "xml"])
    assert bad.exit_code == 1 and "allowed: table, tsv, json" in bad.output


def test_corpus_list_outside_a_project_names_the_folder_and_how_to_set_one(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STANCE_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["corpus", "list", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []  # stdout stays data
    note = " ".join(result.stderr.split())
    assert str(tmp_path) in note and "--root DIR" in note and "STANCE_ROOT" in note
    (tmp_path / "corpus").mkdir()
    assert runner.invoke(app, ["corpus", "list"]).stderr == "", "a project was found: nothing to say"


def test_models_keeps_config_paths_whole(project: Root, runner) -> None:
    out = run(runner, "models", env={"COLUMNS": "80"}).stdout
    for name in ("tfidf", "embeddings", "transformer"):
        assert f"models/{name}.toml" in out
    rows = [line.split("\t") for line in run(runner, "models", "-f", "tsv").stdout.splitlines()]
    assert rows[0][:2] == ["kind", "name"] and {r[1] for r in rows[1:]} >= {"tfidf", "embeddings"}


def test_errors_lists_as_tsv_and_json(project: Root, runner, tmp_path: Path) -> None:
    out = tmp_path / "report"
    run(runner, "evaluate", "--models", "tfidf", "--bootstrap", "100", "--out", out)
    records = json.loads(run(runner, "errors", out, "-m", "tfidf", "-n", "5", "-f", "json").stdout)
    assert len(records) == 5 and all(r["gold"] != r["predicted"] for r in records)
    tsv = run(runner, "errors", out, "-m", "tfidf", "-n", "5", "-f", "tsv").stdout.splitlines()
    assert tsv[0].split("\t")[:2] == ["model", "sent_id"] and len(tsv) == 6
    assert [line.split("\t")[1] for line in tsv[1:]] == [r["sent_id"] for r in records]
    table = run(runner, "errors", out, "-m", "tfidf", "-n", "5").stdout
    assert records[0]["text"] in table, "a piped table keeps each sentence on one line"


def test_sentences_are_numbered_from_0_everywhere(project: Root, runner, tmp_path: Path) -> None:
    article = tmp_path / "new.txt"
    article.write_text(
        "Bank moves call centre jobs abroad\n\nThe bank will move 300 jobs to Manila.\n\n"
        '"This is a sad day," said union official Tom Reed.\n',
        encoding="utf-8",
    )
    shown = json.loads(run(runner, "speakers", "show", "--file", article, "--json").stdout)
    assert [r["index"] for r in shown] == list(range(len(shown)))
    run_dir = train_model("tfidf", labelled_rows(project), out_dir=tmp_path / "run")
    table = run(runner, "predict", run_dir, "--article", article, "--format", "table").stdout
    numbers = [int(m.group(1)) for m in re.finditer(r"^\s*│?\s*(\d+)\s*│", table, flags=re.MULTILINE)]
    assert numbers == [r["index"] for r in shown]
    dwp = json.loads(run(runner, "speakers", "show", "dwp-offshore-it-jobs", "--json").stdout)
    assert all(r["sent_id"].endswith(f":{r['index']:03d}") for r in dwp), "ids and numbers agree"
