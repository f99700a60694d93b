"""Benchmark results as terminal tables and as Markdown beside the published numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from stance.richtext import cell


def _ranked(result: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
    """Published and our scores, best first; the flag marks ours."""
    rows = [(name, score, False) for name, score in result["published"].items()]
    rows += [(f"stance {name}", m["official"], True) for name, m in result["models"].items()]
    return sorted(rows, key=lambda r: -r[1])


def results_table(result: Mapping[str, Any]) -> Table:
    """Our official scores among the published ones."""
    table = Table(title="TweetEval stance (test): mean F1(against, favor), percent")
    for column in ("System", "Score", "Macro-F1", "Wall time"):
        table.add_column(column, justify="left" if column == "System" else "right")
    for name, score, ours in _ranked(result):
        if ours:
            m = result["models"][name.removeprefix("stance ")]
            table.add_row(cell(name), f"{score:.1f}", f"{m['macro_f1']:.1f}", f"{m['seconds']:.0f} s", style="bold")
        else:
            table.add_row(cell(name), f"{score:.1f}", "", "", style="dim")
    return table


def targets_table(result: Mapping[str, Any]) -> Table:
    """Each target's official score per model, with the value chosen on val."""
    table = Table(title="Per target (official metric on that target's test tweets)")
    table.add_column("Target")
    for name in result["models"]:
        table.add_column(cell(name), justify="right")
    for label, cells in _target_rows(result):
        table.add_row(cell(label), *cells)
    return table


def _target_rows(result: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """One row per target: "target (train/val/test)" and each model's score, with any value tuned on val."""
    rows = []
    for target, sizes in result["targets"].items():
        cells = []
        for m in result["models"].values():
            t = m["targets"][target]
            tuned = ", ".join(f"{k}={v}" for k, v in t["tuned"].items())
            cells.append(f"{t['official']:.1f}" + (f" ({tuned})" if tuned else ""))
        rows.append((f"{target} ({sizes['train']}/{sizes['val']}/{sizes['test']})", cells))
    return rows


def markdown(result: Mapping[str, Any], *, command: str = "") -> str:
    """The benchmark section of docs/benchmarks.md."""
    lines = [
        "## SemEval-2016 Task 6 stance through TweetEval",
        "",
        "One model per target (abortion, atheism, climate, feminist, hillary), trained on `train`, "
        "with the fixed configs listed below (no tuning on the tiny `val` sets unless a grid is given); "
        "the test predictions of the five targets are concatenated and "
        "scored with TweetEval's official stance metric, the mean of F1(against) and F1(favor), in percent. "
        f"Published numbers are TweetEval's leaderboard; the SemEval-2016 organisers' SVM scored "
        f"{result['organisers_svm']}.",
        "",
    ]
    if command:
        lines += [f"Reproduce: `{command}`", ""]
    lines += ["| System | Score | Macro-F1 | Wall time |", "|---|---|---|---|"]
    for name, score, ours in _ranked(result):
        if ours:
            m = result["models"][name.removeprefix("stance ")]
            lines.append(f"| **{name}** | **{score:.1f}** | {m['macro_f1']:.1f} | {m['seconds']:.0f} s |")
        else:
            lines.append(f"| {name} | {score:.1f} | | |")
    published = result["published"]
    lines.append("")
    for name, m in result["models"].items():
        beaten = [n for n, score in published.items() if m["official"] >= score]
        verdict = f"at least {', '.join(beaten)}" if beaten else "below every published system"
        lines.append(
            f"- {name}: {m['official']:.1f}, {verdict}; "
            f"{m['official'] - published['SVM']:+.1f} against the published SVM ({published['SVM']}), "
            f"{m['official'] - result['organisers_svm']:+.1f} against the organisers' SVM."
        )
    lines += ["", "Per target:", "", "| Target (train/val/test) | " + " | ".join(result["models"]) + " |"]
    lines.append("|---|" + "---|" * len(result["models"]))
    for label, cells in _target_rows(result):
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Configs:", ""]
    for name, m in result["models"].items():
        config = ", ".join(f"{k}={v}" for k, v in m["config"].items())
        grid = ", ".join(f"{k} in {v}" for k, v in m["tune_grid"].items())
        lines.append(f"- {name}: {config}" + (f"; tuned on val: {grid}" if grid else ""))
    return "\n".join(lines) + "\n"
