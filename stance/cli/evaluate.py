"""``stance evaluate`` and ``stance errors``: thin wrappers over the evaluation protocol and its report."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stance.cli._common import (
    STANCE_STYLE,
    FormatOpt,
    console,
    err_console,
    get_root,
    list_format,
    print_json,
    print_table,
    print_tsv,
)
from stance.errors import StanceError
from stance.richtext import cell

if TYPE_CHECKING:
    from stance.evaluation.protocol import ProgressEvent
    from stance.evaluation.results import EvaluationResult


def _parse_sets(pairs: list[str]) -> dict[str, dict[str, Any]]:
    """``["transformer.epochs=2"]`` -> ``{"transformer": {"epochs": 2}}``."""
    from stance.models.registry import parse_overrides

    result: dict[str, dict[str, Any]] = {}
    for pair in pairs:
        name, dot, rest = pair.partition(".")
        if not dot or not name or "=" not in rest:
            raise StanceError(f"expected MODEL.key=value, got {pair!r}", field="--set")
        result.setdefault(name, {}).update(parse_overrides([rest]))
    return result


def evaluate_cmd(
    ctx: typer.Context,
    models: Annotated[
        str | None,
        typer.Option("--models", "-m", help="Comma-separated registry names or saved run directories [default: all]."),
    ] = None,
    cv: Annotated[
        str | None,
        typer.Option(
            "--cv",
            help="kfold:K (stratified K-fold grouped by article) or article (leave one article out). "
            "Default: kfold:5, 5 trainings per model (see the README for why 5).",
        ),
    ] = None,
    seeds: Annotated[int, typer.Option("--seeds", help="Train each learned model with N seeds; mean ± sd.")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Base seed for models, folds and the bootstrap.")] = 0,
    bootstrap: Annotated[int, typer.Option("--bootstrap", help="Bootstrap / permutation resamples.")] = 1000,
    bootstrap_unit: Annotated[
        str, typer.Option("--bootstrap-unit", help="sentence, or article (cluster bootstrap).")
    ] = "sentence",
    train: Annotated[
        str | None,
        typer.Option(
            "--train",
            help="Train only on these articles: collection:NAME[,NAME] or article:ID[,ID] "
            "(with an article --test, default: every other labelled article).",
        ),
    ] = None,
    test: Annotated[
        str | None,
        typer.Option(
            "--test",
            help="Test on these articles instead of cross-validating (collection:NAME[,NAME] or article:ID[,ID]; "
            "training defaults to every other labelled article), or on a labelled JSONL/CSV file "
            "(text, stance, optional speaker).",
        ),
    ] = None,
    label_map: Annotated[
        str | None, typer.Option("--label-map", help="For --test: e.g. against=anti,favor=pro,none=neutral.")
    ] = None,
    origin: Annotated[str, typer.Option("--origin", help="Articles to use: all, source or added.")] = "all",
    out: Annotated[Path | None, typer.Option("--out", help="Report folder [default: reports/<date-time>/].")] = None,
    learning_curve: Annotated[
        bool,
        typer.Option(
            "--learning-curve", help="Also retrain on 25/50/75% of each fold's training articles (whole articles)."
        ),
    ] = False,
    overrides: Annotated[
        list[str] | None, typer.Option("--set", help="Config override MODEL.key=value (repeatable).")
    ] = None,
    speaker_ablation: Annotated[
        bool,
        typer.Option(
            "--speaker-ablation",
            help="Also cross-validate each model text only, with gold speakers, and with the finder's at test time.",
        ),
    ] = False,
) -> None:
    """Cross-validate every model on the labelled corpus, or train on some articles and test on others, and report.

    Train on one set of articles and test on another with --train/--test, e.g.
    --train collection:seed,corpus-extra --test collection:corpus-more, or
    --test article:ID,ID (trains on every other labelled article). --test FILE
    scores a labelled file with models trained on the corpus (or on --train).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from stance.corpus.articles import article_collections
    from stance.corpus.dataset import labelled_rows
    from stance.evaluation.protocol import DEFAULT_CV, DEFAULT_K, evaluate, resolve_models
    from stance.evaluation.report import (
        ablation_table,
        comparisons_table,
        duration,
        progress_line,
        scores_table,
        write_report,
    )
    from stance.evaluation.splits import ARTICLE_SET_KINDS, article_split, parse_cv, rows_of_articles
    from stance.evaluation.tweeteval.readers import parse_label_map, read_table
    from stance.schema import ORIGINS

    # transformers reports every freshly initialised head; once per fold is noise.
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    root = get_root(ctx)
    if origin not in ("all", *ORIGINS):
        raise StanceError(f"{origin!r}: expected all, {', '.join(ORIGINS)}", field="--origin")
    test_set = test if test and test.partition(":")[0] in ARTICLE_SET_KINDS else None
    test_file = Path(test) if test and test_set is None else None
    if cv is not None and (train or test):
        raise StanceError("cross-validation and --train/--test are different protocols; drop one", field="--cv")
    cv_name, k = parse_cv(cv or f"{DEFAULT_CV}:{DEFAULT_K}")
    specs = resolve_models(
        [m.strip() for m in models.split(",") if m.strip()] if models else None,
        root=root,
        overrides=_parse_sets(overrides or []),
    )
    rows = labelled_rows(root, origin=None if origin == "all" else origin)
    split = None
    if train or test_set:
        collection_of = article_collections(root)
        if test_file is None:
            split = article_split([row["article"] for row in rows], collection_of, train=train, test=test_set)
        else:
            rows = [dict(row) for row in rows_of_articles(rows, collection_of, train or "", option="--train")]
    test_rows = read_table(test_file, label_map=parse_label_map(label_map)) if test_file else None
    if speaker_ablation and test_file:
        raise StanceError("cross-validates the corpus; drop --test", field="--speaker-ablation")
    # Speaker-aware models are tested with the finder's speakers, as a user's new article would be.
    test_speakers = None
    if rows and not test_file:
        from stance.speakers.records import with_finder_speakers

        test_speakers = with_finder_speakers(root, rows)
    finder_rows = test_speakers if speaker_ablation else None
    out_dir = out or root.reports / dt.datetime.now().strftime("%Y%m%d-%H%M%S")

    def run(progress: Callable[[ProgressEvent], None]) -> EvaluationResult:
        return evaluate(
            rows,
            specs,
            cv=cv_name,
            k=k,
            seeds=seeds,
            seed=seed,
            n_bootstrap=bootstrap,
            bootstrap_unit=bootstrap_unit,
            test_rows=test_rows,
            test_file=str(test_file) if test_file else None,
            learning_curve=learning_curve,
            progress=progress,
            extra_protocol={"origin": origin},
            finder_rows=finder_rows,
            split=split,
            test_speakers=test_speakers,
        )

    if err_console.is_terminal:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[eta]}"),
            console=err_console,
            transient=True,
        ) as bar:
            task = bar.add_task("training", total=None, eta="")

            def show(event: ProgressEvent) -> None:
                eta = "" if event.eta is None else f"ETA {duration(event.eta)}"
                bar.update(task, completed=event.done, total=event.total, description=event.label, eta=eta)

            result = run(show)
    else:
        # A log (`stance evaluate > log 2>&1`): one plain line per finished training,
        # and a heartbeat line whenever a training runs for more than a minute.
        from stance.cli._heartbeat import Heartbeat

        def log(line: str) -> None:
            print(line, file=sys.stderr, flush=True)

        with Heartbeat(log) as heartbeat:

            def line(event: ProgressEvent) -> None:
                log(progress_line(event))
                heartbeat.wrote(event.label)

            result = run(line)
    write_report(result, out_dir)
    print_table(scores_table(result))
    if result.comparisons:
        print_table(comparisons_table(result))
    if result.speaker_ablation:
        print_table(ablation_table(result))
    for warning in result.warnings:
        err_console.print(cell(("warning:", "yellow"), f" {warning}"), soft_wrap=True)
    console.print(cell(f"Report written to {out_dir} ({result.seconds:.0f} s)"))


