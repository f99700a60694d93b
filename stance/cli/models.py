"""``stance models``: the registered models and the trained runs of this project."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from stance.cli._common import console, get_root, print_json
from stance.richtext import cell


def models_cmd(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """List the models `stance train` knows and the runs saved under models/."""
    from stance.models.catalog import model_catalog

    catalog = model_catalog(get_root(ctx))
    if as_json:
        print_json(catalog)
        return
    table = Table(title="registered models")
    for column in ("name", "what", "config"):
        table.add_column(column)
    for entry in catalog["models"]:
        table.add_row(cell(entry["name"]), cell(entry["summary"]), cell(entry["config"] or "(defaults)"))
    console.print(table)
    if catalog["runs"]:
        runs = Table(title="trained runs")
        for column in ("run", "model", "rows", "date"):
            runs.add_column(column)
        for run in catalog["runs"]:
            runs.add_row(
                cell(run["path"]), cell(run["model"]), cell(str(run.get("rows") or "")), cell(run.get("date") or "")
            )
        console.print(runs)
