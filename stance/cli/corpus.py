"""``stance corpus``: list, show, add and re-split the articles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from stance.cli._common import (
    STANCE_STYLE,
    FormatOpt,
    console,
    err_console,
    get_root,
    list_format,
    new_app,
    print_json,
    print_table,
    print_tsv,
    say_if_no_project,
)
from stance.corpus.articles import add_article, get_article, load_sentences
from stance.corpus.gold import load_gold
from stance.corpus.summary import corpus_summary
from stance.richtext import cell
from stance.schema import STANCES

app = new_app("List, show, add and re-split the articles of the corpus.")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("list")
def list_cmd(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None) -> None:
    """One row per article: id, title, publication, sentences, labels, stance counts."""
    fmt = list_format(fmt, as_json=as_json)
    root = get_root(ctx)
    rows = corpus_summary(root)
    say_if_no_project(root)
    if fmt == "json":
        print_json(rows)
    elif fmt == "tsv":
        print_tsv(rows, list(rows[0]) if rows else ["id", "title", "origin", "collection", *_COUNTS])
    else:
        # A terminal's width is a limit; a pipe has none (see print_table): one line per article there.
        print_table(_article_table(rows, width=console.width) if _squeezed() else _line_table(rows))


def _squeezed() -> bool:
    """Whether tables must fit the console's width: on a terminal, or when COLUMNS asks for it."""
    import os

    return console.is_terminal or os.environ.get("COLUMNS", "").isdigit()


_COUNTS = ("sentences", "labelled", *STANCES)


def _new_table(rows: list[dict], *, padding: int | tuple[int, int, int, int]) -> Table:
    """The frame the three forms of the `corpus list` table share: title, caption, borders."""
    return Table(
        title=f"{len(rows)} articles",
        caption="origin: source = one of the four seed articles",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=padding,
    )


def _line_table(rows: list[dict]) -> Table:
    """The piped form: one line per article (id, origin, counts, then the whole title), for grep and awk."""
    table = _new_table(rows, padding=(0, 1, 0, 0))
    table.add_column("article", no_wrap=True)
    table.add_column("origin", no_wrap=True)
    for column in _COUNTS:
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("title · publication", no_wrap=True)
    for row in rows:
        table.add_row(Text(row["id"]), row["origin"], *(str(row[c]) for c in _COUNTS), Text(_title_line(row)))
    table.add_section()
    table.add_row("total", "", *(str(sum(r[c] for r in rows)) for c in _COUNTS), "")
    return table


def _article_table(rows: list[dict], *, width: int) -> Table:
    """The ``corpus list`` table on a terminal, readable at 80 columns.

    Each article takes two lines: its id (never wrapped or cut, since it is
    what `corpus show` takes) and below it the title and publication, cut
    with an ellipsis to the id column's width, so the counts keep one line.
    """
    headers = {"sentences": "sents", "labelled": "labelled"}
    # Column widths plus one space between columns (no padding, no edges).
    fixed = len("origin") + sum(max(len(headers.get(c, c)), 4) for c in _COUNTS) + len(_COUNTS) + 1
    longest = max([len(r["id"]) for r in rows] + [len("article")])
    if longest + fixed > width:
        return _stacked_table(rows, width=width)
    longest_title = max([len(_title_line(r)) for r in rows] + [0])
    article_width = max(longest, min(longest_title, width - fixed))
    table = _new_table(rows, padding=0)
    table.add_column("article", width=article_width, no_wrap=True)
    table.add_column("origin", no_wrap=True)
    for column in _COUNTS:
        header = headers.get(column, column)
        table.add_column(header, justify="right", no_wrap=True, min_width=4, style=STANCE_STYLE.get(column, ""))
    for row in rows:
        cell = Text(row["id"], style="bold")
        cell.append("\n")
        title = Text(_title_line(row), style="dim")
        title.truncate(article_width, overflow="ellipsis")
        cell.append_text(title)
        table.add_row(cell, row["origin"], *(str(row[c]) for c in _COUNTS))
    table.add_section()
    table.add_row("total", "", *(str(sum(r[c] for r in rows)) for c in _COUNTS))
    return table


