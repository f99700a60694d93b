"""Predict the stance of sentences with a saved model, streamed in chunks.

Input comes from command-line texts, a .txt/.jsonl/.csv file (see
:mod:`stance.io.rows`) or a whole new article split with the corpus splitter.
Rows are read and predicted a chunk at a time, so memory stays bounded on a
large file; within a chunk the transformer groups rows of similar token
length into each batch (padding each only to its longest row), and results
go out in input order. Every input field is passed through; ``stance`` and
one ``p_<stance>`` probability per class are added.

A saved transformer runs on one of two engines (:func:`load_predictor`):
PyTorch, or the same float32 weights exported to ONNX Runtime, which on a
CPU is faster and needs no torch import once the export is cached.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from stance.errors import StanceError
from stance.io.rows import iter_records
from stance.models.base import Predictor
from stance.models.common import labels_from_proba
from stance.schema import STANCES

OUTPUT_FORMATS = ("jsonl", "csv", "table")
PROBA_COLUMNS = tuple(f"p_{stance}" for stance in STANCES)
CHUNK = 2048  # rows batched together: a wide window makes batches of near-equal length (little padding)
ENGINES = ("auto", "torch", "onnx")


def text_records(texts: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Sentences given on the command line, blank ones refused."""
    for number, text in enumerate(texts):
        if not text.strip():
            raise StanceError(f"sentence #{number} (counting from 0, as the table does) is empty", field="TEXT")
        yield {"text": text.strip()}


def file_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of a .txt, .jsonl or .csv file, streamed."""
    for _, record in iter_records(path):
        yield record


def find_speakers_or_none() -> Callable[..., list[Any]] | None:
    """The speaker finder if this install has it, else ``None`` (prediction then goes without speakers)."""
    try:
        from stance.speakers import find_speakers
    except ImportError:
        return None
    return find_speakers


def article_records(path: str | Path) -> list[dict[str, Any]]:
    """A new article split like the corpus, with context and (when available) the speaker of each sentence."""
    from stance.corpus.articles import make_sentences, read_text_file
    from stance.corpus.splitter import parse_header

    path = Path(path)
    raw = read_text_file(path)
    sentences = make_sentences(path.stem, raw)
    if not sentences:
        raise StanceError("no sentences found in the article", path=path)
    records = [
        {
            "index": s.index,
            "paragraph": s.paragraph,
            "text": s.text,
            "context": sentences[s.index - 1].text if s.index > 0 else "",
        }
        for s in sentences
    ]
    finder = find_speakers_or_none()
    if finder is not None:
        header, _ = parse_header(raw)
        for record, attribution in zip(records, finder(sentences, title=header.get("title")), strict=True):
            record["speaker"] = attribution.speaker
            record["speaker_type"] = attribution.speaker_type
    return records


def uses_speaker(model: Predictor) -> bool:
    """Whether the model was trained with the speaker in its input."""
    return bool(getattr(model, "config", {}).get("use_speaker", False))


def _has_speaker(record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("speaker"), str) and bool(record["speaker"].strip())


def _with_finder(group: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One article's rows (in order) with the finder's speaker where the row has none, and the previous sentence."""
    from stance.schema import Sentence

    finder = find_speakers_or_none()
    sentences = []
    for number, record in enumerate(group):
        paragraph = record.get("paragraph")
        paragraph = paragraph if isinstance(paragraph, int) else number
        sentences.append(
            Sentence(f"input:{number}", str(record.get("article")), number, paragraph, 0, 0, record["text"])
        )
    found = finder(sentences) if finder is not None else [None] * len(group)
    out = []
    for number, (record, attribution) in enumerate(zip(group, found, strict=True)):
        record = dict(record)
        if not _has_speaker(record) and attribution is not None:
            record["speaker"] = attribution.speaker
            record["speaker_type"] = attribution.speaker_type
            record["speaker_source"] = "finder"
        if "context" not in record:
            record["context"] = group[number - 1]["text"] if number else ""
        out.append(record)
    return out


