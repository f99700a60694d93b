"""Probe features and combinations for new articles before wiring any into a model (issue 13).

The folds are `stance evaluate`'s (grouped stratified 5-fold by article, seed
0) and the old -> new split (`collection:seed,corpus-extra` ->
`collection:corpus-more`); every model is trained on gold speakers and tested
on the speaker finder's. Pooled out-of-fold macro-F1, point estimates only
(the CIs of these protocols are about +-0.03 and +-0.04): a screen, not a
result. What wins here is wired into a registered model and measured with
`stance evaluate`. Usage (needs the mpnet extra; about 4 minutes on 2 cores):

    .venv/bin/python scripts/feature_probe.py
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np
from probe_protocol import FINDER, PROTOCOLS, ROWS, Proba, out_of_fold, root, score
from sklearn.linear_model import LogisticRegression

from stance.models import registry
from stance.models.embeddings import EmbeddingModel, role_columns
from stance.schema import STANCES

#: A quotation mark: straight or curly double quotes, or single quotes at a word edge.
QUOTE = re.compile(r"[\"\u201c\u201d]|(^|\s)[\u2018']|[\u2019'](\s|$|[.,])")


def registered(name: str, config: dict) -> Proba:
    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        model = registry.create(name, config={**registry.load_config(name, root=root), **config})
        model.fit([ROWS[i] for i in train])
        return model.predict_proba([FINDER[i] for i in test])

    return out_of_fold(fit_predict)


def flags(rows: Sequence[dict], kinds: Sequence[str]) -> np.ndarray:
    """Extra columns: inside a quotation, headline/lead position, role x quotation."""
    quoted = np.array([[float(bool(QUOTE.search(r["text"])))] for r in rows])
    columns = []
    if "quote" in kinds:
        columns.append(quoted)
    if "position" in kinds:
        columns.append(np.array([[float(r["index"] == 0), float(r["index"] <= 2)] for r in rows]))
    if "role x quote" in kinds:
        columns.append(role_columns(rows) * quoted)
    return np.hstack(columns) if columns else np.zeros((len(rows), 0))


def with_flags(base_model: str, kinds: Sequence[str], weight: float = 0.3) -> Proba:
    """The embeddings recipe (role columns at 0.3) plus the ``kinds`` flags, scaled by ``weight``."""
    encoder = EmbeddingModel({"base_model": base_model})

    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        part, held = [ROWS[i] for i in train], [FINDER[i] for i in test]
        x_train = np.hstack([encoder.embed(part), weight * flags(part, kinds)])
        x_test = np.hstack([encoder.embed(held), weight * flags(held, kinds)])
        head = LogisticRegression(class_weight="balanced", max_iter=5000)
        head.fit(x_train, [STANCES.index(r["stance"]) for r in part])
        return head.predict_proba(x_test)

    return out_of_fold(fit_predict)


def line(label: str, proba: Proba) -> None:
    cells = "  ".join(f"{protocol} {score(*proba[protocol]):.3f}" for protocol in PROTOCOLS)
    print(f"{label:55s} {cells}", flush=True)


def mean(*probas: Proba) -> Proba:
    return {p: (probas[0][p][0], sum(x[p][1] for x in probas) / len(probas)) for p in PROTOCOLS}


def best_bias(proba: Proba) -> str:
    """The best macro-F1 from adding class biases to the log-probabilities, fitted ON the test folds (a ceiling)."""
    grid = np.linspace(-1, 1, 21)
    cells = []
    for protocol in PROTOCOLS:
        positions, p = proba[protocol]
        logp = np.log(np.clip(p, 1e-9, 1))
        best = max(score(positions, logp + np.array([a, b, 0.0])) for a, b in itertools.product(grid, grid))
        cells.append(f"{protocol} {best:.3f}")
    return "  ".join(cells)


def main() -> None:
    tfidf = registered("tfidf", {})
    line("tfidf (default)", tfidf)
    line("tfidf + previous sentence", registered("tfidf", {"use_context": True}))
    plain = {}
    for label, base in (("MiniLM", ""), ("mpnet", "mpnet")):
        plain[label] = registered("embeddings", {"base_model": base, "role_weight": 0.0})
        line(f"{label}, role in front only (role_weight 0)", plain[label])
        for c in (0.25, 4.0):
            line(
                f"{label}, role_weight 0, C = {c}",
                registered("embeddings", {"base_model": base, "role_weight": 0.0, "C": c}),
            )
        line(
            f"{label} + previous sentence",
            registered("embeddings", {"base_model": base, "role_weight": 0.0, "use_context": True}),
        )
        line(f"{label}, role columns 1.0", registered("embeddings", {"base_model": base, "role_weight": 1.0}))
        line(f"{label}, role columns 0.3 (the default)", registered("embeddings", {"base_model": base}))
        for kinds in (("quote",), ("position",), ("quote", "position"), ("quote", "role x quote")):
            line(f"{label}, role columns + {' + '.join(kinds)}", with_flags(base, kinds))
    line("mean tfidf + MiniLM (role in front only)", mean(tfidf, plain["MiniLM"]))
    line("mean tfidf + mpnet (role in front only)", mean(tfidf, plain["mpnet"]))
    line("mean tfidf + MiniLM + mpnet (role in front only)", mean(tfidf, plain["MiniLM"], plain["mpnet"]))
    print(f"{'class biases on tfidf + MiniLM, fitted on the test folds':55s} {best_bias(mean(tfidf, plain['MiniLM']))}")


if __name__ == "__main__":
    main()
