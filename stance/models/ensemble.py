"""An ensemble of registered models: averaged probabilities, or a logistic stacker on out-of-fold ones.

TF-IDF sees the words and embeddings the meaning; on articles they have not
seen they err on different sentences, so combining them is the cheapest way
to a stronger model. ``combine = "mean"`` averages the members'
probabilities (with ``weights``); ``"stack"`` fits a logistic regression on
the members' out-of-fold probabilities, folds grouped by article so the
stacker learns how much to trust each member on unseen articles, not on
sentences it trained on. The members are saved in sub-folders as ordinary
run directories; the stacker's coefficients are plain JSON.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.io.jsonl import atomic_write_text
from stance.models.base import Rows
from stance.models.common import ModelBase, check_trainable, class_counts, read_marker, require_files, write_marker
from stance.schema import STANCES

if TYPE_CHECKING:
    import numpy as np

#: The ``combine`` config values.
COMBINE = ("mean", "stack")
#: Keys passed on to every member (each keeps its own defaults for the rest).
SHARED = ("use_speaker", "speaker_form", "use_context")
STACKER = "stacker.json"


class EnsembleModel(ModelBase):
    """Several registered models behind one ``predict_proba``."""

    name = "ensemble"
    description = "the averaged (or logistically stacked) probabilities of its members, by default tfidf and embeddings"
    defaults: dict[str, Any] = {
        "members": ["tfidf", "embeddings"],
        "weights": [1.0, 1.0],
        "combine": "mean",
        "stack_folds": 5,
        "C": 1.0,
        "use_speaker": True,
        "speaker_form": "role",
        "use_context": False,
        "member_config": {},
    }

    def __init__(self, config: dict[str, Any] | None = None, *, seed: int = 0) -> None:
        super().__init__(config, seed=seed)
        c = self.config
        if not c["members"] or self.name in c["members"]:
            raise StanceError("list one or more registered models other than 'ensemble'", field="members")
        if len(c["weights"]) != len(c["members"]):
            raise StanceError(f"{len(c['weights'])} weights for {len(c['members'])} members", field="weights")
        if not isinstance(c["member_config"], dict) or set(c["member_config"]) - set(c["members"]):
            raise StanceError(
                "expected a table of member name -> config keys, for listed members", field="member_config"
            )
        if c["combine"] not in COMBINE:
            raise StanceError(f"unknown combine {c['combine']!r}; allowed: {', '.join(COMBINE)}", field="combine")
        self.members: list[Any] = []
        self.stacker: dict[str, Any] | None = None

    def _fresh(self) -> list[Any]:
        from stance.models import registry

        # Members take their class defaults, not the project's models/<name>.toml, so a saved
        # ensemble config says everything about how it was built.
        shared = {key: self.config[key] for key in SHARED}
        extra = self.config["member_config"]
        return [
            registry.create(name, config={**shared, **dict(extra.get(name, {}))}, seed=self.seed)
            for name in self.config["members"]
        ]

    def _member_proba(self, members: list[Any], rows: Rows) -> list[np.ndarray]:
        import numpy as np

        return [np.asarray(m.predict_proba(rows), dtype=float) for m in members]

    def fit(self, train: Rows, *, validation: Rows | None = None) -> dict[str, Any]:
        """Fit every member on ``train``; with ``stack``, first the stacker on grouped out-of-fold predictions."""
        labels = check_trainable(train)
        started = time.perf_counter()
        facts: dict[str, Any] = {"train_size": len(train), "class_counts": class_counts(train)}
        if self.config["combine"] == "stack":
            self.stacker, facts["stacker"] = self._fit_stacker(train, labels)
        self.members = self._fresh()
        facts["members"] = {m.name: m.fit(train) for m in self.members}
        facts["fit_seconds"] = round(time.perf_counter() - started, 3)
        return facts

    def _fit_stacker(self, train: Rows, labels: list[int]) -> tuple[dict[str, Any], dict[str, Any]]:
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold

        groups = [row.get("article") or f"row-{i}" for i, row in enumerate(train)]
        folds = min(int(self.config["stack_folds"]), len(set(groups)))
        if folds < 2:
            raise StanceError("stacking needs rows of at least 2 articles; use combine=mean", field="combine")
        oof = np.zeros((len(train), len(STANCES) * len(self.config["members"])))
        for fold_train, fold_test in GroupKFold(n_splits=folds).split(train, labels, groups):
            part = [train[i] for i in fold_train]
            if len({labels[i] for i in fold_train}) < 2:
                continue
            members = self._fresh()
            for member in members:
                member.fit(part)
            oof[fold_test] = _features(self._member_proba(members, [train[i] for i in fold_test]))
        head = LogisticRegression(C=float(self.config["C"]), class_weight="balanced", max_iter=5000)
        head.fit(oof, labels)
        coef = np.zeros((len(STANCES), oof.shape[1]))
        intercept = np.full(len(STANCES), -1e9)
        classes = [int(c) for c in head.classes_]
        if len(classes) == 2:  # a binary logistic regression has one row: class 1 against class 0
            coef[classes[1]], intercept[classes[1]] = head.coef_[0], head.intercept_[0]
            coef[classes[0]], intercept[classes[0]] = 0.0, 0.0
        else:
            coef[classes], intercept[classes] = head.coef_, head.intercept_
        stacker = {"coef": coef.tolist(), "intercept": intercept.tolist()}
        return stacker, {"folds": folds, "features": int(oof.shape[1])}

    def predict_proba(self, rows: Rows) -> np.ndarray:
        """``(n, 3)`` probabilities in STANCES order."""
        import numpy as np

        if not self.members:
            raise StanceError("the model is not trained yet")
        if len(rows) == 0:
            return np.zeros((0, len(STANCES)))
        probas = self._member_proba(self.members, rows)
        if self.stacker is not None:
            logits = _features(probas) @ np.asarray(self.stacker["coef"]).T + np.asarray(self.stacker["intercept"])
            logits -= logits.max(axis=1, keepdims=True)
            odds = np.exp(logits)
            return odds / odds.sum(axis=1, keepdims=True)
        weights = np.asarray(self.config["weights"], dtype=float)
        mixed = sum(w * p for w, p in zip(weights, probas, strict=True)) / weights.sum()
        return np.asarray(mixed)

    def save(self, run_dir: Path) -> None:
        """Each member in ``run_dir/<member>/``, the stacker as JSON, and the marker."""
        if not self.members:
            raise StanceError("the model is not trained yet")
        run_dir = Path(run_dir)
        for member in self.members:
            folder = run_dir / member.name
            folder.mkdir(parents=True, exist_ok=True)
            member.save(folder)
        if self.stacker is not None:
            atomic_write_text(run_dir / STACKER, json.dumps(self.stacker) + "\n")
        write_marker(run_dir, self.name, self.config, self.seed)

    @classmethod
    def load(cls, run_dir: Path) -> EnsembleModel:
        """Load every member through the registry (each refuses untrusted files its own way)."""
        from stance.models import registry

        run_dir = Path(run_dir)
        marker = read_marker(run_dir)
        model = cls(marker.get("config", {}), seed=int(marker.get("seed", 0)))
        model.members = [registry.load_model(run_dir / name) for name in model.config["members"]]
        if model.config["combine"] == "stack":
            require_files(run_dir, [STACKER])
            model.stacker = json.loads((run_dir / STACKER).read_text(encoding="utf-8"))
        return model


def _features(probas: list[np.ndarray]) -> np.ndarray:
    """The stacker's input: each member's log-probabilities side by side."""
    import numpy as np

    return np.hstack([np.log(np.clip(p, 1e-6, 1.0)) for p in probas])
