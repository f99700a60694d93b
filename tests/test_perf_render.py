"""The performance suite rewrites only its own part of docs/benchmarks.md."""

from __future__ import annotations

import sys
from pathlib import Path

PERF = Path(__file__).resolve().parents[1] / "perf"
sys.path.insert(0, str(PERF))

import render  # noqa: E402


def test_perf_section_is_replaced_and_the_rest_kept(tmp_path):
    doc = tmp_path / "benchmarks.md"
    other = "<!-- tweeteval:begin -->\nTweetEval table\n<!-- tweeteval:end -->\n"
    doc.write_text("# Benchmarks\n\n" + other)
    render.write_section(doc, "first numbers")
    render.write_section(doc, "second numbers")
    text = doc.read_text()
    assert other in text and "second numbers" in text and "first numbers" not in text
    assert text.count(render.BEGIN) == 1 and text.count(render.END) == 1


MACHINE = {
    "cores": 2,
    "cpu": "x",
    "ram_gb": 1,
    "os": "Linux",
    "versions": {"python": "3"},
    "threads": 2,
    "load_average": [0, 0, 0],
}


def test_markdown_flags_a_missed_target():
    machine = MACHINE
    startup = {
        "runs": 1,
        "load_average": [0, 0, 0],
        "heavy_imports": {"stance --help": []},
        "rows": [
            {"command": "stance --help", "wall_s": 0.7, "cpu_s": 0.3, "ratio": 9, "peak_mb": 30, "meets_target": False}
        ],
    }
    text = render.markdown({"machine": machine, "startup": startup})
    assert "| `stance --help` | 0.7 | 0.3 | 9x | 30 | **no** |" in text


def _row(method: str, wall: float) -> dict:
    return {
        "method": method,
        "runs": 3,
        "wall_s": wall,
        "cpu_s": wall,
        "per_second": 1,
        "peak_mb": 1,
        "speedup": round(60 / wall, 2),
    }


def test_throughput_targets_are_judged_per_method():
    throughput = {
        "sentences": 5000,
        "target": "abortion",
        "rows": [
            _row("naive pipeline, one at a time", 60.0),
            _row("stance predict (default: ONNX Runtime float32)", 25.0),  # 2.4x: misses 3x
            _row("stance predict --engine torch (PyTorch float32)", 30.0),
            _row("stance predict --fast (ONNX Runtime int8)", 10.0),  # 6x
        ],
        "export_seconds": 4.0,
        "quantise_seconds": 2.0,
        "identical_b_vs_a": 1.0,
        "identical_torch_vs_a": 1.0,
        "agreement_c_vs_b": 0.975,  # misses 98%
        "test_rows": 280,
        "test_agreement": 0.99,
        "score_float32": 56.94,
        "score_onnx_float32": 56.94,
        "score_int8": 56.5,
        "score_pure_int8": 56.12,
        "test_agreement_pure_int8": 0.993,
        "agreement_pure_int8_vs_b": 0.9836,
    }
    text = render.markdown({"machine": MACHINE, "throughput": throughput})
    assert "`stance predict` vs naive: 2.4x (**no** for >= 3x)" in text
    assert "`--fast` vs naive: 6.0x (yes for >= 5x)" in text
    assert "(**no** for >= 98%)" in text
    assert "`--fast` 56.50 (change -0.44; yes for within 0.5)" in text
    assert "scores 56.12 (change -0.82)" in text


def test_archive_rows_are_rendered_with_their_numbers():
    def row(run, articles, wall, peak):
        return {
            "run": run,
            "articles": articles,
            "sentences": 12 * articles,
            "wall_s": wall,
            "cpu_s": wall,
            "articles_per_s": round(articles / wall, 1),
            "sentences_per_s": round(12 * articles / wall),
            "peak_mb": peak,
        }

    part = {
        "model": "tfidf",
        "speed": [row("one process (--engine local)", 600, 30.0, 300), row("local Ray, 2 workers", 600, 40.0, 500)],
        "memory": [row("10,000 articles", 10_000, 400.0, 310), row("100,000 articles", 100_000, 4000.0, 312)],
    }
    text = render.markdown({"machine": MACHINE, "archive": part})
    assert "| local Ray, 2 workers | 600 | 7,200 | 40.0 | 40.0 | 15.0 | 180 | 500 |" in text
    assert "Peak memory 310 -> 312 MB" in text
    assert "transformer" not in text.split("### News archives")[1]
