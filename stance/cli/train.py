"""``stance train MODEL``: train a registered model and save its run directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stance.cli._common import console, err_console, get_root, print_json
from stance.errors import StanceError
from stance.richtext import cell


def dir_size(path: Path) -> int:
    """Bytes on disk of every file under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def train_cmd(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="A registered model: see `stance models`.")],
    config: Annotated[
        Path | None, typer.Option("--config", help="A TOML file whose keys override models/MODEL.toml.")
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="KEY=VALUE", help="Override one config key: --set epochs=3 (repeatable)."),
    ] = None,
    base_model: Annotated[
        str | None, typer.Option("--base-model", help="Hub id or local folder to start from (transformer, embeddings).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Run directory [default: models/MODEL].")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Labelled .jsonl/.csv (text, stance, optional speaker) instead of gold."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run's meta.json.")] = False,
    cv: Annotated[
        str | None,
        typer.Option(
            "--cv",
            help="First cross-validate the config (kfold:K grouped by article, or article) and report that score "
            "in the model card; without it the card says the model was not cross-validated.",
        ),
    ] = None,
) -> None:
    """Train MODEL on the gold corpus (or --data) and save it with meta.json and a model card."""
    import json

    from stance.corpus.dataset import labelled_rows
    from stance.io.rows import read_labelled
    from stance.models import distributed, registry
    from stance.models.train import META, cross_validate, train_model

    root = get_root(ctx)
    overrides = registry.parse_overrides(sets or [])
    if base_model is not None:
        overrides["base_model"] = base_model
    resolved = registry.load_config(model, config, overrides, root=root)
    if data is not None:
        rows, source = read_labelled(data), str(data)
    else:
        rows, source = labelled_rows(root), "gold corpus"
        if not rows:
            raise StanceError("no gold labels yet; label sentences first or pass --data FILE", path=root.gold_file)
    run_dir = out or root.models / model
    rank, world = distributed.rank(), distributed.world_size()
    where = f"rank {rank}/{world}: " if world > 1 else ""
    err_console.print(cell(f"{where}training ", (model, "bold"), f" on {len(rows)} sentences ({source}) -> {run_dir}"))
    scores = None
    if cv is not None:
        test_speakers = None
        if data is None and resolved.get("use_speaker"):
            from stance.speakers.records import with_finder_speakers

            test_speakers = with_finder_speakers(root, rows)
        err_console.print(cell(f"{where}cross-validating ", (model, "bold"), f" ({cv}) first"))
        scores = cross_validate(model, rows, config=resolved, cv=cv, seed=seed, test_speakers=test_speakers)
        low, high = scores["ci"]["macro_f1"]
        err_console.print(cell(f"{where}cross-validated macro-F1 {scores['macro_f1']:.3f} [{low:.3f}, {high:.3f}]"))
    run_dir = train_model(
        model,
        rows,
        out_dir=run_dir,
        config=resolved,
        seed=seed,
        data_source=source,
        progress=True,
        cross_validation=scores,
    )
    if not distributed.is_main_process():
        err_console.print(cell(f"{where}done; rank 0 writes {run_dir}"))
        return
    meta = json.loads((run_dir / META).read_text(encoding="utf-8"))
    meta["size_bytes"] = dir_size(run_dir)
    if as_json:
        print_json(meta)
        return
    resub = meta["resubstitution"]
    console.print(
        cell(
            "saved ",
            (str(run_dir), "bold"),
            f" in {meta['wall_seconds']:.1f} s, {meta['size_bytes'] / 1e6:.2f} MB; "
            f"resubstitution accuracy {resub['accuracy']:.3f}, macro-F1 {resub['macro_f1']:.3f} "
            "(training data: a fit check, not a test score)",
        )
    )
