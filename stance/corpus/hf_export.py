"""The labelled corpus as a Hugging Face dataset on disk, with its card.

``stance export dataset DIR`` is how a researcher takes the corpus away: one
folder that ``datasets.load_from_disk`` opens (``save_to_disk``), that
``load_dataset("parquet", data_files=...)`` opens (``data/<split>.parquet``)
and that ``load_dataset(DIR)`` opens through the card's ``configs`` header.
Splits never cut an article: its sentences share speakers and wording, so a
model tested on an article it half saw in training scores too well. The
default is one ``train`` split with a grouped ``fold`` column (the K-fold a
researcher cross-validates with); ``--test``/``--train`` take the same article
sets as ``stance evaluate`` for a fixed held-out split.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from stance.corpus.articles import load_articles
from stance.corpus.dataset import labelled_rows
from stance.errors import StanceError
from stance.paths import Root
from stance.schema import STANCES

#: Column order of every split (``fold`` only with ``folds``).
FIELDS: tuple[str, ...] = (
    "sent_id",
    "article",
    "collection",
    "index",
    "paragraph",
    "text",
    "context",
    "speaker",
    "speaker_type",
    "stance",
    "title",
    "publication",
    "date",
)

#: ``--split-by collection``: the batch nobody tuned on is the test set.
COLLECTION_TEST = "collection:corpus-more"


def dataset_rows(root: Root) -> list[dict[str, Any]]:
    """Every labelled sentence with its article's collection, title, publication and date."""
    articles = {article.id: article for article in load_articles(root)}
    rows = []
    for row in labelled_rows(root):
        article = articles.get(row["article"])
        rows.append(
            {
                **{name: row.get(name) for name in FIELDS},
                "collection": (article.collection if article else None) or "user",
                "title": article.title if article else None,
                "publication": article.publication if article else None,
                "date": article.date if article else None,
            }
        )
    return rows


