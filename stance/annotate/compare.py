"""Agreement of the project's annotators: reads their histories, computes with :mod:`stance.annotate.agreement`."""

from __future__ import annotations

from collections.abc import Sequence

from stance.annotate.agreement import FIELDS, AgreementReport, against_reference, agreement
from stance.annotate.store import load_aliases, load_annotators
from stance.corpus.articles import load_sentences
from stance.corpus.gold import load_gold
from stance.errors import StanceError
from stance.paths import Root


def agreement_report(
    root: Root, names: Sequence[str] = (), *, field: str = "stance", with_gold: bool = False
) -> AgreementReport:
    """Pairwise and overall agreement of annotators (all when ``names`` is empty), optionally against gold."""
    if field not in FIELDS:
        raise StanceError(f"unknown field {field!r}; allowed: {', '.join(FIELDS)}", field="--field")
    known = {s.sent_id for s in load_sentences(root)}
    labels = load_annotators(root, names, known_ids=known)
    if not labels:
        raise StanceError(f"no annotator files in {root.annotators}: label with `stance annotate` first")
    if len(labels) < 2 and not with_gold:
        raise StanceError("agreement needs two annotators (or --with-gold)")
    aliases = load_aliases(root)
    report = agreement(labels, field=field, aliases=aliases)
    if with_gold:
        report.gold = against_reference(labels, load_gold(root, known_ids=known), field=field, aliases=aliases)
    return report
