"""Reference rows for every evaluation: majority class and stratified random.

A score means little without the floor it stands on: on a corpus where most
sentences are neutral, "always neutral" already has a high accuracy and a
low macro-F1. Both are a :class:`~stance.models.base.Predictor` with
``fit``, which is all the evaluation asks of a model; they are not in the
model registry, and have no ``save`` or ``load``, because nobody should ship
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.models.base import Rows
from stance.models.common import labels_from_proba
from stance.schema import STANCES

if TYPE_CHECKING:
    import numpy as np

#: Reference model name -> scikit-learn DummyClassifier strategy.
REFERENCES: dict[str, str] = {"majority": "most_frequent", "random": "stratified"}


class ReferenceModel:
    """A DummyClassifier that ignores the text; ``random`` draws labels in training proportions."""

    def __init__(self, name: str, *, seed: int = 0) -> None:
        self.name = name
        self.config: dict[str, Any] = {"strategy": REFERENCES[name]}
        self.seed = seed
        self._dummy: Any = None

    def fit(self, train: Rows, *, validation: Rows | None = None) -> dict[str, Any]:
        from sklearn.dummy import DummyClassifier

        labels = [row["stance"] for row in train]
        self._dummy = DummyClassifier(strategy=self.config["strategy"], random_state=self.seed)
        self._dummy.fit([[0]] * len(labels), labels)
        return {"n_train": len(labels)}

    def predict_proba(self, rows: Rows) -> np.ndarray:
        import numpy as np

        if self._dummy is None:
            raise StanceError("the model is not trained yet")
        proba = self._dummy.predict_proba([[0]] * len(rows))
        out = np.zeros((len(rows), len(STANCES)))
        for column, label in enumerate(self._dummy.classes_):
            out[:, STANCES.index(label)] = proba[:, column]
        return out

    def predict(self, rows: Rows) -> list[str]:
        return labels_from_proba(self.predict_proba(rows))
