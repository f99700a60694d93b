"""``stance speakers``: measure the speaker finder and show its attributions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from stance.cli._common import FormatOpt, console, get_root, list_format, new_app, print_json, print_table, print_tsv
from stance.paths import Root
from stance.richtext import cell
from stance.schema import Sentence

app = new_app("Find who says each sentence: evaluate the finder against gold, show an article's speakers.")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _print_result(result: dict[str, Any], *, misses: int) -> None:
    overall = result["overall"]
    table = Table(title=f"speaker finder vs {result['source']}: {overall['n']} sentences")
    for column in ("article", "sentences", "speaker", "type", "author/quoted"):
        table.add_column(column, justify="left" if column == "article" else "right", overflow="fold")
    for row in result["articles"]:
        table.add_row(
            cell(row["article"]),
            str(row["n"]),
            _pct(row["speaker_accuracy"]),
            _pct(row["type_accuracy"]),
            _pct(row["quoted_accuracy"]),
        )
    table.add_section()
    table.add_row(
        "overall",
        str(overall["n"]),
        cell((_pct(overall["speaker_accuracy"]), "bold"), f" ({overall['speaker_correct']}/{overall['n']})"),
        _pct(overall["type_accuracy"]),
        _pct(overall["quoted_accuracy"]),
    )
    print_table(table)

    rows = [*result["collections"], {"collection": "overall", **overall}]
    per = Table(title="per collection")
    per.add_column("collection", no_wrap=True)
    for column in ("sentences", "speaker", "type", "author/quoted"):
        per.add_column(column, justify="right", overflow="fold")
    for row in rows:
        per.add_row(
            row["collection"],
            str(row["n"]),
            f"{_pct(row['speaker_accuracy'])} ({row['speaker_correct']}/{row['n']})",
            _pct(row["type_accuracy"]),
            _pct(row["quoted_accuracy"]),
        )
    print_table(per)
    kinds = Table(title="kinds of miss per collection")
    kinds.add_column("collection", no_wrap=True)
    for kind in overall["miss_kinds"]:
        kinds.add_column(kind, justify="right", overflow="fold")
    for row in rows:
        kinds.add_row(row["collection"], *(str(v) for v in row["miss_kinds"].values()))
    print_table(kinds)

    conf = result["confusion"]
    matrix = Table(title="confusion: the most frequent gold speakers and what the finder said")
    for column in ("gold speaker", "sentences", "found", "finder said instead"):
        matrix.add_column(column, justify="right" if column in ("sentences", "found") else "left", overflow="fold")
    for i, (label, row) in enumerate(zip(conf["labels"], conf["matrix"], strict=True)):
        others = [f"{conf['labels'][j]} ({v})" for j, v in enumerate(row) if v and j != i]
        matrix.add_row(cell(label), str(sum(row)), str(row[i]), cell(", ".join(others) or "·"))
    print_table(matrix)

    shown = result["misses"][:misses] if misses >= 0 else result["misses"]
    if not result["misses"]:
        console.print("no misses")
        return
    table = Table(title=f"misses ({len(shown)} of {len(result['misses'])})", expand=True)
    table.add_column("sentence", style="dim", ratio=1, overflow="fold")
    table.add_column("gold", ratio=1, overflow="fold")
    table.add_column("finder", ratio=1, overflow="fold")
    table.add_column("evidence / text", ratio=3)
    for miss in shown:
        table.add_row(
            cell(miss["sent_id"]),
            cell(miss["gold_speaker"]),
            cell(miss["pred_speaker"], style="red"),
            cell((miss["evidence"], "dim"), "\n", miss["text"]),
        )
    print_table(table)


def record_suggestions(root: Root, article: str, sentences: list[Sentence], *, title: str | None = None) -> None:
    """Write the finder's speaker suggestions for a new article and say what it found (used by `corpus add`)."""
    from collections import Counter

    from stance.speakers.records import write_suggestions

    path, records = write_suggestions(root, article, sentences, title=title)
    quoted = Counter(r["speaker"] for r in records if r["speaker_type"] != "author")
    found = ", ".join(f"{name} ({n})" for name, n in quoted.most_common(5)) or "none"
    attributed = f"{sum(quoted.values())}/{len(records)}"
    console.print(cell(f"suggested speakers: {attributed} sentences attributed to a source: {found}"))
    console.print(cell(f"suggestions (not gold): {path}", style="dim"))


