"""``stance annotate``: label sentences from the keyboard."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from stance.cli._common import console, err_console, get_root

ANNOTATOR_ENV = "STANCE_ANNOTATOR"


def default_annotator() -> str:
    """``$STANCE_ANNOTATOR``, else the login name: who is at the keyboard."""
    return os.environ.get(ANNOTATOR_ENV) or getpass.getuser()


def annotate_cmd(
    ctx: typer.Context,
    annotator: Annotated[
        str | None, typer.Option("--annotator", help=f"Your name (default: ${ANNOTATOR_ENV} or your login).")
    ] = None,
    article: Annotated[str | None, typer.Option("--article", help="Only this article.")] = None,
    order: Annotated[str, typer.Option("--order", help="corpus, uncertain (needs --model) or random.")] = "corpus",
    model: Annotated[
        Path | None, typer.Option("--model", help="A trained run folder whose probabilities are suggested.")
    ] = None,
    relabel: Annotated[bool, typer.Option("--relabel", help="Also show sentences you labelled already.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of --order random.")] = 0,
    no_finder: Annotated[bool, typer.Option("--no-finder", help="Don't run the speaker finder.")] = False,
) -> None:
    """Label sentences: p/a/n, Enter accepts the suggestion, s speaker, t type, k skip, u undo, ? help, q quit.

    u undoes the last step, then the labels of earlier sessions, newest first.
    Every label is on disk (annotations/annotators/NAME.jsonl) before the next
    sentence shows; start again to resume. Keys can be piped, one per line.
    """
    from stance.annotate.session import open_session
    from stance.annotate.store import annotator_lock, check_annotator, history_path, load_annotator
    from stance.annotate.terminal import run, stdin_keys

    root = get_root(ctx)
    name = check_annotator(annotator or default_annotator())
    with annotator_lock(root, name):
        session = open_session(
            root,
            name,
            article=article,
            order=order,
            model_dir=model,
            relabel=relabel,
            seed=seed,
            use_finder=not no_finder,
        )
        if session.done:
            err_console.print(f"nothing left for {name} to label here; --relabel shows labelled sentences again")
            return
        try:
            result = run(session, console=console, keys=stdin_keys())
        except KeyboardInterrupt:
            # Every label so far is on disk, but the interrupt may have landed between
            # a write and the session's bookkeeping: count from the file.
            on_disk = load_annotator(root, name)
            labelled = sum(1 for sid in session.scope if sid in on_disk)
            err_console.print(
                f"\ninterrupted; {name}: {labelled}/{len(session.scope)} labelled, saved in {history_path(root, name)}"
            )
            return
    rate = f" ({result['per_minute']:.1f}/min)" if result["interactive"] and result["session"] else ""
    err_console.print(
        f"{name}: {result['labelled']}/{result['total']} labelled, {result['session']} this session{rate}, "
        f"saved in {history_path(root, name)}"
    )
