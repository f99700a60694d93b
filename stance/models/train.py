"""Train a registered model and save a self-describing run directory.

A run directory is what a result is worth only if someone can tell how it
was made: ``meta.json`` records the model, the full resolved config, the
seed, a fingerprint of the exact training rows, the class sizes, package
versions, the wall time and the date, and ``README.md`` is a Hugging Face
model card. The directory is written next to its target and swapped in at
the end, so a crash never leaves a half-saved model where a good one was.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from stance import __version__
from stance.corpus.dataset import fingerprint
from stance.errors import StanceError
from stance.io.jsonl import atomic_write_text
from stance.models import registry
from stance.models.common import MARKER, class_counts
from stance.models.distributed import is_main_process
from stance.schema import STANCES

META = "meta.json"
CARD = "README.md"
PACKAGES = ("numpy", "scikit-learn", "skops", "torch", "transformers", "sentence-transformers", "datasets")


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a model's numbers depend on (without importing them)."""
    versions = {"python": platform.python_version(), "stance": __version__}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def seed_everything(seed: int) -> None:
    """Seed Python and numpy here; torch-based models seed torch in ``fit`` (no torch import for TF-IDF)."""
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)


def resubstitution(model: Any, rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Accuracy and macro-F1 on the training rows themselves.

    This measures fit, not generalisation (use ``stance evaluate`` for that);
    it is in the card because a model that can't even fit its training data
    is broken, and the card says plainly what the number is.
    """
    from sklearn.metrics import accuracy_score, f1_score

    y_true = [row["stance"] for row in rows]
    y_pred = model.predict(rows)
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=list(STANCES), average="macro", zero_division=0)), 4),
    }


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MARKER).exists())):
        raise StanceError("exists and is not a model directory; refusing to replace it", path=out_dir)


def _swap_in(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``tmp`` with one rename per step (old run removed last)."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def cross_validate(
    name: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    config: Mapping[str, Any],
    cv: str = "kfold:5",
    seed: int = 0,
    test_speakers: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Grouped cross-validation of model ``name`` with ``config`` on ``rows``: the scores its card reports.

    The run directory holds a model fitted on every row; the only honest
    estimate of how it does on a new article is this, from the same config
    on held-out articles (with the finder's speakers at test time when the
    model uses the speaker and ``test_speakers`` is given).
    """
    from stance.evaluation.protocol import ModelSpec, evaluate
    from stance.evaluation.splits import parse_cv

    cv_name, k = parse_cv(cv)
    spec = ModelSpec(name=name, kind="registry", config=dict(registry.create(name, config=config).config))
    result = evaluate(rows, [spec], cv=cv_name, k=k, seed=seed, n_bootstrap=1000, test_speakers=test_speakers)
    scored = result.model(name)
    protocol = result.protocol
    return {
        "cv": cv,
        "grouped_by_article": protocol["grouped_by_article"],
        "folds": len(protocol["folds"]),
        "speakers_at_test": protocol["speakers_at_test"] if test_speakers is not None else "as given",
        "n": len(rows),
        **{key: round(float(scored.scores[key]), 4) for key in ("accuracy", "macro_f1", "f_avg")},
        "ci": {key: [round(float(v), 4) for v in scored.ci[key]] for key in ("accuracy", "macro_f1", "f_avg")},
    }


def train_model(
    name: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    out_dir: str | Path,
    config: Mapping[str, Any] | None = None,
    seed: int = 0,
    data_source: str | None = None,
    progress: bool = False,
    cross_validation: Mapping[str, Any] | None = None,
) -> Path:
    """Train model ``name`` on ``rows``, save it with ``meta.json`` and a model card, return the run directory.

    ``cross_validation`` (from :func:`cross_validate`) is what the card's
    ``model-index`` reports; without it the card says the model was not
    cross-validated and reports no test score.
    """
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    model = registry.create(name, config=config, seed=seed)
    if hasattr(model, "progress"):
        model.progress = progress
    seed_everything(seed)
    started = time.perf_counter()
    facts = model.fit(rows)
    wall = time.perf_counter() - started
    if not is_main_process():
        return out_dir  # under torchrun every rank trains, only rank 0 writes the run directory
    resub = resubstitution(model, rows)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a model directory is meant to be shared
    try:
        model.save(tmp)
        meta = {
            "model": name,
            "config": model.config,
            "seed": seed,
            "labels": list(STANCES),
            "data": {
                "source": data_source,
                "rows": len(rows),
                "sha256": fingerprint(rows),
                "class_counts": class_counts(rows),
                "articles": len({row.get("article") for row in rows if row.get("article")}),
            },
            "training": facts,
            "resubstitution": resub,
            "cross_validation": dict(cross_validation) if cross_validation else None,
            "wall_seconds": round(wall, 3),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "versions": package_versions(),
        }
        atomic_write_text(tmp / META, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
        atomic_write_text(tmp / CARD, model_card(meta))
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


LIBRARY = {"tfidf": "sklearn", "embeddings": "sentence-transformers", "transformer": "transformers"}


def _yaml(value: Any) -> str:
    """JSON is valid YAML flow syntax: quoting and escaping without a YAML dependency."""
    return json.dumps(value, ensure_ascii=False)


def _validation_note(meta: Mapping[str, Any]) -> str:
    held_out = meta.get("training", {}).get("validation_size")
    if not held_out:
        return ""
    return f"Of these, {held_out} sentences of held-out articles served only for early stopping.\n"


def _cv_note(cv: Mapping[str, Any] | None) -> str:
    if not cv:
        return (
            "Not cross-validated: this card has no test score. `stance train MODEL --cv kfold:5` records one "
            "(grouped by article), or run `stance evaluate`."
        )
    low, high = cv["ci"]["macro_f1"]
    speakers = "the speaker finder's" if cv["speakers_at_test"] == "finder" else "the given"
    return (
        f"Cross-validated ({cv['cv']}, {cv['folds']} folds, "
        f"{'grouped by article' if cv['grouped_by_article'] else 'not grouped by article'}, {cv['n']} sentences, "
        f"{speakers} speakers at test time): macro-F1 {cv['macro_f1']:.3f} [95% CI {low:.3f}, {high:.3f}], "
        f"accuracy {cv['accuracy']:.3f}, F_avg {cv['f_avg']:.3f}. This is the estimate for a new article."
    )


def model_card(meta: Mapping[str, Any]) -> str:
    """A Hugging Face model card: YAML header (labels, metrics) and the facts a reader needs."""
    name = meta["model"]
    config = meta["config"]
    data = meta["data"]
    resub = meta["resubstitution"]
    base = config.get("base_model", None)
    header = [
        "---",
        "language: en",
        "license: mit",
        f"library_name: {LIBRARY.get(name, 'stance')}",
        "pipeline_tag: text-classification",
        f"tags: {_yaml(['stance', 'offshoring', f'stance-{name}'])}",
        f"labels: {_yaml(list(meta['labels']))}",
    ]
    if base is not None:
        header.append(f"base_model: {_yaml(base or 'sentence-transformers/all-MiniLM-L6-v2')}")
    cv = meta.get("cross_validation")
    if cv:
        speakers = "the speaker finder's speakers" if cv["speakers_at_test"] == "finder" else "speakers as given"
        grouped = "grouped by article" if cv["grouped_by_article"] else "NOT grouped by article"
        protocol = f"{cv['cv']} cross-validation"
        f1_name = f"Macro-F1, {protocol} {grouped}, {speakers} at test time"
        header += [
            "model-index:",
            f"- name: {_yaml(f'stance-{name}')}",
            "  results:",
            "  - task:",
            "      type: text-classification",
            "      name: Stance toward offshoring",
            "    dataset:",
            f"      name: {_yaml(data.get('source') or 'stance gold corpus')}",
            "      type: custom",
            f"      split: {_yaml(protocol)}",
            "    metrics:",
            "    - type: f1",
            f"      value: {cv['macro_f1']}",
            f"      name: {_yaml(f1_name)}",
            "    - type: accuracy",
            f"      value: {cv['accuracy']}",
            f"      name: {_yaml(f'Accuracy, {protocol} {grouped}')}",
        ]
    header.append("---")
    counts = ", ".join(f"{stance} {n}" for stance, n in data["class_counts"].items())
    inputs = "the sentence"
    if config.get("use_speaker"):
        inputs += ", prefixed with its speaker (`speaker: sentence`)"
    if config.get("use_context"):
        inputs += ", with the previous sentence as context"
    body = f"""
# stance-{name}

Predicts the stance toward offshoring (`pro`, `anti`, `neutral`) of a sentence
from a news article: {registry.model_class(name).description or name}. Trained with the `stance`
toolkit (`stance train {name}`).

## Intended use

Finding who says what about offshoring in English news text, one sentence at
a time, as a first pass that a person checks. Input: {inputs}.

```bash
stance predict <this folder> "Moving the call centre to India will cut costs."
```

## Training data

{data["rows"]} labelled sentences ({counts}) from {data["articles"] or "an unknown number of"} articles;
source: {data.get("source") or "the project gold corpus"}; rows fingerprint sha256 `{data["sha256"]}`.
{_validation_note(meta)}Seed {meta["seed"]}; training took {meta["wall_seconds"]:.1f} s on {platform.machine()}.

## Metrics

{_cv_note(cv)}

Resubstitution (on the training sentences themselves): accuracy {resub["accuracy"]:.3f},
macro-F1 {resub["macro_f1"]:.3f}. This shows the model fits its data; it says nothing
about new articles.

## Limits

- Trained on a small corpus of British and American news about offshoring;
  other topics, genres and languages are out of scope.
- Stance depends on who speaks; sentences quoting several sides, irony and
  reported speech are often wrong.
- Class balance is skewed toward `neutral`; the training loss weights the
  classes, but rare stances remain the least reliable.

## Configuration

```json
{json.dumps(config, indent=2, ensure_ascii=False)}
```

Package versions: {", ".join(f"{k} {v}" for k, v in meta["versions"].items())}.
"""
    return "\n".join(header) + "\n" + body
