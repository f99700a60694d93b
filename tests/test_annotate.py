"""`stance annotate` driven by scripted keys, a killed session, the lock, suggestions and order."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from stance.annotate import session as session_mod
from stance.annotate.session import open_session
from stance.annotate.store import annotator_lock, fold_history, history_path, load_annotator
from stance.cli import app
from stance.corpus.articles import load_sentences
from stance.paths import Root

ARTICLE = "dwp-offshore-it-jobs"


def _records(root: Root, name: str) -> list[dict]:
    return [json.loads(line) for line in history_path(root, name).read_text().splitlines() if line.strip()]


def _ids(root: Root) -> list[str]:
    return [s.sent_id for s in load_sentences(root) if s.article == ARTICLE]


def _annotate(runner, keys: str, *extra: str):
    return runner.invoke(
        app, ["annotate", "--annotator", "alice", "--article", ARTICLE, "--no-finder", *extra], input=keys
    )


def test_scripted_keys_label_skip_undo_edit_speaker_quit(project: Root, runner) -> None:
    ids = _ids(project)
    # p: pro; Enter: accept (neutral, no model); s + name, then n; k: skip; u: back to the
    # skipped one; u: withdraw the third label; a: label it anti instead; t o: type; q.
    keys = "p\n\ns\nMark Serwotka\nn\nk\nu\nu\na\nt\norganisation\nq\n"
    result = _annotate(runner, keys)
    assert result.exit_code == 0, result.output
    records = _records(project, "alice")
    assert [r["type"] for r in records] == ["label", "label", "label", "retract", "label"]
    assert all(r["annotator"] == "alice" and r["time"].endswith("Z") for r in records)
    assert records[3]["sent_id"] == ids[2]
    labels = load_annotator(project, "alice")
    assert {sid: (lab.stance, lab.speaker, lab.speaker_type) for sid, lab in labels.items()} == {
        ids[0]: ("pro", "author", "author"),
        ids[1]: ("neutral", "author", "author"),
        ids[2]: ("anti", "Mark Serwotka", "person"),
    }
    assert "Department denies plans" in result.output  # the next sentence was shown dim under the first


def test_resume_where_left_and_skipped_come_back(project: Root, runner) -> None:
    ids = _ids(project)
    assert _annotate(runner, "p\nk\na\nq\n").exit_code == 0
    result = _annotate(runner, "n\nq\n")
    assert result.exit_code == 0, result.output
    labels = load_annotator(project, "alice")
    assert labels[ids[0]].stance == "pro"
    assert labels[ids[2]].stance == "anti"
    assert labels[ids[1]].stance == "neutral"  # the skipped sentence came first in the next session
    assert f"alice: 3/{len(ids)} labelled, 1 this session" in " ".join(result.output.split())


def test_finished_article_says_so_and_relabel_shows_it_again(project: Root, runner) -> None:
    ids = _ids(project)
    assert _annotate(runner, "\n" * len(ids)).exit_code == 0
    assert len(load_annotator(project, "alice")) == len(ids)
    again = _annotate(runner, "q\n")
    assert again.exit_code == 0 and "nothing left" in again.output
    relabel = _annotate(runner, "a\nu\nq\n", "--relabel")
    assert relabel.exit_code == 0, relabel.output
    labels = load_annotator(project, "alice")
    assert labels[ids[0]].stance == "neutral"  # undoing the relabel brings the first label back


def test_second_session_for_same_annotator_is_refused(project: Root, runner) -> None:
    with annotator_lock(project, "alice"):
        result = _annotate(runner, "p\nq\n")
    assert result.exit_code == 1
    assert "already has a session open" in result.output and str(os.getpid()) in result.output
    assert "Traceback" not in result.output
    assert not history_path(project, "alice").exists()
    assert _annotate(runner, "p\nq\n").exit_code == 0  # released


def test_bad_annotator_name_and_unknown_order(project: Root, runner) -> None:
    result = runner.invoke(app, ["annotate", "--annotator", "../evil", "--article", ARTICLE], input="q\n")
    assert result.exit_code == 1 and "not allowed" in result.output
    result = _annotate(runner, "q\n", "--order", "sideways")
    assert result.exit_code == 1 and "allowed: corpus, uncertain, random" in result.output
    result = _annotate(runner, "q\n", "--order", "uncertain")
    assert result.exit_code == 1 and "needs a model" in result.output


def test_random_order_is_seeded(project: Root) -> None:
    def order(seed: int) -> list[str]:
        return open_session(project, "alice", article=ARTICLE, order="random", seed=seed, use_finder=False).queue

    assert order(3) == order(3)
    assert sorted(order(3)) == sorted(_ids(project))
    assert order(3) != _ids(project) or order(4) != _ids(project)


def test_model_suggestions_and_uncertain_order(project: Root, runner, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _ids(project)
    n = len(ids)
    # A stand-in model: the last sentence is the least sure, the first the most sure.
    probs = [[0.1, 0.9 - 0.5 * i / n, 0.5 * i / n] for i in range(n)]
    seen_rows: list[list[dict]] = []

    def fake(run_dir, rows):
        seen_rows.append(list(rows))
        return probs[: len(rows)]

    monkeypatch.setattr(session_mod, "model_probabilities", fake)
    session = open_session(project, "alice", article=ARTICLE, order="uncertain", model_dir="m", use_finder=False)
    assert session.queue[0] == ids[-1] and session.queue[-1] == ids[0]
    assert {"text", "context", "speaker"} <= set(seen_rows[0][0])
    result = _annotate(runner, "\nq\n", "--model", "m", "--order", "uncertain")
    assert result.exit_code == 0, result.output
    label = load_annotator(project, "alice")[ids[-1]]
    expected = "anti" if probs[-1][1] > probs[-1][2] else "neutral"
    assert label.stance == expected  # Enter took the model's stance for the least sure sentence
    assert "(model, Enter)" in result.output


def test_real_tfidf_model_gives_probabilities(project: Root, tmp_path: Path) -> None:
    from stance.corpus.dataset import labelled_rows
    from stance.models.registry import create

    rows = [r for r in labelled_rows(project) if r["article"] != ARTICLE]
    model = create("tfidf", seed=0)
    model.fit(rows)
    run_dir = tmp_path / "run"
    model.save(run_dir)
    session = open_session(project, "alice", article=ARTICLE, order="uncertain", model_dir=run_dir, use_finder=False)
    confidence = [max(session.suggestions.proba[sid]) for sid in session.queue]
    assert confidence == sorted(confidence)
    assert all(abs(sum(p) - 1) < 1e-6 for p in session.suggestions.proba.values())
    assert session.view()["probability"] == pytest.approx(confidence[0])


def test_speaker_finder_suggestion_and_failure(project: Root, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("stance.speakers")

    def find_speakers(sentences, title=None):
        return [
            types.SimpleNamespace(speaker="PCS", speaker_type="organisation", evidence="said", confidence=0.9)
        ] * len(sentences)

    fake.find_speakers = find_speakers
    monkeypatch.setitem(sys.modules, "stance.speakers", fake)
    session = open_session(project, "alice", article=ARTICLE)
    assert session.view()["speaker"] == "PCS" and session.view()["speaker_source"] == "finder"
    assert session.known_speakers()[0] in {"PCS", "author"}

    def broken(sentences, title=None):
        raise RuntimeError("boom")

    fake.find_speakers = broken
    session = open_session(project, "alice", article=ARTICLE)
    assert session.view()["speaker"] == "author" and "boom" in session.suggestions.warnings[0]


def test_speaker_edit_takes_known_type_and_fallback_follows_previous(project: Root) -> None:
    session = open_session(project, "alice", article=ARTICLE, use_finder=False)
    session.set_speaker("pcs")  # used in gold as an organisation
    assert session.draft.speaker_type == "organisation"
    session.set_speaker("Jane Doe")
    assert session.draft.speaker_type == "organisation"  # keeps the draft's type for a new name
    session.set_speaker_type("p")
    session.label("anti")
    assert session.draft.speaker == "Jane Doe" and session.draft.source == "previous"


def _wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _session_command(project: Root) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of a real `stance annotate` process for alice on ARTICLE."""
    command = [sys.executable, "-m", "stance", "annotate", "--annotator", "alice", "--article", ARTICLE, "--no-finder"]
    return command, {**os.environ, "STANCE_ROOT": str(project.path)}


