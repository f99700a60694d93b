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
from pathlib import Path
from typing import Any

from stance.corpus.gold import validate_label
from stance.errors import StanceError
from stance.io.jsonl import atomic_write_text
from stance.schema import SPEAKER_TYPES, STANCES, Label

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
def export(fmt: str, items: Sequence[Item], out: str | Path, *, model_version: str | None = None) -> list[Path]:
    """Write ``items`` in ``fmt`` to ``out`` (atomically); return the files written."""
    check_format(fmt)
    out = Path(out)
    if fmt == "labelstudio":
        tasks = [_labelstudio_task(i, item, model_version) for i, item in enumerate(items, start=1)]
        atomic_write_text(out, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
        config = out.with_name(out.stem + ".labelconfig.xml")
        atomic_write_text(config, LABEL_STUDIO_CONFIG)
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


def _labelstudio_result(label: Label) -> list[dict[str, Any]]:
    result = [
        _ls_choice("stance", label.stance),
        {"from_name": "speaker", "to_name": "text", "type": "textarea", "value": {"text": [label.speaker]}},
        _ls_choice("speaker_type", label.speaker_type),
    ]
    if label.note:
        result.append({"from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": [label.note]}})
    return result


def _ls_choice(name: str, value: str) -> dict[str, Any]:
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": [value]}}


def _labelstudio_task(number: int, item: Item, model_version: str | None) -> dict[str, Any]:
    task: dict[str, Any] = {
        "id": number,
        "data": {k: item[k] for k in ("sent_id", "article", "title", "context", "text")},
        "meta": {"sent_id": item["sent_id"], "article": item["article"]},
    }
    label: Label | None = item.get("label")
    if label is not None:
        task["annotations"] = [{"completed_by": label.annotator, "result": _labelstudio_result(label)}]
    if item.get("proba") is not None:
        stance, score = _best(item["proba"])
        task["predictions"] = [
            {"model_version": model_version or "stance", "score": score, "result": [_ls_choice("stance", stance)]}
        ]
    return task


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


LABEL_STUDIO_CONFIG = f"""<View>
  <Header value="$title"/>
  <Text name="context" value="$context" granularity="word"/>
  <Text name="text" value="$text"/>
  <Choices name="stance" toName="text" choice="single" showInLine="true" required="true">
{"".join(f'    <Choice value="{s}"/>{chr(10)}' for s in STANCES)}  </Choices>
  <TextArea name="speaker" toName="text" maxSubmissions="1" editable="true"
    placeholder="speaker (author = the journalist)"
    />
  <Choices name="speaker_type" toName="text" choice="single" showInLine="true">
{"".join(f'    <Choice value="{t}"/>{chr(10)}' for t in SPEAKER_TYPES)}  </Choices>
  <TextArea name="note" toName="text" maxSubmissions="1" editable="true" placeholder="note (optional)"/>
</View>
"""


# -- import ---------------------------------------------------------------------
def read_labels(
    fmt: str, path: str | Path, *, annotator: str, known_ids: set[str] | None = None
) -> tuple[list[Label], int]:
    """Every label in a tool's file, validated; ``(labels, records without a label)``.

    All records are checked before anything is returned: the first problem
    is raised with its record number and how many other records are bad.
    """
    path = Path(path)
    check_format(fmt)
    records = _READERS[fmt](path)
    labels: list[Label] = []
    skipped = 0
    problems: list[StanceError] = []
    for number, record in records:
        if record is None:
            skipped += 1
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
        first = problems[0]
        more = f" ({len(problems) - 1} more bad record(s))" if len(problems) > 1 else ""
        raise StanceError(
            f"{first.message}{more}; nothing imported", path=first.path, line=first.line, field=first.field
        )
    return labels, skipped


# (record number, fields | None for "no label here" | the problem found while reading it)
Record = tuple[int, "dict[str, Any] | StanceError | None"]


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StanceError("file not found", path=path) from None
    except UnicodeDecodeError:
        raise StanceError("not UTF-8 text", path=path) from None
    except json.JSONDecodeError as exc:
        raise StanceError(f"bad JSON: {exc.msg} (column {exc.colno})", path=path, line=exc.lineno) from None


