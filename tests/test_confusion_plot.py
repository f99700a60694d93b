"""The confusion-matrix PNG shades each gold row by its shares, so small classes are not pale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stance.evaluation.report import plot_confusion, row_shares


def test_row_shares_equal_scikit_learns_normalised_matrix() -> None:
    from sklearn.metrics import confusion_matrix

    y_true = ["pro"] * 5 + ["anti"] * 3 + ["neutral"] * 40
    y_pred = [
        "pro",
        "pro",
        "neutral",
        "anti",
        "neutral",
        "anti",
        "neutral",
        "neutral",
        *(["neutral"] * 38),
        "pro",
        "anti",
    ]
    labels = ["pro", "anti", "neutral"]
    counts = confusion_matrix(y_true, y_pred, labels=labels).tolist()
    expected = confusion_matrix(y_true, y_pred, labels=labels, normalize="true")
    np.testing.assert_allclose(row_shares(counts), expected)
    assert row_shares([[0, 0, 0], [1, 1, 0], [0, 0, 4]])[0] == [0.0, 0.0, 0.0]  # no gold pro: a row of zeros


def test_confusion_png_has_a_colour_bar_and_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = []
    monkeypatch.setattr(plt, "close", figures.append)  # keep the figure to look at it
    path = tmp_path / "confusion.png"
    plot_confusion([[2, 1, 7], [0, 3, 1], [4, 0, 80]], "m", path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (figure,) = figures
    heat, bar = figure.axes
    assert bar.get_ylabel() == "share of the gold row"
    image = heat.images[0].get_array()
    np.testing.assert_allclose(image[0], [0.2, 0.1, 0.7])  # shaded per row, not by raw count
    cells = [t.get_text() for t in heat.texts]
    assert cells[0] == "2\n20%" and cells[-1] == "80\n95%"
