"""Run an evaluation protocol and return every number; print nothing.

Protocols:

- ``kfold`` (default, K = 5): stratified K-fold grouped by article (when
  there are at least K articles; otherwise ungrouped, and the result says
  so). Each model is created from its config and trained inside each fold on
  the other folds' articles only; each held-out sentence is predicted once.
  The out-of-fold predictions of all folds are pooled and scored together.
  Why 5: every sentence is scored exactly once whatever K is, so the CIs
  (bootstrap over the pooled sentences) barely depend on K; K only sets how
  many fine-tunes the run costs (K) and how much of the corpus each sees
  ((K-1)/K). With 76 articles, 5 folds of about 15 articles train on 80% of
  the data for 5 fine-tunes; 10 folds would cost twice as much to train on
  90%, and leave-one-article-out 76 fine-tunes on 99%.
- ``article``: leave-one-article-out cross-validation, the same pooling with
  one fold per article (the most training data per fold, the most compute).
- ``split``: train on one set of articles and test on another (by
  collection or by id, see :func:`stance.evaluation.splits.article_split`): one fold,
  scored like cross-validation; saved run directories are used as they are.
- ``test``: no cross-validation; registry models are trained on the whole
  corpus (saved run directories are used as they are) and scored on an
  external labelled file.

The work is planned first (:func:`plan_jobs`: one :class:`Job` per model x
seed x fold, for the main runs, the speaker ablation and the learning curve)
and then run job by job, so the progress total is the plan's length and an
ETA can be told from the jobs already timed. Reference rows (majority class,
stratified random) are always included. Every headline score carries a
seeded bootstrap CI; every pair of models is compared on the same sentences
(paired bootstrap CI + approximate randomisation p-value of the macro-F1
difference, McNemar's exact test), with Holm's correction across the pairs.
With ``finder_rows`` (the same rows carrying the speaker finder's speakers)
each registry model is also cross-validated three ways -- text only, gold
speaker in training and test, gold speaker in training and the finder's at
test time -- because the speaker helps only as far as the finder can supply
it on a new article. Problems that change the headline numbers (a stance
missing from a training set or from the scored rows) become warnings, never
a silent NaN; a stance missing from one test fold only marks that fold's
record, because the headline scores pool the folds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

import numpy as np

from stance.corpus.dataset import fingerprint
from stance.errors import StanceError
from stance.evaluation import metrics, stats
from stance.evaluation.results import AblationResult, AblationScore, EvaluationResult, ModelResult
from stance.evaluation.splits import ArticleSplit, Fold, article_subsample, kfold, leave_one_article_out
from stance.models.baselines import REFERENCES, ReferenceModel
from stance.models.common import labels_from_proba
from stance.schema import STANCES

__all__ = [
    "AblationResult",
    "EvaluationResult",
    "Job",
    "ModelResult",
    "ModelSpec",
    "ProgressEvent",
    "evaluate",
    "make_folds",
    "plan_jobs",
    "resolve_models",
]

#: Shares of each fold's training articles for the learning curve (whole articles).
CURVE_FRACTIONS: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)
#: The default protocol: grouped, stratified K-fold with this K (see the module docstring).
DEFAULT_CV = "kfold"
DEFAULT_K = 5
#: The speaker ablation's variants: (name, use_speaker, speakers at test time).
ABLATION_VARIANTS: tuple[tuple[str, bool, str | None], ...] = (
    ("text only", False, None),
    ("gold speaker", True, "gold"),
    ("finder speaker", True, "finder"),
)


#: A reference row (majority, random), a model created from the registry, or a saved run directory.
SpecKind = Literal["reference", "registry", "saved"]


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
    kind: SpecKind
    config: dict[str, Any] = field(default_factory=dict)
    run_dir: str | None = None
    model: str | None = None


@dataclass(frozen=True)
class ProgressEvent:
    """Sent after each finished job: how far the plan is, and how long the rest should take."""

    done: int
    total: int
    label: str
    seconds: float
    elapsed: float
    #: Seconds still to go, from the jobs already timed; None until every
    #: remaining model has a timed job of its own.
    eta: float | None


#: ``progress(event)``, called after each finished job.
Progress = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class Job:
    """One unit of work: train one model with one seed on one fold's training rows, predict its test rows.

    ``part`` is ``main`` (the evaluated runs), ``ablation`` (a speaker
    variant) or ``curve`` (a share of the training rows). Jobs with the same
    :attr:`run` make up one cross-validation run, pooled over its folds.
    """

    model: str
    seed: int
    fold: int
    part: str = "main"
    variant: str = ""
    fraction: float = 1.0

    @property
    def run(self) -> tuple[str, int, str, str, float]:
        return (self.model, self.seed, self.part, self.variant, self.fraction)

    def label(self, folds: Sequence[Fold]) -> str:
        extra = {"main": "", "ablation": f" ({self.variant})", "curve": f" ({self.fraction:.0%} of training)"}
        return f"{self.model} {folds[self.fold].name}{extra[self.part]}"


@dataclass
class FoldPlan:
    """The folds of a protocol and which rows of the test source get scored."""

    folds: list[Fold]
    grouped: bool
    #: Positions of the scored rows in the test source (all rows for
    #: cross-validation, the test articles for a split, the file for ``test``).
    positions: list[int]
    warnings: list[str] = field(default_factory=list)


@dataclass
class JobOutput:
    """What one job gives back: probabilities on its fold's test rows, what it trained on, how long it took."""

    proba: np.ndarray
    n_train: int
    n_train_articles: int
    seconds: float = 0.0


