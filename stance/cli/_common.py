"""Shared CLI plumbing: the project root, consoles and user-error handling.

Commands stay thin: they parse options, call a library function and hand the
result to a formatter. A :class:`~stance.errors.StanceError` raised anywhere
below becomes one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
import warnings
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from stance.errors import StanceError, StanceWarning
from stance.paths import Root, find_root
from stance.richtext import cell

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

STANCE_STYLE = {"pro": "green", "anti": "red", "neutral": "bright_black", None: "yellow"}


class StanceGroup(TyperGroup):
    """A Typer group whose commands report user errors in one line."""

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
        except (PermissionError, IsADirectoryError, NotADirectoryError, FileExistsError) as exc:
            # The file system refused (a read-only folder, a file where a folder should be):
            # the user's environment, not a bug, so one line naming the path.
            where = f"{exc.filename}: " if exc.filename else ""
            err_console.print(cell(("error:", "bold red"), f" {where}{exc.strerror}"), soft_wrap=True)
            raise typer.Exit(1) from None


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


def print_json(data: Any) -> None:
    """Machine-readable output for scripts: plain JSON on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
