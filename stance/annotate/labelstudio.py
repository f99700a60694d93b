"""Label Studio: tasks and a labelling config out, its JSON and JSON-MIN exports back in.

Checked against a real Label Studio server (see ``scripts/labelstudio_roundtrip.py``),
which shaped these choices:

- Tasks carry no ``id`` (Label Studio numbers tasks itself) and no
  ``completed_by`` (it accepts only the id or e-mail of one of its own users,
  and refuses the whole import otherwise).
- Labels we already have go out as ``predictions`` by default: Label Studio
  shows them as pre-annotations, and they never come back as anybody's
  label. Exported as ``annotations`` on request, each task also carries the
  label in ``data.exported_label``, and an annotation still equal to it is
  not imported as the importer's own (gold would otherwise come back as a
  copy that agrees with gold).
- A task may have several annotations, in any order (JSON-MIN lists them
  newest first). Each Label Studio user's newest answer counts; when two
  users' answers differ, the import names the sentence and stops unless the
  user picked a policy (``newest`` or ``skip``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stance.annotate.records import DISAGREEMENT, EXPORTED, Record, first, load_json, need_object, one_stance
from stance.errors import StanceError
from stance.schema import SPEAKER_TYPES, STANCES, Label

#: How labels we already have travel to Label Studio.
LABELS_AS: tuple[str, ...] = ("predictions", "annotations")
#: What to do when two Label Studio users gave one sentence different labels.
ON_DISAGREEMENT: tuple[str, ...] = ("refuse", "newest", "skip")
#: The task data field that carries a label exported as an annotation.
EXPORTED_FIELD = "exported_label"
#: The fields of a label that two answers must share to agree.
_COMPARED = ("stance", "speaker", "speaker_type")
_CONTROLS = ("stance", "speaker", "speaker_type", "note")

CONFIG = f"""<View>
  <Header value="$title"/>
  <Text name="context" value="$context" granularity="word"/>
  <Text name="text" value="$text"/>
  <Choices name="stance" toName="text" choice="single" showInLine="true" required="true">
{"".join(f'    <Choice value="{s}"/>{chr(10)}' for s in STANCES)}  </Choices>
  <TextArea name="speaker" toName="text" maxSubmissions="1" editable="true" required="true"
    placeholder="speaker (author = the journalist)"/>
  <Choices name="speaker_type" toName="text" choice="single" showInLine="true" required="true">
{"".join(f'    <Choice value="{t}"/>{chr(10)}' for t in SPEAKER_TYPES)}  </Choices>
  <TextArea name="note" toName="text" maxSubmissions="1" editable="true" placeholder="note (optional)"/>
</View>
"""


# -- export ---------------------------------------------------------------------
def choice(name: str, value: str) -> dict[str, Any]:
    """One Choices answer in Label Studio's result format."""
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": [value]}}


def text_answer(name: str, value: str) -> dict[str, Any]:
    """One TextArea answer in Label Studio's result format."""
    return {"from_name": name, "to_name": "text", "type": "textarea", "value": {"text": [value]}}


def result(label: Label) -> list[dict[str, Any]]:
    """A label as the result list of an annotation or prediction."""
    items = [choice("stance", label.stance), text_answer("speaker", label.speaker)]
    items.append(choice("speaker_type", label.speaker_type))
    if label.note:
        items.append(text_answer("note", label.note))
    return items


def task(
    item: dict[str, Any], *, model: tuple[str, float] | None, model_version: str | None, labels_as: str
) -> dict[str, Any]:
    """One task: the sentence as ``data``, the label and the model's best stance as predictions."""
    out: dict[str, Any] = {
        "data": {k: item[k] for k in ("sent_id", "article", "title", "context", "text")},
        "meta": {"sent_id": item["sent_id"], "article": item["article"]},
    }
    predictions = []
    label: Label | None = item.get("label")
    if label is not None and labels_as == "annotations":
        out["annotations"] = [{"result": result(label)}]
        out["data"][EXPORTED_FIELD] = {"annotator": label.annotator, **{k: getattr(label, k) for k in _COMPARED}}
    elif label is not None:
        predictions.append({"model_version": f"labels:{label.annotator}", "score": 1.0, "result": result(label)})
    if model is not None:
        stance, score = model
        predictions.append(
            {"model_version": model_version or "stance", "score": score, "result": [choice("stance", stance)]}
        )
    if predictions:
        out["predictions"] = predictions
    return out


# -- import ---------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    """One annotation of one task: whose, when, and the values of our controls."""

    values: dict[str, Any]
    who: str
    when: tuple[float, int]
    number: int


