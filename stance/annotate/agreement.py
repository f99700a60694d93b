"""Inter-annotator agreement: pure functions, no I/O.

For two annotators with labels ``y1``, ``y2`` on the same ``n`` sentences:

- observed agreement ``p_o = (1/n) * sum_i [y1_i == y2_i]``;
- Cohen's kappa ``(p_o - p_e) / (1 - p_e)`` with chance agreement
  ``p_e = sum_k p1_k * p2_k`` from each annotator's own class shares
  (equals ``sklearn.metrics.cohen_kappa_score``);
- specific (per-class) agreement ``2 n_kk / (n1_k + n2_k)``: of the times
  either annotator chose class ``k``, how often the other chose it too;
- the confusion matrix ``C[a][b]`` = sentences annotator 1 put in ``a`` and
  annotator 2 in ``b``.

Over any number of annotators, Krippendorff's alpha (nominal)
``1 - (n - 1) * D_o / D_e`` from the coincidence matrix ``o_ck`` (every
ordered pair of values within a sentence, weighted ``1 / (m_u - 1)``):
``D_o = sum_{c != k} o_ck`` and ``D_e = sum_{c != k} n_c n_k``; it uses every
sentence labelled by at least two annotators (equals the ``krippendorff``
package). Undefined values (one class only) are ``nan``.

Speakers are compared after :func:`normalise_speaker` (case, whitespace,
quote marks and known aliases), because "PCS" and "pcs " are one speaker.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from stance.schema import SPEAKER_TYPES, STANCES, Label

FIELDS = ("stance", "speaker", "speaker_type")

# Long and short names of the organisations in this corpus; a project adds its
# own in annotations/speaker_aliases.json ({"alias": "canonical name"}).
KNOWN_ALIASES: dict[str, str] = {
    "public and commercial services union": "PCS",
    "public and commercial services (pcs) union": "PCS",
    "pcs union": "PCS",
    "department for work and pensions": "DWP",
    "ministry of justice": "MoJ",
    "hewlett-packard": "HP",
    "hewlett packard": "HP",
    "the government": "government",
}


def normalise_speaker(name: str, *, aliases: Mapping[str, str] | None = None) -> str:
    """A comparison key for a speaker name: aliases resolved, case and spacing folded."""
    text = " ".join(name.replace("\u2019", "'").replace("\u2018", "'").split())
    table = {**KNOWN_ALIASES, **{k.casefold(): v for k, v in (aliases or {}).items()}}
    text = table.get(text.casefold(), text)
    return text.casefold()


def field_value(label: Label, field: str, *, aliases: Mapping[str, str] | None = None) -> str:
    """The value of one label field as compared for agreement."""
    if field == "speaker":
        return normalise_speaker(label.speaker, aliases=aliases)
    if field in ("stance", "speaker_type"):
        return getattr(label, field)
    raise ValueError(f"unknown field {field!r}; allowed: {', '.join(FIELDS)}")


def observed_agreement(y1: Sequence[Hashable], y2: Sequence[Hashable]) -> float:
    """Share of items on which the two annotators agree."""
    _check_pair(y1, y2)
    return sum(a == b for a, b in zip(y1, y2, strict=True)) / len(y1) if y1 else math.nan


def cohen_kappa(y1: Sequence[Hashable], y2: Sequence[Hashable]) -> float:
    """Cohen's kappa of two annotators (see the module docstring)."""
    _check_pair(y1, y2)
    n = len(y1)
    if n == 0:
        return math.nan
    p_o = observed_agreement(y1, y2)
    c1, c2 = Counter(y1), Counter(y2)
    p_e = sum(c1[k] * c2[k] for k in set(c1) | set(c2)) / (n * n)
    if p_e == 1:
        return math.nan
    return (p_o - p_e) / (1 - p_e)


def specific_agreement(
    y1: Sequence[Hashable], y2: Sequence[Hashable], *, labels: Sequence[Hashable]
) -> dict[Hashable, float]:
    """Per-class agreement ``2 n_kk / (n1_k + n2_k)`` (``nan`` for a class nobody chose)."""
    _check_pair(y1, y2)
    c1, c2 = Counter(y1), Counter(y2)
    both = Counter(a for a, b in zip(y1, y2, strict=True) if a == b)
    return {k: (2 * both[k] / (c1[k] + c2[k]) if c1[k] + c2[k] else math.nan) for k in labels}


