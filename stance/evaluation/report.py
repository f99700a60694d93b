"""Turn an :class:`~stance.evaluation.results.EvaluationResult` into tables, files and plots.

``write_report(result, out_dir)`` writes:

- ``report.json`` -- every number (schema below);
- ``report.md`` -- tables ready for a paper, with CIs and p-values;
- ``predictions.jsonl`` -- one line per sentence: ``sent_id``, ``article``,
  ``fold``, ``text``, ``context``, ``speaker``, ``gold`` and, per model,
  ``{"label": ..., "proba": {"pro": p, "anti": p, "neutral": p}}``;
- ``confusion-<model>.png``, ``reliability-<model>.png`` (accuracy per bin
  of top probability against the diagonal), ``scores.png`` (macro-F1 and
  F_avg with 95% CI whiskers) and, when asked, ``learning-curve.png``
  (matplotlib, Agg).

report.json schema (``"schema": "stance-evaluation/1"``)::

    schema, stance_version, created (UTC time), versions {python, numpy, scikit-learn, ...}
    protocol   {cv: kfold (default, k 5)|article|split|test, k, grouped_by_article, folds [{name, n_train, n_test}],
                seed, seeds [..], bootstrap {n_resamples, unit, confidence}, speakers_at_test
                (finder: speaker-aware models are tested with the finder's speakers; as given: --test FILE),
                comparison {metric, tests, correction}, test_file, learning_curve, pooling, origin,
                split: null, or for --train/--test article sets
                       {train {spec, articles [id], n_sentences}, test {spec, articles [id], n_sentences}}}
    data       {fingerprint (sha256 of sent_id/text/context/speaker/stance of the scored rows),
                train_fingerprint (the training rows, for split and test),
                n_sentences, n_articles, class_counts {pro, anti, neutral}}
    models     {NAME: {kind: reference|registry|saved, config, seeds,
                       accuracy, macro_f1, f_avg, ci {metric: [low, high]},
                       per_class {stance: {precision, recall, f1, support}},
                       confusion_matrix [[..]] (rows gold, columns predicted, STANCES order),
                       n, seed_scores [{accuracy, macro_f1, f_avg}], seed_mean_sd {metric: [mean, sd]},
                       folds [{fold, n_train, n_test, accuracy, macro_f1, f_avg,
                               missing_gold [stance] (only when a stance has no gold sentence in the
                               fold: its per-fold F1 counts as 0; the headline scores pool the folds)}],
                       calibration {ece, n_bins, mean_confidence, accuracy,
                                    bins [{low, high, n, confidence, accuracy}]} (stance.evaluation.calibration)}}
    comparisons [{a, b, metric, difference (b - a), ci_low, ci_high, p_value (approximate
                  randomisation), p_holm, mcnemar {only_a_right, only_b_right, p_value}, mcnemar_p_holm}]
    learning_curve {NAME: [{fraction (share of each fold's training ARTICLES, whole articles),
                            n_train (sentences, mean per fold), n_train_articles (mean per fold),
                            macro_f1, f_avg}]}
    speaker_ablation  null, or with --speaker-ablation:
               {variants ["text only", "gold speaker", "finder speaker"], training_speakers "gold",
                finder_agreement (share of sentences whose finder speaker equals gold),
                models {NAME: [{variant, use_speaker, speaker_at_test: null|gold|finder,
                                macro_f1, f_avg, ci {macro_f1: [low, high], f_avg: [low, high]}}]}}
    warnings   [str]
    timing     {total_seconds, models {NAME: seconds of its main runs}, all_jobs {NAME: seconds of every
                training of it, with the speaker ablation and learning curve}, jobs (how many trainings)}

Everything except ``created`` and ``timing`` is a function of the data, the
configs and the seed: the same inputs give the same numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from stance import __version__
from stance.evaluation.results import EvaluationResult
from stance.io.jsonl import atomic_write_text, write_jsonl
from stance.richtext import cell
from stance.schema import STANCES

if TYPE_CHECKING:
    from stance.evaluation.protocol import ProgressEvent

SCHEMA = "stance-evaluation/1"
METRIC_LABELS = {"accuracy": "Accuracy", "macro_f1": "Macro-F1", "f_avg": "F_avg"}
#: Keys of report.json that change from run to run by design.
VOLATILE_KEYS = ("created", "timing", "versions")


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("numpy", "scipy", "scikit-learn", "torch", "transformers", "sentence-transformers"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return found


def to_json(result: EvaluationResult) -> dict[str, Any]:
    """The report.json document (see the module docstring for its schema)."""
    document = result.to_dict()
    return {
        "schema": SCHEMA,
        "stance_version": __version__,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": _versions(),
        **document,
    }


def prediction_records(result: EvaluationResult) -> list[dict[str, Any]]:
    """One record per evaluated sentence with every model's label and probabilities."""
    records = []
    for i, row in enumerate(result.rows):
        record = {
            "sent_id": row.get("sent_id", f"row-{i + 1}"),
            "article": row.get("article"),
            "fold": result.fold_of[i] or None,
            "text": row["text"],
            "context": row.get("context") or "",
            "speaker": row.get("speaker"),
            "gold": row["stance"],
            "predictions": {
                m.name: {
                    "label": m.predictions[i],
                    "proba": {label: round(float(p), 6) for label, p in zip(STANCES, m.proba[i], strict=True)},
                }
                for m in result.models
            },
        }
        records.append(record)
    return records