def fill_speakers(records: Iterable[dict[str, Any]], on_missing: Callable[[str], None]) -> Iterator[dict[str, Any]]:
    """Give each record a speaker for a speaker-aware model: its own, else the finder's, else none.

    A record's ``speaker`` field wins. Records that carry an ``article`` (and
    ideally ``paragraph``) are read an article at a time, in input order, and
    the finder attributes those without a speaker, as for ``--article``.
    Anything else is predicted from its text alone; ``on_missing`` is called
    once with a one-line explanation, so a user knows the model runs below
    what it was measured at.
    """
    group: list[dict[str, Any]] = []
    warned = False

    def flush() -> Iterator[dict[str, Any]]:
        if any(not _has_speaker(r) for r in group):
            yield from _with_finder(group)
        else:
            yield from group
        group.clear()

    for record in records:
        article = record.get("article")
        if article and isinstance(record.get("text"), str):
            if group and group[0].get("article") != article:
                yield from flush()
            group.append(record)
            continue
        yield from flush()
        if not _has_speaker(record) and not warned:
            warned = True
            on_missing(
                "the model uses the speaker, but some rows have no 'speaker' field and no 'article' context for "
                "the speaker finder; those are predicted from their text alone"
            )
        yield record
    yield from flush()


def _chunks(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def predict_records(
    model: Predictor,
    records: Iterable[dict[str, Any]],
    *,
    chunk_size: int = CHUNK,
    on_progress: Callable[[int], None] | None = None,
    min_confidence: float | None = None,
    on_missing_speaker: Callable[[str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield each record with ``stance`` and ``p_<stance>`` added, in input order.

    A field ``stance`` already in the input (e.g. a labelled file) is kept
    as ``input_stance`` so predicting never hides what a person labelled.
    A speaker-aware model gets each row's speaker from :func:`fill_speakers`.
    With ``min_confidence`` every record gets ``uncertain``: its top
    probability is below it (the stance stays the most probable one, so a
    reader can still see what the model leans to).
    """
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise StanceError(f"{min_confidence}: expected a probability between 0 and 1", field="--min-confidence")
    if uses_speaker(model):
        records = fill_speakers(records, on_missing_speaker or _warn_missing)
    for chunk in _chunks(records, chunk_size):
        proba = model.predict_proba(chunk)
        for source, scores, label in zip(chunk, proba, labels_from_proba(proba), strict=True):
            record = dict(source)
            if "stance" in record and "input_stance" not in record:
                record["input_stance"] = record.pop("stance")
            record["stance"] = label
            for column, value in zip(PROBA_COLUMNS, scores, strict=True):
                record[column] = round(float(value), 6)
            if min_confidence is not None:
                record["uncertain"] = bool(float(scores.max()) < min_confidence)
            yield record
        if on_progress is not None:
            on_progress(len(chunk))


def _warn_missing(message: str) -> None:
    import warnings

    from stance.errors import StanceWarning

    warnings.warn(StanceWarning(message), stacklevel=3)


def gpu_visible() -> bool:
    """An NVIDIA GPU is there, judged without importing torch (which costs seconds on every start)."""
    import shutil

    return Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None


def load_predictor(
    model_dir: str | Path, *, engine: str = "auto", fast: bool = False, fast_margin: float | None = None
) -> Predictor:
    """The saved model in ``model_dir``, ready to predict, on the engine asked for.

    ``auto`` runs a transformer through ONNX Runtime in float32 when it would
    run on a CPU anyway (1.3x faster than PyTorch on 5,000 tweets, whole processes,
    identical labels), and through PyTorch when the model's configured
    device is a GPU or an NVIDIA GPU is visible. If the ONNX export fails (an
    architecture torch's exporter can't trace), ``auto`` falls back to
    PyTorch with a warning, while an explicit ``onnx`` fails, as it does for
    a model that is not a transformer. ``fast`` is int8 ONNX Runtime with
    float32 re-scoring of rows closer than ``fast_margin`` to a tie (see
    :func:`stance.models.onnx_engine.load_fast`).
    """
    import warnings

    from stance.errors import StanceWarning
    from stance.models.common import read_marker
    from stance.models.registry import load_model

    if engine not in ENGINES:
        raise StanceError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}", field="--engine")
    marker = read_marker(Path(model_dir))
    if fast:
        if engine == "torch":
            raise StanceError("--fast runs on ONNX Runtime; drop --engine torch", field="--engine")
        from stance.models.onnx_engine import RECHECK_MARGIN, load_fast

        try:
            return load_fast(model_dir, recheck_margin=RECHECK_MARGIN if fast_margin is None else fast_margin)
        except StanceError:
            raise
        except Exception as exc:  # noqa: BLE001 - as below, but --fast asked for ONNX: no fallback
            raise StanceError(f"ONNX export failed: {_first_line(exc)}", path=model_dir) from None
    if fast_margin is not None:
        raise StanceError("--fast-margin applies to --fast only", field="--fast-margin")
    if engine == "torch" or (marker["model"] != "transformer" and engine == "auto"):
        return load_model(model_dir)
    if engine == "auto":
        device = str(marker.get("config", {}).get("device", "auto"))
        if device not in ("auto", "cpu") or (device == "auto" and gpu_visible()):
            return load_model(model_dir)
    from stance.models.onnx_engine import load_onnx

    try:
        return load_onnx(model_dir, "float32")
    except StanceError:
        raise
    except Exception as exc:  # noqa: BLE001 - torch's exporter fails in many ways; say which and fall back
        reason = _first_line(exc)
        if engine == "onnx":
            raise StanceError(f"ONNX export failed: {reason}", path=model_dir) from None
        warnings.warn(
            StanceWarning(f"ONNX export failed ({reason}); predicting with PyTorch", path=model_dir), stacklevel=2
        )
        return load_model(model_dir)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class JsonlWriter:
    """One JSON object per line."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle

    def write(self, record: Mapping[str, Any]) -> None:
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")


#: First characters that make a spreadsheet read a cell as a formula (and tab/CR, which some strip first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (``=HYPERLINK(...)``), prefixed with ``'`` to stay text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvWriter:
    """CSV with the first record's fields as the header (later extra fields are dropped).

    With ``safe`` (the default) a text cell starting with ``= + - @`` gets a
    leading ``'`` (see :func:`neutralise`): the output is made for
    spreadsheets, and predict input is text from anywhere.
    """

    def __init__(self, handle: IO[str], *, safe: bool = True) -> None:
        self.handle = handle
        self.safe = safe
        self.writer: csv.DictWriter | None = None

    def write(self, record: Mapping[str, Any]) -> None:
        if self.writer is None:
            fields = [k for k in record if k not in ("stance", *PROBA_COLUMNS)] + ["stance", *PROBA_COLUMNS]
            self.writer = csv.DictWriter(self.handle, fieldnames=fields, extrasaction="ignore")
            self.writer.writeheader()
        clean = neutralise if self.safe else (lambda value: value)
        self.writer.writerow({k: ("" if v is None else clean(v)) for k, v in record.items()})


def write_records(records: Iterable[Mapping[str, Any]], handle: IO[str], fmt: str, *, csv_safe: bool = True) -> int:
    """Stream ``records`` to ``handle`` as jsonl or csv; return how many."""
    if fmt not in ("jsonl", "csv"):
        raise StanceError(f"unknown format {fmt!r}; allowed: {', '.join(OUTPUT_FORMATS)}", field="--format")
    writer: JsonlWriter | CsvWriter = JsonlWriter(handle) if fmt == "jsonl" else CsvWriter(handle, safe=csv_safe)
    count = 0
    for record in records:
        writer.write(record)
        count += 1
    return count


def write_file(records: Iterable[Mapping[str, Any]], path: str | Path, fmt: str, *, csv_safe: bool = True) -> int:
    """Stream ``records`` into ``path`` through a temporary file renamed at the end.

    A crash or an error mid-way (a bad line 90,000 lines in) leaves no half
    file behind, and an empty result leaves ``path`` untouched. A target
    that is not a regular file (``/dev/null``, a FIFO) is written through
    (see :func:`stance.jsonl.replacing`).
    """
    from stance.io.jsonl import Discard, replacing

    count = 0
    with replacing(path, newline="") as handle:
        count = write_records(records, handle, fmt, csv_safe=csv_safe)
        if not count:
            raise Discard
    return count


def to_text(records: Iterable[Mapping[str, Any]], fmt: str) -> str:
    """Render records in ``fmt`` as one string (small outputs, tests)."""
    buffer = io.StringIO()
    write_records(records, buffer, fmt)
    return buffer.getvalue()
