"""The piped evaluate log gets a line at least every interval, even inside one long training."""

from __future__ import annotations

import time

from stance.cli._heartbeat import Heartbeat


def test_a_silent_stretch_gets_heartbeat_lines_and_a_progress_line_resets_it():
    lines: list[str] = []
    with Heartbeat(lines.append, interval=0.2) as heartbeat:
        time.sleep(0.7)  # one long "training": nothing else is written
        silent = list(lines)
        heartbeat.wrote("tfidf fold-1")
        lines.clear()
        time.sleep(0.05)
        assert lines == []  # just written: no heartbeat yet
    assert len(silent) >= 2
    assert all(line.startswith("  ... still training (after the start) · elapsed ") for line in silent)


def test_the_heartbeat_stops_with_the_run():
    lines: list[str] = []
    with Heartbeat(lines.append, interval=0.1):
        pass
    time.sleep(0.3)
    assert lines == []
