"""The evaluation harness: no leakage, warnings not NaNs, reproducible reports, the CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from stance.cli import app
from stance.errors import StanceError
from stance.evaluation import protocol as ev
from stance.evaluation.report import VOLATILE_KEYS, to_json, write_report
from stance.schema import STANCES


def _rows(n_articles=5, per_article=6, missing=None):
    rows = []
    for a in range(n_articles):
        for i in range(per_article):
            stance = STANCES[(a + i) % 3]
            if missing and a == missing[0] and stance == missing[1]:
                stance = "neutral"
            word = {"pro": "benefits savings", "anti": "strike jobs lost", "neutral": "the report said"}[stance]
            rows.append(
                {
                    "sent_id": f"art{a}:{i:03d}",
                    "article": f"art{a}",
                    "text": f"{word} sentence {i} of article {a}",
                    "context": "",
                    "speaker": "author",
                    "stance": stance,
                }
            )
    return rows


class SpyModel:
    """Records what it was trained on; predicts the majority of its training labels."""

    seen: list[set[str]] = []

    def __init__(self, config=None, *, seed=0):
        self.name, self.config, self.seed = "spy", dict(config or {}), seed

    def fit(self, train, *, validation=None):
        SpyModel.seen.append({row["article"] for row in train})
        self.label = max(STANCES, key=[r["stance"] for r in train].count)
        return {}

    def predict_proba(self, rows):
        out = np.zeros((len(rows), 3))
        out[:, STANCES.index(self.label)] = 1
        return out


@pytest.fixture
def spy(monkeypatch):
    from stance.models import registry

    SpyModel.seen = []
    monkeypatch.setattr(registry, "create", lambda name, *, config=None, seed=0: SpyModel(config, seed=seed))
    return ev.ModelSpec(name="spy", kind="registry")


def test_leave_one_article_out_never_trains_on_the_test_article(spy):
    rows = _rows()
    result = ev.evaluate(rows, [spy], cv="article", n_bootstrap=200)
    assert [f["name"] for f in result.protocol["folds"]] == [f"art{a}" for a in range(5)]
    for fold, seen in zip(result.protocol["folds"], SpyModel.seen, strict=True):
        assert fold["name"] not in seen and len(seen) == 4
    assert result.fold_of == [row["article"] for row in rows]


def test_grouped_kfold_never_trains_on_a_test_article(spy):
    rows = _rows(n_articles=6)
    result = ev.evaluate(rows, [spy], cv="kfold", k=3, n_bootstrap=200)
    assert result.protocol["grouped_by_article"]
    for fold, seen in zip(result.protocol["folds"], SpyModel.seen, strict=True):
        tested = {r["article"] for r, f in zip(rows, result.fold_of, strict=True) if f == fold["name"]}
        assert tested and not tested & seen


def test_a_class_missing_from_a_fold_marks_the_fold_not_a_warning_nor_a_nan(spy):
    rows = _rows(missing=(2, "pro"))
    result = ev.evaluate(rows, [spy], cv="article", n_bootstrap=200)
    # The headline scores pool the folds, so only the per-fold record says so.
    assert not any("no gold" in w for w in result.warnings)
    folds = {f["fold"]: f for f in result.model("spy").folds}
    assert folds["art2"]["missing_gold"] == ["pro"] and "missing_gold" not in folds["art1"]
    assert any("spy: never predicts" in w for w in result.warnings)
    document = json.dumps(to_json(result))
    assert "NaN" not in document
    for model in result.models:
        assert all(not math.isnan(model.scores[k]) for k in ("accuracy", "macro_f1", "f_avg"))


def test_reference_rows_are_always_there_and_pairs_are_holm_corrected(spy):
    specs = ev.resolve_models(["tfidf"])
    assert [s.name for s in specs] == ["majority", "random", "tfidf"]
    result = ev.evaluate(_rows(), [*specs[:2], spy], n_bootstrap=200)
    assert len(result.comparisons) == 3
    for pair in result.comparisons:
        assert pair["p_holm"] >= pair["p_value"]
        assert 0 < pair["p_value"] <= 1
    assert result.protocol["comparison"]["correction"] == "holm"


def test_unknown_model_and_bad_options_are_user_errors(spy):
    with pytest.raises(StanceError, match="Can't find 'nope'. Available names:"):
        ev.resolve_models(["nope"])
    with pytest.raises(StanceError, match="--seeds"):
        ev.evaluate(_rows(), [spy], seeds=0)
    with pytest.raises(StanceError, match="no labelled sentences"):
        ev.evaluate([], [spy])


def test_tfidf_report_is_reproducible_and_complete(tmp_path):
    rows = _rows(n_articles=4, per_article=9)
    specs = ev.resolve_models(["tfidf"])
    documents = []
    for name in ("a", "b"):
        result = ev.evaluate(
            rows, specs, cv="article", n_bootstrap=300, seed=3, learning_curve=True, bootstrap_unit="article"
        )
        write_report(result, tmp_path / name)
        document = json.loads((tmp_path / name / "report.json").read_text())
        documents.append({k: v for k, v in document.items() if k not in VOLATILE_KEYS})
    assert documents[0] == documents[1]
    document = documents[0]
    assert set(document["models"]) == {"majority", "random", "tfidf"}
    assert document["models"]["tfidf"]["ci"]["macro_f1"][0] <= document["models"]["tfidf"]["macro_f1"]
    assert [p["fraction"] for p in document["learning_curve"]["tfidf"]] == [0.25, 0.5, 0.75, 1.0]
    files = {p.name for p in (tmp_path / "a").iterdir()}
    assert {"report.md", "predictions.jsonl", "scores.png", "learning-curve.png", "confusion-tfidf.png"} <= files
    predictions = [json.loads(line) for line in (tmp_path / "a" / "predictions.jsonl").read_text().splitlines()]
    assert len(predictions) == len(rows)
    assert predictions[0]["predictions"]["tfidf"]["label"] in STANCES


def test_seeds_give_one_score_per_seed(spy):
    result = ev.evaluate(_rows(), [spy], seeds=3, n_bootstrap=200)
    assert result.models[0].seeds == [0, 1, 2]
    assert len(result.models[0].seed_scores) == 3
    assert result.models[0].seed_summary["macro_f1"][1] == 0.0  # the spy is deterministic


def test_cli_evaluate_writes_a_report_and_errors_lists_mistakes(project, runner, tmp_path):
    out = tmp_path / "report"
    result = runner.invoke(app, ["evaluate", "--models", "tfidf", "--bootstrap", "200", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "tfidf" in result.output and "Paired comparisons" in result.output
    document = json.loads((out / "report.json").read_text())
    assert document["protocol"]["cv"] == "kfold" and document["protocol"]["k"] == 5
    assert document["protocol"]["grouped_by_article"] and len(document["protocol"]["folds"]) == 5
    assert document["data"]["n_sentences"] > 0
    listed = runner.invoke(app, ["errors", str(out), "--model", "tfidf", "--limit", "3"])
    assert listed.exit_code == 0, listed.output
    assert "misclassified sentences" in listed.output
    bad = runner.invoke(app, ["errors", str(out), "--model", "nope"])
    assert bad.exit_code == 1 and "Can't find 'nope'" in bad.output


def test_cli_origin_source_uses_only_the_seed_articles(project, runner, tmp_path):
    out = tmp_path / "src"
    result = runner.invoke(
        app, ["evaluate", "--models", "tfidf", "--origin", "source", "--bootstrap", "100", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads((out / "report.json").read_text())
    assert document["protocol"]["origin"] == "source"
    assert document["data"]["n_articles"] == 4


def test_cli_external_test_file(project, runner, tmp_path):
    test = tmp_path / "test.csv"
    test.write_text(
        "text,stance\nThe union said jobs will be lost,anti\nSavings are good,pro\nThe minister spoke,neutral\n"
    )
    out = tmp_path / "ext"
    result = runner.invoke(
        app, ["evaluate", "--models", "tfidf", "--test", str(test), "--bootstrap", "100", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads((out / "report.json").read_text())
    assert document["protocol"]["cv"] == "test" and document["data"]["n_sentences"] == 3
    test.write_text("text,stance\nfine,anti\nhmm,favour-ish\n")
    bad = runner.invoke(app, ["evaluate", "--models", "tfidf", "--test", str(test), "--out", str(out)])
    assert bad.exit_code == 1
    assert f"{test}:3: stance: unknown label 'favour-ish'" in bad.output
    assert "Traceback" not in bad.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--models", "nope"], "Can't find 'nope'"),
        (["--cv", "kfold:x"], "--cv"),
        (["--bootstrap-unit", "word"], "--bootstrap-unit"),
        (["--set", "tfidf.nokey=1", "--models", "tfidf"], "nokey"),
        (["--origin", "mars"], "--origin"),
    ],
)
def test_cli_bad_options_are_one_line(project, runner, tmp_path, args, message):
    result = runner.invoke(app, ["evaluate", *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_external_test_file_with_a_saved_run(project, runner, tmp_path):
    from stance.corpus.dataset import labelled_rows
    from stance.models.train import train_model

    run_dir = train_model("tfidf", labelled_rows(project), out_dir=tmp_path / "run")
    test = tmp_path / "test.jsonl"
    lines = [
        '{"text": "The union said 200 jobs would be lost to India.", "stance": "anti", "speaker": "PCS"}',
        '{"text": "Offshoring will save the taxpayer money.", "stance": "pro"}',
        '{"text": "The contract was signed in 2004.", "stance": "neutral"}',
    ]
    test.write_text("\n".join(lines) + "\n")
    out = tmp_path / "ext"
    result = runner.invoke(
        app, ["evaluate", "--models", str(run_dir), "--test", str(test), "--bootstrap", "100", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads((out / "report.json").read_text())
    assert document["models"][run_dir.name]["kind"] == "saved"
    assert document["models"][run_dir.name]["n"] == 3


def test_cli_cross_validates_a_saved_run_by_its_kind_and_config(project, runner, tmp_path):
    """A run directory named anything (here ``tfidf-run``) is retrained in each fold as its recorded kind."""
    from stance.corpus.dataset import labelled_rows
    from stance.models.train import train_model

    run_dir = train_model(
        "tfidf", labelled_rows(project, origin="source"), out_dir=tmp_path / "tfidf-run", config={"word_ngram_max": 1}
    )
    out = tmp_path / "cv"
    args = ["evaluate", "--models", str(run_dir), "--origin", "source", "--cv", "kfold:2", "--bootstrap", "100"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    model = json.loads((out / "report.json").read_text())["models"]["tfidf-run"]
    assert model["kind"] == "saved"
    assert model["config"]["word_ngram_max"] == 1  # the run's config, not the project's tfidf.toml
    assert [f["fold"] for f in model["folds"]] == ["fold-1", "fold-2"]


def test_report_json_has_the_documented_top_level_keys(spy):
    import stance.evaluation.report as report

    document = to_json(ev.evaluate(_rows(), [spy], n_bootstrap=100))
    keys = ("protocol", "data", "models", "comparisons", "learning_curve", "speaker_ablation", "warnings", "timing")
    for key in keys:
        assert f"\n    {key} " in report.__doc__
    assert set(document) == {
        "schema", "stance_version", "created", "versions", "protocol", "data",
        "models", "comparisons", "learning_curve", "speaker_ablation", "warnings", "timing",
    }  # fmt: skip
    model = document["models"]["spy"]
    for key in ("kind", "config", "seeds", "ci", "per_class", "confusion_matrix", "seed_mean_sd", "folds"):
        assert key in model and f"{key}" in report.__doc__
