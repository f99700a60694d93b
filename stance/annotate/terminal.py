"""The terminal front end of a labelling session: keys in, screens out.

In a real terminal a key acts at once (cbreak/raw mode through termios);
when stdin is a pipe or a file, input is read line by line (one key per
line, an empty line is Enter), so sessions can be scripted and tested. The
speaker editor offers the speakers already used in the article through
readline's Tab completion in a terminal, and reads the next line otherwise.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, Any

from rich.console import Console
from rich.markup import escape

from stance.annotate.adjudicate import Disagreement, describe
from stance.annotate.session import SCHEME, Session
from stance.errors import StanceError, StorageError
from stance.schema import Label

STYLE = {"pro": "green", "anti": "red", "neutral": "bright_black"}
ENTER = ""
QUIT_KEYS = {"q", "\x03", "\x04"}  # q, Ctrl-C, Ctrl-D in raw mode


class LineKeys:
    """Keys from a pipe: one command per line, an empty line is Enter."""

    interactive = False

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def read_key(self) -> str | None:
        line = self.stream.readline()
        if not line:
            return None
        return line.rstrip("\r\n").strip()

    def read_line(self, prompt: str, *, default: str = "", choices: list[str] | None = None) -> str | None:
        line = self.stream.readline()
        return None if not line else line.rstrip("\r\n")


class TtyKeys:
    """Single keys from a terminal, without waiting for Enter."""

    interactive = True

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.fd = stream.fileno()

    def read_key(self) -> str | None:
        import termios
        import tty

        old = termios.tcgetattr(self.fd)
        try:
            tty.setraw(self.fd, termios.TCSANOW)  # not the default TCSAFLUSH: keep keys typed ahead
            char = os.read(self.fd, 4).decode("utf-8", "replace")
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, old)
        if char in ("\r", "\n"):
            return ENTER
        if char[:1] == "\x1b":  # arrows and other escape sequences
            return "\x1b"
        return char[:1]

    def read_line(self, prompt: str, *, default: str = "", choices: list[str] | None = None) -> str | None:
        readline: Any = None
        try:
            import readline
        except ImportError:  # pragma: no cover - not on every platform
            pass
        if readline is not None:
            options = choices or []

            def complete(text: str, state: int) -> str | None:
                hits = [c for c in options if c.lower().startswith(text.lower())]
                return hits[state] if state < len(hits) else None

            readline.set_completer_delims("")
            readline.set_completer(complete)
            readline.parse_and_bind("tab: complete")
            readline.set_startup_hook(lambda: readline.insert_text(default))
        try:
            return input(prompt)
        except (EOFError, KeyboardInterrupt):
            return None
        finally:
            if readline is not None:
                readline.set_startup_hook(None)
                readline.set_completer(None)


def keys_for(stream: IO[str]) -> LineKeys | TtyKeys:
    """Raw single keys in a terminal, lines otherwise."""
    try:
        if stream.isatty():
            return TtyKeys(stream)
    except (AttributeError, ValueError, OSError):
        pass
    return LineKeys(stream)


def render(console: Console, view: dict[str, Any], *, show_rate: bool = True) -> None:
    """Draw the sentence on screen with its neighbours and the suggestions.

    ``show_rate``: labels per minute mean something only when a person types;
    keys read from a pipe give thousands per minute, so scripted sessions leave it out.
    """
    prog = view["progress"]
    rate = (f" · {prog['per_minute']:.1f}/min" if prog["session"] else " · -/min") if show_rate else ""
    console.print()
    console.rule(
        f"[bold]{escape(view['title'])}[/]  [dim]{view['sent_id']}  "
        f"{prog['labelled']}/{prog['total']} labelled{rate}[/]"
    )
    if view["before"]:
        console.print(f"  [dim]{escape(view['before'])}[/]")
    console.print(f"[bold]> {escape(view['text'])}[/]")
    if view["after"]:
        console.print(f"  [dim]{escape(view['after'])}[/]")
    prob = "" if view["probability"] is None else f" {view['probability']:.2f}"
    origin = "model" if view["probability"] is not None else "default"
    stance = view["stance"]
    line = (
        f"speaker [cyan]{escape(view['speaker'])}[/] ({view['speaker_type']}, {view['speaker_source']})"
        f"   stance [{STYLE[stance]}]{stance}{prob}[/] ({origin}, Enter)"
    )
    if view["existing"]:
        old = view["existing"]
        line += f"   [dim]your label: {old['stance']} / {escape(old['speaker'])}[/]"
    console.print(line)


def run(
    session: Session,
    *,
    console: Console,
    keys: LineKeys | TtyKeys,
    on_label: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Drive a session until the queue is empty, ``q``, or the input ends.

    Returns the final progress (labelled / total / per minute), how many
    retractions this session wrote and whether a person typed the keys.
    """
    retractions = 0
    for warning in session.suggestions.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    prompt = "[dim]p/a/n · Enter accept · s speaker · t type · k skip · u undo · ? help · q quit[/] "
    while not session.done:
        render(console, session.view(), show_rate=keys.interactive)
        console.print(prompt, end="")
        key = keys.read_key()
        console.print(escape(_key_name(key)))
        if key is None or key in QUIT_KEYS:
            break
        command, _, argument = key.partition(" ")
        try:
            if command in ("p", "a", "n"):
                record = session.label({"p": "pro", "a": "anti", "n": "neutral"}[command])
                if on_label:
                    on_label(record)
            elif command == ENTER:
                record = session.accept()
                if on_label:
                    on_label(record)
            elif command == "k":
                session.skip()
            elif command == "u":
                undone = session.undo()
                if undone is not None:
                    retractions += 1
                    console.print(f"[yellow]label of {undone['sent_id']} withdrawn[/]")
            elif command == "?":
                console.print(escape(SCHEME))
            elif command == "s":
                name = argument or keys.read_line(
                    "speaker: ",
                    default=session.draft.speaker if session.draft else "",
                    choices=session.known_speakers(),
                )
                if name is None:
                    break
                session.set_speaker(name)
            elif command == "t":
                kind = argument or keys.read_line("speaker type (person/organisation/author): ")
                if kind is None:
                    break
                session.set_speaker_type(kind)
            else:
                console.print(f"[yellow]unknown key {escape(_key_name(key))!s}; press ? for help[/]")
        except StorageError:
            raise  # the label is not on disk: stop, never carry on as if it were
        except StanceError as exc:
            console.print(f"[yellow]{escape(str(exc))}[/]")
    progress = session.progress()
    if session.done:
        console.print(f"\n[bold green]done:[/] nothing left to label here ({progress['labelled']}/{progress['total']})")
    return {**progress, "retractions": retractions, "interactive": keys.interactive}


