"""Shared CLI plumbing: the project root, consoles and user-error handling.

Commands stay thin: they parse options, call a library function and hand the
result to a formatter. A :class:`~stance.errors.StanceError` raised anywhere
below becomes one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from stance.cli._help import tidy_command, tidy_param
from stance.errors import StanceError, StanceWarning
from stance.paths import Root, find_root, root_hint
from stance.richtext import cell

#: Characters that steer a terminal instead of showing: C0/C1 controls (ESC starts a sequence that can
#: retitle the window, clear the screen or fake output) and the bidirectional overrides that reorder text.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every terminal control character shown escaped (``\\x1b``); newlines and tabs stay."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


class SafeConsole(Console):
    """A rich console that never passes a control character of the data to the terminal.

    Article titles, sentences and predict input are data from anywhere; an
    escape sequence in them would reach the terminal raw. Every text segment
    is escaped with :func:`printable` on its way out, whatever printed it
    (tables, errors, the annotation screen); rich's own control segments
    (cursor moves of a progress bar) and styles are left alone.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(printable(segment.text), segment.style, segment.control)
            for segment in buffer
        )


console = SafeConsole(highlight=False)
err_console = SafeConsole(stderr=True, highlight=False)

STANCE_STYLE = {"pro": "green", "anti": "red", "neutral": "bright_black", None: "yellow"}


class StanceGroup(TyperGroup):
    """A Typer group whose commands report user errors in one line and whose help reads whole."""

    # click types as Any: recent typer vendors its own click (typer._click), older typer uses click.
    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            tidy_command(command, ctx)
        return command

    def get_params(self, ctx: Any) -> Any:
        tidy_command(self)
        params = super().get_params(ctx)
        for param in params:  # with the help option, which click adds here
            tidy_param(param)
        return params

    def invoke(self, ctx: Any) -> Any:  # a click Context (recent typer vendors its own click)
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except StanceError as exc:
            # Text, not markup: messages quote user data ("[IT]", paths with brackets).
            err_console.print(cell(("error:", "bold red"), " ", str(exc)), soft_wrap=True)
            raise typer.Exit(1) from None
        except BrokenPipeError:  # `stance ... | head`
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as exc:
            # The system refused (a read-only folder, a file where a folder should be, a full
            # disk): the user's environment, not a bug, so one line naming the path.
            err_console.print(cell(("error:", "bold red"), " ", os_error_line(exc)), soft_wrap=True)
            raise typer.Exit(1) from None


def os_error_line(exc: OSError) -> str:
    """``PATH: what the system said``; for "File exists"/"Not a directory", which part of the path is a file."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is None:
        return reason
    path = Path(exc.filename)
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            return f"{path}: {blocker} is a file, not a folder"
    return f"{path}: {reason}"


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    """Library warnings about the user's files become one yellow line; others are left as Python prints them."""
    if issubclass(category, StanceWarning):
        err_console.print(cell(("warning:", "bold yellow"), " ", str(message)), soft_wrap=True)
    else:
        _default_showwarning(message, category, *args, **kwargs)


_default_showwarning = warnings.showwarning


def new_app(help_text: str) -> typer.Typer:
    """A sub-command group with the project's conventions."""
    return typer.Typer(help=help_text, cls=StanceGroup, no_args_is_help=True, rich_markup_mode="rich")


def get_root(ctx: typer.Context) -> Root:
    """The project root chosen by ``--root`` / ``STANCE_ROOT`` / the current folder."""
    obj = ctx.find_root().obj or {}
    return find_root(obj.get("root"))


def say_if_no_project(root: Root) -> None:
    """On stderr, when no project was found: which folder was used and how to set one (stdout stays data)."""
    hint = root_hint(root)
    if hint:
        err_console.print(cell(("note:", "bold yellow"), " ", hint), soft_wrap=True)


def print_json(data: Any) -> None:
    """Machine-readable output for scripts: plain JSON on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


LIST_FORMATS = ("table", "tsv", "json")
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, tsv (a header line, then one tab-separated row per line) or json; "
        "default: table (json with --json).",
    ),
]


def list_format(fmt: str | None, *, as_json: bool = False) -> str:
    """The output format of a listing command: ``--format``, else ``--json``, else a table."""
    if fmt is None:
        return "json" if as_json else "table"
    if fmt not in LIST_FORMATS:
        raise StanceError(f"unknown format {fmt!r}; allowed: {', '.join(LIST_FORMATS)}", field="--format")
    if as_json and fmt != "json":
        raise StanceError(f"--json asks for json, --format for {fmt}: give one of them", field="--format")
    return fmt


def print_tsv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """One header line and one tab-separated line per row, for ``cut``, ``awk`` and spreadsheets.

    Lists are joined with ``;`` (as in the CSV files), ``None`` is empty, and
    tabs or line breaks inside a value become spaces so every row stays one line.
    """

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            value = ";".join(str(v) for v in value)
        return " ".join(str(value).replace("\t", " ").splitlines())

    lines = ["\t".join(columns), *("\t".join(cell(row.get(c)) for c in columns) for row in rows)]
    sys.stdout.write("\n".join(lines) + "\n")


def print_table(table: Table, *, target: Console | None = None) -> None:
    """Print a table; in a pipe or a file, at its natural width.

    A terminal's width is a real limit. A pipe has none, but rich would still
    squeeze to 80 columns: titles wrap, headers are cut ("sentenc…") and a
    sentence column shrinks to a dozen characters. So when the output is not
    a terminal the table gets the width its content asks for (at least its
    title's); an explicit ``COLUMNS`` is still obeyed.
    """
    from rich.measure import Measurement

    target = target or console
    if target.is_terminal or os.environ.get("COLUMNS", "").isdigit():
        target.print(table)
        return
    table.title_justify = table.caption_justify = "left"  # centred over a wide table, a title is lost
    headings = [Text.from_markup(h) if isinstance(h, str) else h for h in (table.title, table.caption) if h]
    table.min_width = max([table.min_width or 0, *(h.cell_len for h in headings if isinstance(h, Text))])
    width = Measurement.get(target, target.options.update_width(100_000), table).maximum
    buffer = io.StringIO()
    SafeConsole(file=buffer, width=max(width, 1), highlight=False, color_system=None).print(table)
    # Cells are padded to the column width; in a file that is only trailing blanks.
    target.file.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))