@dataclass
class CVRun:
    """One model's pooled run over the folds: predictions and probabilities of the scored rows."""

    predictions: list[str]
    proba: np.ndarray
    folds: list[dict[str, Any]]
    seconds: float
    #: Mean number of training articles per fold.
    train_articles: float = 0.0


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


def _missing_summary(what: str, missing: Mapping[str, list[str]], n_folds: int) -> list[str]:
    """One line per stance instead of one per fold."""
    lines = []
    for label, where in missing.items():
        shown = ", ".join(where[:5]) + (", ..." if len(where) > 5 else "")
        lines.append(f"no {label!r} sentence in the {what} of {len(where)} of {n_folds} folds ({shown}): {{}}")
    return lines


def make_folds(
    rows: Sequence[Mapping[str, Any]],
    *,
    cv: str = DEFAULT_CV,
    k: int | None = None,
    seed: int = 0,
    split: ArticleSplit | None = None,
    test_rows: Sequence[Mapping[str, Any]] | None = None,
) -> FoldPlan:
    """The folds of the protocol, the scored positions and the warnings the folds raise.

    A stance missing from a test fold is recorded on that fold's record
    (``missing_gold``), not warned about: the headline scores pool the folds.
    A stance missing from a training set is a warning (once per stance),
    because the models cannot predict it there.
    """
    y = [row["stance"] for row in rows]
    warnings: list[str] = []
    if test_rows is not None:
        if split is not None:
            raise StanceError("an external test file and a test set of articles are two protocols; give one")
        test_y = [row["stance"] for row in test_rows]
        warnings.extend(f"test file: no gold {label!r} sentence" for label in metrics.missing_classes(test_y))
        fold = Fold(name="test", train=tuple(range(len(rows))), test=tuple(range(len(test_rows))))
        return FoldPlan([fold], False, list(fold.test), warnings)
    if split is not None:
        fold = split.fold
        scored = [y[i] for i in fold.test]
        warnings.extend(
            f"test set: no gold {label!r} sentence, so F1({label}) is 0" for label in metrics.missing_classes(scored)
        )
        warnings.extend(
            f"training set: no {label!r} sentence; the models cannot predict it"
            for label in metrics.missing_classes([y[i] for i in fold.train])
        )
        return FoldPlan([fold], True, list(fold.test), warnings)
    articles = [row["article"] for row in rows]
    if cv == "article":
        folds, grouped = leave_one_article_out(articles), True
    elif cv == "kfold":
        k = int(k or DEFAULT_K)
        folds, grouped = kfold(y, articles, k=k, seed=seed)
        if not grouped:
            warnings.append(
                f"only {len(set(articles))} articles for {k} folds: K-fold is not grouped by article, "
                "so sentences of one article are in training and test (scores are optimistic)"
            )
    else:
        raise StanceError(f"{cv!r}: expected 'article' or 'kfold'", field="--cv")
    untrained: dict[str, list[str]] = {}
    for fold in folds:
        for label in metrics.missing_classes([y[i] for i in fold.train]):
            untrained.setdefault(label, []).append(fold.name)
    for line in _missing_summary("training set", untrained, len(folds)):
        warnings.append(line.format("the models cannot predict it there"))
    return FoldPlan(folds, grouped, list(range(len(rows))), warnings)


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


