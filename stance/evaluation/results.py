"""What an evaluation returns: typed results whose ``to_dict()`` is the report.json schema.

:mod:`stance.evaluation.protocol` fills these; :mod:`stance.evaluation.report` writes them as
files and tables. Keeping the numbers in dataclasses (not nested dicts)
means a report field is added in one place, ``to_dict``, and a typo is an
attribute error rather than a missing key in a report someone reads later.
The schema itself is documented in :mod:`stance.evaluation.report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stance.errors import StanceError


@dataclass
class ModelResult:
    """One model's predictions on the scored rows and its scores (the first seed drives the tests)."""

    name: str
    kind: str
    config: dict[str, Any]
    seeds: list[int]
    predictions: list[str]
    proba: np.ndarray
    scores: dict[str, Any]
    ci: dict[str, tuple[float, float]]
    seed_scores: list[dict[str, float]]
    seed_summary: dict[str, tuple[float, float]]
    folds: list[dict[str, Any]]
    #: Wall seconds of this model's main runs (every seed and fold).
    seconds: float
    #: Wall seconds of every job of this model (with the speaker ablation and learning curve).
    all_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The model's entry under ``models`` in report.json (timing lives under ``timing``)."""
        return {
            "kind": self.kind,
            "config": self.config,
            "seeds": self.seeds,
            **{k: self.scores[k] for k in ("accuracy", "macro_f1", "f_avg")},
            "ci": {k: list(v) for k, v in self.ci.items()},
            "per_class": self.scores["per_class"],
            "confusion_matrix": self.scores["confusion_matrix"],
            "n": self.scores["n"],
            "seed_scores": self.seed_scores,
            "seed_mean_sd": {k: list(v) for k, v in self.seed_summary.items()},
            "folds": self.folds,
        }


@dataclass
class AblationScore:
    """One variant of the speaker ablation for one model."""

    variant: str
    use_speaker: bool
    speaker_at_test: str | None
    macro_f1: float
    f_avg: float
    ci: dict[str, tuple[float, float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "use_speaker": self.use_speaker,
            "speaker_at_test": self.speaker_at_test,
            "macro_f1": self.macro_f1,
            "f_avg": self.f_avg,
            "ci": {k: list(self.ci[k]) for k in ("macro_f1", "f_avg")},
        }


@dataclass
class AblationResult:
    """The speaker ablation: text only, gold speakers, the finder's speakers at test time."""

    variants: list[str]
    finder_agreement: float
    models: dict[str, list[AblationScore]]
    training_speakers: str = "gold"

    def to_dict(self) -> dict[str, Any]:
        return {
            "variants": self.variants,
            "training_speakers": self.training_speakers,
            "finder_agreement": self.finder_agreement,
            "models": {name: [v.to_dict() for v in variants] for name, variants in self.models.items()},
        }


@dataclass
class EvaluationResult:
    """Everything a report needs; :mod:`stance.evaluation.report` turns it into files and tables."""

    protocol: dict[str, Any]
    data: dict[str, Any]
    rows: list[dict[str, Any]]
    fold_of: list[str]
    models: list[ModelResult]
    comparisons: list[dict[str, Any]]
    learning_curve: dict[str, list[dict[str, float]]]
    warnings: list[str]
    seconds: float
    speaker_ablation: AblationResult | None = None
    timing: dict[str, Any] = field(default_factory=dict)

    def model(self, name: str) -> ModelResult:
        for result in self.models:
            if result.name == name:
                return result
        raise StanceError(f"Can't find {name!r}. Available names: {', '.join(m.name for m in self.models)}")

    def calibration(self, model: ModelResult) -> dict[str, Any]:
        """ECE and reliability bins of a model's top probability on the scored rows."""
        from stance.evaluation.calibration import calibration_summary

        return calibration_summary([row["stance"] for row in self.rows], model.proba)

    def to_dict(self) -> dict[str, Any]:
        """report.json without its envelope (schema, versions, creation time)."""
        return {
            "protocol": self.protocol,
            "data": self.data,
            "models": {m.name: {**m.to_dict(), "calibration": self.calibration(m)} for m in self.models},
            "comparisons": self.comparisons,
            "learning_curve": self.learning_curve,
            "speaker_ablation": self.speaker_ablation.to_dict() if self.speaker_ablation else None,
            "warnings": self.warnings,
            "timing": {
                "total_seconds": self.seconds,
                "models": {m.name: m.seconds for m in self.models},
                "all_jobs": {m.name: m.all_seconds for m in self.models},
                **self.timing,
            },
        }
