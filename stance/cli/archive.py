"""``stance archive``: who said what across a news archive, on one machine or on Ray."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stance.cli._common import STANCE_STYLE, console, err_console, get_root, new_app, print_json
from stance.richtext import cell
from stance.schema import STANCES

app = new_app("A news archive (one article a row) -> one Parquet row per sentence with speaker and stance; actors.")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("run")
def run_cmd(
    archive: Annotated[
        Path, typer.Argument(help="JSONL, CSV or Parquet: id, text, optional date, outlet, title, url.")
    ],
    model: Annotated[Path, typer.Option("--model", help="A run directory saved by `stance train`.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder: part-NNNNN.parquet shards and _manifest.json.")],
    engine: Annotated[str, typer.Option("--engine", help="local (this process) or ray.")] = "local",
    address: Annotated[
        str | None,
        typer.Option("--address", help="Ray cluster (ray://HOST:10001 or HOST:6379); default RAY_ADDRESS, else local."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Ray: model actors (each holds the model once).")] = 1,
    gpus_per_worker: Annotated[float, typer.Option("--gpus-per-worker", help="Ray: GPUs per model actor.")] = 0.0,
    cpus_per_worker: Annotated[
        float, typer.Option("--cpus-per-worker", help="Ray: CPUs per model actor (fractions leave room for reading).")
    ] = 0.5,
    on_error: Annotated[
        str, typer.Option("--on-error", help="A bad row (no text, not UTF-8, too long): skip it (listed) or stop.")
    ] = "skip",
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue a run in --out, redoing only unfinished blocks.")
    ] = False,
    block_size: Annotated[int, typer.Option("--block-size", help="Articles per block (= per shard).")] = 500,
    max_chars: Annotated[int, typer.Option("--max-chars", help="Longest article text accepted.")] = 1_000_000,
    model_engine: Annotated[
        str,
        typer.Option("--model-engine", help="Transformer: auto (ONNX Runtime on CPU, PyTorch on GPU), torch, onnx."),
    ] = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Split each article, find each sentence's speaker, predict its stance; write Parquet shards."""
    from stance.archive.run import RayOptions, run_archive

    options = RayOptions(
        address=address, workers=workers, gpus_per_worker=gpus_per_worker, cpus_per_worker=cpus_per_worker
    )

    def progress(done: int, total: int) -> None:
        if err_console.is_terminal:
            err_console.print(f"[dim]block {done}/{total}[/]", end="\r")

    result = run_archive(
        archive,
        model,
        out,
        engine=engine,
        on_error=on_error,
        resume=resume,
        block_rows=block_size,
        max_chars=max_chars,
        model_engine=model_engine,
        ray=options,
        on_block=progress,
    )
    if as_json:
        print_json(result)
        return
    resumed = (
        f" ({result['resumed_blocks']} of {result['blocks']} blocks done before)" if result["resumed_blocks"] else ""
    )
    err_console.print(
        cell(f"{result['articles']} articles, {result['sentences']} sentences -> {result['out']}{resumed}"),
        soft_wrap=True,
    )
    for error in result["errors"][:10]:
        what = f"{error['field']}: " if error["field"] else ""
        ident = f" (article {error['id']!r})" if error["id"] else ""
        err_console.print(
            cell(("skipped", "yellow"), f" {archive}:{error['row']}: {what}{error['problem']}{ident}"), soft_wrap=True
        )
    if len(result["errors"]) > 10:
        err_console.print(f"[yellow]... {len(result['errors']) - 10} more bad rows[/]")
    if result["errors"]:
        err_console.print(
            cell(f"{result['skipped']} bad rows skipped, listed in {Path(result['out']) / '_errors.jsonl'}")
        )


@app.command("actors")
def actors_cmd(
    run_dir: Annotated[Path, typer.Argument(help="The --out folder of `stance archive run`.")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default: RUN_DIR/actors).")] = None,
    top: Annotated[int, typer.Option(help="Speakers in the table shown and panels in trend.png.")] = 6,
    author: Annotated[
        bool, typer.Option("--author/--no-author", help="Include the journalist's own sentences as a speaker.")
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Per speaker, per year and per outlet: sentences and stances (CSV), a trend chart (PNG), GraphML."""
    from stance.archive.aggregate import archive_actors

    result = archive_actors(run_dir, out_dir=out, include_author=author, top=top)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"Who stands where: {result['sentences']} sentences of {result['articles']} articles")
    table.add_column("speaker")
    table.add_column("type", style="dim")
    table.add_column("sentences", justify="right")
    for stance in STANCES:
        table.add_column(stance, justify="right", style=STANCE_STYLE[stance])
    table.add_column("articles", justify="right", style="dim")
    for row in result["table"][: max(top, 10)]:
        shares = (f"{row[s]} ({100 * row[f'share_{s}']:.0f}%)" for s in STANCES)
        table.add_row(
            cell(row["speaker"]), cell(row["speaker_type"]), str(row["sentences"]), *shares, str(row["articles"])
        )
    console.print(table)
    for name, path in result["files"].items():
        console.print(cell((f"{name}:", "dim"), f" {path}"))


@app.command("from-corpus")
def from_corpus_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The archive to write (.jsonl).")],
    articles: Annotated[
        int | None, typer.Option(help="Rows to write, cycling through the corpus (copies get ids ending ~2, ~3...).")
    ] = None,
) -> None:
    """Write the project's corpus as an archive (id, text, date, outlet, title, url): to try or benchmark `run`."""
    from stance.archive.from_corpus import write_corpus_archive

    count = write_corpus_archive(get_root(ctx), out, articles=articles)
    err_console.print(cell(f"{count} articles -> {out}"))
