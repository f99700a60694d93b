"""Exchange with annotation tools: Label Studio, doccano, Prodigy and CSV.

Export writes the sentences (text, previous sentence, article title, sent_id)
with the labels of gold or of one annotator, and optionally a model's
predictions for pre-annotation. Import reads what the tool gives back,
validates every record first and only then returns labels, so a bad file is
reported as ``FILE:RECORD: field: problem`` and nothing of it is imported.
The sentence id travels in every format, which is what makes round trips
keep every label.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from stance.annotate import labelstudio
from stance.annotate.records import (
    DISAGREEMENT,
    EXPORTED,
    Record,
    first,
    load_jsonl,
    need_object,
    one_stance,
    read_text,
)
from stance.corpus.gold import validate_label
from stance.errors import StanceError
from stance.io.jsonl import atomic_write_text
from stance.schema import STANCES, Label

FORMATS = ("labelstudio", "doccano", "prodigy", "csv")
CSV_COLUMNS = (
    "sent_id",
    "article",
    "title",
    "text",
    "context",
    "speaker",
    "speaker_type",
    "stance",
    "annotator",
    "note",
    "prediction",
    *(f"p_{s}" for s in STANCES),
)

Item = dict[str, Any]  # sent_id, article, title, text, context, label (Label | None), proba (list | None)


def check_format(name: str) -> str:
    """Refuse an unknown format name, listing the known ones."""
    if name not in FORMATS:
        raise StanceError(f"Can't find format {name!r}. Available names: {', '.join(FORMATS)}")
    return name


# -- export ---------------------------------------------------------------------
def export(
    fmt: str,
    items: Sequence[Item],
    out: str | Path,
    *,
    model_version: str | None = None,
    labels_as: str = "predictions",
) -> list[Path]:
    """Write ``items`` in ``fmt`` to ``out`` (atomically); return the files written.

    ``labels_as`` says how Label Studio gets the labels we have (see
    :mod:`stance.annotate.labelstudio`); the other formats have one way only.
    """
    check_format(fmt)
    if labels_as not in labelstudio.LABELS_AS:
        raise StanceError(
            f"Can't find {labels_as!r}. Available names: {', '.join(labelstudio.LABELS_AS)}", field="--labels-as"
        )
    if labels_as != "predictions" and fmt != "labelstudio":
        raise StanceError(f"only the labelstudio format takes --labels-as, not {fmt}", field="--labels-as")
    out = Path(out)
    if fmt == "labelstudio":
        tasks = [
            labelstudio.task(
                item,
                model=_best(item["proba"]) if item.get("proba") is not None else None,
                model_version=model_version,
                labels_as=labels_as,
            )
            for item in items
        ]
        atomic_write_text(out, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
        config = out.with_name(out.stem + ".labelconfig.xml")
        atomic_write_text(config, labelstudio.CONFIG)
        return [out, config]
    if fmt == "doccano":
        lines = [_doccano_line(item) for item in items]
    elif fmt == "prodigy":
        lines = [_prodigy_line(item) for item in items]
    else:
        atomic_write_text(out, _csv_text(items))
        return [out]
    atomic_write_text(out, "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    return [out]


def _best(proba: Sequence[float]) -> tuple[str, float]:
    i = max(range(len(STANCES)), key=lambda k: proba[k])
    return STANCES[i], float(proba[i])


def _label_fields(label: Label | None) -> dict[str, Any]:
    if label is None:
        return {}
    fields = {"speaker": label.speaker, "speaker_type": label.speaker_type, "annotator": label.annotator}
    if label.note:
        fields["note"] = label.note
    return fields


def _prediction_fields(item: Item) -> dict[str, Any]:
    if item.get("proba") is None:
        return {}
    stance, _ = _best(item["proba"])
    return {"prediction": stance, "probabilities": dict(zip(STANCES, map(float, item["proba"]), strict=True))}


def _doccano_line(item: Item) -> dict[str, Any]:
    label: Label | None = item.get("label")
    return {
        "text": item["text"],
        "label": [label.stance] if label else [],
        "sent_id": item["sent_id"],
        "article": item["article"],
        "context": item["context"],
        **_label_fields(label),
        **_prediction_fields(item),
    }


def _prodigy_line(item: Item) -> dict[str, Any]:
    label: Label | None = item.get("label")
    meta = {"sent_id": item["sent_id"], "article": item["article"], "title": item["title"], **_label_fields(label)}
    meta.update(_prediction_fields(item))
    line: dict[str, Any] = {"text": item["text"], "meta": meta, "options": [{"id": s, "text": s} for s in STANCES]}
    if label is not None:
        line["accept"] = [label.stance]
        line["answer"] = "accept"
    return line


def _csv_text(items: Sequence[Item]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        label: Label | None = item.get("label")
        row = {k: item[k] for k in ("sent_id", "article", "title", "text", "context")}
        if label is not None:
            row.update(stance=label.stance, **_label_fields(label))
        if item.get("proba") is not None:
            row["prediction"] = _best(item["proba"])[0]
            row.update({f"p_{s}": f"{p:.6f}" for s, p in zip(STANCES, item["proba"], strict=True)})
        writer.writerow(row)
    return buffer.getvalue()


# -- import ---------------------------------------------------------------------
@dataclass(frozen=True)
class ReadResult:
    """The labels of a tool's file, and how many records gave none, by reason."""

    labels: list[Label]
    without_label: int = 0
    #: labels we exported as annotations, come back unchanged (not the importer's)
    exported_unchanged: int = 0
    #: sentences left out because the tool's annotators disagree (``--on-disagreement skip``)
    disagreements: int = 0


