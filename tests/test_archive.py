"""`stance archive run` on one machine: rows, bad rows, resume after a kill, and `stance archive actors`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from archive_helpers import BAD_ROWS, copy_project, read_rows, write_archive

from stance.archive.run import run_archive
from stance.archive.source import iter_rows
from stance.cli import app
from stance.corpus.articles import load_articles, load_sentences
from stance.corpus.dataset import labelled_rows
from stance.models.predict import PROBA_COLUMNS
from stance.models.train import train_model
from stance.speakers import find_speakers


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A project copy, a TF-IDF model with speakers, the archive and its one-process run (block size 50)."""
    base = tmp_path_factory.mktemp("archive")
    root = copy_project(base / "project")
    model = train_model("tfidf", labelled_rows(root), out_dir=base / "model", config={"use_speaker": True})
    archive = base / "archive.jsonl"
    ids = write_archive(root, archive)
    out = base / "local"
    result = run_archive(archive, model, out, block_rows=50)
    return {"root": root, "model": model, "archive": archive, "ids": ids, "out": out, "result": result}


def test_one_row_per_sentence_split_and_attributed_like_the_corpus(setup):
    root, rows = setup["root"], read_rows(setup["out"])
    sentences = load_sentences(root)
    first = {row["sent_id"]: row for row in rows if "~" not in row["article"]}
    assert sorted(first) == sorted(s.sent_id for s in sentences)
    for sentence in sentences:
        row = first[sentence.sent_id]
        assert (row["paragraph"], row["start"], row["end"], row["text"]) == (
            sentence.paragraph,
            sentence.start,
            sentence.end,
            sentence.text,
        )
    articles = {a.id: a for a in load_articles(root)}
    by_article: dict[str, list] = {}
    for sentence in sentences:
        by_article.setdefault(sentence.article, []).append(sentence)
    for article_id, items in by_article.items():
        found = find_speakers(items, title=articles[article_id].title)
        got = [(first[s.sent_id]["speaker"], first[s.sent_id]["speaker_type"]) for s in items]
        assert got == [(a.speaker, a.speaker_type) for a in found]
        row = first[items[0].sent_id]
        meta = articles[article_id]
        assert (row["date"], row["outlet"], row["title"], row["url"]) == (
            meta.date,
            meta.publication,
            meta.title,
            meta.source,
        )
    for row in rows:
        probabilities = [row[c] for c in PROBA_COLUMNS]
        assert abs(sum(probabilities) - 1) < 1e-4
        assert row["stance"] == ("pro", "anti", "neutral")[probabilities.index(max(probabilities))]
    # the copies (~2, ~3) of an article give the same sentences, speakers and stances
    fields = ("index", "text", "speaker", "stance", *PROBA_COLUMNS)
    copies = Counter(tuple(row[f] for f in fields) for row in rows)
    assert set(copies.values()) == {3}


def test_bad_rows_are_skipped_and_listed_with_row_and_id(setup):
    result, out = setup["result"], setup["out"]
    errors = {e["row"]: e for e in result["errors"]}
    assert sorted(errors) == sorted(BAD_ROWS)
    for row, problem in BAD_ROWS.items():
        assert problem in errors[row]["problem"]
    assert [errors[r]["id"] for r in sorted(errors)] == ["empty-one", "latin-1-one", "huge-one"]
    assert result["skipped"] == 3
    assert result["articles"] == len(setup["ids"]) == 228
    assert {row["row"] for row in read_rows(out)} == set(setup["ids"])
    written = [json.loads(line) for line in (out / "_errors.jsonl").read_text().splitlines()]
    assert written == result["errors"]


