"""`stance evaluate --speaker-ablation`: three CV runs per model, same folds, finder speakers only at test time."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stance.cli import app
from stance.evaluation import protocol as ev
from stance.schema import STANCES


class SpeakerSpy:
    """Predicts the stance its training rows had for the row's speaker; records the speakers it saw."""

    trained: list[tuple[bool, set[str]]] = []
    tested: list[tuple[bool, set[str]]] = []

    def __init__(self, config=None, *, seed=0):
        self.name, self.config = "spy", dict(config or {})

    def fit(self, train, *, validation=None):
        use = bool(self.config.get("use_speaker"))
        SpeakerSpy.trained.append((use, {r["speaker"] for r in train}))
        self.by_speaker = {r["speaker"]: r["stance"] for r in train} if use else {}
        return {}

    def predict_proba(self, rows):
        SpeakerSpy.tested.append((bool(self.config.get("use_speaker")), {r["speaker"] for r in rows}))
        out = np.zeros((len(rows), 3))
        for i, row in enumerate(rows):
            out[i, STANCES.index(self.by_speaker.get(row["speaker"], "neutral"))] = 1
        return out


def _rows():
    # Each article quotes one pro and one anti speaker, so the speaker decides the stance.
    rows = []
    for a in range(4):
        for i, (speaker, stance) in enumerate([("Minister", "pro"), ("Union", "anti"), ("author", "neutral")] * 2):
            rows.append(
                {
                    "sent_id": f"a{a}:{i}",
                    "article": f"a{a}",
                    "text": f"sentence {i}",
                    "speaker": speaker,
                    "stance": stance,
                }
            )
    return rows


def test_ablation_trains_on_gold_and_tests_on_the_finders_speakers(monkeypatch):
    from stance.models import registry

    SpeakerSpy.trained, SpeakerSpy.tested = [], []
    monkeypatch.setattr(registry, "create", lambda name, *, config=None, seed=0: SpeakerSpy(config, seed=seed))
    rows = _rows()
    # The finder gets every "Union" sentence wrong: it says the author said them.
    finder = [{**r, "speaker": "author" if r["speaker"] == "Union" else r["speaker"]} for r in rows]
    spec = ev.ModelSpec(name="spy", kind="registry", config={"use_speaker": False})
    result = ev.evaluate(rows, [spec], cv="article", n_bootstrap=100, finder_rows=finder)

    ablation = result.speaker_ablation.to_dict()
    assert ablation["finder_agreement"] == pytest.approx(2 / 3)
    scores = {v["variant"]: v for v in ablation["models"]["spy"]}
    assert list(scores) == ["text only", "gold speaker", "finder speaker"]
    # Text only is the evaluated config: reused, not retrained.
    assert scores["text only"]["macro_f1"] == result.model("spy").scores["macro_f1"]
    assert scores["gold speaker"]["macro_f1"] == 1.0
    assert scores["text only"]["macro_f1"] < scores["finder speaker"]["macro_f1"] < 1.0
    for v in scores.values():
        for metric in ("macro_f1", "f_avg"):
            low, high = v["ci"][metric]
            assert low <= v[metric] <= high
    # Training never saw a finder speaker mistake; only the finder run's test rows did.
    assert all("Union" in speakers for _, speakers in SpeakerSpy.trained)
    assert any(use and "Union" not in speakers for use, speakers in SpeakerSpy.tested)


def test_cli_speaker_ablation_on_the_corpus(project, runner, tmp_path):
    out = tmp_path / "ablation"
    args = ["evaluate", "--models", "tfidf", "--origin", "source", "--bootstrap", "100", "--out", str(out)]
    result = runner.invoke(app, [*args, "--speaker-ablation"])
    assert result.exit_code == 0, result.output
    assert "Speaker ablation" in result.output and "finder speaker" in result.output
    document = json.loads((out / "report.json").read_text())
    variants = document["speaker_ablation"]["models"]["tfidf"]
    assert [v["variant"] for v in variants] == ["text only", "gold speaker", "finder speaker"]
    # tfidf uses the speaker by default, so its headline run is the finder-speaker variant
    assert variants[2]["macro_f1"] == document["models"]["tfidf"]["macro_f1"]
    assert document["protocol"]["speakers_at_test"] == "finder"
    assert 0.5 < document["speaker_ablation"]["finder_agreement"] <= 1.0
    assert "Speaker ablation" in (out / "report.md").read_text()


def test_cli_speaker_ablation_refuses_an_external_test_file(project, runner, tmp_path):
    test = tmp_path / "t.jsonl"
    test.write_text('{"text": "Jobs go abroad.", "stance": "anti"}\n')
    result = runner.invoke(app, ["evaluate", "--models", "tfidf", "--test", str(test), "--speaker-ablation"])
    assert result.exit_code == 1
    assert "--speaker-ablation" in result.output and "Traceback" not in result.output
