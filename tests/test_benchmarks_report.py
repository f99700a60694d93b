"""The performance suite rewrites only its own part of docs/benchmarks.md."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import report  # noqa: E402


def test_perf_section_is_replaced_and_the_rest_kept(tmp_path):
    doc = tmp_path / "benchmarks.md"
    other = "<!-- tweeteval:begin -->\nTweetEval table\n<!-- tweeteval:end -->\n"
    doc.write_text("# Benchmarks\n\n" + other)
    report.write_section(doc, "first numbers")
    report.write_section(doc, "second numbers")
    text = doc.read_text()
    assert other in text and "second numbers" in text and "first numbers" not in text
    assert text.count(report.BEGIN) == 1 and text.count(report.END) == 1


def test_markdown_flags_a_missed_target():
    machine = {
        "cores": 2,
        "cpu": "x",
        "ram_gb": 1,
        "os": "Linux",
        "versions": {"python": "3"},
        "threads": 2,
        "load_average": [0, 0, 0],
    }
    startup = {
        "runs": 1,
        "load_average": [0, 0, 0],
        "heavy_imports": {"stance --help": []},
        "rows": [
            {"command": "stance --help", "wall_s": 0.7, "cpu_s": 0.3, "ratio": 9, "peak_mb": 30, "meets_target": False}
        ],
    }
    text = report.markdown({"machine": machine, "startup": startup})
    assert "| `stance --help` | 0.7 | 0.3 | 9x | 30 | **no** |" in text
