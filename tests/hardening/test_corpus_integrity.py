"""Issue 17, corpus integrity (items 4-6) and corpus files (item 11)."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys

import pytest

from stance.annotate.store import gold_lock
from stance.cli import app
from stance.corpus.articles import load_sentences

TEXT = (
    "title: Bank moves its call centre\n\n"
    "The bank will move 300 jobs to Manila next year.\n\n"
    '"This is about cost," a spokesperson said.\n\n'
    "The union called the plan a betrayal of loyal staff.\n"
)


def one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def corpus_bytes(root) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root.articles_file, root.sentences_file)}


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "bank.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_4_add_on_a_full_disk_changes_nothing_and_a_retry_works(project, runner, article, monkeypatch):
    before = corpus_bytes(project)
    real_fsync, calls = os.fsync, []

    def full_after_first(fd):
        calls.append(fd)
        if len(calls) > 1:  # the raw text got through; the sentence table hits a full disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_after_first)
    result = runner.invoke(app, ["corpus", "add", str(article), "--id", "bank", "--no-suggest"])
    one_line_error(result, "sentences.jsonl: can't write: No space left on device")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert corpus_bytes(project) == before  # all or nothing: not registered, no partial sentences
    assert runner.invoke(app, ["corpus", "list"]).exit_code == 0
    retry = runner.invoke(app, ["corpus", "add", str(article), "--id", "bank", "--no-suggest"])
    assert retry.exit_code == 0, retry.output
    assert [s.index for s in load_sentences(project) if s.article == "bank"] == [0, 1, 2]


def test_4_a_registered_article_without_its_sentences_is_named(project, runner):
    """What an interrupted add of an older version left (registered, no sentences): named, with the repair."""
    from stance.corpus.articles import text_sha256

    (project.corpus / "bank.txt").write_text(TEXT, encoding="utf-8")
    record = {"id": "bank", "title": "Bank", "source_file": "bank.txt", "sha256": text_sha256(TEXT)}
    with project.articles_file.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    one_line_error(runner.invoke(app, ["corpus", "list"]), "'bank' has no sentences", "stance corpus split")
    assert runner.invoke(app, ["corpus", "split"]).exit_code == 0
    assert [s.index for s in load_sentences(project) if s.article == "bank"] == [0, 1, 2]
    assert runner.invoke(app, ["corpus", "list"]).exit_code == 0


def test_5_add_and_split_take_the_corpus_lock(project, runner, article):
    from stance.corpus.articles import corpus_lock

    before = corpus_bytes(project)
    with corpus_lock(project):
        one_line_error(runner.invoke(app, ["corpus", "add", str(article), "--no-suggest"]), "another command")
        one_line_error(runner.invoke(app, ["corpus", "split"]), "another command")
    assert corpus_bytes(project) == before


def test_5_split_force_takes_the_gold_lock_of_adjudicate(project, runner):
    with gold_lock(project):
        one_line_error(runner.invoke(app, ["corpus", "split", "--force"]), "adjudicated in another session")


def test_6_rewrites_keep_the_mode_and_new_files_follow_the_umask(project, runner, article, tmp_path):
    from stance.corpus.gold import load_gold, write_labels
    from stance.models.predict import write_file
    from stance.models.train import train_model

    os.chmod(project.gold_file, 0o664)
    os.chmod(project.sentences_file, 0o644)
    write_labels(project.gold_file, load_gold(project).values())
    old = os.umask(0o002)
    try:
        assert runner.invoke(app, ["corpus", "add", str(article), "--id", "bank", "--no-suggest"]).exit_code == 0
        write_file(iter([{"text": "a"}]), tmp_path / "out.jsonl", "jsonl")
        rows = [{"text": "Jobs go abroad.", "stance": "pro"}, {"text": "We oppose it.", "stance": "anti"}]
        run = train_model("tfidf", rows, out_dir=tmp_path / "run")
    finally:
        os.umask(old)

    def mode(path):
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(project.gold_file) == 0o664
    assert mode(project.sentences_file) == 0o644
    assert mode(project.corpus / "bank.txt") == 0o664  # a new file: 0666 minus the umask
    assert mode(tmp_path / "out.jsonl") == 0o664
    assert mode(run) == 0o775 and mode(run / "meta.json") == 0o664


def test_11_add_refuses_a_symlink(project, runner, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("title: private\n\nNot for the corpus. It stays here.\n", encoding="utf-8")
    link = tmp_path / "story.txt"
    link.symlink_to(secret)
    before = corpus_bytes(project)
    one_line_error(runner.invoke(app, ["corpus", "add", str(link), "--no-suggest"]), "symbolic link")
    assert corpus_bytes(project) == before


def test_11_add_refuses_a_fifo_without_hanging(project, tmp_path):
    fifo = tmp_path / "story.txt"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "stance", "corpus", "add", str(fifo), "--no-suggest"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "STANCE_ROOT": str(project.path)},
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: {fifo}: not a regular file (a device, FIFO or socket); expected a text file"
    ]
