"""The contract every stance model keeps.

The CLI, the evaluation and the annotation tool only ever talk to these
protocols, so adding a model is one module, one config and one registry line.
:class:`Predictor` is what predicts; :class:`StanceModel` adds what trains
(``fit``, ``save``, ``load``) and is what the registry holds.
Probabilities are always returned with columns in :data:`stance.schema.STANCES`
order (pro, anti, neutral).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

#: Rows a model reads: ``text`` always, ``speaker`` and ``context`` optional.
Rows = Sequence[Mapping[str, Any]]


@runtime_checkable
class Predictor(Protocol):
    """What predicts: class probabilities and labels for rows.

    Prediction, the annotation tool's suggestions and the actors table need
    only this; a prediction-only engine (ONNX Runtime over a saved run) keeps
    it without pretending it can train.
    """

    name: str
    config: dict[str, Any]

    def predict_proba(self, rows: Rows) -> np.ndarray:
        """An ``(n, 3)`` array of probabilities, columns in STANCES order."""
        ...

    def predict(self, rows: Rows) -> list[str]:
        """The most probable stance of each row (the argmax of :meth:`predict_proba`)."""
        ...


@runtime_checkable
class StanceModel(Predictor, Protocol):
    """What trains as well: fit on labelled rows, save and load (every registered model)."""

    #: Every config key with its default (the schema of ``models/<name>.toml``).
    defaults: ClassVar[dict[str, Any]]
    #: One line saying what the model is (model card, ``stance models``).
    description: ClassVar[str]

    def __init__(self, config: Mapping[str, Any] | None = None, *, seed: int = 0) -> None: ...

    def fit(self, train: Rows, *, validation: Rows | None = None) -> dict[str, Any]:
        """Train on rows with ``text`` and ``stance``; return training facts (times, sizes)."""
        ...

    def save(self, run_dir: Path) -> None:
        """Write everything needed to :meth:`load` the model into ``run_dir``."""
        ...

    @classmethod
    def load(cls, run_dir: Path) -> StanceModel:
        """Rebuild a saved model; refuse untrusted content."""
        ...