def read(path: Path, *, on_disagreement: str = "refuse") -> list[Record]:
    """Label Studio's JSON export (tasks with annotations) or JSON-MIN export (flat rows), one record per task."""
    if on_disagreement not in ON_DISAGREEMENT:
        raise StanceError(
            f"Can't find {on_disagreement!r}. Available names: {', '.join(ON_DISAGREEMENT)}",
            field="--on-disagreement",
        )
    data = load_json(path)
    if not isinstance(data, list):
        raise StanceError("expected a JSON list of tasks (Label Studio's JSON or JSON-MIN export)", path=path)
    tasks: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
    records: list[Record] = []
    for number, raw in enumerate(data, start=1):
        row = need_object(raw, path, number)
        if isinstance(row, StanceError):
            records.append((number, row))
        elif "data" in row or "annotations" in row:
            records.append((number, _from_task(row, path, number, on_disagreement)))
        else:  # JSON-MIN: one flat row per annotation (a task without one has one row without answers)
            task_id = row.get("id")
            key = task_id if isinstance(task_id, (int, str)) else (repr(row.get("sent_id")), number)
            tasks.setdefault(key, []).append((number, row))
    for rows in tasks.values():
        number, row = rows[0]
        found = [_min_answer(r, n) for n, r in rows]
        answers = [a for a in found if a is not None]
        records.append((number, _choose(answers, row.get("sent_id"), row.get(EXPORTED_FIELD), path, on_disagreement)))
    return sorted(records, key=lambda r: r[0])


def _from_task(task: dict[str, Any], path: Path, number: int, policy: str) -> Any:
    data: dict[str, Any] = task["data"] if isinstance(task.get("data"), dict) else {}
    meta: dict[str, Any] = task["meta"] if isinstance(task.get("meta"), dict) else {}
    answers = []
    for annotation in task.get("annotations") or []:
        if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
            continue
        values: dict[str, Any] = {}
        for item in annotation.get("result") or []:
            if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
                continue
            value = item["value"]
            picked = value.get("choices", value.get("text"))
            if item.get("from_name") in _CONTROLS:
                values[item["from_name"]] = picked
        if values.get("stance") in (None, "", []):
            continue  # nothing chosen: not a label
        answers.append(Answer(_flat(values), _who(annotation.get("completed_by")), _when(annotation), number))
    sent_id = first(data.get("sent_id"), meta.get("sent_id"))
    return _choose(answers, sent_id, data.get(EXPORTED_FIELD), path, policy)


def _min_answer(row: dict[str, Any], number: int) -> Answer | None:
    if row.get("stance") in (None, "", []):
        return None
    values = _flat({k: row.get(k) for k in _CONTROLS})
    return Answer(values, _who(row.get("annotator")), _when(row), number)


def _flat(values: dict[str, Any]) -> dict[str, Any]:
    """One value per control: a single choice or text line; several stay as their repr for validation to reject."""
    flat = {}
    for key, value in values.items():
        if isinstance(value, list):
            value = one_stance(value) if key == "stance" else (value[0] if len(value) == 1 else repr(value))
        flat[key] = value
    return flat


def _who(value: Any) -> str:
    """A Label Studio user as exported: an id, an e-mail, or an object with either."""
    if isinstance(value, dict):
        value = first(value.get("email"), value.get("id"))
    return "unknown" if value in (None, "") else str(value)


def _when(annotation: dict[str, Any]) -> tuple[float, int]:
    """Sort key of an annotation: its last update (else creation) time, then its id."""
    stamp = first(annotation.get("updated_at"), annotation.get("created_at"))
    seconds = float("-inf")
    if isinstance(stamp, str):
        try:
            parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            seconds = (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()
    ident = first(annotation.get("annotation_id"), annotation.get("id"))
    return seconds, ident if isinstance(ident, int) else -1


def _same(values: dict[str, Any], other: dict[str, Any]) -> bool:
    def norm(v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v

    return all(norm(values.get(k)) == norm(other.get(k)) for k in _COMPARED)


def _choose(answers: Sequence[Answer], sent_id: Any, exported: Any, path: Path, policy: str) -> Any:
    """The one label a task gives, or why it gives none (see the module docstring)."""
    if isinstance(exported, dict):
        mine = [a for a in answers if not _same(a.values, exported)]
        if answers and not mine:
            return EXPORTED
        answers = mine
    if not answers:
        return None
    newest: dict[str, Answer] = {}
    for answer in answers:
        if answer.who not in newest or answer.when >= newest[answer.who].when:
            newest[answer.who] = answer
    latest = max(newest.values(), key=lambda a: a.when)
    others = [a for a in newest.values() if not _same(a.values, latest.values)]
    if others and policy == "refuse":
        said = "; ".join(
            f"user {a.who} (record {a.number}): {'/'.join(str(a.values.get(k)) for k in _COMPARED)}"
            for a in [latest, *others]
        )
        return StanceError(
            f"Label Studio users disagree on {sent_id!r}: {said}; settle it in Label Studio, "
            "or import with --on-disagreement newest (or skip)",
            path=path,
            line=latest.number,
            field="sent_id",
        )
    if others and policy == "skip":
        return DISAGREEMENT
    return {**latest.values, "sent_id": sent_id}
