"""``stance export dataset``: the corpus as a Hugging Face dataset, its splits and its card."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app
from stance.corpus.dataset import labelled_rows
from stance.corpus.hf_export import FIELDS
from stance.paths import Root
from stance.schema import STANCES


def _export(runner: CliRunner, out: Path, *args: str) -> dict:
    result = runner.invoke(app, ["export", "dataset", str(out), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _rows(split) -> list[dict]:
    return [dict(row) for row in split]


def test_round_trips_through_load_from_disk_and_parquet(project: Root, runner: CliRunner, tmp_path: Path) -> None:
    import datasets

    out = tmp_path / "export"
    summary = _export(runner, out)
    gold = labelled_rows(project)
    assert summary["sentences"] == len(gold) > 0

    saved = datasets.load_from_disk(str(out))
    assert list(saved) == ["train"]
    train = saved["train"]
    assert train.features["stance"].names == list(STANCES)
    assert list(train.features) == [*FIELDS, "fold"]
    assert train["sent_id"] == [row["sent_id"] for row in gold]
    assert [train.features["stance"].int2str(i) for i in train["stance"]] == [row["stance"] for row in gold]
    assert train["speaker"] == [row["speaker"] for row in gold]
    assert train["context"] == [row["context"] for row in gold]

    parquet = datasets.load_dataset("parquet", data_files={"train": str(out / "data" / "train.parquet")})
    assert parquet["train"].features == train.features
    assert _rows(parquet["train"]) == _rows(train)

    # The card's `configs` header makes the folder itself loadable.
    by_card = datasets.load_dataset(str(out))
    assert list(by_card) == ["train"]
    assert _rows(by_card["train"]) == _rows(train)


def test_rows_carry_article_metadata(project: Root, runner: CliRunner, tmp_path: Path) -> None:
    import datasets

    out = tmp_path / "export"
    _export(runner, out, "--folds", "0")
    train = datasets.load_from_disk(str(out))["train"]
    assert "fold" not in train.features
    articles = {json.loads(line)["id"]: json.loads(line) for line in project.articles_file.open()}
    for row in _rows(train):
        article = articles[row["article"]]
        assert row["collection"] == article["collection"]
        assert row["title"] == article["title"]
        assert row["publication"] == article["publication"]
        assert row["date"] == article["date"]


def test_split_by_collection_never_cuts_an_article(project: Root, runner: CliRunner, tmp_path: Path) -> None:
    import datasets

    out = tmp_path / "export"
    summary = _export(runner, out, "--split-by", "collection")
    ds = datasets.load_from_disk(str(out))
    assert set(ds) == {"train", "test"}
    assert set(ds["test"]["collection"]) == {"corpus-more"}
    assert set(ds["train"]["collection"]) == {"seed", "corpus-extra"}
    assert not set(ds["train"]["article"]) & set(ds["test"]["article"])
    assert summary["splits"]["test"]["sentences"] == len(ds["test"])
    # Folds of the train split group by article: no article in two folds.
    folds_of = {}
    for article, fold in zip(ds["train"]["article"], ds["train"]["fold"], strict=True):
        folds_of.setdefault(article, set()).add(fold)
    assert all(len(folds) == 1 for folds in folds_of.values())
    assert set(ds["train"]["fold"]) == set(range(5))
    assert "fold" in ds["test"].features and set(ds["test"]["fold"]) == {None}
    by_card = datasets.load_dataset(str(out))
    assert {name: len(split) for name, split in by_card.items()} == {name: len(split) for name, split in ds.items()}


def test_article_held_out(project: Root, runner: CliRunner, tmp_path: Path) -> None:
    import datasets

    out = tmp_path / "export"
    _export(runner, out, "--test", "article:dwp-offshore-it-jobs", "--folds", "0")
    ds = datasets.load_from_disk(str(out))
    assert set(ds["test"]["article"]) == {"dwp-offshore-it-jobs"}
    assert "dwp-offshore-it-jobs" not in set(ds["train"]["article"])
    assert len(ds["train"]) + len(ds["test"]) == len(labelled_rows(project))


def test_card_states_the_counts(project: Root, runner: CliRunner, tmp_path: Path) -> None:
    import yaml

    out = tmp_path / "export"
    _export(runner, out, "--split-by", "collection")
    card = (out / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(card.split("---\n")[1])
    rows = labelled_rows(project)
    collection = {json.loads(line)["id"]: json.loads(line)["collection"] for line in project.articles_file.open()}
    test_rows = [r for r in rows if collection[r["article"]] == "corpus-more"]
    splits = {s["name"]: s["num_examples"] for s in header["dataset_info"]["splits"]}
    assert splits == {"train": len(rows) - len(test_rows), "test": len(test_rows)}
    stance_feature = next(f for f in header["dataset_info"]["features"] if f["name"] == "stance")
    assert stance_feature["dtype"]["class_label"]["names"] == dict(enumerate(STANCES))
    assert header["configs"][0]["data_files"] == [
        {"split": "train", "path": "data/train.parquet"},
        {"split": "test", "path": "data/test.parquet"},
    ]
    counts = Counter(r["stance"] for r in test_rows)
    articles = len({r["article"] for r in test_rows})
    stances = " | ".join(str(counts[s]) for s in STANCES)
    assert f"| `test` | {articles} | {len(test_rows)} | {stances} |" in card
    for name in ("seed", "corpus-extra", "corpus-more"):
        members = [r for r in rows if collection[r["article"]] == name]
        assert f"| `{name}` | {len({r['article'] for r in members})} | {len(members)} |" in card
    assert "annotations/GUIDELINES.md" in card
    assert "third-party news" in card and "MIT" in card
    assert "The Register" in card  # a seed publication, from articles.jsonl


def test_dir_is_a_file(project: Root, runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "taken.txt"
    target.write_text("x")
    result = runner.invoke(app, ["export", "dataset", str(target)])
    assert result.exit_code == 1
    message = f"error: {target}: is a file; give a folder to write the dataset into"
    assert result.output.strip().splitlines() == [message]


def test_not_empty_needs_force(project: Root, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["export", "dataset", str(out)])
    assert result.exit_code == 1 and "not empty; use --force" in result.output
    # --force replaces an earlier export only, never a folder of someone's files.
    result = runner.invoke(app, ["export", "dataset", str(out), "--force"])
    assert result.exit_code == 1 and "refusing to replace it" in result.output
    assert (out / "keep.txt").read_text() == "mine"
    (out / "keep.txt").unlink()
    _export(runner, out, "--folds", "0")
    (out / "stale.txt").write_text("from the earlier export")
    _export(runner, out, "--force")
    assert not (out / "stale.txt").exists() and (out / "README.md").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export")]


def test_no_labelled_sentence(project: Root, runner: CliRunner, tmp_path: Path) -> None:
    project.gold_file.write_text("")
    out = tmp_path / "export"
    result = runner.invoke(app, ["export", "dataset", str(out)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "no labelled sentence to export" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--split-by", "year"], "--split-by: 'year': the only split is `collection`"),
        (["--test", "collection:nope"], "unknown collection(s) 'nope'"),
        (["--folds", "1"], "--folds: 1: give at least 2 folds"),
        (["--split-by", "collection", "--test", "article:x"], "not both"),
    ],
)
def test_bad_options_are_one_line(
    project: Root, runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["export", "dataset", str(tmp_path / "export"), *args])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and message in result.output


def test_other_export_formats_still_parse(project: Root, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "tasks.jsonl"
    result = runner.invoke(app, ["export", "doccano", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert "stance export dataset DIR" in runner.invoke(app, ["export", "--help"]).output
