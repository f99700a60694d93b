"""The TweetEval benchmark on a fake TweetEval folder: readers, official metric, output layout."""

from __future__ import annotations

import json

import pytest
from sklearn.metrics import classification_report

from stance.cli import app
from stance.errors import StanceError
from stance.evaluation.tweeteval import benchmark as bench
from stance.evaluation.tweeteval import readers

WORDS = {"0": "weather today lunch", "1": "never wrong evil ban", "2": "support love great yes"}


def _fake_tweeteval(folder, targets=("abortion", "climate")):
    for t, target in enumerate(targets):
        for split, n in (("train", 12), ("val", 6), ("test", 9)):
            labels = [str((i + t) % 3) for i in range(n)]
            texts = [f"{WORDS[label]} {target} tweet {i} #SemST" for i, label in enumerate(labels)]
            (folder / target).mkdir(parents=True, exist_ok=True)
            (folder / target / f"{split}_text.txt").write_text("\n".join(texts) + "\n")
            (folder / target / f"{split}_labels.txt").write_text("\n".join(labels) + "\n")
    return folder


def test_tweeteval_reader_maps_ids_to_stances(tmp_path):
    splits = bench.load_tweeteval(_fake_tweeteval(tmp_path))
    assert list(splits) == ["abortion", "climate"]
    first = splits["abortion"]["train"][:3]
    assert [r["stance"] for r in first] == ["neutral", "anti", "pro"]


def test_tweeteval_reader_refuses_a_bad_label_with_its_line(tmp_path):
    folder = _fake_tweeteval(tmp_path)
    (folder / "climate" / "val_labels.txt").write_text("0\n1\n7\n0\n1\n2\n")
    with pytest.raises(StanceError, match=r"val_labels.txt:3: label: unknown label '7'"):
        bench.load_tweeteval(folder)


def test_official_score_equals_tweeteval_script_on_the_written_files(tmp_path):
    data = _fake_tweeteval(tmp_path / "data")
    splits = bench.load_tweeteval(data)
    configs, _ = bench.resolve_configs(["tfidf", "majority"])
    grids = {"tfidf": {"C": [0.3, 1.0]}}
    result = bench.run_benchmark(splits, ["tfidf", "majority"], configs=configs, grids=grids)
    bench.write_predictions(result, tmp_path / "out")
    for name in ("tfidf", "majority"):
        gold, pred = [], []
        for target in ("abortion", "climate"):
            gold += (data / target / "test_labels.txt").read_text().split("\n")[:-1]
            pred += (tmp_path / "out" / "predictions" / name / "stance" / f"{target}.txt").read_text().split("\n")[:-1]
        # TweetEval's evaluaton_script.py: mean of the F1 of '1' (against) and '2' (favor)
        report = classification_report(gold, pred, output_dict=True, zero_division=0)
        official = (report["1"]["f1-score"] + report.get("2", {"f1-score": 0})["f1-score"]) / 2
        assert result["models"][name]["official"] == pytest.approx(100 * official, abs=0.01)
    assert result["models"]["tfidf"]["official"] > result["models"]["majority"]["official"]
    assert set(result["models"]["tfidf"]["targets"]["abortion"]["tuned"]) == {"C"}


def test_same_seed_same_report(tmp_path):
    splits = bench.load_tweeteval(_fake_tweeteval(tmp_path))
    configs, _ = bench.resolve_configs(["tfidf", "random"])

    def numbers():
        document = bench.to_json(bench.run_benchmark(splits, ["tfidf", "random"], configs=configs, seed=2))
        text = json.dumps(document, sort_keys=True)
        return json.loads(text), document

    (a, _), (b, _) = numbers(), numbers()
    for doc in (a, b):
        for model in doc["models"].values():
            model.pop("seconds")
            for target in model["targets"].values():
                target.pop("seconds")
    assert a == b


def test_semeval_and_generic_layouts(tmp_path):
    semeval = tmp_path / "semeval"
    semeval.mkdir()
    header = "ID\tTarget\tTweet\tStance\n"
    rows = [
        ("Hillary Clinton", "vote for her yes", "FAVOR"),
        ("Hillary Clinton", "never her", "AGAINST"),
        ("Hillary Clinton", "lunch at the café", "NONE"),
    ] * 3
    body = "".join(f"{i}\t{t}\t{x}\t{s}\n" for i, (t, x, s) in enumerate(rows))
    (semeval / "trainingdata.txt").write_text(header + body, encoding="cp1252")
    (semeval / "testdata.txt").write_text(header + body, encoding="cp1252")
    splits = bench.load_table_benchmark(semeval, layout="semeval")
    assert list(splits) == ["hillary-clinton"]
    assert splits["hillary-clinton"]["val"] is None
    assert [r["stance"] for r in splits["hillary-clinton"]["train"][:3]] == ["pro", "anti", "neutral"]
    assert splits["hillary-clinton"]["train"][2]["text"] == "lunch at the café"

    generic = tmp_path / "generic"
    generic.mkdir()
    lines = "tweet,lab\n" + "yes great,favor\nno never,against\nmaybe lunch,none\n" * 3
    (generic / "train.csv").write_text(lines)
    (generic / "test.csv").write_text(lines)
    splits = bench.load_table_benchmark(
        generic, text_col="tweet", label_col="lab", label_map="against=anti,favor=pro,none=neutral"
    )
    assert [r["stance"] for r in splits["all"]["test"][:3]] == ["pro", "anti", "neutral"]
    (generic / "test.csv").write_text("tweet,lab\nyes,favor\nodd,sideways\n")
    with pytest.raises(StanceError, match=r"test.csv:3: lab: unknown label 'sideways'"):
        bench.load_table_benchmark(generic, text_col="tweet", label_col="lab", label_map="against=anti,favor=pro")


def test_label_map_is_checked():
    with pytest.raises(StanceError, match="--label-map"):
        readers.parse_label_map("against=contra")


def test_cli_benchmark_writes_report_and_tweeteval_layout(project, runner, tmp_path):
    data = _fake_tweeteval(tmp_path / "data")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["benchmark", "tweeteval", "--data", str(data), "--models", "tfidf,majority", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "RoBERTa-base" in result.output and "stance tfidf" in result.output
    document = json.loads((out / "report.json").read_text())
    assert document["published"]["SVM"] == 67.3
    assert set(document["models"]["tfidf"]["targets"]) == {"abortion", "climate"}
    lines = (out / "predictions" / "tfidf" / "stance" / "climate.txt").read_text().splitlines()
    assert len(lines) == 9 and set(lines) <= {"0", "1", "2"}
    bad = runner.invoke(app, ["benchmark", "tweeteval", "--data", str(tmp_path / "nothing")])
    assert bad.exit_code == 1 and "not a directory" in bad.output
    bad = runner.invoke(app, ["benchmark", "tweeteval", "--data", str(data), "--models", "nope"])
    assert bad.exit_code == 1 and "Can't find 'nope'" in bad.output
