"""A line in the log at least every minute, even while one training runs for longer.

Piped, `stance evaluate` prints one line per finished training; a transformer
fold can take several minutes on a small machine, and a log that says
nothing for that long looks hung. The heartbeat is a daemon thread that
writes "still training ..." when nothing was written for ``interval``
seconds, and stops when the run ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from stance.evaluation.report import duration


class Heartbeat:
    """Call :meth:`wrote` on every progress line; use as a context manager around the run."""

    def __init__(self, write: Callable[[str], None], *, interval: float = 60.0) -> None:
        self._write = write
        self._interval = interval
        self._lock = threading.Lock()
        self._started = self._last = time.monotonic()
        self._after = "the start"
        self._stop = threading.Event()
        self._tick = min(5.0, interval / 4)
        self._thread = threading.Thread(target=self._run, name="stance-heartbeat", daemon=True)

    def wrote(self, label: str) -> None:
        with self._lock:
            self._last = time.monotonic()
            self._after = label

    def _run(self) -> None:
        while not self._stop.wait(self._tick):
            with self._lock:
                now = time.monotonic()
                if now - self._last < self._interval:
                    continue
                line = f"  ... still training (after {self._after}) · elapsed {duration(now - self._started)}"
                self._last = now
            self._write(line)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
