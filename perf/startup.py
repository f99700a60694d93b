"""CLI start-up: `stance --help` and `stance corpus list` against `python -c pass`.

Target: under 0.5 s wall, and neither torch nor transformers imported. The
ratio to a bare Python start is the figure that travels between machines.
CPU time (user + sys) is reported beside wall time because on a shared,
busy machine wall time is mostly waiting for a core.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from common import REPO, STANCE, median, run_process

HEAVY = ("torch", "transformers", "sklearn", "datasets", "onnxruntime", "matplotlib", "sentence_transformers")
TARGET_S = 0.5

#: Runs the console script's main() with argv, then lists the heavy modules that got imported.
PROBE = """
import sys
sys.argv = ["stance", *{argv!r}]
from stance.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\nHEAVY=" + __import__("json").dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def heavy_imports(argv: list[str]) -> list[str]:
    run = run_process([sys.executable, "-c", PROBE.format(argv=argv, heavy=HEAVY)], env={"STANCE_ROOT": str(REPO)})
    return json.loads(run.stdout.rsplit("HEAVY=", 1)[1])


def bench(*, runs: int = 10) -> dict[str, Any]:
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "stance --help": [STANCE, "--help"],
        "stance corpus list": [STANCE, "corpus", "list"],
    }
    env = {"STANCE_ROOT": str(REPO)}
    rows = []
    for name, argv in commands.items():
        run_process(argv, env=env)  # warm the file cache
        measured = [run_process(argv, env=env) for _ in range(runs)]
        rows.append(
            {
                "command": name,
                "wall_s": round(median([m.wall for m in measured]), 3),
                "cpu_s": round(median([m.cpu for m in measured]), 3),
                "peak_mb": round(median([m.peak_mb for m in measured]), 1),
            }
        )
    floor = rows[0]["wall_s"]
    for row in rows:
        row["ratio"] = round(row["wall_s"] / floor, 1)
        row["meets_target"] = row["wall_s"] < TARGET_S
    return {
        "runs": runs,
        "rows": rows,
        "heavy_imports": {
            "stance --help": heavy_imports(["--help"]),
            "stance corpus list": heavy_imports(["corpus", "list"]),
        },
    }


if __name__ == "__main__":
    print(json.dumps(bench(runs=3), indent=2))
