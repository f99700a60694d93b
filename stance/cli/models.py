"""``stance models``: the registered models and the trained runs of this project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stance.cli._common import FormatOpt, get_root, list_format, print_json, print_table, print_tsv
from stance.richtext import cell


def models_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (same as --format json).")] = False,
    fmt: FormatOpt = None,
) -> None:
    """List the models `stance train` knows and the runs saved under models/."""
    from stance.models.catalog import model_catalog

    fmt = list_format(fmt, as_json=as_json)
    root = get_root(ctx)
    catalog = model_catalog(root)
    if fmt == "json":
        print_json(catalog)
        return
    if fmt == "tsv":
        # One listing: registered models, then runs (kind says which); a run's path is its name.
        rows = [{"kind": "model", **m} for m in catalog["models"]]
        rows += [{"kind": "run", "name": r["path"], **r} for r in catalog["runs"]]
        print_tsv(rows, ["kind", "name", "model", "summary", "config", "rows", "date"])
        return
    table = Table(title="registered models")
    table.add_column("name", no_wrap=True)
    table.add_column("what", ratio=1)
    table.add_column("config", overflow="fold")  # a path: folded onto a second line, never cut
    for entry in catalog["models"]:
        table.add_row(
            cell(entry["name"]), cell(entry["summary"]), cell(_relative(entry["config"], root.path) or "(defaults)")
        )
    print_table(table)
    if catalog["runs"]:
        runs = Table(title="trained runs")
        runs.add_column("run", overflow="fold")
        for column in ("model", "rows", "date"):
            runs.add_column(column, no_wrap=True)
        for run in catalog["runs"]:
            runs.add_row(
                cell(_relative(run["path"], root.path) or ""),
                cell(run["model"] or ""),
                cell(str(run.get("rows") or "")),
                cell(run.get("date") or ""),
            )
        print_table(runs)


def _relative(path: str | None, root: Path) -> str | None:
    """``models/tfidf.toml`` rather than the whole absolute path, when it is under the project root."""
    if path is None:
        return None
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path
