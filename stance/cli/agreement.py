"""``stance agreement``: how far annotators agree, and how each compares with gold."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from stance.cli._common import console, get_root, print_json, print_table
from stance.richtext import cell

MAX_CLASS_COLUMNS = 8


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def agreement_cmd(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Annotators to compare (default: all).")] = None,
    field: Annotated[str, typer.Option("--field", help="stance, speaker or speaker_type.")] = "stance",
    with_gold: Annotated[bool, typer.Option("--with-gold", help="Also score each annotator against gold.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Cohen's kappa per pair, Krippendorff's alpha over all, per-class agreement and confusion matrices."""
    from stance.annotate.compare import agreement_report

    report = agreement_report(get_root(ctx), names or [], field=field, with_gold=with_gold).to_dict()
    if as_json:
        print_json(report)
        return
    console.print(
        f"[bold]{field}[/]: Krippendorff's alpha (nominal) [bold]{_num(report['alpha'])}[/] "
        f"over {report['units']} sentences labelled by 2+ of {', '.join(report['annotators'])}"
    )
    if report["pairs"]:
        _pairs_table(report["pairs"], "pairs")
    if "gold" in report:
        _pairs_table([{**row, "annotators": [row["annotator"], "gold"]} for row in report["gold"]], "against gold")


def _pairs_table(rows: list[dict[str, Any]], title: str) -> None:
    table = Table(title=title)
    for column in ("annotators", "shared", "observed", "kappa"):
        table.add_column(column, justify="left" if column == "annotators" else "right", overflow="fold")
    labels: list[str] = []
    for row in rows:
        labels.extend(label for label in row["labels"] if label not in labels)
    if len(labels) > MAX_CLASS_COLUMNS:  # speakers: too many for columns; --json has them all
        labels = []
    for label in labels:
        table.add_column(f"agree {label}", justify="right")
    for row in rows:
        table.add_row(
            cell(" / ".join(row["annotators"])),
            str(row["shared"]),
            _num(row["observed"]),
            _num(row["kappa"]),
            *(_num(row["per_class"].get(label)) for label in labels),
        )
    print_table(table)
    for row in rows:
        if not row["shared"]:
            continue
        first, second = row["annotators"]
        matrix = Table(title=cell(f"{first} (rows) × {second} (columns)"))
        matrix.add_column("")
        for label in row["labels"]:
            matrix.add_column(cell(label), justify="right")
        for label, counts in zip(row["labels"], row["confusion"], strict=True):
            matrix.add_row(cell(label), *(str(c) for c in counts))
        print_table(matrix)
