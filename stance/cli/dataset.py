"""``stance export dataset DIR``: the labelled corpus as a Hugging Face dataset with its card.

The other ``export`` formats write one file for an annotation tool (``--out
FILE``); this one writes a folder for researchers, with options of its own.
:class:`ExportCommand` lets both live under ``stance export``: when the first
argument is ``dataset`` it hands the rest to :func:`dataset_cmd`, otherwise the
annotation-tool export parses them as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from stance.cli._common import err_console, get_root, print_json

EPILOG = "stance export dataset DIR: the labelled corpus as a Hugging Face dataset (see stance export dataset --help)."


def dataset_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to write (new or empty).")],
    test: Annotated[
        str | None,
        typer.Option(
            "--test",
            help="Hold these articles out as a `test` split: collection:NAME[,NAME] or article:ID[,ID].",
        ),
    ] = None,
    train: Annotated[
        str | None,
        typer.Option(
            "--train", help="Articles of the `train` split, same syntax (default: every other labelled article)."
        ),
    ] = None,
    split_by: Annotated[
        str | None,
        typer.Option(
            "--split-by",
            help="collection: test on corpus-more, train on every other collection (seed, corpus-extra, yours).",
        ),
    ] = None,
    folds: Annotated[
        int, typer.Option("--folds", help="Grouped K-fold ids of the train split in a `fold` column (0: none).")
    ] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fold assignment.")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Replace a folder that is not empty.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write the labelled corpus to DIR: save_to_disk files, data/<split>.parquet and a dataset card (README.md)."""
    from stance.corpus.hf_export import COLLECTION_TEST, export_dataset
    from stance.errors import StanceError

    if split_by is not None:
        if split_by != "collection":
            raise StanceError(f"{split_by!r}: the only split is `collection`", field="--split-by")
        if test is not None or train is not None:
            raise StanceError("give --split-by or --train/--test, not both", field="--split-by")
        test = COLLECTION_TEST
    result = export_dataset(get_root(ctx), out, train=train, test=test, folds=folds, seed=seed, force=force)
    if as_json:
        print_json(result)
        return
    splits = ", ".join(
        f"{name} {c['sentences']} sentences / {c['articles']} articles" for name, c in result["splits"].items()
    )
    err_console.print(f"{result['sentences']} labelled sentences written to {result['out']} ({splits})")


class ExportCommand(TyperCommand):
    """``stance export``: annotation-tool formats, or ``dataset`` for :func:`dataset_cmd`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["epilog"] = kwargs.get("epilog") or EPILOG
        super().__init__(*args, **kwargs)

    # click types as Any: recent typer vendors its own click (typer._click), older typer uses click.
    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if args and args[0] == "dataset":
            command = _dataset_command()
            return command.make_context(f"{info_name} dataset", list(args[1:]), parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)


def _dataset_command() -> Any:
    """The click command of :func:`dataset_cmd`, built on demand (it only costs time when used)."""
    app = typer.Typer(
        add_completion=False, rich_markup_mode="rich", context_settings={"help_option_names": ["-h", "--help"]}
    )
    app.command("dataset")(dataset_cmd)
    return typer.main.get_command(app)