def read_labels(
    fmt: str,
    path: str | Path,
    *,
    annotator: str,
    known_ids: set[str] | None = None,
    on_disagreement: str = "refuse",
) -> ReadResult:
    """Every label in a tool's file, validated.

    All records are checked before anything is returned: the first problem
    is raised with its record number and how many other records are bad.
    ``on_disagreement`` is Label Studio's policy for a task that two of its
    users labelled differently (``refuse``, ``newest`` or ``skip``).
    """
    path = Path(path)
    check_format(fmt)
    if on_disagreement != "refuse" and fmt != "labelstudio":
        raise StanceError(f"only the labelstudio format takes --on-disagreement, not {fmt}", field="--on-disagreement")
    reader = partial(labelstudio.read, on_disagreement=on_disagreement) if fmt == "labelstudio" else _READERS[fmt]
    labels: list[Label] = []
    counts = {None: 0, EXPORTED: 0, DISAGREEMENT: 0}
    problems: list[StanceError] = []
    for number, record in reader(path):
        if record is None or isinstance(record, str):
            counts[record] += 1
            continue
        if isinstance(record, StanceError):
            problems.append(record)
            continue
        record = {**record, "annotator": annotator, "source": f"{fmt}:{path.name}"}
        if record.get("note") in ("", None):
            record.pop("note", None)
        try:
            labels.append(validate_label(record, path=path, line=number, known_ids=known_ids))
        except StanceError as exc:
            problems.append(exc)
    if problems:
        first_problem = problems[0]
        more = f" ({len(problems) - 1} more bad record(s))" if len(problems) > 1 else ""
        raise StanceError(
            f"{first_problem.message}{more}; nothing imported",
            path=first_problem.path,
            line=first_problem.line,
            field=first_problem.field,
        )
    return ReadResult(labels, counts[None], counts[EXPORTED], counts[DISAGREEMENT])


def _read_doccano(path: Path) -> list[Record]:
    records: list[Record] = []
    for number, raw in load_jsonl(path):
        line = need_object(raw, path, number)
        if isinstance(line, StanceError):
            records.append((number, line))
            continue
        meta: dict[str, Any] = line["meta"] if isinstance(line.get("meta"), dict) else {}
        labels = line.get("label", line.get("labels"))
        if not labels:
            records.append((number, None))
            continue
        record = {k: first(line.get(k), meta.get(k)) for k in ("sent_id", "speaker", "speaker_type", "note")}
        record["stance"] = one_stance(labels)
        records.append((number, record))
    return records


def _read_prodigy(path: Path) -> list[Record]:
    records: list[Record] = []
    for number, raw in load_jsonl(path):
        line = need_object(raw, path, number)
        if isinstance(line, StanceError):
            records.append((number, line))
            continue
        if line.get("answer") != "accept":
            records.append((number, None))  # rejected, ignored or not yet answered
            continue
        meta: dict[str, Any] = line["meta"] if isinstance(line.get("meta"), dict) else {}
        record = {k: first(line.get(k), meta.get(k)) for k in ("sent_id", "speaker", "speaker_type", "note")}
        record["stance"] = one_stance(line.get("accept"))
        records.append((number, record))
    return records


def _read_csv(path: Path) -> list[Record]:
    text = read_text(path, encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = {"sent_id", "stance"} - set(reader.fieldnames or [])
    if missing:
        raise StanceError(f"missing column(s) {', '.join(sorted(missing))}", path=path, line=1)
    records: list[Record] = []
    for row in reader:
        number = reader.line_num
        if not (row.get("stance") or "").strip():
            records.append((number, None))
            continue
        records.append(
            (number, {k: (row.get(k) or "").strip() for k in ("sent_id", "speaker", "speaker_type", "stance", "note")})
        )
    return records


_READERS: Mapping[str, Callable[[Path], list[Record]]] = {
    "doccano": _read_doccano,
    "prodigy": _read_prodigy,
    "csv": _read_csv,
}
