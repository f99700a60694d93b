"""Run an evaluation protocol and return every number; print nothing.

Protocols:

- ``article`` (default): leave-one-article-out cross-validation. Each model
  is created from its config and trained inside each fold on the other
  articles only; the held-out article's sentences are predicted once. The
  out-of-fold predictions of all folds are pooled and scored together,
  because one article alone may lack a stance entirely.
- ``kfold``: stratified K-fold, grouped by article when there are at least K
  articles (otherwise ungrouped, and the result says so).
- ``split``: train on one set of articles and test on another (by
  collection or by id, see :func:`stance.splits.article_split`): one fold,
  scored like cross-validation; saved run directories are used as they are.
- ``test``: no cross-validation; registry models are trained on the whole
  corpus (saved run directories are used as they are) and scored on an
  external labelled file.

Reference rows (majority class, stratified random) are always included.
Every headline score carries a seeded bootstrap CI; every pair of models is
compared on the same sentences (paired bootstrap CI + approximate
randomisation p-value of the macro-F1 difference, McNemar's exact test), with
Holm's correction across the pairs. With ``finder_rows`` (the same rows
carrying the speaker finder's speakers) each registry model is also
cross-validated three ways -- text only, gold speaker in training and test,
gold speaker in training and the finder's at test time -- because the
speaker helps only as far as the finder can supply it on a new article.
Problems that do not stop the run (a
stance missing from a test fold or from a training set) become warnings in
the result, never a silent NaN.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from stance.errors import StanceError
from stance.evaluation import metrics, stats
from stance.evaluation.splits import ArticleSplit, Fold, kfold, leave_one_article_out, stratified_subsample
from stance.models.baselines import REFERENCES, ReferenceModel
from stance.schema import STANCES

#: Training shares for the learning curve.
CURVE_FRACTIONS: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)

#: ``progress(done, total, description)``, called after each trained fold.
Progress = Callable[[int, int, str], None]


@dataclass
class ModelSpec:
    """What to evaluate: a registry model with its config, a reference row or a saved run.

    ``model`` is the registry kind that trains it: the name itself for a
    registry model, the kind recorded in the run for a saved run. A saved
    run's folder name is only a label, so cross-validation retrains the
    run's kind with the run's config in each fold (its weights have seen
    every article); with a test file the saved weights are used as they are.
    """

    name: str
    kind: str  # "reference" | "registry" | "saved"
    config: dict[str, Any] = field(default_factory=dict)
    run_dir: str | None = None
    model: str | None = None


@dataclass
class ModelResult:
    """One model's out-of-fold predictions and scores (the first seed drives the tests)."""

    name: str
    kind: str
    config: dict[str, Any]
    seeds: list[int]
    predictions: list[str]
    proba: np.ndarray
    scores: dict[str, Any]
    ci: dict[str, tuple[float, float]]
    seed_scores: list[dict[str, float]]
    seed_summary: dict[str, tuple[float, float]]
    folds: list[dict[str, Any]]
    seconds: float


@dataclass
class EvaluationResult:
    """Everything a report needs; :mod:`stance.evaluation.report` turns it into files and tables."""

    protocol: dict[str, Any]
    data: dict[str, Any]
    rows: list[dict[str, Any]]
    fold_of: list[str]
    models: list[ModelResult]
    comparisons: list[dict[str, Any]]
    learning_curve: dict[str, list[dict[str, float]]]
    warnings: list[str]
    seconds: float
    speaker_ablation: dict[str, Any] | None = None

    def model(self, name: str) -> ModelResult:
        for result in self.models:
            if result.name == name:
                return result
        raise StanceError(f"Can't find {name!r}. Available names: {', '.join(m.name for m in self.models)}")