def _ablation_runs(spec: ModelSpec, headline_at_test: str = "gold") -> list[tuple[str, bool, str | None]]:
    """The ablation variants that need training: the one equal to the headline run reuses it.

    The headline run of a speaker-aware model is tested with ``headline_at_test``
    speakers (``"finder"`` when the evaluation was given the finder's speakers).
    """
    uses = bool(spec.config.get("use_speaker"))
    headline = (uses, headline_at_test if uses else None)
    return [
        (name, use_speaker, at_test)
        for name, use_speaker, at_test in ABLATION_VARIANTS
        if {**spec.config, "use_speaker": use_speaker} != spec.config
        or (use_speaker, (at_test or "gold") if use_speaker else None) != headline
    ]


def plan_jobs(
    specs: Sequence[ModelSpec],
    n_folds: int,
    *,
    seeds: Sequence[int],
    curve_fractions: Sequence[float] = (),
    ablated: Sequence[ModelSpec] = (),
    headline_at_test: str = "gold",
) -> list[Job]:
    """Every job of the evaluation, fold by fold.

    Fold-major order (fold 1 of every model, then fold 2, ...) means the
    first round times every model once, so the ETA is known early instead
    of after the slowest model's first fold at the end of the run.
    """
    jobs = []
    for fold in range(n_folds):
        for spec in specs:
            for seed in seeds if spec.kind != "reference" else seeds[:1]:
                jobs.append(Job(spec.name, seed, fold))
        for spec in ablated:
            for name, _, _ in _ablation_runs(spec, headline_at_test):
                jobs.append(Job(spec.name, seeds[0], fold, part="ablation", variant=name))
        for spec in specs:
            for fraction in curve_fractions:
                jobs.append(Job(spec.name, seeds[0], fold, part="curve", fraction=fraction))
    return jobs


def _job_spec(job: Job, specs: Mapping[str, ModelSpec]) -> ModelSpec:
    spec = specs[job.model]
    if job.part != "ablation":
        return spec
    use_speaker = next(use for name, use, _ in ABLATION_VARIANTS if name == job.variant)
    return ModelSpec(
        name=spec.name, kind=spec.kind, config={**spec.config, "use_speaker": use_speaker}, model=spec.model
    )


def run_job(
    job: Job,
    spec: ModelSpec,
    fold: Fold,
    rows: Sequence[Mapping[str, Any]],
    test_source: Sequence[Mapping[str, Any]],
    *,
    fixed: bool = False,
) -> JobOutput:
    """Train a fresh model on the fold's training rows, return its probabilities on the fold's test rows.

    ``fixed``: use a saved run as it is (no training). Reference rows vary
    their random seed per fold; learned models keep theirs.
    """
    test = [test_source[i] for i in fold.test]
    if fixed:
        from stance.models import registry

        model = registry.load_model(str(spec.run_dir))
        train_idx: tuple[int, ...] = ()
    else:
        train_idx = fold.train
        if job.fraction < 1.0:
            groups = [str(row.get("article")) for row in rows]
            train_idx = article_subsample(train_idx, groups, fraction=job.fraction, seed=job.seed + job.fold)
        model = _create(spec, job.seed + job.fold if spec.kind == "reference" else job.seed)
        model.fit([rows[i] for i in train_idx])
    proba = np.asarray(model.predict_proba(test), dtype=float)
    if proba.shape != (len(test), len(STANCES)):
        raise StanceError(f"model {spec.name!r} returned probabilities of shape {proba.shape}")
    return JobOutput(proba, len(train_idx), len({rows[i].get("article") for i in train_idx}))


