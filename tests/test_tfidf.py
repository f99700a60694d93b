"""The TF-IDF baseline: persistence, the trusted-type check, the speaker and context switches."""

from __future__ import annotations

import numpy as np
import pytest

from stance.corpus.dataset import labelled_rows
from stance.errors import StanceError
from stance.models import registry
from stance.models.common import write_marker
from stance.models.tfidf import WEIGHTS, TfidfModel


def test_save_and_reload_give_identical_probabilities(project, tmp_path):
    rows = labelled_rows(project)
    model = registry.create("tfidf", config={"use_speaker": True, "use_context": True})
    model.fit(rows)
    model.save(tmp_path / "run")
    again = registry.load_model(tmp_path / "run")
    assert np.array_equal(again.predict_proba(rows), model.predict_proba(rows))


def test_the_calibrated_svm_round_trips_with_identical_probabilities(project, tmp_path):
    """The svm variant saves extra sklearn types; they must be on the trusted list and reload exactly."""
    rows = labelled_rows(project)
    model = registry.create("tfidf", config={"classifier": "svm", "class_weight": "none"})
    model.fit(rows)
    proba = model.predict_proba(rows)
    assert proba.shape == (len(rows), 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    model.save(tmp_path / "run")
    again = registry.load_model(tmp_path / "run")
    assert again.config["classifier"] == "svm"
    assert np.array_equal(again.predict_proba(rows), proba)


def test_unknown_classifier_or_class_weight_is_one_clear_error():
    rows = [{"text": f"text {i}", "stance": s} for i in range(3) for s in ("pro", "anti", "neutral")]
    with pytest.raises(StanceError, match=r"classifier: unknown classifier 'forest'; allowed: logreg, svm"):
        registry.create("tfidf", config={"classifier": "forest"}).fit(rows)
    with pytest.raises(StanceError, match=r"class_weight: unknown class_weight 'heavy'"):
        registry.create("tfidf", config={"class_weight": "heavy"}).fit(rows)


def test_skops_file_with_an_untrusted_type_is_refused(tmp_path):
    """A file carrying any class outside the explicit list is not loaded, even a harmless sklearn one."""
    import skops.io as sio
    from sklearn.preprocessing import StandardScaler

    run = tmp_path / "run"
    run.mkdir()
    sio.dump(StandardScaler().fit(np.ones((3, 2))), run / WEIGHTS)
    write_marker(run, "tfidf", TfidfModel.defaults, 0)
    with pytest.raises(StanceError, match=r"refusing to load untrusted types: .*StandardScaler"):
        registry.load_model(run)


def test_a_corrupt_skops_file_is_one_clear_error(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / WEIGHTS).write_bytes(b"not a zip")
    write_marker(run, "tfidf", TfidfModel.defaults, 0)
    with pytest.raises(StanceError, match="unreadable skops file"):
        registry.load_model(run)


def test_speaker_switch_changes_what_the_model_sees():
    rows = [
        {"text": "The plan goes ahead.", "speaker": "union", "stance": "anti"},
        {"text": "The plan goes ahead.", "speaker": "company", "stance": "pro"},
        {"text": "The plan goes ahead today.", "speaker": "author", "stance": "neutral"},
    ] * 3
    with_speaker = registry.create("tfidf", config={"use_speaker": True})
    with_speaker.fit(rows)
    assert with_speaker.predict(rows[:2]) == ["anti", "pro"]
    without = registry.create("tfidf", config={"use_speaker": False})
    without.fit(rows)
    proba = without.predict_proba(rows[:2])
    assert np.allclose(proba[0], proba[1])


def test_grid_search_uses_training_rows_and_records_its_choice(project):
    rows = labelled_rows(project)
    model = registry.create("tfidf", config={"grid_search": True, "grid_C": [0.1, 10.0]})
    facts = model.fit(rows)
    assert facts["grid"]["best_C"] in (0.1, 10.0)
    assert model.config["C"] == facts["grid"]["best_C"]
