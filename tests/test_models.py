"""The model registry, configs, and one conformance test over every registered model."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tiny_models import small_config

from stance.errors import StanceError
from stance.models import registry
from stance.models.base import Predictor, StanceModel
from stance.models.baselines import REFERENCES, ReferenceModel
from stance.models.common import MARKER, labels_from_proba
from stance.schema import STANCES

REPO = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROWS = [
    {"text": "Moving the call centre to India will save money.", "speaker": "the company", "stance": "pro"},
    {"text": "Offshoring brings cheaper services for customers.", "speaker": "a minister", "stance": "pro"},
    {"text": "Outsourcing abroad cuts costs and keeps us competitive.", "speaker": "the board", "stance": "pro"},
    {"text": "Sending jobs overseas betrays loyal British workers.", "speaker": "the union", "stance": "anti"},
    {"text": "Staff will strike against the move of jobs to India.", "speaker": "PCS", "stance": "anti"},
    {"text": "The union condemned the job losses caused by offshoring.", "speaker": "Unite", "stance": "anti"},
    {"text": "The office is in Newcastle.", "speaker": "author", "stance": "neutral", "context": "It opened."},
    {"text": "The contract was signed in 2004.", "speaker": "author", "stance": "neutral"},
    {"text": "A spokesman declined to comment on the report.", "speaker": "author", "stance": "neutral"},
]


def test_registry_lists_every_model_module():
    names = registry.available()
    assert "tfidf" in names
    for name in names:
        assert registry.model_class(name).name == name


def test_unknown_model_names_the_available_ones():
    with pytest.raises(StanceError, match=r"Can't find 'nope'. Available names: tfidf"):
        registry.create("nope")


@pytest.mark.parametrize("name", registry.available())
def test_project_config_file_lists_exactly_the_defaults(name):
    """models/<name>.toml is the editable copy of the class defaults; they must not drift."""
    with (REPO / "models" / f"{name}.toml").open("rb") as handle:
        assert tomllib.load(handle) == registry.model_class(name).defaults


def test_config_layers_and_unknown_keys(project, tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text("C = 3\nuse_speaker = true\n")
    config = registry.load_config("tfidf", extra, {"word_ngram_max": 3}, root=project)
    assert config["C"] == 3.0 and config["use_speaker"] is True and config["word_ngram_max"] == 3
    extra.write_text("colour = 'blue'\n")
    with pytest.raises(StanceError, match=r"mine.toml: colour: unknown key; allowed: C, "):
        registry.load_config("tfidf", extra, root=project)
    with pytest.raises(StanceError, match=r"word_ngram_max: expected int, got str"):
        registry.load_config("tfidf", overrides={"word_ngram_max": "two"}, root=project)


def test_parse_overrides_reads_toml_values_and_plain_strings():
    assert registry.parse_overrides(["epochs=2", "lr=1e-4", "use_speaker=true", "base_model=a/b-c"]) == {
        "epochs": 2,
        "lr": 1e-4,
        "use_speaker": True,
        "base_model": "a/b-c",
    }
    with pytest.raises(StanceError, match="expected key=value"):
        registry.parse_overrides(["epochs"])


@pytest.mark.parametrize("name", registry.available())
def test_every_model_fits_predicts_saves_and_loads(name, tiny_bert, tmp_path):
    """The contract of stance.models.base.StanceModel, for every registered model."""
    model = registry.create(name, config=small_config(name, tiny_bert), seed=1)
    assert isinstance(model, StanceModel)
    facts = model.fit(ROWS)
    assert facts["train_size"] == len(ROWS)
    rows = [{"text": r["text"], "speaker": r.get("speaker")} for r in ROWS[:5]] + [{"text": "Unseen words only."}]
    proba = model.predict_proba(rows)
    assert proba.shape == (len(rows), len(STANCES))
    assert np.allclose(proba.sum(axis=1), 1.0) and (proba >= 0).all()
    assert set(model.predict(rows)) <= set(STANCES)
    model.save(tmp_path / "run")
    assert json.loads((tmp_path / "run" / MARKER).read_text())["model"] == name
    again = registry.load_model(tmp_path / "run")
    assert type(again) is type(model) and again.config == model.config
    np.testing.assert_allclose(again.predict_proba(rows), proba, rtol=1e-5, atol=1e-6)


#: Every registered model and the evaluation's reference rows: one contract, checked the same way.
CONFORMING = [*registry.available(), *REFERENCES]


def _fresh(name: str, tiny_bert: Path, seed: int = 3) -> Any:
    if name in REFERENCES:
        return ReferenceModel(name, seed=seed)
    return registry.create(name, config=small_config(name, tiny_bert), seed=seed)


@pytest.mark.parametrize("name", CONFORMING)
def test_conformance(name, tiny_bert, tmp_path):
    """Like scikit-learn's check_estimator: what every model must do, whatever it is inside."""
    rows = [{"text": r["text"], "speaker": r.get("speaker")} for r in ROWS[:5]] + [{"text": "Unseen words only."}]
    untouched_train, untouched_rows = copy.deepcopy(ROWS), copy.deepcopy(rows)

    model = _fresh(name, tiny_bert)
    assert isinstance(model, Predictor)
    with pytest.raises(StanceError, match="not trained yet"):
        model.predict_proba(rows)  # predict before fit fails clearly
    model.fit(ROWS)
    proba = model.predict_proba(rows)
    assert model.predict(rows) == labels_from_proba(proba)  # predict is the argmax of predict_proba
    assert ROWS == untouched_train and rows == untouched_rows  # input rows are not mutated

    twin = _fresh(name, tiny_bert)
    twin.fit(ROWS)
    np.testing.assert_allclose(twin.predict_proba(rows), proba, rtol=0, atol=1e-7)  # same seed, same numbers

    if name in REFERENCES:
        return  # never saved: not in the registry
    assert isinstance(model, StanceModel)
    model.save(tmp_path / "run")
    again = registry.load_model(tmp_path / "run")
    assert again.config == model.config
    np.testing.assert_allclose(again.predict_proba(rows), proba, rtol=1e-5, atol=1e-6)
    assert again.predict(rows) == model.predict(rows)


