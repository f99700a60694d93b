"""``stance actors``: who stands where, per speaker, from gold or a model's predictions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from stance.cli._common import (
    STANCE_STYLE,
    FormatOpt,
    console,
    get_root,
    list_format,
    print_json,
    print_table,
    print_tsv,
)
from stance.richtext import cell
from stance.schema import STANCES


def actors_cmd(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Option(help="'gold' or a model run directory (predicts every corpus sentence).")
    ] = "gold",
    out: Annotated[Path | None, typer.Option(help="Output folder (default: reports/actors).")] = None,
    top: Annotated[
        int, typer.Option(help="Speakers shown in the table and the chart (all are in the CSV, tsv and json).")
    ] = 25,
    author: Annotated[
        bool,
        typer.Option(
            "--author/--no-author",
            help="Keep the journalist's own sentences as a speaker in the table and files (never in the chart).",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts (same as --format json).")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Per speaker: sentences, pro/anti/neutral counts and shares, type, articles; CSV, PNG, GraphML."""
    from stance.analysis.actors import TABLE_COLUMNS, actors_report

    fmt = list_format(fmt, as_json=as_json)
    result = actors_report(get_root(ctx), source=source, out_dir=out, include_author=author, top=top)
    if fmt == "json":
        print_json(result)
        return
    if fmt == "tsv":
        print_tsv(result["table"], TABLE_COLUMNS)
        return
    predicted = source != "gold"
    shown = result["table"][:top]
    table = _table(shown, predicted=predicted)
    table.title = (
        f"Who stands where ({source}): top {len(shown)} of {result['speakers']} speakers, "
        f"{result['sentences']} sentences"
        if len(shown) < result["speakers"]
        else f"Who stands where ({source}): {result['speakers']} speakers, {result['sentences']} sentences"
    )
    print_table(table)
    if predicted:
        console.print(
            f"disagreement with gold: {result['disagreements']} of {result['gold_compared']} labelled sentences"
        )
    console.print(cell((f"chart: {result['chart']['note']}", "dim")))
    for name, path in result["files"].items():
        console.print(cell((f"{name}:", "dim"), f" {path}"))


def _table(rows: list[dict[str, Any]], *, predicted: bool) -> Table:
    """Counts with shares; articles as a count (their ids are in the CSV), so 80 columns suffice."""
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        caption="stance cells: count (share of the speaker's sentences); org = organisation",
    )
    table.add_column("speaker", ratio=1, overflow="fold")  # a name is wrapped, never cut
    table.add_column("type", style="dim", no_wrap=True)
    table.add_column("sentences", justify="right", no_wrap=True)
    for stance in STANCES:
        table.add_column(stance, justify="right", style=STANCE_STYLE[stance], no_wrap=True)
    if predicted:
        table.add_column("≠ gold", justify="right", no_wrap=True)
    table.add_column("articles", justify="right", style="dim", no_wrap=True)
    for row in rows:
        cells = [
            cell(row["speaker"]),
            cell("org" if row["speaker_type"] == "organisation" else row["speaker_type"]),
            cell(str(row["sentences"])),
            *(cell(f"{row[s]} ({100 * row[f'share_{s}']:.0f}%)") for s in STANCES),
        ]
        if predicted:
            cells.append(cell(f"{row['disagreements']}/{row['gold_compared']}" if row["gold_compared"] else "-"))
        cells.append(cell(str(len(row["articles"]))))
        table.add_row(*cells)
    return table