def cross_validate(
    jobs: Sequence[Job],
    outputs: Mapping[Job, JobOutput],
    plan: FoldPlan,
    test_y: Sequence[str],
) -> CVRun:
    """Pool one run's per-fold outputs into predictions on the scored rows, with per-fold records."""
    proba = np.zeros((len(test_y), len(STANCES)))
    fold_records = []
    for job in jobs:
        fold = plan.folds[job.fold]
        fold_proba, n_train = outputs[job].proba, outputs[job].n_train
        proba[list(fold.test)] = fold_proba
        gold = [test_y[i] for i in fold.test]
        scored = metrics.evaluate_predictions(gold, labels_from_proba(fold_proba))
        record = {"fold": fold.name, "n_train": n_train, "n_test": len(fold.test)}
        record.update({k: scored[k] for k in metrics.HEADLINE})
        missing = metrics.missing_classes(gold)
        if missing:
            record["missing_gold"] = missing
        fold_records.append(record)
    proba = proba[plan.positions]
    seconds = sum(outputs[job].seconds for job in jobs)
    articles = float(np.mean([outputs[job].n_train_articles for job in jobs]))
    return CVRun(labels_from_proba(proba), proba, fold_records, round(seconds, 3), articles)


def score(
    y: Sequence[str], predictions: Sequence[str], *, n_resamples: int, seed: int, groups: Sequence[str] | None
) -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
    """Headline scores and their bootstrap CIs."""
    scores = metrics.evaluate_predictions(y, predictions)
    ci = stats.bootstrap_ci(y, predictions, n_resamples=n_resamples, seed=seed, groups=groups)
    return scores, ci


def _eta(jobs: Sequence[Job], done: int, seconds: Mapping[Job, float]) -> float | None:
    """Seconds for the jobs after ``done``: each costs the mean of its model and part so far."""
    timed: dict[tuple[str, str], list[float]] = {}
    for job in jobs[:done]:
        timed.setdefault((job.model, job.part), []).append(seconds[job])
    by_model: dict[str, list[float]] = {}
    for (model, _), values in timed.items():
        by_model.setdefault(model, []).extend(values)
    total = 0.0
    for job in jobs[done:]:
        costs = timed.get((job.model, job.part)) or by_model.get(job.model)
        if not costs:
            return None
        total += sum(costs) / len(costs)
    return total


def run_jobs(
    jobs: Sequence[Job],
    specs: Mapping[str, ModelSpec],
    plan: FoldPlan,
    rows: Sequence[Mapping[str, Any]],
    *,
    test_rows: Sequence[Mapping[str, Any]] | None,
    finder_rows: Sequence[Mapping[str, Any]] | None,
    fixed: Sequence[str] = (),
    progress: Progress | None = None,
    test_speakers: Sequence[Mapping[str, Any]] | None = None,
) -> dict[Job, JobOutput]:
    """Run every planned job in order: ``{job: (test-fold probabilities, training size, seconds)}``."""
    started = time.perf_counter()
    outputs: dict[Job, JobOutput] = {}
    seconds: dict[Job, float] = {}
    for done, job in enumerate(jobs, start=1):
        job_started = time.perf_counter()
        spec = _job_spec(job, specs)
        finder = job.part == "ablation" and job.variant == "finder speaker"
        headline = None if job.part == "ablation" or test_rows is not None else headline_test_rows(spec, test_speakers)
        source = finder_rows if finder else test_rows if test_rows is not None else headline or rows
        assert source is not None  # the plan has finder jobs only with finder rows
        output = run_job(job, spec, plan.folds[job.fold], rows, source, fixed=job.model in fixed)
        seconds[job] = output.seconds = time.perf_counter() - job_started
        outputs[job] = output
        if progress is not None:
            progress(
                ProgressEvent(
                    done=done,
                    total=len(jobs),
                    label=job.label(plan.folds),
                    seconds=round(seconds[job], 3),
                    elapsed=round(time.perf_counter() - started, 3),
                    eta=_eta(jobs, done, seconds),
                )
            )
    return outputs


