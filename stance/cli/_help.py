"""Help that reads whole: option help as written, and metavars a CLI user expects.

Typer renders help through rich markup, so any bracketed words in a help
string ("[default: all]", "[DWP]") are taken for style tags and vanish; and
it shows Python type names (``<bool>``, ``<list[str]>``, ``<path>``) where a
command-line user expects ``PATH``, ``N`` or nothing at all for a flag.
:func:`tidy_command` fixes both on the click objects Typer builds, once per
command, so every command gets the same treatment without repeating a
``metavar=`` on each option; an explicit ``metavar=`` still wins.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, get_args, get_origin

from rich.markup import escape

_TIDIED = "_stance_help_tidied"

# value type -> metavar; other types take the last word of the option's name (--cv CV, --label-map MAP).
_BY_TYPE = {"path": "PATH", "integer": "N", "float": "NUMBER"}


def _type_name(param: Any) -> str:
    """``path``, ``integer``, ``float``, ... from Typer's type descriptor (0.2x) or click's type (older)."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        annotation = descriptor.annotation
        annotation = next(iter(get_args(annotation)), annotation) if get_origin(annotation) is list else annotation
        if isinstance(annotation, type):
            if issubclass(annotation, PurePath):
                return "path"
            return {int: "integer", float: "float"}.get(annotation, annotation.__name__)
        return ""
    return str(getattr(getattr(param, "type", None), "name", ""))


def metavar_for(param: Any) -> str:
    """The metavar shown for ``param``: nothing for a flag, ``PATH``/``N``/``NUMBER``, else its name."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    if param.param_type_name == "option":
        kind = _BY_TYPE.get(_type_name(param))
        if kind:
            return kind
        # The last word of the long name: --label-map MAP, --bootstrap-unit UNIT, --base-model MODEL.
        longest = max(param.opts, key=len)
        return longest.lstrip("-").rsplit("-", 1)[-1].upper()
    return (param.name or "value").upper()


def tidy_param(param: Any) -> None:
    """Escape the help text for rich markup and give the parameter a CLI metavar (once)."""
    if getattr(param, _TIDIED, False):
        return
    setattr(param, _TIDIED, True)
    if getattr(param, "help", None):
        param.help = escape(param.help)
    if param.metavar is None:
        param.metavar = metavar_for(param)
    if param.param_type_name == "argument" and hasattr(param, "display_type_rich"):
        # Typer prints an argument's Python type beside its name (MODEL_DIR <path>);
        # the name, now a metavar, already says what to give.
        param.display_type_rich = lambda ctx: None


def tidy_command(command: Any, ctx: Any = None) -> None:
    """Tidy a command's help, its parameters and (when it is created here) its help option."""
    if not getattr(command, _TIDIED, False):
        setattr(command, _TIDIED, True)
        for attribute in ("help", "short_help"):
            text = getattr(command, attribute, None)
            if text:
                setattr(command, attribute, escape(text))
    for param in command.params:
        tidy_param(param)
    if ctx is not None and hasattr(command, "get_help_option"):
        help_option = command.get_help_option(ctx)
        if help_option is not None:
            tidy_param(help_option)
