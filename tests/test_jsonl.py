"""Nothing written is lost: appends survive SIGKILL, whole-file writes are atomic.

The kill tests run a real writer in a subprocess and kill it with SIGKILL
while it writes, then read the file back the way every command does.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

from stance.errors import StanceError, StanceWarning
from stance.io.jsonl import append_jsonl, atomic_write_text, iter_jsonl, write_jsonl

APPENDER = textwrap.dedent(
    """
    import sys
    from stance.io.jsonl import append_jsonl

    path, pad, i = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    while True:
        append_jsonl(path, [{"sent_id": f"a:{i:06d}", "stance": "anti", "pad": "x" * pad}])
        print(i, flush=True)  # acknowledged: append_jsonl has returned
        i += 1
    """
)


def records(path: Path) -> list[dict]:
    """The records of an append-only file (like an annotator history: a torn tail is skipped)."""
    return [record for _, record in iter_jsonl(path, allow_torn_tail=True)]


def run_and_kill(path: Path, *, pad: int, start: int, acknowledged: int, delay: float) -> int:
    """Run the appender from index ``start``; after ``acknowledged`` records wait ``delay`` s and SIGKILL it.

    Returns the last acknowledged index. The delay lets the kill land at any
    point of the next append, including inside a large ``write``.
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", APPENDER, str(path), str(pad), str(start)], stdout=subprocess.PIPE, text=True
    )
    last = start - 1
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            last = int(line)
            if last + 1 - start >= acknowledged:
                break
        time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return last


@pytest.mark.parametrize(("pad", "rounds"), [(100, 2), (2_000_000, 6)])
def test_appender_killed_mid_run_leaves_every_acknowledged_record(tmp_path, pad, rounds):
    """Kill a real appender again and again, resuming each time, as a user would.

    Small records are one ``write`` each; with 2 MB records a kill can land
    inside the ``write`` and leave a torn last line, which the reader skips
    and the next append moves aside, so the file stays whole.
    """
    path = tmp_path / "labels.jsonl"
    delays = random.Random(pad).choices([0.0, 0.001, 0.002, 0.004, 0.008], k=rounds)
    acknowledged = -1
    for delay in delays:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StanceWarning)  # a torn last line is allowed, nothing else
            start = len(records(path)) if path.exists() else 0
            acknowledged = run_and_kill(path, pad=pad, start=start, acknowledged=3, delay=delay)
            got = records(path)
        ids = [r["sent_id"] for r in got]
        assert ids == [f"a:{i:06d}" for i in range(len(ids))], "records are whole, in order, none missing"
        assert len(ids) >= acknowledged + 1, f"acknowledged {acknowledged + 1} records, read back {len(ids)}"
        assert all(len(r["pad"]) == pad for r in got)

    # One more append: it starts on a fresh line and everything stays readable.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StanceWarning)
        append_jsonl(path, [{"sent_id": "after-kill"}])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing torn is left
        assert [r["sent_id"] for r in records(path)] == [*ids, "after-kill"]


def test_torn_last_line_is_skipped_with_a_located_warning(tmp_path):
    path = tmp_path / "labels.jsonl"
    append_jsonl(path, [{"i": 0}, {"i": 1}])
    with path.open("ab") as handle:
        handle.write(b'{"i": 2, "speaker": "Mark Serw')
    with pytest.warns(StanceWarning, match=rf"{path.name}:3: skipped a torn last line"):
        assert records(path) == [{"i": 0}, {"i": 1}]
    with pytest.raises(StanceError, match=r":3: bad JSON"):
        list(iter_jsonl(path))  # a file that is only rewritten whole is never torn: the default


def test_next_append_moves_a_torn_line_aside_and_loses_nothing(tmp_path):
    path = tmp_path / "labels.jsonl"
    append_jsonl(path, [{"i": 0}])
    torn = b'{"i": 1, "speaker": "Mark Serw'
    with path.open("ab") as handle:
        handle.write(torn)
    with pytest.warns(StanceWarning, match="moved a torn last line to labels.jsonl.torn"):
        append_jsonl(path, [{"i": 2}])
    assert records(path) == [{"i": 0}, {"i": 2}]
    assert path.with_name("labels.jsonl.torn").read_bytes() == torn + b"\n"
    assert path.read_bytes().endswith(b'{"i": 2}\n')


def test_torn_multibyte_character_counts_as_torn(tmp_path):
    path = tmp_path / "labels.jsonl"
    append_jsonl(path, [{"speaker": "Ó Ríordáin"}])
    with path.open("ab") as handle:
        handle.write('{"speaker": "Ó'.encode()[:-1])  # cut inside the two bytes of "Ó"
    with pytest.warns(StanceWarning, match=":2: skipped a torn last line"):
        assert records(path) == [{"speaker": "Ó Ríordáin"}]
    with pytest.warns(StanceWarning):
        append_jsonl(path, [{"speaker": "Ní Bhriain"}])
    assert [r["speaker"] for r in records(path)] == ["Ó Ríordáin", "Ní Bhriain"]


