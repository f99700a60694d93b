"""Start-up stays light: the CLI path never imports the heavy libraries.

``stance --help`` has to answer in well under half a second, which only holds
if torch, transformers, scikit-learn and friends are imported inside the
commands that use them. Each check runs in a fresh interpreter (this test
process has long since imported everything) and names what leaked, so the
culprit can be found with ``python -X importtime``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = (
    "torch",
    "transformers",
    "sklearn",
    "datasets",
    "matplotlib",
    "sentence_transformers",
    "skops",
    "pandas",
    "scipy",
    "accelerate",
    "ray",
    "duckdb",
    "pyarrow",
)

# Runs each command line in turn in one fresh interpreter (or only imports
# the CLI) and reports, per command, the heavy top-level packages that were
# first loaded while it ran.
PROBE = """
import json, sys
heavy = set(json.loads(sys.argv[1]))
runs = json.loads(sys.argv[2])
import stance.cli
from stance.cli import app
def loaded():
    return {name.split(".")[0] for name in sys.modules} & heavy
seen = loaded()
report = [{"args": [], "code": 0, "loaded": sorted(seen)}]
for args in runs:
    try:
        app(args, prog_name="stance")
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    now = loaded()
    report.append({"args": args, "code": code, "loaded": sorted(now - seen)})
    seen = now
sys.stdout.flush()
sys.stderr.write("\\nPROBE " + json.dumps(report) + "\\n")
"""


def probe(runs: list[list[str]], *, root: Path, heavy: tuple[str, ...] = HEAVY) -> list[dict]:
    """One entry per run (the first is the bare import): exit code and newly loaded heavy packages."""
    env = {**os.environ, "STANCE_ROOT": str(root), "COLUMNS": "100"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(heavy), json.dumps(runs)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    marker = [line for line in result.stderr.splitlines() if line.startswith("PROBE ")]
    assert marker, f"probe did not finish:\n{result.stderr[-2000:]}"
    return json.loads(marker[-1][len("PROBE ") :])


def leaks(report: list[dict]) -> dict[str, list[str]]:
    return {"stance " + " ".join(run["args"]) if run["args"] else "import stance.cli": run["loaded"] for run in report}


def test_import_help_list_and_stats_load_no_heavy_library(repo_root):
    runs = [["--help"], ["corpus", "list"], ["corpus", "list", "--json"], ["labels", "stats"], ["corpus", "--help"]]
    report = probe(runs, root=repo_root.path)
    assert [run["code"] for run in report] == [0, 0, 0, 0, 0, 0], report
    found = {name: mods for name, mods in leaks(report).items() if mods}
    assert found == {}, (
        f"heavy libraries imported at start-up: {found}; import them inside the function that needs them "
        "(find the importer with `python -X importtime -c 'import stance.cli'`)"
    )


def test_every_command_help_loads_no_heavy_library(repo_root):
    """``stance CMD --help`` for every registered command and group, and ``stance GROUP SUB --help``."""
    import typer.main

    from stance.cli import app

    group = typer.main.get_command(app)
    runs = []
    for name, command in sorted(group.commands.items()):
        runs.append([name, "--help"])
        for sub in sorted(getattr(command, "commands", {})):
            runs.append([name, sub, "--help"])
    assert ["corpus", "list", "--help"] in runs and ["labels", "stats", "--help"] in runs
    report = probe(runs, root=repo_root.path)
    assert all(run["code"] == 0 for run in report), [run for run in report if run["code"] != 0]
    found = {name: mods for name, mods in leaks(report).items() if mods}
    assert found == {}, f"heavy libraries imported by --help: {found}"


def test_probe_sees_a_leak(repo_root):
    """The probe itself works: a package that the CLI does import is reported (and attributed to the import)."""
    report = probe([["--help"]], root=repo_root.path, heavy=("typer", "email"))
    assert "typer" in report[0]["loaded"]
