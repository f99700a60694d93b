"""The ``stance`` command line: composes one small Typer app per verb.

Start-up must stay fast (``stance --help`` under half a second), so nothing
here or in the command modules imports torch, transformers, scikit-learn or
matplotlib at module level; commands import them when they run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stance import __version__
from stance.cli import actors as actors_cli
from stance.cli import adjudicate as adjudicate_cli
from stance.cli import agreement as agreement_cli
from stance.cli import annotate as annotate_cli
from stance.cli import archive as archive_cli
from stance.cli import benchmark as benchmark_cli
from stance.cli import corpus, labels
from stance.cli import dataset as dataset_cli
from stance.cli import evaluate as evaluate_cli
from stance.cli import exchange as exchange_cli
from stance.cli import models as models_cli
from stance.cli import predict as predict_cli
from stance.cli import speakers as speakers_cli
from stance.cli import train as train_cli
from stance.cli._common import StanceGroup
from stance.errors import StanceError

app = typer.Typer(
    name="stance",
    help="Who says what about offshoring: corpus, labels, models and evaluation.",
    cls=StanceGroup,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(corpus.app, name="corpus")
app.add_typer(labels.app, name="labels")
app.command("annotate")(annotate_cli.annotate_cmd)
app.command("agreement")(agreement_cli.agreement_cmd)
app.command("adjudicate")(adjudicate_cli.adjudicate_cmd)
app.command("export", cls=dataset_cli.ExportCommand)(exchange_cli.export_cmd)
app.command("import")(exchange_cli.import_cmd)
app.command("evaluate")(evaluate_cli.evaluate_cmd)
app.command("errors")(evaluate_cli.errors_cmd)
app.add_typer(benchmark_cli.app, name="benchmark")
app.command("train")(train_cli.train_cmd)
app.command("predict")(predict_cli.predict_cmd)
app.command("models")(models_cli.models_cmd)
app.add_typer(speakers_cli.app, name="speakers")
app.command("actors")(actors_cli.actors_cmd)
app.add_typer(archive_cli.app, name="archive")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stance {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    root: Annotated[
        str | None,
        typer.Option(
            "--root",
            envvar="STANCE_ROOT",
            metavar="DIR",
            help="Project root holding corpus/, annotations/ and models/.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Who says what about offshoring: corpus, labels, models and evaluation."""
    _safe_streams()
    if root is not None and not root.strip():
        # An empty --root is a script's unset variable, not "the current folder".
        raise StanceError("is empty; give the project folder (or leave --root out)", field="--root")
    ctx.obj = {"root": Path(root) if root is not None else None}


def _safe_streams() -> None:
    """Let output that the terminal's encoding can't show come out escaped, not as a UnicodeEncodeError.

    With ``PYTHONIOENCODING=ascii`` (or a C locale) every "·" of a table
    would otherwise end the command with a traceback.
    """
    import sys

    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a closed or detached stream
                pass


def main() -> None:
    """Console-script entry point."""
    app()
