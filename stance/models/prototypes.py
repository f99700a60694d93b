"""Label descriptions: general sentences that say what each stance sounds like, with no corpus wording.

A sentence's cosine similarity to these hypotheses is a zero-shot signal:
it comes from what the encoder learned about language, not from the words of
the training articles, so it should carry over to articles about firms and
countries the corpus never mentions. Written for this purpose in general
terms (never copied from the corpus); 8 per class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError

if TYPE_CHECKING:
    import numpy as np

#: Hypothesis sentences per stance (keys are :data:`stance.schema.STANCES`).
PROTOTYPES: dict[str, tuple[str, ...]] = {
    "pro": (
        "Sending jobs abroad will cut costs and help the company compete.",
        "Moving work overseas is a sensible business decision.",
        "Outsourcing to lower-cost countries keeps the business profitable and saves other jobs.",
        "Offshoring gives customers a better service at a lower price.",
        "We are confident the move abroad will not harm our staff or customers.",
        "Global sourcing makes the economy more efficient and benefits everyone in the long run.",
        "The company defended its decision to transfer the work to a foreign supplier.",
        "Firms must be free to put work wherever it is done best.",
    ),
    "anti": (
        "The union will fight plans to move jobs overseas.",
        "Shipping these jobs abroad is a betrayal of loyal workers.",
        "Offshoring puts customers' personal data and service quality at risk.",
        "We demand guarantees that no work will be sent to other countries.",
        "Exporting jobs destroys local communities and should be stopped.",
        "Critics condemned the decision to outsource the work to a cheaper country.",
        "The government must protect domestic jobs from being moved abroad.",
        "We are committed to keeping all of this work in this country.",
    ),
    "neutral": (
        "The company employs several thousand people at its main site.",
        "The contract was signed last year and runs for five years.",
        "The firm reported its quarterly results on Tuesday.",
        "The talks between the two sides are expected to continue next week.",
        "The report was published by the department this morning.",
        "About a third of the staff work in customer service.",
        "The business was founded in the nineteen-eighties and has offices in several cities.",
        "A spokesperson said no decision had yet been made.",
    ),
}


def check_table(table: Mapping[str, Any]) -> None:
    """Refuse a hypothesis table that does not give every stance one or more sentences (a config's ``hypotheses``)."""
    from stance.schema import STANCES

    if set(table) != set(STANCES):
        raise StanceError(f"expected one list of sentences for each of {', '.join(STANCES)}", field="hypotheses")
    for stance in STANCES:
        sentences = table[stance]
        if not isinstance(sentences, (list, tuple)) or not sentences or not all(isinstance(s, str) for s in sentences):
            raise StanceError(f"{stance!r}: expected a non-empty list of sentences", field="hypotheses")


def hypotheses(table: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """Every hypothesis sentence of ``table`` (default :data:`PROTOTYPES`), class by class in STANCES order."""
    from stance.schema import STANCES

    table = PROTOTYPES if not table else table
    return [sentence for stance in STANCES for sentence in table[stance]]


def prototype_columns(
    vectors: np.ndarray, hypothesis_vectors: np.ndarray, table: Mapping[str, Sequence[str]] | None = None
) -> np.ndarray:
    """Per stance, the highest cosine similarity of each (normalised) sentence vector to that stance's hypotheses.

    ``hypothesis_vectors`` are the normalised vectors of :func:`hypotheses`
    of the same ``table``, in its order. The maximum, not the mean: a sentence needs to resemble one
    way of taking a side, not all of them (in the screen the maximum of
    three columns beat all 24 columns and the mean; docs/results-mpnet.md).
    """
    import numpy as np

    from stance.schema import STANCES

    table = PROTOTYPES if not table else table
    similarities = vectors @ hypothesis_vectors.T
    columns, start = [], 0
    for stance in STANCES:
        end = start + len(table[stance])
        columns.append(similarities[:, start:end].max(axis=1))
        start = end
    return np.stack(columns, axis=1)