@pytest.mark.slow
def test_sigkill_mid_session_keeps_every_label_and_resumes(project: Root) -> None:
    ids = _ids(project)
    path = history_path(project, "alice")
    command, env = _session_command(project)
    proc = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True
    )
    try:
        for count, key in enumerate(["p", "a", "n"], start=1):
            proc.stdin.write(key + "\n")
            proc.stdin.flush()
            _wait_for(lambda c=count: path.exists() and len(fold_history(path)) == c)
        # The session is alive, holding the lock, showing the fourth sentence.
        assert proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    labels = fold_history(path)
    assert [labels[sid].stance for sid in ids[:3]] == ["pro", "anti", "neutral"]
    # The lock died with the process; a new session starts at the fourth sentence.
    again = subprocess.run(command, input="p\nq\n", capture_output=True, text=True, env=env, timeout=60)
    assert again.returncode == 0, again.stderr
    labels = fold_history(path)
    assert len(labels) == 4 and labels[ids[3]].stance == "pro"


def test_real_speaker_finder_feeds_the_suggestions(project: Root) -> None:
    from stance.schema import SPEAKER_TYPES

    session = open_session(project, "alice", article=ARTICLE)
    assert session.suggestions.warnings == []
    hints = session.suggestions.speakers
    assert set(hints) == set(_ids(project))
    assert {h.source for h in hints.values()} == {"finder"}
    assert all(h.speaker_type in SPEAKER_TYPES for h in hints.values())
    assert session.view()["speaker_source"] == "finder"


