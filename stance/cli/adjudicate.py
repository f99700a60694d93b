"""``stance adjudicate``: decide the sentences annotators disagree on, into gold."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

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
    from stance.annotate.adjudicate import decision, describe, find_disagreements, write_decision
    from stance.annotate.store import check_annotator, gold_lock, load_aliases, load_annotators
    from stance.annotate.terminal import stdin_keys
    from stance.annotations import load_gold
    from stance.cli.annotate import default_annotator
    from stance.corpus import load_sentences

    root = get_root(ctx)
    who = check_annotator(adjudicator or default_annotator())
    sentences = load_sentences(root)
    by_id = {s.sent_id: s for s in sentences}
    order = [s.sent_id for s in sentences]
    labels = load_annotators(root, names or [], known_ids=set(order))
    if len(labels) < 2:
        err_console.print("adjudication needs labels from two annotators or more")
        raise typer.Exit(1)
    keys = stdin_keys()
    decided = kept = 0
    with gold_lock(root):
        gold = load_gold(root, known_ids=set(order))
        todo = find_disagreements(
            labels, gold, order=order, aliases=load_aliases(root), include_decided=include_decided
        )
        try:
            for number, item in enumerate(todo, start=1):
                sentence = by_id[item.sent_id]
                console.rule(
                    f"[bold]{item.sent_id}[/]  [dim]{number}/{len(todo)} · differ on {', '.join(item.fields)}[/]"
                )
                console.print(f"[bold]> {escape(sentence.text)}[/]")
                names_in_order = list(item.candidates)
                for i, name in enumerate(names_in_order, start=1):
                    console.print(f"  [cyan]{i}[/] {escape(name)}: {escape(describe(item.candidates[name]))}")
                if item.gold is not None:
                    console.print(f"  [cyan]g[/] gold ({escape(item.gold.annotator)}): {escape(describe(item.gold))}")
                choice: tuple[str, str | None] | None = None
                while choice is None:
                    console.print("[dim]1-9 choose · g keep gold · k skip · q quit[/] ", end="")
                    key = keys.read_key()
                    console.print(escape(key if key else "end of input" if key is None else "Enter"))
                    if key is None or key in ("q", "\x03", "\x04"):
                        break
                    if key == "k" or (key == "g" and item.gold is not None):
                        choice = (key, None)
                    elif key.isdigit() and 1 <= int(key) <= len(names_in_order):
                        choice = ("pick", names_in_order[int(key) - 1])
                    else:
                        console.print("[yellow]press a candidate's number, g, k or q[/]")
                if choice is None:
                    break
                action, name = choice
                if action == "g":
                    kept += 1
                elif action == "pick":
                    write_decision(root, decision(item, item.candidates[name], adjudicator=who))
                    decided += 1
        except KeyboardInterrupt:  # each decision is already written atomically
            err_console.print()
    err_console.print(
        f"{decided} decision(s) written to {root.gold_file}, {kept} gold label(s) kept, "
        f"{len(todo) - decided - kept} disagreement(s) left"
    )
