"""`stance predict`: every input format, every output format, articles, and the errors."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from tiny_models import small_config

from stance.cli import app
from stance.corpus.dataset import labelled_rows
from stance.models import registry
from stance.models.predict import PROBA_COLUMNS, predict_records
from stance.models.train import train_model

SENTENCES = ["Moving jobs to India will save money.", "The union will strike over job losses.", "It rained."]


@pytest.fixture
def run_dir(project, tmp_path):
    return train_model("tfidf", labelled_rows(project), out_dir=tmp_path / "run", config={"use_speaker": True})


def invoke(runner, *args):
    return runner.invoke(app, ["predict", *map(str, args)])


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def check_predictions(records, texts):
    assert [r["text"] for r in records] == texts
    for record in records:
        probabilities = [float(record[c]) for c in PROBA_COLUMNS]
        assert abs(sum(probabilities) - 1) < 1e-4
        # the predicted stance has the highest probability (ties possible after rounding to 6 digits)
        assert probabilities[("pro", "anti", "neutral").index(record["stance"])] >= max(probabilities) - 1e-6


def test_sentences_as_arguments(run_dir, runner):
    result = invoke(runner, run_dir, *SENTENCES)
    assert result.exit_code == 0, result.output
    check_predictions(jsonl(result.stdout), SENTENCES)


def test_txt_one_sentence_a_line(run_dir, runner, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("\n".join(SENTENCES[:2]) + "\n\n" + SENTENCES[2] + "\n")
    result = invoke(runner, run_dir, "--input", path)
    assert result.exit_code == 0, result.output
    check_predictions(jsonl(result.stdout), SENTENCES)


def test_jsonl_passes_other_fields_through_and_keeps_a_labelled_stance(run_dir, runner, tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [{"id": i, "text": t, "speaker": "union", "stance": "anti"} for i, t in enumerate(SENTENCES)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = invoke(runner, run_dir, "--input", path, "--output", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    out = jsonl((tmp_path / "out.jsonl").read_text())
    check_predictions(out, SENTENCES)
    assert [r["id"] for r in out] == [0, 1, 2] and {r["input_stance"] for r in out} == {"anti"}
    assert {r["speaker"] for r in out} == {"union"}


def test_csv_in_and_csv_out(run_dir, runner, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("source,text\n" + "".join(f'paper,"{t}"\n' for t in SENTENCES))
    result = invoke(runner, run_dir, "--input", path, "--format", "csv")
    assert result.exit_code == 0, result.output
    out = list(csv.DictReader(io.StringIO(result.stdout)))
    check_predictions(out, SENTENCES)
    assert list(out[0]) == ["source", "text", "stance", *PROBA_COLUMNS]


def test_table_output(run_dir, runner):
    result = invoke(runner, run_dir, SENTENCES[0], "--format", "table")
    assert result.exit_code == 0, result.output
    assert "p_neutral" in result.stdout and "India" in result.stdout


def test_table_shows_square_brackets_as_written(run_dir, runner, tmp_path):
    """Text is data, not rich markup: "[the]" would otherwise vanish as a tag."""
    rows = tmp_path / "rows.jsonl"
    line = {"text": "Managers will move [the] payroll team and [b]all[/b] its work abroad.", "speaker": "[staff] rep"}
    rows.write_text(json.dumps(line) + "\n")
    result = invoke(runner, run_dir, "--input", rows, "--format", "table")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "[the]" in flat and "[b]all[/b]" in flat and "[staff] rep" in flat


def test_article_is_split_like_the_corpus_and_gets_speakers(run_dir, runner, tmp_path):
    path = tmp_path / "new.txt"
    path.write_text(
        "Bank moves 500 jobs to India\n\n"
        'The bank will move 500 jobs to Bangalore. "This betrays loyal staff," said union leader Jane Smith.\n\n'
        "The bank said the move would cut costs.\n"
    )
    result = invoke(runner, run_dir, "--article", path)
    assert result.exit_code == 0, result.output
    out = jsonl(result.stdout)
    assert len(out) >= 3 and [r["index"] for r in out] == list(range(len(out)))
    assert out[1]["context"] == out[0]["text"]
    check_predictions(out, [r["text"] for r in out])
    assert any(r["speaker"] not in (None, "", "author") for r in out)  # the finder found a quoted speaker


@pytest.mark.parametrize("name", registry.available())
def test_every_model_predicts_from_the_command_line(name, tiny_bert, runner, tmp_path):
    rows = [{"text": t, "stance": s} for t, s in zip(SENTENCES, ("pro", "anti", "neutral"), strict=True)] * 2
    run = train_model(name, rows, out_dir=tmp_path / name, config=small_config(name, tiny_bert))
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"text": t, "k": 1}) + "\n" for t in SENTENCES))
    result = invoke(runner, run, "--input", path, "--format", "csv")
    assert result.exit_code == 0, result.output
    check_predictions(list(csv.DictReader(io.StringIO(result.stdout))), SENTENCES)


def test_streaming_keeps_input_order_across_chunks(run_dir):
    model = registry.load_model(run_dir)
    records = [{"text": "x " * (i % 7 + 1) + SENTENCES[i % 3], "n": i} for i in range(23)]
    streamed = list(predict_records(model, iter(records), chunk_size=5))
    assert [r["n"] for r in streamed] == list(range(23))
    whole = model.predict_proba(records)
    np.testing.assert_allclose([[r[c] for c in PROBA_COLUMNS] for r in streamed], whole, atol=1e-6)


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["MISSING", "hello"], "model directory not found"),
        ("empty", ["RUN", "hello"], "not a stance model directory"),
        ("unknown", ["RUN", "hello"], "unknown model kind 'svm'"),
        ("incomplete", ["RUN", "hello"], "incomplete model directory: model.skops is missing"),
        ("good", ["RUN"], "nothing to predict"),
        ("good", ["RUN", "hello", "--input", "IN.txt"], "give only one of TEXT, --input and --article"),
        ("good", ["RUN", "--input", "IN.txt"], "IN.txt: no sentences in the input"),
        ("good", ["RUN", "--input", "IN.csv"], "IN.csv:1: text: missing column"),
        ("good", ["RUN", "--input", "IN.jsonl"], "IN.jsonl:2: text: missing or empty text"),
        ("good", ["RUN", "--input", "IN.xlsx"], "unknown input format '.xlsx'"),
        ("good", ["RUN", "--input", "NOPE.txt"], "NOPE.txt: file not found"),
        ("good", ["RUN", "hello", "--format", "xml"], "--format: unknown format 'xml'"),
        ("good", ["RUN", "hello", "--format", "table", "--output", "OUT"], "--format table is for the terminal"),
    ],
)
def test_errors_are_one_line_and_non_zero(project, runner, tmp_path, setup, args, message):
    run = tmp_path / "run"
    if setup == "good":
        train_model("tfidf", labelled_rows(project), out_dir=run)
    elif setup is not None:
        run.mkdir()
        if setup in ("unknown", "incomplete"):
            (run / "stance_model.json").write_text(json.dumps({"model": "svm" if setup == "unknown" else "tfidf"}))
    (tmp_path / "IN.txt").write_text("\n  \n")
    (tmp_path / "IN.csv").write_text("sentence\nhello\n")
    (tmp_path / "IN.jsonl").write_text('{"text": "ok"}\n{"text": ""}\n')
    (tmp_path / "IN.xlsx").write_text("x")
    names = {"RUN": run, "MISSING": tmp_path / "missing", "OUT": tmp_path / "out.txt"}
    args = [str(names.get(a, tmp_path / a if a.startswith(("IN.", "NOPE")) else a)) for a in args]
    result = invoke(runner, *args)
    assert result.exit_code == 1, result.output
    assert message.replace("IN.", str(tmp_path / "IN.")).replace("NOPE", str(tmp_path / "NOPE")) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out.txt").exists()


def test_a_failed_prediction_leaves_no_half_written_output(run_dir, runner, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in SENTENCES * 200) + '{"text": 5}\n')
    result = invoke(runner, run_dir, "--input", path, "--output", tmp_path / "out.jsonl")
    assert result.exit_code == 1 and "in.jsonl:601: text: missing or empty text" in result.stderr
    assert list(tmp_path.glob("*out.jsonl*")) == []


@pytest.fixture(scope="module")
def transformer_run(tiny_bert, tmp_path_factory):
    rows = [{"text": t, "stance": s} for t, s in zip(SENTENCES, ("pro", "anti", "neutral"), strict=True)] * 2
    out = tmp_path_factory.mktemp("engines") / "run"
    return train_model("transformer", rows, out_dir=out, config=small_config("transformer", tiny_bert))


@pytest.mark.parametrize(
    ("engine", "fast", "gpu", "expected"),
    [
        ("auto", False, False, "onnx float32"),
        ("auto", False, True, "torch"),
        ("torch", False, False, "torch"),
        ("onnx", False, True, "onnx float32"),
        ("auto", True, False, "onnx int8"),
    ],
)
def test_the_engine_follows_the_hardware_and_the_flags(transformer_run, monkeypatch, engine, fast, gpu, expected):
    from stance.models import predict

    monkeypatch.setattr(predict, "gpu_visible", lambda: gpu)
    model = predict.load_predictor(transformer_run, engine=engine, fast=fast)
    assert (f"onnx {model.precision}" if hasattr(model, "session") else "torch") == expected
    torch_labels = registry.load_model(transformer_run).predict([{"text": t} for t in SENTENCES])
    if expected != "onnx int8":  # the float32 engines agree exactly on labels
        assert model.predict([{"text": t} for t in SENTENCES]) == torch_labels


def test_a_failed_export_falls_back_to_pytorch_only_under_auto(transformer_run, monkeypatch, tmp_path):
    import shutil

    from stance.errors import StanceError, StanceWarning
    from stance.models import onnx_engine, predict

    run = tmp_path / "run"
    shutil.copytree(transformer_run, run)
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))

    def broken(run_dir, target):
        raise RuntimeError("Unsupported: an operator the exporter can't trace\nmore detail")

    monkeypatch.setattr(onnx_engine, "export_onnx", broken)
    monkeypatch.setattr(predict, "gpu_visible", lambda: False)
    with pytest.warns(StanceWarning, match=r"ONNX export failed \(Unsupported: an operator"):
        model = predict.load_predictor(run)
    assert not hasattr(model, "session")
    with pytest.raises(StanceError, match="ONNX export failed: Unsupported: an operator the exporter can't trace$"):
        predict.load_predictor(run, engine="onnx")
    assert not any((tmp_path / "cache" / onnx_engine.CACHE).iterdir())  # nothing half-built left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "gpu"], "unknown engine 'gpu'; choose from auto, torch, onnx"),
        (["--engine", "torch", "--fast"], "--fast runs on ONNX Runtime; drop --engine torch"),
        (["--fast-margin", "0.2"], "--fast-margin applies to --fast only"),
    ],
)
def test_engine_errors_are_one_line(transformer_run, runner, args, message):
    result = invoke(runner, transformer_run, "Jobs go abroad.", *args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_onnx_is_refused_for_a_model_that_is_not_a_transformer(run_dir, runner):
    result = invoke(runner, run_dir, "Jobs go abroad.", "--engine", "onnx")
    assert result.exit_code == 1 and "applies to transformer models; this is a 'tfidf' model" in result.output


def test_batches_group_rows_of_similar_token_length():
    from stance.models.common import batches_by_length

    lengths = [9, 3, 7, 3, 12, 5, 8]
    batches = list(batches_by_length(lengths, 3))
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    assert [[lengths[i] for i in batch] for batch in batches] == [[3, 3, 5], [7, 8, 9], [12]]