def duration(seconds: float) -> str:
    """``4.2 s``, ``3:07`` or ``1:02:09``: short enough for a table cell."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_line(event: ProgressEvent) -> str:
    """One line per finished training, for a log: ``[ 3/25] tfidf fold-3: 0.4 s · elapsed 0:12 · ETA 3:40``."""
    width = len(str(event.total))
    eta = "ETA once every model has one timed fold" if event.eta is None else f"ETA {duration(event.eta)}"
    return (
        f"[{event.done:>{width}}/{event.total}] {event.label}: {duration(event.seconds)}"
        f" · elapsed {duration(event.elapsed)} · {eta}"
    )


def _ci(value: float, ci: Sequence[float]) -> str:
    return f"{value:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"


def _ci_short(value: float, ci: Sequence[float]) -> str:
    return f"{value:.3f} [{ci[0]:.2f}, {ci[1]:.2f}]"


def _p(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _calibration(result: EvaluationResult, model: Any) -> dict[str, Any]:
    return result.calibration(model)


def _calibration_markdown(result: EvaluationResult) -> list[str]:
    lines = [
        "Calibration of the top probability (10 equal-width bins; ECE = expected calibration error, lower is "
        "better; plots: `reliability-<model>.png`):",
        "",
        "| Model | ECE | Mean top probability | Accuracy |",
        "|---|---|---|---|",
    ]
    for m in result.models:
        c = _calibration(result, m)
        lines.append(f"| {m.name} | {c['ece']:.3f} | {c['mean_confidence']:.3f} | {c['accuracy']:.3f} |")
    return lines


def markdown(result: EvaluationResult) -> str:
    """report.md: protocol, scores with CIs, per-class F1, paired tests, warnings."""
    p, d = result.protocol, result.data
    lines = ["# Stance evaluation", ""]
    if p["cv"] == "test":
        lines.append(f"Protocol: external test file `{p['test_file']}`; registry models trained on the whole corpus.")
    elif p["cv"] == "split":
        train, test = p["split"]["train"], p["split"]["test"]
        lines.append(
            f"Protocol: trained on {train['spec']} ({len(train['articles'])} articles, {train['n_sentences']} "
            f"sentences), tested on {test['spec']} ({len(test['articles'])} articles, {test['n_sentences']} sentences)."
        )
    elif p["cv"] == "article":
        lines.append(f"Protocol: leave-one-article-out cross-validation ({len(p['folds'])} folds), pooled predictions.")
    else:
        grouped = "grouped by article" if p["grouped_by_article"] else "NOT grouped by article"
        lines.append(f"Protocol: stratified {p['k']}-fold cross-validation, {grouped}, pooled predictions.")
    counts = ", ".join(f"{k} {v}" for k, v in d["class_counts"].items())
    lines += [
        f"Data: {d['n_sentences']} sentences, {d['n_articles']} articles ({counts}); "
        f"origin {p.get('origin', 'all')}; fingerprint `{d['fingerprint'][:12]}`.",
        f"95% CIs: percentile bootstrap, {p['bootstrap']['n_resamples']} resamples of "
        f"{p['bootstrap']['unit']}s, seed {p['seed']}.",
        "",
    ]
    multi_seed = len(p["seeds"]) > 1
    header = "| Model | Accuracy | Macro-F1 | F_avg |" + (" Macro-F1 over seeds |" if multi_seed else "")
    lines += [header + " Wall time |", "|---|---|---|---|" + ("---|" if multi_seed else "") + "---|"]
    for m in result.models:
        cells = [_ci(m.scores[k], m.ci[k]) for k in ("accuracy", "macro_f1", "f_avg")]
        row = f"| {m.name} | " + " | ".join(cells) + " |"
        if multi_seed:
            mean, sd = m.seed_summary["macro_f1"]
            row += f" {mean:.3f} ± {sd:.3f} (n={len(m.seeds)}) |"
        lines.append(row + f" {duration(m.all_seconds)} |")
    lines += ["", "F1 per stance (precision / recall / F1, support):", ""]
    lines += ["| Model | " + " | ".join(STANCES) + " |", "|---|" + "---|" * len(STANCES)]
    for m in result.models:
        cells = []
        for label in STANCES:
            c = m.scores["per_class"][label]
            cells.append(f"{c['precision']:.2f} / {c['recall']:.2f} / {c['f1']:.2f} ({c['support']})")
        lines.append(f"| {m.name} | " + " | ".join(cells) + " |")
    if result.comparisons:
        lines += [
            "",
            "Paired comparisons on the same sentences: difference in macro-F1 (B - A) with a paired bootstrap "
            "95% CI; p from approximate randomisation; McNemar's exact test on the errors. "
            f"Holm's correction across the {len(result.comparisons)} pairs.",
            "",
            "| A | B | Δ macro-F1 [95% CI] | p | p (Holm) | McNemar p | McNemar p (Holm) |",
            "|---|---|---|---|---|---|---|",
        ]
        for c in result.comparisons:
            lines.append(
                f"| {c['a']} | {c['b']} | {c['difference']:+.3f} [{c['ci_low']:+.3f}, {c['ci_high']:+.3f}] | "
                f"{_p(c['p_value'])} | {_p(c['p_holm'])} | {_p(c['mcnemar']['p_value'])} | "
                f"{_p(c['mcnemar_p_holm'])} |"
            )
    lines += ["", *_calibration_markdown(result)]
    if result.learning_curve:
        lines += ["", "Learning curve (macro-F1 by share of each training fold's articles, whole articles):", ""]
        names = list(result.learning_curve)
        header = "| Share | Training articles | Training sentences | "
        lines += [header + " | ".join(names) + " |", "|---|---|---|" + "---|" * len(names)]
        first = result.learning_curve[names[0]]
        for i, point in enumerate(first):
            cells = [f"{result.learning_curve[n][i]['macro_f1']:.3f}" for n in names]
            lines.append(
                f"| {point['fraction']:.0%} | {point['n_train_articles']:.1f} | {point['n_train']:.0f} | "
                + " | ".join(cells)
                + " |"
            )
    if result.speaker_ablation:
        lines += ["", *_ablation_markdown(result.speaker_ablation.to_dict())]
    lines += [
        "",
        f"Wall time: {duration(result.seconds)} in all, {result.timing.get('jobs', 0)} trainings; per model, "
        "every training of the model (all seeds and folds, with the speaker ablation and learning curve).",
    ]
    if result.warnings:
        lines += ["", "Warnings:", ""] + [f"- {w}" for w in result.warnings]
    return "\n".join(lines) + "\n"


def _ablation_markdown(ablation: dict[str, Any]) -> list[str]:
    lines = [
        "Speaker ablation (same folds; trained on gold speakers; test speakers: none, gold, the finder's; "
        f"the finder agrees with gold on {ablation['finder_agreement']:.1%} of the sentences):",
        "",
        "| Model | Variant | Macro-F1 [95% CI] | F_avg [95% CI] |",
        "|---|---|---|---|",
    ]
    for name, variants in ablation["models"].items():
        for v in variants:
            lines.append(
                f"| {name} | {v['variant']} | {_ci(v['macro_f1'], v['ci']['macro_f1'])} | "
                f"{_ci(v['f_avg'], v['ci']['f_avg'])} |"
            )
    return lines


def ablation_table(result: EvaluationResult) -> Table:
    """The terminal table of the speaker ablation (macro-F1 and F_avg with CIs)."""
    ablation: dict[str, Any] = (
        result.speaker_ablation.to_dict() if result.speaker_ablation else {"models": {}, "finder_agreement": 0.0}
    )
    table = Table(title=f"Speaker ablation (finder = gold speaker on {ablation['finder_agreement']:.1%})")
    table.add_column("Model", style="bold")
    table.add_column("Variant")
    for metric in ("macro_f1", "f_avg"):
        table.add_column(f"{METRIC_LABELS[metric]} [95% CI]", justify="right")
    for name, variants in ablation["models"].items():
        for v in variants:
            table.add_row(cell(name), v["variant"], *(_ci_short(v[k], v["ci"][k]) for k in ("macro_f1", "f_avg")))
    return table


def scores_table(result: EvaluationResult) -> Table:
    """The terminal table: headline scores with CIs, one row per model."""
    multi_seed = len(result.protocol["seeds"]) > 1
    table = Table(title=f"Stance evaluation ({result.protocol['cv']}, n={result.data['n_sentences']})")
    table.add_column("Model", style="bold")
    for label in METRIC_LABELS.values():
        table.add_column(f"{label} [95% CI]", justify="right")
    if multi_seed:
        table.add_column("Macro-F1 mean ± sd", justify="right")
    table.add_column("Time", justify="right")
    for m in result.models:
        cells = [_ci_short(m.scores[k], m.ci[k]) for k in METRIC_LABELS]
        if multi_seed:
            mean, sd = m.seed_summary["macro_f1"]
            cells.append(f"{mean:.3f} ± {sd:.3f}")
        cells.append(duration(m.all_seconds))
        table.add_row(cell(m.name), *cells, style="dim" if m.kind == "reference" else None)
    return table


def comparisons_table(result: EvaluationResult) -> Table:
    """The terminal table of paired tests (Holm-adjusted p-values shown)."""
    table = Table(title="Paired comparisons (macro-F1, B - A; Holm-adjusted p)")
    for column in ("A", "B", "Δ [95% CI]", "p", "McNemar p"):
        table.add_column(column, justify="left" if column in ("A", "B") else "right")
    for c in result.comparisons:
        table.add_row(
            cell(c["a"]),
            cell(c["b"]),
            f"{c['difference']:+.3f} [{c['ci_low']:+.2f}, {c['ci_high']:+.2f}]",
            _p(c["p_holm"]),
            _p(c["mcnemar_p_holm"]),
        )
    return table


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def row_shares(matrix: Sequence[Sequence[int]]) -> list[list[float]]:
    """Each row divided by its total (the share of gold X predicted as Y); an empty row stays 0.

    The heat map shades these, not raw counts: with 83 neutral sentences
    against 12 anti, raw counts leave the pro and anti rows pale whatever the
    model does on them, while per-row shares show recall at a glance.
    """
    return [[count / sum(row) if sum(row) else 0.0 for count in row] for row in matrix]


def plot_confusion(matrix: Sequence[Sequence[int]], title: str, path: Path) -> None:
    """A confusion matrix heat map (rows gold, columns predicted), shaded per row, with counts and shares."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shares = row_shares(matrix)
    fig, ax = plt.subplots(figsize=(5.4, 4), layout="constrained")
    image = ax.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    colour_bar = fig.colorbar(image, ax=ax, shrink=0.9)
    colour_bar.set_label("share of the gold row")
    ax.set_xticks(range(len(STANCES)), STANCES)
    ax.set_yticks(range(len(STANCES)), [f"{s} ({sum(row)})" for s, row in zip(STANCES, matrix, strict=True)])
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold (sentences)")
    ax.set_title(title)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            share = shares[i][j]
            ax.text(
                j,
                i,
                f"{count}\n{100 * share:.0f}%",
                ha="center",
                va="center",
                color="white" if share > 0.5 else "black",
            )
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_scores(result: EvaluationResult, path: Path) -> None:
    """Bars of macro-F1 and F_avg per model with 95% CI whiskers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = [m.name for m in result.models]
    x = np.arange(len(names))
    width = 0.38
    fig, ax = plt.subplots(figsize=(max(5, 1.2 * len(names)), 3.8))
    for offset, metric in ((-width / 2, "macro_f1"), (width / 2, "f_avg")):
        values = np.array([m.scores[metric] for m in result.models])
        low = values - np.array([m.ci[metric][0] for m in result.models])
        high = np.array([m.ci[metric][1] for m in result.models]) - values
        ax.bar(x + offset, values, width, yerr=[low, high], capsize=3, label=METRIC_LABELS[metric])
    ax.set_xticks(x, names, rotation=20)
    ax.set_ylim(0, 1)
    ax.set_ylabel("score (95% CI)")
    ax.legend()
    ax.set_title("Stance: macro-F1 and F_avg")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_reliability(bins: Sequence[dict[str, Any]], title: str, path: Path) -> None:
    """A reliability diagram: accuracy per bin of top probability against the diagonal, bar width = rows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3.8))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    filled = [b for b in bins if b["n"]]
    ax.bar(
        [(b["low"] + b["high"]) / 2 for b in filled],
        [b["accuracy"] for b in filled],
        width=[b["high"] - b["low"] for b in filled],
        edgecolor="black",
        alpha=0.7,
        label="accuracy",
    )
    ax.plot([b["confidence"] for b in filled], [b["accuracy"] for b in filled], marker="o", color="black")
    for b in filled:
        ax.text((b["low"] + b["high"]) / 2, min(b["accuracy"] + 0.02, 0.97), str(b["n"]), ha="center", fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("top probability")
    ax.set_ylabel("accuracy (rows per bin above the bars)")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_learning_curve(result: EvaluationResult, path: Path) -> None:
    """Macro-F1 against the number of training sentences, one line per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.8))
    for name, points in result.learning_curve.items():
        ax.plot([p["n_train"] for p in points], [p["macro_f1"] for p in points], marker="o", label=name)
    ax.set_xlabel("training sentences per fold (mean; whole articles)")
    ax.set_ylabel("macro-F1")
    ax.set_ylim(0, 1)
    ax.legend()
    ax.set_title("Learning curve")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(result: EvaluationResult, out_dir: str | Path) -> list[Path]:
    """Write every report file into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    document = to_json(result)
    atomic_write_text(out / "report.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out / "report.md", markdown(result))
    write_jsonl(out / "predictions.jsonl", prediction_records(result))
    written += [out / "report.json", out / "report.md", out / "predictions.jsonl"]
    for m in result.models:
        path = out / f"confusion-{_safe(m.name)}.png"
        plot_confusion(m.scores["confusion_matrix"], f"{m.name} (macro-F1 {m.scores['macro_f1']:.2f})", path)
        written.append(path)
        calibration = document["models"][m.name]["calibration"]
        path = out / f"reliability-{_safe(m.name)}.png"
        plot_reliability(calibration["bins"], f"{m.name} (ECE {calibration['ece']:.3f})", path)
        written.append(path)
    plot_scores(result, out / "scores.png")
    written.append(out / "scores.png")
    if result.learning_curve:
        plot_learning_curve(result, out / "learning-curve.png")
        written.append(out / "learning-curve.png")
    return written