def evaluate(
    rows: Sequence[Mapping[str, Any]],
    specs: Sequence[ModelSpec],
    *,
    cv: str = DEFAULT_CV,
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
    speakers) is what speaker-aware models see at test time in the headline
    numbers (:func:`headline_test_rows`).
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
    if cv == "kfold" and k is None:
        k = DEFAULT_K
    plan = make_folds(rows, cv=cv, k=k, seed=seed, split=split, test_rows=test_rows)
    warnings = list(plan.warnings)
    external = test_rows is not None
    test_source = list(test_rows) if test_rows is not None else list(rows)
    eval_rows = [test_source[i] for i in plan.positions]
    test_y = [row["stance"] for row in test_source]
    y = [row["stance"] for row in eval_rows]
    groups = _bootstrap_groups(eval_rows, bootstrap_unit, warnings)
    if finder_rows is not None:
        if external:
            raise StanceError("the speaker ablation needs cross-validation, not --test", field="--speaker-ablation")
        if len(finder_rows) != len(rows):
            raise StanceError(f"{len(finder_rows)} finder rows for {len(rows)} rows", field="--speaker-ablation")

    if test_speakers is not None and len(test_speakers) != len(rows):
        raise StanceError(f"{len(test_speakers)} finder rows for {len(rows)} rows", field="test_speakers")
    headline_at_test = "finder" if test_speakers is not None and not external else "gold"

    seed_list = [seed + i for i in range(seeds)]
    curve_fractions = [f for f in CURVE_FRACTIONS if f < 1.0] if learning_curve and not external else []
    ablated = [s for s in specs if s.kind == "registry"] if finder_rows is not None else []
    # A saved run is used as it is on held-out data it never saw in this
    # protocol's terms (an external file, a test set of articles); in
    # cross-validation it is retrained as its kind in every fold.
    fixed = [s.name for s in specs if s.kind == "saved" and (external or split is not None)]
    jobs = plan_jobs(
        specs,
        len(plan.folds),
        seeds=seed_list,
        curve_fractions=curve_fractions,
        ablated=ablated,
        headline_at_test=headline_at_test,
    )
    by_name = {spec.name: spec for spec in specs}
    outputs = run_jobs(
        jobs,
        by_name,
        plan,
        rows,
        test_rows=test_rows,
        finder_rows=finder_rows,
        fixed=fixed,
        progress=progress,
        test_speakers=test_speakers,
    )
    runs: dict[tuple[str, int, str, str, float], list[Job]] = {}
    for job in jobs:
        runs.setdefault(job.run, []).append(job)

    def pooled(model: str, seed: int, part: str = "main", variant: str = "", fraction: float = 1.0) -> CVRun:
        return cross_validate(runs[(model, seed, part, variant, fraction)], outputs, plan, test_y)

    results = []
    main_runs: dict[str, CVRun] = {}
    for spec in specs:
        spec_seeds = seed_list if spec.kind != "reference" else [seed]
        seed_runs = [pooled(spec.name, s) for s in spec_seeds]
        main_runs[spec.name] = seed_runs[0]
        if external:  # one training on the whole corpus: no folds to report
            for run in seed_runs:
                run.folds = []
        results.append(model_result(spec, spec_seeds, seed_runs, y, n_bootstrap=n_bootstrap, seed=seed, groups=groups))
        results[-1].all_seconds = round(sum(outputs[j].seconds for j in jobs if j.model == spec.name), 3)
        if spec.name in fixed and split is not None:
            warnings.append(f"{spec.name}: a saved run is used as it was trained; it may have seen test articles")
        if spec.kind in ("registry", "saved"):
            for label in STANCES:
                if label not in set(results[-1].predictions):
                    warnings.append(f"{spec.name}: never predicts {label!r}, so its F1({label}) is 0")

    comparisons = compare_all(y, results, n_resamples=n_bootstrap, seed=seed, groups=groups)
    ablation = None
    if finder_rows is not None:
        ablation = ablation_result(
            [r for r in results if by_name[r.name] in ablated],
            {
                (spec.name, name): pooled(spec.name, seed_list[0], "ablation", name)
                for spec in ablated
                for name, _, _ in _ablation_runs(spec, headline_at_test)
            },
            [rows[i] for i in plan.positions],
            [finder_rows[i] for i in plan.positions],
            n_bootstrap=n_bootstrap,
            seed=seed,
            groups=groups,
        )
    curve: dict[str, list[dict[str, float]]] = {}
    for result in results if curve_fractions else []:
        points = [_curve_point(f, y, pooled(result.name, seed_list[0], "curve", fraction=f)) for f in curve_fractions]
        curve[result.name] = [*points, _curve_point(1.0, y, main_runs[result.name])]

    fold_name = [""] * len(test_source)
    for fold in plan.folds if not external else []:
        for i in fold.test:
            fold_name[i] = fold.name
    return EvaluationResult(
        protocol=protocol_record(
            plan,
            cv=cv,
            k=k,
            seed=seed,
            seeds=seed_list,
            n_bootstrap=n_bootstrap,
            bootstrap_unit=bootstrap_unit,
            test_file=test_file if external else None,
            external=external,
            split=split,
            curve=bool(curve_fractions),
            extra={
                **(extra_protocol or {}),
                "speakers_at_test": "finder" if headline_at_test == "finder" else "as given",
            },
        ),
        data=data_record(rows, eval_rows, y, external=external, split=split),
        rows=[dict(row) for row in eval_rows],
        fold_of=[fold_name[i] for i in plan.positions],
        models=results,
        comparisons=comparisons,
        learning_curve=curve,
        warnings=list(dict.fromkeys(warnings)),
        seconds=round(time.perf_counter() - started, 3),
        speaker_ablation=ablation,
        timing={"jobs": len(jobs)},
    )


