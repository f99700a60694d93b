"""``stance adjudicate``: decide the sentences annotators disagree on, into gold."""

from __future__ import annotations

from typing import Annotated

import typer

from stance.cli._common import console, err_console, get_root


def adjudicate_cmd(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Annotators whose labels to compare (default: all).")
    ] = None,
    adjudicator: Annotated[
        str | None, typer.Option("--adjudicator", help="Who decides (default: $STANCE_ANNOTATOR or your login).")
    ] = None,
    include_decided: Annotated[
        bool, typer.Option("--all", help="Also show disagreements that gold already settles.")
    ] = False,
) -> None:
    """Walk disagreements: 1-9 picks that annotator's label, g keeps gold, k skips, q quits.

    Each decision is written to annotations/gold.jsonl at once (atomic
    rewrite, every other gold label kept), with the adjudicator as annotator
    and the candidates in the note.
    """
    from stance.annotate.adjudicate import decision, open_adjudication, write_decision
    from stance.annotate.store import check_annotator, gold_lock
    from stance.annotate.terminal import run_adjudication, stdin_keys
    from stance.cli.annotate import default_annotator

    root = get_root(ctx)
    who = check_annotator(adjudicator or default_annotator())
    with gold_lock(root):
        todo, texts = open_adjudication(root, names or [], include_decided=include_decided)
        try:
            result = run_adjudication(
                todo,
                texts=texts,
                console=console,
                keys=stdin_keys(),
                decide=lambda item, chosen: write_decision(root, decision(item, chosen, adjudicator=who)),
            )
        except KeyboardInterrupt:  # each decision is already in gold (atomic rewrites)
            err_console.print("\ninterrupted; decisions so far are in the gold file")
            return
    err_console.print(
        f"{result['decided']} decision(s) written to {root.gold_file}, {result['kept']} gold label(s) kept, "
        f"{result['left']} disagreement(s) left"
    )