@pytest.mark.slow
def test_single_keys_in_a_real_terminal(project: Root) -> None:
    """In a terminal (a pty here) a key acts without Enter; `s` reads a line with completion."""
    import pty
    import select

    path = history_path(project, "alice")
    ids = _ids(project)
    command = [sys.executable, "-m", "stance", "annotate", "--annotator", "alice", "--article", ARTICLE, "--no-finder"]
    env = {**os.environ, "STANCE_ROOT": str(project.path), "TERM": "xterm", "COLUMNS": "100"}
    main_fd, child_fd = pty.openpty()
    proc = subprocess.Popen(command, stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, close_fds=True)
    os.close(child_fd)
    output = bytearray()

    def drain() -> None:
        while select.select([main_fd], [], [], 0.05)[0]:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)

    def send(keys: bytes, labels: int | None = None) -> None:
        os.write(main_fd, keys)
        if labels is not None:
            _wait_for(lambda: (drain() or True) and path.exists() and len(fold_history(path)) == labels)

    try:
        _wait_for(lambda: (drain() or True) and b"quit" in output)
        send(b"a", labels=1)  # no Enter needed
        send(b"\r", labels=2)  # Enter accepts the suggestion
        send(b"s")
        _wait_for(lambda: (drain() or True) and b"speaker:" in output)
        send(b"\x15Jane Doe\r")  # Ctrl-U clears the pre-filled name
        send(b"p", labels=3)
        send(b"s")
        _wait_for(lambda: (drain() or True) and output.count(b"speaker:") >= 2)
        send(b"\x15pc\t\r")  # Tab completes "PCS", a speaker of this article (in gold)
        send(b"n", labels=4)
        send(b"q")
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main_fd)
    assert proc.returncode == 0, output.decode(errors="replace")[-2000:]
    labels = fold_history(path)
    assert [(labels[s].stance, labels[s].speaker) for s in ids[:3]] == [
        ("anti", "author"),
        ("neutral", "author"),
        ("pro", "Jane Doe"),
    ]
    assert (labels[ids[3]].speaker, labels[ids[3]].speaker_type) == ("PCS", "organisation")


@pytest.mark.slow
def test_ctrl_c_ends_the_session_cleanly(project: Root) -> None:
    path = history_path(project, "alice")
    command, env = _session_command(project)
    # Ctrl-C at a terminal: the child starts with SIGINT's default action even when this suite runs with
    # SIGINT ignored (a background job of a script, e.g. `bash .ci/run &`), which every child would inherit
    # and Python would then never turn into KeyboardInterrupt.
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        proc.stdin.write("a\n")
        proc.stdin.flush()
        _wait_for(lambda: path.exists() and len(fold_history(path)) == 1)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and f"interrupted; alice: 1/{len(_ids(project))} labelled" in " ".join(
        stderr.split()
    )
    assert len(fold_history(path)) == 1


def test_newly_added_article_labelled_end_to_end(empty_project: Root, runner, tmp_path: Path) -> None:
    text = (
        "Bank to move 300 jobs to India.\n\n"
        'Union leader Jane Smith said: "This is a betrayal of loyal staff."\n\n'
        "The bank said the move would save money and no one would be made redundant.\n"
    )
    source = tmp_path / "bank.txt"
    source.write_text(text)
    added = runner.invoke(app, ["corpus", "add", str(source), "--title", "Bank moves jobs", "--id", "bank"])
    assert added.exit_code == 0, added.output
    ids = [s.sent_id for s in load_sentences(empty_project)]
    # Headline: Enter (author, neutral). Quote: speaker, then anti. Bank: speaker, type, pro.
    keys = "\ns Jane Smith\na\ns The bank\nt o\np\n"
    result = runner.invoke(app, ["annotate", "--annotator", "alice", "--article", "bank"], input=keys)
    assert result.exit_code == 0, result.output
    assert "nothing left to label" in result.output
    labels = load_annotator(empty_project, "alice")
    assert [(labels[s].speaker, labels[s].speaker_type, labels[s].stance) for s in ids] == [
        ("author", "author", "neutral"),
        ("Jane Smith", "person", "anti"),
        ("The bank", "organisation", "pro"),
    ]