def assign_splits(
    rows: list[dict[str, Any]],
    collection_of: dict[str, str],
    *,
    train: str | None = None,
    test: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """``{"train": rows}``, or train/test by article sets (``collection:A,B`` / ``article:ID``)."""
    if train is None and test is None:
        return {"train": rows}
    from stance.evaluation.splits import article_split

    split = article_split([row["article"] for row in rows], collection_of, train=train, test=test)
    return {"train": [rows[i] for i in split.fold.train], "test": [rows[i] for i in split.fold.test]}


def add_folds(rows: list[dict[str, Any]], *, k: int, seed: int) -> None:
    """Give each row a ``fold`` (0..k-1): stratified K-fold grouped by article, as ``stance evaluate --cv kfold:K``."""
    from stance.evaluation.splits import kfold

    folds, grouped = kfold([row["stance"] for row in rows], [row["article"] for row in rows], k=k, seed=seed)
    if not grouped:
        articles = len({row["article"] for row in rows})
        raise StanceError(f"{k} folds need at least {k} labelled articles, found {articles}", field="--folds")
    for number, fold in enumerate(folds):
        for i in fold.test:
            rows[i]["fold"] = number


def to_dataset_dict(splits: dict[str, list[dict[str, Any]]], *, with_fold: bool) -> Any:
    """A ``datasets.DatasetDict`` with ``stance`` as a ClassLabel (names in ``STANCES`` order)."""
    import datasets

    string, integer = datasets.Value("string"), datasets.Value("int64")
    spec = {name: integer if name in ("index", "paragraph") else string for name in FIELDS}
    spec["stance"] = datasets.ClassLabel(names=list(STANCES))
    if with_fold:
        spec["fold"] = integer
    features = datasets.Features(spec)
    return datasets.DatasetDict(
        {
            name: datasets.Dataset.from_dict(
                {column: [row.get(column) for row in rows] for column in features}, features=features
            )
            for name, rows in splits.items()
        }
    )


def _check_target(out: Path, *, force: bool) -> None:
    """DIR must be a new or empty folder, or ``force`` replaces an earlier export (and nothing else).

    ``--force`` removes the old folder whole, so it is refused on a folder
    that is not an export (no ``dataset_dict.json``): a mistyped ``.`` or
    project root must never be wiped.
    """
    if out.exists() and not out.is_dir():
        raise StanceError("is a file; give a folder to write the dataset into", path=out)
    if not out.is_dir() or not any(out.iterdir()):
        return
    if not force:
        raise StanceError("folder is not empty; use --force to replace an earlier export", path=out)
    if not (out / "dataset_dict.json").is_file():
        raise StanceError(
            "folder is not empty and is not an earlier `stance export dataset` (no dataset_dict.json); "
            "refusing to replace it",
            path=out,
        )


def _write(dataset: Any, folder: Path, card: str) -> None:
    """save_to_disk, one Parquet file per split and the card, without progress bars (the CLI prints one line)."""
    import datasets

    bars = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        dataset.save_to_disk(str(folder))
        (folder / "data").mkdir()
        for name, split in dataset.items():
            split.to_parquet(str(folder / "data" / f"{name}.parquet"))
        (folder / "README.md").write_text(card, encoding="utf-8")
    finally:
        if bars:
            datasets.enable_progress_bars()


def export_dataset(
    root: Root,
    out: str | Path,
    *,
    train: str | None = None,
    test: str | None = None,
    folds: int = 5,
    seed: int = 0,
    force: bool = False,
) -> dict[str, Any]:
    """Write the labelled corpus to ``out``: save_to_disk files, ``data/<split>.parquet`` and README.md.

    Everything is written into a sibling temporary folder first and renamed
    into place, so an interrupted export never leaves half a dataset where a
    good one was. Returns the counts the card states.
    """
    from stance.corpus.dataset_card import render_card

    out = Path(out)
    _check_target(out, force=force)
    rows = dataset_rows(root)
    if not rows:
        raise StanceError("no labelled sentence to export (label some with `stance annotate`)", path=root.gold_file)
    articles = load_articles(root)
    collection_of = {article.id: article.collection or "user" for article in articles}
    splits = assign_splits(rows, collection_of, train=train, test=test)
    if folds:
        if folds < 2:
            raise StanceError(f"{folds}: give at least 2 folds, or 0 for no fold column", field="--folds")
        add_folds(splits["train"], k=folds, seed=seed)
    dataset = to_dataset_dict(splits, with_fold=bool(folds))
    summary = summarise(splits, articles, train=train, test=test, folds=folds, seed=seed)
    for name, split in dataset.items():  # the Hub's card schema wants each split's size in bytes
        summary["splits"][name]["bytes"] = int(split.data.nbytes)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; the export is meant to be shared
        _write(dataset, tmp, render_card(summary, dataset["train"].features))
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {"out": str(out), "files": sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()), **summary}


def summarise(
    splits: dict[str, list[dict[str, Any]]],
    articles: list[Any],
    *,
    train: str | None,
    test: str | None,
    folds: int,
    seed: int,
) -> dict[str, Any]:
    """Counts per split, per collection and per stance, and each collection's publications and dates."""
    labelled = {row["article"] for rows in splits.values() for row in rows}
    per_split = {
        name: {
            "sentences": len(rows),
            "articles": len({row["article"] for row in rows}),
            "stance": {s: sum(row["stance"] == s for row in rows) for s in STANCES},
        }
        for name, rows in splits.items()
    }
    per_collection: dict[str, dict[str, Any]] = {}
    for article in articles:
        if article.id not in labelled:
            continue
        entry = per_collection.setdefault(
            article.collection or "user",
            {"articles": 0, "sentences": 0, "stance": dict.fromkeys(STANCES, 0)}
            | {"publications": Counter(), "dates": []},
        )
        entry["articles"] += 1
        entry["publications"][article.publication or "unknown"] += 1
        if article.date:
            entry["dates"].append(article.date)
    for rows in splits.values():
        for row in rows:
            entry = per_collection[row["collection"]]
            entry["sentences"] += 1
            entry["stance"][row["stance"]] += 1
    for entry in per_collection.values():
        dates = sorted(entry.pop("dates"))
        entry["dates"] = [dates[0], dates[-1]] if dates else None
        entry["publications"] = dict(sorted(entry["publications"].items(), key=lambda kv: (-kv[1], kv[0])))
    return {
        "sentences": sum(len(rows) for rows in splits.values()),
        "articles": len(labelled),
        "splits": per_split,
        "collections": per_collection,
        "split_spec": None if train is None and test is None else {"train": train, "test": test},
        "folds": folds,
        "seed": seed,
    }
