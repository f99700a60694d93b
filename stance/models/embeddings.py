"""Frozen sentence embeddings + balanced logistic regression.

The packaged all-MiniLM-L6-v2 encodes each sentence (mean pooling,
normalised) and a logistic regression with balanced class weights learns
the stance on top. Nothing is fine-tuned, so it trains in seconds, and on a
few hundred labelled sentences a pretrained encoder generalises to new
articles far better than n-grams seen once. That makes it the natural fast
suggestion model for the annotation tool.

The run directory holds only the small head (skops, explicit trusted
types) and the config naming the encoder; the encoder itself is the
installed package (``base_model = ""``) or the hub id / folder given, which
keeps a run a few kilobytes instead of 90 MB.
"""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.models import skops_io
from stance.models.base import Rows
from stance.models.common import (
    ModelBase,
    base_model_path,
    check_model_folder,
    check_trainable,
    class_counts,
    compose_all,
    full_proba,
    one_thread,
    pick_device,
    read_marker,
)
from stance.models.prototypes import PROTOTYPES, check_table, hypotheses, prototype_columns

if TYPE_CHECKING:
    import numpy as np

HEAD = "head.skops"

#: The only types the saved head may contain.
TRUSTED: list[str] = [
    "builtins.dict",
    "builtins.list",
    "builtins.str",
    "builtins.tuple",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "sklearn.linear_model._logistic.LogisticRegression",
]


