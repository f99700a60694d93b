"""Train on some articles, test on others: `stance evaluate --train SET --test SET`."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stance.cli import app
from stance.errors import StanceError
from stance.evaluation import protocol as ev
from stance.evaluation.splits import article_split, select_articles
from stance.schema import STANCES

COLLECTION_OF = {"a1": "seed", "a2": "seed", "b1": "extra", "b2": "extra", "c1": "more"}


def _rows(articles=("a1", "a2", "b1", "b2", "c1"), per_article=6):
    rows = []
    for a, article in enumerate(articles):
        for i in range(per_article):
            stance = STANCES[(a + i) % 3]
            rows.append(
                {
                    "sent_id": f"{article}:{i:03d}",
                    "article": article,
                    "text": f"{stance} words, sentence {i} of {article}",
                    "context": "",
                    "speaker": "Union" if stance == "anti" else "author",
                    "stance": stance,
                }
            )
    return rows


class SpyModel:
    """Records the articles it trained and predicted on; predicts its training majority."""

    trained: list[set[str]] = []
    tested: list[set[str]] = []

    def __init__(self, config=None, *, seed=0):
        self.name, self.config = "spy", dict(config or {})

    def fit(self, train, *, validation=None):
        SpyModel.trained.append({row["article"] for row in train})
        self.label = max(STANCES, key=[r["stance"] for r in train].count)
        return {}

    def predict_proba(self, rows):
        SpyModel.tested.append({row["article"] for row in rows})
        out = np.zeros((len(rows), 3))
        out[:, STANCES.index(self.label)] = 1
        return out


@pytest.fixture
def spy(monkeypatch):
    from stance.models import registry

    SpyModel.trained, SpyModel.tested = [], []
    monkeypatch.setattr(registry, "create", lambda name, *, config=None, seed=0: SpyModel(config, seed=seed))
    return ev.ModelSpec(name="spy", kind="registry", config={"use_speaker": False})


def test_a_set_is_named_by_collection_or_by_article_ids_in_corpus_order():
    assert select_articles("collection:extra,seed", COLLECTION_OF, option="--train") == ["a1", "a2", "b1", "b2"]
    assert select_articles("article:c1, a2", COLLECTION_OF, option="--test") == ["a2", "c1"]


@pytest.mark.parametrize(
    "train, test, message",
    [
        ("collection:seed", "article:a1,zz", "--test: unknown article id(s) 'zz'"),
        ("collection:mars", None, "--train: unknown collection(s) 'mars'; collections: seed (2), extra (2), more (1)"),
        ("collection:seed", "collection:seed,more", "share 2 article(s) (a1, a2)"),
        ("collection:seed", "collection:more", "--test: 'collection:more': none of its 1 article(s) has a labelled"),
        ("collection:seed,extra", None, "--test: every labelled article is in --train"),
        ("seed", None, "--train: 'seed': expected collection:NAME[,NAME] or article:ID[,ID]"),
        ("article:", None, "expected collection:NAME"),
        (None, None, "give --train, --test or both"),
    ],
)
def test_bad_article_sets_are_user_errors(train, test, message):
    groups = [row["article"] for row in _rows(articles=("a1", "a2", "b1", "b2"))]
    with pytest.raises(StanceError) as caught:
        article_split(groups, COLLECTION_OF, train=train, test=test)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_side_is_every_other_labelled_article():
    groups = [row["article"] for row in _rows()]
    split = article_split(groups, COLLECTION_OF, train=None, test="collection:extra")
    assert split.train_articles == ("a1", "a2", "c1") and split.test_articles == ("b1", "b2")
    assert {groups[i] for i in split.fold.test} == {"b1", "b2"}
    assert split.to_dict()["train"]["spec"] == "every other labelled article"


def test_the_split_trains_only_on_its_training_articles_and_scores_only_the_test_articles(spy):
    rows = _rows()
    split = article_split([r["article"] for r in rows], COLLECTION_OF, train="collection:seed", test="collection:extra")
    specs = [*ev.resolve_models(["tfidf"])[:2], spy]
    result = ev.evaluate(rows, specs, n_bootstrap=100, split=split, learning_curve=True)
    assert SpyModel.trained[0] == {"a1", "a2"} and SpyModel.tested[0] == {"b1", "b2"}
    assert all(trained <= {"a1", "a2"} for trained in SpyModel.trained)  # learning-curve shares included
    assert [row["article"] for row in result.rows] == ["b1"] * 6 + ["b2"] * 6
    assert result.fold_of == ["test"] * 12
    assert [m.name for m in result.models] == ["majority", "random", "spy"]
    for model in result.models:
        assert model.scores["n"] == 12 and len(model.predictions) == 12 and model.proba.shape == (12, 3)
    assert len(result.comparisons) == 3
    assert result.protocol["cv"] == "split" and result.protocol["pooling"] is None
    assert result.protocol["split"]["train"] == {"spec": "collection:seed", "articles": ["a1", "a2"], "n_sentences": 12}
    assert result.data["n_articles"] == 2 and result.data["train_fingerprint"] != result.data["fingerprint"]
    # The learning curve's 100% point is the split's own score.
    assert result.learning_curve["spy"][-1]["macro_f1"] == result.model("spy").scores["macro_f1"]


def test_the_speaker_ablation_runs_on_the_split(spy):
    rows = _rows()
    # The finder misses every "Union" sentence of the test articles only.
    finder = [{**r, "speaker": "author" if r["article"].startswith("b") else r["speaker"]} for r in rows]
    split = article_split([r["article"] for r in rows], COLLECTION_OF, train="collection:seed", test="article:b1,b2")
    result = ev.evaluate(rows, [spy], n_bootstrap=100, split=split, finder_rows=finder)
    ablation = result.speaker_ablation.to_dict()
    assert ablation["finder_agreement"] == pytest.approx(8 / 12)  # measured on the 12 test rows
    variants = ablation["models"]["spy"]
    assert [v["variant"] for v in variants] == ["text only", "gold speaker", "finder speaker"]
    assert variants[0]["macro_f1"] == result.model("spy").scores["macro_f1"]
    assert all(trained <= {"a1", "a2"} for trained in SpyModel.trained)
    assert all(tested <= {"b1", "b2"} for tested in SpyModel.tested)


def _drop_gold_of(project, *collections):
    from stance.corpus.articles import article_collections

    unlabelled = {a for a, c in article_collections(project).items() if c in collections}
    path = project.gold_file
    kept = [
        line for line in path.read_text().splitlines() if json.loads(line)["sent_id"].split(":")[0] not in unlabelled
    ]
    path.write_text("\n".join(kept) + "\n")


@pytest.fixture
def twenty(project):
    """The project with only the 20 older articles (seed: 4, corpus-extra: 16) labelled: small and fast."""
    _drop_gold_of(project, "corpus-more")
    return project


def test_cli_train_on_seed_test_on_corpus_extra_with_the_speaker_ablation(twenty, runner, tmp_path):
    out = tmp_path / "split"
    args = ["evaluate", "--models", "tfidf", "--bootstrap", "100", "--out", str(out)]
    result = runner.invoke(
        app, [*args, "--train", "collection:seed", "--test", "collection:corpus-extra", "--speaker-ablation"]
    )
    assert result.exit_code == 0, result.output
    assert "split" in result.output and "Paired comparisons" in result.output and "finder speaker" in result.output
    document = json.loads((out / "report.json").read_text())
    split = document["protocol"]["split"]
    assert len(split["train"]["articles"]) == 4 and len(split["test"]["articles"]) == 16
    assert set(document["models"]) == {"majority", "random", "tfidf"}
    assert document["data"]["n_sentences"] == split["test"]["n_sentences"]
    predictions = (out / "predictions.jsonl").read_text().splitlines()
    assert len(predictions) == split["test"]["n_sentences"]
    assert {json.loads(line)["article"] for line in predictions} == set(split["test"]["articles"])
    assert "Protocol: trained on collection:seed (4 articles" in (out / "report.md").read_text()
    assert {"scores.png", "confusion-tfidf.png"} <= {p.name for p in out.iterdir()}


def test_cli_test_articles_alone_train_on_every_other_labelled_article(twenty, runner, tmp_path):
    out = tmp_path / "ids"
    args = ["evaluate", "--models", "tfidf", "--bootstrap", "100", "--out", str(out)]
    result = runner.invoke(app, [*args, "--test", "article:dwp-offshore-it-jobs,hp-dwp-staff-strike-india"])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "report.json").read_text())
    split = document["protocol"]["split"]
    assert split["test"]["articles"] == ["hp-dwp-staff-strike-india", "dwp-offshore-it-jobs"]
    from stance.corpus.dataset import labelled_rows

    labelled = {row["article"] for row in labelled_rows(twenty)}
    assert set(split["train"]["articles"]) == labelled - set(split["test"]["articles"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--test", "article:no-such-article"], "--test: unknown article id(s) 'no-such-article'"),
        (["--train", "collection:seed", "--test", "collection:nope"], "--test: unknown collection(s) 'nope'"),
        (["--train", "collection:seed", "--test", "collection:seed"], "share 4 article(s)"),
        (
            ["--train", "collection:corpus-extra", "--test", "collection:seed"],
            "--train: 'collection:corpus-extra': none",
        ),
        (["--train", "collection:seed,corpus-extra,corpus-more"], "every labelled article is in --train"),
        (["--cv", "kfold:3", "--test", "collection:seed"], "--cv: cross-validation and --train/--test"),
    ],
)
def test_cli_bad_article_sets_are_one_line(twenty, runner, tmp_path, args, message):
    _drop_gold_of(twenty, "corpus-extra")
    # With corpus-extra unlabelled too, "seed,corpus-extra,corpus-more" leaves no article to test on.
    result = runner.invoke(app, ["evaluate", "--models", "tfidf", *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_cli_train_articles_with_an_external_test_file(twenty, runner, tmp_path):
    test = tmp_path / "test.csv"
    test.write_text(
        "text,stance\nThe union said jobs will be lost,anti\nSavings are good,pro\nThe minister spoke,neutral\n"
    )
    out = tmp_path / "ext"
    args = ["evaluate", "--models", "tfidf", "--bootstrap", "100", "--out", str(out)]
    result = runner.invoke(app, [*args, "--train", "collection:seed", "--test", str(test)])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "report.json").read_text())
    assert document["protocol"]["cv"] == "test" and document["data"]["n_sentences"] == 3
    from stance.corpus.dataset import labelled_rows
    from stance.evaluation.protocol import fingerprint

    seed_rows = [r for r in labelled_rows(twenty) if r["origin"] == "source"]
    assert document["data"]["train_fingerprint"] == fingerprint(seed_rows)
