"""The contract every stance model keeps.

The CLI, the evaluation and the annotation tool only ever talk to this
protocol, so adding a model is one module, one config and one registry line.
Probabilities are always returned with columns in :data:`stance.schema.STANCES`
order (pro, anti, neutral).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

#: Rows a model reads: ``text`` always, ``speaker`` and ``context`` optional.
Rows = Sequence[Mapping[str, Any]]


@runtime_checkable
class StanceModel(Protocol):
    """Fit on labelled rows, predict class probabilities, save and load."""

    name: str
    config: dict[str, Any]

    def fit(self, train: Rows, *, validation: Rows | None = None) -> dict[str, Any]:
        """Train on rows with ``text`` and ``stance``; return training facts (times, sizes)."""
        ...

    def predict_proba(self, rows: Rows) -> np.ndarray:
        """An ``(n, 3)`` array of probabilities, columns in STANCES order."""
        ...

    def save(self, run_dir: Path) -> None:
        """Write everything needed to :meth:`load` the model into ``run_dir``."""
        ...

    @classmethod
    def load(cls, run_dir: Path) -> StanceModel:
        """Rebuild a saved model; refuse untrusted content."""
        ...
