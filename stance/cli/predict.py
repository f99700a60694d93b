"""``stance predict MODEL_DIR``: the stance of sentences, a file or a new article."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from stance.cli._common import STANCE_STYLE, err_console, print_table
from stance.errors import StanceError
from stance.richtext import cell


def predict_cmd(
    model_dir: Annotated[Path, typer.Argument(help="A run directory saved by `stance train`.")],
    texts: Annotated[list[str] | None, typer.Argument(help="Sentences to classify.")] = None,
    input_file: Annotated[
        Path | None, typer.Option("--input", "-i", help=".txt (a sentence a line), .jsonl or .csv with a text column.")
    ] = None,
    article: Annotated[
        Path | None, typer.Option("--article", help="A new article (.txt): split into sentences, speakers filled.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout ('-' is stdout).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="jsonl, csv or table [default: from --output's suffix, else table on a terminal, jsonl in a pipe].",
        ),
    ] = None,
    fast: Annotated[
        bool,
        typer.Option(
            "--fast",
            help="Transformer only: int8 ONNX Runtime; rows near a tie are re-scored in float32 "
            "(the share is printed at the end: the more rows, the smaller the gain).",
        ),
    ] = False,
    fast_margin: Annotated[
        float | None,
        typer.Option(
            "--fast-margin",
            help="With --fast: re-score in float32 the rows whose top two probabilities are closer than this "
            "(0 = pure int8; default 0.1).",
        ),
    ] = None,
    raw_csv: Annotated[
        bool,
        typer.Option(
            "--raw-csv",
            help="CSV: keep cells that start with = + - @ as they are (by default they get a leading ' so a "
            "spreadsheet shows them as text instead of running them as formulas).",
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="Transformer only: auto (ONNX Runtime float32 on a CPU, PyTorch on a GPU), torch or onnx.",
        ),
    ] = "auto",
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            help="Add 'uncertain': true to rows whose top probability is below P (the stance stays the top class).",
        ),
    ] = None,
) -> None:
    """Add the stance and one probability per class (p_pro, p_anti, p_neutral) to each sentence."""
    from stance.models.predict import (
        OUTPUT_FORMATS,
        article_records,
        file_records,
        load_predictor,
        predict_records,
        text_records,
        write_file,
        write_records,
    )

    sources = [name for name, given in (("TEXT", texts), ("--input", input_file), ("--article", article)) if given]
    if not sources:
        raise StanceError("nothing to predict: give sentences, --input FILE or --article FILE")
    if len(sources) > 1:
        raise StanceError(f"give only one of TEXT, --input and --article (got {' and '.join(sources)})")
    if output is not None and str(output) == "-":
        output = None  # `-o -`: stdout, as most tools read it
    source = article or input_file
    if output is not None and source is not None and _same_file(output, source):
        raise StanceError(f"the output is the same file as {source}; write to another file", path=output)
    if fmt is None:
        if output is not None:
            fmt = "csv" if output.suffix.lower() == ".csv" else "jsonl"
        else:
            fmt = "table" if sys.stdout.isatty() else "jsonl"
    if fmt not in OUTPUT_FORMATS:
        raise StanceError(f"unknown format {fmt!r}; allowed: {', '.join(OUTPUT_FORMATS)}", field="--format")
    if output is not None and fmt == "table":
        raise StanceError("--format table is for the terminal; write jsonl or csv to a file", field="--format")

    where: Path | None
    if article is not None:
        records: Any = iter(article_records(article))
        where = article
    elif input_file is not None:
        records, where = file_records(input_file), input_file
    else:
        records, where = text_records(texts or []), None
    model = load_predictor(model_dir, engine=engine, fast=fast, fast_margin=fast_margin)
    notes: list[str] = []  # shown after the output, so an error stays the only line when there is one
    with _progress(count_lines(input_file) if input_file is not None else None) as advance:
        results = predict_records(
            model,
            records,
            on_progress=advance,
            min_confidence=min_confidence,
            on_missing_speaker=notes.append,
        )
        if fmt == "table":
            rows = list(results)
            count = len(rows)
        elif output is None:
            count = write_records(results, sys.stdout, fmt, csv_safe=not raw_csv)
        else:
            count = write_file(results, output, fmt, csv_safe=not raw_csv)
    if count == 0:
        raise StanceError("no sentences in the input", path=where)
    if fmt == "table":
        _print_table(rows)
    elif output is not None:
        err_console.print(cell(f"{count} sentences -> {output}"))
    for note in notes:
        err_console.print(cell(("warning:", "yellow"), f" {note}"), soft_wrap=True)
    if fast:
        err_console.print(rescored_note(getattr(model, "rechecked", 0), count, getattr(model, "recheck_margin", 0.0)))


def rescored_note(rescored: int, total: int, margin: float) -> str:
    """How much of a ``--fast`` run went through float32 again, and what that means for its speed.

    Every re-scored row costs a float32 pass on top of the int8 one, so the
    share decides whether ``--fast`` pays: a confident model leaves a few
    percent near a tie, a model trained on a small corpus can leave a third.
    """
    if margin <= 0:
        return f"--fast: pure int8, {total} rows, none re-scored (--fast-margin 0)"
    share = rescored / total if total else 0.0
    note = (
        f"--fast: {rescored} of {total} rows ({100 * share:.1f}%) were within {margin:g} of a tie "
        "and re-scored in float32"
    )
    if share > 0.25:
        note += (
            "; with this many, --fast is little faster than the default engine "
            "(a smaller --fast-margin trades agreement with float32 for speed; 0 is pure int8)"
        )
    return note


def _same_file(output: Path, source: Path) -> bool:
    """Whether ``output`` names ``source`` (through any path spelling, symlink or hard link)."""
    try:
        return output.exists() and output.samefile(source)
    except OSError:
        return False


def count_lines(path: Path) -> int | None:
    """Lines in ``path`` (a fast byte count, for the progress bar's ETA); ``None`` if it can't be read."""
    try:
        with path.open("rb") as handle:
            return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None


@contextmanager
def _progress(total: int | None = None) -> Iterator[Callable[[int], None] | None]:
    """Sentences done, rate and ETA on stderr, only on a terminal so pipes and logs stay clean.

    ``total`` is the input's line count (blank lines and a CSV header make
    it a slight overestimate, so the bar may end just short of full).
    """
    if not err_console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        SpinnerColumn(),
        BarColumn(),
        MofNCompleteColumn() if total else TextColumn("{task.completed}"),
        TextColumn("sentences"),
        TaskProgressColumn(),
        TextColumn("[progress.data.speed]{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("predict", total=total, rate="")

        def advance(n: int) -> None:
            progress.advance(task, n)
            speed = progress.tasks[0].speed
            progress.update(task, rate=f"{speed:,.0f}/s" if speed else "")

        yield advance


def _print_table(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    from stance.models.predict import PROBA_COLUMNS

    show_speaker = any(row.get("speaker") for row in rows)
    table = Table()
    table.add_column("#", justify="right", style="dim")
    if show_speaker:
        table.add_column("speaker")
    table.add_column("text", overflow="fold")
    table.add_column("stance")
    for column in PROBA_COLUMNS:
        table.add_column(column, justify="right")
    # Sentences are numbered from 0 everywhere, as in their ids (article:000) and `speakers show`.
    for number, row in enumerate(rows):
        stance = row["stance"]
        cells: list[Any] = [cell(str(row.get("index", number)))]
        if show_speaker:
            cells.append(cell(row.get("speaker") or ""))
        label = cell(stance, style=STANCE_STYLE[stance])
        if row.get("uncertain"):
            label.append(" (uncertain)", style="dim")
        cells += [cell(row["text"]), label]
        cells += [cell(f"{row[c]:.2f}") for c in PROBA_COLUMNS]
        table.add_row(*cells)
    print_table(table)