def _stacked_table(rows: list[dict], *, width: int) -> Table:
    """The narrow form: one column, each article as id / title / counts lines.

    Used when the longest id and the count columns cannot share a line: the id
    stays whole (it is what `corpus show` takes) and nothing is wider than
    ``width``.
    """
    table = _new_table(rows, padding=0)
    table.add_column("article / title · publication / counts", no_wrap=True, max_width=width)
    for row in rows:
        cell = Text(row["id"], style="bold")
        title = Text("  " + _title_line(row), style="dim")
        title.truncate(width, overflow="ellipsis")
        cell.append("\n").append_text(title)
        cell.append("\n  " + _counts_line(row, origin=True))
        table.add_row(cell)
    table.add_section()
    totals = {c: sum(r[c] for r in rows) for c in _COUNTS}
    table.add_row("total " + _counts_line(totals, origin=False))
    return table


def _counts_line(row: dict, *, origin: bool) -> str:
    counts = f"{row['sentences']} sentences, {row['labelled']} labelled: " + ", ".join(f"{row[s]} {s}" for s in STANCES)
    return f"{row['origin']} · {counts}" if origin else counts


def _title_line(row: dict) -> str:
    return f"{row['title']} · {row['publication']}" if row.get("publication") else row["title"]


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    article: Annotated[str, typer.Argument(help="Article id (see `stance corpus list`).")],
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """The article's sentences in order with speaker and stance, colour per stance."""
    fmt = list_format(fmt, as_json=as_json)
    root = get_root(ctx)
    meta = get_article(root, article)
    every = load_sentences(root)
    sentences = [s for s in every if s.article == article]
    gold = load_gold(root, known_ids={s.sent_id for s in every})
    records: list[dict[str, Any]] = []
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
    if fmt == "json":
        print_json(records)
        return
    if fmt == "tsv":
        print_tsv(records, ["id", "article", "index", "paragraph", "speaker", "speaker_type", "stance", "text"])
        return
    heading = Text(meta.title, style="bold")
    heading.append(f"  ({meta.id}, {meta.publication or 'publication not stated'})", style="dim")
    console.print(heading)
    # Sentence ids are "<article>:<index>"; the article is in the heading, so
    # the table shows ":<index>" and leaves the width to the text.
    table = Table(show_lines=False, expand=True, caption=f"id = {meta.id}:NNN, ¶ = paragraph")
    table.add_column("id", no_wrap=True, style="dim")
    table.add_column("¶", justify="right", style="dim")
    table.add_column("speaker", max_width=24)
    table.add_column("stance", no_wrap=True)
    table.add_column("text", ratio=1)
    for r in records:
        style = STANCE_STYLE.get(r["stance"], "")
        table.add_row(
            f":{r['index']:03d}",
            str(r["paragraph"]),
            cell(r["speaker"] or "-"),
            cell(r["stance"] or "unlabelled", style=style),
            cell(r["text"], style=style if r["stance"] != "neutral" else ""),
        )
    print_table(table)


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
    collection: Annotated[
        str,
        typer.Option(help="The batch this article belongs to, a slug (seed, corpus-extra, corpus-more or your own)."),
    ] = "user",
    suggest: Annotated[
        bool, typer.Option(help="Record the speaker finder's suggestions in annotations/suggestions/.")
    ] = True,
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
        collection=collection,
    )
    console.print(cell("added ", (article.id, "bold"), f": {len(sentences)} sentences, unlabelled"))
    if suggest:
        from stance.cli.speakers import record_suggestions

        record_suggestions(get_root(ctx), article.id, sentences, title=article.title)


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
    from stance.corpus.resplit import resplit

    root = get_root(ctx)
    outcome = resplit(root, check=check, force=force)
    for item in outcome.stale:
        err_console.print(
            cell(f"stale label {item['sent_id']}: text was {item['old_text']!r}, now {item['new_text']!r}"),
            soft_wrap=True,
        )
    if outcome.refused is not None:
        raise outcome.refused
    result = outcome.result
    if check:
        console.print(f"sentence table up to date: {len(result.sentences)} sentences")
        return
    console.print(
        f"{len(result.sentences)} sentences, {len(result.changed)} changed"
        + (f", {outcome.moved} stale gold label(s) moved to annotations/stale.jsonl" if outcome.moved else "")
    )
