"""Wall time of `stance --help` and `stance corpus list` against a bare Python start.

The target (issue 2) is under 0.5 s wall for both on this machine. Each
command runs ``--runs`` times as a real process (the installed console
script, as a user types it); the median is reported because other work on a
shared machine makes the mean noisy. On a busy machine wall time mostly
measures waiting for a CPU, so the CPU time (user + sys) of each run is
reported too: it is what the command itself costs, and what wall time
comes down to on an idle machine. ``python -c pass`` is the floor no Python
CLI can beat; ``import stance.cli`` shows how much is our own import chain.

Usage: .venv/bin/python scripts/bench_startup.py [--runs 10] [--root DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 0.5


def commands() -> dict[str, list[str]]:
    stance = str(Path(sys.executable).with_name("stance"))
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import stance.cli'": [sys.executable, "-c", "import stance.cli"],
        "stance --help": [stance, "--help"],
        "stance corpus list": [stance, "corpus", "list"],
    }


def time_command(argv: list[str], *, runs: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``runs`` runs, after one untimed warm-up run that fills the OS file cache."""
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--root", type=Path, default=REPO, help="project root for `corpus list`")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()

    env = {**os.environ, "STANCE_ROOT": str(args.root), "COLUMNS": "100"}
    results = {}
    for name, argv in commands().items():
        wall, cpu = time_command(argv, runs=args.runs, env=env)
        results[name] = {
            "median_s": round(statistics.median(wall), 4),
            "min_s": round(min(wall), 4),
            "max_s": round(max(wall), 4),
            "cpu_median_s": round(statistics.median(cpu), 4),
            "runs": args.runs,
        }
    floor = results["python -c pass"]["median_s"]
    for row in results.values():
        row["over_python_s"] = round(row["median_s"] - floor, 4)
    ok = all(results[name]["median_s"] < TARGET_S for name in ("stance --help", "stance corpus list"))

    if args.json:
        summary = {"target_s": TARGET_S, "ok": ok, "cpus": os.cpu_count(), "load": os.getloadavg()}
        print(json.dumps({**summary, "results": results}, indent=2))
    else:
        print(f"median wall time over {args.runs} runs ({os.cpu_count()} CPUs; target < {TARGET_S} s)")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average {load}; seconds, wall unless marked")
        print(f"{'command':32} {'median':>7} {'min':>7} {'max':>7} {'-python':>8} {'cpu':>7}")
        for name, row in results.items():
            print(
                f"{name:32} {row['median_s']:7.3f} {row['min_s']:7.3f} {row['max_s']:7.3f} "
                f"{row['over_python_s']:8.3f} {row['cpu_median_s']:7.3f}"
            )
        print("OK" if ok else f"SLOWER THAN {TARGET_S} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