def _bootstrap_groups(eval_rows: Sequence[Mapping[str, Any]], unit: str, warnings: list[str]) -> list[str] | None:
    if unit != "article":
        return None
    if any(not row.get("article") for row in eval_rows):
        raise StanceError("--bootstrap-unit article needs an 'article' value on every test row", field="article")
    groups = [str(row["article"]) for row in eval_rows]
    if len(set(groups)) < 5:
        warnings.append(
            f"only {len(set(groups))} articles: an article bootstrap with so few clusters gives rough intervals"
        )
    return groups


def model_result(
    spec: ModelSpec,
    spec_seeds: Sequence[int],
    seed_runs: Sequence[CVRun],
    y: Sequence[str],
    *,
    n_bootstrap: int,
    seed: int,
    groups: Sequence[str] | None,
) -> ModelResult:
    """Score one model's runs: the first seed for the headline and tests, every seed for mean ± sd."""
    first = seed_runs[0]
    scores, ci = score(y, first.predictions, n_resamples=n_bootstrap, seed=seed, groups=groups)
    seed_scores = [
        {k: v for k, v in metrics.evaluate_predictions(y, run.predictions).items() if k in metrics.HEADLINE}
        for run in seed_runs
    ]
    return ModelResult(
        name=spec.name,
        kind=spec.kind,
        config=dict(spec.config),
        seeds=list(spec_seeds),
        predictions=first.predictions,
        proba=first.proba,
        scores=scores,
        ci=ci,
        seed_scores=seed_scores,
        seed_summary={name: stats.mean_sd([s[name] for s in seed_scores]) for name in metrics.HEADLINE},
        folds=first.folds,
        seconds=round(sum(run.seconds for run in seed_runs), 3),
    )