def errors_cmd(
    report_dir: Annotated[Path, typer.Argument(help="A folder written by `stance evaluate`.")],
    model: Annotated[str | None, typer.Option("--model", "-m", help="Only this model's errors.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most N errors (0: all).")] = 0,
    fmt: FormatOpt = None,
) -> None:
    """List misclassified sentences, most confident first: speaker, gold, prediction, previous sentence."""
    from rich.table import Table

    from stance.evaluation.mistakes import misclassified

    fmt = list_format(fmt)
    errors = misclassified(report_dir, model=model)
    shown = errors[:limit] if limit else errors
    if fmt == "json":
        print_json(shown)
        return
    if fmt == "tsv":
        print_tsv(shown, ["model", "sent_id", "speaker", "gold", "predicted", "confidence", "text", "context"])
        return
    title = f"{len(errors)} misclassified sentences" + (f" (the {len(shown)} most confident)" if limit else "")
    if console.is_terminal and console.width < 140:
        # A narrow terminal: one block per error, so the sentence gets the whole width.
        table = Table(title=title, show_lines=True, show_header=False)
        table.add_column("error", ratio=1)
        for e in shown:
            gold_style = STANCE_STYLE.get(e["gold"]) or ""
            predicted_style = STANCE_STYLE.get(e["predicted"]) or ""
            context = ("\n", (f"({e['context']})", "dim")) if e["context"] else ()
            table.add_row(
                cell(
                    (str(e["sent_id"]), "bold"),
                    f"  {e['speaker'] or ''}  gold ",
                    (str(e["gold"]), gold_style),
                    f", {e['model']} said ",
                    (str(e["predicted"]), predicted_style),
                    f" ({e['confidence']:.2f})\n",
                    e["text"],
                    *context,
                )
            )
        print_table(table)
        return
    table = Table(title=title, show_lines=True)
    for column in ("model", "sent_id", "speaker", "gold", "predicted", "conf."):
        table.add_column(column, no_wrap=column != "speaker")
    table.add_column("sentence (previous sentence)", ratio=1, min_width=40)
    for e in shown:
        context = ("\n", (f"({e['context']})", "dim")) if e["context"] else ()
        table.add_row(
            cell(e["model"]),
            cell(str(e["sent_id"])),
            cell(e["speaker"] or ""),
            cell(e["gold"], style=STANCE_STYLE.get(e["gold"]) or ""),
            cell(e["predicted"], style=STANCE_STYLE.get(e["predicted"]) or ""),
            cell(f"{e['confidence']:.2f}"),
            cell(e["text"], *context),
        )
    print_table(table)