def test_stop_ends_at_the_first_bad_row_with_its_location(setup, runner, tmp_path):
    out = tmp_path / "stopped"
    args = ["archive", "run", str(setup["archive"]), "--model", str(setup["model"]), "--out", str(out)]
    result = runner.invoke(app, [*args, "--on-error", "stop", "--block-size", "2"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [f"error: {setup['archive']}:5: text: missing or empty text (article 'empty-one')"]
    # the blocks before the bad row are saved; nothing at or after it
    assert {row["row"] for row in read_rows(out)} == {1, 2, 3, 4}


def test_the_cli_reports_skipped_rows(setup, runner, tmp_path):
    archive = tmp_path / "small.jsonl"
    archive.write_bytes(b"".join(setup["archive"].read_bytes().splitlines(keepends=True)[:6]))
    out = tmp_path / "out"
    args = ["archive", "run", str(archive), "--model", str(setup["model"]), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"skipped {archive}:5: text: missing or empty text (article 'empty-one')" in result.output
    assert "5 articles" in result.output
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "already holds an archive run; add --resume" in again.output


def test_csv_and_parquet_archives_give_the_same_rows_as_jsonl(setup, tmp_path):
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    records = [json.loads(line) for line in setup["archive"].read_bytes().splitlines()[:4]]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records))
    with (tmp_path / "a.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "date", "outlet", "title", "url"])
        writer.writeheader()
        writer.writerows(records)
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "a.parquet", row_group_size=3)
    outputs = {}
    for suffix in ("jsonl", "csv", "parquet"):
        run_archive(tmp_path / f"a.{suffix}", setup["model"], tmp_path / suffix, block_rows=3)
        outputs[suffix] = [{k: v for k, v in r.items() if k != "row"} for r in read_rows(tmp_path / suffix)]
    assert outputs["jsonl"] == outputs["csv"] == outputs["parquet"]
    assert len({r["article"] for r in outputs["jsonl"]}) == 4


def test_rows_of_csv_and_parquet_are_checked_one_by_one(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "a.csv").write_bytes(b'id,text\none,"A fine text."\ntwo,\nthree,"caf\xe9"\nfour,"Another,\nline."\n')
    got = [(r.row, getattr(r, "problem", None)) for r in iter_rows(tmp_path / "a.csv")]
    assert got == [(2, None), (3, "missing or empty text"), (4, "not UTF-8"), (5, None)]
    table = pa.table({"id": ["a", "b", "c"], "text": [b"fine", b"caf\xe9", None]})
    pq.write_table(table, tmp_path / "a.parquet")
    got = [(r.row, r.id, getattr(r, "problem", None)) for r in iter_rows(tmp_path / "a.parquet")]
    assert got == [(1, "a", None), (2, "b", "not UTF-8 (bad byte at offset 3)"), (3, "c", "missing or empty text")]


def test_kill_and_resume_neither_duplicates_nor_loses_articles(setup, tmp_path):
    out = tmp_path / "killed"
    argv = [
        str(Path(sys.executable).with_name("stance")),
        "archive",
        "run",
        str(setup["archive"]),
        "--model",
        str(setup["model"]),
        "--out",
        str(out),
        "--block-size",
        "10",
    ]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "_manifest.json"
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            done = len(json.loads(manifest.read_text())["done"])
        except (OSError, ValueError, KeyError):
            done = 0
        if done >= 3:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    state = json.loads(manifest.read_text())
    assert not state["complete"] and 3 <= len(state["done"]) < 24
    (out / ".part-00023.parquet.torn.tmp").write_bytes(b"PAR1")  # as if killed in the middle of a write
    resumed = subprocess.run([*argv, "--resume", "--json"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["resumed_blocks"] >= 3 and summary["blocks"] == 24
    rows = read_rows(out)
    keys = [(r["row"], r["index"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert rows == read_rows(setup["out"])
    assert sorted(e["row"] for e in summary["errors"]) == sorted(BAD_ROWS)
    assert not list(out.glob(".*tmp"))


def test_resume_refuses_other_options(setup, runner):
    args = ["archive", "run", str(setup["archive"]), "--model", str(setup["model"]), "--out", str(setup["out"])]
    result = runner.invoke(app, [*args, "--resume", "--block-size", "7"])
    assert result.exit_code == 1
    assert "block_rows: the run was started with a different block_rows (50, now 7)" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "spark"], "--engine: unknown engine 'spark'; choose from local, ray"),
        (["--on-error", "ignore"], "--on-error: unknown choice 'ignore'; choose from skip, stop"),
    ],
)
def test_option_errors_are_one_line(setup, runner, tmp_path, args, message):
    base = ["archive", "run", str(setup["archive"]), "--model", str(setup["model"]), "--out", str(tmp_path / "o")]
    result = runner.invoke(app, [*base, *args])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {message}"


def test_missing_ray_is_one_line(setup, runner, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    base = ["archive", "run", str(setup["archive"]), "--model", str(setup["model"]), "--out", str(tmp_path / "o")]
    result = runner.invoke(app, [*base, "--engine", "ray"])
    assert result.exit_code == 1
    assert "--engine: --engine ray needs Ray Data: pip install -e '.[ray]'" in result.output


def test_actors_from_the_shards_equal_the_actor_table_of_stance_actors(setup, runner, tmp_path):
    import networkx as nx

    from stance.analysis.actors import actor_table

    out = tmp_path / "actors"
    result = runner.invoke(app, ["archive", "actors", str(setup["out"]), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    rows = read_rows(setup["out"])
    expected = actor_table(rows)
    fields = ("speaker", "sentences", "pro", "anti", "neutral")
    assert [tuple(r[f] for f in fields) for r in report["table"]] == [tuple(r[f] for f in fields) for r in expected]
    assert [r["articles"] for r in report["table"]] == [len(r["articles"]) for r in expected]
    assert report["sentences"] == len(rows)

    import csv

    with (out / "actors_by_year.csv").open() as handle:
        by_year = list(csv.DictReader(handle))
    totals = Counter()
    for row in by_year:
        totals[row["speaker"]] += int(row["sentences"])
    assert totals == Counter({r["speaker"]: r["sentences"] for r in expected})
    years = {(r["speaker"], r["year"]): tuple(int(r[s]) for s in ("pro", "anti", "neutral")) for r in by_year}
    pcs_2004 = Counter(r["stance"] for r in rows if r["speaker"] == "PCS" and (r["date"] or "").startswith("2004"))
    assert sum(pcs_2004.values()) > 0
    assert years[("PCS", "2004")] == tuple(pcs_2004[s] for s in ("pro", "anti", "neutral"))
    with (out / "actors_by_outlet.csv").open() as handle:
        assert sum(int(r["sentences"]) for r in csv.DictReader(handle)) == len(rows)
    graph = nx.read_graphml(out / "edges.graphml")
    top = expected[0]
    weights = {d["stance"]: d["weight"] for _, _, d in graph.edges(top["speaker"], data=True)}
    assert weights == {s: top[s] for s in ("pro", "anti", "neutral") if top[s]}
    assert (out / "trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_actors_without_the_author(setup, tmp_path):
    from stance.archive.aggregate import archive_actors

    report = archive_actors(setup["out"], out_dir=tmp_path, include_author=False)
    assert "author" not in {r["speaker"] for r in report["table"]}
    assert report["sentences"] == sum(1 for r in read_rows(setup["out"]) if r["speaker_type"] != "author")


@pytest.mark.slow
def test_ray_gives_exactly_the_rows_of_the_one_process_run(setup, runner, tmp_path):
    """A local Ray (started and shut down by the command): 2 model actors at half a CPU each."""
    import ray

    out = tmp_path / "ray"
    args = ["archive", "run", str(setup["archive"]), "--model", str(setup["model"]), "--out", str(out)]
    started = time.monotonic()
    try:
        result = runner.invoke(app, [*args, "--engine", "ray", "--workers", "2", "--block-size", "50", "--json"])
    finally:
        if ray.is_initialized():  # only if the command failed before its own shutdown
            ray.shutdown()
    assert result.exit_code == 0, result.output
    assert not ray.is_initialized()
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["engine"] == "ray"
    assert read_rows(out) == read_rows(setup["out"])
    assert summary["errors"] == setup["result"]["errors"]
    assert (summary["articles"], summary["sentences"]) == (setup["result"]["articles"], setup["result"]["sentences"])
    assert time.monotonic() - started < 150


def test_actor_pools_that_starve_the_read_tasks_are_refused():
    from stance.archive.on_ray import check_room
    from stance.archive.run import RayOptions
    from stance.errors import StanceError

    check_room(2, RayOptions(workers=2, cpus_per_worker=0.5))
    with pytest.raises(StanceError, match="2 workers x 1 CPUs leave no CPU for reading on a Ray with 2 CPUs"):
        check_room(2, RayOptions(workers=2, cpus_per_worker=1))


@pytest.mark.slow
def test_a_transformer_on_ray_actors_gives_the_rows_of_one_process(setup, tiny_bert, tmp_path):
    """The tiny BERT through ONNX Runtime: exported once by the driver, loaded by 2 actors."""
    import ray
    from tiny_models import small_config

    rows = [{"text": r["text"], "stance": r["stance"]} for r in labelled_rows(setup["root"])[:40]]
    model = train_model("transformer", rows, out_dir=tmp_path / "bert", config=small_config("transformer", tiny_bert))
    archive = tmp_path / "few.jsonl"
    archive.write_bytes(b"".join(setup["archive"].read_bytes().splitlines(keepends=True)[:12]))
    local = run_archive(archive, model, tmp_path / "local", block_rows=4)
    ray.init(num_cpus=2, object_store_memory=100 * 1024**2, include_dashboard=False, log_to_driver=False)
    try:
        from stance.archive.run import RayOptions

        on_ray = run_archive(archive, model, tmp_path / "ray", block_rows=4, engine="ray", ray=RayOptions(workers=2))
    finally:
        ray.shutdown()
    from stance.models.onnx_engine import cache_folder

    assert cache_folder(model).is_dir()  # the driver's export, in the user's cache (never the run folder)
    assert on_ray["sentences"] == local["sentences"] > 0
    assert read_rows(tmp_path / "ray") == read_rows(tmp_path / "local")
