"""Shared CLI plumbing: the project root, consoles and user-error handling.

Commands stay thin: they parse options, call a library function and hand the
result to a formatter. A :class:`~stance.errors.StanceError` raised anywhere
below becomes one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import typer
from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from typer.core import TyperGroup

from stance.errors import StanceError, StanceWarning
from stance.paths import Root, find_root

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
    """A Typer group whose commands report user errors in one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except StanceError as exc:
            # Text, not markup: messages quote user data ("[IT]", paths with brackets).
            err_console.print(Text.assemble(("error:", "bold red"), " ", str(exc)), soft_wrap=True)
            raise typer.Exit(1) from None
        except BrokenPipeError:  # `stance ... | head`
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as exc:
            # The system refused (a read-only folder, a file where a folder should be, a full
            # disk): the user's environment, not a bug, so one line naming the path.
            err_console.print(Text.assemble(("error:", "bold red"), " ", os_error_line(exc)), soft_wrap=True)
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
        err_console.print(Text.assemble(("warning:", "bold yellow"), " ", str(message)), soft_wrap=True)
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


def print_json(data: Any) -> None:
    """Machine-readable output for scripts: plain JSON on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