def test_whole_last_line_without_newline_is_kept(tmp_path):
    """A hand-edited file that lacks its final newline is not torn: the record stays."""
    path = tmp_path / "labels.jsonl"
    path.write_text('{"i": 0}\n{"i": 1}', encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert records(path) == [{"i": 0}, {"i": 1}]
        append_jsonl(path, [{"i": 2}])
    assert path.read_text(encoding="utf-8") == '{"i": 0}\n{"i": 1}\n{"i": 2}\n'
    assert not path.with_name("labels.jsonl.torn").exists()


def test_bad_line_in_the_middle_is_an_error_not_a_torn_tail(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"i": 0}\n{"i": 1, \n{"i": 2}\n', encoding="utf-8")
    with pytest.raises(StanceError, match=r"labels.jsonl:2: bad JSON"):
        records(path)
    path.write_text('{"i": 0}\n{"i": 1, \n', encoding="utf-8")  # ends with a newline: not a torn write
    with pytest.raises(StanceError, match=r"labels.jsonl:2: bad JSON"):
        records(path)


def test_append_to_a_new_file_in_a_new_folder(tmp_path):
    path = tmp_path / "annotators" / "ann.jsonl"
    assert append_jsonl(path, [{"i": 0}, {"i": 1}]) == 2
    assert append_jsonl(path, []) == 0
    assert records(path) == [{"i": 0}, {"i": 1}]


def test_non_ascii_is_written_as_text(tmp_path):
    path = tmp_path / "a.jsonl"
    write_jsonl(path, [{"text": "£20bn — “quoted”"}])
    assert "£20bn — “quoted”" in path.read_text(encoding="utf-8")
    assert records(path) == [{"text": "£20bn — “quoted”"}]


def test_bad_utf8_in_the_middle_is_located(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_bytes(b'{"i": 0}\n{"speaker": "Caf\xe9"}\n{"i": 2}\n')
    with pytest.raises(StanceError, match=r"labels.jsonl:2: not UTF-8 text \(bad byte 0xe9 at byte 17 of the line\)"):
        records(path)


def test_byte_order_mark_and_crlf_are_read(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"i": 0}\r\n{"i": 1}\r\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert records(path) == [{"i": 0}, {"i": 1}]


def test_missing_file_and_folder_are_user_errors(tmp_path):
    with pytest.raises(StanceError, match="file not found"):
        records(tmp_path / "nope.jsonl")
    with pytest.raises(StanceError, match="is a folder"):
        records(tmp_path)


KILLED_BEFORE_RENAME = textwrap.dedent(
    """
    import os, signal, sys
    from stance.io import jsonl

    def die(*args):
        os.kill(os.getpid(), signal.SIGKILL)  # killed after the temporary file is written, before the rename

    jsonl.os.replace = die
    jsonl.write_jsonl(sys.argv[1], [{"i": i} for i in range(1000)])
    """
)


def test_atomic_write_killed_before_rename_leaves_the_old_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_jsonl(path, [{"i": "old"}])
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-c", KILLED_BEFORE_RENAME, str(path)], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert records(path) == [{"i": "old"}]
    leftovers = [p.name for p in tmp_path.iterdir() if p != path]
    assert leftovers and all(name.startswith(".gold.jsonl.") and name.endswith(".tmp") for name in leftovers)


def test_atomic_write_killed_while_writing_leaves_the_old_file(tmp_path):
    """Kill a writer of a large file at a random moment: the target is always old or new, never a mix."""
    path = tmp_path / "big.txt"
    atomic_write_text(path, "old\n")
    code = "import sys; from stance.io.jsonl import atomic_write_text as w; w(sys.argv[1], 'new\\n' * 20_000_000)"
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)])
    deadline = time.monotonic() + 30
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    text = path.read_text(encoding="utf-8")
    assert text == "old\n" or text == "new\n" * 20_000_000


def test_failed_write_removes_its_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    atomic_write_text(path, "old")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(StanceError, match=r"a.txt: can't write: disk full"):
        atomic_write_text(path, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert path.read_text() == "old"


def test_append_writes_each_record_as_one_line(tmp_path):
    path = tmp_path / "a.jsonl"
    append_jsonl(path, [{"text": "line one\nline two"}])
    assert path.read_text(encoding="utf-8").count("\n") == 1
    assert json.loads(path.read_text(encoding="utf-8")) == {"text": "line one\nline two"}
