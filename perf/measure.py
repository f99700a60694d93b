"""Run one command and report its wall time, CPU time and peak memory as JSON: measure.py OUT.json CMD...

Why a separate small process: on Linux a child's peak resident memory
(``ru_maxrss``) starts at its parent's size at ``fork``, so a benchmark
runner that has loaded models would inflate every figure after it. Forked
from this ~10 MB process, the command's own peak is what gets reported.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> int:
    out, argv = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    record = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss, "returncode": code}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(record, handle)
    return code if code >= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
