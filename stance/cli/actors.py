"""``stance actors``: who stands where, per speaker, from gold or a model's predictions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stance.cli._common import STANCE_STYLE, console, get_root, print_json
from stance.richtext import cell
from stance.schema import STANCES


def actors_cmd(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Option(help="'gold' or a model run directory (predicts every corpus sentence).")
    ] = "gold",
    out: Annotated[Path | None, typer.Option(help="Output folder (default: reports/actors).")] = None,
    top: Annotated[int, typer.Option(help="Speakers shown in the table (all are written to the CSV).")] = 30,
    author: Annotated[
        bool, typer.Option("--author/--no-author", help="Include the journalist's own sentences as a speaker.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Per speaker: sentences, pro/anti/neutral counts and shares, type, articles; CSV, PNG, GraphML."""
    from stance.analysis.actors import actors_report

    result = actors_report(get_root(ctx), source=source, out_dir=out, include_author=author)
    if as_json:
        print_json(result)
        return
    predicted = source != "gold"
    table = Table(title=f"Who stands where: {result['sentences']} sentences ({source})")
    table.add_column("speaker")
    table.add_column("type", style="dim")
    table.add_column("sentences", justify="right")
    for stance in STANCES:
        table.add_column(stance, justify="right", style=STANCE_STYLE[stance])
    if predicted:
        table.add_column("≠ gold", justify="right")
    table.add_column("articles", style="dim")
    for row in result["table"][:top]:
        cells = [
            cell(row["speaker"]),
            cell(row["speaker_type"]),
            cell(str(row["sentences"])),
            *(cell(f"{row[s]} ({100 * row[f'share_{s}']:.0f}%)") for s in STANCES),
        ]
        if predicted:
            cells.append(cell(f"{row['disagreements']}/{row['gold_compared']}" if row["gold_compared"] else "-"))
        articles = ", ".join(row["articles"]) if len(row["articles"]) <= 2 else f"{len(row['articles'])} articles"
        cells.append(cell(articles))
        table.add_row(*cells)
    console.print(table)
    if predicted:
        console.print(
            f"disagreement with gold: {result['disagreements']} of {result['gold_compared']} labelled sentences"
        )
    for name, path in result["files"].items():
        console.print(cell((f"{name}:", "dim"), f" {path}"))
