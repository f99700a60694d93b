"""Every command's help renders whole: each option's help as written, CLI metavars, no type names.

The list of commands is walked from the app itself, so a new command or
option is checked without touching this file.
"""

from __future__ import annotations

import re

import pytest
import typer.main

from stance.cli import app

BOX = re.compile(r"[│╭╮╰╯─┃━┏┓┗┛]")
TYPE_NAME = re.compile(r"<[a-z_]+(\[[^\]]*\])?>")  # <bool>, <list[str]>, <path>, <int>


def _commands(group=None, path=()):
    """(path, click command) for every command and group of the app."""
    group = group or typer.main.get_command(app)
    yield path, group
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, (*path, name))


COMMANDS = [(path, command) for path, command in _commands()]


def _flat(text: str) -> str:
    """The help as one line: panel borders gone, wrapped lines joined."""
    return " ".join(BOX.sub(" ", text).split())


@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "stance" for p, _ in COMMANDS])
def test_help_shows_every_option_help_whole(runner, path, command, width):
    # The help strings as the code declares them, taken before rendering (rendering escapes them).
    expected = {
        "/".join(p.opts): " ".join(p.help.split())
        for p in command.params
        if getattr(p, "help", None) and not getattr(p, "hidden", False)
    }
    doc = (command.help or "").split("\n\n")[0]
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    flat = _flat(result.stdout)
    for option, help_text in expected.items():
        assert help_text in flat, f"{' '.join(path)} {option}: help not shown whole: {help_text!r}"
    if doc:
        assert " ".join(doc.split()) in flat, f"{' '.join(path)}: description not shown whole"
    assert not TYPE_NAME.search(result.stdout), TYPE_NAME.search(result.stdout).group(0)
    assert "…" not in result.stdout, "help cut with an ellipsis"


def test_metavars_read_like_a_cli(runner):
    out = _flat(runner.invoke(app, ["predict", "--help"], env={"COLUMNS": "120"}).stdout)
    assert "--input -i PATH" in out and "--format -f FORMAT" in out
    assert "--fast-margin NUMBER" in out
    assert re.search(r"--fast Transformer only", out), "a flag shows no type"
    assert "[default: from --output's suffix" in out
    out = _flat(runner.invoke(app, ["evaluate", "--help"], env={"COLUMNS": "120"}).stdout)
    assert "--seeds N" in out and "[default: reports/<date-time>/]" in out