def ablation_result(
    evaluated: Sequence[ModelResult],
    variant_runs: Mapping[tuple[str, str], CVRun],
    gold_rows: Sequence[Mapping[str, Any]],
    finder_rows: Sequence[Mapping[str, Any]],
    *,
    n_bootstrap: int,
    seed: int,
    groups: Sequence[str] | None,
) -> AblationResult:
    """Score each model text only, with gold speakers and with the finder's at test time.

    Training always sees gold speakers (what annotators give). A variant whose
    config equals the model's evaluated config reuses its predictions instead
    of training again, so the ablation costs two extra runs per model. The
    finder's agreement with gold is measured on the scored rows.
    """
    y = [row["stance"] for row in gold_rows]
    agreement = sum(a.get("speaker") == b.get("speaker") for a, b in zip(gold_rows, finder_rows, strict=True))
    models: dict[str, list[AblationScore]] = {}
    for result in evaluated:
        variants = []
        for name, use_speaker, at_test in ABLATION_VARIANTS:
            run = variant_runs.get((result.name, name))
            predictions = run.predictions if run is not None else result.predictions
            scores, ci = score(y, predictions, n_resamples=n_bootstrap, seed=seed, groups=groups)
            variants.append(
                AblationScore(
                    variant=name,
                    use_speaker=use_speaker,
                    speaker_at_test=at_test,
                    macro_f1=scores["macro_f1"],
                    f_avg=scores["f_avg"],
                    ci={k: ci[k] for k in ("macro_f1", "f_avg")},
                )
            )
        models[result.name] = variants
    return AblationResult(
        variants=[name for name, _, _ in ABLATION_VARIANTS],
        finder_agreement=agreement / len(gold_rows) if gold_rows else 0.0,
        models=models,
    )


def _curve_point(fraction: float, y: Sequence[str], run: CVRun) -> dict[str, float]:
    scored = metrics.evaluate_predictions(y, run.predictions)
    return {
        "fraction": fraction,
        "n_train": float(np.mean([f["n_train"] for f in run.folds])),
        "n_train_articles": run.train_articles,
        "macro_f1": scored["macro_f1"],
        "f_avg": scored["f_avg"],
    }


def protocol_record(
    plan: FoldPlan,
    *,
    cv: str,
    k: int | None,
    seed: int,
    seeds: Sequence[int],
    n_bootstrap: int,
    bootstrap_unit: str,
    test_file: str | None,
    external: bool,
    split: ArticleSplit | None,
    curve: bool,
    extra: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The ``protocol`` block of report.json: everything needed to rerun the evaluation."""
    cross_validated = not external and split is None
    folds = plan.folds
    return {
        "cv": "test" if external else "split" if split is not None else cv,
        "k": k if cv == "kfold" and cross_validated else None,
        "grouped_by_article": plan.grouped,
        "folds": [] if external else [{"name": f.name, "n_train": len(f.train), "n_test": len(f.test)} for f in folds],
        "seed": seed,
        "seeds": list(seeds),
        "bootstrap": {"n_resamples": n_bootstrap, "unit": bootstrap_unit, "confidence": 0.95},
        "comparison": {
            "metric": "macro_f1",
            "tests": ["paired bootstrap CI", "approximate randomisation", "McNemar exact"],
            "correction": "holm",
        },
        "test_file": test_file,
        "learning_curve": list(CURVE_FRACTIONS) if curve else None,
        "pooling": "out-of-fold predictions of all folds scored together" if cross_validated else None,
        "split": split.to_dict() if split is not None else None,
        **dict(extra or {}),
    }


def data_record(
    rows: Sequence[Mapping[str, Any]],
    eval_rows: Sequence[Mapping[str, Any]],
    y: Sequence[str],
    *,
    external: bool,
    split: ArticleSplit | None,
) -> dict[str, Any]:
    """The ``data`` block: fingerprints of the scored (and training) rows and their counts."""
    train_fingerprint = None
    if external:
        train_fingerprint = fingerprint(rows)
    elif split is not None:
        train_fingerprint = fingerprint([rows[i] for i in split.fold.train])
    return {
        "fingerprint": fingerprint(eval_rows),
        "train_fingerprint": train_fingerprint,
        "n_sentences": len(eval_rows),
        "n_articles": len({str(row.get("article")) for row in eval_rows if row.get("article")}),
        "class_counts": {label: list(y).count(label) for label in STANCES},
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