@app.command("evaluate")
def evaluate_cmd(
    ctx: typer.Context,
    article: Annotated[
        list[str] | None, typer.Option(help="Only this article (repeat for several; see `stance corpus list`).")
    ] = None,
    articles_file: Annotated[
        str | None,
        typer.Option(
            help="Only the articles listed in this file: one id per line or a JSON list; "
            "FILE:KEY for one list of a JSON object (e.g. split.json:heldout)."
        ),
    ] = None,
    collection: Annotated[
        str | None, typer.Option(help="Only the articles of this collection (seed, corpus-extra, corpus-more, user).")
    ] = None,
    patterns: Annotated[
        Path | None,
        typer.Option(
            help="Measure on a pattern file of made-up snippets instead of the corpus "
            "(e.g. tests/data/attribution_patterns.jsonl)."
        ),
    ] = None,
    top: Annotated[int, typer.Option(help="Speakers in the confusion table.")] = 8,
    misses: Annotated[int, typer.Option(help="Misses to list (-1: all).")] = 30,
    as_json: JsonOpt = False,
) -> None:
    """Speaker, speaker-type and author-vs-quoted accuracy against gold, per article and overall."""
    from stance.speakers.scoring import evaluate_corpus, evaluate_patterns, read_article_list

    if patterns is not None:
        result = evaluate_patterns(patterns, top=top)
    else:
        chosen = list(article or [])
        if articles_file is not None:
            chosen += read_article_list(articles_file)
        only = chosen if article or articles_file is not None else None
        result = evaluate_corpus(get_root(ctx), article=only, collection=collection, top=top)
    if as_json:
        print_json(result)
        return
    _print_result(result, misses=misses)


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    article: Annotated[str | None, typer.Argument(help="Article id (see `stance corpus list`).")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="A plain UTF-8 text file not in the corpus (split like the corpus).")
    ] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """An article's sentences (numbered from 0, as in their ids) with the finder's speaker, evidence, confidence."""
    from stance.speakers.records import attribute_article, attribute_file

    fmt = list_format(fmt, as_json=as_json)
    if (article is None) == (file is None):
        from stance.errors import StanceError

        raise StanceError("give an article id or --file PATH (one of them)")
    if file is not None:
        title, records = attribute_file(file)
    else:
        title, records = attribute_article(get_root(ctx), str(article))
    if fmt == "json":
        print_json(records)
        return
    if fmt == "tsv":
        columns = list(dict.fromkeys(key for record in records for key in record))
        print_tsv(records, [c for c in columns if c != "text"] + ["text"])
        return
    console.print(cell(title, style="bold"))
    table = Table(expand=True)
    table.add_column("#", justify="right", style="dim")
    table.add_column("¶", justify="right", style="dim")
    table.add_column("speaker", no_wrap=True)
    table.add_column("evidence", style="dim", ratio=1)
    table.add_column("text", ratio=3)
    for r in records:
        gold = r.get("gold_speaker")
        speaker = cell(
            r["speaker"] if r["speaker"] != "author" else ("author", "dim"),
            *(
                ("\n", (f"gold: {gold}", "red"))
                if gold is not None and gold.casefold() != r["speaker"].casefold()
                else ()
            ),
        )
        table.add_row(
            str(r["index"]),
            str(r["paragraph"]),
            speaker,
            cell(f"{r['evidence']} ({r['confidence']:.2f})"),
            cell(r["text"]),
        )
    print_table(table)
