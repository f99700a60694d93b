"""``stance corpus``: list, show, add and re-split the articles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stance.annotations import load_gold, write_labels
from stance.cli._common import STANCE_STYLE, console, err_console, get_root, new_app, print_json
from stance.corpus import add_article, get_article, load_sentences, split_corpus
from stance.errors import StanceError
from stance.jsonl import append_jsonl
from stance.schema import STANCES
from stance.summary import corpus_summary

app = new_app("List, show, add and re-split the articles of the corpus.")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("list")
def list_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """One row per article: id, title, publication, sentences, labels, stance counts."""
    rows = corpus_summary(get_root(ctx))
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} articles", caption="origin: source = one of the four seed articles")
    for column in ("id", "origin", "title", "publication", "sentences", "labelled", *STANCES):
        table.add_column(
            column,
            justify="right" if column in ("sentences", "labelled", *STANCES) else "left",
            style=STANCE_STYLE.get(column, ""),
        )
    for row in rows:
        table.add_row(
            row["id"],
            row["origin"],
            row["title"],
            row["publication"] or "",
            str(row["sentences"]),
            str(row["labelled"]),
            *(str(row[s]) for s in STANCES),
        )
    table.add_section()
    table.add_row(
        "total",
        "",
        "",
        "",
        str(sum(r["sentences"] for r in rows)),
        str(sum(r["labelled"] for r in rows)),
        *(str(sum(r[s] for r in rows)) for s in STANCES),
    )
    console.print(table)


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    article: Annotated[str, typer.Argument(help="Article id (see `stance corpus list`).")],
    as_json: JsonOpt = False,
) -> None:
    """The article's sentences in order with speaker and stance, colour per stance."""
    root = get_root(ctx)
    meta = get_article(root, article)
    sentences = [s for s in load_sentences(root) if s.article == article]
    gold = load_gold(root)
    records = []
    for s in sentences:
        label = gold.get(s.sent_id)
        records.append(
            {
                "id": s.sent_id,
                "article": s.article,
                "index": s.index,
                "paragraph": s.paragraph,
                "text": s.text,
                "speaker": label.speaker if label else None,
                "speaker_type": label.speaker_type if label else None,
                "stance": label.stance if label else None,
            }
        )
    if as_json:
        print_json(records)
        return
    console.print(f"[bold]{meta.title}[/]  [dim]({meta.id}, {meta.publication or 'publication not stated'})[/]")
    table = Table(show_lines=False, expand=True)
    table.add_column("id", no_wrap=True, style="dim")
    table.add_column("¶", justify="right", style="dim")
    table.add_column("speaker", no_wrap=True)
    table.add_column("stance", no_wrap=True)
    table.add_column("text", ratio=1)
    for r in records:
        style = STANCE_STYLE.get(r["stance"], "")
        table.add_row(
            r["id"],
            str(r["paragraph"]),
            r["speaker"] or "-",
            f"[{style}]{r['stance'] or 'unlabelled'}[/]",
            f"[{style}]{r['text']}[/]" if r["stance"] != "neutral" else r["text"],
        )
    console.print(table, markup=True)


@app.command("add")
def add_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A plain UTF-8 text file (a 'source:'/'title:' header is read).")],
    title: Annotated[str | None, typer.Option(help="Article title (else the file's 'title:' header).")] = None,
    article_id: Annotated[
        str | None, typer.Option("--id", help="Article id, a slug (default: from the title).")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Where the text comes from (URL).")] = None,
    publication: Annotated[str | None, typer.Option(help="Publication, only if the text says it.")] = None,
    date: Annotated[str | None, typer.Option(help="Publication date, only if known.")] = None,
    origin: Annotated[str, typer.Option(help="'source' for the four seed articles, 'added' for any other.")] = "added",
) -> None:
    """Add an article to corpus/ and append its sentences, unlabelled, to the table."""
    article, sentences = add_article(
        get_root(ctx),
        path,
        title=title,
        article_id=article_id,
        source=source,
        publication=publication,
        date=date,
        origin=origin,
    )
    console.print(f"added [bold]{article.id}[/]: {len(sentences)} sentences, unlabelled")


@app.command("split")
def split_cmd(
    ctx: typer.Context,
    force: Annotated[
        bool,
        typer.Option(
            help="Write the table even if labels go stale; stale gold labels move to annotations/stale.jsonl."
        ),
    ] = False,
    check: Annotated[
        bool, typer.Option(help="Only check that the committed table is what the splitter produces.")
    ] = False,
) -> None:
    """Re-derive the sentence table from the raw texts (deterministic)."""
    root = get_root(ctx)
    gold = load_gold(root)
    result = split_corpus(root, labelled_ids=set(gold), write=not check)
    for item in result.stale:
        err_console.print(
            f"stale label {item['sent_id']}: text was {item['old_text']!r}, now {item['new_text']!r}",
            soft_wrap=True,
            markup=False,
        )
    if check:
        if result.changed:
            raise StanceError(
                f"{len(result.changed)} sentence(s) differ from the splitter's output, e.g. {result.changed[0]}",
                path=root.sentences_file,
            )
        console.print(f"sentence table up to date: {len(result.sentences)} sentences")
        return
    if result.stale and not force:
        raise StanceError(
            f"{len(result.stale)} label(s) would go stale; nothing written (use --force to move them to "
            "annotations/stale.jsonl)",
            path=root.sentences_file,
        )
    if result.stale:
        stale_ids = {item["sent_id"] for item in result.stale}
        append_jsonl(
            root.annotations / "stale.jsonl",
            [
                {**gold[i].to_dict(), "old_text": next(s["old_text"] for s in result.stale if s["sent_id"] == i)}
                for i in sorted(stale_ids)
            ],
        )
        write_labels(root.gold_file, [lab for sid, lab in gold.items() if sid not in stale_ids])
        result = split_corpus(root, labelled_ids=set(), write=True)
    console.print(
        f"{len(result.sentences)} sentences, {len(result.changed)} changed"
        + (f", {len(stale_ids)} stale labels moved" if force and result.stale else "")
    )
