"""``stance benchmark tweeteval``: our models on SemEval-2016 Task 6 via TweetEval."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from stance.cli._common import console, err_console, get_root, new_app, print_table
from stance.errors import StanceError
from stance.richtext import cell

app = new_app("Public benchmarks: compare our models with published numbers.")

#: Where the shared copy of TweetEval's stance data lives, relative to the project root.
DEFAULT_DATA = Path("..") / "shared" / "data" / "tweeteval-stance"


def _parse_sets(pairs: list[str]) -> dict[str, dict[str, Any]]:
    from stance.cli.evaluate import _parse_sets as parse

    return parse(pairs)


@app.command("tweeteval")
def tweeteval_cmd(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="TweetEval stance folder (or train/val/test files for --format semeval|generic)."),
    ] = None,
    models: Annotated[str, typer.Option("--models", "-m", help="Comma-separated registry names.")] = "tfidf",
    data_format: Annotated[
        str, typer.Option("--format", help="tweeteval, semeval (Tweet/Target/Stance) or generic.")
    ] = "tweeteval",
    text_col: Annotated[str, typer.Option("--text-col", help="generic: the text column.")] = "text",
    label_col: Annotated[str, typer.Option("--label-col", help="generic: the label column.")] = "label",
    target_col: Annotated[str | None, typer.Option("--target-col", help="generic: one model per value.")] = None,
    label_map: Annotated[
        str | None, typer.Option("--label-map", help="generic: e.g. against=anti,favor=pro,none=neutral.")
    ] = None,
    tune: Annotated[
        list[str] | None, typer.Option("--tune", help="Grid searched on val, MODEL.key=v1,v2 (repeatable).")
    ] = None,
    no_tune: Annotated[bool, typer.Option("--no-tune", help="Train the configs as they are.")] = False,
    overrides: Annotated[list[str] | None, typer.Option("--set", help="Config override MODEL.key=value.")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Write report.json and predictions/ here.")] = None,
) -> None:
    """One model per target, trained on train (tuned on val with --tune), scored on every test tweet."""
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from stance.evaluation.tweeteval import benchmark as bench
    from stance.evaluation.tweeteval.tables import results_table, targets_table
    from stance.io.jsonl import atomic_write_text

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    root = get_root(ctx)
    if data is None:
        data = (root.path / DEFAULT_DATA).resolve()
        if not data.is_dir():
            raise StanceError(f"no --data given and the default {data} does not exist", field="--data")
    if data_format == "tweeteval":
        splits = bench.load_tweeteval(data)
    elif data_format in ("semeval", "generic"):
        splits = bench.load_table_benchmark(
            data, layout=data_format, text_col=text_col, label_col=label_col, target_col=target_col, label_map=label_map
        )
    else:
        raise StanceError(f"{data_format!r}: expected tweeteval, semeval or generic", field="--format")
    names = [m.strip() for m in models.split(",") if m.strip()]
    configs, config_files = bench.resolve_configs(names, root=root, overrides=_parse_sets(overrides or []))
    grids = {} if no_tune else (bench.parse_tune(tune) if tune else None)

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("targets", total=None)
        result = bench.run_benchmark(
            splits,
            names,
            configs=configs,
            grids=grids,
            seed=seed,
            progress=lambda done, total, text: bar.update(task, completed=done, total=total, description=text),
        )
    result["data"] = str(data)
    result["config_files"] = config_files
    print_table(results_table(result))
    print_table(targets_table(result))
    if out is not None:
        atomic_write_text(out / "report.json", json.dumps(bench.to_json(result), indent=2, ensure_ascii=False) + "\n")
        bench.write_predictions(result, out)
        console.print(cell(f"Report and TweetEval-layout predictions written to {out}"))
