"""The ensemble: averaging, a stacker fitted on grouped out-of-fold probabilities, save and load."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_models import small_config

from stance.errors import StanceError
from stance.models import registry

ROWS = [
    {"article": f"a{i % 4}", "text": text, "speaker": speaker, "speaker_type": kind, "stance": stance}
    for i, (text, speaker, kind, stance) in enumerate(
        [
            ("Moving work abroad will save money.", "Acme", "organisation", "pro"),
            ("Cheaper services follow from offshoring.", "Jo Bloggs", "person", "pro"),
            ("Outsourcing keeps us competitive.", "Acme", "organisation", "pro"),
            ("Offshore centres cut our costs.", "Acme", "organisation", "pro"),
            ("Sending jobs overseas betrays workers.", "PCS", "organisation", "anti"),
            ("We will strike against the move.", "Unite", "organisation", "anti"),
            ("Job losses from offshoring are a scandal.", "PCS", "organisation", "anti"),
            ("We oppose any transfer abroad.", "Unite", "organisation", "anti"),
            ("The office is in Leeds.", "author", "author", "neutral"),
            ("The contract was signed in 2004.", "author", "author", "neutral"),
            ("The firm employs 300 people.", "author", "author", "neutral"),
            ("The talks resume on Monday.", "author", "author", "neutral"),
        ]
    )
]


def test_mean_is_the_weighted_average_of_the_members(tiny_bert):
    config = {**small_config("ensemble", tiny_bert), "weights": [3.0, 1.0]}
    model = registry.create("ensemble", config=config)
    model.fit(ROWS)
    tfidf, embeddings = (m.predict_proba(ROWS) for m in model.members)
    np.testing.assert_allclose(model.predict_proba(ROWS), (3 * tfidf + embeddings) / 4)
    assert all(m.config["use_speaker"] and m.config["speaker_form"] == "role" for m in model.members)


def test_stacker_is_fitted_on_out_of_fold_predictions_and_reloads(tiny_bert, tmp_path):
    model = registry.create("ensemble", config={**small_config("ensemble", tiny_bert), "combine": "stack"})
    facts = model.fit(ROWS)
    assert facts["stacker"] == {"folds": 4, "features": 6}  # 4 articles; 3 probabilities x 2 members
    proba = model.predict_proba(ROWS)
    assert np.allclose(proba.sum(axis=1), 1.0)
    model.save(tmp_path / "run")
    assert (tmp_path / "run" / "stacker.json").is_file() and (tmp_path / "run" / "tfidf").is_dir()
    np.testing.assert_allclose(registry.load_model(tmp_path / "run").predict_proba(ROWS), proba, atol=1e-9)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"members": []}, "other than 'ensemble'"),
        ({"members": ["ensemble"], "weights": [1.0]}, "other than 'ensemble'"),
        ({"weights": [1.0]}, "1 weights for 2 members"),
        ({"combine": "vote"}, "allowed: mean, stack"),
        ({"member_config": {"transformer": {}}}, "for listed members"),
    ],
)
def test_bad_configs_are_one_line(config, message):
    with pytest.raises(StanceError, match=message):
        registry.create("ensemble", config=config)
