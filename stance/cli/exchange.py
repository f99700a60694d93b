"""``stance export`` / ``stance import``: Label Studio, doccano, Prodigy and CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stance.cli._common import err_console, get_root, print_json

FORMAT_HELP = "labelstudio, doccano, prodigy or csv."


def export_cmd(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help=FORMAT_HELP)],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    annotator: Annotated[
        str | None, typer.Option("--annotator", help="Export this annotator's labels instead of gold.")
    ] = None,
    article: Annotated[str | None, typer.Option("--article", help="Only this article.")] = None,
    with_predictions: Annotated[
        Path | None, typer.Option("--with-predictions", help="A trained run folder: add its predictions.")
    ] = None,
    without_labels: Annotated[
        bool, typer.Option("--without-labels", help="Only the sentences: label from scratch, blind to gold.")
    ] = False,
    labels_as: Annotated[
        str,
        typer.Option(
            "--labels-as",
            help="Label Studio: labels as pre-annotations (predictions) or as annotations (never re-imported).",
        ),
    ] = "predictions",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write the sentences, their labels and optionally a model's predictions for an annotation tool."""
    from stance.annotate.exchange import export_project

    result = export_project(
        get_root(ctx),
        fmt,
        out,
        annotator=annotator,
        article=article,
        model_dir=with_predictions,
        with_labels=not without_labels,
        labels_as=labels_as,
    )
    if as_json:
        print_json(result)
        return
    err_console.print(
        f"{result['sentences']} sentences ({result['labels']} labelled, {result['predictions']} predicted) "
        f"written to {', '.join(result['files'])}"
    )


def import_cmd(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help=FORMAT_HELP)],
    path: Annotated[Path, typer.Argument(metavar="FILE", help="The tool's export file.")],
    annotator: Annotated[str, typer.Option("--annotator", help="Whose labels these are.")],
    on_disagreement: Annotated[
        str,
        typer.Option(
            "--on-disagreement",
            help="Label Studio: two of its users labelled a sentence differently: refuse, newest or skip.",
        ),
    ] = "refuse",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check every record of a tool's file, then add its new labels to the annotator's history."""
    from stance.annotate.exchange import import_file

    result = import_file(get_root(ctx), fmt, path, annotator=annotator, on_disagreement=on_disagreement)
    if as_json:
        print_json(result)
        return
    extra = [f"{result['without_label']} record(s) without a label"]
    if result["unchanged"]:
        extra.append(f"{result['unchanged']} already in the history")
    if result["exported_unchanged"]:
        extra.append(f"{result['exported_unchanged']} exported label(s) come back unchanged, not imported")
    if result["disagreements_skipped"]:
        extra.append(f"{result['disagreements_skipped']} disagreement(s) skipped")
    err_console.print(
        f"{result['imported']} label(s) imported for {result['annotator']} into {result['history']} "
        f"({'; '.join(extra)})"
    )