@pytest.mark.parametrize("name", registry.available())
def test_every_model_refuses_unlearnable_data(name, tiny_bert):
    model = registry.create(name, config=small_config(name, tiny_bert))
    with pytest.raises(StanceError, match="no labelled rows"):
        model.fit([])
    with pytest.raises(StanceError, match="at least two stances"):
        model.fit([{"text": "a", "stance": "pro"}, {"text": "b", "stance": "pro"}])
    with pytest.raises(StanceError, match="row 2: unknown stance 'maybe'"):
        model.fit([{"text": "a", "stance": "pro"}, {"text": "b", "stance": "maybe"}])
    with pytest.raises(StanceError, match="row 1: missing or empty text"):
        model.fit([{"text": " ", "stance": "pro"}, {"text": "b", "stance": "anti"}])


def test_a_stance_missing_from_training_gets_zero_probability():
    model = registry.create("tfidf", config={})
    model.fit([r for r in ROWS if r["stance"] != "pro"])
    proba = model.predict_proba(ROWS)
    assert (proba[:, STANCES.index("pro")] == 0).all()
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_load_model_errors_are_one_clear_line(tmp_path):
    with pytest.raises(StanceError, match="model directory not found"):
        registry.load_model(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StanceError, match="not a stance model directory"):
        registry.load_model(tmp_path / "empty")
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / MARKER).write_text(json.dumps({"model": "xgboost"}))
    with pytest.raises(StanceError, match="unknown model kind 'xgboost'. Available names: tfidf"):
        registry.load_model(tmp_path / "odd")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / MARKER).write_text(json.dumps({"model": "tfidf"}))
    with pytest.raises(StanceError, match=r"incomplete model directory: model.skops is missing"):
        registry.load_model(tmp_path / "half")


@pytest.mark.parametrize("name", registry.available())
def test_every_registered_model_says_what_it_is(name: str) -> None:
    """`stance models` and the model card print this line; an empty one leaves a blank cell and card."""
    assert registry.model_class(name).description.strip()
