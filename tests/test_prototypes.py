"""Prototype columns: a sentence's closeness to general hypothesis sentences of each stance, beside its embedding."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_packaged import ROWS
from tiny_models import small_config

from stance.errors import StanceError
from stance.models import registry
from stance.models.prototypes import PROTOTYPES, hypotheses, prototype_columns
from stance.schema import STANCES


def test_hypotheses_come_class_by_class_in_stances_order():
    assert set(PROTOTYPES) == set(STANCES)
    assert hypotheses() == [h for stance in STANCES for h in PROTOTYPES[stance]]
    assert all(5 <= len(PROTOTYPES[s]) <= 10 for s in STANCES)


def test_no_hypothesis_is_a_corpus_sentence(project):
    """They are written in general terms; a copied corpus sentence would leak its label into every fold."""
    shipped = (project.path / "corpus" / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
    corpus = {json.loads(line)["text"].strip().lower() for line in shipped if line.strip()}
    assert corpus and not corpus & {h.lower() for h in hypotheses()}


def test_each_column_is_the_highest_similarity_to_that_stances_hypotheses():
    sizes = [len(PROTOTYPES[s]) for s in STANCES]
    hypothesis_vectors = np.eye(sum(sizes))  # hypothesis k is the unit vector e_k
    sentence = np.zeros((1, sum(sizes)))
    sentence[0, 1] = 0.6  # close to the second pro hypothesis
    sentence[0, sizes[0] + sizes[1] + 2] = 0.8  # and to the third neutral one
    columns = prototype_columns(sentence, hypothesis_vectors)
    np.testing.assert_allclose(columns, [[0.6, 0.0, 0.8]])


def test_prototype_weight_appends_three_scaled_columns_of_the_sentence_vector(tiny_bert):
    base = {**small_config("embeddings", tiny_bert), "role_weight": 0.0}
    plain = registry.create("embeddings", config=base).embed(ROWS)
    model = registry.create("embeddings", config={**base, "prototype_weight": 2.0})
    wider = model.embed(ROWS)
    assert wider.shape == (len(ROWS), plain.shape[1] + 3)
    np.testing.assert_allclose(wider[:, : plain.shape[1]], plain)
    expected = 2.0 * prototype_columns(plain, model._encode(hypotheses()))
    np.testing.assert_allclose(wider[:, plain.shape[1] :], expected)
    assert np.all(np.abs(wider[:, plain.shape[1] :]) <= 2.0 + 1e-6)  # cosines of normalised vectors, scaled
    with pytest.raises(StanceError, match="prototype_weight: must be 0 or more"):
        registry.create("embeddings", config={**base, "prototype_weight": -0.5})


def test_mpnet_uses_prototype_columns_by_default_and_embeddings_does_not():
    assert registry.load_config("mpnet", root=None)["prototype_weight"] == 2.0
    assert registry.load_config("embeddings", root=None)["prototype_weight"] == 0.0


def test_mpnet_with_prototype_columns_trains_saves_and_predicts_the_same_after_loading(tiny_bert, tmp_path):
    model = registry.create("mpnet", config=small_config("mpnet", tiny_bert))
    assert model.config["prototype_weight"] == 2.0
    model.fit(ROWS)
    model.save(tmp_path / "run")
    loaded = registry.load_model(tmp_path / "run")
    assert loaded.config["prototype_weight"] == 2.0
    np.testing.assert_allclose(loaded.predict_proba(ROWS), model.predict_proba(ROWS), atol=1e-9)


def test_a_saved_run_keeps_its_hypotheses_when_the_built_in_ones_change(tiny_bert, tmp_path, monkeypatch):
    """Reproducible: a run predicts the same after PROTOTYPES is edited, because it stores what it was fitted on."""
    model = registry.create("mpnet", config=small_config("mpnet", tiny_bert))
    model.fit(ROWS)
    assert model.config["hypotheses"] == {s: list(PROTOTYPES[s]) for s in STANCES}
    model.save(tmp_path / "run")
    before = model.predict_proba(ROWS)
    edited = {s: ("An unrelated sentence about the weather.",) for s in STANCES}
    monkeypatch.setattr("stance.models.prototypes.PROTOTYPES", edited)
    monkeypatch.setattr("stance.models.embeddings.PROTOTYPES", edited)
    loaded = registry.load_model(tmp_path / "run")
    np.testing.assert_allclose(loaded.predict_proba(ROWS), before, atol=1e-9)


def test_own_hypotheses_from_the_config_are_used_and_checked(tiny_bert):
    own = {"pro": ["Moving work abroad is good."], "anti": ["Keep the work here."], "neutral": ["It rained."]}
    base = {**small_config("mpnet", tiny_bert), "role_weight": 0.0}
    model = registry.create("mpnet", config={**base, "hypotheses": own})
    model.fit(ROWS)
    assert model.config["hypotheses"] == own, "given hypotheses are kept, not replaced by the built-in ones"
    plain = registry.create("mpnet", config={**base, "prototype_weight": 0.0}).embed(ROWS)
    expected = 2.0 * prototype_columns(plain, model._encode(hypotheses(own)), own)
    np.testing.assert_allclose(model.embed(ROWS)[:, plain.shape[1] :], expected, atol=1e-9)
    built_in = registry.create("mpnet", config=base).embed(ROWS)[:, plain.shape[1] :]
    assert not np.allclose(built_in, expected), "the columns depend on the hypotheses given"
    with pytest.raises(StanceError, match="hypotheses: expected one list of sentences for each of"):
        registry.create("mpnet", config={**small_config("mpnet", tiny_bert), "hypotheses": {"pro": ["x"]}})
    with pytest.raises(StanceError, match="hypotheses: 'anti': expected a non-empty list"):
        registry.create("mpnet", config={**small_config("mpnet", tiny_bert), "hypotheses": {**own, "anti": []}})
