"""Re-derive the sentence table without ever attaching a label to another sentence.

:func:`~stance.corpus.articles.split_corpus` finds which labelled sentences a
re-split would change (stale labels) and refuses to write then. This module
decides what happens to them: ``check`` only compares, the default refuses,
and ``force`` moves stale gold labels to ``annotations/stale.jsonl`` (with
the old text) and writes the new table. Annotator histories are append-only,
so a stale label held in one stops ``force`` too: nothing is written.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

from stance.corpus.articles import SplitResult, corpus_lock, load_sentences, split_corpus
from stance.corpus.gold import load_gold, write_labels
from stance.errors import StanceError
from stance.io.jsonl import append_jsonl
from stance.paths import Root
from stance.schema import Label

#: Where ``--force`` keeps the gold labels it moved aside.
STALE_FILE = "stale.jsonl"


@dataclass
class Resplit:
    """What :func:`resplit` found and did."""

    result: SplitResult
    stale: list[dict[str, str | None]] = field(default_factory=list)
    moved: int = 0
    #: Why nothing was written, if so: raised by the caller after showing ``stale``.
    refused: StanceError | None = None


def annotator_labelled_ids(root: Root) -> dict[str, list[str]]:
    """Sentence ids labelled in any annotator history, with who labelled them."""
    from stance.annotate.store import load_annotators

    held: dict[str, list[str]] = {}
    for name, labels in load_annotators(root).items():
        for sid in labels:
            held.setdefault(sid, []).append(name)
    return held


def resplit(root: Root, *, check: bool = False, force: bool = False) -> Resplit:
    """Re-split the corpus; with ``check`` only compare, with ``force`` move stale gold labels aside.

    Nothing is written, and ``refused`` holds the located error, when the
    committed table differs (``check``), when labels would go stale without
    ``force``, or when a stale label is in an annotator history; the caller
    shows the stale labels first, then raises it.
    """
    if check:
        return _resplit(root, check=True, force=False)
    from stance.annotate.store import gold_lock

    # The corpus lock keeps a concurrent `corpus add` out; --force rewrites
    # gold.jsonl, so it also holds the lock `adjudicate` holds while deciding.
    with corpus_lock(root), gold_lock(root) if force else nullcontext():
        return _resplit(root, check=False, force=force)


def _resplit(root: Root, *, check: bool, force: bool) -> Resplit:
    # Labels are checked against the current table (a label for a sentence
    # that does not exist is an error); with no table yet there is nothing to check.
    table = load_sentences(root, check=False)  # a half-added article is what a split repairs
    gold = load_gold(root, known_ids={s.sent_id for s in table} if table else None)
    held = annotator_labelled_ids(root)
    result = split_corpus(root, labelled_ids=set(gold) | set(held), write=not check)
    outcome = Resplit(result=result, stale=list(result.stale))
    try:
        _move_stale(root, outcome, gold=gold, held=held, check=check, force=force)
    except StanceError as exc:
        outcome.refused = exc
    return outcome


def _move_stale(
    root: Root, outcome: Resplit, *, gold: dict[str, Label], held: dict[str, list[str]], check: bool, force: bool
) -> None:
    result = outcome.result
    if check:
        if result.changed:
            raise StanceError(
                f"{len(result.changed)} sentence(s) differ from the splitter's output, e.g. {result.changed[0]}",
                path=root.sentences_file,
            )
        return
    if not result.stale:
        return
    if not force:
        raise StanceError(
            f"{len(result.stale)} label(s) would go stale; nothing written (use --force to move them to "
            f"annotations/{STALE_FILE})",
            path=root.sentences_file,
        )
    old_text = {str(item["sent_id"]): item["old_text"] for item in result.stale}
    in_histories = sorted(set(old_text) & set(held))
    if in_histories:
        names = sorted({name for sid in in_histories for name in held[sid]})
        raise StanceError(
            f"{len(in_histories)} stale label(s) are in annotator histories ({', '.join(names)}), e.g. "
            f"{in_histories[0]}; --force only moves gold labels, so nothing was written",
            path=root.annotators,
        )
    append_jsonl(
        root.annotations / STALE_FILE,
        [{**gold[sid].to_dict(), "old_text": old_text[sid]} for sid in sorted(old_text)],
    )
    write_labels(root.gold_file, [label for sid, label in gold.items() if sid not in old_text])
    outcome.moved = len(old_text)
    outcome.result = split_corpus(root, labelled_ids=set(), write=True)