def _load_jsonl(path: Path) -> list[tuple[int, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StanceError("file not found", path=path) from None
    except UnicodeDecodeError:
        raise StanceError("not UTF-8 text", path=path) from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise StanceError(f"bad JSON: {exc.msg} (column {exc.colno})", path=path, line=number) from None
    return rows


def _need_object(value: Any, path: Path, number: int) -> dict[str, Any] | StanceError:
    if not isinstance(value, dict):
        return StanceError("expected a JSON object", path=path, line=number)
    return value


def _one_stance(values: Any) -> Any:
    """The single stance in a tool's list of chosen labels; anything else is left for validation to reject."""
    if isinstance(values, list) and len(values) == 1:
        return values[0]
    return repr(values)


def _first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "")), None)


def _read_labelstudio(path: Path) -> list[Record]:
    data = _load_json(path)
    if not isinstance(data, list):
        raise StanceError("expected a JSON list of tasks (Label Studio's JSON export)", path=path)
    records: list[Record] = []
    for number, task in enumerate(data, start=1):
        task = _need_object(task, path, number)
        if isinstance(task, StanceError):
            records.append((number, task))
            continue
        if "data" not in task and "annotations" not in task:  # the JSON-MIN export: one flat object per task
            records.append((number, _labelstudio_min(task)))
            continue
        task_data: dict[str, Any] = task["data"] if isinstance(task.get("data"), dict) else {}
        meta: dict[str, Any] = task["meta"] if isinstance(task.get("meta"), dict) else {}
        done = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        if not done:
            records.append((number, None))
            continue
        values: dict[str, Any] = {}
        for item in done[-1].get("result") or []:
            if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
                continue
            value = item["value"]
            picked = value.get("choices", value.get("text"))
            if item.get("from_name") == "stance":
                values["stance"] = _one_stance(picked)
            elif item.get("from_name") in ("speaker", "speaker_type", "note") and isinstance(picked, list) and picked:
                values[item["from_name"]] = picked[0]
        values["sent_id"] = _first(task_data.get("sent_id"), meta.get("sent_id"))
        records.append((number, values))
    return records


def _labelstudio_min(task: dict[str, Any]) -> dict[str, Any] | None:
    """A JSON-MIN task: data fields and one value per control, flat; no stance means not labelled."""
    if task.get("stance") in (None, "", []):
        return None
    record = {k: task.get(k) for k in ("sent_id", "speaker", "speaker_type", "stance", "note")}
    for key, value in record.items():
        if isinstance(value, list):  # several choices or text lines
            record[key] = _one_stance(value) if key == "stance" else (value[0] if len(value) == 1 else repr(value))
    return record


def _read_doccano(path: Path) -> list[Record]:
    records: list[Record] = []
    for number, raw in _load_jsonl(path):
        line = _need_object(raw, path, number)
        if isinstance(line, StanceError):
            records.append((number, line))
            continue
        meta: dict[str, Any] = line["meta"] if isinstance(line.get("meta"), dict) else {}
        labels = line.get("label", line.get("labels"))
        if not labels:
            records.append((number, None))
            continue
        record = {k: _first(line.get(k), meta.get(k)) for k in ("sent_id", "speaker", "speaker_type", "note")}
        record["stance"] = _one_stance(labels)
        records.append((number, record))
    return records


def _read_prodigy(path: Path) -> list[Record]:
    records: list[Record] = []
    for number, raw in _load_jsonl(path):
        line = _need_object(raw, path, number)
        if isinstance(line, StanceError):
            records.append((number, line))
            continue
        if line.get("answer") != "accept":
            records.append((number, None))  # rejected, ignored or not yet answered
            continue
        meta: dict[str, Any] = line["meta"] if isinstance(line.get("meta"), dict) else {}
        record = {k: _first(line.get(k), meta.get(k)) for k in ("sent_id", "speaker", "speaker_type", "note")}
        record["stance"] = _one_stance(line.get("accept"))
        records.append((number, record))
    return records


def _read_csv(path: Path) -> list[Record]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise StanceError("file not found", path=path) from None
    except UnicodeDecodeError:
        raise StanceError("not UTF-8 text", path=path) from None
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
    "labelstudio": _read_labelstudio,
    "doccano": _read_doccano,
    "prodigy": _read_prodigy,
    "csv": _read_csv,
}