@lru_cache(maxsize=2)
def encoder(base_model: str, device: str, max_length: int) -> Any:
    """A loaded sentence encoder, cached so repeated suggestions don't reload 90 MB."""
    from sentence_transformers import SentenceTransformer

    from stance.models.transformer import quiet_transformers

    path = base_model_path(base_model)
    if Path(path).is_dir():  # sentence-transformers would unpickle pytorch_model.bin (torch's weights_only aside)
        check_model_folder(Path(path))
    try:
        with quiet_transformers():  # no "Loading weights" bar in the middle of a CV run or a table
            model = SentenceTransformer(path, device=pick_device(device), trust_remote_code=False)
    except (OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StanceError(f"can't load the sentence encoder: {first}", field="base_model") from None
    model.max_seq_length = max_length
    return model


#: Sentences whose vectors are kept per process (about 3 KB each).
MEMO_SIZE = 50_000
_MEMO: dict[tuple[str, int], dict[str, np.ndarray]] = {}


def role_columns(rows: Rows) -> np.ndarray:
    """One indicator column per speaker role (:data:`~stance.models.speaker_role.ROLES`) and one for "no speaker".

    "union: ..." in front of the sentence moves its embedding only a little;
    the role as its own columns lets the logistic regression learn how much
    a union or a company speaking shifts the stance, which is what carries
    over to the unseen names of a new article. Measured on the 76 articles
    (grouped 5-fold, finder speakers at test, main d7d2321): MiniLM 0.608 -> 0.634,
    all-mpnet-base-v2 0.620 -> 0.651 macro-F1 with ``role_weight = 0.3``
    (1.0 gave less on new articles: the columns then outweigh the text).
    """
    import numpy as np

    from stance.models.speaker_role import ROLES, speaker_inputs

    roles = speaker_inputs(rows, "role")
    table = np.zeros((len(rows), len(ROLES) + 1))
    for index, role in enumerate(roles):
        table[index, ROLES.index(role) if role in ROLES else len(ROLES)] = 1.0
    return table


class EmbeddingModel(ModelBase):
    """MiniLM sentence embeddings (frozen) + speaker-role columns -> logistic regression."""

    name = "embeddings"
    description = (
        "frozen all-MiniLM-L6-v2 sentence embeddings and the speaker's role with a class-balanced logistic regression"
    )
    defaults: dict[str, Any] = {
        "base_model": "",
        "use_speaker": True,
        "speaker_form": "role",
        "use_context": False,
        "role_weight": 0.3,
        "prototype_weight": 0.0,
        "hypotheses": {},
        "max_length": 128,
        "batch_size": 32,
        "C": 1.0,
        "max_iter": 5000,
        "device": "auto",
    }
    positive = ("max_length", "batch_size", "C", "max_iter")

    def check_config(self) -> None:
        """Also refuse a negative ``role_weight`` or ``prototype_weight`` (0 turns those columns off)."""
        super().check_config()
        for key in ("role_weight", "prototype_weight"):
            if float(self.config[key]) < 0:
                raise StanceError(f"must be 0 or more, got {self.config[key]!r}", field=key)
        if self.config["hypotheses"]:
            check_table(self.config["hypotheses"])

    def __init__(self, config: dict[str, Any] | None = None, *, seed: int = 0) -> None:
        super().__init__(config, seed=seed)
        self.head: Any = None

    def embed(self, rows: Rows) -> np.ndarray:
        """One normalised vector per row, then the optional blocks: previous sentence, role, prototype columns."""
        import numpy as np

        texts, contexts = compose_all(rows, self.config)
        sentences = self._encode(texts)
        blocks = [sentences]
        if contexts is not None:
            blocks.append(self._encode(contexts))
        weight = float(self.config["role_weight"])
        if self.config["use_speaker"] and weight > 0:
            blocks.append(weight * role_columns(rows))
        prototype_weight = float(self.config["prototype_weight"])
        if prototype_weight > 0 and len(rows):
            table = self.config["hypotheses"] or PROTOTYPES
            blocks.append(prototype_weight * prototype_columns(sentences, self._encode(hypotheses(table)), table))
        return np.asarray(np.hstack(blocks), dtype=np.float64)

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts``, reusing vectors this process has already computed.

        Cross-validation and stacking embed the same sentences once per fold;
        the encoder is frozen, so a sentence's vector never changes and the
        second time costs nothing. The memo is bounded (:data:`MEMO_SIZE`).
        """
        import numpy as np

        c = self.config
        key = (c["base_model"], int(c["max_length"]))
        memo = _MEMO.setdefault(key, {})
        todo = list(dict.fromkeys(t for t in texts if t not in memo))
        if todo:
            model = encoder(c["base_model"], c["device"], int(c["max_length"]))
            kwargs = {"batch_size": int(c["batch_size"]), "normalize_embeddings": True}
            fresh = model.encode(todo, show_progress_bar=False, **kwargs)
            if sum(len(m) for m in _MEMO.values()) + len(todo) > MEMO_SIZE:
                memo.clear()
            memo.update(zip(todo, np.asarray(fresh, dtype=np.float64), strict=True))
            if any(t not in memo for t in texts):  # more than the memo holds: no reuse, one pass
                return np.asarray(model.encode(texts, show_progress_bar=False, **kwargs), dtype=np.float64)
        return np.vstack([memo[t] for t in texts]) if texts else np.zeros((0, 0))

    def fit(self, train: Rows, *, validation: Rows | None = None) -> dict[str, Any]:
        """Embed ``train`` once and fit the head; ``validation`` is not needed (no early stopping)."""
        from sklearn.linear_model import LogisticRegression

        labels = check_trainable(train)
        if float(self.config["prototype_weight"]) > 0 and not self.config["hypotheses"]:
            # The run keeps the sentences its head was fitted on, so an edit of
            # PROTOTYPES later never changes what a saved run predicts.
            self.config["hypotheses"] = {stance: list(PROTOTYPES[stance]) for stance in PROTOTYPES}
        started = time.perf_counter()
        features = self.embed(train)
        embedded = time.perf_counter()
        with one_thread():
            self.head = LogisticRegression(
                C=self.config["C"], class_weight="balanced", max_iter=self.config["max_iter"], random_state=self.seed
            ).fit(features, labels)
        return {
            "train_size": len(train),
            "class_counts": class_counts(train),
            "embedding_dim": int(features.shape[1]),
            "embed_seconds": round(embedded - started, 3),
            "fit_seconds": round(time.perf_counter() - started, 3),
        }

    def predict_proba(self, rows: Rows) -> np.ndarray:
        """``(n, 3)`` probabilities in STANCES order."""
        import numpy as np

        if self.head is None:
            raise StanceError("the model is not trained yet")
        if len(rows) == 0:
            return np.zeros((0, 3))
        features = self.embed(rows)
        with one_thread():
            proba = self.head.predict_proba(features)
        return full_proba(proba, [int(c) for c in self.head.classes_])

    def save(self, run_dir: Path) -> None:
        """Write the head (``head.skops``) and the marker naming the encoder."""
        skops_io.save_run(run_dir, HEAD, self.head, self)

    @classmethod
    def load(cls, run_dir: Path) -> EmbeddingModel:
        """Rebuild the head, refusing any type outside :data:`TRUSTED`; the encoder loads on first use."""
        from sklearn.linear_model import LogisticRegression

        model, head = skops_io.load_run(cls, run_dir, HEAD, TRUSTED, expected=LogisticRegression)
        saved = read_marker(Path(run_dir)).get("config", {})
        for key in ("role_weight", "prototype_weight"):
            if key not in saved:
                model.config[key] = 0.0  # saved before these columns existed: its head never saw them
        model.head = head
        return model
