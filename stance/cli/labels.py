"""``stance labels``: counts of the gold labels."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from stance.cli._common import STANCE_STYLE, console, get_root, new_app, print_json, print_table
from stance.corpus.dataset import labelled_rows
from stance.corpus.summary import label_stats
from stance.errors import StanceError
from stance.richtext import cell
from stance.schema import ORIGINS, STANCES

app = new_app("Look at the gold labels.")


@app.command("stats")
def stats_cmd(
    ctx: typer.Context,
    origin: Annotated[
        str | None,
        typer.Option(help="Only articles of this origin: 'source' (the four seed articles), 'added' or 'all'."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts by stance, by speaker, by speaker type and by article."""
    if origin is not None and origin not in ("all", *ORIGINS):
        raise StanceError(f"unknown origin {origin!r}; allowed: {', '.join(ORIGINS)}, all", field="--origin")
    stats = label_stats(labelled_rows(get_root(ctx), origin=None if origin in (None, "all") else origin))
    if as_json:
        print_json(stats)
        return
    console.print(
        f"[bold]{stats['total']}[/] labelled sentences: "
        + ", ".join(f"[{STANCE_STYLE[s]}]{s} {n}[/]" for s, n in stats["by_stance"].items())
    )
    for key, title in (("by_speaker_type", "speaker type"), ("by_speaker", "speaker"), ("by_article", "article")):
        table = Table(title=f"by {title}")
        table.add_column(title, overflow="fold")  # ids and names wrap, never cut
        for column in ("total", *STANCES):
            table.add_column(column, justify="right", style=STANCE_STYLE.get(column, ""))
        for name, counts in stats[key].items():
            table.add_row(cell(name), *(str(counts[c]) for c in ("total", *STANCES)))
        print_table(table)
