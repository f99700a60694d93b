"""Misclassified sentences from a report directory, for reading model errors.

Works on the saved ``predictions.jsonl`` rather than re-running a model, so
an annotator can go through the errors of a long evaluation afterwards.
Most confident errors come first: they are the likeliest label mistakes or
systematic model failures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stance.errors import StanceError
from stance.io.jsonl import iter_jsonl


def misclassified(report_dir: str | Path, *, model: str | None = None) -> list[dict[str, Any]]:
    """Errors of ``model`` (default: every non-reference model), most confident first."""
    path = Path(report_dir) / "predictions.jsonl"
    if not Path(report_dir).is_dir():
        raise StanceError("report directory not found", path=report_dir)
    if not path.is_file():
        raise StanceError("no predictions.jsonl here; give a folder written by `stance evaluate`", path=report_dir)
    errors: list[dict[str, Any]] = []
    names: list[str] = []
    for line, record in iter_jsonl(path):
        predictions = record.get("predictions")
        if not isinstance(predictions, dict) or "gold" not in record:
            raise StanceError("expected 'gold' and 'predictions'", path=path, line=line)
        if not names:
            names = list(predictions)
            if model is not None and model not in predictions:
                raise StanceError(f"Can't find {model!r}. Available names: {', '.join(names)}", field="--model")
        wanted = [model] if model else [n for n in names if n not in ("majority", "random")]
        for name in wanted:
            predicted = predictions[name]
            if predicted["label"] != record["gold"]:
                errors.append(
                    {
                        "model": name,
                        "sent_id": record.get("sent_id"),
                        "speaker": record.get("speaker"),
                        "gold": record["gold"],
                        "predicted": predicted["label"],
                        "confidence": float(predicted["proba"][predicted["label"]]),
                        "text": record.get("text", ""),
                        "context": record.get("context", ""),
                    }
                )
    errors.sort(key=lambda e: (-e["confidence"], e["model"], str(e["sent_id"])))
    return errors
