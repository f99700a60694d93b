"""Speaker scoring (pure) and the ``stance speakers`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.cli import app
from stance.corpus.articles import load_articles, load_sentences
from stance.errors import StanceError
from stance.paths import Root
from stance.speakers.scoring import (
    MISS_KINDS,
    confusion,
    miss_kind,
    miss_kinds,
    normalise_speaker,
    read_article_list,
    same_source,
    score,
)

PATTERNS = Path(__file__).parent / "data" / "attribution_patterns.jsonl"


def rec(article: str, gold: str, pred: str, gold_type: str = "person", pred_type: str = "person") -> dict:
    if gold == "author":
        gold_type = "author"
    if pred == "author":
        pred_type = "author"
    return {
        "sent_id": f"{article}:0",
        "article": article,
        "text": "t",
        "gold_speaker": gold,
        "gold_type": gold_type,
        "pred_speaker": pred,
        "pred_type": pred_type,
        "evidence": "e",
    }


def test_score_by_hand() -> None:
    records = [
        rec("a", "author", "author"),
        rec("a", "Jane Hill", "Jane Hill"),
        rec("a", "Jane Hill", "Hill"),  # wrong name, right type, right "quoted"
        rec("b", "PCS", "author", gold_type="organisation"),  # wrong on all three
        rec("b", "UNIFI", "Unifi", gold_type="organisation", pred_type="organisation"),  # case is normalised
    ]
    result = score(records)
    overall = result["overall"]
    assert overall["n"] == 5
    assert overall["speaker_accuracy"] == pytest.approx(3 / 5)
    assert overall["type_accuracy"] == pytest.approx(4 / 5)
    assert overall["quoted_accuracy"] == pytest.approx(4 / 5)
    assert [a["article"] for a in result["articles"]] == ["a", "b"]
    assert result["articles"][0]["speaker_accuracy"] == pytest.approx(2 / 3)
    assert [m["pred_speaker"] for m in result["misses"]] == ["Hill", "author"]


def test_confusion_rows_sum_to_gold_counts() -> None:
    records = [rec("a", "X", "X"), rec("a", "X", "Y"), rec("a", "Y", "Y"), rec("a", "Z", "X")]
    table = confusion(records, top=2)
    assert table["labels"] == ["X", "Y", "(other)"]
    assert table["matrix"] == [[1, 1, 0], [0, 1, 0], [1, 0, 0]]


def test_normalise_speaker() -> None:
    assert normalise_speaker("Georgina  O’Toole") == normalise_speaker("georgina o'toole")


def test_cli_evaluate_json(project: Root, runner) -> None:
    # The seed articles: labelled before any finder rule was written and unchanged by the
    # holder's-view convention, so the finder must keep them (the other collections are
    # measured by `stance speakers evaluate --collection ...`, see docs/).
    result = runner.invoke(app, ["speakers", "evaluate", "--collection", "seed", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["overall"]["speaker_accuracy"] >= 0.95
    assert {"articles", "confusion", "misses"} <= set(data)


def test_cli_evaluate_one_article_and_table(project: Root, runner) -> None:
    result = runner.invoke(app, ["speakers", "evaluate", "--article", "hp-dwp-staff-strike-india"])
    assert result.exit_code == 0, result.output
    assert "hp-dwp" in result.output and "overall" in result.output and "(11/11)" in result.output


def test_cli_evaluate_unknown_article_is_one_line(project: Root, runner) -> None:
    result = runner.invoke(app, ["speakers", "evaluate", "--article", "nope"])
    assert result.exit_code == 1
    assert "Can't find article 'nope'" in result.output
    assert "Traceback" not in result.output


def test_cli_evaluate_patterns(runner) -> None:
    result = runner.invoke(app, ["speakers", "evaluate", "--patterns", str(PATTERNS), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["overall"]["n"] >= 80


def test_cli_show_article_json(project: Root, runner) -> None:
    result = runner.invoke(app, ["speakers", "show", "hp-dwp-staff-strike-india", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    serwotka = [r for r in records if r["speaker"] == "Mark Serwotka"]
    assert serwotka and all(r["gold_speaker"] == "Mark Serwotka" for r in serwotka)
    assert {"evidence", "confidence", "rule", "paragraph"} <= set(records[0])


def test_cli_show_file(tmp_path: Path, runner) -> None:
    path = tmp_path / "new.txt"
    path.write_text('title: A test\n\nAnn Lee said: "We object."\n\n"Strongly."\n', encoding="utf-8")
    result = runner.invoke(app, ["speakers", "show", "--file", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert [r["speaker"] for r in json.loads(result.output)] == ["Ann Lee", "Ann Lee"]
    table = runner.invoke(app, ["speakers", "show", "--file", str(path)])
    assert table.exit_code == 0 and "A test" in table.output


def test_cli_show_prints_square_brackets_as_written(tmp_path: Path, runner) -> None:
    """Titles, speakers and text are data: "[the]" must not be eaten as rich markup."""
    path = tmp_path / "new.txt"
    text = 'title: Payroll [update]\n\nAnn Lee said: "They will move [the] payroll team and [i]all[/i] of it."\n'
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["speakers", "show", "--file", str(path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Payroll [update]" in result.output
    assert "[the]" in result.output and "[i]all[/i]" in result.output


def test_cli_show_needs_exactly_one_source(project: Root, runner) -> None:
    result = runner.invoke(app, ["speakers", "show"])
    assert result.exit_code == 1
    assert "give an article id or --file" in result.output


def test_corpus_add_records_suggestions_not_gold(project: Root, runner, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(
        'title: Bank moves jobs\n\nArden Bank will move 90 jobs to Pune.\n\n"It is a disgrace," said Lou Pike.\n',
        encoding="utf-8",
    )
    gold_before = project.gold_file.read_text(encoding="utf-8")
    result = runner.invoke(app, ["corpus", "add", str(path)])
    assert result.exit_code == 0, result.output
    suggestions = project.annotations / "suggestions" / "bank-moves-jobs.jsonl"
    records = [json.loads(line) for line in suggestions.read_text(encoding="utf-8").splitlines()]
    assert [r["speaker"] for r in records] == ["author", "Lou Pike"]
    assert records[1]["sent_id"] == "bank-moves-jobs:001" and records[1]["evidence"]
    assert project.gold_file.read_text(encoding="utf-8") == gold_before


def test_corpus_add_no_suggest(project: Root, runner, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text("title: Quiet\n\nNothing was said.\n", encoding="utf-8")
    result = runner.invoke(app, ["corpus", "add", str(path), "--no-suggest"])
    assert result.exit_code == 0, result.output
    assert not (project.annotations / "suggestions").exists()


def test_cli_evaluate_one_collection(project: Root, runner) -> None:
    result = runner.invoke(app, ["speakers", "evaluate", "--collection", "seed", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    seed = {a.id for a in load_articles(project) if a.collection == "seed"}
    assert {row["article"] for row in data["articles"]} == seed
    assert data["overall"]["n"] == sum(1 for s in load_sentences(project) if s.article in seed)


def test_cli_evaluate_unknown_collection_is_one_line(project: Root, runner) -> None:
    result = runner.invoke(app, ["speakers", "evaluate", "--collection", "nope"])
    assert result.exit_code == 1
    assert "Can't find collection 'nope'" in result.output and "seed" in result.output
    assert "Traceback" not in result.output


def test_miss_kinds_by_hand() -> None:
    records = [
        rec("a", "author", "author"),  # a hit
        rec("a", "author", "Jane Hill"),  # the finder quoted the author's narration
        rec("a", "Jane Hill", "author"),  # the finder missed a source
        rec("a", "Jane Hill", "Tom Reddy"),  # a different source
        rec("a", "Jane Hill", "Hill"),  # the same source, named differently
        rec("a", "HM Revenue and Customs", "HMRC", gold_type="organisation", pred_type="organisation"),
    ]
    assert [miss_kind(r) for r in records] == [
        None,
        "author->quoted",
        "quoted->author",
        "wrong source",
        "wrong canonical name",
        "wrong canonical name",
    ]
    assert miss_kinds(records) == dict(zip(MISS_KINDS, [1, 1, 1, 2], strict=True))
    assert sum(miss_kinds(records).values()) == len(score(records)["misses"])


def test_same_source() -> None:
    assert same_source("British Council", "Council")
    assert same_source("Communication Workers Union", "CWU")
    assert not same_source("PCS", "DWP")
    assert not same_source("Jane Hill", "Tom Reddy")


def test_score_reports_each_collection() -> None:
    records = [
        {**rec("a", "author", "author"), "collection": "seed"},
        {**rec("b", "PCS", "author", gold_type="organisation"), "collection": "corpus-more"},
        {**rec("b", "PCS", "PCS", "organisation", "organisation"), "collection": "corpus-more"},
    ]
    result = score(records)
    rows = {row["collection"]: row for row in result["collections"]}
    assert set(rows) == {"seed", "corpus-more"}
    assert rows["seed"]["speaker_accuracy"] == 1.0
    assert rows["corpus-more"]["speaker_accuracy"] == pytest.approx(0.5)
    assert rows["corpus-more"]["quoted_accuracy"] == pytest.approx(0.5)
    assert rows["corpus-more"]["miss_kinds"]["quoted->author"] == 1
    assert result["overall"]["miss_kinds"]["quoted->author"] == 1
    assert result["misses"][0]["kind"] == "quoted->author"


def test_read_article_list_formats(tmp_path: Path) -> None:
    lines = tmp_path / "ids.txt"
    lines.write_text("# held out\nart-one\n\nart-two  # second\n", encoding="utf-8")
    assert read_article_list(lines) == ["art-one", "art-two"]
    listed = tmp_path / "ids.json"
    listed.write_text('["art-one"]', encoding="utf-8")
    assert read_article_list(listed) == ["art-one"]
    split = tmp_path / "split.json"
    split.write_text('{"dev": ["art-one"], "heldout": ["art-two"]}', encoding="utf-8")
    assert read_article_list(f"{split}:heldout") == ["art-two"]
    with pytest.raises(StanceError, match="FILE:KEY; keys: dev, heldout"):
        read_article_list(split)
    with pytest.raises(StanceError, match="file not found"):
        read_article_list(tmp_path / "missing.txt")


def test_cli_evaluate_articles_file_and_repeated_article(project: Root, runner, tmp_path: Path) -> None:
    ids = ["hp-dwp-staff-strike-india", "dwp-offshore-it-jobs"]
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(ids) + "\n", encoding="utf-8")
    by_file = runner.invoke(app, ["speakers", "evaluate", "--articles-file", str(path), "--json"])
    assert by_file.exit_code == 0, by_file.output
    data = json.loads(by_file.output)
    assert [row["article"] for row in data["articles"]] == ids
    repeated = runner.invoke(app, ["speakers", "evaluate", "--article", ids[0], "--article", ids[1], "--json"])
    assert json.loads(repeated.output)["overall"] == data["overall"]
    assert set(data["overall"]["miss_kinds"]) == set(MISS_KINDS)
    assert data["collections"][0]["collection"] == "seed"


def test_cli_evaluate_table_shows_collections_and_miss_kinds(project: Root, runner) -> None:
    result = runner.invoke(app, ["speakers", "evaluate", "--misses", "0"])
    assert result.exit_code == 0, result.output
    for word in ("per collection", "kinds of miss", "seed", "corpus-extra", "corpus-more", "wrong source"):
        assert word in result.output


def test_cli_evaluate_bad_articles_file_is_one_line(project: Root, runner, tmp_path: Path) -> None:
    path = tmp_path / "split.json"
    path.write_text('{"dev": []}', encoding="utf-8")
    result = runner.invoke(app, ["speakers", "evaluate", "--articles-file", str(path)])
    assert result.exit_code == 1
    assert "FILE:KEY" in result.output and "Traceback" not in result.output
