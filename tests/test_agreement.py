"""Agreement numbers equal scikit-learn's and the krippendorff package's on known data."""

from __future__ import annotations

import json
import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from sklearn.metrics import confusion_matrix as sk_confusion

from stance.annotate.agreement import (
    against_reference,
    agreement,
    cohen_kappa,
    confusion_matrix,
    krippendorff_alpha_nominal,
    normalise_speaker,
    observed_agreement,
    specific_agreement,
)
from stance.schema import STANCES, Label

# Three annotators on ten sentences; None = not labelled by that annotator.
ALICE = ["pro", "anti", "neutral", "neutral", "anti", "pro", "neutral", "anti", "neutral", None]
BOB = ["pro", "anti", "neutral", "anti", "anti", "neutral", "neutral", "anti", None, "pro"]
CAROL = [None, "anti", "pro", "neutral", "anti", "pro", "neutral", "neutral", "neutral", "pro"]


def _labels(values: list[str | None], name: str) -> dict[str, Label]:
    return {
        f"a:{i:03d}": Label(f"a:{i:03d}", "author", "author", v, name) for i, v in enumerate(values) if v is not None
    }


def _shared(y1: list[str | None], y2: list[str | None]) -> tuple[list[str], list[str]]:
    pairs = [(a, b) for a, b in zip(y1, y2, strict=True) if a is not None and b is not None]
    return [a for a, _ in pairs], [b for _, b in pairs]


def test_hand_computed_kappa() -> None:
    # 2x2 table: 20 agree-yes, 15 agree-no, 5 + 10 disagreements -> p_o = .7, p_e = .5, kappa = .4
    y1 = ["y"] * 25 + ["n"] * 25
    y2 = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert observed_agreement(y1, y2) == pytest.approx(0.7)
    assert cohen_kappa(y1, y2) == pytest.approx(0.4)


@pytest.mark.parametrize(("first", "second"), [(ALICE, BOB), (ALICE, CAROL), (BOB, CAROL)])
def test_kappa_and_confusion_equal_sklearn(first: list, second: list) -> None:
    y1, y2 = _shared(first, second)
    assert cohen_kappa(y1, y2) == pytest.approx(cohen_kappa_score(y1, y2), abs=1e-12)
    ours = confusion_matrix(y1, y2, labels=STANCES)
    assert ours == sk_confusion(y1, y2, labels=list(STANCES)).tolist()
    assert observed_agreement(y1, y2) == pytest.approx(np.trace(np.array(ours)) / len(y1))


def test_alpha_equals_krippendorff_package_with_missing_values() -> None:
    codes = {s: i for i, s in enumerate(STANCES)}
    data = np.array([[np.nan if v is None else codes[v] for v in coder] for coder in (ALICE, BOB, CAROL)], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    units = list(zip(ALICE, BOB, CAROL, strict=True))
    assert krippendorff_alpha_nominal(units) == pytest.approx(expected, abs=1e-12)
    # Two coders, no missing values: also equal.
    y1, y2 = _shared(ALICE, BOB)
    data2 = np.array([[codes[v] for v in y1], [codes[v] for v in y2]], dtype=float)
    assert krippendorff_alpha_nominal(list(zip(y1, y2, strict=True))) == pytest.approx(
        krippendorff.alpha(reliability_data=data2, level_of_measurement="nominal"), abs=1e-12
    )


def test_specific_agreement() -> None:
    y1 = ["pro", "pro", "anti", "neutral"]
    y2 = ["pro", "anti", "anti", "neutral"]
    per_class = specific_agreement(y1, y2, labels=STANCES)
    assert per_class["pro"] == pytest.approx(2 * 1 / (2 + 1))
    assert per_class["anti"] == pytest.approx(2 * 1 / (1 + 2))
    assert per_class["neutral"] == 1.0
    assert math.isnan(specific_agreement(["pro"], ["pro"], labels=STANCES)["anti"])


def test_undefined_statistics_are_nan() -> None:
    assert math.isnan(cohen_kappa(["pro", "pro"], ["pro", "pro"]))
    assert math.isnan(krippendorff_alpha_nominal([["pro", "pro"], ["pro", "pro"]]))
    with pytest.raises(ValueError, match="differ in length"):
        cohen_kappa(["pro"], [])


def test_report_over_annotators_matches_references() -> None:
    labels = {"alice": _labels(ALICE, "alice"), "bob": _labels(BOB, "bob"), "carol": _labels(CAROL, "carol")}
    report = agreement(labels, field="stance")
    assert report.units == 10
    pair = next(p for p in report.pairs if p["annotators"] == ["alice", "bob"])
    y1, y2 = _shared(ALICE, BOB)
    assert pair["shared"] == len(y1) == 8
    assert pair["kappa"] == pytest.approx(cohen_kappa_score(y1, y2))
    scores = against_reference({"bob": labels["bob"]}, labels["alice"])
    assert scores[0]["kappa"] == pytest.approx(cohen_kappa_score(y2, y1))


def test_speakers_compared_after_normalisation() -> None:
    assert normalise_speaker("  Mark   Serwotka ") == normalise_speaker("mark serwotka")
    assert normalise_speaker("Public and Commercial Services Union") == normalise_speaker("PCS")
    assert normalise_speaker("Georgina O\u2019Toole") == normalise_speaker("Georgina O'Toole")
    assert normalise_speaker("Big Co", aliases={"big co": "BigCorp"}) == normalise_speaker("bigcorp")
    first = {"s:000": Label("s:000", "PCS", "organisation", "anti", "a")}
    second = {"s:000": Label("s:000", "pcs union", "organisation", "pro", "b")}
    report = agreement({"a": first, "b": second}, field="speaker")
    assert report.pairs[0]["observed"] == 1.0


def test_report_to_dict_is_the_json_schema() -> None:
    """The ``--json`` record keeps its keys; undefined statistics become null, gold appears only when scored."""
    same = {"s:000": Label("s:000", "PCS", "organisation", "pro", "a")}
    report = agreement({"a": same, "b": {"s:000": Label("s:000", "PCS", "organisation", "pro", "b")}})
    record = report.to_dict()
    assert list(record) == ["field", "annotators", "labelled", "units", "alpha", "pairs"]
    assert math.isnan(report.alpha) and record["alpha"] is None  # one unit, one value: alpha undefined
    assert record["pairs"][0]["annotators"] == ["a", "b"] and record["labelled"] == {"a": 1, "b": 1}
    report.gold = against_reference({"a": same}, same)
    assert list(report.to_dict())[-1] == "gold"
    json.dumps(report.to_dict(), allow_nan=False)