def fingerprint(rows: Sequence[Mapping[str, Any]]) -> str:
    """sha256 of what a model sees and is scored on, so two reports can be compared."""
    digest = hashlib.sha256()
    for row in rows:
        record = [row.get(k) for k in ("sent_id", "text", "context", "speaker", "stance")]
        digest.update(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    return digest.hexdigest()


def resolve_models(
    names: Sequence[str] | None,
    *,
    root: Any = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[ModelSpec]:
    """Reference rows, then the requested models (default: every registered one).

    An item that is an existing directory is a saved model run; anything
    else must be a registry name (unknown names fail with the list of names).
    """
    from stance.models import registry
    from stance.models.common import read_marker

    overrides = dict(overrides or {})
    specs = [ModelSpec(name=name, kind="reference", config={"strategy": s}) for name, s in REFERENCES.items()]
    wanted = list(names) if names else registry.available()
    for name in overrides:
        if name not in wanted:
            raise StanceError(f"--set {name}.*: model {name!r} is not evaluated", field="--set")
    seen = set(REFERENCES)
    for item in wanted:
        if item in REFERENCES:
            continue
        if Path(item).is_dir():
            model = registry.load_model(item)  # a broken run fails now, not after an hour of training
            kind = read_marker(Path(item))["model"]
            config = dict(model.config)
            spec = ModelSpec(name=Path(item).name, kind="saved", config=config, run_dir=str(item), model=kind)
        else:
            config = registry.load_config(item, overrides=overrides.get(item), root=root)
            spec = ModelSpec(name=item, kind="registry", config=config)
        if spec.name in seen:
            raise StanceError(f"model {spec.name!r} given twice", field="--models")
        seen.add(spec.name)
        specs.append(spec)
    return specs


def _create(spec: ModelSpec, seed: int) -> Any:
    if spec.kind == "reference":
        return ReferenceModel(spec.name, seed=seed)
    from stance.models import registry

    return registry.create(spec.model or spec.name, config=spec.config, seed=seed)


def _class_warnings(fold: str, train_labels: Sequence[str], test_labels: Sequence[str]) -> list[str]:
    found = []
    for label in metrics.missing_classes(test_labels):
        found.append(f"fold {fold}: no gold {label!r} sentence in the test fold; its per-fold F1({label}) counts as 0")
    for label in metrics.missing_classes(train_labels):
        found.append(f"fold {fold}: no {label!r} sentence in training; the models cannot predict it in this fold")
    return found


def headline_test_rows(
    spec: ModelSpec, test_speakers: Sequence[Mapping[str, Any]] | None
) -> Sequence[Mapping[str, Any]] | None:
    """The rows a model is tested on in the headline numbers: the finder's speakers if it uses the speaker.

    A user predicting on a new article has no gold speakers, only the
    finder's, so a speaker-aware model is scored with those (trained on gold
    speakers, as annotators give them); ``None`` means the rows as they are.
    """
    if test_speakers is None or not spec.config.get("use_speaker"):
        return None
    return test_speakers


def _run_folds(
    spec: ModelSpec,
    rows: Sequence[Mapping[str, Any]],
    folds: Sequence[Fold],
    seed: int,
    tick: Callable[[str], None],
    *,
    fraction: float = 1.0,
    test_source: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]:
    """Train a fresh model in each fold, predict its test rows; return pooled predictions.

    ``test_source`` (aligned with ``rows``) replaces the rows at test time only:
    the speaker ablation trains on gold speakers and tests on the finder's.
    """
    y = [row["stance"] for row in rows]
    proba = np.zeros((len(rows), len(STANCES)))
    fold_scores = []
    for number, fold in enumerate(folds):
        train_idx = fold.train
        if fraction < 1.0:
            train_idx = stratified_subsample(train_idx, y, fraction=fraction, seed=seed + number)
        train = [rows[i] for i in train_idx]
        test = [(rows if test_source is None else test_source)[i] for i in fold.test]
        # Reference rows vary their random seed per fold; learned models keep theirs.
        model = _create(spec, seed + number if spec.kind == "reference" else seed)
        model.fit(train)
        fold_proba = np.asarray(model.predict_proba(test), dtype=float)
        if fold_proba.shape != (len(test), len(STANCES)):
            raise StanceError(f"model {spec.name!r} returned probabilities of shape {fold_proba.shape}")
        proba[list(fold.test)] = fold_proba
        predicted = [STANCES[int(i)] for i in fold_proba.argmax(axis=1)]
        scored = metrics.evaluate_predictions([y[i] for i in fold.test], predicted)
        fold_scores.append(
            {
                "fold": fold.name,
                "n_train": len(train),
                "n_test": len(test),
                **{k: scored[k] for k in metrics.HEADLINE},
            }
        )
        tick(f"{spec.name} {fold.name}")
    predictions = [STANCES[int(i)] for i in proba.argmax(axis=1)]
    return predictions, proba, fold_scores


def _predict_saved_or_trained(
    spec: ModelSpec, train_rows: Sequence[Mapping[str, Any]], test_rows: Sequence[Mapping[str, Any]], seed: int
) -> np.ndarray:
    if spec.kind == "saved":
        from stance.models import registry

        model = registry.load_model(spec.run_dir)
    else:
        model = _create(spec, seed)
        model.fit(train_rows)
    return np.asarray(model.predict_proba(test_rows), dtype=float)


def _score(
    result_name: str,
    y: Sequence[str],
    predictions: Sequence[str],
    *,
    n_resamples: int,
    seed: int,
    groups: Sequence[str] | None,
) -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
    scores = metrics.evaluate_predictions(y, predictions)
    ci = stats.bootstrap_ci(y, predictions, n_resamples=n_resamples, seed=seed, groups=groups)
    return scores, ci


def evaluate(
    rows: Sequence[Mapping[str, Any]],
    specs: Sequence[ModelSpec],
    *,
    cv: str = "article",
    k: int | None = None,
    seeds: int = 1,
    seed: int = 0,
    n_bootstrap: int = 1000,
    bootstrap_unit: str = "sentence",
    test_rows: Sequence[Mapping[str, Any]] | None = None,
    test_file: str | None = None,
    learning_curve: bool = False,
    progress: Progress | None = None,
    extra_protocol: Mapping[str, Any] | None = None,
    finder_rows: Sequence[Mapping[str, Any]] | None = None,
    split: ArticleSplit | None = None,
    test_speakers: Sequence[Mapping[str, Any]] | None = None,
) -> EvaluationResult:
    """Evaluate ``specs`` on ``rows`` under one protocol (see the module docstring).

    With ``split`` the rows are those of both article sets; only the test
    set's rows are scored. ``test_speakers`` (``rows`` with the finder's
    speakers) is what speaker-aware models see at test time
    (:func:`headline_test_rows`).
    """
    started = time.perf_counter()
    if seeds < 1:
        raise StanceError(f"{seeds}: need at least one seed", field="--seeds")
    if n_bootstrap < 100:
        raise StanceError(f"{n_bootstrap}: use at least 100 bootstrap resamples", field="--bootstrap")
    if bootstrap_unit not in ("sentence", "article"):
        raise StanceError(f"{bootstrap_unit!r}: expected 'sentence' or 'article'", field="--bootstrap-unit")
    if not rows:
        raise StanceError("no labelled sentences to evaluate on (label some with `stance annotate`)")
    warnings: list[str] = []
    train_y = [row["stance"] for row in rows]

    if test_rows is not None and split is not None:
        raise StanceError("an external test file and a test set of articles are two protocols; give one")
    positions: list[int] = list(range(len(rows)))
    if test_rows is not None:
        eval_rows = list(test_rows)
        folds: list[Fold] = []
        grouped = False
    elif split is not None:
        folds = [split.fold]
        grouped = True
        positions = list(split.fold.test)
        eval_rows = [rows[i] for i in positions]
        train_labels = [train_y[i] for i in split.fold.train]
        warnings.extend(
            f"test set: no gold {label!r} sentence, so F1({label}) is 0"
            for label in metrics.missing_classes([row["stance"] for row in eval_rows])
        )
        warnings.extend(
            f"training set: no {label!r} sentence; the models cannot predict it"
            for label in metrics.missing_classes(train_labels)
        )
    else:
        eval_rows = list(rows)
        articles = [row["article"] for row in rows]
        if cv == "article":
            folds = leave_one_article_out(articles)
            grouped = True
        elif cv == "kfold":
            folds, grouped = kfold(train_y, articles, k=int(k or 5), seed=seed)
            if not grouped:
                warnings.append(
                    f"only {len(set(articles))} articles for {k} folds: K-fold is not grouped by article, "
                    "so sentences of one article are in training and test (scores are optimistic)"
                )
        else:
            raise StanceError(f"{cv!r}: expected 'article' or 'kfold'", field="--cv")
        for fold in folds:
            warnings.extend(
                _class_warnings(fold.name, [train_y[i] for i in fold.train], [train_y[i] for i in fold.test])
            )
    y = [row["stance"] for row in eval_rows]
    if test_rows is not None:
        warnings.extend(f"test file: no gold {label!r} sentence" for label in metrics.missing_classes(y))
    groups = None
    if bootstrap_unit == "article":
        if any(not row.get("article") for row in eval_rows):
            raise StanceError("--bootstrap-unit article needs an 'article' value on every test row", field="article")
        groups = [str(row["article"]) for row in eval_rows]
        if len(set(groups)) < 5:
            warnings.append(
                f"only {len(set(groups))} articles: an article bootstrap with so few clusters gives rough intervals"
            )

    seed_list = [seed + i for i in range(seeds)]
    curve_fractions = [f for f in CURVE_FRACTIONS if f < 1.0] if learning_curve and folds else []
    learned = [s for s in specs if s.kind != "reference"]
    per_run = max(len(folds), 1)
    if test_speakers is not None and len(test_speakers) != len(rows):
        raise StanceError(f"{len(test_speakers)} finder rows for {len(rows)} rows", field="test_speakers")
    if finder_rows is not None:
        if not folds:
            raise StanceError("the speaker ablation needs cross-validation, not --test", field="--speaker-ablation")
        if len(finder_rows) != len(rows):
            raise StanceError(f"{len(finder_rows)} finder rows for {len(rows)} rows", field="--speaker-ablation")
    ablated = [s for s in specs if s.kind == "registry"] if finder_rows is not None else []
    total = per_run * (len(specs) + len(learned) * (seeds - 1) + len(specs) * len(curve_fractions) + len(ablated) * 2)
    done = 0

    def tick(description: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, description)

    results: list[ModelResult] = []
    for spec in specs:
        model_started = time.perf_counter()
        spec_seeds = seed_list if spec.kind != "reference" else [seed]
        runs = []
        fold_scores: list[dict[str, Any]] = []
        for s in spec_seeds:
            source = headline_test_rows(spec, test_speakers)
            if folds and not (split is not None and spec.kind == "saved"):
                predictions, proba, fscores = _run_folds(spec, rows, folds, s, tick, test_source=source)
                predictions, proba = [predictions[i] for i in positions], proba[positions]
            else:
                train_rows = rows if split is None else [rows[i] for i in split.fold.train]
                tested = eval_rows if source is None or test_rows is not None else [source[i] for i in positions]
                proba = _predict_saved_or_trained(spec, train_rows, tested, s)
                predictions = [STANCES[int(i)] for i in proba.argmax(axis=1)]
                fscores = []
                tick(f"{spec.name} test")
            runs.append((predictions, proba))
            if not fold_scores:
                fold_scores = fscores
        predictions, proba = runs[0]
        scores, ci = _score(spec.name, y, predictions, n_resamples=n_bootstrap, seed=seed, groups=groups)
        seed_scores = [
            {k: v for k, v in metrics.evaluate_predictions(y, p).items() if k in metrics.HEADLINE} for p, _ in runs
        ]
        summary = {name: stats.mean_sd([s[name] for s in seed_scores]) for name in metrics.HEADLINE}
        if spec.kind == "saved" and split is not None:
            warnings.append(f"{spec.name}: a saved run is used as it was trained; it may have seen test articles")
        if spec.kind == "registry" or spec.kind == "saved":
            missing = [label for label in STANCES if label not in set(predictions)]
            for label in missing:
                warnings.append(f"{spec.name}: never predicts {label!r}, so its F1({label}) is 0")
        results.append(
            ModelResult(
                name=spec.name,
                kind=spec.kind,
                config=dict(spec.config),
                seeds=spec_seeds,
                predictions=predictions,
                proba=proba,
                scores=scores,
                ci=ci,
                seed_scores=seed_scores,
                seed_summary=summary,
                folds=fold_scores,
                seconds=round(time.perf_counter() - model_started, 3),
            )
        )

    comparisons = compare_all(y, results, n_resamples=n_bootstrap, seed=seed, groups=groups)

    ablation = None
    if finder_rows is not None:
        ablation = speaker_ablation(
            rows,
            finder_rows,
            [(spec, result) for spec, result in zip(specs, results, strict=True) if spec in ablated],
            folds,
            seed=seed,
            n_bootstrap=n_bootstrap,
            groups=groups,
            tick=tick,
            positions=positions,
            headline_at_test="finder" if test_speakers is not None else "gold",
        )

    curve: dict[str, list[dict[str, float]]] = {}
    if curve_fractions:
        for spec, result in zip(specs, results, strict=True):
            points = []
            for fraction in curve_fractions:
                predictions, _, fscores = _run_folds(spec, rows, folds, seed, tick, fraction=fraction)
                predictions = [predictions[i] for i in positions]
                points.append(_curve_point(fraction, y, predictions, fscores))
            points.append(_curve_point(1.0, y, result.predictions, result.folds))
            curve[spec.name] = points

    fold_name = [""] * len(rows)
    for fold in folds:
        for i in fold.test:
            fold_name[i] = fold.name
    fold_of = [fold_name[i] for i in positions] if test_rows is None else [""] * len(eval_rows)
    articles_in = sorted({str(row.get("article")) for row in eval_rows if row.get("article")})
    protocol = {
        "cv": "test" if test_rows is not None else "split" if split is not None else cv,
        "k": k if cv == "kfold" and test_rows is None and split is None else None,
        "grouped_by_article": grouped,
        "folds": [{"name": f.name, "n_train": len(f.train), "n_test": len(f.test)} for f in folds],
        "seed": seed,
        "seeds": seed_list,
        "bootstrap": {"n_resamples": n_bootstrap, "unit": bootstrap_unit, "confidence": 0.95},
        "comparison": {
            "metric": "macro_f1",
            "tests": ["paired bootstrap CI", "approximate randomisation", "McNemar exact"],
            "correction": "holm",
        },
        "test_file": test_file,
        "learning_curve": list(CURVE_FRACTIONS) if curve_fractions else None,
        "pooling": "out-of-fold predictions of all folds scored together" if folds and split is None else None,
        "split": split.to_dict() if split is not None else None,
        "speakers_at_test": "finder" if test_speakers is not None and test_rows is None else "as given",
        **dict(extra_protocol or {}),
    }
    data = {
        "fingerprint": fingerprint(eval_rows),
        "train_fingerprint": (
            fingerprint(rows)
            if test_rows is not None
            else fingerprint([rows[i] for i in split.fold.train])
            if split is not None
            else None
        ),
        "n_sentences": len(eval_rows),
        "n_articles": len(articles_in),
        "class_counts": {label: y.count(label) for label in STANCES},
    }
    return EvaluationResult(
        protocol=protocol,
        data=data,
        rows=[dict(row) for row in eval_rows],
        fold_of=fold_of,
        models=results,
        comparisons=comparisons,
        learning_curve=curve,
        warnings=list(dict.fromkeys(warnings)),
        seconds=round(time.perf_counter() - started, 3),
        speaker_ablation=ablation,
    )


#: The speaker ablation's variants: (name, use_speaker, speakers at test time).
ABLATION_VARIANTS: tuple[tuple[str, bool, str | None], ...] = (
    ("text only", False, None),
    ("gold speaker", True, "gold"),
    ("finder speaker", True, "finder"),
)


def speaker_ablation(
    rows: Sequence[Mapping[str, Any]],
    finder_rows: Sequence[Mapping[str, Any]],
    evaluated: Sequence[tuple[ModelSpec, ModelResult]],
    folds: Sequence[Fold],
    *,
    seed: int,
    n_bootstrap: int,
    groups: Sequence[str] | None = None,
    tick: Callable[[str], None] = lambda description: None,
    positions: Sequence[int] | None = None,
    headline_at_test: str = "gold",
) -> dict[str, Any]:
    """Cross-validate each model text only, with gold speakers and with the finder's at test time.

    Training always sees gold speakers (what annotators give). A variant whose
    config and test speakers equal the model's headline run (speaker-aware
    models are headlined with the finder's speakers when ``headline_at_test``
    is ``"finder"``) reuses its predictions instead of training again.
    ``positions`` are the scored rows (default: all; a train/test split
    scores only its test rows, and the agreement is measured on them).
    """
    scored = list(range(len(rows))) if positions is None else list(positions)
    y = [rows[i]["stance"] for i in scored]
    agreement = sum(rows[i].get("speaker") == finder_rows[i].get("speaker") for i in scored)
    models: dict[str, list[dict[str, Any]]] = {}
    for spec, result in evaluated:
        variants = []
        for name, use_speaker, at_test in ABLATION_VARIANTS:
            config = {**spec.config, "use_speaker": use_speaker}
            headline_source = headline_at_test if spec.config.get("use_speaker") else None
            if config == spec.config and (at_test or None) == (headline_source if use_speaker else None):
                predictions = result.predictions
            else:
                variant = ModelSpec(name=spec.name, kind=spec.kind, config=config)
                source = finder_rows if at_test == "finder" else None
                predictions, _, _ = _run_folds(variant, rows, folds, seed, tick, test_source=source)
                predictions = [predictions[i] for i in scored]
            scores, ci = _score(spec.name, y, predictions, n_resamples=n_bootstrap, seed=seed, groups=groups)
            variants.append(
                {
                    "variant": name,
                    "use_speaker": use_speaker,
                    "speaker_at_test": at_test,
                    "macro_f1": scores["macro_f1"],
                    "f_avg": scores["f_avg"],
                    "ci": {k: list(ci[k]) for k in ("macro_f1", "f_avg")},
                }
            )
        models[spec.name] = variants
    return {
        "variants": [name for name, _, _ in ABLATION_VARIANTS],
        "training_speakers": "gold",
        "finder_agreement": agreement / len(scored) if scored else 0.0,
        "models": models,
    }


def _curve_point(
    fraction: float, y: Sequence[str], predictions: Sequence[str], fold_scores: Sequence[Mapping[str, Any]]
) -> dict[str, float]:
    scored = metrics.evaluate_predictions(y, predictions)
    return {
        "fraction": fraction,
        "n_train": float(np.mean([f["n_train"] for f in fold_scores])),
        "macro_f1": scored["macro_f1"],
        "f_avg": scored["f_avg"],
    }


def compare_all(
    y: Sequence[str],
    results: Sequence[ModelResult],
    *,
    n_resamples: int,
    seed: int,
    groups: Sequence[str] | None,
) -> list[dict[str, Any]]:
    """Every pair (A, B) on the same sentences, with Holm-adjusted p-values across pairs."""
    pairs = []
    for a, b in combinations(results, 2):
        paired = stats.paired_comparison(
            y, a.predictions, b.predictions, n_resamples=n_resamples, seed=seed, groups=groups
        )
        mcnemar = stats.mcnemar_exact(y, a.predictions, b.predictions)
        pairs.append({"a": a.name, "b": b.name, **paired, "mcnemar": mcnemar})
    for key, getter in (
        ("p_holm", lambda p: p["p_value"]),
        ("mcnemar_p_holm", lambda p: p["mcnemar"]["p_value"]),
    ):
        adjusted = stats.holm([getter(p) for p in pairs])
        for pair, value in zip(pairs, adjusted, strict=True):
            pair[key] = value
    return pairs
