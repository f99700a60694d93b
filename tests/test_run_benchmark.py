"""scripts/run_benchmark.py replaces only its own section of docs/benchmarks.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "run_benchmark.py"


def _script():
    spec = importlib.util.spec_from_file_location("run_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_replace_section_keeps_other_sections():
    script = _script()
    first = script.replace_section("", "## TweetEval\nold numbers")
    assert first.startswith("# Benchmarks") and "old numbers" in first
    with_other = first + "\n## Speed\nfast\n"
    second = script.replace_section(with_other, "## TweetEval\nnew numbers")
    assert "new numbers" in second and "old numbers" not in second
    assert "## Speed\nfast" in second
    assert second.count(script.BEGIN) == 1
