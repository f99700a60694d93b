"""Issue 17, data loss: items 1-3 (a hand-edited gold line, special output files, -o equal to --input)."""

from __future__ import annotations

import json
import os
import threading

import pytest

from stance.cli import app
from stance.corpus.gold import load_gold
from stance.errors import StanceError
from stance.models.predict import write_file
from stance.models.train import train_model

SENTENCES = ["Moving jobs abroad will save money.", "The union will strike over job losses.", "It rained."]


@pytest.fixture
def tfidf_run(tmp_path):
    rows = [{"text": t, "stance": s} for t, s in zip(SENTENCES, ("pro", "anti", "neutral"), strict=True)] * 2
    return train_model("tfidf", rows, out_dir=tmp_path / "run")


def test_1_a_bad_last_gold_line_is_an_error_not_a_torn_write(project, runner):
    """gold.jsonl is only ever rewritten whole: a bad last line is a hand edit, never skipped (and then dropped)."""
    lines = project.gold_file.read_text(encoding="utf-8").splitlines()
    broken = lines[-1].rstrip().removesuffix("}")  # the missing closing brace of a hand edit, no final newline
    project.gold_file.write_text("\n".join([*lines[:-1], broken]), encoding="utf-8")
    with pytest.raises(StanceError) as caught:
        load_gold(project)
    assert caught.value.line == len(lines)
    before = project.gold_file.read_bytes()
    result = runner.invoke(app, ["corpus", "split", "--force"])
    assert result.exit_code == 1
    assert f"gold.jsonl:{len(lines)}: bad JSON" in result.output
    assert project.gold_file.read_bytes() == before  # nothing rewritten, nothing dropped
    assert not project.gold_file.with_name("gold.jsonl.torn").exists()


def test_1_annotator_histories_still_tolerate_a_torn_tail(project):
    from stance.annotate.store import fold_history

    path = project.annotators / "torn.jsonl"
    record = {"sent_id": "x:000", "speaker": "author", "speaker_type": "author", "stance": "pro", "annotator": "torn"}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record) + '\n{"sent_id": "x:0', encoding="utf-8")
    with pytest.warns(UserWarning, match="torn"):
        assert list(fold_history(path)) == ["x:000"]


def test_2_output_to_a_fifo_writes_through_and_keeps_the_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    count = write_file(iter([{"text": "a", "stance": "pro"}]), fifo, "jsonl")
    reader.join(timeout=10)
    assert count == 1
    assert fifo.is_fifo()  # not replaced by a regular file
    assert json.loads(received[0].decode())["text"] == "a"


def test_2_output_dash_is_stdout(tfidf_run, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["predict", str(tfidf_run), SENTENCES[0], "-o", "-", "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["text"] == SENTENCES[0]
    assert not (tmp_path / "-").exists()


def test_2_a_symlink_to_a_device_is_written_through(tmp_path):
    """As root, renaming over /dev/null turned it into a regular file: write through a non-regular target."""
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    write_file(iter([{"text": "a"}]), link, "jsonl")
    assert link.is_symlink() and os.path.realpath(link) == os.devnull


def test_2_links_stay_links_even_into_proc(tmp_path):
    """/dev/stdout is a link to /proc/self/fd/1; renaming over it replaced the system's link (as root)."""
    real = tmp_path / "real.jsonl"
    real.write_text("old\n", encoding="utf-8")
    with real.open("r+") as handle:
        link = tmp_path / "stdout"
        link.symlink_to(f"/proc/self/fd/{handle.fileno()}")
        write_file(iter([{"text": "a"}]), link, "jsonl")
        assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["text"] == "a"
    plain = tmp_path / "plain-link.jsonl"
    plain.symlink_to(real)
    write_file(iter([{"text": "b"}]), plain, "jsonl")
    assert plain.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["text"] == "b"


@pytest.mark.parametrize("flag", ["--input", "--article"])
def test_3_output_equal_to_input_is_refused(tfidf_run, runner, tmp_path, flag):
    data = tmp_path / "labelled.csv"
    data.write_text("id,text,stance\n1,Jobs go abroad. It saves money.,pro\n", encoding="utf-8")
    before = data.read_bytes()
    for target in (data, tmp_path / "." / "labelled.csv"):
        result = runner.invoke(app, ["predict", str(tfidf_run), flag, str(data), "-o", str(target)])
        assert result.exit_code == 1
        assert "same file as" in result.output and len(result.output.strip().splitlines()) == 1
    assert data.read_bytes() == before
