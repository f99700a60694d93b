"""Export the project's sentences to an annotation tool and import its labels back.

The format details live in :mod:`stance.annotate.formats`; this module joins
them with the project: which sentences, whose labels, which model's
predictions, and where imported labels go (the importing annotator's
history, appended under their session lock, like labels typed in a session).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stance.annotate.formats import export, read_labels
from stance.annotate.store import (
    annotator_lock,
    append_records,
    check_annotator,
    history_path,
    label_record,
    load_annotator,
)
from stance.annotate.suggest import model_probabilities
from stance.corpus.articles import load_articles, load_sentences
from stance.corpus.gold import load_gold
from stance.errors import StanceError
from stance.paths import Root
from stance.schema import Label


def export_project(
    root: Root,
    fmt: str,
    out: str | Path,
    *,
    annotator: str | None = None,
    article: str | None = None,
    model_dir: str | Path | None = None,
    with_labels: bool = True,
    labels_as: str = "predictions",
) -> dict[str, Any]:
    """Write the sentences with gold labels (or ``annotator``'s) and optional predictions.

    ``with_labels=False`` writes the sentences alone, for labelling from
    scratch (blind to gold). Returns the files written and how many
    sentences, labels and predictions they hold.
    """
    sentences = load_sentences(root)
    titles = {a.id: a.title for a in load_articles(root)}
    if article is not None and article not in titles:
        raise StanceError(
            f"Can't find article {article!r}. Available: {', '.join(titles) or 'none'}", field="--article"
        )
    known = {s.sent_id for s in sentences}
    if not with_labels and annotator is not None:
        raise StanceError("--annotator picks whose labels to export; drop it or --without-labels", field="--annotator")
    if not with_labels:
        labels = {}
    elif annotator is None:
        labels = load_gold(root, known_ids=known)
    else:
        if not history_path(root, annotator).exists():
            raise StanceError(f"annotator {annotator!r} has no labels yet", path=history_path(root, annotator))
        labels = load_annotator(root, annotator, known_ids=known)
    items: list[dict[str, Any]] = []
    previous: dict[str, str] = {}
    for sentence in sentences:
        context = previous.get(sentence.article, "")
        previous[sentence.article] = sentence.text
        if article is not None and sentence.article != article:
            continue
        items.append(
            {
                "sent_id": sentence.sent_id,
                "article": sentence.article,
                "title": titles.get(sentence.article, sentence.article),
                "text": sentence.text,
                "context": context,
                "label": labels.get(sentence.sent_id),
                "proba": None,
            }
        )
    if model_dir is not None:
        rows = [
            {"text": i["text"], "context": i["context"], "speaker": i["label"].speaker if i["label"] else "author"}
            for i in items
        ]
        for item, proba in zip(items, model_probabilities(model_dir, rows), strict=True):
            item["proba"] = proba
    version = Path(model_dir).name if model_dir else None
    files = export(fmt, items, out, model_version=version, labels_as=labels_as)
    return {
        "format": fmt,
        "files": [str(f) for f in files],
        "sentences": len(items),
        "labels": sum(i["label"] is not None for i in items),
        "predictions": sum(i["proba"] is not None for i in items),
    }


def import_file(
    root: Root, fmt: str, path: str | Path, *, annotator: str, on_disagreement: str = "refuse"
) -> dict[str, Any]:
    """Validate a tool's file completely, then append its new labels to ``annotator``'s history.

    A label equal to the annotator's current one for that sentence is not
    appended again, so importing the same export twice changes nothing.
    """
    check_annotator(annotator)
    known = {s.sent_id for s in load_sentences(root)}
    read = read_labels(fmt, path, annotator=annotator, known_ids=known, on_disagreement=on_disagreement)
    with annotator_lock(root, annotator):
        current = load_annotator(root, annotator, known_ids=known)
        new = []
        for label in read.labels:
            if not _same_label(current.get(label.sent_id), label):
                new.append(label)
                current[label.sent_id] = label
        written = append_records(root, annotator, [label_record(label) for label in new]) if new else 0
    return {
        "format": fmt,
        "file": str(path),
        "annotator": annotator,
        "imported": written,
        "unchanged": len(read.labels) - written,
        "without_label": read.without_label,
        "exported_unchanged": read.exported_unchanged,
        "disagreements_skipped": read.disagreements,
        "history": str(history_path(root, annotator)),
    }


def _same_label(old: Label | None, new: Label) -> bool:
    """Whether ``new`` says nothing ``old`` does not (provenance such as the source file aside)."""
    if old is None:
        return False
    fields = ("speaker", "speaker_type", "stance", "note")
    return all(getattr(old, name) == getattr(new, name) for name in fields)