def confusion_matrix(y1: Sequence[Hashable], y2: Sequence[Hashable], *, labels: Sequence[Hashable]) -> list[list[int]]:
    """``C[i][j]``: items annotator 1 gave ``labels[i]`` and annotator 2 ``labels[j]``."""
    _check_pair(y1, y2)
    index = {k: i for i, k in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for a, b in zip(y1, y2, strict=True):
        matrix[index[a]][index[b]] += 1
    return matrix


def krippendorff_alpha_nominal(units: Sequence[Sequence[Hashable | None]]) -> float:
    """Krippendorff's alpha for nominal data; ``units`` holds each item's values (``None`` = missing)."""
    coincidence: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidence[(a, b)] += 1 / (m - 1)
    totals: dict[Hashable, float] = defaultdict(float)
    for (a, _), weight in coincidence.items():
        totals[a] += weight
    n = sum(totals.values())
    d_o = sum(w for (a, b), w in coincidence.items() if a != b)
    d_e = sum(totals[a] * totals[b] for a in totals for b in totals if a != b)
    if n <= 1 or d_e == 0:
        return math.nan
    return 1 - (n - 1) * d_o / d_e


def class_order(field: str, values: Sequence[str]) -> list[str]:
    """Row/column order of a confusion matrix: the scheme's order, then any others sorted."""
    scheme = {"stance": STANCES, "speaker_type": SPEAKER_TYPES}.get(field, ())
    return [*scheme, *sorted(set(values) - set(scheme))]


def pair_agreement(y1: Sequence[str], y2: Sequence[str], *, field: str) -> dict[str, Any]:
    """All two-annotator numbers for aligned label lists."""
    labels = class_order(field, [*y1, *y2])
    return {
        "shared": len(y1),
        "observed": observed_agreement(y1, y2),
        "kappa": cohen_kappa(y1, y2),
        "per_class": specific_agreement(y1, y2, labels=labels),
        "labels": labels,
        "confusion": confusion_matrix(y1, y2, labels=labels),
    }


@dataclass
class AgreementReport:
    """Agreement of several annotators on one field; :meth:`to_dict` is the ``--json`` output.

    ``pairs`` holds one record per annotator pair (:func:`pair_agreement`
    plus ``annotators``); ``gold``, when asked for, each annotator against gold
    (:func:`against_reference`). Undefined statistics are NaN here and
    ``null`` in :meth:`to_dict`.
    """

    field: str
    annotators: list[str]
    labelled: dict[str, int]
    units: int
    alpha: float
    pairs: list[dict[str, Any]]
    gold: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON record: field, annotators, labelled, units, alpha, pairs (and gold when scored)."""
        record = {
            "field": self.field,
            "annotators": self.annotators,
            "labelled": self.labelled,
            "units": self.units,
            "alpha": self.alpha,
            "pairs": self.pairs,
        }
        if self.gold is not None:
            record["gold"] = self.gold
        return finite(record)


def finite(value: Any) -> Any:
    """The same structure with NaN (undefined statistics) as ``None``, for JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def agreement(
    labels: Mapping[str, Mapping[str, Label]], *, field: str = "stance", aliases: Mapping[str, str] | None = None
) -> AgreementReport:
    """Agreement of several annotators on one field: every pair, and alpha over all.

    ``labels`` maps annotator -> sent_id -> label. Pairs are compared on the
    sentences both labelled; alpha uses every sentence at least two labelled.
    """
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}; allowed: {', '.join(FIELDS)}")
    names = list(labels)
    values = {
        name: {sid: field_value(lab, field, aliases=aliases) for sid, lab in labels[name].items()} for name in names
    }
    pairs = []
    for first, second in combinations(names, 2):
        shared = [sid for sid in values[first] if sid in values[second]]
        y1 = [values[first][sid] for sid in shared]
        y2 = [values[second][sid] for sid in shared]
        pairs.append({"annotators": [first, second], **pair_agreement(y1, y2, field=field)})
    all_ids = sorted({sid for name in names for sid in values[name]})
    units = [[values[name].get(sid) for name in names] for sid in all_ids]
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    return AgreementReport(
        field=field,
        annotators=names,
        labelled={name: len(values[name]) for name in names},
        units=len(pairable),
        alpha=krippendorff_alpha_nominal(pairable),
        pairs=pairs,
    )


def against_reference(
    labels: Mapping[str, Mapping[str, Label]],
    reference: Mapping[str, Label],
    *,
    field: str = "stance",
    aliases: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Each annotator scored against a reference (gold) on the sentences both have."""
    gold = {sid: field_value(lab, field, aliases=aliases) for sid, lab in reference.items()}
    scores = []
    for name, mine in labels.items():
        shared = [sid for sid in mine if sid in gold]
        y = [field_value(mine[sid], field, aliases=aliases) for sid in shared]
        g = [gold[sid] for sid in shared]
        scores.append({"annotator": name, **pair_agreement(y, g, field=field)})
    return scores


def _check_pair(y1: Sequence[Any], y2: Sequence[Any]) -> None:
    if len(y1) != len(y2):
        raise ValueError(f"the two label lists differ in length ({len(y1)} != {len(y2)})")