def run_adjudication(
    todo: list[Disagreement],
    *,
    texts: dict[str, str],
    console: Console,
    keys: LineKeys | TtyKeys,
    decide: Callable[[Disagreement, Label], object],
) -> dict[str, int]:
    """Walk disagreements: a digit picks that annotator's label, g keeps gold, k skips, q quits.

    ``decide`` is called with each chosen label (it writes gold); returns how
    many were decided, kept as gold, and left.
    """
    decided = kept = 0
    for number, item in enumerate(todo, start=1):
        console.rule(f"[bold]{item.sent_id}[/]  [dim]{number}/{len(todo)} · differ on {', '.join(item.fields)}[/]")
        console.print(f"[bold]> {escape(texts.get(item.sent_id, ''))}[/]")
        names = list(item.candidates)
        for i, name in enumerate(names, start=1):
            console.print(f"  [cyan]{i}[/] {escape(name)}: {escape(describe(item.candidates[name]))}")
        if item.gold is not None:
            console.print(f"  [cyan]g[/] gold ({escape(item.gold.annotator)}): {escape(describe(item.gold))}")
        choice: tuple[str, str | None] | None = None
        while choice is None:
            console.print("[dim]1-9 choose · g keep gold · k skip · q quit[/] ", end="")
            key = keys.read_key()
            console.print(escape(_key_name(key)))
            if key is None or key in QUIT_KEYS:
                break
            if key == "k" or (key == "g" and item.gold is not None):
                choice = (key, None)
            elif key.isdigit() and 1 <= int(key) <= len(names):
                choice = ("pick", names[int(key) - 1])
            else:
                console.print("[yellow]press a candidate's number, g, k or q[/]")
        if choice is None:
            break
        action, picked = choice
        if action == "g":
            kept += 1
        elif action == "pick" and picked is not None:
            decide(item, item.candidates[picked])
            decided += 1
    return {"decided": decided, "kept": kept, "left": len(todo) - decided - kept}


def _key_name(key: str | None) -> str:
    if key is None:
        return "end of input"
    if key == ENTER:
        return "Enter"
    if key in ("\x03", "\x04"):
        return "quit"
    return key if key.isprintable() else repr(key)


def stdin_keys() -> LineKeys | TtyKeys:
    """The key source for the CLI: the process's standard input."""
    return keys_for(sys.stdin)
