"""The planned evaluation: jobs, progress with an ETA, typed results, the default protocol, a main job that talks."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from rich.console import Console

from stance.cli import app
from stance.evaluation import protocol as ev
from stance.evaluation.report import VOLATILE_KEYS, progress_line, to_json
from stance.schema import STANCES


def _rows(n_articles=10, per_article=6):
    rows = []
    for a in range(n_articles):
        for i in range(per_article):
            stance = STANCES[(a + i) % 3]
            rows.append(
                {
                    "sent_id": f"art{a}:{i:03d}",
                    "article": f"art{a}",
                    "text": f"{stance} sentence {i} of article {a}",
                    "context": "",
                    "speaker": "Union" if stance == "anti" else "author",
                    "stance": stance,
                }
            )
    return rows


class SpyModel:
    """Predicts the majority of its training labels, or per speaker when it uses speakers."""

    def __init__(self, config=None, *, seed=0):
        self.name, self.config, self.seed = "spy", dict(config or {}), seed

    def fit(self, train, *, validation=None):
        self.label = max(STANCES, key=[r["stance"] for r in train].count)
        self.by_speaker = {r["speaker"]: r["stance"] for r in train} if self.config.get("use_speaker") else {}
        return {}

    def predict_proba(self, rows):
        out = np.zeros((len(rows), 3))
        for i, row in enumerate(rows):
            out[i, STANCES.index(self.by_speaker.get(row["speaker"], self.label))] = 1
        return out


@pytest.fixture
def spy(monkeypatch):
    from stance.models import registry

    monkeypatch.setattr(registry, "create", lambda name, *, config=None, seed=0: SpyModel(config, seed=seed))
    return ev.ModelSpec(name="spy", kind="registry", config={"use_speaker": False})


def test_the_default_protocol_is_grouped_5_fold():
    assert (ev.DEFAULT_CV, ev.DEFAULT_K) == ("kfold", 5)
    plan = ev.make_folds(_rows())
    assert len(plan.folds) == 5 and plan.grouped
    for fold in plan.folds:
        tested = {f"art{i // 6}" for i in fold.test}
        trained = {f"art{i // 6}" for i in fold.train}
        assert not tested & trained


def test_the_plan_is_every_model_seed_and_fold_and_its_length_is_the_progress_total(spy):
    specs = [*ev.resolve_models(["tfidf"])[:2], spy]  # majority, random, spy
    jobs = ev.plan_jobs(specs, 5, seeds=[0, 1], curve_fractions=[0.5], ablated=[spy])
    main = [j for j in jobs if j.part == "main"]
    # References train once per fold, learned models once per seed and fold.
    assert len(main) == 5 * (1 + 1 + 2)
    # The ablation's "text only" is the evaluated config: planned only for gold and finder speakers.
    assert {j.variant for j in jobs if j.part == "ablation"} == {"gold speaker", "finder speaker"}
    assert len([j for j in jobs if j.part == "curve"]) == 5 * 3
    # Fold-major: the first round times every model once.
    assert {j.model for j in jobs[:5]} == {"majority", "random", "spy"}
    assert [j.fold for j in jobs] == sorted(j.fold for j in jobs)

    events = []
    result = ev.evaluate(
        _rows(), specs, seeds=2, n_bootstrap=100, learning_curve=True, finder_rows=_rows(), progress=events.append
    )
    assert [e.done for e in events] == list(range(1, len(events) + 1))
    planned = ev.plan_jobs(specs, 5, seeds=[0, 1], curve_fractions=[0.25, 0.5, 0.75], ablated=[spy])
    assert {e.total for e in events} == {len(events)} and len(events) == len(planned)
    assert result.timing["jobs"] == len(events)


def test_progress_has_an_eta_once_every_model_is_timed(spy):
    specs = [*ev.resolve_models(["tfidf"])[:2], spy]
    events = []
    ev.evaluate(_rows(), specs, n_bootstrap=100, progress=events.append)
    assert events[0].eta is None  # random and spy have not run yet
    assert all(e.eta is not None and e.eta >= 0 for e in events[2:])
    assert events[-1].eta == 0
    assert all(b.elapsed >= a.elapsed for a, b in zip(events, events[1:], strict=False))
    line = progress_line(events[3])
    assert line.startswith(f"[ 4/{len(events)}] majority fold-2: ") and "elapsed" in line and "ETA" in line


def test_the_same_seed_gives_the_same_report_and_to_dict_is_report_json(spy):
    specs = [*ev.resolve_models(["tfidf"])[:2], spy]

    def document():
        result = ev.evaluate(_rows(), specs, seed=4, n_bootstrap=200, learning_curve=True, finder_rows=_rows())
        full = to_json(result)
        assert {k: v for k, v in full.items() if k not in ("schema", "stance_version", *VOLATILE_KEYS)} == {
            k: v for k, v in result.to_dict().items() if k != "timing"
        }
        return {k: v for k, v in full.items() if k not in VOLATILE_KEYS}

    first, second = document(), document()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first["speaker_ablation"]["models"]["spy"][1]["variant"] == "gold speaker"
    assert first["protocol"]["cv"] == "kfold" and first["protocol"]["k"] == 5
    # The learning curve takes whole articles: 25..100% of each fold's 8 training articles.
    assert [p["n_train_articles"] for p in first["learning_curve"]["spy"]] == [2, 4, 6, 8]
    assert [p["n_train"] for p in first["learning_curve"]["spy"]] == [12, 24, 36, 48]


def test_training_sets_without_a_stance_are_one_warning_not_one_per_fold(spy):
    rows = [r for r in _rows(n_articles=6) if not (r["stance"] == "pro" and r["article"] != "art0")]
    result = ev.evaluate(rows, [spy], cv="article", n_bootstrap=100)
    lines = [w for w in result.warnings if "training set" in w]
    assert lines == ["no 'pro' sentence in the training set of 1 of 6 folds (art0): the models cannot predict it there"]


def test_a_piped_evaluate_prints_one_line_per_training_with_elapsed_and_eta(project, runner, tmp_path):
    out = tmp_path / "piped"
    result = runner.invoke(
        app, ["evaluate", "--models", "tfidf", "--origin", "source", "--bootstrap", "100", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("[")]
    document = json.loads((out / "report.json").read_text())
    # 4 seed articles < 5 folds: the K-fold is ungrouped and says so; 3 models x 5 folds.
    assert len(lines) == document["timing"]["jobs"] == 15
    assert lines[0].startswith("[ 1/15] majority fold-1: ") and "elapsed" in lines[-1] and "ETA 0.0 s" in lines[-1]
    assert "Time" in result.output  # the wall time column of the scores table


def test_on_a_terminal_evaluate_keeps_the_bar(project, runner, tmp_path, monkeypatch):
    import stance.cli.evaluate as cli

    screen = io.StringIO()
    monkeypatch.setattr(cli, "err_console", Console(file=screen, force_terminal=True, width=100))
    out = tmp_path / "bar"
    args = ["evaluate", "--models", "tfidf", "--origin", "source", "--bootstrap", "100", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "[ 1/15]" not in screen.getvalue() and "[ 1/15]" not in result.output
    assert "tfidf" in screen.getvalue()  # the bar's description, drawn on the terminal
